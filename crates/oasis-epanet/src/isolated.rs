//! Running EPANET in a child process (`epanet-ref`), so that an input which crashes
//! the C library (stack smashing, segfault) is reported as a crash instead of taking
//! the test process down with it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::refcsv::{self, CsvError};
use crate::{EpanetError, PeriodResult};

/// Which toolkit the child process loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// EPANET 2.2 as found by `Toolkit::find_v22`.
    V22,
    /// EPANET 2.3.5 as found by `Toolkit::find_v235`.
    V235,
    /// A library file given directly.
    Lib(PathBuf),
}

/// Failure of an isolated reference run.
#[derive(Debug, thiserror::Error)]
pub enum IsolatedError {
    #[error("cannot start {exe}: {source}")]
    Spawn {
        exe: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// EPANET answered with an error code (the normal outcome for a broken file).
    #[error("{0}")]
    Epanet(EpanetError),
    /// The child died without an answer: EPANET crashed on this input.
    #[error("EPANET crashed on {inp} ({status}): {stderr}")]
    Crashed {
        inp: PathBuf,
        status: String,
        stderr: String,
    },
    /// The library is not installed or could not be loaded (exit status 2).
    #[error("reference library unavailable: {0}")]
    Unavailable(String),
    #[error("reading epanet-ref's output {path}: {problem}")]
    BadOutput { path: PathBuf, problem: String },
}

/// Exit status of `epanet-ref` when EPANET reported an error.
pub const EXIT_EPANET_ERROR: i32 = 3;
/// Exit status of `epanet-ref` when the library is missing or unusable, or usage is wrong.
pub const EXIT_UNAVAILABLE: i32 = 2;
/// Machine-readable stderr line prefixes written by `epanet-ref`.
pub const ERROR_PREFIX: &str = "EPANET-ERROR\t";
pub const DETAIL_PREFIX: &str = "EPANET-DETAIL\t";

/// Locates the `epanet-ref` binary: env `OASIS_EPANET_REF`, else next to the current
/// executable or one folder up (test binaries live in `target/<profile>/deps`).
/// It exists only once this crate's binary has been built (`cargo build -p oasis-epanet`).
pub fn find_ref_exe() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("OASIS_EPANET_REF").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [dir.join("epanet-ref"), dir.parent()?.join("epanet-ref")]
        .into_iter()
        .find(|p| p.is_file())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Runs `exe` (`epanet-ref`) on `inp` and reads its results back: the first period
/// only when `steady`, else every reporting time.
pub fn run_isolated(
    exe: &Path,
    reference: &Reference,
    inp: &Path,
    steady: bool,
) -> Result<Vec<PeriodResult>, IsolatedError> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let stem = format!("oasis-epanet-iso-{}-{}", std::process::id(), n);
    let csv_path = std::env::temp_dir().join(format!("{stem}.csv"));
    let stats_path = std::env::temp_dir().join(format!("{stem}.tsv"));
    let mut cmd = Command::new(exe);
    match reference {
        Reference::V22 => {}
        Reference::V235 => {
            cmd.arg("--v235");
        }
        Reference::Lib(p) => {
            cmd.arg("--lib").arg(p);
        }
    }
    cmd.arg(inp)
        .arg("--csv")
        .arg(&csv_path)
        .arg("--stats")
        .arg(&stats_path);
    if steady {
        cmd.arg("--steady");
    }
    let output = cmd.output().map_err(|source| IsolatedError::Spawn {
        exe: exe.to_path_buf(),
        source,
    });
    let result = output.and_then(|o| interpret(o, inp, &csv_path, &stats_path));
    let _ = std::fs::remove_file(&csv_path);
    let _ = std::fs::remove_file(&stats_path);
    result
}

fn interpret(
    o: std::process::Output,
    inp: &Path,
    csv_path: &Path,
    stats_path: &Path,
) -> Result<Vec<PeriodResult>, IsolatedError> {
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    match o.status.code() {
        Some(0) => {}
        Some(EXIT_EPANET_ERROR) => {
            return Err(match parse_error(&stderr) {
                Some(e) => IsolatedError::Epanet(e),
                None => IsolatedError::Crashed {
                    inp: inp.to_path_buf(),
                    status: o.status.to_string(),
                    stderr,
                },
            });
        }
        Some(EXIT_UNAVAILABLE) => return Err(IsolatedError::Unavailable(stderr.trim().into())),
        _ => {
            return Err(IsolatedError::Crashed {
                inp: inp.to_path_buf(),
                status: o.status.to_string(),
                stderr,
            });
        }
    }
    let bad = |path: &Path, problem: String| IsolatedError::BadOutput {
        path: path.to_path_buf(),
        problem,
    };
    let csv = std::fs::File::open(csv_path).map_err(|e| bad(csv_path, e.to_string()))?;
    let snapshots =
        refcsv::read_snapshots(csv).map_err(|e: CsvError| bad(csv_path, e.to_string()))?;
    let stats = std::fs::read_to_string(stats_path).map_err(|e| bad(stats_path, e.to_string()))?;
    let stats: Vec<&str> = stats.lines().skip(1).collect();
    if stats.len() != snapshots.len() {
        return Err(bad(
            stats_path,
            format!(
                "{} stats rows for {} reported times",
                stats.len(),
                snapshots.len()
            ),
        ));
    }
    snapshots
        .into_iter()
        .zip(stats)
        .enumerate()
        .map(|(i, (snapshot, line))| {
            let f: Vec<&str> = line.split('\t').collect();
            let parsed = (f.len() == 4)
                .then(|| {
                    Some((
                        f[0].parse::<i64>().ok()?,
                        f[1].parse::<i64>().ok()?,
                        f[2].parse::<f64>().ok()?,
                        f[3].parse::<i32>().ok()?,
                    ))
                })
                .flatten();
            match parsed {
                Some((t, iterations, relative_error, warning)) if t == snapshot.time_s => {
                    Ok(PeriodResult {
                        snapshot,
                        iterations,
                        relative_error,
                        warning,
                    })
                }
                _ => Err(bad(
                    stats_path,
                    format!("row {}: malformed {line:?}", i + 2),
                )),
            }
        })
        .collect()
}

/// Reads `EPANET-ERROR\t<code>\t<message>` and `EPANET-DETAIL\t<line>` from stderr.
pub fn parse_error(stderr: &str) -> Option<EpanetError> {
    let mut err: Option<EpanetError> = None;
    for line in stderr.lines() {
        if let Some(rest) = line.strip_prefix(ERROR_PREFIX) {
            let (code, message) = rest.split_once('\t')?;
            err = Some(EpanetError {
                code: code.trim().parse().ok()?,
                message: message.to_string(),
                details: Vec::new(),
            });
        } else if let (Some(d), Some(e)) = (line.strip_prefix(DETAIL_PREFIX), err.as_mut()) {
            e.details.push(d.to_string());
        }
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_parse_back() {
        let s = "epanet-ref: bad input\nEPANET-ERROR\t200\tError 200: one or more errors in input file\n\
                 EPANET-DETAIL\tError 213: illegal option value\n";
        let e = parse_error(s).unwrap();
        assert_eq!(e.code, 200);
        assert_eq!(e.message, "Error 200: one or more errors in input file");
        assert_eq!(
            e.details,
            vec!["Error 213: illegal option value".to_string()]
        );
        assert!(parse_error("segfault").is_none());
    }
}
