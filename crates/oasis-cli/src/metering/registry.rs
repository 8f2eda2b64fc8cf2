//! The meter register at the edge: `oasis meters register` (CSV in, every row checked, bad rows
//! named and left out) and `list`.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Context;
use oasis_audit::{Register, register_row};
use oasis_metering::{Meter, validate_register};
use oasis_store::REGISTER_COLUMNS;

#[derive(clap::Args)]
pub struct RegisterArgs {
    /// The register CSV (columns of docs/meter-data.md, any order).
    pub file: PathBuf,
    #[command(flatten)]
    pub db: super::DbArgs,
}

pub fn import(args: RegisterArgs) -> anyhow::Result<()> {
    let mut store = args.db.open()?;
    let offset = store.utc_offset_s();
    let file = args.file.display().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(&args.file)
        .with_context(|| format!("cannot open {file}"))?;
    let headers: Vec<String> = rdr.headers().with_context(|| format!("{file}: no header line"))?.iter().map(String::from).collect();
    if let Some(h) = headers.iter().find(|h| !REGISTER_COLUMNS.contains(&h.as_str())) {
        anyhow::bail!("{file}: unknown column '{h}' in the header (known: {})", REGISTER_COLUMNS.join(","));
    }
    let mut rows = Vec::new();
    let mut meters = Vec::new();
    let mut bad = 0;
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{file}: unreadable CSV"))?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |c: &str| headers.iter().position(|h| h == c).and_then(|i| rec.get(i));
        match Meter::from_fields(get, offset) {
            Ok(m) => {
                rows.push((m.id.clone(), REGISTER_COLUMNS[1..].iter().map(|c| get(c).map(String::from)).collect()));
                meters.push(m);
            }
            Err(e) => {
                bad += 1;
                eprintln!("rejected: {file} line {line} field '{}' ({:?}): {}", e.field, e.value, e.reason);
            }
        }
    }
    // Cross-row problems (duplicate ids, replacements that do not line up) are checked on the
    // register as it will be, stored meters included.
    let mut all = Register::load(&store)?.meters();
    all.retain(|m| !meters.iter().any(|n| n.id == m.id));
    all.extend(meters.iter().cloned());
    for p in validate_register(&all) {
        eprintln!("warning: {file}: {p}");
    }
    let (added, updated) = store.upsert_meters(&rows)?;
    println!("{file}: {added} meters added, {updated} updated, {bad} rows rejected");
    Ok(())
}

#[derive(clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
    /// Write the register as CSV (the import format) instead of a table.
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

pub fn list(args: ListArgs) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let reg = Register::load(&store)?;
    let offset = store.utc_offset_s();
    if let Some(path) = args.csv {
        let mut w = csv::Writer::from_path(&path).with_context(|| format!("cannot write {}", path.display()))?;
        w.write_record(REGISTER_COLUMNS)?;
        for e in reg.sorted() {
            let (id, fields) = register_row(&e.meter, offset);
            let mut row = vec![id];
            row.extend(fields.into_iter().map(Option::unwrap_or_default));
            w.write_record(&row)?;
        }
        w.flush()?;
        println!("{}: {} meters", path.display(), reg.sorted().len());
        return Ok(());
    }
    let first = store.partitions()?.first().map(|p| p.0);
    let last = store.partitions()?.last().map(|p| p.0);
    let mut counts: HashMap<u32, (u64, i64, i64)> = HashMap::new();
    if let (Some(a), Some(b)) = (first, last) {
        for (_, e) in store.meter_days(a, b)? {
            let c = counts.entry(e.meter).or_insert((0, i64::MAX, i64::MIN));
            c.0 += e.count as u64;
            c.1 = c.1.min(e.first_t_s);
            c.2 = c.2.max(e.last_t_s);
        }
    }
    let mut out = format!(
        "{:<16} {:<9} {:<9} {:<6} {:<12} {:<12} {:>9}  {}\n",
        "meter", "kind", "series", "unit", "link/node", "district", "readings", "from → to"
    );
    for e in reg.sorted() {
        let m = &e.meter;
        let place = m.link.as_deref().or(m.node.as_deref()).unwrap_or("");
        let (n, a, b) = counts.get(&e.key).copied().unwrap_or((0, 0, 0));
        let span = if n > 0 {
            format!(
                "{} → {}",
                oasis_metering::time::format_local_time(a, offset),
                oasis_metering::time::format_local_time(b, offset)
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{:<16} {:<9} {:<9} {:<6} {:<12} {:<12} {:>9}  {}\n",
            m.id,
            m.kind.as_str(),
            m.series.as_str(),
            m.unit.as_str(),
            place,
            m.district.as_deref().unwrap_or(""),
            n,
            span
        ));
    }
    for p in &reg.problems {
        out.push_str(&format!("problem: {p}\n"));
    }
    crate::table::emit(&out)
}
