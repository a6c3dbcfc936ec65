//! # labkit
//!
//! The helper crate behind the Rust linear-regression labs. Each module holds one idea;
//! this file only re-exports them, so `use labkit::*;` brings everything a notebook needs.
//!
//! | PyTorch / NumPy                         | labkit                                   |
//! |-----------------------------------------|------------------------------------------|
//! | `np.random.seed(42); np.random.rand(3)` | `RandomState::new(42).rand(3)`           |
//! | `torch.manual_seed(0); torch.rand(100)` | `TorchGenerator::new(0).rand(100)`       |
//! | `nn.Linear(1, 1)`                       | `Linear::torch_init(1, 1, &mut rng)`       |
//! | `layer(x)`                              | `layer.forward(&x)?`                     |
//! | `nn.MSELoss()(y_pred, y)`               | `Loss::Mse.value(&y_pred, &y)?`          |
//! | `loss.backward()`                       | `layer.backward(&x, &Loss::Mse.grad(&y_pred, &y)?)?` |
//! | `optim.SGD(params, lr=0.01).step()`     | `Sgd::new(0.01).step(&mut layer, &grads)` |
//! | `plt.scatter(x, y)`                     | `Figure::new().scatter(&x, &y, "data")`  |
//! | `a.mean()` (NumPy's summation order)    | `numpy_mean(&a)`                         |

#![warn(missing_docs)]

pub mod data;
pub mod display;
pub mod error;
pub mod grad;
pub mod linear;
pub mod loss;
pub mod optim;
pub mod plot;
pub mod report;
pub mod rng;
pub mod scale;
pub mod summation;
pub mod train;

pub use data::*;
pub use display::*;
// `Result<T>` stays in `labkit::error`: re-exported here, `use labkit::*` would shadow
// std's two-parameter `Result` in students' code. Write `Result<T, LabError>` instead.
pub use error::LabError;
pub use grad::*;
pub use linear::*;
pub use loss::*;
pub use optim::*;
pub use plot::*;
pub use report::*;
pub use rng::*;
pub use scale::*;
pub use summation::*;
pub use train::*;

/// Re-exported so a notebook needs only `:dep labkit`.
pub use ndarray;
/// Re-exported so a notebook needs only `:dep labkit`: `Array::random_using(m, NumpyUniform,
/// &mut rng)` (trait `ndarray_rand::RandomExt`) fills an array from any `rand` distribution.
pub use ndarray_rand;
pub use ndarray::{array, s, Array1, Array2, ArrayD, Axis};
#[cfg(feature = "polars")]
pub use polars;
