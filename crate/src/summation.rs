//! Sums and means added up in NumPy's order, for labs that print NumPy's numbers to the
//! last digit.
//!
//! Floating-point addition is not associative: adding the same 80 numbers in another order
//! can change the last bit of the result. NumPy's `a.sum()` (and `a.mean()`, which is
//! `a.sum() / n`) uses *pairwise summation*; ndarray's `sum()` adds in another order. Both
//! are correct to within rounding; only the order, and so the last digit, differs.

use ndarray::{ArrayBase, Data, Dimension};

/// `a.sum()` as NumPy computes it for float64: up to 128 numbers go into eight interleaved
/// partial sums r₀ … r₇ (rₖ = aₖ + aₖ₊₈ + aₖ₊₁₆ + …), combined as
/// ((r₀ + r₁) + (r₂ + r₃)) + ((r₄ + r₅) + (r₆ + r₇)), then the last n mod 8 numbers are
/// added one by one; longer slices are split in two (at a multiple of 8) and the halves
/// summed the same way. Fewer than 8 numbers are added left to right.
fn numpy_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        return a.iter().fold(0.0, |sum, &v| sum + v);
    }
    if n > 128 {
        let half = n / 2 - (n / 2) % 8;
        return numpy_sum(&a[..half]) + numpy_sum(&a[half..]);
    }
    let whole = n - n % 8;
    let mut r = [0.0; 8];
    r.copy_from_slice(&a[..8]);
    for block in a[8..whole].chunks_exact(8) {
        for k in 0..8 {
            r[k] += block[k];
        }
    }
    let sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    a[whole..].iter().fold(sum, |sum, &v| sum + v)
}

/// `a.mean()` as NumPy computes it: the elements in row-major order, summed in NumPy's
/// pairwise order (`numpy_sum` above), divided by their number (NaN for an empty array).
///
/// # Example
/// ```
/// use labkit::{numpy_mean, Array1};
/// let tenths = Array1::from_elem(10, 0.1);
/// assert_eq!(numpy_mean(&tenths), 0.1);                              // np.full(10, 0.1).mean()
/// assert_eq!(tenths.iter().sum::<f64>() / 10.0, 0.09999999999999999); // added left to right
/// ```
pub fn numpy_mean<S: Data<Elem = f64>, D: Dimension>(a: &ArrayBase<S, D>) -> f64 {
    let values: Vec<f64> = a.iter().copied().collect();
    numpy_sum(&values) / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::five_steps;

    #[test]
    fn the_mean_squared_error_of_five_steps_matches_numpy_to_the_last_bit() {
        // five_steps, step 2 at b, w = 0.3745401188473625, 0.9507143064099162: the original
        // prints 4.495325075114491 (NumPy); ndarray's own mean gives 4.495325075114492.
        let data = five_steps();
        let (b, w) = (0.3745401188473625, 0.9507143064099162);
        let error = data.x_train.mapv(|x| b + w * x) - &data.y_train;
        let squared = error.mapv(|e| e * e);
        assert_eq!(numpy_mean(&squared), 4.495325075114491);
        assert_eq!(squared.mean().unwrap(), 4.495325075114492);
    }

    #[test]
    fn long_arrays_are_split_in_halves_like_numpy() {
        // np.full(1000, 0.1).sum() == 100.00000000000001 (left to right: 99.9999999999986)
        let a = vec![0.1; 1000];
        assert_eq!(numpy_sum(&a), 100.00000000000001);
        assert_eq!(numpy_sum(&[0.1; 300]), 29.999999999999996); // np.full(300, 0.1).sum()
        assert_eq!(a.iter().sum::<f64>(), 99.9999999999986);
    }

    #[test]
    fn the_mean_of_nothing_is_nan() {
        assert!(numpy_mean(&ndarray::Array1::<f64>::zeros(0)).is_nan());
    }
}
