//! Elapsed and CPU time of a span. On a shared machine other processes take turns
//! on the cores, which stretches wall-clock spans; the calling thread's CPU time
//! counts only the work itself, so both are kept.

use std::time::Instant;

/// The length of one timed span.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Span {
    /// Wall-clock seconds.
    pub wall_s: f64,
    /// CPU seconds of the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
    pub cpu_s: f64,
}

/// A running measurement.
pub struct Stopwatch {
    wall: Instant,
    cpu_s: f64,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch {
            wall: Instant::now(),
            cpu_s: thread_cpu_s(),
        }
    }

    pub fn stop(&self) -> Span {
        Span {
            wall_s: self.wall.elapsed().as_secs_f64(),
            cpu_s: thread_cpu_s() - self.cpu_s,
        }
    }
}

/// CPU time consumed by the calling thread so far, seconds.
pub fn thread_cpu_s() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec; the thread CPU clock exists on
    // every Linux and macOS this builds for.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return f64::NAN;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_work_costs_cpu_and_sleep_does_not() {
        let w = Stopwatch::start();
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        let busy = w.stop();
        assert!(busy.cpu_s > 0.0 && busy.wall_s > 0.0, "{busy:?}");
        let w = Stopwatch::start();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let idle = w.stop();
        // Sleeping 50 ms takes at least 50 ms of wall time and (far) less CPU.
        assert!(idle.wall_s >= 0.05, "{idle:?}");
        assert!(idle.cpu_s < 0.025, "{idle:?}");
    }
}
