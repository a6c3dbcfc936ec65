//! Optimizers with PyTorch's update rules and defaults: [`Sgd`] (optionally with
//! momentum) and [`Adam`].
//!
//! ```text
//! PyTorch                                        labkit
//! opt = torch.optim.SGD(model.parameters(), lr)  let mut opt = Sgd::new(lr);
//! opt.zero_grad(); loss.backward(); opt.step()   let grads = layer.backward(&x, &dl)?; opt.step(&mut layer, &grads);
//! ```
//! There is no `zero_grad()`: `backward` returns fresh gradients instead of adding
//! them to a `.grad` field.

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Zip};

use crate::linear::{Linear, LinearGrads};

/// Something that updates parameters from their gradients.
pub trait Optimizer {
    /// Updates one parameter array in place. `slot` names the parameter across steps,
    /// so that state such as momentum stays attached to it.
    fn update(&mut self, slot: usize, param: ArrayViewMutD<'_, f64>, grad: ArrayViewD<'_, f64>);

    /// Called once at the start of each [`step`](Optimizer::step).
    fn begin_step(&mut self) {}

    /// The learning rate, used in divergence messages.
    fn learning_rate(&self) -> f64;

    /// `optimizer.step()` for a [`Linear`] layer: weights are slot 0, bias slot 1.
    ///
    /// Panics if `grads` do not have the layer's shapes (they always do when they
    /// come from `layer.backward`).
    fn step(&mut self, layer: &mut Linear, grads: &LinearGrads) {
        assert_eq!(layer.weights.shape(), grads.weights.shape(), "weights and their gradient differ in shape");
        assert_eq!(layer.bias.shape(), grads.bias.shape(), "bias and its gradient differ in shape");
        self.begin_step();
        self.update(0, layer.weights.view_mut().into_dyn(), grads.weights.view().into_dyn());
        self.update(1, layer.bias.view_mut().into_dyn(), grads.bias.view().into_dyn());
    }
}

/// Stochastic gradient descent, `torch.optim.SGD(params, lr, momentum)`:
///
/// without momentum `θ ← θ − lr·g`; with momentum μ the velocity `v ← μ·v + g`
/// (`v = g` on the first step) and `θ ← θ − lr·v`.
///
/// # Example
/// ```
/// use labkit::{array, Linear, LinearGrads, Optimizer, Sgd};
/// let mut layer = Linear::zeros(1, 1);
/// let grads = LinearGrads { weights: array![[2.0]], bias: array![-1.0] };
/// Sgd::new(0.1).step(&mut layer, &grads);
/// assert_eq!((layer.weights[[0, 0]], layer.bias[0]), (-0.2, 0.1));
/// ```
#[derive(Debug, Clone)]
pub struct Sgd {
    /// Learning rate.
    pub lr: f64,
    /// Momentum μ (0 for plain gradient descent).
    pub momentum: f64,
    velocity: Vec<Option<ArrayD<f64>>>,
}

impl Sgd {
    /// Plain gradient descent with learning rate `lr`.
    pub fn new(lr: f64) -> Self {
        Sgd { lr, momentum: 0.0, velocity: Vec::new() }
    }

    /// Gradient descent with momentum μ (PyTorch's dampening 0, not Nesterov).
    pub fn with_momentum(lr: f64, momentum: f64) -> Self {
        Sgd { lr, momentum, velocity: Vec::new() }
    }
}

impl Optimizer for Sgd {
    fn update(&mut self, slot: usize, mut param: ArrayViewMutD<'_, f64>, grad: ArrayViewD<'_, f64>) {
        if self.momentum == 0.0 {
            param.scaled_add(-self.lr, &grad);
            return;
        }
        let v = state_slot(&mut self.velocity, slot);
        match v {
            Some(v) => Zip::from(&mut *v).and(&grad).for_each(|v, &g| *v = self.momentum * *v + g),
            None => *v = Some(grad.to_owned()),
        }
        param.scaled_add(-self.lr, v.as_ref().expect("set above"));
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// Adam, `torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)`. At step t:
///
/// ```text
/// m ← m + (1 − β₁)(g − m)          v ← β₂·v + (1 − β₂)·g²
/// θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
///
/// # Example
/// ```
/// use labkit::{array, Adam, Linear, LinearGrads, Optimizer};
/// let mut layer = Linear::zeros(1, 1);
/// let grads = LinearGrads { weights: array![[5.0]], bias: array![-0.01] };
/// Adam::new(0.1).step(&mut layer, &grads);
/// // Adam's first step moves every parameter by about lr, whatever the gradient's size.
/// assert!((layer.weights[[0, 0]] + 0.1).abs() < 1e-6 && (layer.bias[0] - 0.1).abs() < 1e-5);
/// ```
#[derive(Debug, Clone)]
pub struct Adam {
    /// Learning rate.
    pub lr: f64,
    /// Decay rates (β₁, β₂) of the running averages of g and g².
    pub betas: (f64, f64),
    /// ε added to the denominator for numerical stability.
    pub eps: f64,
    t: i32,
    moments: Vec<Option<(ArrayD<f64>, ArrayD<f64>)>>,
}

impl Adam {
    /// Adam with PyTorch's defaults and learning rate `lr`.
    pub fn new(lr: f64) -> Self {
        Adam { lr, betas: (0.9, 0.999), eps: 1e-8, t: 0, moments: Vec::new() }
    }
}

impl Optimizer for Adam {
    fn begin_step(&mut self) {
        self.t += 1;
    }

    fn update(&mut self, slot: usize, mut param: ArrayViewMutD<'_, f64>, grad: ArrayViewD<'_, f64>) {
        let (b1, b2) = self.betas;
        let t = self.t.max(1); // `update` called without `begin_step` counts as step 1
        let (m, v) = state_slot(&mut self.moments, slot)
            .get_or_insert_with(|| (ArrayD::zeros(grad.raw_dim()), ArrayD::zeros(grad.raw_dim())));
        let step_size = self.lr / (1.0 - b1.powi(t));
        let bias_correction2_sqrt = (1.0 - b2.powi(t)).sqrt();
        Zip::from(&mut param).and(m).and(v).and(&grad).for_each(|p, m, v, &g| {
            *m += (1.0 - b1) * (g - *m);
            *v = b2 * *v + (1.0 - b2) * g * g;
            *p -= step_size * *m / (v.sqrt() / bias_correction2_sqrt + self.eps);
        });
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// The state kept for parameter `slot`, growing the list on first use.
fn state_slot<T>(states: &mut Vec<Option<T>>, slot: usize) -> &mut Option<T> {
    if states.len() <= slot {
        states.resize_with(slot + 1, || None);
    }
    &mut states[slot]
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
    fn sgd_momentum_matches_hand_computed_steps() {
        // μ = 0.9, lr = 0.1, gradients 1 then 1: v = 1 then 1.9; θ = −0.1 then −0.29.
        let mut layer = Linear::zeros(1, 1);
        let mut opt = Sgd::with_momentum(0.1, 0.9);
        opt.step(&mut layer, &grads(1.0, 0.0));
        assert_abs_diff_eq!(layer.weights[[0, 0]], -0.1, epsilon = 1e-15);
        opt.step(&mut layer, &grads(1.0, 0.0));
        assert_abs_diff_eq!(layer.weights[[0, 0]], -0.29, epsilon = 1e-15);
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
