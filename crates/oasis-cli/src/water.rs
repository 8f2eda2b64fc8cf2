//! `oasis water …` (placeholder until the surface-water crate lands).
use clap::Subcommand;

#[derive(Subcommand)]
pub enum WaterCommand {}

pub fn run(cmd: WaterCommand) -> anyhow::Result<()> {
    match cmd {}
}
