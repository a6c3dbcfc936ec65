//! A linear (fully connected) layer `ŷ = x·W + b` with one level of backpropagation.
//!
//! ```text
//! PyTorch                                  labkit
//! layer = nn.Linear(1, 1)                  let mut layer = Linear::torch_init(1, 1, &mut rng);
//! y_pred = layer(x)                        let y_pred = layer.forward(&x)?;
//! loss.backward()                          let grads = layer.backward(&x, &dloss_dpred)?;
//! layer.weight.grad, layer.bias.grad       grads.weights, grads.bias
//! ```

use ndarray::{Array1, Array2, ArrayBase, Axis, Data, Ix1, Ix2};

use crate::error::{check_shapes, Result};
use crate::rng::TorchGenerator;

/// `ŷ = x·W + b` for a batch `x` of shape (n, in): `W` is (in, out), `b` is (out).
///
/// Unlike `torch.nn.Linear`, which stores `A` as (out, in) and computes `x·Aᵀ + b`,
/// the weights are stored the way the maths reads, so `weights[[j, k]]` multiplies
/// feature `j` for output `k`.
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
        check_shapes(
            bias.len() == weights.ncols(),
            "Linear::new",
            ("weights", weights.shape()),
            ("bias", bias.shape()),
            "bias.len() == weights.ncols()",
        )?;
        Ok(Linear { weights, bias })
    }

    /// All parameters zero: `Linear(weights=zeros(in, out), bias=zeros(out))`.
    pub fn zeros(in_features: usize, out_features: usize) -> Self {
        Linear { weights: Array2::zeros((in_features, out_features)), bias: Array1::zeros(out_features) }
    }

    /// PyTorch's initialisation of `nn.Linear(in, out)`, drawn from `rng` as PyTorch draws it:
    /// first the weight (out × in, row-major), then the bias (out), every value from
    /// U(−1/√in, 1/√in) in float32, widened to f64.
    ///
    /// PyTorch computes the weight bound as `kaiming_uniform_(a=√5)` does, gain·√(3/in) with
    /// gain = √(2/(1+a²)); that equals 1/√in up to rounding, and is computed the same way here.
    /// `weights` is the transpose of PyTorch's (out, in) weight.
    pub fn torch_init(in_features: usize, out_features: usize, rng: &mut TorchGenerator) -> Self {
        let fan_in = in_features as f64;
        let a = 5f64.sqrt();
        let gain = (2.0 / (1.0 + a * a)).sqrt();
        let w_bound = (3f64.sqrt() * (gain / fan_in.sqrt())) as f32;
        let b_bound = (1.0 / fan_in.sqrt()) as f32;
        // torch.empty(shape).uniform_(-bound, bound): x·(2·bound) − bound in float32, x from `rand`
        let weight: Array2<f32> = rng.rand((out_features, in_features)).mapv_into(|x| x * (2.0 * w_bound) - w_bound);
        let bias: Array1<f32> = rng.rand(out_features).mapv_into(|x| x * (2.0 * b_bound) - b_bound);
        Linear { weights: weight.t().as_standard_layout().mapv(f64::from), bias: bias.mapv(f64::from) }
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
    pub fn backward<S1: Data<Elem = f64>, S2: Data<Elem = f64>>(
        &self,
        x: &ArrayBase<S1, Ix2>,
        grad_output: &ArrayBase<S2, Ix2>,
    ) -> Result<LinearGrads> {
        self.check_input("Linear::backward", x)?;
        let expected = [x.nrows(), self.weights.ncols()];
        check_shapes(
            grad_output.shape() == expected,
            "Linear::backward",
            ("grad_output", grad_output.shape()),
            ("forward output", &expected),
            "grad_output.shape() == (x.nrows(), weights.ncols())",
        )?;
        Ok(LinearGrads { weights: x.t().dot(grad_output), bias: grad_output.sum_axis(Axis(0)) })
    }

    fn check_input<S: Data<Elem = f64>>(&self, op: &'static str, x: &ArrayBase<S, Ix2>) -> Result<()> {
        let agree = x.ncols() == self.weights.nrows();
        check_shapes(agree, op, ("x", x.shape()), ("weights", self.weights.shape()), "x.ncols() == weights.nrows()")
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
    fn torch_init_matches_pytorch_bit_for_bit() {
        // torch.manual_seed(42); randn(1, 1) twice, randn(1), randn(1, 1); nn.Linear(1, 1)
        let mut rng = TorchGenerator::new(42);
        let _: Array2<f32> = rng.randn((1, 1));
        let _: Array2<f32> = rng.randn((1, 1));
        let _: Array1<f32> = rng.randn(1);
        let _: Array2<f32> = rng.randn((1, 1));
        let layer = Linear::torch_init(1, 1, &mut rng);
        assert_eq!((layer.weights[[0, 0]], layer.bias[0]), (0.8815429210662842, -0.7336281538009644));
        // the article: torch.manual_seed(42); randn(100, 1) twice; nn.Linear(1, 1)
        let mut rng = TorchGenerator::new(42);
        let _: Array2<f32> = rng.randn((100, 1));
        let _: Array2<f32> = rng.randn((100, 1));
        let layer = Linear::torch_init(1, 1, &mut rng);
        assert_eq!((layer.weights[[0, 0]], layer.bias[0]), (0.48010575771331787, 0.8415044546127319));
    }

    #[test]
    fn torch_init_weights_are_the_transpose_of_pytorchs() {
        // nn.Linear(3, 2).weight is (2, 3), drawn row-major from U(−1/√3, 1/√3).
        let layer = Linear::torch_init(3, 2, &mut TorchGenerator::new(5));
        let bound = (1.0 / 3f64.sqrt()) as f32;
        let drawn = TorchGenerator::new(5).rand(6).mapv(|x| f64::from(x * (2.0 * bound) - bound));
        assert_eq!(layer.weights.t().iter().copied().collect::<Vec<_>>(), drawn.to_vec());
    }

    #[test]
    fn backward_rejects_gradient_of_wrong_shape() {
        let layer = Linear::zeros(1, 1);
        let x = Array2::zeros((143, 1));
        let err = layer.backward(&x, &Array2::zeros((143, 143))).unwrap_err().to_string();
        assert!(err.contains("[143, 143]") && err.contains("[143, 1]"), "{err}");
    }
}
