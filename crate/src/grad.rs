//! Gradient checking: an analytic gradient against central finite differences.

use std::fmt;

use ndarray::{Array, ArrayD, Dimension, Zip};

use crate::error::{same_shape, Result};

/// The gradient of a scalar function `f(θ)` by central differences, one per element:
/// `gᵢ = (f(θ + h·eᵢ) − f(θ − h·eᵢ)) / 2h`, which is `∂f/∂θᵢ` up to an error O(h²).
fn central_differences<D: Dimension>(
    mut f: impl FnMut(&Array<f64, D>) -> f64,
    theta: &Array<f64, D>,
    h: f64,
) -> Array<f64, D> {
    // A row-major copy, so element i of the slice is element i in logical order.
    let mut probe = theta.as_standard_layout().into_owned();
    let mut grad = Array::zeros(theta.raw_dim());
    for (i, g) in grad.iter_mut().enumerate() {
        let original = probe.as_slice().expect("standard layout")[i];
        let mut f_at = |value: f64| {
            probe.as_slice_mut().expect("standard layout")[i] = value;
            f(&probe)
        };
        *g = (f_at(original + h) - f_at(original - h)) / (2.0 * h);
        probe.as_slice_mut().expect("standard layout")[i] = original;
    }
    grad
}

/// The result of [`check_gradient`]: both gradients and, per parameter, the relative
/// error `|a − n| / max(|a|, |n|)` (0 when both are 0).
#[derive(Debug, Clone, PartialEq)]
pub struct GradCheck {
    /// The gradient as given (from a formula or backpropagation).
    analytic: ArrayD<f64>,
    /// The central-difference estimate.
    numerical: ArrayD<f64>,
    /// `|a − n| / max(|a|, |n|)` per parameter.
    relative_error: ArrayD<f64>,
}

impl GradCheck {
    /// The largest relative error over all parameters.
    pub fn max_relative_error(&self) -> f64 {
        self.relative_error.iter().copied().fold(0.0, f64::max)
    }

    /// True when every relative error is below `tolerance` (1e-6 is typical for
    /// central differences in f64 on smooth functions).
    pub fn passes(&self, tolerance: f64) -> bool {
        self.max_relative_error() < tolerance
    }

    /// Shows the comparison as a text table in a notebook.
    pub fn evcxr_display(&self) {
        crate::display::emit(&[("text/plain", &self.to_string())]);
    }
}

impl fmt::Display for GradCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:>6}  {:>16}  {:>16}  {:>10}", "param", "analytic", "numerical", "rel. error")?;
        let rows = self.analytic.iter().zip(&self.numerical).zip(&self.relative_error);
        for (i, ((a, n), e)) in rows.enumerate() {
            writeln!(f, "{i:>6}  {a:>16.10}  {n:>16.10}  {e:>10.2e}")?;
        }
        write!(f, "max relative error: {:.2e}", self.max_relative_error())
    }
}

/// Compares an analytic gradient with central differences of `f` at `theta` (step `h`), e.g.
/// `check_gradient(|t| t.mapv(|v| v * v).sum(), &theta, &(2.0 * &theta), 1e-5)?` for
/// ∇ Σθᵢ² = 2θ. Fails if `analytic` and `theta` differ in shape.
pub fn check_gradient<D: Dimension>(
    f: impl FnMut(&Array<f64, D>) -> f64,
    theta: &Array<f64, D>,
    analytic: &Array<f64, D>,
    h: f64,
) -> Result<GradCheck> {
    same_shape("check_gradient", "analytic gradient", analytic.shape(), "theta", theta.shape())?;
    let numerical = central_differences(f, theta, h);
    let relative_error = Zip::from(analytic).and(&numerical).map_collect(|&a, &n| {
        let scale = a.abs().max(n.abs());
        if scale == 0.0 { 0.0 } else { (a - n).abs() / scale }
    });
    let (analytic, numerical, relative_error) = (analytic.clone().into_dyn(), numerical.into_dyn(), relative_error.into_dyn());
    Ok(GradCheck { analytic, numerical, relative_error })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn central_difference_is_exact_for_quadratics() {
        // For a quadratic, the central difference has no truncation error.
        let g = central_differences(|t| 3.0 * t[[0, 0]] * t[[0, 0]] - t[[1, 0]], &array![[2.0], [5.0]], 1e-3);
        assert_abs_diff_eq!(g[[0, 0]], 12.0, epsilon = 1e-9);
        assert_abs_diff_eq!(g[[1, 0]], -1.0, epsilon = 1e-9);
    }

    #[test]
    fn central_difference_error_is_order_h_squared() {
        // d/dx x³ at 1 is 3; the central difference gives 3 + h² exactly.
        let g = central_differences(|t| t[0] * t[0] * t[0], &array![1.0], 1e-3);
        assert_abs_diff_eq!(g[0], 3.0 + 1e-6, epsilon = 1e-9);
    }

    #[test]
    fn gradient_check_flags_a_wrong_gradient() {
        let theta = array![1.0, 2.0];
        let wrong = array![2.0, 2.0]; // correct is (2, 4)
        let check = check_gradient(|t| t.mapv(|v| v * v).sum(), &theta, &wrong, 1e-5).unwrap();
        assert!(check.relative_error[0] < 1e-9);
        assert_abs_diff_eq!(check.relative_error[1], 0.5, epsilon = 1e-9);
        assert!(!check.passes(1e-3));
    }

    #[test]
    fn gradient_check_rejects_shape_mismatch() {
        let err = check_gradient(|t| t.sum(), &array![1.0, 2.0], &array![1.0], 1e-5).unwrap_err();
        assert!(err.to_string().contains("[1]") && err.to_string().contains("[2]"));
    }

    #[test]
    fn display_lists_each_parameter_and_the_largest_error() {
        let check = check_gradient(|t| t.sum(), &array![1.0, 2.0], &array![1.0, 1.0], 1e-5).unwrap();
        let text = check.to_string();
        assert_eq!(text.lines().count(), 4, "{text}");
        assert!(text.lines().last().unwrap().starts_with("max relative error: "), "{text}");
    }
}
