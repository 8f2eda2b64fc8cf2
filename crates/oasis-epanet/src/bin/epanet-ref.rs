//! `epanet-ref`: runs the real EPANET toolkit on a network and writes the reference
//! CSV of issue 2, so `oasis run NET.inp --csv a.csv` can be diffed against it.
//!
//! Exit status: 0 results written (EPANET warnings are printed, not fatal),
//! 2 library unavailable or bad usage, 3 EPANET reported an error (machine-readable
//! `EPANET-ERROR\t<code>\t<message>` on stderr).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use oasis_epanet::{DETAIL_PREFIX, ERROR_PREFIX, EXIT_EPANET_ERROR, EXIT_UNAVAILABLE, Toolkit};

#[derive(Parser)]
#[command(about = "Run EPANET's toolkit on NET.inp and write the reference CSV")]
struct Args {
    /// EPANET toolkit library to load (default: EPANET 2.2 from OASIS_EPANET22_LIB or PyPI entoolkit)
    #[arg(long, conflicts_with = "v235")]
    lib: Option<PathBuf>,
    /// Use EPANET 2.3.5 (OASIS_EPANET23_LIB or PyPI owa-epanet) instead of 2.2
    #[arg(long)]
    v235: bool,
    /// The network
    inp: PathBuf,
    /// Where to write the results
    #[arg(long)]
    csv: PathBuf,
    /// Only the first period (time 0), as a steady-state run
    #[arg(long)]
    steady: bool,
    /// Also write per-period solver statistics (time_s, iterations, relative_error, warning) as TSV
    #[arg(long)]
    stats: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let found = match (&args.lib, args.v235) {
        (Some(p), _) => Toolkit::load(p).map(Some),
        (None, true) => Toolkit::find_v235(),
        (None, false) => Toolkit::find_v22(),
    };
    let tk = match found {
        Ok(Some(tk)) => tk,
        Ok(None) => {
            eprintln!(
                "epanet-ref: EPANET {} is not installed (pip install {}) and {} is not set",
                if args.v235 { "2.3.5" } else { "2.2" },
                if args.v235 {
                    "owa-epanet==2.3.5"
                } else {
                    "entoolkit==2.2.0"
                },
                if args.v235 {
                    "OASIS_EPANET23_LIB"
                } else {
                    "OASIS_EPANET22_LIB"
                },
            );
            return ExitCode::from(EXIT_UNAVAILABLE as u8);
        }
        Err(e) => {
            eprintln!("epanet-ref: {e}");
            return ExitCode::from(EXIT_UNAVAILABLE as u8);
        }
    };
    let periods = if args.steady {
        tk.steady_state(&args.inp).map(|s| {
            vec![oasis_epanet::PeriodResult {
                snapshot: s.snapshot,
                iterations: s.iterations,
                relative_error: s.relative_error,
                warning: s.warning,
            }]
        })
    } else {
        tk.reported_periods(&args.inp)
    };
    let periods = match periods {
        Ok(p) => p,
        Err(e) => {
            eprintln!("epanet-ref: {}: {e}", args.inp.display());
            eprintln!("{ERROR_PREFIX}{}\t{}", e.code, e.message);
            for d in &e.details {
                eprintln!("{DETAIL_PREFIX}{d}");
            }
            return ExitCode::from(EXIT_EPANET_ERROR as u8);
        }
    };
    if let Err(e) = write_outputs(&args, &periods) {
        eprintln!("epanet-ref: {e}");
        return ExitCode::from(EXIT_UNAVAILABLE as u8);
    }
    let (nodes, links) = periods
        .first()
        .map(|p| (p.snapshot.nodes.len(), p.snapshot.links.len()))
        .unwrap_or((0, 0));
    println!(
        "EPANET {}: {} nodes, {} links, {} reported period(s)",
        tk.version(),
        nodes,
        links,
        periods.len()
    );
    for p in &periods {
        if p.warning != 0 {
            println!(
                "  t={} s: warning {} after {} iterations (relative error {})",
                p.snapshot.time_s, p.warning, p.iterations, p.relative_error
            );
        }
    }
    ExitCode::SUCCESS
}

fn write_outputs(args: &Args, periods: &[oasis_epanet::PeriodResult]) -> Result<(), String> {
    let file = std::fs::File::create(&args.csv)
        .map_err(|e| format!("cannot create {}: {e}", args.csv.display()))?;
    let snaps: Vec<_> = periods.iter().map(|p| &p.snapshot).collect();
    oasis_epanet::refcsv::write_snapshots(std::io::BufWriter::new(file), &snaps)
        .map_err(|e| format!("writing {}: {e}", args.csv.display()))?;
    if let Some(path) = &args.stats {
        let mut s = String::from("time_s\titerations\trelative_error\twarning\n");
        for p in periods {
            s.push_str(&format!(
                "{}\t{}\t{}\t{}\n",
                p.snapshot.time_s,
                p.iterations,
                oasis_epanet::format::g17(p.relative_error),
                p.warning
            ));
        }
        std::fs::File::create(path)
            .and_then(|mut f| f.write_all(s.as_bytes()))
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    Ok(())
}
