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
    /// Write every node and link result to this CSV file (EPANET toolkit units).
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
    let (name, bytes) = match path {
        Some(p) => (p.display().to_string(), std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?),
        None => (DEMO_NAME.to_string(), DEMO_INP.as_bytes().to_vec()),
    };
    let net = read_inp(&bytes, &name)?;
    Ok((name, net))
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let (name, net) = load(args.network.as_deref())?;
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
    if net.times.duration_s > 0 {
        println!("note       extended-period runs are not built yet: this is the solution at time 0");
    }
    let snap = oasis_hydraulics::steady_state(&net)?;
    println!("iterations {}", snap.iterations);
    println!("rel. error {:.6e}", snap.relative_error);
    let balanced = !snap.warnings.contains(&oasis_hydraulics::Warning::Unbalanced);
    println!("balanced   {}", if balanced { "yes" } else { "NO (system unbalanced)" });
    for w in &snap.warnings {
        println!("warning    {}: {}", w.code(), w.describe());
    }
    let (pmin, pmax) = net
        .nodes
        .iter()
        .zip(&snap.nodes)
        .filter(|(n, _)| matches!(n.kind, NodeKind::Junction(_)))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, r)| (lo.min(r.pressure), hi.max(r.pressure)));
    if junctions > 0 {
        println!("pressure   {pmin:.2} to {pmax:.2} at junctions");
    }
    if let Some(path) = args.csv {
        write_csv(&path, &net, &snap).with_context(|| format!("cannot write {}", path.display()))?;
        println!("results    {}", path.display());
    }
    Ok(())
}

/// The results in the exchange format, diffable against `epanet-ref`.
fn write_csv(path: &Path, net: &Network, snap: &oasis_hydraulics::Snapshot) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "time_s,object,id,head,pressure,demand,flow,velocity,headloss,status,setting")?;
    let t = snap.time_s;
    for (n, r) in net.nodes.iter().zip(&snap.nodes) {
        writeln!(out, "{t},node,{},{},{},{},,,,,", csv_id(&n.id), g17(r.head), g17(r.pressure), g17(r.demand))?;
    }
    for (l, r) in net.links.iter().zip(&snap.links) {
        writeln!(
            out,
            "{t},link,{},,,,{},{},{},{},{}",
            csv_id(&l.id),
            g17(r.flow),
            g17(r.velocity),
            g17(r.headloss),
            g17(r.status),
            g17(r.setting)
        )?;
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
