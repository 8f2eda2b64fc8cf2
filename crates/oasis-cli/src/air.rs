//! `oasis air …`: hourly and daily AQI and period evaluation over CSV files of
//! station-hours. Parsing, checking and printing live here; the rules live in
//! `oasis-air`.
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use oasis_air::{
    AqiReport, AreaClass, Conc, DailyConc, Date, DayHours, DayRecord, Edition, HourStamp,
    HourlyInput, Item, LimitSet, Limits, PeriodEvaluation, Pollutant, city_daily, daily_aqi,
    daily_conc, evaluate, hourly_aqi, o3_8h_moving, so2_24h_moving,
};

use crate::table::{emit, pad};

#[derive(Subcommand)]
pub enum AirCommand {
    /// Hourly (real-time) AQI of every station-hour, edition chosen by date.
    Hourly(HourlyArgs),
    /// Daily AQI per station (and per city with --city), with GB 3095 validity.
    Daily(DailyArgs),
    /// Evaluate a period: 优良天数 and rate, categories, means, percentiles, attainment.
    Evaluate(EvaluateArgs),
    /// Annual evaluation (HJ 663) of each station and the city from daily values, with and without the dust-storm deduction.
    Annual(AnnualArgs),
}

#[derive(Args)]
pub struct InputArgs {
    /// Hourly CSV: time,station,so2,no2,pm10,pm25,co,o3[,o3_8h] (µg/m³, CO mg/m³;
    /// time = end of the averaging hour, e.g. 2026-03-15T12:00; empty cell = missing).
    #[arg(long)]
    pub input: PathBuf,
    /// Turn bad cells into missing values and skip bad or duplicated rows,
    /// with a warning naming each row, instead of stopping at the first.
    #[arg(long)]
    pub lenient: bool,
}

#[derive(Args)]
pub struct HourlyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output CSV (default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Append level, colour, 超标污染物 (2012), AQI from the items present and notes.
    #[arg(long)]
    pub details: bool,
}

#[derive(Args)]
pub struct DailyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output CSV (default: only the terminal table).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Also compute the city's daily AQI over all stations, under this name.
    #[arg(long)]
    pub city: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LimitChoice {
    /// By the period's last day: GB 3095-2012 before 2026-03-01, 2026 transition limits to 2030, final limits from 2031.
    Auto,
    #[value(name = "2012")]
    Gb2012,
    #[value(name = "2026-transition")]
    Transition,
    #[value(name = "2026-final")]
    Final,
}

#[derive(Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// First day of the period (YYYY-MM-DD, inclusive).
    #[arg(long)]
    pub from: String,
    /// Last day of the period (YYYY-MM-DD, inclusive).
    #[arg(long)]
    pub to: String,
    /// Also evaluate the city (all stations averaged), under this name.
    #[arg(long)]
    pub city: Option<String>,
    /// GB 3095 limits for attainment.
    #[arg(long, value_enum, default_value = "auto")]
    pub limits: LimitChoice,
    /// Air-quality functional area class (1 or 2; Jinchang urban area is 2).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub area_class: u8,
    /// Output CSV (default: only the terminal table).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

pub fn run(cmd: AirCommand) -> anyhow::Result<()> {
    match cmd {
        AirCommand::Hourly(a) => hourly(a),
        AirCommand::Daily(a) => daily(a),
        AirCommand::Evaluate(a) => evaluate_cmd(a),
        AirCommand::Annual(a) => annual_cmd(a),
    }
}

// ---------------------------------------------------------------- input

const REQUIRED: [&str; 8] = ["time", "station", "so2", "no2", "pm10", "pm25", "co", "o3"];
const OPTIONAL: [&str; 1] = ["o3_8h"];
/// Input column of each pollutant, in `Pollutant::ALL` order.
const POLLUTANT_COLUMNS: [&str; 6] = ["so2", "no2", "pm10", "pm25", "co", "o3"];

/// One parsed station-hour.
struct HourRow {
    line: u64,
    time: HourStamp,
    station: String,
    conc: [Option<Conc>; 6],
    o3_8h: Option<Conc>,
}

struct HourlyData {
    rows: Vec<HourRow>,
    /// station → hour → index into `rows`.
    index: BTreeMap<String, BTreeMap<HourStamp, usize>>,
}

impl HourlyData {
    fn value(&self, station: &str, t: HourStamp, p: Pollutant) -> Option<Conc> {
        self.index
            .get(station)?
            .get(&t)
            .and_then(|&i| self.rows[i].conc[p.index()])
    }
}

/// Report a row problem: an error, or with `--lenient` a warning.
fn problem(lenient: bool, warnings: &mut usize, msg: String) -> anyhow::Result<()> {
    if lenient {
        eprintln!("warning: {msg}");
        *warnings += 1;
        Ok(())
    } else {
        bail!("{msg}")
    }
}

fn read_hourly(args: &InputArgs) -> anyhow::Result<HourlyData> {
    let path = &args.input;
    let file = path.display();
    let (mut rdr, col) = crate::columns::open(path, &REQUIRED, &OPTIONAL)?;
    let lenient = args.lenient;
    let mut warnings = 0usize;
    let mut data = HourlyData {
        rows: Vec::new(),
        index: BTreeMap::new(),
    };
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{file}: malformed CSV"))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let field = |name: &str| col.get(name).and_then(|&i| rec.get(i)).unwrap_or("");
        let time_text = field("time");
        let time: HourStamp = match time_text.parse() {
            Ok(t) => t,
            Err(e) => {
                problem(
                    lenient,
                    &mut warnings,
                    format!("{file} line {line}: column 'time': {e}"),
                )?;
                continue;
            }
        };
        let station = field("station").to_string();
        if station.is_empty() {
            problem(
                lenient,
                &mut warnings,
                format!("{file} line {line}: column 'station' is empty"),
            )?;
            continue;
        }
        let mut parse = |name: &str| -> anyhow::Result<Option<Conc>> {
            let text = field(name);
            // Empty is missing; `NA` and `/` are the national centre's markers
            // for missing and for "not monitored" (both simply missing here).
            if text.is_empty() || text.eq_ignore_ascii_case("NA") || text == "/" {
                return Ok(None);
            }
            let msg = match text.parse::<Conc>() {
                Ok(c) if !c.is_negative() => return Ok(Some(c)),
                Ok(_) => format!("negative concentration '{text}'"),
                Err(e) => format!("{e} (leave the cell empty, or write NA, for a missing value)"),
            };
            problem(lenient, &mut warnings, format!("{file} line {line} (station {station}, {time}): column '{name}': {msg}; treated as missing"))
                .map_err(|_| anyhow::anyhow!("{file} line {line} (station {station}, {time}): column '{name}': {msg}"))?;
            Ok(None)
        };
        let mut conc = [None; 6];
        for (i, name) in POLLUTANT_COLUMNS.iter().enumerate() {
            conc[i] = parse(name)?;
        }
        let o3_8h = if col.contains_key("o3_8h") {
            parse("o3_8h")?
        } else {
            None
        };
        let hours = data.index.entry(station.clone()).or_default();
        if let Some(&first) = hours.get(&time) {
            let first_line = data.rows[first].line;
            problem(
                lenient,
                &mut warnings,
                format!("{file} line {line}: duplicated station-hour {station} {time} (first at line {first_line}); kept the first"),
            )
            .map_err(|_| anyhow::anyhow!("{file} line {line}: duplicated station-hour {station} {time} (first at line {first_line})"))?;
            continue;
        }
        hours.insert(time, data.rows.len());
        data.rows.push(HourRow {
            line,
            time,
            station,
            conc,
            o3_8h,
        });
    }
    if warnings > 0 {
        eprintln!("{warnings} warning(s) in {file}");
    }
    Ok(data)
}

// ---------------------------------------------------------------- output helpers

fn opt<T: Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn writer(path: &Option<PathBuf>) -> anyhow::Result<csv::Writer<Box<dyn std::io::Write>>> {
    let sink: Box<dyn std::io::Write> = match path {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    Ok(csv::Writer::from_writer(sink))
}

fn finish(w: csv::Writer<Box<dyn std::io::Write>>, path: &Option<PathBuf>) -> anyhow::Result<()> {
    let mut inner = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write output: {}", e.error()))?;
    inner.flush().with_context(|| {
        format!(
            "cannot write {}",
            path.as_deref()
                .map(Path::display)
                .map(|d| d.to_string())
                .unwrap_or("output".into())
        )
    })?;
    Ok(())
}

/// A rounded concentration as published: integer µg/m³, CO with its one
/// decimal always shown (`1.0`).
fn conc_text(p: Pollutant, v: Option<Conc>) -> String {
    match (p, v) {
        (Pollutant::Co, Some(c)) => one_decimal(Some(c)),
        (_, v) => opt(v),
    }
}

/// A value already rounded to one decimal, with the decimal always shown (`75.0`).
fn one_decimal(v: Option<Conc>) -> String {
    v.map(|c| {
        let tenths = c.micro() / 100_000;
        format!("{}.{}", tenths / 10, tenths % 10)
    })
    .unwrap_or_default()
}

/// `writeln!` into a `String` table (formatting into a String cannot fail).
macro_rules! tprintln {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

fn category_text(r: &AqiReport) -> String {
    r.category
        .map(|c| c.name_zh().to_string())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- hourly

fn hourly_input(data: &HourlyData, row: &HourRow) -> HourlyInput {
    let c = |p: Pollutant| row.conc[p.index()];
    let window = |p: Pollutant, n: i64| -> Vec<Option<Conc>> {
        (0..n)
            .rev()
            .map(|k| data.value(&row.station, row.time.minus_hours(k), p))
            .collect()
    };
    let o3_8h = row.o3_8h.or_else(|| {
        let w: [Option<Conc>; 8] = window(Pollutant::O3, 8).try_into().expect("8 hours");
        o3_8h_moving(&w)
    });
    let so2_24h = {
        let w: [Option<Conc>; 24] = window(Pollutant::So2, 24).try_into().expect("24 hours");
        so2_24h_moving(&w)
    };
    HourlyInput {
        so2: c(Pollutant::So2),
        no2: c(Pollutant::No2),
        pm10: c(Pollutant::Pm10),
        pm25: c(Pollutant::Pm25),
        co: c(Pollutant::Co),
        o3: c(Pollutant::O3),
        o3_8h,
        so2_24h,
    }
}

/// The sub-index columns, in `Item::ALL` order, of the hourly and daily CSVs.
const IAQI_COLUMNS: [&str; 7] = ["iaqi_so2", "iaqi_no2", "iaqi_pm10", "iaqi_pm25", "iaqi_co", "iaqi_o3", "iaqi_o3_8h"];

fn hourly(args: HourlyArgs) -> anyhow::Result<()> {
    let data = read_hourly(&args.input)?;
    let mut w = writer(&args.output)?;
    let mut header = vec![
        "time",
        "station",
        "edition",
        "aqi",
        "category",
        "primary",
    ];
    header.extend(IAQI_COLUMNS);
    if args.details {
        header.extend(["level", "colour", "exceeding", "aqi_from_present", "notes"]);
    }
    w.write_record(&header)?;
    let mut unpublished = 0;
    for row in &data.rows {
        let r = hourly_aqi(Edition::for_hour(row.time), &hourly_input(&data, row));
        if r.aqi.is_none() {
            unpublished += 1;
        }
        let mut rec = vec![
            row.time.to_string(),
            row.station.clone(),
            r.edition.label().to_string(),
            opt(r.aqi),
            category_text(&r),
            r.primary_names(),
        ];
        rec.extend(Item::ALL.iter().map(|&it| opt(r.iaqi_of(it))));
        if args.details {
            let mut notes = r.notes.clone();
            if r.aqi.is_none() && !r.missing.is_empty() {
                notes.push(format!(
                    "AQI withheld: {} missing and AQI of the rest <= 100",
                    r.missing
                        .iter()
                        .map(|i| i.name())
                        .collect::<Vec<_>>()
                        .join(";")
                ));
            }
            rec.extend([
                r.category
                    .map(|c| c.level_zh().to_string())
                    .unwrap_or_default(),
                r.category
                    .map(|c| c.colour_zh().to_string())
                    .unwrap_or_default(),
                r.exceeding
                    .iter()
                    .map(|i| i.name())
                    .collect::<Vec<_>>()
                    .join(";"),
                opt(r.aqi_from_present),
                notes.join(" | "),
            ]);
        }
        w.write_record(&rec)?;
    }
    finish(w, &args.output)?;
    if let Some(p) = &args.output {
        eprintln!(
            "{} station-hours written to {} ({} without a published AQI)",
            data.rows.len(),
            p.display(),
            unpublished
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- daily

struct DayRow {
    date: Date,
    station: String,
    conc: DailyConc,
    report: AqiReport,
}

/// Daily values of every station (and the city) for every day with data.
fn daily_rows(data: &HourlyData, city: Option<&str>) -> anyhow::Result<Vec<DayRow>> {
    if let Some(c) = city
        && data.index.contains_key(c)
    {
        bail!("--city '{c}' is also a station name in the input; choose another name");
    }
    let mut out = Vec::new();
    let mut by_day: BTreeMap<Date, Vec<DailyConc>> = BTreeMap::new();
    for (station, hours) in &data.index {
        let days: BTreeSet<Date> = hours.keys().map(|t| t.day()).collect();
        for date in days {
            let mut dh: DayHours = [[None; 6]; 24];
            for (k, t) in date.hour_stamps().enumerate() {
                if let Some(&i) = hours.get(&t) {
                    dh[k] = data.rows[i].conc;
                }
            }
            let conc = daily_conc(&dh);
            let report = daily_aqi(Edition::for_day(date), &conc);
            by_day.entry(date).or_default().push(conc.clone());
            out.push(DayRow {
                date,
                station: station.clone(),
                conc,
                report,
            });
        }
    }
    if let Some(name) = city {
        for (date, stations) in by_day {
            let conc = city_daily(&stations);
            let report = daily_aqi(Edition::for_day(date), &conc);
            out.push(DayRow {
                date,
                station: name.to_string(),
                conc,
                report,
            });
        }
    }
    out.sort_by(|a, b| (a.date, &a.station).cmp(&(b.date, &b.station)));
    Ok(out)
}

fn day_note(d: &DayRow) -> String {
    let mut notes = d.conc.invalid_reasons();
    // The 2012 report needs the O3 1-h maximum as well.
    if d.report.edition == Edition::Hj633_2012 && d.conc.o3_1h_max.is_none() {
        notes.push(format!(
            "O3 1-h max: {} valid hours < 20",
            d.conc.hours[Pollutant::O3.index()]
        ));
    }
    notes.extend(d.report.notes.iter().cloned());
    if d.report.aqi.is_none() {
        notes.push(
            "invalid day: AQI withheld (missing items and AQI of the rest <= 100)".to_string(),
        );
    }
    notes.join(" | ")
}

fn daily(args: DailyArgs) -> anyhow::Result<()> {
    let data = read_hourly(&args.input)?;
    let rows = daily_rows(&data, args.city.as_deref())?;
    if let Some(path) = &args.output {
        let mut w = writer(&args.output)?;
        let mut header = vec![
            "date",
            "station",
            "edition",
            "aqi",
            "category",
            "level",
            "primary",
            "so2",
            "no2",
            "pm10",
            "pm25",
            "co",
            "o3_1h_max",
            "o3_8h_max",
        ];
        header.extend(IAQI_COLUMNS);
        header.push("note");
        w.write_record(&header)?;
        for d in &rows {
            let r = &d.report;
            let mut rec = vec![
                d.date.to_string(),
                d.station.clone(),
                r.edition.label().to_string(),
                opt(r.aqi),
                category_text(r),
                r.category
                    .map(|c| c.level_zh().to_string())
                    .unwrap_or_default(),
                r.primary_names(),
            ];
            rec.extend(
                [
                    Pollutant::So2,
                    Pollutant::No2,
                    Pollutant::Pm10,
                    Pollutant::Pm25,
                    Pollutant::Co,
                ]
                .map(|p| conc_text(p, d.conc.mean(p))),
            );
            rec.extend([opt(d.conc.o3_1h_max), opt(d.conc.o3_8h_max)]);
            rec.extend(Item::ALL.iter().map(|&it| opt(r.iaqi_of(it))));
            rec.push(day_note(d));
            w.write_record(&rec)?;
        }
        finish(w, &args.output)?;
        eprintln!("{} station-days written to {}", rows.len(), path.display());
    }
    let mut out = String::new();
    tprintln!(
        out,
        "{:<10}  {} {:>4}  {} {:<12} {}",
        "date",
        pad("station", 12),
        "AQI",
        pad("category", 9),
        "primary",
        "note"
    );
    for d in &rows {
        let r = &d.report;
        tprintln!(
            out,
            "{:<10}  {} {:>4}  {} {:<12} {}",
            d.date.to_string(),
            pad(&d.station, 12),
            r.aqi.map(|a| a.to_string()).unwrap_or_else(|| "NA".into()),
            pad(&category_text(r), 9),
            r.primary_names(),
            day_note(d)
        );
    }
    emit(&out)
}

// ---------------------------------------------------------------- evaluate

fn evaluate_cmd(args: EvaluateArgs) -> anyhow::Result<()> {
    let from: Date = args
        .from
        .parse()
        .with_context(|| format!("--from '{}'", args.from))?;
    let to: Date = args
        .to
        .parse()
        .with_context(|| format!("--to '{}'", args.to))?;
    if from > to {
        bail!("--from {from} is after --to {to}");
    }
    let data = read_hourly(&args.input)?;
    let rows = daily_rows(&data, args.city.as_deref())?;
    let set = match args.limits {
        LimitChoice::Auto => LimitSet::for_date(to),
        LimitChoice::Gb2012 => LimitSet::Gb3095_2012,
        LimitChoice::Transition => LimitSet::Gb3095_2026Transition,
        LimitChoice::Final => LimitSet::Gb3095_2026Final,
    };
    let class = if args.area_class == 1 {
        AreaClass::One
    } else {
        AreaClass::Two
    };
    let limits = Limits::of(set, class);
    let mut names: Vec<String> = data.index.keys().cloned().collect();
    if let Some(c) = &args.city {
        names.push(c.clone());
    }
    let mut results: Vec<(String, PeriodEvaluation)> = Vec::new();
    for name in names {
        let days: Vec<DayRecord> = rows
            .iter()
            .filter(|d| d.station == name)
            .map(|d| DayRecord {
                date: d.date,
                conc: d.conc.clone(),
                report: d.report.clone(),
            })
            .collect();
        results.push((name, evaluate(from, to, &days, limits)?));
    }
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    if let Some(path) = &args.output {
        let mut w = writer(&args.output)?;
        let mut header = vec![
            "station",
            "from",
            "to",
            "limits",
            "area_class",
            "days",
            "valid_days",
            "good_days",
            "good_rate_pct",
        ];
        header.extend([
            "days_excellent",
            "days_good",
            "days_lightly",
            "days_moderately",
            "days_heavily",
            "days_severely",
        ]);
        header.extend([
            "so2_mean",
            "no2_mean",
            "pm10_mean",
            "pm25_mean",
            "co_p95",
            "o3_8h_p90",
        ]);
        header.extend([
            "attain_so2",
            "attain_no2",
            "attain_pm10",
            "attain_pm25",
            "attain_co",
            "attain_o3",
            "attain_all",
            "primary_days",
            "note",
        ]);
        w.write_record(&header)?;
        for (name, ev) in &results {
            let mut rec = vec![
                name.clone(),
                from.to_string(),
                to.to_string(),
                set.label().to_string(),
                args.area_class.to_string(),
                ev.days_in_period.to_string(),
                ev.valid_days.to_string(),
                ev.good_days.to_string(),
                one_decimal(ev.good_rate_pct()),
            ];
            rec.extend(ev.days_by_category.iter().map(|n| n.to_string()));
            rec.extend(ev.means.iter().map(|m| opt(*m)));
            rec.extend([conc_text(Pollutant::Co, ev.co_p95), opt(ev.o3_8h_p90)]);
            let a = &ev.attainment;
            rec.extend(
                [a.so2, a.no2, a.pm10, a.pm25, a.co, a.o3, a.overall()]
                    .map(|b| yes_no(b).to_string()),
            );
            rec.push(primary_days(ev));
            rec.push(validity_note(ev));
            w.write_record(&rec)?;
        }
        finish(w, &args.output)?;
        eprintln!(
            "{} evaluations written to {}",
            results.len(),
            path.display()
        );
    }
    let mut out = String::new();
    tprintln!(
        out,
        "Period {from} … {to}; limits {} class {}; 优良 = daily AQI ≤ 100",
        set.label(),
        args.area_class
    );
    tprintln!(
        out,
        "{} {:>5} {:>5} {:>6}  {:>4} {:>4} {:>5} {:>5} {:>6} {:>6}  {:<6} {}",
        pad("station", 12),
        "valid",
        "good",
        "rate%",
        "SO2",
        "NO2",
        "PM10",
        "PM2.5",
        "CO-p95",
        "O3-p90",
        "attain",
        "days 优/良/轻/中/重/严"
    );
    for (name, ev) in &results {
        tprintln!(
            out,
            "{} {:>5} {:>5} {:>6}  {:>4} {:>4} {:>5} {:>5} {:>6} {:>6}  {:<6} {}",
            pad(name, 12),
            ev.valid_days,
            ev.good_days,
            one_decimal(ev.good_rate_pct()),
            opt(ev.means[0]),
            opt(ev.means[1]),
            opt(ev.means[2]),
            opt(ev.means[3]),
            conc_text(Pollutant::Co, ev.co_p95),
            opt(ev.o3_8h_p90),
            yes_no(ev.attainment.overall()),
            ev.days_by_category
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join("/")
        );
    }
    if from < Edition::first_day_2026() && to >= Edition::first_day_2026() {
        tprintln!(
            out,
            "note: the period spans 2026-03-01; days before it use HJ 633-2012, days from it HJ 633-2026."
        );
    }
    emit(&out)
}

fn primary_days(ev: &PeriodEvaluation) -> String {
    Item::ALL
        .iter()
        .filter(|it| ev.primary_days[it.index()] > 0)
        .map(|it| format!("{}:{}", it.name(), ev.primary_days[it.index()]))
        .collect::<Vec<_>>()
        .join(";")
}

fn validity_note(ev: &PeriodEvaluation) -> String {
    let names = ["SO2", "NO2", "PM10", "PM2.5"];
    let bad: Vec<String> = (0..4)
        .filter(|&i| !ev.mean_meets_validity[i])
        .map(|i| {
            format!(
                "{} mean ({} days) below GB 3095 Table 4 minimum",
                names[i], ev.mean_days[i]
            )
        })
        .collect();
    bad.join(" | ")
}

// ---------------------------------------------------------------- annual

#[derive(Args)]
pub struct AnnualArgs {
    /// Daily CSV: date,station,so2,no2,pm10,pm25,co,o3_1h,o3_8h (24-h means; O3 daily maxima;
    /// µg/m³, CO mg/m³; empty = invalid day for that item).
    #[arg(long)]
    pub daily: PathBuf,
    /// Dust-event days CSV: date,scope,source (scope = city, or a station code).
    #[arg(long)]
    pub dust: Option<PathBuf>,
    /// Calendar year to evaluate.
    #[arg(long)]
    pub year: i64,
    /// Name of the city series (daily means of all stations).
    #[arg(long, default_value = "city")]
    pub city: String,
    /// GB 3095 limits (auto: the edition in force on 31 December of the year).
    #[arg(long, value_enum, default_value = "auto")]
    pub limits: LimitChoice,
    /// Also the three-year evaluation (the year and the two before it).
    #[arg(long)]
    pub three_year: bool,
}

/// Daily station values, parsed with the file, line and field of each problem.
pub fn read_daily(path: &Path) -> anyhow::Result<BTreeMap<String, Vec<DayRecord>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file = path.display().to_string();
    let rows = oasis_records::parse_csv(&file, &text, &["date", "station", "so2", "no2", "pm10", "pm25", "co", "o3_1h", "o3_8h"])?;
    let mut by: BTreeMap<String, BTreeMap<Date, DailyConc>> = BTreeMap::new();
    for r in rows {
        let date: Date = r.text("date")?.parse().map_err(|e| r.err("date", format!("{e}")))?;
        let mut conc = DailyConc::default();
        let get = |f: &str| -> anyhow::Result<Option<Conc>> {
            match r.opt(f) {
                None => Ok(None),
                Some(s) => {
                    let c: Conc = s.parse().map_err(|e| r.err(f, format!("{e}")))?;
                    Ok(Some(oasis_air::check_conc(c).map_err(|e| r.err(f, format!("{e}")))?))
                }
            }
        };
        for (p, f) in [(Pollutant::So2, "so2"), (Pollutant::No2, "no2"), (Pollutant::Pm10, "pm10"), (Pollutant::Pm25, "pm25"), (Pollutant::Co, "co")] {
            conc.mean_24h[p.index()] = get(f)?;
            conc.hours[p.index()] = if conc.mean_24h[p.index()].is_some() { 24 } else { 0 };
        }
        conc.o3_1h_max = get("o3_1h")?;
        conc.o3_8h_max = get("o3_8h")?;
        conc.o3_8h_windows = if conc.o3_8h_max.is_some() { 17 } else { 0 };
        if by.entry(r.text("station")?.to_string()).or_default().insert(date, conc).is_some() {
            return Err(r.err("date", "a second row for this station and date").into());
        }
    }
    let mut out = BTreeMap::new();
    let mut dates: BTreeSet<Date> = BTreeSet::new();
    for (st, days) in &by {
        dates.extend(days.keys());
        out.insert(st.clone(), days.iter().map(|(d, c)| DayRecord { date: *d, report: daily_aqi(Edition::for_day(*d), c), conc: c.clone() }).collect());
    }
    Ok(out)
}

/// City daily series: the mean of the stations' daily values (`city_daily`).
pub fn city_series(stations: &BTreeMap<String, Vec<DayRecord>>) -> Vec<DayRecord> {
    let mut by: BTreeMap<Date, Vec<DailyConc>> = BTreeMap::new();
    for days in stations.values() {
        for d in days {
            by.entry(d.date).or_default().push(d.conc.clone());
        }
    }
    by.into_iter()
        .map(|(date, cs)| {
            let conc = city_daily(&cs);
            DayRecord { date, report: daily_aqi(Edition::for_day(date), &conc), conc }
        })
        .collect()
}

/// Dust days per scope (`city` or a station code).
pub fn read_dust(path: &Path) -> anyhow::Result<BTreeMap<String, BTreeSet<Date>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let rows = oasis_records::parse_csv(&path.display().to_string(), &text, &["date", "scope", "source"])?;
    let mut out: BTreeMap<String, BTreeSet<Date>> = BTreeMap::new();
    for r in rows {
        let date: Date = r.text("date")?.parse().map_err(|e| r.err("date", format!("{e}")))?;
        r.text("source")?;
        out.entry(r.text("scope")?.to_string()).or_default().insert(date);
    }
    Ok(out)
}

fn annual_limits(choice: LimitChoice, year: i64) -> anyhow::Result<Limits> {
    let set = match choice {
        LimitChoice::Auto => LimitSet::for_date(Date::from_ymd(year, 12, 31).context("year")?),
        LimitChoice::Gb2012 => LimitSet::Gb3095_2012,
        LimitChoice::Transition => LimitSet::Gb3095_2026Transition,
        LimitChoice::Final => LimitSet::Gb3095_2026Final,
    };
    Ok(Limits::of(set, AreaClass::Two))
}

/// Every series (stations, then the city) evaluated for one year.
pub fn annual_all(args_daily: &Path, dust: Option<&Path>, year: i64, city: &str, limits: Limits) -> anyhow::Result<Vec<(String, oasis_air::annual::AnnualEvaluation)>> {
    let stations = read_daily(args_daily)?;
    let dust = match dust {
        Some(p) => read_dust(p)?,
        None => BTreeMap::new(),
    };
    let city_days = dust.get("city").cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (st, days) in &stations {
        let mut d = city_days.clone();
        d.extend(dust.get(st).into_iter().flatten());
        out.push((st.clone(), oasis_air::annual::annual(year, days, &d, limits)?));
    }
    out.push((city.to_string(), oasis_air::annual::annual(year, &city_series(&stations), &city_days, limits)?));
    Ok(out)
}

fn yes_no(a: Option<bool>) -> &'static str {
    match a {
        Some(true) => "达标",
        Some(false) => "不达标",
        None => "-",
    }
}

fn annual_cmd(args: AnnualArgs) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    let limits = annual_limits(args.limits, args.year)?;
    let evs = annual_all(&args.daily, args.dust.as_deref(), args.year, &args.city, limits)?;
    let mut out = String::new();
    writeln!(out, "Annual evaluation {} (HJ 663); limits {} class 2: SO2 {} NO2 {} PM10 {} PM2.5 {} (annual), CO {} (p95 24-h), O3 {} (p90 8-h)",
        args.year, LimitSet::for_date(Date::from_ymd(args.year, 12, 31).context("year")?).label(),
        limits.so2_annual, limits.no2_annual, limits.pm10_annual, limits.pm25_annual, limits.co_24h, limits.o3_8h)?;
    writeln!(out, "{:<8} {:<9} {:>4} {:>4} {:>5} {:>5} {:>4} {:>5} {:>6} {:>9} {:>6} {:>9}  {:<24} p98 SO2/NO2, p95 PM10/PM2.5",
        "series", "dust", "SO2", "NO2", "PM10", "PM2.5", "CO", "O3", "优良", "rate %", "综合", "达标", "failing")?;
    for (name, ev) in &evs {
        for (label, p, extra, comp) in [("raw", &ev.raw, ev.extra_raw, ev.composite_raw), ("deducted", &ev.deducted, ev.extra_deducted, ev.composite_deducted)] {
            let a = p.attainment;
            let failing: Vec<&str> = [("SO2", a.so2), ("NO2", a.no2), ("PM10", a.pm10), ("PM2.5", a.pm25), ("CO", a.co), ("O3", a.o3)]
                .iter().filter(|(_, v)| *v == Some(false)).map(|(n, _)| *n).collect();
            writeln!(out, "{:<8} {:<9} {:>4} {:>4} {:>5} {:>5} {:>4} {:>5} {:>6} {:>9} {:>6} {}  {:<24} {}",
                name, label, opt(p.means[0]), opt(p.means[1]), opt(p.means[2]), opt(p.means[3]), opt(p.co_p95), opt(p.o3_8h_p90),
                format!("{}/{}", p.good_days, p.valid_days), opt(p.good_rate_pct()), opt(comp), pad(yes_no(a.overall()), 9),
                failing.join(","), extra.map(opt).join("/"))?;
        }
        writeln!(out, "{:<8} dust days {}; left out of 优良 (exceeding for PM): {}", "", ev.dust_days.len(), ev.removed_from_good_rate.len())?;
    }
    writeln!(out, "deducted = 环办监测〔2016〕120号 as read here: PM10/PM2.5 of dust days out of means and percentiles; dust days exceeding for PM out of the 优良 evaluation")?;
    if args.three_year {
        let mut years = Vec::new();
        for y in [args.year - 2, args.year - 1] {
            years.push(annual_all(&args.daily, args.dust.as_deref(), y, &args.city, annual_limits(args.limits, y)?)?);
        }
        writeln!(out, "\nThree-year evaluation {}–{} [assumption: HJ 663—2026 formula not obtained; mean of the three annual statistics]", args.year - 2, args.year)?;
        writeln!(out, "{:<8} {:<9} {:>4} {:>4} {:>5} {:>5} {:>4} {:>5}  达标", "series", "dust", "SO2", "NO2", "PM10", "PM2.5", "CO", "O3")?;
        for (i, (name, ev)) in evs.iter().enumerate() {
            for ded in [false, true] {
                let t = oasis_air::annual::three_year([&years[0][i].1, &years[1][i].1, ev], ded, limits);
                let v = t.values;
                writeln!(out, "{:<8} {:<9} {:>4} {:>4} {:>5} {:>5} {:>4} {:>5}  {}", name, if ded { "deducted" } else { "raw" },
                    opt(v[0]), opt(v[1]), opt(v[2]), opt(v[3]), opt(v[4]), opt(v[5]), yes_no(t.attainment.overall()))?;
            }
        }
    }
    emit(&out)
}
