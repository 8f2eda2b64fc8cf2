//! `pow` and `ln` over whole arrays, giving the C library's results bit for
//! bit, faster.
//!
//! Every iteration takes q^(n-1) of every pipe (and, for Darcy-Weisbach, a
//! power and a logarithm): a fifth of a run. Where the processor has AVX2
//! and FMA, four values at a time (eight with AVX-512, the same operations
//! per lane, so the same bits) go through a double-double evaluation
//! (relative error below 2^-62), and a result is kept only when it is
//! certainly the C library's: glibc's `pow` (for the exponents and ranges
//! taken here) and `log` err by less than 0.52 ULP (the bounds their sources
//! give; musl since 1.2 uses the same code), so when the exact value lies
//! within 0.48 ULP (`ln`: 0.47) of a double, no other double can be their
//! answer. The other
//! values (about one in twenty, and zeros, infinities, NaNs, subnormals,
//! results out of range) go to the C library itself; so does everything on
//! other processors and systems.

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod avx2;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod avx512;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod tables;

/// Which evaluation a processor gets: the widest it has.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kernel {
    /// Eight values at a time (AVX-512 F and DQ).
    Avx512,
    /// Four at a time (AVX2 and FMA).
    Avx2,
    /// One at a time, by the C library.
    Libm,
}

impl Kernel {
    fn best() -> Kernel {
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        {
            // Each check reads a cached flag after the first call.
            use std::arch::is_x86_feature_detected as has;
            if has!("avx512f") && has!("avx512dq") {
                return Kernel::Avx512;
            }
            if has!("avx2") && has!("fma") {
                return Kernel::Avx2;
            }
        }
        Kernel::Libm
    }

    fn pow(self, xs: &mut [f64], y: f64) {
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        if y.abs() <= avx2::MAX_EXPONENT {
            match self {
                // SAFETY: `best` found the features each kernel needs (the
                // AVX-512 ones imply AVX2 and FMA).
                Kernel::Avx512 => return unsafe { avx512::pow(xs, y) },
                Kernel::Avx2 => return unsafe { avx2::pow(xs, y) },
                Kernel::Libm => {}
            }
        }
        xs.iter_mut().for_each(|x| *x = x.powf(y));
    }

    fn ln(self, xs: &mut [f64]) {
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        match self {
            // SAFETY: as for `pow`.
            Kernel::Avx512 => return unsafe { avx512::ln(xs) },
            Kernel::Avx2 => return unsafe { avx2::ln(xs) },
            Kernel::Libm => {}
        }
        xs.iter_mut().for_each(|x| *x = x.ln());
    }
}

/// Replaces every `x` by `x.powf(y)`.
pub(crate) fn pow_in_place(xs: &mut [f64], y: f64) {
    Kernel::best().pow(xs, y);
}

/// Replaces every `x` by `x.ln()`.
pub(crate) fn ln_in_place(xs: &mut [f64]) {
    Kernel::best().ln(xs);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// Values spread evenly in log scale over [2^lo, 2^hi], plus hard cases.
    fn samples(rng: &mut StdRng, count: usize, lo: f64, hi: f64) -> Vec<f64> {
        let mut xs: Vec<f64> = (0..count).map(|_| rng.random_range(lo..hi).exp2()).collect();
        xs.extend([
            0.0, -0.0, 1.0, -1.0, 2.0, 0.5, f64::MIN_POSITIVE, f64::MIN_POSITIVE / 4.0, f64::MAX, f64::INFINITY,
            f64::NEG_INFINITY, f64::NAN, 1.0 + f64::EPSILON, 1.0 - f64::EPSILON / 2.0, 1e-300, 1e300, -3.5,
        ]);
        xs
    }

    /// The first inputs (up to five) whose two results differ in any bit.
    fn differences(xs: &[f64], fast: &[f64], libm: &[f64]) -> Vec<(f64, f64, f64)> {
        let rows = xs.iter().zip(fast.iter().zip(libm));
        rows.filter(|(_, (a, b))| a.to_bits() != b.to_bits()).map(|(&x, (&a, &b))| (x, a, b)).take(5).collect()
    }

    /// The vector kernels this processor can run (each is tested, not only
    /// the one `best` picks).
    fn kernels() -> Vec<Kernel> {
        match Kernel::best() {
            Kernel::Avx512 => vec![Kernel::Avx512, Kernel::Avx2],
            Kernel::Avx2 => vec![Kernel::Avx2],
            Kernel::Libm => {
                eprintln!("skipped: this processor has neither AVX2 and FMA nor AVX-512");
                vec![]
            }
        }
    }

    #[test]
    fn pow_is_the_c_library_pow_bit_for_bit() {
        for kernel in kernels() {
            let mut rng = StdRng::seed_from_u64(7);
            // The head-loss exponents (H-W 1.852 - 1, D-W 0.9, C-M 1), emitter and
            // pump-like ones, and odd lengths for the partial last group.
            for (y, count) in [(0.852, 200_003), (0.9, 200_001), (1.0, 5_001), (0.5, 5_002), (1.852, 5_003), (-1.3, 5_000), (7.0, 999)] {
                let xs = samples(&mut rng, count, -60.0, 40.0);
                let mut fast = xs.clone();
                kernel.pow(&mut fast, y);
                // black_box: LLVM turns powf(x, 0.5) with a known 0.5 into sqrt,
                // which is not always glibc's pow.
                let y_runtime = std::hint::black_box(y);
                let libm: Vec<f64> = xs.iter().map(|x| x.powf(y_runtime)).collect();
                let differ = differences(&xs, &fast, &libm);
                assert!(differ.is_empty(), "{kernel:?}, y = {y}: (x, fast, libm) {differ:?}");
            }
        }
    }

    #[test]
    fn ln_is_the_c_library_log_bit_for_bit() {
        for kernel in kernels() {
            let mut rng = StdRng::seed_from_u64(8);
            let mut xs = samples(&mut rng, 300_001, -1000.0, 1000.0);
            // Near 1, where the logarithm is small and hardest to round.
            xs.extend((0..20_000).map(|_| 1.0 + rng.random_range(-0.01..0.01)));
            let mut fast = xs.clone();
            kernel.ln(&mut fast);
            let libm: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
            let differ = differences(&xs, &fast, &libm);
            assert!(differ.is_empty(), "{kernel:?}: (x, fast, libm) {differ:?}");
        }
    }

    /// The fast path must carry most values, or it is only slower.
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    #[test]
    fn most_values_take_the_fast_path() {
        let mut rng = StdRng::seed_from_u64(9);
        let xs: Vec<f64> = (0..100_000).map(|_| rng.random_range(-30.0..10.0f64).exp2()).collect();
        for kernel in kernels() {
            // SAFETY: `kernels` lists only what the processor has.
            let kept = |y| unsafe { if kernel == Kernel::Avx512 { avx512::kept(&xs, y) } else { avx2::kept(&xs, y) } };
            let (pow_kept, ln_kept) = (kept(Some(0.852)), kept(None));
            // Uniformly spread values miss the pow band (0.48-0.5 ULP) 4 times in 100.
            assert!(pow_kept > 94_000, "{kernel:?}: pow kept {pow_kept} of 100000");
            assert!(ln_kept > 92_000, "{kernel:?}: ln kept {ln_kept} of 100000");
        }
    }
}
