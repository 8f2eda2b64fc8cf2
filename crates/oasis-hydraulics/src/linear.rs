//! The linear solve of each gradient iteration, `A H = F` over the junctions.
//! The structure (ordering, symbolic factor) is built once per network; each
//! iteration refills the values and factorises them in EPANET's order.

use std::sync::Arc;

use crate::cholesky::{Cholesky, Layout, Scratch};
use crate::setup::Model;

pub(crate) struct LinearSystem {
    n: usize,
    /// `[0..=n]`: diagonal by matrix row (1-based); `[n+1..]`: the
    /// off-diagonal entries in the factor's column order, 1-based (EPANET's
    /// `Aij` stored where its `LNZ` points, so the solve reads them in sequence).
    pub values: Vec<f64>,
    /// Index in `values` of each junction's diagonal.
    pub diag_slot: Vec<usize>,
    /// Index in `values` of each link's off-diagonal entry (parallel links
    /// share one), `None` when an end is a tank or reservoir.
    pub link_slot: Vec<Option<usize>>,
    factor: Arc<Cholesky>,
    scratch: Scratch,
    rhs: Vec<f64>,
}

/// The factorisation met a non-positive pivot at this junction.
pub(crate) struct Singular {
    pub junction: usize,
}

impl LinearSystem {
    /// Builds the system on `shared`'s structure when it fits this model,
    /// else on a new one.
    pub fn new(model: &Model, shared: Option<(&Arc<Cholesky>, &Layout)>) -> LinearSystem {
        let n = model.njuncs;
        let factor = match shared {
            Some((f, layout)) if layout.fits(model) => Arc::clone(f),
            _ => Arc::new(Cholesky::new(model)),
        };
        let diag_slot = (0..n).map(|j| factor.row[j + 1]).collect();
        let link_slot = factor.link_position.iter().map(|p| p.map(|p| n + 1 + p)).collect();
        LinearSystem {
            n,
            values: vec![0.0; n + 2 + factor.factor_len()],
            diag_slot,
            link_slot,
            rhs: vec![0.0; n + 1],
            scratch: factor.scratch(),
            factor,
        }
    }

    /// Solves `A x = rhs` (rhs by junction) in place, with `A` = `values`
    /// (destroyed: it holds the factor afterwards).
    pub fn solve(&mut self, rhs: &mut [f64]) -> Result<(), Singular> {
        let n = self.n;
        // Rows are a permutation of 1..=n (the ordering's inverse), so these
        // writes and reads each touch `self.rhs` once, in bounds.
        let rows = &self.factor.row[1..=n];
        for (&r, &v) in rows.iter().zip(&rhs[..n]) {
            self.rhs[r] = v;
        }
        // Both halves are 1-based; aij[0] is unused.
        let (aii, aij) = self.values.split_at_mut(n + 1);
        self.factor
            .solve(&mut self.scratch, aii, aij, &mut self.rhs)
            .map_err(|row| Singular { junction: self.factor.order[row] - 1 })?;
        for (&r, v) in rows.iter().zip(&mut rhs[..n]) {
            *v = self.rhs[r];
        }
        Ok(())
    }

    pub fn structure(&self) -> &Arc<Cholesky> {
        &self.factor
    }
}
