//! `oasis scenarios NET.inp --kind leak|demand|closure ... --threads N --output results.csv`:
//! the command-line face of this crate, for the `oasis` binary to wire in as a
//! subcommand. This module is the crate's only I/O: it reads the network, writes
//! the CSV row by row as results arrive, and shows progress on standard error.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, ValueEnum};
use oasis_network::units::PressureUnits;
use oasis_network::{Network, read_inp};

use crate::{
    Scenario, Settings, Summary, closure_scenarios, demand_scenarios, factor_range, leak_scenarios,
    run_all,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A leak emitter at each junction in turn.
    Leak,
    /// The demand multiplier scaled by each factor.
    Demand,
    /// Each open pipe closed in turn.
    Closure,
}

#[derive(Debug, Args)]
pub struct ScenariosArgs {
    /// EPANET input file.
    pub network: PathBuf,
    /// Which variants to run.
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// Leak emitter coefficient (flow units per pressure unit^0.5 with the default
    /// emitter exponent).
    #[arg(long, default_value_t = 0.5)]
    pub leak_coefficient: f64,
    /// Demand factors, e.g. 0.8,1.0,1.2 (default: --count factors from --min-factor to --max-factor).
    #[arg(long, value_delimiter = ',')]
    pub factors: Vec<f64>,
    #[arg(long, default_value_t = 0.5)]
    pub min_factor: f64,
    #[arg(long, default_value_t = 2.0)]
    pub max_factor: f64,
    /// Number of demand factors when --factors is not given.
    #[arg(long, default_value_t = 16)]
    pub count: usize,
    /// Run only the first N scenarios.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Pressure below which a junction counts as under-served (network pressure units).
    #[arg(long, default_value_t = 20.0)]
    pub threshold: f64,
    /// Solve time 0 only (default: the network's whole duration).
    #[arg(long)]
    pub steady: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Where to write one CSV row per scenario ("-" for standard output).
    #[arg(long, short)]
    pub output: PathBuf,
    /// No progress line.
    #[arg(long)]
    pub quiet: bool,
}

/// The scenario list `args` asks for.
pub fn scenarios_for(net: &Network, args: &ScenariosArgs) -> Vec<Scenario> {
    let mut list = match args.kind {
        Kind::Leak => leak_scenarios(net, args.leak_coefficient),
        Kind::Demand if !args.factors.is_empty() => demand_scenarios(&args.factors),
        Kind::Demand => {
            demand_scenarios(&factor_range(args.min_factor, args.max_factor, args.count))
        }
        Kind::Closure => closure_scenarios(net),
    };
    if let Some(n) = args.limit {
        list.truncate(n);
    }
    list
}

/// Units in the column names: `m`/`kpa`/`psi` for pressure, the flow keyword in
/// lower case for flow (EPANET 2.2 uses psi with every US flow unit).
pub fn csv_header(net: &Network) -> Vec<String> {
    let o = &net.options;
    let pressure = if !o.flow_units.is_si() {
        "psi"
    } else if o.pressure_units == Some(PressureUnits::Kpa) {
        "kpa"
    } else {
        "m"
    };
    let flow = o.flow_units.keyword().to_ascii_lowercase();
    [
        "scenario".to_string(),
        "kind".into(),
        "target".into(),
        format!("min_pressure_{pressure}"),
        "min_pressure_junction".into(),
        "min_pressure_time_s".into(),
        "junctions_below".into(),
        format!("mean_supply_{flow}"),
        "periods".into(),
        "warning".into(),
        "error".into(),
    ]
    .to_vec()
}

/// The summary's CSV fields, in [`csv_header`]'s order. Numbers are written
/// with Rust's shortest round-trip formatting; a failed run leaves them empty.
pub fn csv_record(s: &Summary) -> Vec<String> {
    let num = |x: f64| {
        if x.is_finite() {
            x.to_string()
        } else {
            String::new()
        }
    };
    let failed = s.error.is_some();
    vec![
        s.index.to_string(),
        s.kind.to_string(),
        s.target.clone(),
        num(s.min_pressure),
        s.min_pressure_junction.clone(),
        if failed {
            String::new()
        } else {
            s.min_pressure_time_s.to_string()
        },
        if failed {
            String::new()
        } else {
            s.junctions_below.to_string()
        },
        num(s.mean_supply),
        s.periods.to_string(),
        s.warning.to_string(),
        s.error.clone().unwrap_or_default(),
    ]
}

/// `oasis scenarios`: runs the scenarios and streams the CSV.
pub fn run(args: ScenariosArgs) -> anyhow::Result<()> {
    let name = args.network.display().to_string();
    let bytes = std::fs::read(&args.network).with_context(|| format!("cannot read {name}"))?;
    let net = read_inp(&bytes, &name)?;
    let scenarios = scenarios_for(&net, &args);
    anyhow::ensure!(
        !scenarios.is_empty(),
        "{name}: no {:?} scenario to run (no junction, pipe or factor)",
        args.kind
    );
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let settings = Settings {
        pressure_threshold: args.threshold,
        steady: args.steady,
    };
    let sink: Box<dyn Write> = if args.output.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(
            std::fs::File::create(&args.output)
                .with_context(|| format!("cannot create {}", args.output.display()))?,
        )
    };
    let mut csv = csv::Writer::from_writer(sink);
    csv.write_record(csv_header(&net))?;
    let total = scenarios.len();
    let start = Instant::now();
    let mut last_shown = Instant::now();
    let mut write_error = None;
    run_all(&net, &scenarios, &settings, threads, |s, done| {
        if write_error.is_none()
            && let Err(e) = csv
                .write_record(csv_record(s))
                .and_then(|()| Ok(csv.flush()?))
        {
            write_error = Some(e);
        }
        if !args.quiet && (last_shown.elapsed().as_millis() >= 200 || done == total) {
            last_shown = Instant::now();
            eprint!(
                "\rscenarios {done}/{total} ({:.0}%), {:.1} s",
                100.0 * done as f64 / total as f64,
                start.elapsed().as_secs_f64()
            );
        }
    });
    if !args.quiet {
        eprintln!();
    }
    if let Some(e) = write_error {
        return Err(e).with_context(|| format!("cannot write {}", args.output.display()));
    }
    csv.flush()
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    if !args.quiet {
        eprintln!(
            "{total} scenarios on {threads} threads in {:.2} s",
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
