//! Random streams that reproduce NumPy's and PyTorch's.
//!
//! Bit for bit: all of NumPy's (`rand`, `randn`, `shuffle`), PyTorch's `rand`, `nn.Linear`'s
//! initial weights ([`Linear::torch_init`](crate::Linear::torch_init)) and `randn` of fewer
//! than 16 numbers. Within about 2e-7: PyTorch's `randn` of 16 numbers or more (PyTorch
//! switches to vectorised float32 `log`/`sin`/`cos`); within about 2e-6: `student_t`.
//! `tests.rs` checks each against PyTorch.
//!
//! The labs seed their generators (`np.random.seed(42)`, `torch.manual_seed(0)`) so that every
//! student sees the same data. Both libraries draw from the same Mersenne Twister
//! (`Mt19937`); they differ only in how they turn its 32-bit words into floats:
//!
//! | Python                                   | Rust                                        |
//! |------------------------------------------|---------------------------------------------|
//! | `np.random.seed(42); np.random.rand(3)`  | `RandomState::new(42).rand(3)`              |
//! | `np.random.randn(100, 1)`                | `rng.randn((100, 1))`                       |
//! | `np.random.shuffle(idx)`                 | `rng.shuffle(&mut idx)`                     |
//! | `torch.manual_seed(0); torch.rand(100)`  | `TorchGenerator::new(0).rand(100)`          |
//! | `torch.randn(100, 1)`                    | `rng.randn((100, 1))`                       |
//! | `nn.Linear(1, 1)` (its initial weights)  | `Linear::torch_init(1, 1, &mut rng)`        |
//!
//! [`NumpyUniform`] and [`TorchUniform`] plug the same conversions into `rand` and
//! `ndarray-rand`, e.g. `Array::random_using((2, 3), NumpyUniform, &mut rng)`: the extension
//! point for any other distribution.

use ndarray::{Array, Dimension, ShapeBuilder};

mod mt19937;
mod numpy;
mod torch;

use mt19937::Mt19937;
pub use numpy::{NumpyUniform, RandomState};
pub use torch::{TorchGenerator, TorchUniform};

/// Builds an array of `shape` from the `n` values returned by `draw(n)`, placed in row-major
/// (C) order whatever layout `shape` asks for, as NumPy and PyTorch fill their arrays.
fn c_order<T, Sh: ShapeBuilder<Dim = D>, D: Dimension>(shape: Sh, draw: impl FnOnce(usize) -> Vec<T>) -> Array<T, D> {
    let dim = shape.into_shape_with_order().raw_dim().clone();
    let values = draw(dim.size());
    Array::from_shape_vec(dim, values).expect("draw(n) returns n values")
}

#[cfg(test)]
mod tests;
