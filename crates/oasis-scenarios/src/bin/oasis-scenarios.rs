//! Stand-alone `oasis scenarios` until the `oasis` binary wires the subcommand.

use clap::Parser;

#[derive(Parser)]
#[command(
    name = "oasis-scenarios",
    about = "Run many variants of one network across threads; one CSV row per scenario"
)]
struct Cli {
    #[command(flatten)]
    args: oasis_scenarios::cli::ScenariosArgs,
}

fn main() -> std::process::ExitCode {
    match oasis_scenarios::cli::run(Cli::parse().args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oasis-scenarios: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
