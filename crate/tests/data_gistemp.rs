//! The GISTEMP reader against the numbers in `data/SOURCE.md` (computed there with NumPy).
//! The line-by-line checks of malformed CSV are unit tests in `src/data/gistemp.rs`.
#![cfg(feature = "polars")]

use approx::assert_abs_diff_eq;
use labkit::gistemp;
use labkit::polars::prelude::*;

/// The lab's `x` and `y_true` from the bundled copy.
fn xy() -> (labkit::Array2<f64>, labkit::Array2<f64>) {
    gistemp::xy_from_df(&gistemp::bundled().unwrap()).unwrap()
}

#[test]
fn bundled_dataframe_has_typed_columns_and_143_rows() {
    let df = gistemp::bundled().unwrap();
    assert_eq!(df.height(), 143);
    assert_eq!(df.get_column_names(), ["Year", "No_Smoothing", "Lowess(5)"]);
    assert_eq!(df.dtypes(), [DataType::Int64, DataType::Float64, DataType::Float64]);
    assert_eq!(df.column("Year").unwrap().i64().unwrap().get(0), Some(1880));
    let lowess = df.column("Lowess(5)").unwrap().f64().unwrap();
    assert_eq!((lowess.get(0), lowess.get(142)), (Some(-0.09), Some(0.90)));
}

#[test]
fn bundled_copy_has_143_years_from_1880_to_2022() {
    let (x, y) = xy();
    assert_eq!((x.dim(), y.dim()), ((143, 1), (143, 1)));
    assert_eq!(y.column(0).to_vec()[..5], [-0.16, -0.08, -0.11, -0.17, -0.28]);
    assert_eq!(y.column(0).to_vec()[140..], [1.02, 0.85, 0.89]);
    assert_eq!((x[[0, 0]], x[[142, 0]]), (0.0, f64::from(1.42_f32)));
}

#[test]
fn x_is_the_labs_float32_scaling() {
    // torch: x = tensor(year, dtype=float); x -= 1880.0; x /= 100.  → 1881 gives float32(0.01).
    let (x, _) = xy();
    assert_eq!(x[[1, 0]], 0.009999999776482582);
    assert_eq!(x[[142, 0]], 1.4199999570846558);
}

#[test]
fn least_squares_line_matches_source_md() {
    // SOURCE.md: y = w·x + b by least squares gives w = 0.7751, b = −0.4904; y = w·x gives w* = 0.2589.
    let (x, y) = xy();
    let (x, y) = (x.column(0), y.column(0));
    let n = x.len() as f64;
    let (mean_x, mean_y) = (x.sum() / n, y.sum() / n);
    let w = (&x - mean_x).dot(&(&y - mean_y)) / (&x - mean_x).dot(&(&x - mean_x));
    assert_abs_diff_eq!(w, 0.7751, epsilon = 5e-4);
    assert_abs_diff_eq!(mean_y - w * mean_x, -0.4904, epsilon = 5e-4);
    assert_abs_diff_eq!(x.dot(&y) / x.dot(&x), 0.2589, epsilon = 5e-4);
}

