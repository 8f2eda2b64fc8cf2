//! `oasis meters export|flags|rejected`: what the store holds, out for people and other engines.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use oasis_metering::time::{format_local_time, parse_local_time};

use oasis_audit::Register;
use oasis_store::MeterStore;

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
    /// `parquet` (a directory of day files) or `csv` (one file, meter_id,time,value).
    #[arg(long, default_value = "parquet")]
    pub format: String,
    /// Output directory (parquet) or file (csv).
    #[arg(long, short)]
    pub output: PathBuf,
    /// First day (local, YYYY-MM-DD); default: the first stored.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (local, YYYY-MM-DD); default: the last stored.
    #[arg(long)]
    pub to: Option<String>,
}

/// The store days `from..=to` given as local dates (default: all stored days).
pub fn day_range(store: &oasis_store::Store, from: Option<&str>, to: Option<&str>) -> anyhow::Result<(i32, i32)> {
    let parts = store.partitions()?;
    let day = |s: &str| -> anyhow::Result<i32> {
        let t = parse_local_time(s, store.utc_offset_s()).map_err(|e| anyhow::anyhow!("'{s}': {e}"))?;
        Ok(store.day_of(t))
    };
    let a = match from {
        Some(s) => day(s)?,
        None => parts.first().map_or(0, |p| p.0),
    };
    let b = match to {
        Some(s) => day(s)?,
        None => parts.last().map_or(-1, |p| p.0),
    };
    Ok((a, b))
}

pub fn export(args: ExportArgs) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let (a, b) = day_range(&store, args.from.as_deref(), args.to.as_deref())?;
    match args.format.as_str() {
        "parquet" => {
            let c = store.export_parquet(&args.output, a, b)?;
            println!("{}: {} readings in {} day files (readings/day=YYYY-MM-DD/readings.parquet)", args.output.display(), c.rows, c.files);
        }
        "csv" => {
            let reg = Register::load(&store)?;
            let ids: std::collections::HashMap<u32, String> = reg.sorted().iter().map(|e| (e.key, e.meter.id.clone())).collect();
            let file = std::fs::File::create(&args.output).with_context(|| format!("cannot write {}", args.output.display()))?;
            let mut w = std::io::BufWriter::new(file);
            writeln!(w, "meter_id,time,value")?;
            let mut rows = 0u64;
            let offset = store.utc_offset_s();
            store.for_each_day(a, b, |_, cols| {
                for i in 0..cols.len() {
                    let id = ids.get(&cols.meter[i]).map(String::as_str).unwrap_or("?");
                    let v = oasis_store::from_micro(cols.micro[i]);
                    writeln!(w, "{id},{},{v}", format_local_time(cols.t_s[i], offset))
                        .map_err(|e| oasis_store::StoreError::Corrupt(format!("write: {e}")))?;
                }
                rows += cols.len() as u64;
                Ok(())
            })?;
            w.flush()?;
            println!("{}: {rows} readings (canonical units: m³, m³/h, m)", args.output.display());
        }
        other => bail!("--format {other}: expected parquet or csv"),
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct FlagsArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
    /// Only this kind (gap, rollover, decrease, spike, stuck, dst_repeat, …).
    #[arg(long)]
    pub kind: Option<String>,
}

pub fn flags(args: FlagsArgs) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let reg = Register::load(&store)?;
    let ids: std::collections::HashMap<u32, String> = reg.sorted().iter().map(|e| (e.key, e.meter.id.clone())).collect();
    let mut out = String::new();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for f in store.flags(i64::MIN / 4, i64::MAX / 4)? {
        if args.kind.as_ref().is_some_and(|k| *k != f.kind) {
            continue;
        }
        *counts.entry(f.kind.clone()).or_default() += 1;
        let id = ids.get(&f.meter_key).map(String::as_str).unwrap_or("?");
        out.push_str(&format!("{id:<16} {}  {:<14} {}\n", format_local_time(f.t_s, store.utc_offset_s()), f.kind, f.detail));
    }
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    out.push_str(&format!("flags: {}\n", if summary.is_empty() { "none".into() } else { summary.join(", ") }));
    crate::table::emit(&out)
}

#[derive(clap::Args)]
pub struct RejectedArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
}

pub fn rejected(args: RejectedArgs) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let mut out = String::new();
    for ing in store.ingests()? {
        for (line, field, message, text) in store.rejected_lines(ing.id)? {
            out.push_str(&format!("{} line {line} field '{field}': {message}\n    {text}\n", ing.source));
        }
    }
    if out.is_empty() {
        out.push_str("no rejected lines\n");
    }
    crate::table::emit(&out)
}
