//! The linear solve of each gradient iteration: the symmetric positive
//! definite junction matrix `A H = F`, factorised by faer's sparse Cholesky.
//! The sparsity pattern and its symbolic factorisation are built once per
//! network; each iteration only refills the values.

use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::cholesky::llt::factor::LltRegularization;
use faer::sparse::linalg::cholesky::{SymbolicCholesky, factorize_symbolic_cholesky};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};
use faer::{Conj, MatMut, Par, Side};

use crate::setup::Model;

/// The matrix pattern, the slot of every matrix coefficient and the reusable
/// factorisation workspace.
pub(crate) struct LinearSystem {
    n: usize,
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
    /// Values of the lower triangle in column-compressed order.
    pub values: Vec<f64>,
    /// Slot of each junction's diagonal coefficient.
    pub diag_slot: Vec<usize>,
    /// Slot of each link's off-diagonal coefficient (parallel links share
    /// one); `None` when an end is not a junction.
    pub link_slot: Vec<Option<usize>>,
    symbolic: SymbolicCholesky<usize>,
    l_values: Vec<f64>,
    buffer: MemBuffer,
}

/// The factorisation met a non-positive pivot at this junction.
pub(crate) struct Singular {
    pub junction: usize,
}

impl LinearSystem {
    pub fn new(model: &Model) -> LinearSystem {
        let n = model.njuncs;
        // Collect (row, col) with row >= col for every junction-junction link.
        let mut entries: Vec<Vec<usize>> = (0..n).map(|j| vec![j]).collect();
        for l in &model.links {
            if l.n1 < n && l.n2 < n {
                let (r, c) = if l.n1 > l.n2 { (l.n1, l.n2) } else { (l.n2, l.n1) };
                entries[c].push(r);
            }
        }
        let mut col_ptr = Vec::with_capacity(n + 1);
        let mut row_idx = Vec::new();
        col_ptr.push(0);
        for col in entries.iter_mut() {
            col.sort_unstable();
            col.dedup();
            row_idx.extend_from_slice(col);
            col_ptr.push(row_idx.len());
        }
        let slot = |r: usize, c: usize| -> usize {
            let start = col_ptr[c];
            start + row_idx[start..col_ptr[c + 1]].binary_search(&r).expect("entry in pattern")
        };
        let diag_slot = (0..n).map(|j| slot(j, j)).collect();
        let link_slot = model
            .links
            .iter()
            .map(|l| {
                (l.n1 < n && l.n2 < n).then(|| if l.n1 > l.n2 { slot(l.n1, l.n2) } else { slot(l.n2, l.n1) })
            })
            .collect();
        let symbolic = {
            let pattern = SymbolicSparseColMatRef::new_checked(n, n, &col_ptr, None, &row_idx);
            factorize_symbolic_cholesky(pattern, Side::Lower, Default::default(), Default::default())
                .expect("symbolic factorisation of a valid pattern")
        };
        let l_values = vec![0.0; symbolic.len_val()];
        let req = StackReq::any_of(&[
            symbolic.factorize_numeric_llt_scratch::<f64>(Par::Seq, Default::default()),
            symbolic.solve_in_place_scratch::<f64>(1, Par::Seq),
        ]);
        let values = vec![0.0; row_idx.len()];
        LinearSystem {
            n,
            col_ptr,
            row_idx,
            values,
            diag_slot,
            link_slot,
            symbolic,
            l_values,
            buffer: MemBuffer::new(req),
        }
    }

    /// Solves `A x = rhs` in place, with `A` = the current `values`.
    pub fn solve(&mut self, rhs: &mut [f64]) -> Result<(), Singular> {
        if self.n == 0 {
            return Ok(());
        }
        let pattern = SymbolicSparseColMatRef::new_checked(self.n, self.n, &self.col_ptr, None, &self.row_idx);
        let a = SparseColMatRef::new(pattern, &self.values);
        let stack = MemStack::new(&mut self.buffer);
        let llt = match self.symbolic.factorize_numeric_llt::<f64>(
            &mut self.l_values,
            a,
            Side::Lower,
            LltRegularization::default(),
            Par::Seq,
            stack,
            Default::default(),
        ) {
            Ok(llt) => llt,
            Err(faer::linalg::solvers::LltError::NonPositivePivot { index }) => {
                // The pivot is counted in the factorisation's order; map it back to a junction.
                let junction = match self.symbolic.perm() {
                    Some(p) => p.arrays().0.get(index).copied().unwrap_or(0),
                    None => index.min(self.n - 1),
                };
                return Err(Singular { junction });
            }
        };
        let rhs = MatMut::from_column_major_slice_mut(rhs, self.n, 1);
        llt.solve_in_place_with_conj(Conj::No, rhs, Par::Seq, MemStack::new(&mut self.buffer));
        Ok(())
    }
}
