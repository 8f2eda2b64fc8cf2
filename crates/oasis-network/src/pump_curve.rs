//! Pump head curves as EPANET 2.2 interprets them: one point and three points
//! (starting at zero flow) become a power function `h = a - b q^c`; anything
//! else is a piecewise-linear custom curve. All values in the file's units.

/// A fitted pump head curve (head gain against flow, user units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PumpCurve {
    /// `head = shutoff_head - r * q^exponent`.
    Power { shutoff_head: f64, r: f64, exponent: f64, design_flow: f64, max_flow: f64 },
    /// Linear interpolation between points; heads strictly decrease.
    Custom { first_head: f64, mid_flow: f64, max_flow: f64 },
}

const TINY: f64 = 1e-6;

impl PumpCurve {
    /// An EPANET 1.x inline curve of two (design head, flow) or five
    /// (shut-off head, head 1, flow 1, head 2, flow 2) values. A single value
    /// is a constant power and has no curve.
    pub fn from_inline(values: &[f64]) -> Result<Option<PumpCurve>, &'static str> {
        match values {
            [_] => Ok(None),
            [h1, q1] => Self::fit(&[(*q1, *h1)]).map(Some),
            [h0, h1, q1, h2, q2, ..] => Self::power(*h0, *q1, *h1, *q2, *h2).map(Some),
            _ => Err("an inline curve has 1, 2 or 5 values"),
        }
    }

    /// Fits a curve, or says why EPANET would reject it (error 227).
    pub fn fit(points: &[(f64, f64)]) -> Result<PumpCurve, &'static str> {
        let (h0, q1, h1, q2, h2) = match points {
            [] => return Err("the curve has no points"),
            [(q, h)] => (1.33334 * h, *q, *h, 2.0 * q, 0.0),
            [(q0, h0), (q1, h1), (q2, h2)] if *q0 == 0.0 => (*h0, *q1, *h1, *q2, *h2),
            _ => {
                if points.windows(2).any(|w| w[1].1 >= w[0].1) {
                    return Err("heads must decrease as flow increases");
                }
                let max_flow = points[points.len() - 1].0;
                return Ok(PumpCurve::Custom {
                    first_head: points[0].1,
                    mid_flow: (points[0].0 + max_flow) / 2.0,
                    max_flow,
                });
            }
        };
        Self::power(h0, q1, h1, q2, h2)
    }

    fn power(h0: f64, q1: f64, h1: f64, q2: f64, h2: f64) -> Result<PumpCurve, &'static str> {
        if h0 < TINY || h0 - h1 < TINY || h1 - h2 < TINY || q1 < TINY || q2 - q1 < TINY {
            return Err("heads must decrease and flows increase along the curve");
        }
        let h4 = h0 - h1;
        let h5 = h0 - h2;
        let c = (h5 / h4).ln() / (q2 / q1).ln();
        if c <= 0.0 || c > 20.0 {
            return Err("the curve's exponent is outside (0, 20]");
        }
        let b = -h4 / q1.powf(c);
        if b >= 0.0 {
            return Err("the curve does not fall with flow");
        }
        Ok(PumpCurve::Power { shutoff_head: h0, r: -b, exponent: c, design_flow: q1, max_flow: (h0 / -b).powf(1.0 / c) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_point_curve() {
        // EPANET: shutoff 1.33334 h1, zero head at 2 q1, so
        // c = ln(1.33334/0.33334)/ln 2 = 2.00001..., r = 0.33334 h1 / q1^c.
        let PumpCurve::Power { shutoff_head, r, exponent, design_flow, .. } = PumpCurve::fit(&[(100.0, 30.0)]).unwrap() else {
            panic!("expected a power curve")
        };
        assert!((shutoff_head - 40.0002).abs() < 1e-9);
        let c = (1.33334f64 / 0.33334).ln() / 2f64.ln();
        assert!((exponent - c).abs() < 1e-12);
        assert!((r - 0.33334 * 30.0 / 100f64.powf(c)).abs() < 1e-12);
        assert_eq!(design_flow, 100.0);
    }

    #[test]
    fn custom_and_rejected_curves() {
        assert!(matches!(PumpCurve::fit(&[(0.0, 50.0), (10.0, 40.0), (20.0, 25.0), (30.0, 0.0)]), Ok(PumpCurve::Custom { .. })));
        assert!(PumpCurve::fit(&[(0.0, 50.0), (10.0, 60.0), (20.0, 25.0), (30.0, 0.0)]).is_err());
        assert!(PumpCurve::fit(&[(0.0, 50.0), (10.0, 50.0), (20.0, 25.0)]).is_err());
    }
}
