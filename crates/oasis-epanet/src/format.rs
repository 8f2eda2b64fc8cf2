//! Numbers printed the way C's `printf("%.17g", x)` prints them, so a CSV written by
//! Rust can be diffed byte for byte against one written by C or Python (`'%.17g' % x`).

/// Formats `x` like C's `%.17g`: 17 significant digits, fixed notation when the
/// decimal exponent X satisfies -4 <= X < 17, scientific otherwise, trailing zeros
/// (and a trailing point) removed, exponent with sign and at least two digits.
pub fn g17(x: f64) -> String {
    format_g(x, 17)
}

/// `%.{precision}g` for precision >= 1.
pub fn format_g(x: f64, precision: usize) -> String {
    let p = precision.max(1);
    if x.is_nan() {
        return if x.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Rust's `{:.Ne}` rounds the exact binary value correctly, as glibc does, so the
    // exponent after rounding (9.99..95 -> 1.0e1) is the one C uses to choose a style.
    let sci = format!("{:.*e}", p - 1, x);
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` output has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    if exp >= -4 && exp < p as i32 {
        let decimals = (p as i32 - 1 - exp) as usize;
        strip_fraction_zeros(&format!("{:.*}", decimals, x))
    } else {
        let m = strip_fraction_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    }
}

fn strip_fraction_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings are what C's printf("%.17g") prints; each is derived by hand
    // from the value's exact binary expansion where noted.
    #[test]
    fn integers_print_without_point() {
        assert_eq!(g17(100.0), "100");
        assert_eq!(g17(-3.0), "-3");
        assert_eq!(g17(0.0), "0");
        assert_eq!(g17(-0.0), "-0");
    }

    #[test]
    fn binary_fractions_show_their_tail() {
        // 0.1 = 0.1000000000000000055511151231257827...; 17 digits -> 0.10000000000000001
        assert_eq!(g17(0.1), "0.10000000000000001");
        // 1/3 = 0.333333333333333314829616256247...; 17 digits -> 0.33333333333333331
        assert_eq!(g17(1.0 / 3.0), "0.33333333333333331");
        // 0.5 is exact: trailing zeros go.
        assert_eq!(g17(0.5), "0.5");
        assert_eq!(g17(-2.25), "-2.25");
    }

    #[test]
    fn small_exponents_switch_to_scientific_below_1e_minus_4() {
        // 1e-4 = 1.00000000000000004792...e-4: X = -4 keeps fixed notation, the
        // 17-digit tail is all zeros and is stripped.
        assert_eq!(g17(1e-4), "0.0001");
        // 1e-5 = 1.00000000000000008180...e-5: X = -5 -> scientific, 17 digits.
        assert_eq!(g17(1e-5), "1.0000000000000001e-05");
        assert_eq!(g17(2.5e-10), "2.5000000000000002e-10");
    }

    #[test]
    fn large_exponents_switch_at_17_digits() {
        // 1e16 has X = 16 < 17: fixed.
        assert_eq!(g17(1e16), "10000000000000000");
        // 1e17: X = 17 -> scientific.
        assert_eq!(g17(1e17), "1e+17");
        // 123456789012345678 is stored as 123456789012345680; rounded to 17 digits
        // 1.2345678901234568e17.
        assert_eq!(g17(123456789012345678.0), "1.2345678901234568e+17");
        assert_eq!(g17(1e300), "1.0000000000000001e+300");
    }

    #[test]
    fn rounding_can_bump_the_exponent() {
        // With precision 3, 9.996 -> "10.0" after rounding: X becomes 1, fixed, "10".
        assert_eq!(format_g(9.996, 3), "10");
        // %.3g of 0.00099996 -> 0.001 (X = -3 after rounding).
        assert_eq!(format_g(0.00099996, 3), "0.001");
    }

    #[test]
    fn specials() {
        assert_eq!(g17(f64::INFINITY), "inf");
        assert_eq!(g17(f64::NEG_INFINITY), "-inf");
        assert_eq!(g17(f64::NAN), "nan");
    }
}
