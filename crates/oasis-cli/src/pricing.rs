//! `oasis tariff|bill|quota|dual-control` (placeholder until the tariff crate lands).
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum TariffCommand {}
#[derive(Args)]
pub struct BillArgs {}
#[derive(Subcommand)]
pub enum QuotaCommand {}
#[derive(Args)]
pub struct DualControlArgs {}

pub fn tariff(cmd: TariffCommand) -> anyhow::Result<()> {
    match cmd {}
}
pub fn bill(_: BillArgs) -> anyhow::Result<()> {
    anyhow::bail!("billing is not built yet")
}
pub fn quota(cmd: QuotaCommand) -> anyhow::Result<()> {
    match cmd {}
}
pub fn dual_control(_: DualControlArgs) -> anyhow::Result<()> {
    anyhow::bail!("dual control is not built yet")
}
