//! Feature scaling: standardise to mean 0 and standard deviation 1,
//! `x_scaled = (x − μ) / σ` with `σ = √(Σ(xᵢ − μ)² / (n − ddof))`.

use ndarray::{Array, Array1, Array2, ArrayBase, Axis, Data, Dimension, Ix2};

use crate::error::{check_shapes, LabError, Result};

/// The `ddof` ("delta degrees of freedom") of a standard deviation: it divides by `n − ddof`.
/// The labs differ: NumPy's `x.std()` and sklearn's `StandardScaler` use ddof = 0, PyTorch's
/// `x.std()` uses ddof = 1.
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
///
/// # Example
/// ```
/// use labkit::{array, standardize, Ddof};
/// let z = standardize(&array![1.0, 2.0, 3.0], Ddof::Sample).unwrap();
/// assert_eq!(z, array![-1.0, 0.0, 1.0]); // mean 2, sample std 1
/// ```
pub fn standardize<S: Data<Elem = f64>, D: Dimension>(x: &ArrayBase<S, D>, ddof: Ddof) -> Result<Array<f64, D>> {
    at_least_two(x.len())?;
    let (mean, sd) = (x.mean().expect("at least two values"), x.std(ddof.value()));
    spread(sd)?;
    Ok(x.mapv(|v| (v - mean) / sd))
}

/// Per-column standardisation learned on training data and reused on new data
/// (`sklearn.preprocessing.StandardScaler`, which uses ddof = 0).
///
/// # Example
/// ```
/// use labkit::{array, Ddof, Standardizer};
/// let scaler = Standardizer::fit(&array![[0.0, 10.0], [2.0, 30.0]], Ddof::Population).unwrap();
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
    pub fn fit<S: Data<Elem = f64>>(x: &ArrayBase<S, Ix2>, ddof: Ddof) -> Result<Self> {
        at_least_two(x.nrows())?;
        let mean = x.mean_axis(Axis(0)).expect("at least two rows");
        let std = x.std_axis(Axis(0), ddof.value());
        std.iter().try_for_each(|&sd| spread(sd))?;
        Ok(Standardizer { mean, std })
    }

    /// `(x − μ) / σ` column by column. Fails if `x` has a different number of columns.
    pub fn transform<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        check_shapes(
            x.ncols() == self.mean.len(),
            "Standardizer::transform",
            ("x", x.shape()),
            ("fitted means", self.mean.shape()),
            "x.ncols() == number of fitted columns",
        )?;
        Ok((x - &self.mean) / &self.std)
    }
}

fn at_least_two(n: usize) -> Result<()> {
    if n < 2 {
        return Err(LabError::Invalid(format!("cannot standardise {n} value(s): need at least 2")));
    }
    Ok(())
}

fn spread(sd: f64) -> Result<()> {
    if sd == 0.0 || !sd.is_finite() {
        return Err(LabError::Invalid(format!("cannot standardise: the standard deviation is {sd} (all values equal?)")));
    }
    Ok(())
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
    fn standardizer_gives_every_column_mean_0_and_std_1() {
        let x = array![[1.0, -3.0, 100.0], [4.0, 0.5, 250.0], [2.5, 8.0, 175.0], [-0.5, 2.0, 90.0]];
        for ddof in [Ddof::Population, Ddof::Sample] {
            let z = Standardizer::fit(&x, ddof).unwrap().transform(&x).unwrap();
            for column in z.columns() {
                assert_abs_diff_eq!(column.mean().unwrap(), 0.0, epsilon = 1e-12);
                assert_abs_diff_eq!(column.std(ddof.value()), 1.0, epsilon = 1e-12);
            }
        }
    }

    #[test]
    fn standardizer_learns_each_columns_mean_and_std() {
        // columns (1, 3) and (10, 30): means 2 and 20, population σ 1 and 10
        let s = Standardizer::fit(&array![[1.0, 10.0], [3.0, 30.0]], Ddof::Population).unwrap();
        assert_abs_diff_eq!(s.mean[0], 2.0, epsilon = 1e-15);
        assert_abs_diff_eq!(s.mean[1], 20.0, epsilon = 1e-15);
        assert_abs_diff_eq!(s.std[0], 1.0, epsilon = 1e-15);
        assert_abs_diff_eq!(s.std[1], 10.0, epsilon = 1e-15);
    }

    #[test]
    fn constant_feature_and_single_value_are_errors_not_nan() {
        assert!(standardize(&array![3.0, 3.0, 3.0], Ddof::Population).is_err());
        assert!(standardize(&array![3.0], Ddof::Sample).is_err());
        assert!(Standardizer::fit(&array![[1.0, 2.0], [1.0, 5.0]], Ddof::Sample).is_err());
    }

    #[test]
    fn transform_rejects_wrong_column_count() {
        let s = Standardizer::fit(&array![[1.0], [2.0]], Ddof::Population).unwrap();
        let err = s.transform(&array![[1.0, 2.0]]).unwrap_err().to_string();
        assert!(err.contains("[1, 2]") && err.contains("[1]"), "{err}");
    }
}
