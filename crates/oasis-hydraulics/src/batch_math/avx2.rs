//! The four-wide kernels. ln x = k ln 2 - ln(1/c) + ln(1 + r), with x = 2^k z,
//! z in [0.707, 1.414), 1/c from a table of 128 and r = z/c - 1 (|r| <
//! 2^-7.5, kept exactly as r + r_lo); e^t = 2^e 2^(j/128) e^s with
//! |s| < ln 2 / 256. Each sum that must not round is a two-sum; each
//! product, an FMA. Error budget (absolute, of ln x): the sums of the small
//! terms, 5 × 2^-69; the truncated series, 2^-71; the tables, 2^-100: below
//! 2^-66. Through pow (|y| <= 8, |y ln x| < 32) a relative error below
//! 2^-62, which is at most 0.002 ULP.

use std::arch::x86_64::*;

use super::tables::{EXP2_HI, EXP2_LO, LOG_C_HI, LOG_C_LO, LOG_INVC};

/// Larger exponents go to the C library (pow's error grows with |y|).
pub(super) const MAX_EXPONENT: f64 = 8.0;

/// x = 2^k z with z from this bit pattern (0.7071) up to twice it.
pub(super) const OFF: i64 = 0x3FE6_9555_0000_0000;
/// ln 2 with 42 significant bits, so that k ln 2 is exact, and the rest.
pub(super) const LN2_HI: f64 = 0.6931471805598903;
pub(super) const LN2_LO: f64 = 5.497923018708371e-14;
/// 128 / ln 2, and ln 2 / 128 with 36 significant bits and the rest.
pub(super) const INV_LN2_128: f64 = 184.6649652337873;
pub(super) const LN2_128_HI: f64 = 0.005415212348111709;
pub(super) const LN2_128_LO: f64 = 1.2864023111638346e-14;
/// 1.5 × 2^52: adding it puts a small integer in the low bits.
const SHIFT: f64 = 6755399441055744.0;
const SHIFT_BITS: i64 = 0x4338_0000_0000_0000;

/// How close (in ULP) the exact value must lie to a double for that double
/// to be, certainly, the library's answer. glibc's pow errs by at most
/// 0.509 ULP + 32 × 1.3 × 2^-15 < 0.511 ULP for |y ln x| < 32, its log by
/// 0.52 ULP (the bounds its sources give): every other double lies farther
/// from the exact value than 1 - 0.48 - 0.002 resp. 1 - 0.47 ULP.
pub(super) const POW_KEEP_ULP: f64 = 0.48;
pub(super) const LN_KEEP_ULP: f64 = 0.47;
/// The bound on the absolute error of the double-double ln.
pub(super) const LN_ERROR: f64 = 1.0 / (1u128 << 64) as f64;

#[target_feature(enable = "avx2,fma")]
#[inline]
fn splat(v: f64) -> __m256d {
    _mm256_set1_pd(v)
}

#[target_feature(enable = "avx2,fma")]
#[inline]
fn splat_i(v: i64) -> __m256i {
    _mm256_set1_epi64x(v)
}

/// a + b = s + e exactly.
#[target_feature(enable = "avx2,fma")]
#[inline]
fn two_sum(a: __m256d, b: __m256d) -> (__m256d, __m256d) {
    let s = _mm256_add_pd(a, b);
    let bb = _mm256_sub_pd(s, a);
    let e = _mm256_add_pd(_mm256_sub_pd(a, _mm256_sub_pd(s, bb)), _mm256_sub_pd(b, bb));
    (s, e)
}

/// a + b = s + e exactly, given that a is 0 or |a| >= |b|.
#[target_feature(enable = "avx2,fma")]
#[inline]
fn fast_two_sum(a: __m256d, b: __m256d) -> (__m256d, __m256d) {
    let s = _mm256_add_pd(a, b);
    (s, _mm256_sub_pd(b, _mm256_sub_pd(s, a)))
}

#[target_feature(enable = "avx2,fma")]
#[inline]
fn gather(table: &[f64; 128], index: __m256i) -> __m256d {
    // SAFETY: every index is masked to 0..128.
    unsafe { _mm256_i64gather_pd::<8>(table.as_ptr(), index) }
}

#[target_feature(enable = "avx2,fma")]
#[inline]
fn abs(v: __m256d) -> __m256d {
    _mm256_andnot_pd(splat(-0.0), v)
}

/// The lanes where err <= keep × ULP(v): the exact value, within err of v,
/// is the library's v. At a power of two the ULP below is half the one
/// above; the smaller is used.
#[target_feature(enable = "avx2,fma")]
#[inline]
fn certain(v: __m256d, err: __m256d, keep_ulp: f64) -> __m256d {
    let bits = _mm256_castpd_si256(v);
    let binade = _mm256_castsi256_pd(_mm256_and_si256(bits, splat_i(0x7FF0_0000_0000_0000)));
    let mantissa = _mm256_and_si256(bits, splat_i(0x000F_FFFF_FFFF_FFFF));
    let power_of_two = _mm256_castsi256_pd(_mm256_cmpeq_epi64(mantissa, splat_i(0)));
    let keep = _mm256_blendv_pd(splat(keep_ulp), splat(keep_ulp / 2.0), power_of_two);
    _mm256_cmp_pd::<_CMP_LE_OQ>(err, _mm256_mul_pd(_mm256_mul_pd(keep, splat(f64::EPSILON)), binade))
}

/// ln x as hi + lo (absolute error below 2^-66, |lo| <= ULP(hi) / 2), and
/// the lanes where x is positive, normal and finite.
#[target_feature(enable = "avx2,fma")]
#[inline]
fn ln_dd(x: __m256d) -> (__m256d, __m256d, __m256d) {
    let ix = _mm256_castpd_si256(x);
    let normal = _mm256_and_si256(
        _mm256_cmpgt_epi64(ix, splat_i(0x000F_FFFF_FFFF_FFFF)),
        _mm256_cmpgt_epi64(splat_i(0x7FF0_0000_0000_0000), ix),
    );
    let tmp = _mm256_sub_epi64(ix, splat_i(OFF));
    let i = _mm256_and_si256(_mm256_srli_epi64::<45>(tmp), splat_i(127));
    // k = tmp >> 52 (arithmetic) as a double, without the 64-bit shift and
    // conversion AVX2 lacks: the biased exponent lands in SHIFT's low bits.
    let k_bits = _mm256_add_epi64(
        _mm256_srli_epi64::<52>(_mm256_add_epi64(tmp, splat_i(0x3FF0_0000_0000_0000))),
        splat_i(SHIFT_BITS - 1023),
    );
    let k = _mm256_sub_pd(_mm256_castsi256_pd(k_bits), splat(SHIFT));
    let z = _mm256_castsi256_pd(_mm256_sub_epi64(ix, _mm256_and_si256(tmp, splat_i(0xFFF0_0000_0000_0000u64 as i64))));

    let (invc, c_hi, c_lo) = (gather(&LOG_INVC, i), gather(&LOG_C_HI, i), gather(&LOG_C_LO, i));
    let p = _mm256_mul_pd(z, invc);
    let r_lo = _mm256_fmsub_pd(z, invc, p);
    // Exact: p is within 1 % of 1.
    let r = _mm256_sub_pd(p, splat(1.0));

    // |k ln 2| >= ln 2 > |ln c| unless k = 0.
    let (s1, e1) = fast_two_sum(_mm256_mul_pd(k, splat(LN2_HI)), c_hi);
    let (hi, e2) = two_sum(s1, r);
    // ln(1 + r) - r = -r²/2 + r³ (1/3 - r/4 + ... - r^5/8) + O(r^9 / 9 < 2^-71).
    let mut series = splat(-1.0 / 8.0);
    for c in [1.0 / 7.0, -1.0 / 6.0, 1.0 / 5.0, -1.0 / 4.0, 1.0 / 3.0] {
        series = _mm256_fmadd_pd(series, r, splat(c));
    }
    let r2 = _mm256_mul_pd(r, r);
    let tail = _mm256_fmadd_pd(_mm256_mul_pd(r2, r), series, _mm256_mul_pd(splat(-0.5), r2));
    // ln(1 + r + r_lo) = ln(1 + r) + r_lo (1 - r) + O(2^-113).
    let small = _mm256_add_pd(_mm256_fmadd_pd(k, splat(LN2_LO), c_lo), _mm256_fnmadd_pd(r, r_lo, r_lo));
    let lo = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(e1, e2), small), tail);
    // Normalised (|lo| is below |hi| / 100), so that pow's e^(s + s_lo)
    // needs only the first order in s_lo.
    let (hi, lo) = fast_two_sum(hi, lo);
    (hi, lo, _mm256_castsi256_pd(normal))
}

/// x^y for four lanes, and the lanes whose result is certainly the C
/// library's.
#[target_feature(enable = "avx2,fma")]
#[inline]
fn pow4(x: __m256d, y: f64) -> (__m256d, __m256d) {
    let (hi, lo, normal) = ln_dd(x);
    let yv = splat(y);
    let t = _mm256_mul_pd(yv, hi);
    let t_lo = _mm256_fmadd_pd(yv, lo, _mm256_fmsub_pd(yv, hi, t));
    let in_range = _mm256_cmp_pd::<_CMP_LT_OQ>(abs(t), splat(32.0));

    // t = m ln2/128 + s, m = 128 e + j. The first difference is exact (at
    // most 53 significant bits); then the small parts (m ln2/128's tail
    // reaches 2^-33), normalised, so that e^(s + s_lo) needs only the first
    // order in s_lo.
    let m = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(_mm256_mul_pd(t, splat(INV_LN2_128)));
    let s = _mm256_fnmadd_pd(m, splat(LN2_128_HI), t);
    let (s, s_lo) = two_sum(s, _mm256_fnmadd_pd(m, splat(LN2_128_LO), t_lo));
    let m_bits = _mm256_castpd_si256(_mm256_add_pd(m, splat(SHIFT)));
    let j = _mm256_and_si256(m_bits, splat_i(127));
    // 2^e as a double: m - j = 128 e, shifted into the exponent field.
    let scale = _mm256_castsi256_pd(_mm256_add_epi64(
        _mm256_slli_epi64::<45>(_mm256_sub_epi64(_mm256_sub_epi64(m_bits, splat_i(SHIFT_BITS)), j)),
        splat_i(0x3FF0_0000_0000_0000),
    ));

    // e^(s + s_lo) - 1 = s + q_lo, q_lo = s² (1/2 + s/6 + ... + s^4/720) + s_lo (1 + s)
    // + O(s^7 / 5040 < 2^-72).
    let mut series = splat(1.0 / 720.0);
    for c in [1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 1.0 / 2.0] {
        series = _mm256_fmadd_pd(series, s, splat(c));
    }
    let q_lo = _mm256_fmadd_pd(_mm256_mul_pd(s, s), series, _mm256_fmadd_pd(s_lo, s, s_lo));

    // 2^(j/128) (1 + s + q_lo) in double-double; 2^(j/128) >= 1 > |s|.
    let (c_hi, c_lo) = (gather(&EXP2_HI, j), gather(&EXP2_LO, j));
    let p = _mm256_mul_pd(c_hi, s);
    let p_lo = _mm256_fmsub_pd(c_hi, s, p);
    let (sum, sum_lo) = fast_two_sum(c_hi, p);
    let rest = _mm256_add_pd(
        _mm256_add_pd(_mm256_add_pd(sum_lo, p_lo), _mm256_mul_pd(c_hi, q_lo)),
        _mm256_fmadd_pd(c_lo, s, c_lo),
    );
    let (v, v_lo) = fast_two_sum(sum, rest);

    let keep = _mm256_and_pd(_mm256_and_pd(normal, in_range), certain(v, abs(v_lo), POW_KEEP_ULP));
    // +0^y = +0 for y > 0 (closed pipes and pipes without flow).
    let plus_zero = _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_castpd_si256(x), splat_i(0)));
    let zero = _mm256_and_pd(plus_zero, _mm256_cmp_pd::<_CMP_GT_OQ>(yv, splat(0.0)));
    (_mm256_blendv_pd(_mm256_mul_pd(v, scale), splat(0.0), zero), _mm256_or_pd(keep, zero))
}

/// ln x for four lanes, and the lanes whose result is certainly the C
/// library's.
#[target_feature(enable = "avx2,fma")]
#[inline]
fn ln4(x: __m256d) -> (__m256d, __m256d) {
    let (v, v_lo, normal) = ln_dd(x);
    let err = _mm256_add_pd(abs(v_lo), splat(LN_ERROR));
    (v, _mm256_and_pd(normal, certain(v, err, LN_KEEP_ULP)))
}

/// Values per block: the inputs of a block are kept (on the stack) for the
/// lanes the kernel does not keep.
const BLOCK: usize = 256;

/// Runs `kernel` over `xs` four at a time; lanes it does not keep get
/// `fallback`, after the block, so that no branch interrupts the kernels.
/// (Closures defined in target-feature functions share their features, so
/// the kernels inline here.)
#[target_feature(enable = "avx2,fma")]
#[inline]
fn each_four(xs: &mut [f64], kernel: impl Fn(__m256d) -> (__m256d, __m256d), fallback: impl Fn(f64) -> f64) {
    let mut input = [1.0; BLOCK];
    let mut missed = [0u8; BLOCK / 4];
    for block in xs.chunks_mut(BLOCK) {
        let n = block.len();
        input[..n].copy_from_slice(block);
        input[n..n.next_multiple_of(4)].fill(1.0);
        let mut out = [0.0; 4];
        let groups = input[..n.next_multiple_of(4)].chunks_exact(4).zip(block.chunks_mut(4)).zip(&mut missed);
        for ((four, dest), missed) in groups {
            // SAFETY: `four` holds four values, `dest` as many as it has.
            let (v, keep) = kernel(unsafe { _mm256_loadu_pd(four.as_ptr()) });
            if dest.len() == 4 {
                unsafe { _mm256_storeu_pd(dest.as_mut_ptr(), v) };
            } else {
                unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) };
                dest.copy_from_slice(&out[..dest.len()]);
            }
            *missed = (!_mm256_movemask_pd(keep) & 0b1111) as u8;
        }
        for (g, &lanes) in missed[..n.div_ceil(4)].iter().enumerate() {
            if lanes != 0 {
                for i in (4 * g..(4 * g + 4).min(n)).filter(|i| lanes >> (i % 4) & 1 == 1) {
                    block[i] = fallback(input[i]);
                }
            }
        }
    }
}

#[target_feature(enable = "avx2,fma")]
pub(super) fn pow(xs: &mut [f64], y: f64) {
    each_four(xs, |x| pow4(x, y), |x| x.powf(y));
}

#[target_feature(enable = "avx2,fma")]
pub(super) fn ln(xs: &mut [f64]) {
    each_four(xs, |x| ln4(x), f64::ln);
}

/// How many of `xs` (a multiple of four) the kernels keep, for the tests.
#[cfg(test)]
#[target_feature(enable = "avx2,fma")]
pub(super) fn kept(xs: &[f64], y: Option<f64>) -> usize {
    let groups = xs.chunks_exact(4).map(|g| unsafe { _mm256_loadu_pd(g.as_ptr()) });
    let masks = groups.map(|x| _mm256_movemask_pd(y.map_or_else(|| ln4(x), |y| pow4(x, y)).1));
    masks.map(|m| m.count_ones() as usize).sum()
}
