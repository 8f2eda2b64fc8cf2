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
    /// Where each link's coefficient goes, looked up once.
    pub stamps: Vec<LinkStamp>,
    factor: Arc<Cholesky>,
    scratch: Scratch,
    rhs: Vec<f64>,
}

/// A link's end nodes and the indices in `values` of its off-diagonal entry
/// (parallel links share one) and of its ends' diagonals; `NONE` where an
/// end is a tank or reservoir.
#[derive(Clone, Copy)]
pub(crate) struct LinkStamp {
    pub n1: u32,
    pub n2: u32,
    pub off: u32,
    pub d1: u32,
    pub d2: u32,
}

pub(crate) const NONE: u32 = u32::MAX;

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
        let diag_slot: Vec<usize> = (0..n).map(|j| factor.row[j + 1]).collect();
        let values_len = n + 2 + factor.factor_len();
        assert!(values_len < NONE as usize && model.nnodes < NONE as usize, "network too large for 32-bit indices");
        let diag = |node: usize| if node < n { diag_slot[node] as u32 } else { NONE };
        let stamps = model
            .links
            .iter()
            .zip(&factor.link_position)
            .map(|(l, pos)| LinkStamp {
                n1: l.n1 as u32,
                n2: l.n2 as u32,
                off: pos.map_or(NONE, |p| (n + 1 + p) as u32),
                d1: diag(l.n1),
                d2: diag(l.n2),
            })
            .collect();
        LinearSystem {
            n,
            values: vec![0.0; values_len],
            diag_slot,
            stamps,
            rhs: vec![0.0; n + 1],
            scratch: factor.scratch(),
            factor,
        }
    }

    /// Solves `A x = rhs` (rhs by junction) in place, with `A` = `values`
    /// (destroyed: it holds the factor afterwards).
    pub fn solve(&mut self, rhs: &mut [f64]) -> Result<(), Singular> {
        let n = self.n;
        // Into the factor's row order, and back after the solve.
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
