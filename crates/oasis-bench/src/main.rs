//! `oasis-bench`: Oasis and the EPANET toolkits timed side by side, and synthetic
//! city networks written on demand.
//!
//! Every measurement runs in a child process of this binary (one per network and
//! engine): a crash or hang of one engine on one file cannot take the run down,
//! and the child's peak resident memory (VmHWM) is that engine's alone.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use oasis_bench::epanet_timer::EpanetLib;
use oasis_bench::report::{HEADER, Measured, Row, summarize, summary_line, table_line};
use oasis_netgen::city::{CityOptions, write_city};

#[derive(Parser)]
#[command(
    name = "oasis-bench",
    about = "Time Oasis against EPANET 2.3.5 and 2.2; generate synthetic cities"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Time every .inp given (files, or directories searched recursively).
    Compare(CompareArgs),
    /// Write a synthetic city network (.inp).
    City(CityArgs),
    /// Time the same scenarios on 1 and on more threads, alternately.
    Scaling(ScalingArgs),
    /// Where Oasis's time goes on each network: parse, build, ordering, solve.
    Phases(PhasesArgs),
    /// One engine on one network, repeated; prints one RESULT line (internal).
    #[command(hide = true)]
    Child(ChildArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Clock {
    Wall,
    Cpu,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Engine {
    Oasis,
    V235,
    V22,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Networks: .inp files or directories.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Timed runs per engine and network (the median is reported).
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    /// Engines to run.
    #[arg(long, value_delimiter = ',', default_value = "oasis,v235,v22")]
    engines: Vec<Engine>,
    /// Give up on one engine and network after this many seconds.
    #[arg(long, default_value_t = 300)]
    timeout_s: u64,
    /// Which time to report: `wall` (elapsed) or `cpu` (the engine thread's CPU
    /// time, which other processes on a shared machine do not stretch).
    #[arg(long, value_enum, default_value = "wall")]
    clock: Clock,
    /// Networks at least this large enter the summary median.
    #[arg(long, default_value_t = 1000)]
    min_junctions: usize,
}

#[derive(clap::Args)]
struct CityArgs {
    /// Wanted number of junctions (rounded to whole districts).
    #[arg(long, default_value_t = 10_000)]
    junctions: usize,
    /// Rows and columns of one district's grid.
    #[arg(long, default_value_t = 50)]
    side: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Duration in hours.
    #[arg(long, default_value_t = 24)]
    hours: u32,
    /// Leave out [COORDINATES].
    #[arg(long)]
    no_coordinates: bool,
    /// Output file ("-" for standard output).
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(clap::Args)]
struct PhasesArgs {
    /// Networks: .inp files or directories.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Timed runs of each phase, in one process after an untimed one.
    #[arg(long, default_value_t = 20)]
    repeat: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScenarioKind {
    Leak,
    Closure,
    Demand,
}

#[derive(clap::Args)]
struct ScalingArgs {
    network: PathBuf,
    #[arg(long, value_enum, default_value = "closure")]
    kind: ScenarioKind,
    /// Scenarios to run (the first N; demand factors are spread over 0.5–2).
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Solve time 0 only instead of the whole duration.
    #[arg(long)]
    steady: bool,
    /// Thread counts to compare; the first is the baseline.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    threads: Vec<usize>,
    /// Rounds; each round runs every thread count once, in turn.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
}

#[derive(clap::Args)]
struct ChildArgs {
    #[arg(long)]
    engine: Engine,
    #[arg(long)]
    repeat: usize,
    /// Untimed runs before the timed ones.
    #[arg(long, default_value_t = 0)]
    warmup: usize,
    /// The toolkit library (EPANET engines).
    #[arg(long)]
    lib: Option<PathBuf>,
    network: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Compare(a) => compare(a),
        Cmd::City(a) => city(a),
        Cmd::Scaling(a) => scaling(a),
        Cmd::Phases(a) => phases(a),
        Cmd::Child(a) => child(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oasis-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn city(a: CityArgs) -> Res<()> {
    let opts = CityOptions {
        junctions: a.junctions,
        district_side: a.side,
        seed: a.seed,
        duration_h: a.hours,
        coordinates: !a.no_coordinates,
    };
    let layout = if a.output.as_os_str() == "-" {
        let stdout = std::io::stdout();
        let mut w = BufWriter::new(stdout.lock());
        let l = write_city(&opts, &mut w)?;
        w.flush()?;
        l
    } else {
        let f = std::fs::File::create(&a.output)
            .map_err(|e| format!("cannot create {}: {e}", a.output.display()))?;
        let mut w = BufWriter::with_capacity(1 << 20, f);
        let l = write_city(&opts, &mut w)
            .map_err(|e| format!("cannot write {}: {e}", a.output.display()))?;
        w.flush()?;
        l
    };
    eprintln!(
        "{}: {} junctions ({} districts of {}x{}), {} tanks, {} pumps",
        a.output.display(),
        layout.junctions(),
        layout.districts,
        layout.side,
        layout.side,
        layout.districts,
        layout.districts
    );
    Ok(())
}

/// Runs the same scenarios with each thread count in turn, `repeat` rounds,
/// and prints each run's wall time, then per thread count the median time and
/// the median over rounds of the baseline's time over its time in the same
/// round (rounds pair runs made close together, which a shared machine's
/// drifting speed affects alike). The rows must come out identical.
fn scaling(a: ScalingArgs) -> Res<()> {
    use oasis_scenarios::{Settings, Summary, closure_scenarios, demand_scenarios, factor_range, leak_scenarios, run_all};
    let name = a.network.display().to_string();
    let bytes = std::fs::read(&a.network).map_err(|e| format!("cannot read {name}: {e}"))?;
    let net = oasis_network::read_inp(&bytes, &name)?;
    let mut scenarios = match a.kind {
        ScenarioKind::Leak => leak_scenarios(&net, 0.5),
        ScenarioKind::Closure => closure_scenarios(&net),
        ScenarioKind::Demand => demand_scenarios(&factor_range(0.5, 2.0, a.count)),
    };
    scenarios.truncate(a.count);
    let settings = Settings { steady: a.steady, ..Settings::default() };
    let threads: Vec<usize> = a.threads.iter().map(|&t| t.max(1)).collect();
    println!(
        "{name}: {} junctions, {} scenarios ({}), {}; threads {threads:?}, {} rounds",
        net.junction_count(),
        scenarios.len(),
        scenarios.first().map_or("none", |s| s.variant.kind()),
        if a.steady { "time 0 only" } else { "whole duration" },
        a.repeat.max(1),
    );
    let mut seconds = vec![Vec::new(); threads.len()];
    let mut first_rows: Option<String> = None;
    for round in 1..=a.repeat.max(1) {
        for (i, &t) in threads.iter().enumerate() {
            let mut rows = Vec::with_capacity(scenarios.len());
            let start = Instant::now();
            run_all(&net, &scenarios, &settings, t, |s: &Summary, _| rows.push(format!("{s:?}")));
            let s = start.elapsed().as_secs_f64();
            println!("round {round}: {t} threads {s:.3} s");
            seconds[i].push(s);
            let rows = rows.join("\n");
            match &first_rows {
                None => first_rows = Some(rows),
                Some(f) if *f != rows => return Err(format!("{t} threads gave other rows than {} threads", threads[0]).into()),
                Some(_) => {}
            }
        }
    }
    for (i, &t) in threads.iter().enumerate() {
        let paired: Vec<f64> = seconds[0].iter().zip(&seconds[i]).map(|(b, x)| b / x).collect();
        println!(
            "{t} threads: median {:.3} s; speed-up over {} thread(s): {:.2} (median of rounds; range {:.2}–{:.2})",
            oasis_bench::report::median(&seconds[i]).unwrap_or(f64::NAN),
            threads[0],
            oasis_bench::report::median(&paired).unwrap_or(f64::NAN),
            paired.iter().copied().fold(f64::INFINITY, f64::min),
            paired.iter().copied().fold(0.0, f64::max),
        );
    }
    println!("rows identical across thread counts: yes");
    Ok(())
}

/// Peak resident set size of this process (VmHWM), kB.
fn vm_hwm_kb() -> Option<u64> {
    proc_status_kb("VmHWM:")
}

/// A `kB` line of `/proc/self/status` (`VmHWM:` peak, `VmRSS:` current).
fn proc_status_kb(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn child(a: ChildArgs) -> Res<()> {
    let name = a.network.display().to_string();
    let (mut parse, mut hyd, mut periods, mut junctions) = (Vec::new(), Vec::new(), 0, None);
    let mut parse_peak_kb = None;
    let mut parse_rss_kb = None;
    match a.engine {
        Engine::Oasis => {
            for rep in 0..a.warmup + a.repeat.max(1) {
                // The file is read inside the clock, as EN_open reads it, and
                // dropped once parsed (as `oasis run` does), so the peak memory
                // is the model's and the solver's.
                let watch = oasis_bench::Stopwatch::start();
                let bytes =
                    std::fs::read(&a.network).map_err(|e| format!("cannot read {name}: {e}"))?;
                let net = oasis_network::read_inp(&bytes, &name)?;
                parse.push(watch.stop());
                drop(bytes);
                if rep == 0 {
                    // Peak so far: reading and the parsed model, before any solving.
                    parse_peak_kb = vm_hwm_kb();
                    // Resident now: the model itself (plus what the allocator keeps).
                    parse_rss_kb = proc_status_kb("VmRSS:");
                }
                let (s, n) = oasis_bench::time_hydraulics(&net)?;
                hyd.push(s);
                periods = n;
                junctions = Some(net.junction_count());
            }
        }
        Engine::V235 | Engine::V22 => {
            let lib = EpanetLib::load(a.lib.as_deref().ok_or("--lib is required for EPANET")?)?;
            let tmp = std::env::temp_dir();
            let stem = format!("oasis-bench-{}", std::process::id());
            let (rpt, out) = (
                tmp.join(format!("{stem}.rpt")),
                tmp.join(format!("{stem}.out")),
            );
            let result = (|| {
                for _ in 0..a.warmup + a.repeat.max(1) {
                    let t = lib.time_run(&a.network, &rpt, &out)?;
                    parse.push(t.open);
                    hyd.push(t.hydraulics);
                    periods = t.periods;
                }
                Ok::<(), oasis_bench::epanet_timer::EpanetTimerError>(())
            })();
            let _ = std::fs::remove_file(&rpt);
            let _ = std::fs::remove_file(&out);
            result?;
        }
    }
    // Warm-up runs fault in code and data pages and are not reported.
    parse.drain(..a.warmup.min(parse.len()));
    hyd.drain(..a.warmup.min(hyd.len()));
    let med = |v: &[oasis_bench::Span], f: fn(&oasis_bench::Span) -> f64| {
        oasis_bench::report::median(&v.iter().map(f).collect::<Vec<_>>()).unwrap_or(f64::NAN)
    };
    println!(
        "RESULT junctions={} periods={periods} parse_s={} hyd_s={} parse_cpu_s={} hyd_cpu_s={} vmhwm_kb={} parse_vmhwm_kb={} parse_rss_kb={}",
        junctions.map_or("-".into(), |j| j.to_string()),
        med(&parse, |s| s.wall_s),
        med(&hyd, |s| s.wall_s),
        med(&parse, |s| s.cpu_s),
        med(&hyd, |s| s.cpu_s),
        vm_hwm_kb().map_or("-".into(), |k| k.to_string()),
        parse_peak_kb.map_or("-".into(), |k| k.to_string()),
        parse_rss_kb.map_or("-".into(), |k| k.to_string()),
    );
    Ok(())
}

/// What one child reported.
#[derive(Default)]
struct ChildResult {
    junctions: Option<usize>,
    periods: Option<usize>,
    parse_s: Option<f64>,
    hyd_s: Option<f64>,
    vmhwm_kb: Option<u64>,
}

/// One timed run of `engine` on `net`, after one untimed run, in a child
/// process of this binary.
fn run_child(
    engine: &str,
    lib: Option<&Path>,
    net: &Path,
    timeout: Duration,
    cpu: bool,
) -> Result<ChildResult, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(exe);
    cmd.args(["child", "--engine", engine, "--warmup", "1", "--repeat", "1"]);
    if let Some(lib) = lib {
        cmd.arg("--lib").arg(lib);
    }
    cmd.arg(net)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start child: {e}"))?;
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if start.elapsed() > timeout {
            // Only this child, by its own handle.
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timeout {} s", timeout.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut out = String::new();
    let mut err = String::new();
    if let Some(s) = child.stdout.take() {
        for l in BufReader::new(s).lines().map_while(Result::ok) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    if let Some(s) = child.stderr.take() {
        for l in BufReader::new(s).lines().map_while(Result::ok) {
            err.push_str(&l);
            err.push('\n');
        }
    }
    let Some(line) = out.lines().find(|l| l.starts_with("RESULT ")) else {
        if !status.success() && status.code().is_none() {
            return Err("crashed".into());
        }
        let msg = err
            .lines()
            .last()
            .unwrap_or("failed")
            .trim_start_matches("oasis-bench: ");
        return Err(short_error(msg));
    };
    let mut r = ChildResult::default();
    for kv in line.split_whitespace().skip(1) {
        let Some((k, v)) = kv.split_once('=') else {
            continue;
        };
        match k {
            "junctions" => r.junctions = v.parse().ok(),
            "periods" => r.periods = v.parse().ok(),
            "parse_s" if !cpu => r.parse_s = v.parse().ok(),
            "hyd_s" if !cpu => r.hyd_s = v.parse().ok(),
            "parse_cpu_s" if cpu => r.parse_s = v.parse().ok(),
            "hyd_cpu_s" if cpu => r.hyd_s = v.parse().ok(),
            "vmhwm_kb" => r.vmhwm_kb = v.parse().ok(),
            _ => {}
        }
    }
    Ok(r)
}

/// A table cell's worth of an error: its EPANET code if it has one.
fn short_error(msg: &str) -> String {
    let code = msg
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 3 && w.starts_with(['1', '2', '3']))
        .map(|c| format!("error {c}"));
    code.unwrap_or_else(|| msg.chars().take(30).collect())
}

fn collect_inp(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            collect_inp(&e, out)?;
        }
    } else if path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("inp"))
    {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// The .inp files given, directories searched recursively.
fn networks(paths: &[PathBuf]) -> Res<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(format!("{} does not exist", p.display()).into());
        }
        if p.is_file() {
            files.push(p.clone());
        } else {
            collect_inp(p, &mut files).map_err(|e| format!("cannot list {}: {e}", p.display()))?;
        }
    }
    Ok(files)
}

/// In-process phase timings, one row per network; a network that fails to
/// read or solve gets a row saying why, and the others still run.
fn phases(a: PhasesArgs) -> Res<()> {
    use oasis_bench::phases::{PHASES_HEADER, phases_line, time_phases};
    println!("Oasis's phases, CPU milliseconds as minimum / median of {} runs in one process (after an untimed run).\n", a.repeat.max(1));
    println!("{PHASES_HEADER}");
    for file in networks(&a.paths)? {
        let name = file.display().to_string();
        let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {name}: {e}"))?;
        match time_phases(&bytes, &name, a.repeat) {
            Ok(p) => println!("{}", phases_line(&name, &p)),
            Err(e) => println!("| {name} | {} |", e.to_string().replace('\n', " ")),
        }
    }
    Ok(())
}

fn compare(a: CompareArgs) -> Res<()> {
    let files = networks(&a.paths)?;
    let find = |engine: Engine| -> Res<Option<PathBuf>> {
        if !a.engines.contains(&engine) {
            return Ok(None);
        }
        let tk = match engine {
            Engine::V235 => oasis_epanet::Toolkit::find_v235()?,
            _ => oasis_epanet::Toolkit::find_v22()?,
        };
        if tk.is_none() {
            eprintln!(
                "note: EPANET {} not found (pip install owa-epanet==2.3.5 entoolkit==2.2.0); its column stays empty",
                if engine == Engine::V235 {
                    "2.3.5"
                } else {
                    "2.2"
                }
            );
        }
        Ok(tk.map(|t| t.path().to_path_buf()))
    };
    let (lib235, lib22) = (find(Engine::V235)?, find(Engine::V22)?);
    let timeout = Duration::from_secs(a.timeout_s);
    let cpu = a.clock == Clock::Cpu;
    println!(
        "Times: median of {} runs (engines taking turns, each run in a fresh process after an untimed one), {}.\n",
        a.repeat.max(1),
        if cpu {
            "CPU time of the engine's thread"
        } else {
            "wall-clock"
        }
    );
    println!("{HEADER}");
    let mut rows = Vec::new();
    for (i, f) in files.iter().enumerate() {
        eprintln!("[{}/{}] {}", i + 1, files.len(), f.display());
        let name = display_name(&a.paths, f);
        let mut row = Row {
            network: name,
            junctions: None,
            periods: None,
            epanet_periods: None,
            oasis_parse: Measured::Skipped,
            oasis: Measured::Skipped,
            v235_open: Measured::Skipped,
            v235: Measured::Skipped,
            v22: Measured::Skipped,
            oasis_peak_mb: None,
        };
        // The engines take turns, one run each per round, so that a shared
        // machine's drifting speed falls on all of them alike.
        let engines: Vec<(&str, Option<&Path>)> = [
            a.engines.contains(&Engine::Oasis).then_some(("oasis", None)),
            lib235.as_deref().map(|l| ("v235", Some(l))),
            lib22.as_deref().map(|l| ("v22", Some(l))),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut runs: Vec<Vec<ChildResult>> = engines.iter().map(|_| Vec::new()).collect();
        let mut failed: Vec<Option<String>> = vec![None; engines.len()];
        for _ in 0..a.repeat.max(1) {
            for (i, &(engine, lib)) in engines.iter().enumerate() {
                // An engine that failed once is not run again on this file.
                if failed[i].is_none() {
                    match run_child(engine, lib, f, timeout, cpu) {
                        Ok(r) => runs[i].push(r),
                        Err(e) => failed[i] = Some(e),
                    }
                }
            }
        }
        for ((&(engine, _), runs), failed) in engines.iter().zip(&runs).zip(failed) {
            let median_of = |pick: fn(&ChildResult) -> Option<f64>| match &failed {
                Some(e) => Measured::Failed(e.clone()),
                None => {
                    let xs: Option<Vec<f64>> = runs.iter().map(pick).collect();
                    xs.and_then(|xs| oasis_bench::report::median(&xs))
                        .map_or(Measured::Failed("?".into()), Measured::Seconds)
                }
            };
            let (parse, hyd) = (median_of(|r| r.parse_s), median_of(|r| r.hyd_s));
            let first = runs.first();
            match engine {
                "oasis" => {
                    row.junctions = first.and_then(|r| r.junctions);
                    row.periods = first.and_then(|r| r.periods);
                    row.oasis_peak_mb = runs.iter().filter_map(|r| r.vmhwm_kb).max().map(|k| k as f64 / 1024.0);
                    (row.oasis_parse, row.oasis) = (parse, hyd);
                }
                "v235" => (row.v235_open, row.v235) = (parse, hyd),
                _ => row.v22 = hyd,
            }
            // EPANET 2.2 is the parity reference: its count wins.
            if engine == "v22" || (engine == "v235" && row.epanet_periods.is_none()) {
                row.epanet_periods = first.and_then(|r| r.periods).or(row.epanet_periods);
            }
        }
        println!("{}", table_line(&row));
        std::io::stdout().flush()?;
        rows.push(row);
    }
    println!();
    println!(
        "{}",
        summary_line(
            "Oasis/EPANET 2.3.5",
            &summarize(&rows, Row::ratio_235, a.min_junctions),
            a.min_junctions
        )
    );
    println!(
        "{}",
        summary_line(
            "Oasis/EPANET 2.2",
            &summarize(&rows, Row::ratio_22, a.min_junctions),
            a.min_junctions
        )
    );
    println!(
        "{}",
        summary_line(
            "Oasis parse/EPANET 2.3.5 EN_open",
            &summarize(&rows, Row::parse_ratio_235, a.min_junctions),
            a.min_junctions
        )
    );
    Ok(())
}

/// The path relative to the argument it was found under.
fn display_name(roots: &[PathBuf], f: &Path) -> String {
    for r in roots {
        if let Ok(rel) = f.strip_prefix(r)
            && !rel.as_os_str().is_empty()
        {
            return rel.display().to_string();
        }
    }
    f.file_name().map_or_else(
        || f.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
