//! `oasis run` and `oasis convert`.
use clap::Args;

#[derive(Args)]
pub struct RunArgs {}
#[derive(Args)]
pub struct ConvertArgs {}

pub fn run(_: RunArgs) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
pub fn convert(_: ConvertArgs) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
