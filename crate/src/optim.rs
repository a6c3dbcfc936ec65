//! Optimizers with PyTorch's update rules and defaults: [`Sgd`] and [`Adam`].
//!
//! ```text
//! PyTorch                                        labkit
//! opt = torch.optim.SGD(model.parameters(), lr)  let mut opt = Sgd::new(lr);
//! opt.zero_grad(); loss.backward(); opt.step()   let grads = layer.backward(&x, &dl)?; opt.step(&mut layer, &grads);
//! ```
//! There is no `zero_grad()`: `backward` returns fresh gradients instead of adding
//! them to a `.grad` field.

use ndarray::{Array, Dimension, Zip};

use crate::linear::{Linear, LinearGrads};

/// Something that updates a [`Linear`] layer from its gradients: `optimizer.step()`.
///
/// Extension point: implement it for your own update rule and [`fit`](crate::fit) uses it.
pub trait Optimizer {
    /// Updates the layer's weights and bias from `grads` (as returned by `layer.backward`).
    fn step(&mut self, layer: &mut Linear, grads: &LinearGrads);

    /// The learning rate, used in divergence messages.
    fn learning_rate(&self) -> f64;
}

/// Panics unless `grads` have the layer's shapes (they always do when they come from
/// `layer.backward`); ndarray would otherwise broadcast a (1, 1) gradient silently.
fn assert_same_shapes(layer: &Linear, grads: &LinearGrads) {
    assert_eq!(layer.weights.shape(), grads.weights.shape(), "weights and their gradient differ in shape");
    assert_eq!(layer.bias.shape(), grads.bias.shape(), "bias and its gradient differ in shape");
}

/// Gradient descent, `torch.optim.SGD(params, lr)`: `θ ← θ − lr·g` for every parameter.
#[derive(Debug, Clone)]
pub struct Sgd {
    lr: f64,
}

impl Sgd {
    /// Gradient descent with learning rate `lr`.
    pub fn new(lr: f64) -> Self {
        Sgd { lr }
    }
}

impl Optimizer for Sgd {
    fn step(&mut self, layer: &mut Linear, grads: &LinearGrads) {
        assert_same_shapes(layer, grads);
        layer.weights.scaled_add(-self.lr, &grads.weights);
        layer.bias.scaled_add(-self.lr, &grads.bias);
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// Adam, `torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)`. At step t, for
/// every parameter θ with gradient g and running averages m (of g) and v (of g²), both 0 at first:
///
/// ```text
/// m ← m + (1 − β₁)(g − m)          v ← β₂·v + (1 − β₂)·g²
/// θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
#[derive(Debug, Clone)]
pub struct Adam {
    lr: f64,
    /// Decay rates (β₁, β₂) of the running averages of g and g².
    betas: (f64, f64),
    /// ε added to the denominator for numerical stability.
    eps: f64,
    /// The number of steps taken, t.
    t: i32,
    /// m and v, shaped like the gradients; `None` before the first step.
    moments: Option<(LinearGrads, LinearGrads)>,
}

impl Adam {
    /// Adam with PyTorch's defaults and learning rate `lr`.
    pub fn new(lr: f64) -> Self {
        Adam { lr, betas: (0.9, 0.999), eps: 1e-8, t: 0, moments: None }
    }

    /// The update above for one parameter array `theta` with its `m`, `v` and gradient `g`.
    fn update<D: Dimension>(&self, theta: &mut Array<f64, D>, m: &mut Array<f64, D>, v: &mut Array<f64, D>, g: &Array<f64, D>) {
        let (b1, b2) = self.betas;
        let step_size = self.lr / (1.0 - b1.powi(self.t));
        let bias_correction2_sqrt = (1.0 - b2.powi(self.t)).sqrt();
        Zip::from(theta).and(m).and(v).and(g).for_each(|p, m, v, &g| {
            *m += (1.0 - b1) * (g - *m);
            *v = b2 * *v + (1.0 - b2) * g * g;
            *p -= step_size * *m / (v.sqrt() / bias_correction2_sqrt + self.eps);
        });
    }
}

impl Optimizer for Adam {
    fn step(&mut self, layer: &mut Linear, grads: &LinearGrads) {
        assert_same_shapes(layer, grads);
        self.t += 1;
        let zeros = || LinearGrads { weights: Array::zeros(grads.weights.raw_dim()), bias: Array::zeros(grads.bias.raw_dim()) };
        let (mut m, mut v) = self.moments.take().unwrap_or_else(|| (zeros(), zeros()));
        self.update(&mut layer.weights, &mut m.weights, &mut v.weights, &grads.weights);
        self.update(&mut layer.bias, &mut m.bias, &mut v.bias, &grads.bias);
        self.moments = Some((m, v));
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    fn grads(w: f64, b: f64) -> LinearGrads {
        LinearGrads { weights: array![[w]], bias: array![b] }
    }

    #[test]
    fn sgd_moves_each_parameter_against_its_gradient_times_lr() {
        let mut layer = Linear::new(array![[1.0], [2.0]], array![0.5]).unwrap();
        let g = LinearGrads { weights: array![[4.0], [-2.0]], bias: array![1.0] };
        Sgd::new(0.25).step(&mut layer, &g);
        // 1 − 0.25·4 = 0, 2 − 0.25·(−2) = 2.5, 0.5 − 0.25·1 = 0.25 (all exact in binary)
        assert_eq!((layer.weights[[0, 0]], layer.weights[[1, 0]], layer.bias[0]), (0.0, 2.5, 0.25));
    }

    #[test]
    #[should_panic(expected = "differ in shape")]
    fn a_gradient_of_another_shape_is_not_broadcast() {
        let mut layer = Linear::zeros(2, 1);
        Sgd::new(0.1).step(&mut layer, &grads(1.0, 0.0));
    }

    #[test]
    fn adam_moves_by_lr_per_step_under_a_constant_gradient() {
        // With a constant g, the bias-corrected m̂ = g and v̂ = g², so each step is
        // lr·g/(|g| + ε) ≈ lr·sign(g): 10 steps of lr = 0.01 move θ by 0.1.
        let mut layer = Linear::zeros(1, 1);
        let mut opt = Adam::new(0.01);
        for _ in 0..10 {
            opt.step(&mut layer, &grads(3.0, -0.5));
        }
        assert_abs_diff_eq!(layer.weights[[0, 0]], -0.1, epsilon = 1e-8);
        assert_abs_diff_eq!(layer.bias[0], 0.1, epsilon = 1e-8);
    }

    #[test]
    fn adam_second_step_matches_hand_computation() {
        // g₁ = 1, g₂ = −1, lr = 1: m = 0.1, then 0.09 − 0.1 = −0.01;
        // v = 0.001, then 0.000999 + 0.001 = 0.001999.
        // step 2: θ₂ = θ₁ − 1/(1 − 0.81) · (−0.01) / (√0.001999/√(1 − 0.998001) + 1e-8)
        let mut layer = Linear::zeros(1, 1);
        let mut opt = Adam::new(1.0);
        opt.step(&mut layer, &grads(1.0, 0.0));
        let theta1 = layer.weights[[0, 0]];
        assert_abs_diff_eq!(theta1, -1.0, epsilon = 1e-7);
        opt.step(&mut layer, &grads(-1.0, 0.0));
        let expected = theta1 + (0.01 / 0.19) / ((0.001999f64).sqrt() / (0.001999f64).sqrt() + 1e-8);
        assert_abs_diff_eq!(layer.weights[[0, 0]], expected, epsilon = 1e-10);
    }
}
