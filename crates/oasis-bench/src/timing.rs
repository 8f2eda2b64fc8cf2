//! How long Oasis takes to read a network and to run its hydraulics.
//!
//! The hydraulic span is the whole run as the EPANET toolkit's
//! `EN_openH … EN_runH/EN_nextH … EN_closeH` sees it: building the solver's model
//! from the [`Network`] (units, ordering, symbolic factorisation), then every
//! hydraulic period to the end of the duration (`Simulation::solve_only`, which
//! gathers no results, then `next`). Nothing is written or kept.

use oasis_hydraulics::{HydraulicsError, Simulation};
use oasis_network::{Network, ReadError, read_inp};

use crate::clock::{Span, Stopwatch};

/// One timed Oasis run.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Reading the `.inp` bytes into the model.
    pub parse: Span,
    /// The whole hydraulic run.
    pub hydraulics: Span,
    /// Hydraulic periods solved (EPANET's `EN_runH` calls).
    pub periods: usize,
    pub junctions: usize,
}

impl Timing {
    /// The two lines `oasis run --timing` prints (wall-clock seconds).
    pub fn lines(&self) -> String {
        format!(
            "parse: {:.6} s\nhydraulics: {:.6} s",
            self.parse.wall_s, self.hydraulics.wall_s
        )
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TimingError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Hydraulics(#[from] HydraulicsError),
}

/// Reads `bytes` (named `source_name` in errors) and runs the hydraulics, timing
/// each step separately.
pub fn time_oasis(bytes: &[u8], source_name: &str) -> Result<Timing, TimingError> {
    let watch = Stopwatch::start();
    let net = read_inp(bytes, source_name)?;
    let parse = watch.stop();
    let (hydraulics, periods) = time_hydraulics(&net)?;
    Ok(Timing {
        parse,
        hydraulics,
        periods,
        junctions: net.junction_count(),
    })
}

/// Times the whole hydraulic run of `net`; returns (span, hydraulic periods).
pub fn time_hydraulics(net: &Network) -> Result<(Span, usize), HydraulicsError> {
    let watch = Stopwatch::start();
    let periods = solve_to_end(Simulation::new(net)?)?;
    Ok((watch.stop(), periods))
}

/// Every period to the end of the duration, each solved as EPANET's `EN_runH`
/// solves it (no result gathered), then the simulation freed, as `EN_closeH`
/// frees EPANET's; returns the number of periods.
pub(crate) fn solve_to_end(mut sim: Simulation) -> Result<usize, HydraulicsError> {
    let mut periods = 0;
    loop {
        sim.solve_only()?;
        periods += 1;
        if sim.next()? == 0 {
            return Ok(periods);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_PIPES: &str = "[JUNCTIONS]\n J1 10 5\n J2 5 5\n[RESERVOIRS]\n R1 60\n\
        [PIPES]\n P1 R1 J1 1000 300 120\n P2 J1 J2 1000 200 120\n\
        [TIMES]\n Duration 3:00\n Hydraulic Timestep 1:00\n[OPTIONS]\n Units LPS\n[END]\n";

    #[test]
    fn counts_periods_and_junctions() {
        let t = time_oasis(TWO_PIPES.as_bytes(), "two-pipes.inp").unwrap();
        // 3 h at 1 h steps, no tanks or controls: periods at 0, 1, 2, 3 h.
        assert_eq!(t.periods, 4);
        assert_eq!(t.junctions, 2);
        assert!(t.parse.wall_s >= 0.0 && t.hydraulics.wall_s > 0.0 && t.hydraulics.cpu_s > 0.0);
    }

    #[test]
    fn lines_are_the_two_documented_lines() {
        let t = Timing {
            parse: Span {
                wall_s: 0.25,
                cpu_s: 0.2,
            },
            hydraulics: Span {
                wall_s: 1.5,
                cpu_s: 1.0,
            },
            periods: 1,
            junctions: 1,
        };
        assert_eq!(t.lines(), "parse: 0.250000 s\nhydraulics: 1.500000 s");
    }

    #[test]
    fn a_bad_file_is_an_error_naming_the_file() {
        let err = time_oasis(b"[PIPES]\n P1 A B 100 100 100\n[END]\n", "broken.inp").unwrap_err();
        assert!(matches!(err, TimingError::Read(_)), "{err:?}");
        assert!(
            err.to_string().contains("broken.inp") || err.to_string().contains("P1"),
            "{err}"
        );
    }
}
