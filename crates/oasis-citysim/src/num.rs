//! Hand-formatted numbers for the CSV writers: no `format!` per value.

/// Appends the decimal digits of `n`.
pub(crate) fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends `scaled / 10^decimals` with exactly `decimals` decimals.
pub(crate) fn push_scaled(buf: &mut Vec<u8>, scaled: u64, decimals: u8) {
    if decimals == 0 {
        push_u64(buf, scaled);
        return;
    }
    let p = 10u64.pow(decimals as u32);
    push_u64(buf, scaled / p);
    buf.push(b'.');
    let mut frac = scaled % p;
    let mut tmp = [b'0'; 19];
    for k in (0..decimals as usize).rev() {
        tmp[k] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    buf.extend_from_slice(&tmp[..decimals as usize]);
}

/// Appends `x` rounded to `decimals` decimals (at most 9).
pub(crate) fn push_fixed(buf: &mut Vec<u8>, x: f64, decimals: u8) {
    let decimals = decimals.min(9);
    let p = 10f64.powi(decimals as i32);
    let scaled = (x.abs() * p).round();
    if !x.is_finite() || scaled >= 1.8e19 {
        buf.extend_from_slice(format!("{x}").as_bytes());
        return;
    }
    if x < 0.0 && scaled > 0.0 {
        buf.push(b'-');
    }
    push_scaled(buf, scaled as u64, decimals);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_decimals() {
        let f = |x: f64, d: u8| {
            let mut b = Vec::new();
            push_fixed(&mut b, x, d);
            String::from_utf8(b).unwrap()
        };
        assert_eq!(f(12.3456, 3), "12.346");
        assert_eq!(f(-0.0004, 3), "0.000");
        assert_eq!(f(-2.5, 1), "-2.5");
        assert_eq!(f(0.05, 3), "0.050");
        assert_eq!(f(99999.9999, 3), "100000.000");
        assert_eq!(f(7.0, 0), "7");
        for k in 0..2000 {
            let x = k as f64 * 1.2345 - 1000.0;
            // Halfway cases may round either way (x·1000 is itself rounded).
            let s = f(x, 3);
            assert_eq!(s.split('.').nth(1).map(str::len), Some(3), "{s}");
            assert!(
                (s.parse::<f64>().unwrap() - x).abs() <= 0.0005 + 1e-9,
                "{s} vs {x}"
            );
        }
    }
}
