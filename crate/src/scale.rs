//! Feature scaling: standardise to mean 0 and standard deviation 1,
//! `x_scaled = (x − μ) / σ`.

use ndarray::{Array, Array1, Array2, ArrayBase, Axis, Data, Dimension, Ix2};

use crate::error::{LabError, Result};

/// Which standard deviation to divide by. The labs differ:
/// NumPy's `x.std()` is the population one, PyTorch's `x.std()` the sample one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Std {
    /// `σ = √(Σ(xᵢ − μ)² / n)` — `np.std(x)` (ddof = 0).
    Population,
    /// `s = √(Σ(xᵢ − μ)² / (n − 1))` — `torch.std(x)`, `np.std(x, ddof=1)`.
    Sample,
}

impl Std {
    fn ddof(self) -> f64 {
        match self {
            Std::Population => 0.0,
            Std::Sample => 1.0,
        }
    }
}

/// Standardises all elements together: `(x − x.mean()) / x.std()`, as the labs do
/// for their single feature.
///
/// Fails on fewer than two elements or a constant array (σ = 0).
///
/// # Example
/// ```
/// use labkit::{array, standardize, Std};
/// let z = standardize(&array![1.0, 2.0, 3.0], Std::Sample).unwrap();
/// assert_eq!(z, array![-1.0, 0.0, 1.0]); // mean 2, sample std 1
/// ```
pub fn standardize<S: Data<Elem = f64>, D: Dimension>(x: &ArrayBase<S, D>, std: Std) -> Result<Array<f64, D>> {
    let flat = x.iter().copied().collect::<Array1<f64>>();
    let (mean, sd) = mean_std(&flat, std)?;
    Ok(x.mapv(|v| (v - mean) / sd))
}

/// Per-column standardisation learned on training data and reused on new data
/// (`sklearn.preprocessing.StandardScaler`).
///
/// # Example
/// ```
/// use labkit::{array, Standardizer, Std};
/// let scaler = Standardizer::fit(&array![[0.0, 10.0], [2.0, 30.0]], Std::Population).unwrap();
/// assert_eq!(scaler.transform(&array![[1.0, 40.0]]).unwrap(), array![[0.0, 2.0]]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer {
    /// Column means μⱼ.
    pub mean: Array1<f64>,
    /// Column standard deviations σⱼ.
    pub std: Array1<f64>,
}

impl Standardizer {
    /// Learns μⱼ and σⱼ of each column of `x` (n × features).
    pub fn fit<S: Data<Elem = f64>>(x: &ArrayBase<S, Ix2>, std: Std) -> Result<Self> {
        let mut means = Vec::new();
        let mut stds = Vec::new();
        for column in x.axis_iter(Axis(1)) {
            let (m, s) = mean_std(&column.to_owned(), std)?;
            means.push(m);
            stds.push(s);
        }
        Ok(Standardizer { mean: Array1::from(means), std: Array1::from(stds) })
    }

    /// `(x − μ) / σ` column by column. Fails if `x` has a different number of columns.
    pub fn transform<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        self.check_columns("Standardizer::transform", x)?;
        Ok((x - &self.mean) / &self.std)
    }

    /// `x·σ + μ`: back to the original units.
    pub fn inverse_transform<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        self.check_columns("Standardizer::inverse_transform", x)?;
        Ok(x * &self.std + &self.mean)
    }

    fn check_columns<S: Data<Elem = f64>>(&self, op: &'static str, x: &ArrayBase<S, Ix2>) -> Result<()> {
        if x.ncols() == self.mean.len() {
            return Ok(());
        }
        Err(LabError::Shape {
            op,
            left_name: "x",
            left: x.shape().to_vec(),
            right_name: "fitted means",
            right: self.mean.shape().to_vec(),
            rule: format!("x.ncols() == number of fitted columns, but {} != {}", x.ncols(), self.mean.len()),
        })
    }
}

fn mean_std(x: &Array1<f64>, std: Std) -> Result<(f64, f64)> {
    let n = x.len() as f64;
    if n < 2.0 {
        return Err(LabError::Invalid(format!("cannot standardise {} value(s): need at least 2", x.len())));
    }
    let mean = x.sum() / n;
    let sd = (x.mapv(|v| (v - mean).powi(2)).sum() / (n - std.ddof())).sqrt();
    if sd == 0.0 || !sd.is_finite() {
        return Err(LabError::Invalid(format!("cannot standardise: the standard deviation is {sd} (all values equal?)")));
    }
    Ok((mean, sd))
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
        let pop = standardize(&x, Std::Population).unwrap();
        let sample = standardize(&x, Std::Sample).unwrap();
        assert_abs_diff_eq!(pop[7], 2.0, epsilon = 1e-15);
        assert_abs_diff_eq!(sample[7], 4.0 / (32.0f64 / 7.0).sqrt(), epsilon = 1e-15);
    }

    #[test]
    fn standardizer_round_trips() {
        let x = array![[1.0, -3.0], [4.0, 0.5], [2.5, 8.0]];
        let s = Standardizer::fit(&x, Std::Sample).unwrap();
        let back = s.inverse_transform(&s.transform(&x).unwrap()).unwrap();
        for (a, b) in back.iter().zip(x.iter()) {
            assert_abs_diff_eq!(a, b, epsilon = 1e-12);
        }
    }

    #[test]
    fn constant_feature_is_an_error_not_nan() {
        assert!(standardize(&array![3.0, 3.0, 3.0], Std::Population).is_err());
    }

    #[test]
    fn transform_rejects_wrong_column_count() {
        let s = Standardizer::fit(&array![[1.0], [2.0]], Std::Population).unwrap();
        let err = s.transform(&array![[1.0, 2.0]]).unwrap_err().to_string();
        assert!(err.contains("[1, 2]") && err.contains("[1]"), "{err}");
    }
}
