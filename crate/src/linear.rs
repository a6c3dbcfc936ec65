//! A linear (fully connected) layer `ŷ = x·W + b` with one level of backpropagation.
//!
//! ```text
//! PyTorch                                  labkit
//! layer = nn.Linear(1, 1)                  let mut layer = Linear::torch_init(1, 1, &mut generator);
//! y_pred = layer(x)                        let y_pred = layer.forward(&x)?;
//! loss.backward()                          let grads = layer.backward(&x, &dloss_dpred)?;
//! layer.weight.grad, layer.bias.grad       grads.weights, grads.bias
//! ```

use ndarray::{Array1, Array2, ArrayBase, Axis, Data, Ix1, Ix2};

use crate::error::{LabError, Result};
use crate::rng::TorchGenerator;

/// `ŷ = x·W + b` for a batch `x` of shape (n, in): `W` is (in, out), `b` is (out).
///
/// Unlike `torch.nn.Linear`, which stores `A` as (out, in) and computes `x·Aᵀ + b`,
/// the weights are stored the way the maths reads, so `weights[[j, k]]` multiplies
/// feature `j` for output `k`.
///
/// # Example
/// ```
/// use labkit::{array, Linear};
/// let layer = Linear::new(array![[2.0], [3.0]], array![1.0]).unwrap();
/// let y = layer.forward(&array![[1.0, 1.0], [0.0, 2.0]]).unwrap();
/// assert_eq!(y, array![[6.0], [7.0]]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// `W`, shape (in_features, out_features).
    pub weights: Array2<f64>,
    /// `b`, shape (out_features).
    pub bias: Array1<f64>,
}

/// The gradients of a loss with respect to a [`Linear`] layer's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearGrads {
    /// `∂L/∂W = xᵀ · ∂L/∂ŷ`, shape (in, out).
    pub weights: Array2<f64>,
    /// `∂L/∂b = Σᵢ ∂L/∂ŷᵢ` (sum over the batch), shape (out).
    pub bias: Array1<f64>,
}

impl Linear {
    /// A layer with the given weights (in, out) and bias (out).
    /// Fails if `bias.len() != weights.ncols()`.
    pub fn new(weights: Array2<f64>, bias: Array1<f64>) -> Result<Self> {
        if bias.len() != weights.ncols() {
            return Err(LabError::Shape {
                op: "Linear::new",
                left_name: "weights",
                left: weights.shape().to_vec(),
                right_name: "bias",
                right: bias.shape().to_vec(),
                rule: format!("bias.len() == weights.ncols(), but {} != {}", bias.len(), weights.ncols()),
            });
        }
        Ok(Linear { weights, bias })
    }

    /// All parameters zero: `Linear(weights=zeros(in, out), bias=zeros(out))`.
    pub fn zeros(in_features: usize, out_features: usize) -> Self {
        Linear {
            weights: Array2::zeros((in_features, out_features)),
            bias: Array1::zeros(out_features),
        }
    }

    /// PyTorch's default initialisation of `nn.Linear(in, out)`: every weight and bias
    /// drawn from U(−1/√in, 1/√in), weights first, from the same stream as PyTorch.
    ///
    /// # Example
    /// ```
    /// use labkit::{Linear, TorchGenerator};
    /// let layer = Linear::torch_init(1, 1, &mut TorchGenerator::new(42));
    /// assert!(layer.weights[[0, 0]].abs() <= 1.0 && layer.bias[0].abs() <= 1.0);
    /// ```
    pub fn torch_init(in_features: usize, out_features: usize, generator: &mut TorchGenerator) -> Self {
        let (w, b) = generator.linear_init(in_features, out_features);
        Linear { weights: w.mapv(f64::from), bias: b.mapv(f64::from) }
    }

    /// Number of input features (rows of `W`).
    pub fn in_features(&self) -> usize {
        self.weights.nrows()
    }

    /// Number of outputs (columns of `W`).
    pub fn out_features(&self) -> usize {
        self.weights.ncols()
    }

    /// Forward pass `ŷ = x·W + b` for `x` of shape (n, in); returns (n, out).
    ///
    /// A shape mistake is an error naming both shapes, e.g. a (143, 2) input with
    /// (1, 2) weights: "x has shape [143, 2] but weights has shape [1, 2]".
    pub fn forward<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        self.check_input("Linear::forward", x)?;
        Ok(x.dot(&self.weights) + &self.bias)
    }

    /// Backward pass: given `x` (n, in) and the upstream gradient `∂L/∂ŷ` (n, out),
    /// returns `∂L/∂W = xᵀ·∂L/∂ŷ` and `∂L/∂b = Σᵢ ∂L/∂ŷᵢ`.
    ///
    /// This is what `loss.backward()` computes for the layer's parameters. Nothing
    /// accumulates between calls, so there is no `zero_grad()` to forget.
    ///
    /// # Example
    /// ```
    /// use labkit::{array, Linear, Loss};
    /// let layer = Linear::zeros(1, 1);
    /// let (x, y) = (array![[1.0], [2.0]], array![[2.0], [4.0]]);
    /// let y_pred = layer.forward(&x).unwrap();
    /// let grads = layer.backward(&x, &Loss::Mse.grad(&y_pred, &y).unwrap()).unwrap();
    /// // ∂/∂w mean((w·x − y)²) at w = 0 is mean(2·(0 − y)·x) = −10
    /// assert_eq!(grads.weights, array![[-10.0]]);
    /// assert_eq!(grads.bias, array![-6.0]);
    /// ```
    pub fn backward<S1, S2>(
        &self,
        x: &ArrayBase<S1, Ix2>,
        grad_output: &ArrayBase<S2, Ix2>,
    ) -> Result<LinearGrads>
    where
        S1: Data<Elem = f64>,
        S2: Data<Elem = f64>,
    {
        self.check_input("Linear::backward", x)?;
        let expected = [x.nrows(), self.out_features()];
        if grad_output.shape() != expected {
            return Err(LabError::Shape {
                op: "Linear::backward",
                left_name: "grad_output",
                left: grad_output.shape().to_vec(),
                right_name: "forward output",
                right: expected.to_vec(),
                rule: "grad_output.shape() == (x.nrows(), weights.ncols())".to_string(),
            });
        }
        Ok(LinearGrads {
            weights: x.t().dot(grad_output),
            bias: grad_output.sum_axis(Axis(0)),
        })
    }

    fn check_input<S: Data<Elem = f64>>(&self, op: &'static str, x: &ArrayBase<S, Ix2>) -> Result<()> {
        if x.ncols() == self.in_features() {
            return Ok(());
        }
        Err(LabError::Shape {
            op,
            left_name: "x",
            left: x.shape().to_vec(),
            right_name: "weights",
            right: self.weights.shape().to_vec(),
            rule: format!("x.ncols() == weights.nrows(), but {} != {}", x.ncols(), self.in_features()),
        })
    }
}

/// `x.view(-1, 1)`: a column (n, 1) from a vector (n).
pub fn column<S: Data<Elem = f64>>(v: &ArrayBase<S, Ix1>) -> Array2<f64> {
    v.to_owned().insert_axis(Axis(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn forward_is_matrix_product_plus_bias() {
        let layer = Linear::new(array![[1.0, -1.0], [0.5, 2.0]], array![0.25, -0.5]).unwrap();
        let y = layer.forward(&array![[2.0, 4.0]]).unwrap();
        // hand-computed: [2·1 + 4·0.5 + 0.25, 2·(−1) + 4·2 − 0.5]
        assert_eq!(y, array![[4.25, 5.5]]);
    }

    #[test]
    fn forward_rejects_transposed_weights_naming_both_shapes() {
        let layer = Linear::zeros(1, 2); // the GISTEMP "(1, 2) instead of (2, 1)" mistake
        let err = layer.forward(&Array2::<f64>::zeros((143, 2))).unwrap_err().to_string();
        assert!(err.contains("[143, 2]") && err.contains("[1, 2]"), "{err}");
    }

    #[test]
    fn new_rejects_bias_of_wrong_length() {
        assert!(Linear::new(Array2::zeros((2, 1)), Array1::zeros(2)).is_err());
    }

    #[test]
    fn backward_matches_finite_differences() {
        // L(W, b) = Σ (x·W + b)² / 2 has ∂L/∂ŷ = ŷ; compare against central differences.
        let x = array![[0.3, -1.2], [2.0, 0.7], [-0.4, 0.1]];
        let layer = Linear::new(array![[0.5, -0.2], [1.5, 0.3]], array![0.1, -0.7]).unwrap();
        let y = layer.forward(&x).unwrap();
        let grads = layer.backward(&x, &y).unwrap();
        let loss = |l: &Linear| l.forward(&x).unwrap().mapv(|v| v * v).sum() / 2.0;
        let h = 1e-6;
        for ((j, k), g) in grads.weights.indexed_iter() {
            let (mut plus, mut minus) = (layer.clone(), layer.clone());
            plus.weights[[j, k]] += h;
            minus.weights[[j, k]] -= h;
            assert_abs_diff_eq!(*g, (loss(&plus) - loss(&minus)) / (2.0 * h), epsilon = 1e-6);
        }
        for (k, g) in grads.bias.indexed_iter() {
            let (mut plus, mut minus) = (layer.clone(), layer.clone());
            plus.bias[k] += h;
            minus.bias[k] -= h;
            assert_abs_diff_eq!(*g, (loss(&plus) - loss(&minus)) / (2.0 * h), epsilon = 1e-6);
        }
    }

    #[test]
    fn backward_rejects_gradient_of_wrong_shape() {
        let layer = Linear::zeros(1, 1);
        let x = Array2::zeros((143, 1));
        let err = layer.backward(&x, &Array2::zeros((143, 143))).unwrap_err().to_string();
        assert!(err.contains("[143, 143]") && err.contains("[143, 1]"), "{err}");
    }
}
