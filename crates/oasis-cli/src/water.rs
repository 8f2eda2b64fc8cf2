//! `oasis water …`: GB 3838 classes of samples and sites, 优良率 / 劣V shares,
//! and the CWQI ranking of cities, over long-format CSV files
//! (`time,site,item,value[,city][,kind]`). The rules live in
//! `oasis-surface-water`; parsing, checking and printing live here.
use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use oasis_air::Date;
use oasis_surface_water::{
    Classification, Item, Measure, Reading, Shares, WaterBody, WaterClass, city_cwqi, classify,
    cwqi_change_pct, period_mean, rank, section_cwqi,
};

use crate::table::{emit, pad};

#[derive(Subcommand)]
pub enum WaterCommand {
    /// GB 3838-2002 class of each sample (or of each site over a period with --period).
    Classify(ClassifyArgs),
    /// CWQI of each city from its sites' period means, ranked (smaller = cleaner).
    Rank(RankArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    River,
    Lake,
}

#[derive(Args)]
pub struct InputArgs {
    /// Long-format CSV: time,site,item,value with optional city and kind
    /// (river|lake) columns; item names as in docs/air-and-water.md; values in
    /// mg/L (pH none, fecal coliform 个/L); below detection limit as `<0.01` or `0.01L`.
    #[arg(long)]
    pub input: PathBuf,
    /// Water body for sites without a `kind` column value.
    #[arg(long, value_enum, default_value = "river")]
    pub kind: Kind,
    /// First day to include (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day to include (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// Skip bad rows with a warning naming each, instead of stopping.
    #[arg(long)]
    pub lenient: bool,
}

#[derive(Args)]
pub struct ClassifyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Class each site from its period mean concentrations instead of each sample.
    #[arg(long)]
    pub period: bool,
    /// Output CSV (default: only the terminal table).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Args)]
pub struct RankArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// City for sites without a `city` column value.
    #[arg(long)]
    pub city: Option<String>,
    /// Base-period file (same format) for the change ΔCWQI = (now − base)/base.
    #[arg(long)]
    pub base: Option<PathBuf>,
    /// Output CSV (default: only the terminal table).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

pub fn run(cmd: WaterCommand) -> anyhow::Result<()> {
    match cmd {
        WaterCommand::Classify(a) => classify_cmd(a),
        WaterCommand::Rank(a) => rank_cmd(a),
    }
}

// ---------------------------------------------------------------- input

const REQUIRED: [&str; 4] = ["time", "site", "item", "value"];
const OPTIONAL: [&str; 2] = ["city", "kind"];

#[derive(Clone, Default)]
struct Site {
    city: Option<String>,
    body: Option<WaterBody>,
    /// time text → item → value (below-detection readings already halved).
    samples: BTreeMap<String, BTreeMap<Item, Measure>>,
}

struct WaterData {
    sites: BTreeMap<String, Site>,
}

/// Check a sample time: `YYYY-MM-DD`, optionally followed by `T` or a space and
/// `HH:MM[:SS]`. Returns its date.
fn sample_date(text: &str) -> Option<Date> {
    let date: Date = text.get(..10)?.parse().ok()?;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(date);
    }
    let clock = rest.strip_prefix(['T', ' '])?;
    let parts: Vec<&str> = clock.split(':').collect();
    let ok = (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[0].parse::<u32>().ok()? < 24
        && parts[1].parse::<u32>().ok()? < 60
        && parts
            .get(2)
            .is_none_or(|s| s.parse::<u32>().map(|v| v < 60).unwrap_or(false));
    ok.then_some(date)
}

fn problem(lenient: bool, warnings: &mut usize, msg: String) -> anyhow::Result<()> {
    if lenient {
        eprintln!("warning: {msg}; row skipped");
        *warnings += 1;
        Ok(())
    } else {
        bail!("{msg}")
    }
}

fn read_water(path: &PathBuf, args: &InputArgs) -> anyhow::Result<WaterData> {
    let file = path.display();
    let from = args
        .from
        .as_deref()
        .map(|s| s.parse::<Date>().with_context(|| format!("--from '{s}'")))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|s| s.parse::<Date>().with_context(|| format!("--to '{s}'")))
        .transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        bail!("--from {f} is after --to {t}");
    }
    let (mut rdr, col) = crate::columns::open(path, &REQUIRED, &OPTIONAL)?;
    let default_body = match args.kind {
        Kind::River => WaterBody::River,
        Kind::Lake => WaterBody::Lake,
    };
    let mut warnings = 0;
    let mut seen: BTreeMap<(String, String, Item), u64> = BTreeMap::new();
    let mut data = WaterData {
        sites: BTreeMap::new(),
    };
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{file}: malformed CSV"))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let field = |name: &str| col.get(name).and_then(|&i| rec.get(i)).unwrap_or("");
        let (time, site) = (field("time").to_string(), field("site").to_string());
        let Some(date) = sample_date(&time) else {
            problem(
                args.lenient,
                &mut warnings,
                format!(
                    "{file} line {line}: column 'time': '{time}' is not a date YYYY-MM-DD[THH:MM]"
                ),
            )?;
            continue;
        };
        if site.is_empty() {
            problem(
                args.lenient,
                &mut warnings,
                format!("{file} line {line}: column 'site' is empty"),
            )?;
            continue;
        }
        let item: Item = match field("item").parse() {
            Ok(i) => i,
            Err(e) => {
                problem(
                    args.lenient,
                    &mut warnings,
                    format!("{file} line {line}: column 'item': {e}"),
                )?;
                continue;
            }
        };
        let value_text = field("value");
        if value_text.is_empty() {
            // An empty value is a missing measurement.
            continue;
        }
        let value = match value_text.parse::<Reading>() {
            Ok(r) => r.value_for_statistics(),
            Err(e) => {
                problem(
                    args.lenient,
                    &mut warnings,
                    format!(
                        "{file} line {line} (site {site}, {time}, {}): column 'value': {e}",
                        item.code()
                    ),
                )?;
                continue;
            }
        };
        let body = match col
            .get("kind")
            .and_then(|&i| rec.get(i))
            .filter(|s| !s.is_empty())
        {
            Some(k) => match k.parse::<WaterBody>() {
                Ok(b) => Some(b),
                Err(e) => {
                    problem(
                        args.lenient,
                        &mut warnings,
                        format!("{file} line {line}: column 'kind': {e}"),
                    )?;
                    continue;
                }
            },
            None => None,
        };
        let city = col
            .get("city")
            .and_then(|&i| rec.get(i))
            .filter(|s| !s.is_empty())
            .map(String::from);
        if let Some(&first) = seen.get(&(site.clone(), time.clone(), item)) {
            problem(
                args.lenient,
                &mut warnings,
                format!(
                    "{file} line {line}: duplicated sample {site} {time} {} (first at line {first})",
                    item.code()
                ),
            )?;
            continue;
        }
        seen.insert((site.clone(), time.clone(), item), line);
        let entry = data.sites.entry(site.clone()).or_default();
        if let Some(b) = body {
            match entry.body {
                Some(prev) if prev != b => bail!(
                    "{file} line {line}: site {site} is both {} and {}",
                    prev.code(),
                    b.code()
                ),
                _ => entry.body = Some(b),
            }
        }
        if let Some(c) = city {
            match &entry.city {
                Some(prev) if *prev != c => {
                    bail!("{file} line {line}: site {site} is in both {prev} and {c}")
                }
                _ => entry.city = Some(c),
            }
        }
        if from.is_some_and(|f| date < f) || to.is_some_and(|t| date > t) {
            continue;
        }
        entry.samples.entry(time).or_default().insert(item, value);
    }
    for site in data.sites.values_mut() {
        site.body.get_or_insert(default_body);
    }
    if warnings > 0 {
        eprintln!("{warnings} warning(s) in {file}");
    }
    data.sites.retain(|_, s| !s.samples.is_empty());
    if data.sites.is_empty() {
        bail!("{file}: no samples in the selected period");
    }
    Ok(data)
}

/// Period means of a site's items.
fn site_means(site: &Site) -> BTreeMap<Item, Measure> {
    let mut by_item: BTreeMap<Item, Vec<Measure>> = BTreeMap::new();
    for values in site.samples.values() {
        for (&it, &v) in values {
            by_item.entry(it).or_default().push(v);
        }
    }
    by_item
        .into_iter()
        .filter_map(|(it, vs)| period_mean(it, &vs).map(|m| (it, m)))
        .collect()
}

// ---------------------------------------------------------------- output helpers

fn writer(path: &PathBuf) -> anyhow::Result<csv::Writer<std::fs::File>> {
    csv::Writer::from_path(path).with_context(|| format!("cannot create {}", path.display()))
}

fn class_text(c: &Classification) -> (String, String) {
    match c.class {
        Some(k) => (k.label().to_string(), k.status_zh().to_string()),
        None => (String::new(), String::new()),
    }
}

fn exceeding_text(c: &Classification) -> String {
    c.exceeding()
        .iter()
        .map(|r| format!("{}:{}", r.item.code(), r.class.label()))
        .collect::<Vec<_>>()
        .join(";")
}

fn missing_text(c: &Classification) -> String {
    c.missing
        .iter()
        .map(|i| i.code())
        .collect::<Vec<_>>()
        .join(";")
}

fn reference_text(c: &Classification) -> String {
    c.reference
        .iter()
        .map(|r| format!("{}:{}", r.item.code(), r.class.label()))
        .collect::<Vec<_>>()
        .join(";")
}

fn pct(m: Option<Measure>) -> String {
    m.map(|v| {
        let tenths = v.nano() / 100_000_000;
        format!("{}.{}", tenths / 10, tenths % 10)
    })
    .unwrap_or_default()
}

// ---------------------------------------------------------------- classify

fn classify_cmd(args: ClassifyArgs) -> anyhow::Result<()> {
    let data = read_water(&args.input.input, &args.input)?;
    let mut out = String::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut site_classes: BTreeMap<String, Vec<WaterClass>> = BTreeMap::new();
    use std::fmt::Write as _;
    if args.period {
        let _ = writeln!(
            out,
            "{} {} samples class {} main pollutants (超标倍数)",
            pad("site", 16),
            pad("kind", 5),
            pad("status", 9)
        );
    } else {
        let _ = writeln!(
            out,
            "{} {} class {} main pollutants (超标倍数)",
            pad("site", 16),
            pad("time", 16),
            pad("status", 9)
        );
    }
    for (name, site) in &data.sites {
        let body = site.body.expect("set when read");
        let city = site.city.clone().unwrap_or_default();
        if args.period {
            let c = classify(body, &site_means(site));
            let (class, status) = class_text(&c);
            let times: Vec<&String> = site.samples.keys().collect();
            let _ = writeln!(
                out,
                "{} {} {:>7} {:<5} {} {}",
                pad(name, 16),
                pad(body.code(), 5),
                site.samples.len(),
                class,
                pad(&status, 9),
                c.main_pollutants()
            );
            rows.push(vec![
                name.clone(),
                city.clone(),
                body.code().into(),
                times.first().map(|s| s.to_string()).unwrap_or_default(),
                times.last().map(|s| s.to_string()).unwrap_or_default(),
                site.samples.len().to_string(),
                class,
                status,
                c.main_pollutants(),
                exceeding_text(&c),
                missing_text(&c),
                reference_text(&c),
            ]);
            if let Some(k) = c.class {
                site_classes.entry(city).or_default().push(k);
            }
        } else {
            for (time, values) in &site.samples {
                let c = classify(body, values);
                let (class, status) = class_text(&c);
                let _ = writeln!(
                    out,
                    "{} {} {:<5} {} {}",
                    pad(name, 16),
                    pad(time, 16),
                    class,
                    pad(&status, 9),
                    c.main_pollutants()
                );
                rows.push(vec![
                    name.clone(),
                    city.clone(),
                    body.code().into(),
                    time.clone(),
                    class,
                    status,
                    c.main_pollutants(),
                    exceeding_text(&c),
                    missing_text(&c),
                    reference_text(&c),
                ]);
            }
        }
    }
    if args.period {
        for (city, classes) in &site_classes {
            let s = Shares::of(classes);
            let label = if city.is_empty() {
                "all sites".to_string()
            } else {
                city.clone()
            };
            let _ = writeln!(
                out,
                "{label}: {} sites, 优良率 (I–III) {} %, 劣V {} %, rating {}",
                s.sections,
                pct(s.good_pct()),
                pct(s.worse_than_v_pct()),
                s.rating().map(|r| r.name_zh()).unwrap_or("")
            );
        }
    }
    if let Some(path) = &args.output {
        let mut w = writer(path)?;
        if args.period {
            w.write_record([
                "site",
                "city",
                "kind",
                "first_sample",
                "last_sample",
                "samples",
                "class",
                "status",
                "main_pollutants",
                "exceeding",
                "missing_items",
                "reference",
            ])?;
        } else {
            w.write_record([
                "site",
                "city",
                "kind",
                "time",
                "class",
                "status",
                "main_pollutants",
                "exceeding",
                "missing_items",
                "reference",
            ])?;
        }
        for r in &rows {
            w.write_record(r)?;
        }
        w.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("{} rows written to {}", rows.len(), path.display());
    }
    emit(&out)
}

// ---------------------------------------------------------------- rank

struct CityResult {
    city: String,
    cwqi: f64,
    sections: usize,
    shares: Shares,
    incomplete: Vec<String>,
}

/// One section of the ranking: (city, site, CWQI, class).
type SectionRow = (String, String, f64, Option<WaterClass>);
/// A section inside its city: (site, CWQI, class, incomplete).
type CitySection = (String, f64, Option<WaterClass>, bool);

fn city_results(
    data: &WaterData,
    default_city: Option<&str>,
    file: &str,
) -> anyhow::Result<(Vec<CityResult>, Vec<SectionRow>)> {
    let mut per_city: BTreeMap<String, Vec<CitySection>> = BTreeMap::new();
    let mut sections = Vec::new();
    for (name, site) in &data.sites {
        let Some(city) = site.city.clone().or_else(|| default_city.map(String::from)) else {
            bail!("{file}: site {name} has no city: add a 'city' column or pass --city");
        };
        let body = site.body.expect("set when read");
        let means = site_means(site);
        let q = section_cwqi(body, &means);
        let class = classify(body, &means).class;
        per_city.entry(city.clone()).or_default().push((
            name.clone(),
            q.total,
            class,
            !q.missing.is_empty(),
        ));
        sections.push((city, name.clone(), q.total, class));
    }
    let mut out = Vec::new();
    for (city, secs) in per_city {
        let totals: Vec<f64> = secs.iter().map(|s| s.1).collect();
        let classes: Vec<WaterClass> = secs.iter().filter_map(|s| s.2).collect();
        out.push(CityResult {
            cwqi: city_cwqi(&totals).expect("at least one section"),
            sections: secs.len(),
            shares: Shares::of(&classes),
            incomplete: secs.iter().filter(|s| s.3).map(|s| s.0.clone()).collect(),
            city,
        });
    }
    Ok((out, sections))
}

fn rank_cmd(args: RankArgs) -> anyhow::Result<()> {
    let file = args.input.input.display().to_string();
    let data = read_water(&args.input.input, &args.input)?;
    let (cities, sections) = city_results(&data, args.city.as_deref(), &file)?;
    let base: BTreeMap<String, f64> = match &args.base {
        Some(p) => {
            let bdata = read_water(
                p,
                &InputArgs {
                    input: p.clone(),
                    kind: args.input.kind,
                    from: None,
                    to: None,
                    lenient: args.input.lenient,
                },
            )?;
            city_results(&bdata, args.city.as_deref(), &p.display().to_string())?
                .0
                .into_iter()
                .map(|c| (c.city, c.cwqi))
                .collect()
        }
        None => BTreeMap::new(),
    };
    let ranked = rank(
        &cities
            .iter()
            .map(|c| (c.city.clone(), c.cwqi))
            .collect::<Vec<_>>(),
    );
    use std::fmt::Write as _;
    let mut out = String::new();
    let incomplete: usize = cities.iter().map(|c| c.incomplete.len()).sum();
    if incomplete > 0 {
        eprintln!(
            "warning: {incomplete} section(s) lack some of the 21 CWQI items; their CWQI sums only the items present (see incomplete_sections)"
        );
    }
    let _ = writeln!(
        out,
        "{} {} class     CWQI",
        pad("section", 16),
        pad("city", 10)
    );
    for (city, name, q, class) in &sections {
        let _ = writeln!(
            out,
            "{} {} {:>5} {:>8.4}",
            pad(name, 16),
            pad(city, 10),
            class.map(|c| c.label()).unwrap_or(""),
            q
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "rank {}     CWQI   ΔCWQI%  优良率%   劣V% rating",
        pad("city", 10)
    );
    let mut rows = Vec::new();
    for r in &ranked {
        let c = cities
            .iter()
            .find(|c| c.city == r.city)
            .expect("ranked city");
        let change = base.get(&r.city).and_then(|&b| cwqi_change_pct(b, r.cwqi));
        let rating = c.shares.rating().map(|x| x.name_zh()).unwrap_or("");
        let _ = writeln!(
            out,
            "{:>4} {} {:>8.4} {:>8} {:>7} {:>6} {}",
            r.rank,
            pad(&r.city, 10),
            r.cwqi,
            change.map(|x| format!("{x:.2}")).unwrap_or_default(),
            pct(c.shares.good_pct()),
            pct(c.shares.worse_than_v_pct()),
            rating
        );
        rows.push(vec![
            r.rank.to_string(),
            r.city.clone(),
            format!("{:.4}", r.cwqi),
            change.map(|x| format!("{x:.2}")).unwrap_or_default(),
            c.sections.to_string(),
            pct(c.shares.good_pct()),
            pct(c.shares.worse_than_v_pct()),
            rating.to_string(),
            c.incomplete.join(";"),
        ]);
    }
    if let Some(path) = &args.output {
        let mut w = writer(path)?;
        w.write_record([
            "rank",
            "city",
            "cwqi",
            "cwqi_change_pct",
            "sections",
            "good_pct",
            "worse_than_v_pct",
            "rating",
            "incomplete_sections",
        ])?;
        for r in &rows {
            w.write_record(r)?;
        }
        w.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("{} cities written to {}", rows.len(), path.display());
    }
    emit(&out)
}

/// 优良率 (I–III share of sites, from period means) of every site in `input`
/// over `[from, to]`, with the number of sites; for the targets board.
pub fn good_rate_pct(input: &std::path::Path, from: &str, to: &str) -> anyhow::Result<(Option<String>, usize)> {
    let args = InputArgs {
        input: input.to_path_buf(),
        kind: Kind::River,
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        lenient: false,
    };
    let data = read_water(&args.input, &args)?;
    let classes: Vec<WaterClass> = data
        .sites
        .values()
        .filter(|s| !s.samples.is_empty())
        .filter_map(|s| classify(s.body.expect("set when read"), &site_means(s)).class)
        .collect();
    let s = Shares::of(&classes);
    Ok((s.good_pct().map(|m| m.to_string()), classes.len()))
}
