//! Small dense least squares (normal equations with a ridge), enough for per-sensor
//! regressions with a handful of features.

/// Accumulates XᵀX and Xᵀy row by row.
#[derive(Debug, Clone)]
pub struct NormalEq {
    n: usize,
    xtx: Vec<f64>,
    xty: Vec<f64>,
    pub rows: usize,
}

impl NormalEq {
    pub fn new(n: usize) -> NormalEq {
        NormalEq { n, xtx: vec![0.0; n * n], xty: vec![0.0; n], rows: 0 }
    }

    pub fn add(&mut self, x: &[f64], y: f64) {
        for i in 0..self.n {
            self.xty[i] += x[i] * y;
            for j in 0..self.n {
                self.xtx[i * self.n + j] += x[i] * x[j];
            }
        }
        self.rows += 1;
    }

    /// The coefficients; `ridge` (relative to the diagonal) keeps collinear features solvable.
    pub fn solve(&self, ridge: f64) -> Option<Vec<f64>> {
        let n = self.n;
        let mut a = self.xtx.clone();
        for i in 0..n {
            a[i * n + i] += ridge * a[i * n + i].abs().max(1e-12);
        }
        solve_dense(a, self.xty.clone(), n)
    }
}

/// Solves A x = b (A n×n row-major) by Gaussian elimination with partial pivoting.
pub fn solve_dense(mut a: Vec<f64>, mut b: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i * n + c].abs().total_cmp(&a[j * n + c].abs()))?;
        if a[p * n + c].abs() < 1e-300 {
            return None;
        }
        if p != c {
            for k in 0..n {
                a.swap(p * n + k, c * n + k);
            }
            b.swap(p, c);
        }
        for r in c + 1..n {
            let f = a[r * n + c] / a[c * n + c];
            if f != 0.0 {
                for k in c..n {
                    a[r * n + k] -= f * a[c * n + k];
                }
                b[r] -= f * b[c];
            }
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|k| a[r * n + k] * x[k]).sum();
        x[r] = (b[r] - s) / a[r * n + r];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_linear_model() {
        let mut ne = NormalEq::new(3);
        for i in 0..50 {
            let (a, b) = (i as f64 * 0.1, ((i * 7) % 11) as f64);
            ne.add(&[1.0, a, b], 2.0 - 3.0 * a + 0.5 * b);
        }
        let c = ne.solve(0.0).unwrap();
        for (x, y) in c.iter().zip([2.0, -3.0, 0.5]) {
            assert!((x - y).abs() < 1e-9, "{c:?}");
        }
        assert!(solve_dense(vec![1.0, 2.0, 2.0, 4.0], vec![1.0, 2.0], 2).is_none());
    }
}

/// Lower Cholesky factor of a symmetric positive definite n×n matrix (row-major).
pub fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - s;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Solves L y = b for lower-triangular L (forward substitution).
pub fn forward(l: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - s) / l[i * n + i];
    }
    y
}

#[cfg(test)]
mod chol_tests {
    use super::*;

    #[test]
    fn whitening_inverts_the_covariance() {
        let a = [4.0, 2.0, 0.4, 2.0, 5.0, 1.0, 0.4, 1.0, 3.0];
        let l = cholesky(&a, 3).unwrap();
        // yᵀy = bᵀ A⁻¹ b: check against a direct solve.
        let b = [1.0, -2.0, 0.5];
        let y = forward(&l, &b, 3);
        let x = solve_dense(a.to_vec(), b.to_vec(), 3).unwrap();
        let lhs: f64 = y.iter().map(|v| v * v).sum();
        let rhs: f64 = b.iter().zip(&x).map(|(p, q)| p * q).sum();
        assert!((lhs - rhs).abs() < 1e-12);
        assert!(cholesky(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }
}
