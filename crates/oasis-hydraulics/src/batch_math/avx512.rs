//! The eight-wide kernels: the four-wide ones (`avx2.rs`, where the method
//! and its error budget are described) operation for operation on AVX-512
//! registers, so each lane gives the same bits. Twice the lanes per
//! instruction, and masks instead of blends.

use std::arch::x86_64::*;

use super::avx2::{INV_LN2_128, LN2_128_HI, LN2_128_LO, LN2_HI, LN2_LO, LN_ERROR, LN_KEEP_ULP, OFF, POW_KEEP_ULP};
use super::tables::{EXP2_HI, EXP2_LO, LOG_C_HI, LOG_C_LO, LOG_INVC};

#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn splat(v: f64) -> __m512d {
    _mm512_set1_pd(v)
}

#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn splat_i(v: i64) -> __m512i {
    _mm512_set1_epi64(v)
}

#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn two_sum(a: __m512d, b: __m512d) -> (__m512d, __m512d) {
    let s = _mm512_add_pd(a, b);
    let bb = _mm512_sub_pd(s, a);
    let e = _mm512_add_pd(_mm512_sub_pd(a, _mm512_sub_pd(s, bb)), _mm512_sub_pd(b, bb));
    (s, e)
}

#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn fast_two_sum(a: __m512d, b: __m512d) -> (__m512d, __m512d) {
    let s = _mm512_add_pd(a, b);
    (s, _mm512_sub_pd(b, _mm512_sub_pd(s, a)))
}

#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn gather(table: &[f64; 128], index: __m512i) -> __m512d {
    // SAFETY: every index is masked to 0..128.
    unsafe { _mm512_i64gather_pd::<8>(index, table.as_ptr()) }
}

#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn abs(v: __m512d) -> __m512d {
    _mm512_abs_pd(v)
}

#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn certain(v: __m512d, err: __m512d, keep_ulp: f64) -> __mmask8 {
    let bits = _mm512_castpd_si512(v);
    let binade = _mm512_castsi512_pd(_mm512_and_si512(bits, splat_i(0x7FF0_0000_0000_0000)));
    let mantissa = _mm512_and_si512(bits, splat_i(0x000F_FFFF_FFFF_FFFF));
    let power_of_two = _mm512_cmpeq_epi64_mask(mantissa, splat_i(0));
    let keep = _mm512_mask_blend_pd(power_of_two, splat(keep_ulp), splat(keep_ulp / 2.0));
    _mm512_cmp_pd_mask::<_CMP_LE_OQ>(err, _mm512_mul_pd(_mm512_mul_pd(keep, splat(f64::EPSILON)), binade))
}

#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn ln_dd(x: __m512d) -> (__m512d, __m512d, __mmask8) {
    let ix = _mm512_castpd_si512(x);
    let normal = _mm512_cmpgt_epi64_mask(ix, splat_i(0x000F_FFFF_FFFF_FFFF))
        & _mm512_cmpgt_epi64_mask(splat_i(0x7FF0_0000_0000_0000), ix);
    let tmp = _mm512_sub_epi64(ix, splat_i(OFF));
    let i = _mm512_and_si512(_mm512_srli_epi64::<45>(tmp), splat_i(127));
    // k = tmp >> 52 (arithmetic), exactly, as the four-wide kernel finds it.
    let k = _mm512_cvtepi64_pd(_mm512_srai_epi64::<52>(tmp));
    let z = _mm512_castsi512_pd(_mm512_sub_epi64(ix, _mm512_and_si512(tmp, splat_i(0xFFF0_0000_0000_0000u64 as i64))));

    let (invc, c_hi, c_lo) = (gather(&LOG_INVC, i), gather(&LOG_C_HI, i), gather(&LOG_C_LO, i));
    let p = _mm512_mul_pd(z, invc);
    let r_lo = _mm512_fmsub_pd(z, invc, p);
    let r = _mm512_sub_pd(p, splat(1.0));

    let (s1, e1) = fast_two_sum(_mm512_mul_pd(k, splat(LN2_HI)), c_hi);
    let (hi, e2) = two_sum(s1, r);
    let mut series = splat(-1.0 / 8.0);
    for c in [1.0 / 7.0, -1.0 / 6.0, 1.0 / 5.0, -1.0 / 4.0, 1.0 / 3.0] {
        series = _mm512_fmadd_pd(series, r, splat(c));
    }
    let r2 = _mm512_mul_pd(r, r);
    let tail = _mm512_fmadd_pd(_mm512_mul_pd(r2, r), series, _mm512_mul_pd(splat(-0.5), r2));
    let small = _mm512_add_pd(_mm512_fmadd_pd(k, splat(LN2_LO), c_lo), _mm512_fnmadd_pd(r, r_lo, r_lo));
    let lo = _mm512_add_pd(_mm512_add_pd(_mm512_add_pd(e1, e2), small), tail);
    let (hi, lo) = fast_two_sum(hi, lo);
    (hi, lo, normal)
}

#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn pow8(x: __m512d, y: f64) -> (__m512d, __mmask8) {
    let (hi, lo, normal) = ln_dd(x);
    let yv = splat(y);
    let t = _mm512_mul_pd(yv, hi);
    let t_lo = _mm512_fmadd_pd(yv, lo, _mm512_fmsub_pd(yv, hi, t));
    let in_range = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(abs(t), splat(32.0));

    let m = _mm512_roundscale_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(_mm512_mul_pd(t, splat(INV_LN2_128)));
    let s = _mm512_fnmadd_pd(m, splat(LN2_128_HI), t);
    let (s, s_lo) = two_sum(s, _mm512_fnmadd_pd(m, splat(LN2_128_LO), t_lo));
    // m as an integer (|m| < 2^13), and 2^e from m - j = 128 e.
    let m_int = _mm512_cvtpd_epi64(m);
    let j = _mm512_and_si512(m_int, splat_i(127));
    let scale = _mm512_castsi512_pd(_mm512_add_epi64(
        _mm512_slli_epi64::<45>(_mm512_sub_epi64(m_int, j)),
        splat_i(0x3FF0_0000_0000_0000),
    ));

    let mut series = splat(1.0 / 720.0);
    for c in [1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 1.0 / 2.0] {
        series = _mm512_fmadd_pd(series, s, splat(c));
    }
    let q_lo = _mm512_fmadd_pd(_mm512_mul_pd(s, s), series, _mm512_fmadd_pd(s_lo, s, s_lo));

    let (c_hi, c_lo) = (gather(&EXP2_HI, j), gather(&EXP2_LO, j));
    let p = _mm512_mul_pd(c_hi, s);
    let p_lo = _mm512_fmsub_pd(c_hi, s, p);
    let (sum, sum_lo) = fast_two_sum(c_hi, p);
    let rest = _mm512_add_pd(
        _mm512_add_pd(_mm512_add_pd(sum_lo, p_lo), _mm512_mul_pd(c_hi, q_lo)),
        _mm512_fmadd_pd(c_lo, s, c_lo),
    );
    let (v, v_lo) = fast_two_sum(sum, rest);

    let keep = normal & in_range & certain(v, abs(v_lo), POW_KEEP_ULP);
    // +0^y = +0 for y > 0.
    let zero = if y > 0.0 { _mm512_cmpeq_epi64_mask(_mm512_castpd_si512(x), splat_i(0)) } else { 0 };
    (_mm512_mask_blend_pd(zero, _mm512_mul_pd(v, scale), splat(0.0)), keep | zero)
}

#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn ln8(x: __m512d) -> (__m512d, __mmask8) {
    let (v, v_lo, normal) = ln_dd(x);
    let err = _mm512_add_pd(abs(v_lo), splat(LN_ERROR));
    (v, normal & certain(v, err, LN_KEEP_ULP))
}

const BLOCK: usize = 256;

/// As the four-wide `each_four`, eight at a time; the last group is masked.
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn each_eight(xs: &mut [f64], kernel: impl Fn(__m512d) -> (__m512d, __mmask8), fallback: impl Fn(f64) -> f64) {
    let mut input = [1.0; BLOCK];
    let mut missed = [0u8; BLOCK / 8];
    for block in xs.chunks_mut(BLOCK) {
        let n = block.len();
        input[..n].copy_from_slice(block);
        input[n..n.next_multiple_of(8)].fill(1.0);
        let groups = input[..n.next_multiple_of(8)].chunks_exact(8).zip(block.chunks_mut(8)).zip(&mut missed);
        for ((eight, dest), missed) in groups {
            // SAFETY: `eight` holds eight values; the store writes only the
            // `dest.len()` lanes `dest` has.
            let (v, keep) = kernel(unsafe { _mm512_loadu_pd(eight.as_ptr()) });
            let lanes = (0xFFu16 >> (8 - dest.len())) as __mmask8;
            unsafe { _mm512_mask_storeu_pd(dest.as_mut_ptr(), lanes, v) };
            *missed = !keep & lanes;
        }
        for (g, &lanes) in missed[..n.div_ceil(8)].iter().enumerate() {
            if lanes != 0 {
                for i in (8 * g..(8 * g + 8).min(n)).filter(|i| lanes >> (i % 8) & 1 == 1) {
                    block[i] = fallback(input[i]);
                }
            }
        }
    }
}

#[target_feature(enable = "avx512f,avx512dq")]
pub(super) fn pow(xs: &mut [f64], y: f64) {
    each_eight(xs, |x| pow8(x, y), |x| x.powf(y));
}

#[target_feature(enable = "avx512f,avx512dq")]
pub(super) fn ln(xs: &mut [f64]) {
    each_eight(xs, |x| ln8(x), f64::ln);
}

/// How many of `xs` (a multiple of eight) the kernels keep, for the tests.
#[cfg(test)]
#[target_feature(enable = "avx512f,avx512dq")]
pub(super) fn kept(xs: &[f64], y: Option<f64>) -> usize {
    let groups = xs.chunks_exact(8).map(|g| unsafe { _mm512_loadu_pd(g.as_ptr()) });
    let masks = groups.map(|x| y.map_or_else(|| ln8(x), |y| pow8(x, y)).1);
    masks.map(|m| m.count_ones() as usize).sum()
}
