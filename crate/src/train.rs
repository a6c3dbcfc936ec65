//! A full-batch training loop for a [`Linear`] layer that records its history and
//! stops with a clear message when training diverges.

use ndarray::{Array1, Array2, ArrayBase, Data, Ix2};

use crate::error::{LabError, Result};
use crate::linear::Linear;
use crate::loss::Loss;
use crate::optim::Optimizer;

/// What happened at each epoch, recorded *before* that epoch's update (as the labs log
/// `loss.item()` before `optimizer.step()`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// The loss at each epoch.
    pub loss: Vec<f64>,
    /// The weights at each epoch.
    pub weights: Vec<Array2<f64>>,
    /// The bias at each epoch.
    pub bias: Vec<Array1<f64>>,
}

impl History {
    /// The loss of the last recorded epoch (NaN if nothing was recorded).
    pub fn final_loss(&self) -> f64 {
        self.loss.last().copied().unwrap_or(f64::NAN)
    }
}

/// Watches a sequence of losses and reports divergence: a loss that is NaN or infinite,
/// or one that has grown at every one of the last 10 steps to more than 100 times
/// the smallest loss seen (gradient descent with too large a learning rate grows
/// geometrically; a loss that merely wobbles does not trip it).
#[derive(Debug, Clone)]
pub struct DivergenceGuard {
    learning_rate: Option<f64>,
    smallest: f64,
    previous: f64,
    rising_for: usize,
}

impl DivergenceGuard {
    /// A guard whose messages mention `learning_rate` (if known); window of 10 steps.
    pub fn new(learning_rate: Option<f64>) -> Self {
        DivergenceGuard { learning_rate, smallest: f64::INFINITY, previous: f64::INFINITY, rising_for: 0 }
    }

    /// Records the loss of step `step`; `Err(LabError::Diverged)` if training is diverging.
    pub fn observe(&mut self, step: usize, loss: f64) -> Result<()> {
        self.rising_for = if loss > self.previous { self.rising_for + 1 } else { 0 };
        self.previous = loss;
        self.smallest = self.smallest.min(loss);
        let runaway = self.rising_for >= 10 && loss > 100.0 * self.smallest;
        if !loss.is_finite() || runaway {
            return Err(LabError::Diverged { step, value: loss, learning_rate: self.learning_rate });
        }
        Ok(())
    }
}

/// Trains `layer` on `(x, y)` for `epochs` full-batch steps:
/// forward, loss, backward, optimizer step, the loop every lab writes.
///
/// Returns the [`History`], or [`LabError::Diverged`] naming the step and suggesting a
/// smaller learning rate as soon as the loss runs away.
pub fn fit<S1: Data<Elem = f64>, S2: Data<Elem = f64>>(
    layer: &mut Linear,
    x: &ArrayBase<S1, Ix2>,
    y: &ArrayBase<S2, Ix2>,
    loss: Loss,
    optimizer: &mut impl Optimizer,
    epochs: usize,
) -> Result<History> {
    let mut history = History::default();
    let mut guard = DivergenceGuard::new(Some(optimizer.learning_rate()));
    for epoch in 0..epochs {
        let y_pred = layer.forward(x)?;
        let value = loss.value(&y_pred, y)?;
        guard.observe(epoch, value)?;
        let grads = layer.backward(x, &loss.grad(&y_pred, y)?)?;
        history.loss.push(value);
        history.weights.push(layer.weights.clone());
        history.bias.push(layer.bias.clone());
        optimizer.step(layer, &grads);
    }
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::Sgd;
    use approx::assert_abs_diff_eq;
    use ndarray::{array, Array};

    #[test]
    fn fit_reaches_the_least_squares_solution() {
        // Independent reference: the normal equations for y on [x, 1].
        let x = array![[0.5], [1.5], [2.0], [3.5], [4.0]];
        let y = array![[1.1], [2.9], [4.2], [6.8], [8.1]];
        let (n, sx, sy) = (5.0, x.sum(), y.sum());
        let sxx = x.mapv(|v| v * v).sum();
        let sxy = (&x * &y).sum();
        let w = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        let b = (sy - w * sx) / n;
        let mut layer = Linear::zeros(1, 1);
        fit(&mut layer, &x, &y, Loss::Mse, &mut Sgd::new(0.05), 5000).unwrap();
        assert_abs_diff_eq!(layer.weights[[0, 0]], w, epsilon = 1e-8);
        assert_abs_diff_eq!(layer.bias[0], b, epsilon = 1e-8);
    }

    #[test]
    fn history_records_values_before_each_update() {
        let (x, y) = (array![[1.0]], array![[2.0]]);
        let mut layer = Linear::zeros(1, 1);
        let h = fit(&mut layer, &x, &y, Loss::Mse, &mut Sgd::new(0.1), 2).unwrap();
        assert_eq!(h.loss[0], 4.0); // (0 − 2)² at the zero initialisation
        assert_eq!((h.weights[0][[0, 0]], h.bias[0][0]), (0.0, 0.0));
        // one step of 0.1 along −∂L/∂w = −2·(0 − 2)·1 = 4, likewise for b: the second record
        assert_abs_diff_eq!(h.weights[1][[0, 0]], 0.4, epsilon = 1e-15);
        assert_abs_diff_eq!(h.bias[1][0], 0.4, epsilon = 1e-15);
        assert_eq!(h.loss.len(), 2);
    }

    #[test]
    fn geometric_growth_is_reported_before_overflow() {
        // With lr 10 the loss grows ~300× per step; it must be caught long before inf.
        let x = Array::linspace(-1.0, 1.0, 50).insert_axis(ndarray::Axis(1));
        let y = x.mapv(|v| 3.0 * v);
        let err = fit(&mut Linear::zeros(1, 1), &x, &y, Loss::Mse, &mut Sgd::new(10.0), 1000).unwrap_err();
        match err {
            LabError::Diverged { step, value, .. } => assert!(step <= 12 && value.is_finite(), "{step} {value}"),
            other => panic!("expected divergence, got {other}"),
        }
    }

    #[test]
    fn a_wobbling_loss_is_not_divergence_but_nan_is() {
        let mut guard = DivergenceGuard::new(None);
        for (step, loss) in [5.0, 6.0, 4.0, 4.5, 3.0, 3.2, 2.0].into_iter().enumerate() {
            assert!(guard.observe(step, loss).is_ok());
        }
        assert!(matches!(guard.observe(7, f64::NAN), Err(LabError::Diverged { step: 7, .. })));
    }
}
