//! What the output files are made from: the run's results ([`Run`]) and
//! what they record from outside the run ([`RunInfo`]: the input file's name
//! and raw title lines, and the report's time stamps).

use oasis_hydraulics::{HydraulicsError, QualityResults, RunResults, Simulation, Snapshot};

/// The results of one run, as the output files need them.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// The hydraulic results at the reporting times, with the energy totals.
    pub results: &'a RunResults,
    /// The water quality run, when the network asks for one (its node and
    /// link values go into the files and its mass balance into the report).
    pub quality: Option<&'a QualityResults>,
    /// Every hydraulic step of the run, reporting or not, in time order. EPANET
    /// writes its warnings after every step; without these the report can only
    /// show those of the reporting times.
    pub steps: Option<&'a [Snapshot]>,
}

/// Runs the hydraulics once more keeping every step, reporting or not, for
/// [`Run::steps`] (EPANET reports warnings at every hydraulic step).
pub fn hydraulic_steps(net: &oasis_network::Network) -> Result<Vec<Snapshot>, HydraulicsError> {
    let mut sim = Simulation::new(net)?;
    // `STATUS FULL` reports every trial of every solve.
    if crate::report::status_level(net) == 2 {
        sim.record_trials();
    }
    let mut steps = Vec::new();
    loop {
        steps.push(sim.run()?);
        if sim.next()? == 0 {
            return Ok(steps);
        }
    }
}

/// Results that do not belong to the network they are written with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OutputError {
    #[error("{what} at time {time_s} s has {found} values, but the network has {expected}")]
    CountMismatch {
        what: &'static str,
        time_s: i64,
        found: usize,
        expected: usize,
    },
    #[error("pump energy refers to link {link}, but the network has {links} links")]
    NoSuchLink { link: usize, links: usize },
}

impl Run<'_> {
    /// Checks that every result matches the network's node and link counts,
    /// so that the writers never index out of range.
    pub(crate) fn check(&self, net: &oasis_network::Network) -> Result<(), OutputError> {
        let (nn, nl) = (net.nodes.len(), net.links.len());
        let count = |what, time_s, found, expected| {
            if found == expected {
                Ok(())
            } else {
                Err(OutputError::CountMismatch {
                    what,
                    time_s,
                    found,
                    expected,
                })
            }
        };
        let snapshots = self.results.periods.iter().chain(self.steps.unwrap_or(&[]));
        for s in snapshots {
            count("node results", s.time_s, s.nodes.len(), nn)?;
            count("link results", s.time_s, s.links.len(), nl)?;
        }
        for q in self.quality.iter().flat_map(|q| &q.steps) {
            count("node quality", q.time_s, q.nodes.len(), nn)?;
            count("link quality", q.time_s, q.links.len(), nl)?;
        }
        for e in &self.results.energy {
            if e.link >= nl {
                return Err(OutputError::NoSuchLink {
                    link: e.link,
                    links: nl,
                });
            }
        }
        for e in &self.results.actions {
            if e.link >= nl {
                return Err(OutputError::NoSuchLink {
                    link: e.link,
                    links: nl,
                });
            }
        }
        Ok(())
    }
}

impl<'a> Run<'a> {
    /// A run known only by its reporting times.
    pub fn new(results: &'a RunResults) -> Run<'a> {
        Run {
            results,
            quality: None,
            steps: None,
        }
    }
}

/// Run details EPANET writes into its files besides the results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunInfo {
    /// The input file name as given to the program (EPANET records it verbatim).
    pub input_file: String,
    /// The first three title lines as EPANET keeps them: raw bytes, trailing
    /// blanks and a CR of CRLF files included, at most 79 bytes each.
    pub title: [Vec<u8>; 3],
    /// The input was not UTF-8 and was read as Latin-1: IDs go back to the
    /// files as one byte per character, as EPANET has them.
    pub latin1: bool,
    /// Time stamps of the report's header and of its "Analysis begun" and
    /// "Analysis ended" lines, in C's `ctime` form (`Sun Nov 29 07:47:14 2026`).
    pub started: String,
    pub ended: String,
}

/// A time as C's `ctime` writes it (without its line feed), for UTC:
/// `Sun Nov 29 07:47:14 2026`. EPANET stamps its report with the local time;
/// callers that want that pass their UTC offset added to `unix_s`.
pub fn ctime(unix_s: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix_s.div_euclid(86400);
    let secs = unix_s.rem_euclid(86400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        day,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        year
    )
}

/// EPANET's `TITLELEN`.
const TITLE_MAX_BYTES: usize = 79;

impl RunInfo {
    /// Takes the title lines from the `.inp` file's own bytes, as EPANET reads
    /// them: the first three lines of `[TITLE]` that are neither blank nor
    /// comments, kept byte for byte up to the line feed.
    pub fn from_inp(input_file: &str, inp: &[u8]) -> RunInfo {
        let mut title: [Vec<u8>; 3] = Default::default();
        let mut n = 0;
        let mut in_title = false;
        for line in inp.split(|&b| b == b'\n') {
            let first = line.iter().position(|b| !b" \t\r".contains(b));
            let Some(first) = first else { continue };
            if line[first] == b'[' {
                in_title = line[first..].len() >= 6
                    && line[first..first + 6].eq_ignore_ascii_case(b"[TITLE");
                continue;
            }
            if !in_title || line[first] == b';' || n == 3 {
                continue;
            }
            title[n] = line[..line.len().min(TITLE_MAX_BYTES)].to_vec();
            n += 1;
        }
        RunInfo {
            input_file: input_file.to_string(),
            title,
            latin1: std::str::from_utf8(inp).is_err(),
            started: String::new(),
            ended: String::new(),
        }
    }

    /// An ID or name as the bytes EPANET has for it.
    pub(crate) fn bytes_of(&self, s: &str) -> Vec<u8> {
        if self.latin1 && s.chars().all(|c| (c as u32) < 256) {
            s.chars().map(|c| c as u32 as u8).collect()
        } else {
            s.as_bytes().to_vec()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctime_matches_c() {
        // Checked against C's asctime(gmtime(t)) (Python's time.asctime).
        assert_eq!(ctime(0), "Thu Jan  1 00:00:00 1970");
        assert_eq!(ctime(1_795_937_234), "Sun Nov 29 07:27:14 2026");
        assert_eq!(ctime(951_782_400), "Tue Feb 29 00:00:00 2000");
        assert_eq!(ctime(4_102_444_799), "Thu Dec 31 23:59:59 2099");
    }

    #[test]
    fn title_lines_as_epanet_keeps_them() {
        // 100 'x' bytes are cut to EPANET's 79; the fourth line is dropped;
        // blank and comment lines do not count; a Latin-1 é (0xE9) stays one byte.
        let mut inp = b"[TITLE]\n\n; note\n".to_vec();
        inp.extend(std::iter::repeat_n(b'x', 100));
        inp.extend(b"\nsecond\n caf\xe9 \nfourth\n[JUNCTIONS]\n");
        let info = RunInfo::from_inp("n.inp", &inp);
        assert_eq!(info.title[0].len(), 79);
        assert_eq!(info.title[1], b"second");
        assert_eq!(info.title[2], b" caf\xe9 ");
        assert!(info.latin1);
        assert_eq!(info.bytes_of("café"), b"caf\xe9");
    }
}
