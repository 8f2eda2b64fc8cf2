//! `oasis-refdiff CANDIDATE.csv REFERENCE.csv [--tol 1e-6] [--max 20]`: compares two
//! results CSVs of the issue-2 form field by field (|a − b| ≤ tol · max(1, |b|)),
//! prints the worst differences and exits 1 if any exceed the tolerance.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use oasis_epanet::refcsv::{compare, read_snapshots};

#[derive(Parser)]
#[command(about = "Diff two results CSVs (e.g. `oasis run --csv` against `epanet-ref --csv`)")]
struct Args {
    /// The results to check
    candidate: PathBuf,
    /// The reference results (EPANET's)
    reference: PathBuf,
    /// Allowed error, relative to max(1, |reference|)
    #[arg(long, default_value_t = 1e-6)]
    tol: f64,
    /// How many of the worst differences to print
    #[arg(long, default_value_t = 20)]
    max: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let read = |p: &PathBuf| -> Result<_, String> {
        let f = std::fs::File::open(p).map_err(|e| format!("cannot open {}: {e}", p.display()))?;
        read_snapshots(f).map_err(|e| format!("{}: {e}", p.display()))
    };
    let (c, r) = match (read(&args.candidate), read(&args.reference)) {
        (Ok(c), Ok(r)) => (c, r),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("oasis-refdiff: {e}");
            return ExitCode::from(2);
        }
    };
    let mut m = compare(&c, &r, args.tol);
    let values: usize = r
        .iter()
        .map(|s| 3 * s.nodes.len() + 5 * s.links.len())
        .sum();
    if m.is_empty() {
        println!(
            "identical within {:e}: {} reporting time(s), {values} values",
            args.tol,
            r.len()
        );
        return ExitCode::SUCCESS;
    }
    m.sort_by(|a, b| b.rel_error.total_cmp(&a.rel_error));
    println!(
        "{} of {values} values differ by more than {:e}; worst first:",
        m.len(),
        args.tol
    );
    for x in m.iter().take(args.max) {
        println!("  {x}");
    }
    ExitCode::from(1)
}
