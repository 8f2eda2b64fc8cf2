//! `oasis`: the command-line edge of Oasis. It parses arguments, calls the
//! domain crates and reports their typed errors for people.

mod air;
mod carbon;
mod ecology;
mod soil;
mod columns;
mod metering;
mod leaks;
mod network;
mod pricing;
mod serve;
mod table;
mod water;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "oasis", version, about = "Water network, water rights and ecology for an arid city")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate an EPANET network (.inp) and summarise or export the results.
    Run(network::RunArgs),
    /// Read an EPANET network and write it back out as .inp.
    Convert(network::ConvertArgs),
    /// Run many variants of one network (leaks, demand multipliers, closures) on all cores.
    Scenarios(oasis_scenarios::cli::ScenariosArgs),
    /// Air quality: hourly and daily AQI, period evaluation (HJ 633).
    #[command(subcommand)]
    Air(air::AirCommand),
    /// Surface water: GB 3838 classes, 优良率 and CWQI ranking.
    #[command(subcommand)]
    Water(water::WaterCommand),
    /// Water tariffs: check a tariff file.
    #[command(subcommand)]
    Tariff(pricing::TariffCommand),
    /// Bill customers from meter readings.
    Bill(pricing::BillArgs),
    /// Water-use quotas: registers, allocation and plan-vs-actual reports.
    #[command(subcommand)]
    Quota(pricing::QuotaCommand),
    /// Total-use and intensity dual control, farm rewards.
    DualControl(pricing::DualControlArgs),
    /// Meters: the register, readings ingest (idempotent), export, quality flags.
    #[command(subcommand)]
    Meters(metering::MetersCommand),
    /// Districts (一级/二级/DMA) from the network and the bulk meters.
    #[command(subcommand)]
    Districts(metering::DistrictsCommand),
    /// IWA water balance, NRW, UARL/ILI and CJJ 92-2016 loss rates per district.
    Balance(metering::BalanceArgs),
    /// Minimum night flow, night leakage and alerts per district and day; CSV and SVG chart.
    Nightflow(metering::NightflowArgs),
    /// Write a synthetic metered city with known leakage (network, register, readings, truth).
    Citysim(metering::CitysimArgs),
    /// Leaks and bursts: detect in SCADA data, simulate benchmark data sets, score.
    #[command(subcommand)]
    Leaks(leaks::LeaksCommand),
    /// Carbon ledger: enterprise totals, city inventory and intensity, scenarios, forest sinks, 碳汇代偿 cases.
    #[command(subcommand)]
    Carbon(carbon::CarbonCommand),
    /// Greening ledger: projects, totals against targets, survival, GeoJSON.
    #[command(subcommand)]
    Greening(ecology::GreeningCommand),
    /// The city's targets board: each target against the actual from the module that owns it.
    Targets(ecology::TargetsArgs),
    /// Soil screening (GB 15618-2018, GB 36600-2018) and the 交办整改 case register.
    #[command(subcommand)]
    Soil(soil::SoilCommand),
    /// Web server and dashboard: the API and pages (no argument: the demonstration city).
    Serve(serve::ServeArgs),
    /// Users of `oasis serve` (viewer, operator, admin).
    #[command(subcommand)]
    Users(serve::UsersCommand),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => network::run(args),
        Command::Convert(args) => network::convert(args),
        Command::Scenarios(args) => oasis_scenarios::cli::run(args),
        Command::Air(cmd) => air::run(cmd),
        Command::Water(cmd) => water::run(cmd),
        Command::Tariff(cmd) => pricing::tariff(cmd),
        Command::Bill(args) => pricing::bill(args),
        Command::Quota(cmd) => pricing::quota(cmd),
        Command::DualControl(args) => pricing::dual_control(args),
        Command::Meters(cmd) => metering::meters(cmd),
        Command::Districts(cmd) => metering::districts(cmd),
        Command::Balance(args) => metering::balance(args),
        Command::Citysim(args) => metering::citysim(args),
        Command::Nightflow(args) => metering::nightflow(args),
        Command::Leaks(cmd) => leaks::run(cmd),
        Command::Carbon(cmd) => carbon::run(cmd),
        Command::Greening(cmd) => ecology::greening(cmd),
        Command::Targets(args) => ecology::targets(args),
        Command::Soil(cmd) => soil::run(cmd),
        Command::Serve(args) => serve::serve(args),
        Command::Users(cmd) => serve::users(cmd),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::from(1)
        }
    }
}
