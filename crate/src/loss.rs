//! Loss functions: how far predictions `ŷ` are from targets `y`, and the gradient
//! `∂L/∂ŷ` that starts backpropagation.

use ndarray::{Array, ArrayBase, Data, Dimension, Zip};

use crate::error::{same_shape, Result};

/// The labs' three losses over n predictions `ŷ` and targets `y`:
///
/// | variant   | value `L`                    | gradient `∂L/∂ŷᵢ`        | used by                      |
/// |-----------|------------------------------|--------------------------|------------------------------|
/// | `Mse`     | `(1/n) Σ (ŷᵢ − yᵢ)²`         | `(2/n)(ŷᵢ − yᵢ)`         | `nn.MSELoss()`, five steps   |
/// | `HalfMse` | `(1/(2n)) Σ (ŷᵢ − yᵢ)²`      | `(1/n)(ŷᵢ − yᵢ)`         | deep.TEACHING, the article   |
/// | `Mae`     | `(1/n) Σ |ŷᵢ − yᵢ|`          | `(1/n) sign(ŷᵢ − yᵢ)`    | `nn.L1Loss()`, lab04         |
///
/// At `ŷᵢ = yᵢ` the MAE gradient is taken as 0, as PyTorch does.
///
/// Shapes must be identical: a (143) prediction against a (143, 1) target is an error
/// naming both shapes, where NumPy and PyTorch would silently broadcast to 143 × 143.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Mean squared error, `1/n`.
    Mse,
    /// Half the mean squared error, `1/(2n)`.
    HalfMse,
    /// Mean absolute error.
    Mae,
}

impl Loss {
    /// The loss value `L(ŷ, y)`.
    pub fn value<S1: Data<Elem = f64>, S2: Data<Elem = f64>, D1: Dimension, D2: Dimension>(
        &self,
        y_pred: &ArrayBase<S1, D1>,
        y: &ArrayBase<S2, D2>,
    ) -> Result<f64> {
        same_shape(self.name(), "prediction", y_pred.shape(), "target", y.shape())?;
        let n = y_pred.len() as f64;
        let residuals = y_pred.iter().zip(y.iter()).map(|(p, t)| p - t);
        Ok(match self {
            Loss::Mse => residuals.map(|r| r * r).sum::<f64>() / n,
            Loss::HalfMse => residuals.map(|r| r * r).sum::<f64>() / (2.0 * n),
            Loss::Mae => residuals.map(f64::abs).sum::<f64>() / n,
        })
    }

    /// The gradient `∂L/∂ŷ`, same shape as `y_pred`: the upstream gradient to pass to
    /// [`Linear::backward`](crate::Linear::backward).
    pub fn grad<S1: Data<Elem = f64>, S2: Data<Elem = f64>, D1: Dimension, D2: Dimension>(
        &self,
        y_pred: &ArrayBase<S1, D1>,
        y: &ArrayBase<S2, D2>,
    ) -> Result<Array<f64, D1>> {
        same_shape(self.name(), "prediction", y_pred.shape(), "target", y.shape())?;
        let n = y_pred.len() as f64;
        // Same shapes, so viewing y with y_pred's dimension type cannot fail.
        let y = y.view().into_shape_with_order(y_pred.raw_dim()).expect("shapes checked above");
        let mut g = Array::zeros(y_pred.raw_dim());
        Zip::from(&mut g).and(y_pred).and(&y).for_each(|g, &p, &t| {
            let r = p - t;
            *g = match self {
                Loss::Mse => 2.0 * r / n,
                Loss::HalfMse => r / n,
                Loss::Mae if r == 0.0 => 0.0,
                Loss::Mae => r.signum() / n,
            };
        });
        Ok(g)
    }

    /// Short name used in messages: "MSE", "half MSE" or "MAE".
    fn name(&self) -> &'static str {
        match self {
            Loss::Mse => "MSE",
            Loss::HalfMse => "half MSE",
            Loss::Mae => "MAE",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::{array, Array1};

    const ALL: [Loss; 3] = [Loss::Mse, Loss::HalfMse, Loss::Mae];

    #[test]
    fn values_match_hand_computation() {
        // residuals 0.5, −1, 2: squares 0.25 + 1 + 4 = 5.25, absolutes 3.5
        let (p, t) = (array![[1.5], [1.0], [5.0]], array![[1.0], [2.0], [3.0]]);
        assert_abs_diff_eq!(Loss::Mse.value(&p, &t).unwrap(), 5.25 / 3.0, epsilon = 1e-15);
        assert_abs_diff_eq!(Loss::HalfMse.value(&p, &t).unwrap(), 5.25 / 6.0, epsilon = 1e-15);
        assert_abs_diff_eq!(Loss::Mae.value(&p, &t).unwrap(), 3.5 / 3.0, epsilon = 1e-15);
    }

    #[test]
    fn gradients_match_central_differences() {
        let p = array![0.3, -1.0, 2.5, 0.9];
        let t = array![0.1, 0.4, 2.0, -1.0];
        let h = 1e-6;
        for loss in ALL {
            let g = loss.grad(&p, &t).unwrap();
            for i in 0..p.len() {
                let (mut plus, mut minus) = (p.clone(), p.clone());
                plus[i] += h;
                minus[i] -= h;
                let numeric = (loss.value(&plus, &t).unwrap() - loss.value(&minus, &t).unwrap()) / (2.0 * h);
                assert_abs_diff_eq!(g[i], numeric, epsilon = 1e-8);
            }
        }
    }

    #[test]
    fn mae_gradient_is_zero_where_residual_is_zero() {
        let g = Loss::Mae.grad(&array![1.0, 2.0], &array![1.0, 0.0]).unwrap();
        assert_eq!(g, array![0.0, 0.5]);
    }

    #[test]
    fn broadcasting_shapes_are_rejected_naming_both() {
        let p = Array1::<f64>::zeros(143);
        let t = ndarray::Array2::<f64>::zeros((143, 1));
        for loss in ALL {
            let err = loss.grad(&p, &t).unwrap_err().to_string();
            assert!(err.contains("[143]") && err.contains("[143, 1]"), "{err}");
        }
    }
}
