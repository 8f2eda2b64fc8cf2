//! `oasis run` and `oasis convert`: the network twin on the command line.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use oasis_epanet::format::g17;
use oasis_network::{Network, NodeKind, read_inp, write_inp};

/// The demonstration network shipped with Oasis (a small Jinchang-like zone).
const DEMO_NAME: &str = "examples/jinchang-demo.inp";
const DEMO_INP: &str = include_str!("../../../examples/jinchang-demo.inp");

#[derive(Args)]
pub struct RunArgs {
    /// EPANET input file; without one, the built-in Jinchang demonstration network.
    pub network: Option<PathBuf>,
    /// Print how long reading the file and the hydraulic run took (no results
    /// gathered: the span of EPANET's EN_openH … EN_closeH).
    #[arg(long)]
    pub timing: bool,
    /// Write EPANET's binary output file (readable by EPANET's output library and WNTR).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write EPANET's text report, honouring the network's [REPORT] section.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Write every node and link result at every reporting time to this CSV file
    /// (EPANET toolkit units).
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

#[derive(Args)]
pub struct ConvertArgs {
    /// EPANET input file to read.
    pub input: PathBuf,
    /// Where to write the model back as .inp ("-" for standard output).
    pub output: PathBuf,
}

fn load(path: Option<&Path>) -> anyhow::Result<(String, Network)> {
    let (name, bytes) = read_bytes(path)?;
    let net = read_inp(&bytes, &name)?;
    Ok((name, net))
}

fn read_bytes(path: Option<&Path>) -> anyhow::Result<(String, Vec<u8>)> {
    Ok(match path {
        Some(p) => (p.display().to_string(), std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?),
        None => (DEMO_NAME.to_string(), DEMO_INP.as_bytes().to_vec()),
    })
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    if args.timing {
        return timing(args.network.as_deref());
    }
    let started = now_ctime();
    let (name, bytes) = read_bytes(args.network.as_deref())?;
    let net = read_inp(&bytes, &name)?;
    let junctions = net.junction_count();
    let tanks = net.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Tank(_))).count();
    let reservoirs = net.nodes.len() - junctions - tanks;
    let count = |f: fn(&oasis_network::LinkKind) -> bool| net.links.iter().filter(|l| f(&l.kind)).count();
    let pipes = count(|k| matches!(k, oasis_network::LinkKind::Pipe(_)));
    let pumps = count(|k| matches!(k, oasis_network::LinkKind::Pump(_)));
    let valves = count(|k| matches!(k, oasis_network::LinkKind::Valve(_)));
    println!("network    {name}");
    println!("nodes      {junctions} junctions, {reservoirs} reservoirs, {tanks} tanks");
    println!("links      {pipes} pipes, {pumps} pumps, {valves} valves");
    println!("units      {} flow, {} head loss", net.options.flow_units.keyword(), net.options.headloss.keyword());
    let duration = net.times.duration_s;
    let has_quality = duration > 0 && net.options.quality.first().is_some_and(|q| !q.eq_ignore_ascii_case("NONE"));
    let mut bar = Progress::new(duration);
    let outcome = if has_quality {
        oasis_hydraulics::simulate(&net, |t, d| bar.show(t, d)).map(|(r, q)| (r, Some(q)))
    } else {
        oasis_hydraulics::extended_period_with_progress(&net, |t, d| bar.show(t, d)).map(|r| (r, None))
    };
    bar.finish();
    let (results, quality) = match outcome {
        Ok(r) => r,
        Err(err) => {
            // EPANET still writes a report that says why the run failed.
            if let Some(path) = &args.report {
                let mut info = oasis_output::RunInfo::from_inp(&name, &bytes);
                info.started = started;
                info.ended = now_ctime();
                let rpt = oasis_output::write_failed_report_bytes(&net, &err, &info);
                std::fs::write(path, rpt).with_context(|| format!("cannot write {}", path.display()))?;
            }
            return Err(err.into());
        }
    };
    let Some(first) = results.periods.first() else { anyhow::bail!("the run produced no reporting period") };
    if duration > 0 {
        println!("duration   {} ({} reporting periods)", clock(duration), results.periods.len());
    }
    println!("iterations {} at time 0", first.iterations);
    println!("rel. error {:.6e}", first.relative_error);
    let unbalanced: Vec<&oasis_hydraulics::Snapshot> =
        results.periods.iter().filter(|p| p.warnings.contains(&oasis_hydraulics::Warning::Unbalanced)).collect();
    match unbalanced.first() {
        None => println!("balanced   yes"),
        Some(p) => println!("balanced   NO (system unbalanced at {})", clock(p.time_s)),
    }
    let mut seen = Vec::new();
    for p in &results.periods {
        for w in &p.warnings {
            if !seen.contains(w) {
                seen.push(*w);
                println!("warning    {}: {} (first at {})", w.code(), w.describe(), clock(p.time_s));
            }
        }
    }
    let (pmin, pmax) = results
        .periods
        .iter()
        .flat_map(|p| net.nodes.iter().zip(&p.nodes))
        .filter(|(n, _)| matches!(n.kind, NodeKind::Junction(_)))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, r)| (lo.min(r.pressure), hi.max(r.pressure)));
    if junctions > 0 {
        println!("pressure   {pmin:.2} to {pmax:.2} at junctions");
    }
    if let Some(q) = &quality {
        let b = &q.mass_balance;
        println!(
            "quality    {} mass balance: initial {:.6e}, inflow {:.6e}, outflow {:.6e}, reacted {:.6e}, final {:.6e}, ratio {:.6}",
            net.options.quality.join(" "),
            b.initial,
            b.inflow,
            b.outflow,
            b.reacted,
            b.final_mass,
            b.ratio
        );
    }
    if args.out.is_some() || args.report.is_some() {
        let steps = oasis_output::hydraulic_steps(&net)?;
        let run = oasis_output::Run {
            results: &results,
            quality: quality.as_ref(),
            steps: Some(&steps),
        };
        let mut info = oasis_output::RunInfo::from_inp(&name, &bytes);
        info.started = started;
        info.ended = now_ctime();
        if let Some(path) = &args.out {
            let out = oasis_output::write_out(&net, &run, &info)?;
            std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?;
            println!("output     {}", path.display());
        }
        if let Some(path) = &args.report {
            let rpt = oasis_output::write_report_bytes(&net, &run, &info)?;
            std::fs::write(path, rpt).with_context(|| format!("cannot write {}", path.display()))?;
            println!("report     {}", path.display());
            // [REPORT] FILE sends the energy and result tables to a second file.
            if let Some((second, rpt2)) = oasis_output::write_secondary_report_bytes(&net, &run, &info)? {
                std::fs::write(&second, rpt2).with_context(|| format!("cannot write {second}"))?;
                println!("report     {second}");
            }
        }
    }
    if let Some(path) = args.csv {
        write_csv(&path, &net, &results.periods, quality.as_ref())
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("results    {}", path.display());
    }
    Ok(())
}

/// `--timing`: the two spans EPANET's toolkit can be timed over by hand.
fn timing(path: Option<&Path>) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    let (_, net) = load(path)?;
    let parse = start.elapsed();
    let start = std::time::Instant::now();
    let mut sim = oasis_hydraulics::Simulation::new(&net)?;
    loop {
        sim.solve_only()?;
        if sim.next()? == 0 {
            break;
        }
    }
    // Freed inside the span, as EN_closeH frees EPANET's.
    drop(sim);
    let hydraulics = start.elapsed();
    println!("parse: {:.6} s", parse.as_secs_f64());
    println!("hydraulics: {:.6} s", hydraulics.as_secs_f64());
    Ok(())
}

/// The current time as C's `ctime` prints it (for the report's header).
fn now_ctime() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    oasis_output::ctime(secs)
}

/// h:mm:ss as EPANET prints times.
fn clock(seconds: i64) -> String {
    format!("{}:{:02}:{:02}", seconds / 3600, (seconds % 3600) / 60, seconds % 60)
}

/// A one-line progress bar of simulated time on standard error, drawn only
/// when standard error is a terminal.
struct Progress {
    enabled: bool,
    last_percent: i64,
}

impl Progress {
    fn new(_duration: i64) -> Progress {
        use std::io::IsTerminal;
        Progress { enabled: std::io::stderr().is_terminal(), last_percent: -1 }
    }

    fn show(&mut self, t: i64, duration: i64) {
        if !self.enabled || duration <= 0 {
            return;
        }
        let percent = (t * 100 / duration).min(100);
        if percent == self.last_percent {
            return;
        }
        self.last_percent = percent;
        let filled = (percent / 4) as usize;
        eprint!("\r[{}{}] {:>3}%  {} of {}", "#".repeat(filled), ".".repeat(25 - filled), percent, clock(t), clock(duration));
    }

    fn finish(&mut self) {
        if self.enabled && self.last_percent >= 0 {
            eprintln!();
        }
    }
}

/// The results in the exchange format, diffable against `epanet-ref`;
/// a `quality` column is added when the network has a quality analysis.
fn write_csv(
    path: &Path,
    net: &Network,
    periods: &[oasis_hydraulics::Snapshot],
    quality: Option<&oasis_hydraulics::QualityResults>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let q_header = if quality.is_some() { ",quality" } else { "" };
    writeln!(out, "time_s,object,id,head,pressure,demand,flow,velocity,headloss,status,setting{q_header}")?;
    for snap in periods {
        let t = snap.time_s;
        let q = quality.and_then(|q| q.steps.iter().find(|s| s.time_s == t));
        let cell = |v: Option<f64>| v.map(|v| format!(",{}", g17(v))).unwrap_or_default();
        for (i, (n, r)) in net.nodes.iter().zip(&snap.nodes).enumerate() {
            let qc = if quality.is_some() { cell(Some(q.map_or(0.0, |q| q.nodes[i]))) } else { String::new() };
            writeln!(out, "{t},node,{},{},{},{},,,,,{qc}", csv_id(&n.id), g17(r.head), g17(r.pressure), g17(r.demand))?;
        }
        for (k, (l, r)) in net.links.iter().zip(&snap.links).enumerate() {
            let qc = if quality.is_some() { cell(Some(q.map_or(0.0, |q| q.links[k]))) } else { String::new() };
            writeln!(
                out,
                "{t},link,{},,,,{},{},{},{},{}{qc}",
                csv_id(&l.id),
                g17(r.flow),
                g17(r.velocity),
                g17(r.headloss),
                g17(r.status),
                g17(r.setting)
            )?;
        }
    }
    out.flush()
}

fn csv_id(id: &str) -> String {
    if id.contains([',', '"']) { format!("\"{}\"", id.replace('"', "\"\"")) } else { id.to_string() }
}

pub fn convert(args: ConvertArgs) -> anyhow::Result<()> {
    let (_, net) = load(Some(&args.input))?;
    let text = write_inp(&net);
    if args.output.as_os_str() == "-" {
        print!("{text}");
    } else {
        std::fs::write(&args.output, text).with_context(|| format!("cannot write {}", args.output.display()))?;
        eprintln!("wrote {}", args.output.display());
    }
    Ok(())
}
