//! District metering at the edge: `oasis meters …`, `oasis districts …`, `oasis balance`,
//! `oasis nightflow`. Files and the store in, tables, CSV and charts out; the sums themselves are
//! `oasis-metering`'s and the districts `oasis-districts`'.

pub mod balance;
mod citysim;
mod clock;
mod districts;
mod export;
mod nightflow;
mod ingest;
mod parquet_in;
mod registry;

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use oasis_store::Store;

/// Where the store is.
#[derive(clap::Args, Clone)]
pub struct DbArgs {
    /// The store's directory (made on first use).
    #[arg(long, default_value = "oasis-data")]
    pub db: PathBuf,
    /// UTC offset of the store's days, used only when the store is made (Jinchang: +08:00).
    #[arg(long, default_value = "+08:00", allow_hyphen_values = true)]
    pub store_utc_offset: String,
}

impl DbArgs {
    pub fn open(&self) -> anyhow::Result<Store> {
        let offset = clock::parse_offset(&self.store_utc_offset)?;
        Store::open(&self.db, offset).with_context(|| format!("cannot open the store at {}", self.db.display()))
    }
}

/// Which days and districts a balance or night flow covers.
#[derive(clap::Args)]
pub struct SpanArgs {
    /// First day (YYYY-MM-DD) or a whole month (YYYY-MM), local time.
    #[arg(long)]
    pub from: String,
    /// Last day, included (default: the end of `--from`'s day or month).
    #[arg(long)]
    pub to: Option<String>,
    /// Only districts of this level.
    #[arg(long)]
    pub level: Option<u8>,
    /// Only these districts (repeatable).
    #[arg(long)]
    pub district: Vec<String>,
}

impl SpanArgs {
    /// The period `[from, to)` in the store's clock and the districts chosen.
    pub fn resolve(&self, store: &Store) -> anyhow::Result<(i64, i64, oasis_audit::Selection)> {
        let (from_s, to_s) = oasis_audit::balance::period(store, &self.from, self.to.as_deref())?;
        Ok((from_s, to_s, oasis_audit::Selection { level: self.level, districts: self.district.clone() }))
    }
}

#[derive(Subcommand)]
pub enum MetersCommand {
    /// Import or update the meter register from CSV.
    Register(registry::RegisterArgs),
    /// Read readings (CSV, .gz, .zip, Parquet) into the store; the same data twice counts once.
    Ingest(ingest::IngestArgs),
    /// The register with each meter's readings, or the register as CSV.
    List(registry::ListArgs),
    /// Readings out as CSV or as Parquet that DuckDB, Polars, pyarrow or Spark read as is.
    Export(export::ExportArgs),
    /// Quality flags (gaps, rollovers, decreases, spikes, stuck meters, daylight-saving repeats).
    Flags(export::FlagsArgs),
    /// Lines the ingests set aside, with file, line, field and reason.
    Rejected(export::RejectedArgs),
}

pub fn meters(cmd: MetersCommand) -> anyhow::Result<()> {
    match cmd {
        MetersCommand::Register(a) => registry::import(a),
        MetersCommand::Ingest(a) => ingest::run(a),
        MetersCommand::List(a) => registry::list(a),
        MetersCommand::Export(a) => export::export(a),
        MetersCommand::Flags(a) => export::flags(a),
        MetersCommand::Rejected(a) => export::rejected(a),
    }
}

#[derive(Subcommand)]
pub enum DistrictsCommand {
    /// Build the districts from a network cut at the register's bulk meters (or hand-drawn lists).
    Build(districts::BuildArgs),
    /// The stored districts with their meters and warnings.
    Show(districts::ShowArgs),
}

pub fn districts(cmd: DistrictsCommand) -> anyhow::Result<()> {
    match cmd {
        DistrictsCommand::Build(a) => districts::build(a),
        DistrictsCommand::Show(a) => districts::show(a),
    }
}

pub use balance::{BalanceArgs, run as balance};
pub use citysim::{CitysimArgs, run as citysim};
pub use nightflow::{NightflowArgs, run as nightflow};
