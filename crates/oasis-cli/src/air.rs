//! `oasis air …` (placeholder until the air-quality crate lands).
use clap::Subcommand;

#[derive(Subcommand)]
pub enum AirCommand {}

pub fn run(cmd: AirCommand) -> anyhow::Result<()> {
    match cmd {}
}
