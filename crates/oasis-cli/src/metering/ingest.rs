//! `oasis meters ingest`: readings from CSV (plain, `.gz`, `.zip`) or Parquet into the store.
//! Every line either becomes a reading or is set aside with its file, line, field and reason;
//! after the ingest the touched meters' series are checked and their quality flags replaced.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, bail};
use oasis_metering::Meter;
use oasis_store::{IngestCounts, IngestSession, IngestSettings, Store};

use super::clock::{Stamp, TimeParser, parse_offset};
use super::parquet_in::TimeCell;
use oasis_audit::{Register, register_row};

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Reading files: CSV (also `.csv.gz`, or a `.zip` holding one CSV) or Parquet (`.parquet`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub db: super::DbArgs,
    /// One column per meter (the header names the meters), one row per time stamp.
    #[arg(long)]
    pub wide: bool,
    #[arg(long, default_value = ",")]
    pub delimiter: char,
    #[arg(long, default_value = "meter_id")]
    pub meter_col: String,
    #[arg(long, default_value = "time")]
    pub time_col: String,
    #[arg(long, default_value = "value")]
    pub value_col: String,
    /// chrono format of the time column, e.g. "%d/%m/%Y %H:%M:%S" (default: YYYY-MM-DD HH:MM[:SS], or RFC 3339).
    #[arg(long)]
    pub time_format: Option<String>,
    /// IANA time zone of the local times, e.g. Europe/Rome (daylight saving handled and flagged).
    #[arg(long, conflicts_with = "utc_offset")]
    pub timezone: Option<String>,
    /// Fixed UTC offset of the local times (default: the store's, +08:00 for a new store).
    #[arg(long, allow_hyphen_values = true)]
    pub utc_offset: Option<String>,
    /// Meter id as the file names it = id in the register (repeatable), e.g. "DMA 1 (L/s)=BWDF-DMA1".
    #[arg(long = "rename", value_name = "FILE_ID=METER_ID")]
    pub rename: Vec<String>,
    /// Register meters the file names but the register lacks, as KIND,SERIES,UNIT (e.g. customer,register,L).
    #[arg(long, value_name = "KIND,SERIES,UNIT")]
    pub auto_register: Option<String>,
    /// Skip the quality checks after the ingest.
    #[arg(long)]
    pub no_checks: bool,
    /// Readings held in memory before a commit.
    #[arg(long, default_value_t = 12_000_000)]
    pub flush_rows: usize,
    /// Print at most this many rejected lines (all are kept in the store).
    #[arg(long, default_value_t = 20)]
    pub show_rejected: usize,
}

/// What the parsing side needs for each line.
struct Context2<'a> {
    register: &'a mut Register,
    rename: HashMap<String, String>,
    auto: Option<[String; 3]>,
    parser: TimeParser,
    /// (meter key, first instant) of ambiguous local stamps already seen: the second is the repeat.
    seen_ambiguous: HashSet<(u32, i64)>,
    dst_flags: Vec<(u32, i64)>,
    touched: Vec<Option<(i64, i64)>>,
    file: String,
    /// The file's values are canonical already (an `oasis meters export` Parquet file): the
    /// register's unit and multiplier are not applied again.
    canonical_values: bool,
}

pub fn run(args: IngestArgs) -> anyhow::Result<()> {
    let mut store = args.db.open()?;
    let offset_s = match &args.utc_offset {
        Some(o) => parse_offset(o)?,
        None => store.utc_offset_s(),
    };
    let parser = TimeParser::new(args.time_format.clone(), args.timezone.as_deref(), offset_s)?;
    let mut register = Register::load(&store)?;
    let mut rename = HashMap::new();
    for r in &args.rename {
        let (a, b) = r.split_once('=').with_context(|| format!("--rename '{r}': expected FILE_ID=METER_ID"))?;
        rename.insert(a.trim().to_string(), b.trim().to_string());
    }
    let auto = match &args.auto_register {
        Some(s) => {
            let p: Vec<&str> = s.split(',').map(str::trim).collect();
            if p.len() != 3 {
                bail!("--auto-register '{s}': expected KIND,SERIES,UNIT");
            }
            // Fail now, not on the first unknown meter.
            Meter::from_fields(|c| auto_field(c, "probe", &p), 0).map_err(|e| anyhow::anyhow!("--auto-register: {e}"))?;
            Some([p[0].to_string(), p[1].to_string(), p[2].to_string()])
        }
        None => None,
    };
    let mut ctx = Context2 {
        register: &mut register,
        rename,
        auto,
        parser,
        seen_ambiguous: HashSet::new(),
        dst_flags: Vec::new(),
        touched: Vec::new(),
        file: String::new(),
        canonical_values: false,
    };
    for path in &args.files {
        ctx.file = path.display().to_string();
        let settings = IngestSettings { flush_rows: args.flush_rows.max(1) };
        let mut session = store.begin_ingest(&ctx.file, settings)?;
        let is_parquet = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        ctx.canonical_values = is_parquet && super::parquet_in::values_are_canonical(path)?;
        if ctx.canonical_values {
            eprintln!("note: {}: values in canonical units (an oasis meters export): the register's units and multipliers are not applied", ctx.file);
        }
        let result = if is_parquet {
            read_parquet(path, &args, &mut ctx, &mut session)
        } else {
            read_csv(path, &args, &mut ctx, &mut session)
        };
        if let Err(e) = result {
            // What was committed stays; the rest of this file is not half-stored.
            return Err(e.context(format!("{}: ingest stopped; earlier commits are kept", ctx.file)));
        }
        let counts = session.finish()?;
        report(&store, &ctx.file, counts, args.show_rejected)?;
    }
    let dst = std::mem::take(&mut ctx.dst_flags);
    let touched = std::mem::take(&mut ctx.touched);
    drop(ctx);
    if !args.no_checks {
        let flagged = oasis_audit::quality::check_touched(&mut store, &register, &touched, &dst)?;
        println!("quality     {flagged} flags on the touched meters (oasis meters flags)");
    }
    Ok(())
}

fn auto_field<'a>(column: &str, id: &'a str, p: &'a [impl AsRef<str>]) -> Option<&'a str> {
    match column {
        "meter_id" => Some(id),
        "kind" => Some(p[0].as_ref()),
        "series" => Some(p[1].as_ref()),
        "unit" => Some(p[2].as_ref()),
        // A bulk meter met in a file alone is a district's inflow: the district is named after it.
        "district" if p[0].as_ref() == "bulk" => Some(id),
        "district" => Some("unassigned"),
        "zone_level" if p[0].as_ref() == "bulk" => Some("3"),
        _ => None,
    }
}

fn report(store: &Store, file: &str, c: IngestCounts, show: usize) -> anyhow::Result<()> {
    println!(
        "{file}: {} readings offered: {} new, {} duplicate, {} conflicting (stored value kept), {} rejected",
        c.lines, c.new, c.duplicate, c.conflicting, c.rejected
    );
    let Some(last) = store.ingests()?.into_iter().last() else { return Ok(()) };
    let rejected = store.rejected_lines(last.id)?;
    for (line, field, message, _) in rejected.iter().take(show) {
        eprintln!("  rejected: {file} line {line} field '{field}': {message}");
    }
    if rejected.len() > show {
        eprintln!("  … {} more rejected lines kept in the store (oasis meters rejected)", rejected.len() - show);
    }
    for (key, t, stored, offered, line) in store.conflicts(last.id)?.iter().take(show) {
        eprintln!("  conflict: {file} line {line}: meter #{key} at {t}: stored {stored}, file says {offered}");
    }
    Ok(())
}

impl Context2<'_> {
    /// One reading from `line`: `Ok(())` when pushed or set aside.
    fn reading(
        &mut self,
        session: &mut IngestSession,
        line: u64,
        meter_id: &str,
        stamp: Result<Stamp, String>,
        value: Result<f64, String>,
        fields: [&str; 3],
        text: &dyn Fn() -> String,
    ) -> anyhow::Result<()> {
        let meter_id = self.rename.get(meter_id).map(String::as_str).unwrap_or(meter_id);
        let entry = match self.register.find(meter_id) {
            Some(e) => e,
            None => match &self.auto {
                Some(p) => {
                    let meter = Meter::from_fields(|c| auto_field(c, meter_id, p), 0)
                        .map_err(|e| anyhow::anyhow!("--auto-register for '{meter_id}': {e}"))?;
                    let row = register_row(&meter, 0);
                    session.store_mut().upsert_meters(&[row])?;
                    *self.register = Register::load(session.store())?;
                    self.register.find(meter_id).context("auto-registered meter vanished")?
                }
                None => {
                    session.reject(line, fields[0], &format!("meter '{meter_id}' is not in the register"), &text());
                    return Ok(());
                }
            },
        };
        let (key, meter) = (entry.key, &entry.meter);
        let stamp = match stamp {
            Ok(s) => s,
            Err(msg) => {
                session.reject(line, fields[1], &msg, &text());
                return Ok(());
            }
        };
        let raw = match value {
            Ok(v) => v,
            Err(msg) => {
                session.reject(line, fields[2], &msg, &text());
                return Ok(());
            }
        };
        let mut t_s = stamp.t_s;
        if let Some(later) = stamp.repeat_t_s {
            // The autumn hour: its first occurrence is summer time, the second winter time.
            if !self.seen_ambiguous.insert((key, stamp.t_s)) {
                t_s = later;
                self.dst_flags.push((key, later));
            }
        }
        let value = if self.canonical_values { raw } else { meter.canonical(raw) };
        match session.push(key, t_s, value, line) {
            Ok(()) => {}
            // A value the store cannot keep is this line's fault…
            Err(e @ oasis_store::StoreError::ValueRange(_)) => {
                session.reject(line, fields[2], &e.to_string(), &text());
                return Ok(());
            }
            // …a failed commit (a push can flush) is not: the ingest stops, earlier commits kept.
            Err(e) => return Err(e.into()),
        }
        let k = key as usize;
        if self.touched.len() <= k {
            self.touched.resize(k + 1, None);
        }
        let span = self.touched[k].get_or_insert((t_s, t_s));
        span.0 = span.0.min(t_s);
        span.1 = span.1.max(t_s);
        Ok(())
    }
}

/// Counts bytes as they are read, for the progress line.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

struct Progress {
    total: u64,
    read: Arc<AtomicU64>,
    enabled: bool,
    last: i64,
}

impl Progress {
    fn tick(&mut self, lines: u64) {
        if !self.enabled || lines % 65_536 != 0 {
            return;
        }
        let pct = (self.read.load(Ordering::Relaxed) * 100 / self.total.max(1)) as i64;
        if pct != self.last {
            self.last = pct;
            let filled = (pct.min(100) / 4) as usize;
            eprint!("\r[{}{}] {:>3}%  {} lines", "#".repeat(filled), ".".repeat(25 - filled), pct, lines);
        }
    }
    fn finish(&self) {
        if self.enabled && self.last >= 0 {
            eprintln!();
        }
    }
}

/// The file's bytes, decompressed, with a progress line over the bytes on disk.
fn open_text(path: &Path) -> anyhow::Result<(Box<dyn Read>, Progress)> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let read = Arc::new(AtomicU64::new(0));
    let counting = Counting { inner: file, count: read.clone() };
    let progress = Progress { total, read, enabled: std::io::stderr().is_terminal(), last: -1 };
    let name = path.to_string_lossy().to_ascii_lowercase();
    let reader: Box<dyn Read> = if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(counting)))
    } else if name.ends_with(".zip") {
        let mut archive = zip::ZipArchive::new(File::open(path)?).with_context(|| format!("{}: not a zip archive", path.display()))?;
        let names: Vec<String> = archive
            .file_names()
            .filter(|n| n.to_ascii_lowercase().ends_with(".csv") && !n.starts_with("__MACOSX"))
            .map(String::from)
            .collect();
        if names.len() != 1 {
            bail!("{}: expected one CSV file in the archive, found {}", path.display(), names.len());
        }
        // The archive is read whole: the member's compressed bytes count as the progress.
        let mut data = Vec::new();
        archive.by_name(&names[0])?.read_to_end(&mut data)?;
        Box::new(Counting { inner: std::io::Cursor::new(data), count: progress.read.clone() })
    } else {
        Box::new(counting)
    };
    Ok((reader, progress))
}

fn read_csv(path: &Path, args: &IngestArgs, ctx: &mut Context2, session: &mut IngestSession) -> anyhow::Result<()> {
    let (reader, mut progress) = open_text(path)?;
    if !args.delimiter.is_ascii() {
        bail!("--delimiter must be one ASCII character");
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(args.delimiter as u8)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(reader);
    let headers: Vec<String> = rdr
        .byte_headers()
        .with_context(|| format!("{}: cannot read the header line", path.display()))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let find = |name: &str| headers.iter().position(|h| h == name);
    let time_i = find(&args.time_col)
        .with_context(|| format!("{}: no time column '{}' (header: {}); name it with --time-col", path.display(), args.time_col, headers.join(",")))?;
    let mut rec = csv::ByteRecord::new();
    let mut lines = 0u64;
    let cell = |rec: &csv::ByteRecord, i: usize| -> String { String::from_utf8_lossy(rec.get(i).unwrap_or_default()).into_owned() };
    let text = |rec: &csv::ByteRecord| -> String {
        rec.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect::<Vec<_>>().join(&args.delimiter.to_string())
    };
    if args.wide {
        let meters: Vec<(usize, String)> =
            headers.iter().enumerate().filter(|(i, _)| *i != time_i).map(|(i, h)| (i, h.clone())).collect();
        while rdr.read_byte_record(&mut rec).with_context(|| format!("{}: unreadable CSV", path.display()))? {
            lines += 1;
            progress.tick(lines);
            let line = rec.position().map_or(0, |p| p.line());
            let time = cell(&rec, time_i);
            for (i, id) in &meters {
                let v = cell(&rec, *i);
                if v.trim().is_empty() {
                    continue; // an empty cell is a missing reading, not a zero: the gap check sees it
                }
                let stamp = ctx.parser.parse(&time);
                let row = &rec;
                ctx.reading(session, line, id, stamp, number(&v), [id.as_str(), &args.time_col, id.as_str()], &|| text(row))?;
            }
        }
    } else {
        let meter_i = find(&args.meter_col)
            .with_context(|| format!("{}: no meter column '{}' (header: {}); name it with --meter-col", path.display(), args.meter_col, headers.join(",")))?;
        let value_i = find(&args.value_col)
            .with_context(|| format!("{}: no value column '{}' (header: {}); name it with --value-col", path.display(), args.value_col, headers.join(",")))?;
        let fields = [args.meter_col.as_str(), args.time_col.as_str(), args.value_col.as_str()];
        while rdr.read_byte_record(&mut rec).with_context(|| format!("{}: unreadable CSV", path.display()))? {
            lines += 1;
            progress.tick(lines);
            let line = rec.position().map_or(0, |p| p.line());
            if rec.len() <= meter_i.max(time_i).max(value_i) {
                // Named after the first of the three columns the row does not reach.
                let missing = [(meter_i, fields[0]), (time_i, fields[1]), (value_i, fields[2])]
                    .into_iter()
                    .filter(|(i, _)| *i >= rec.len())
                    .min_by_key(|(i, _)| *i)
                    .map_or("", |(_, f)| f);
                session.reject(line, missing, &format!("{} fields, expected {}", rec.len(), headers.len()), &text(&rec));
                continue;
            }
            let meter = std::str::from_utf8(&rec[meter_i]).unwrap_or("").trim();
            let stamp = match std::str::from_utf8(&rec[time_i]) {
                Ok(s) => ctx.parser.parse(s),
                Err(_) => Err("not UTF-8 text".into()),
            };
            let value = number(std::str::from_utf8(&rec[value_i]).unwrap_or(""));
            ctx.reading(session, line, meter, stamp, value, fields, &|| text(&rec))?;
        }
    }
    progress.finish();
    Ok(())
}

fn read_parquet(path: &Path, args: &IngestArgs, ctx: &mut Context2, session: &mut IngestSession) -> anyhow::Result<()> {
    let fields = [args.meter_col.as_str(), args.time_col.as_str(), args.value_col.as_str()];
    super::parquet_in::for_each_row(path, fields, |row, meter, time, value| {
        let stamp = match &time {
            TimeCell::Instant(t_s) => Ok(Stamp { t_s: *t_s, repeat_t_s: None }),
            TimeCell::Text(s) => ctx.parser.parse(s),
        };
        let value = if value.is_finite() { Ok(value) } else { Err(format!("{value} is not a finite number")) };
        ctx.reading(session, row, meter, stamp, value, fields, &|| format!("row {row} of {}", path.display()))
    })
}

/// A cell as a finite number, or the reason it is not one.
fn number(cell: &str) -> Result<f64, String> {
    let s = cell.trim();
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("'{s}' is not a number")),
    }
}
