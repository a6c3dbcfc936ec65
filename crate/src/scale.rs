//! Feature scaling: standardise to mean 0 and standard deviation 1,
//! `x_scaled = (x − μ) / σ` with `σ = √(Σ(xᵢ − μ)² / (n − ddof))`.

use ndarray::{Array, ArrayBase, Data, Dimension};

use crate::error::{LabError, Result};

/// The `ddof` ("delta degrees of freedom") of a standard deviation: it divides by `n − ddof`.
/// The labs differ: NumPy's `x.std()` uses ddof = 0, PyTorch's `x.std()` uses ddof = 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ddof {
    /// ddof = 0, the population standard deviation `√(Σ(xᵢ − μ)² / n)`: `np.std(x)`.
    Population,
    /// ddof = 1, the sample standard deviation `√(Σ(xᵢ − μ)² / (n − 1))`: `torch.std(x)`,
    /// `np.std(x, ddof=1)`.
    Sample,
}

impl Ddof {
    /// 0 or 1, as ndarray's `std(ddof)` takes it.
    fn value(self) -> f64 {
        match self {
            Ddof::Population => 0.0,
            Ddof::Sample => 1.0,
        }
    }
}

/// Standardises all elements together, `(x − x.mean()) / x.std(ddof)`, as the labs do for
/// their single feature. Fails on fewer than two elements or a constant array (σ = 0).
pub fn standardize<S: Data<Elem = f64>, D: Dimension>(x: &ArrayBase<S, D>, ddof: Ddof) -> Result<Array<f64, D>> {
    let n = x.len();
    if n < 2 {
        return Err(LabError::Invalid(format!("cannot standardise {n} value(s): need at least 2")));
    }
    let (mean, sd) = (x.mean().expect("at least two values"), x.std(ddof.value()));
    if sd == 0.0 || !sd.is_finite() {
        return Err(LabError::Invalid(format!("cannot standardise: the standard deviation is {sd} (all values equal?)")));
    }
    Ok(x.mapv(|v| (v - mean) / sd))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn population_and_sample_std_differ_by_bessel_factor() {
        // x = 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population σ = 2 (textbook example),
        // sample s = √(32/7).
        let x = array![2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let pop = standardize(&x, Ddof::Population).unwrap();
        let sample = standardize(&x, Ddof::Sample).unwrap();
        assert_abs_diff_eq!(pop[7], 2.0, epsilon = 1e-15);
        assert_abs_diff_eq!(sample[7], 4.0 / (32.0f64 / 7.0).sqrt(), epsilon = 1e-15);
    }

    #[test]
    fn standardize_matches_numpy() {
        // x = np.array([0.3, 1.7, -2.4, 5.1, 0.0]); (x - x.mean()) / x.std(ddof=1)
        let z = standardize(&array![[0.3], [1.7], [-2.4], [5.1], [0.0]], Ddof::Sample).unwrap();
        let numpy = [-0.23241248056755873, 0.27598982067397604, -1.2129026329619472, 1.510681123689132, -0.3413558308336019];
        for (a, b) in z.iter().zip(numpy) {
            assert_abs_diff_eq!(*a, b, epsilon = 1e-12);
        }
    }

    #[test]
    fn constant_feature_and_single_value_are_errors_not_nan() {
        assert!(standardize(&array![3.0, 3.0, 3.0], Ddof::Population).is_err());
        assert!(standardize(&array![3.0], Ddof::Sample).is_err());
    }
}
