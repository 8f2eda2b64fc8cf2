//! `oasis leaks`: detect leaks in SCADA data with the twin, make benchmark data sets, score
//! alarms by the BattLeDIM rules, and evaluate the detector against two baselines.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use oasis_leaks::baseline::{self, BaselineSettings, Location};
use oasis_leaks::detect::{self, DetectSettings, Twin};
use oasis_leaks::net::NetInfo;
use oasis_leaks::scenario::{self, DataSet, SensorSpec, SimulateOptions};
use oasis_leaks::score::{self, ScoreReport, Truth, TrueLeak};
use oasis_leaks::time::{format_stamp, parse_stamp};
use oasis_leaks::{Alarm, Scada};
use oasis_network::{Network, read_inp};

#[derive(Subcommand)]
pub enum LeaksCommand {
    /// Find leaking pipes in SCADA data (CSV or CSV.gz) and write one row per alarm.
    Detect(DetectArgs),
    /// Write a benchmark data set (SCADA with leaks, and the truth) for any network.
    Simulate(SimulateArgs),
    /// Score alarms against a simulated data set's truth (BattLeDIM rules).
    Score(ScoreArgs),
    /// Held-out evaluation: simulate data sets, run the detector and the baselines, score.
    Evaluate(EvaluateArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// Twin residuals, matched to simulated leak signatures.
    Twin,
    /// Baseline: inflow only, the inlet pipe as location.
    Inflow,
    /// Baseline: inflow, located at the pressure sensor that dropped most.
    Pressure,
}

#[derive(Args)]
pub struct DetectArgs {
    #[arg(long)]
    network: PathBuf,
    #[arg(long)]
    scada: PathBuf,
    /// Rows before this time ("YYYY-MM-DD HH:MM") are leak-free training data.
    #[arg(long)]
    train_until: String,
    #[arg(long)]
    output: PathBuf,
    #[arg(long, value_enum, default_value = "twin")]
    method: Method,
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

#[derive(Args)]
pub struct SimulateArgs {
    #[arg(long)]
    network: PathBuf,
    /// Sensor layout (JSON with "pressure", "flow", "level", "amr" id lists); default: automatic.
    #[arg(long)]
    sensors: Option<PathBuf>,
    /// Folder for scada.csv.gz, leaks.csv, leak_flows.csv.gz and dataset.txt.
    #[arg(long)]
    output_dir: PathBuf,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value = "2019-01-01 00:00")]
    start: String,
    #[arg(long, default_value_t = 30)]
    train_days: i64,
    #[arg(long, default_value_t = 60)]
    test_days: i64,
    #[arg(long, default_value_t = 3)]
    max_leaks_per_month: usize,
}

#[derive(Args)]
pub struct ScoreArgs {
    #[arg(long)]
    network: PathBuf,
    /// The folder `oasis leaks simulate` wrote.
    #[arg(long)]
    dataset: PathBuf,
    #[arg(long)]
    alarms: PathBuf,
}

#[derive(Args)]
pub struct EvaluateArgs {
    #[arg(long)]
    network: Option<PathBuf>,
    #[arg(long)]
    sensors: Option<PathBuf>,
    /// Use a synthetic city of about this many junctions (oasis-netgen) instead of --network.
    #[arg(long)]
    city: Option<usize>,
    #[arg(long, default_value_t = 6)]
    scenarios: usize,
    /// Seeds are first_seed, first_seed+1, ...; keep tuning and reporting seeds apart.
    #[arg(long, default_value_t = 101)]
    first_seed: u64,
    #[arg(long, default_value_t = 30)]
    train_days: i64,
    #[arg(long, default_value_t = 30)]
    test_days: i64,
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Write every alarm with its outcome here.
    #[arg(long)]
    alarms_out: Option<PathBuf>,
    /// Study only: override the detector's threshold floor.
    #[arg(long, hide = true)]
    threshold_floor: Option<f64>,
    /// Study only: override the detector's threshold factor.
    #[arg(long, hide = true)]
    threshold_factor: Option<f64>,
    /// Study only: override the hours above the threshold before an alarm.
    #[arg(long, hide = true)]
    persist_h: Option<f64>,
}

pub fn run(cmd: LeaksCommand) -> anyhow::Result<()> {
    match cmd {
        LeaksCommand::Detect(a) => detect_cmd(a),
        LeaksCommand::Simulate(a) => simulate_cmd(a),
        LeaksCommand::Score(a) => score_cmd(a),
        LeaksCommand::Evaluate(a) => evaluate_cmd(a),
    }
}

fn load_network(path: &Path) -> anyhow::Result<Network> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(read_inp(&bytes, &path.display().to_string())?)
}

/// A text file, gunzipped when its name ends in `.gz`.
fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut text = String::new();
    if path.extension().is_some_and(|e| e == "gz") {
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .with_context(|| format!("decompressing {}", path.display()))?;
    } else {
        text = String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", path.display()))?;
    }
    Ok(text)
}

fn write_text(path: &Path, text: &str) -> anyhow::Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        gz.write_all(text.as_bytes())?;
        gz.finish()?;
    } else {
        let mut f = std::io::BufWriter::new(file);
        f.write_all(text.as_bytes())?;
        f.flush()?;
    }
    Ok(())
}

fn stamp(s: &str, what: &str) -> anyhow::Result<i64> {
    parse_stamp(s).with_context(|| format!("{what}: `{s}` is not a time stamp YYYY-MM-DD HH:MM"))
}

fn load_scada(path: &Path, net: &Network) -> anyhow::Result<Scada> {
    let name = path.display().to_string();
    let (scada, warnings) = Scada::parse(&read_text(path)?, &name)?;
    for w in &warnings {
        eprintln!("warning: {name}: {w}");
    }
    scada.check_network(net, &name)?;
    Ok(scada)
}

fn run_method(net: &Network, scada: &Scada, train_until: i64, method: Method, settings: &DetectSettings, twin: Option<&Twin>) -> anyhow::Result<Vec<Alarm>> {
    Ok(match method {
        Method::Twin => {
            let step = scada.step_min().unwrap_or(5);
            let built;
            let twin = match twin {
                Some(t) => t,
                None => {
                    built = Twin::build(net, scada, step, settings)?;
                    &built
                }
            };
            detect::detect(net, twin, scada, train_until, settings)?.0
        }
        Method::Inflow => baseline::detect(net, scada, train_until, Location::Inlet, &BaselineSettings::default())?,
        Method::Pressure => baseline::detect(net, scada, train_until, Location::Pressure, &BaselineSettings::default())?,
    })
}

fn alarms_csv(alarms: &[Alarm]) -> String {
    let mut s = String::from("pipe_id,alarm_time,leak_flow_m3h,start_estimate,candidates\n");
    for a in alarms {
        let cands: Vec<String> = a.candidates.iter().map(|(p, v)| format!("{p}:{v:.2}")).collect();
        s.push_str(&format!(
            "{},{},{:.2},{},{}\n",
            a.pipe_id,
            format_stamp(a.alarm_time_min),
            a.flow_m3h,
            format_stamp(a.start_time_min),
            cands.join(" ")
        ));
    }
    s
}

fn detect_cmd(a: DetectArgs) -> anyhow::Result<()> {
    let net = load_network(&a.network)?;
    let train_until = stamp(&a.train_until, "--train-until")?;
    let t0 = Instant::now();
    let scada = load_scada(&a.scada, &net)?;
    eprintln!("read {} rows x {} columns in {:.1} s", scada.values.len(), scada.columns.len(), t0.elapsed().as_secs_f64());
    let t1 = Instant::now();
    let settings = DetectSettings { threads: a.threads, ..Default::default() };
    let alarms = run_method(&net, &scada, train_until, a.method, &settings, None)?;
    eprintln!("{} alarms in {:.1} s", alarms.len(), t1.elapsed().as_secs_f64());
    write_text(&a.output, &alarms_csv(&alarms))
}

fn load_sensors(path: &Path) -> anyhow::Result<SensorSpec> {
    let v: serde_json::Value = serde_json::from_str(&read_text(path)?).with_context(|| format!("{} is not JSON", path.display()))?;
    let list = |k: &str| -> Vec<String> {
        v.get(k).and_then(|x| x.as_array()).map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default()
    };
    Ok(SensorSpec { pressure: list("pressure"), flow: list("flow"), level: list("level"), amr: list("amr") })
}

fn progress(label: &str) -> impl FnMut(usize, usize) + '_ {
    let mut last = 0;
    move |done, total| {
        let pct = done * 100 / total.max(1);
        if pct >= last + 10 || done == total {
            last = pct;
            eprint!("\r{label}: {pct}%");
            if done == total {
                eprintln!();
            }
        }
    }
}

fn simulate_cmd(a: SimulateArgs) -> anyhow::Result<()> {
    let net = load_network(&a.network)?;
    let spec = match &a.sensors {
        Some(p) => load_sensors(p)?,
        None => SensorSpec::automatic(&net),
    };
    let opts = SimulateOptions {
        seed: a.seed,
        start_min: stamp(&a.start, "--start")?,
        train_days: a.train_days,
        test_days: a.test_days,
        max_leaks_per_month: a.max_leaks_per_month,
        ..Default::default()
    };
    let t0 = Instant::now();
    let ds = scenario::simulate(&net, &spec, &opts, &mut progress("simulating"))?;
    eprintln!("{} rows in {:.1} s, {} leaks", ds.scada.values.len(), t0.elapsed().as_secs_f64(), ds.leaks.len());
    std::fs::create_dir_all(&a.output_dir)?;
    write_text(&a.output_dir.join("scada.csv.gz"), &ds.scada.to_csv())?;
    write_text(&a.output_dir.join("leaks.csv"), &ds.leaks_csv())?;
    write_text(&a.output_dir.join("leak_flows.csv.gz"), &ds.leak_flows_csv())?;
    write_text(
        &a.output_dir.join("dataset.txt"),
        &format!("network={}\nseed={}\ntrain_until={}\n", a.network.display(), a.seed, format_stamp(ds.train_until_min)),
    )?;
    println!("train_until={}", format_stamp(ds.train_until_min));
    Ok(())
}

fn score_cmd(a: ScoreArgs) -> anyhow::Result<()> {
    let net = load_network(&a.network)?;
    let info_text = read_text(&a.dataset.join("dataset.txt"))?;
    let Some(train) = info_text.lines().find_map(|l| l.strip_prefix("train_until=")) else {
        bail!("{}: no train_until line", a.dataset.join("dataset.txt").display());
    };
    let from = stamp(train, "dataset.txt")?;
    let truth = score::parse_truth(
        &read_text(&a.dataset.join("leaks.csv"))?,
        &read_text(&a.dataset.join("leak_flows.csv.gz"))?,
        from,
        "leaks.csv",
    )?;
    let alarms = score::parse_alarms(&read_text(&a.alarms)?, &a.alarms.display().to_string())?;
    let r = score::score(&truth, &alarms, &NetInfo::new(&net))?;
    print_table(&[("alarms", vec![r])]);
    Ok(())
}

fn truth_of(ds: &DataSet) -> Truth {
    let step = ds.scada.step_min().unwrap_or(5);
    Truth {
        leaks: ds
            .leaks
            .iter()
            .enumerate()
            .map(|(k, l)| TrueLeak {
                pipe_id: l.pipe_id.clone(),
                start_min: l.start_min,
                repair_min: l.repair_min,
                flow_m3h: ds.leak_flow_m3h.iter().map(|r| r[k]).collect(),
            })
            .collect(),
        times_min: ds.scada.times_min.clone(),
        from_min: ds.train_until_min,
        end_min: ds.scada.times_min.last().map_or(0, |t| t + step),
    }
}

fn print_table(rows: &[(&str, Vec<ScoreReport>)]) {
    println!("| method | score € | best € | % of best | TP | FP | missed | repeated | median delay h | median distance m |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, reports) in rows {
        let sum = |f: &dyn Fn(&ScoreReport) -> f64| reports.iter().map(f).sum::<f64>();
        let score = sum(&|r| r.score_eur);
        let best = sum(&|r| r.best_eur);
        let found: Vec<_> = reports.iter().flat_map(|r| r.found.iter().copied()).collect();
        println!(
            "| {name} | {:.0} | {:.0} | {:.1} | {} | {} | {} | {} | {:.1} | {:.0} |",
            score,
            best,
            100.0 * score / best,
            sum(&|r| r.true_positives as f64),
            sum(&|r| r.false_positives as f64),
            sum(&|r| r.missed as f64),
            sum(&|r| r.repeated as f64),
            score::median(found.iter().map(|f| f.1).collect()),
            score::median(found.iter().map(|f| f.2).collect()),
        );
    }
}

fn evaluate_cmd(a: EvaluateArgs) -> anyhow::Result<()> {
    let net = match (&a.network, a.city) {
        (Some(p), None) => load_network(p)?,
        (None, Some(n)) => {
            let opts = oasis_netgen::city::CityOptions { junctions: n, district_side: 20, seed: 7, duration_h: 24, coordinates: false };
            read_inp(oasis_netgen::city::city_network(&opts).as_bytes(), "city")?
        }
        _ => bail!("give either --network or --city"),
    };
    let spec = match &a.sensors {
        Some(p) => load_sensors(p)?,
        None => SensorSpec::automatic(&net),
    };
    if a.scenarios == 0 {
        bail!("--scenarios must be at least 1");
    }
    let info = NetInfo::new(&net);
    eprintln!(
        "{} sensors ({} pressure), {} scenarios, seeds {}..{}",
        spec.columns().len(),
        spec.pressure.len(),
        a.scenarios,
        a.first_seed,
        a.first_seed + a.scenarios as u64 - 1
    );
    let wall = Instant::now();
    let seeds: Vec<u64> = (0..a.scenarios as u64).map(|i| a.first_seed + i).collect();
    // Data sets are made on all threads, one per thread at a time.
    let t_sim = Instant::now();
    let mut sets: Vec<Option<anyhow::Result<DataSet>>> = (0..seeds.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let chunk = seeds.len().div_ceil(a.threads.max(1)).max(1);
        for (part, out) in seeds.chunks(chunk).zip(sets.chunks_mut(chunk)) {
            let (net, spec) = (&net, &spec);
            let (train_days, test_days) = (a.train_days, a.test_days);
            s.spawn(move || {
                for (seed, slot) in part.iter().zip(out.iter_mut()) {
                    let opts = SimulateOptions { seed: *seed, train_days, test_days, ..Default::default() };
                    *slot = Some(scenario::simulate(net, spec, &opts, &mut |_, _| {}).map_err(anyhow::Error::from));
                }
            });
        }
    });
    let sets: Vec<DataSet> = sets.into_iter().map(|s| s.unwrap_or_else(|| Err(anyhow::anyhow!("not run")))).collect::<Result<_, _>>()?;
    let sim_s = t_sim.elapsed().as_secs_f64();
    eprintln!("simulated {} data sets ({} rows each) in {:.1} s", sets.len(), sets[0].scada.values.len(), sim_s);

    let t_twin = Instant::now();
    let mut settings = DetectSettings { threads: a.threads, ..Default::default() };
    if let Some(v) = a.threshold_floor {
        settings.threshold_floor = v;
    }
    if let Some(v) = a.threshold_factor {
        settings.threshold_factor = v;
    }
    if let Some(h) = a.persist_h {
        settings.persist = (h * 60.0 / sets[0].scada.step_min().unwrap_or(5) as f64).round() as usize;
    }
    let twin = Twin::build(&net, &sets[0].scada, sets[0].scada.step_min().unwrap_or(5), &settings)?;
    let twin_s = t_twin.elapsed().as_secs_f64();
    eprintln!("twin: nominal cycle and {} leak signatures in {:.1} s", twin.candidates.len(), twin_s);

    let mut table: Vec<(&str, Vec<ScoreReport>)> = vec![("twin detector", vec![]), ("baseline inflow/inlet", vec![]), ("baseline inflow/pressure", vec![])];
    let mut detect_s = 0.0;
    let mut log = String::from("seed,method,pipe_id,alarm_time,outcome,leak_pipe,leak_start\n");
    for (seed, ds) in seeds.iter().zip(&sets) {
        let truth = truth_of(ds);
        for (m, method) in [Method::Twin, Method::Inflow, Method::Pressure].into_iter().enumerate() {
            let t = Instant::now();
            let alarms = run_method(&net, &ds.scada, ds.train_until_min, method, &settings, Some(&twin))?;
            if m == 0 {
                detect_s += t.elapsed().as_secs_f64();
            }
            let pairs: Vec<(String, i64)> = alarms.iter().map(|x| (x.pipe_id.clone(), x.alarm_time_min)).collect();
            let r = score::score(&truth, &pairs, &info)?;
            for (al, o) in alarms.iter().zip(&r.outcomes) {
                let (what, leak) = match o {
                    score::Outcome::TruePositive { leak } => ("TP", Some(*leak)),
                    score::Outcome::Repeated { leak } => ("repeat", Some(*leak)),
                    score::Outcome::FalsePositive => ("FP", None),
                    score::Outcome::Ignored => ("ignored", None),
                };
                let (lp, ls) = leak.map_or((String::new(), String::new()), |k| (ds.leaks[k].pipe_id.clone(), format_stamp(ds.leaks[k].start_min)));
                log.push_str(&format!("{seed},{},{},{},{what},{lp},{ls}\n", table[m].0, al.pipe_id, format_stamp(al.alarm_time_min)));
            }
            table[m].1.push(r);
        }
        let leaks: Vec<String> = ds.leaks.iter().map(|l| format!("{}@{}({:.1}m3/h,{:?})", l.pipe_id, format_stamp(l.start_min), l.size_m3h, l.kind)).collect();
        eprintln!("seed {seed}: leaks {}", leaks.join(" "));
    }
    print_table(&table);
    println!(
        "\nwall {:.1} s: simulation {:.1} s, twin build {:.1} s, twin detection {:.1} s ({:.2} s per data set of {} rows x {} columns)",
        wall.elapsed().as_secs_f64(),
        sim_s,
        twin_s,
        detect_s,
        detect_s / sets.len() as f64,
        sets[0].scada.values.len(),
        sets[0].scada.columns.len()
    );
    if let Some(p) = &a.alarms_out {
        write_text(p, &log)?;
    }
    Ok(())
}
