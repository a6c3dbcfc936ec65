//! [`Values`]: anything that can be plotted along one axis.

use ndarray::{ArrayBase, Data, Dimension};
use std::ops::Range;

/// Numbers to plot along one axis, as a flat `Vec<f64>`.
///
/// Arrays of any dimension are flattened in logical (row-major) order, so a `(n, 1)`
/// column such as `x[:, 0:1]` in NumPy plots like a `(n,)` vector. `f32` and integer
/// elements are widened to `f64`. Epoch ranges (`0..n`) give `0, 1, …, n-1`. Extension point:
/// implement it and `Figure` plots your own type.
pub trait Values {
    /// The numbers, flattened, as `f64`.
    fn values(&self) -> Vec<f64>;
}

/// A borrowed value plots like the value itself: `&x`, `&vec`, `&[f64]`.
impl<T: Values + ?Sized> Values for &T {
    fn values(&self) -> Vec<f64> {
        (**self).values()
    }
}

impl<A: Copy + Into<f64>, S: Data<Elem = A>, D: Dimension> Values for ArrayBase<S, D> {
    fn values(&self) -> Vec<f64> {
        self.iter().map(|&v| v.into()).collect()
    }
}

impl<A: Copy + Into<f64>> Values for [A] {
    fn values(&self) -> Vec<f64> {
        self.iter().map(|&v| v.into()).collect()
    }
}

impl<A: Copy + Into<f64>> Values for Vec<A> {
    fn values(&self) -> Vec<f64> {
        self.as_slice().values()
    }
}

impl<A: Copy + Into<f64>, const N: usize> Values for [A; N] {
    fn values(&self) -> Vec<f64> {
        self.as_slice().values()
    }
}

impl Values for Range<usize> {
    fn values(&self) -> Vec<f64> {
        self.clone().map(|i| i as f64).collect()
    }
}
