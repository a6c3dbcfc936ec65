//! The GISTEMP readers against the numbers in `data/SOURCE.md` (computed there with NumPy).

use approx::assert_abs_diff_eq;
use labkit::gistemp::{self, xy_from_csv};
use labkit::LabError;

const NASA_LAYOUT: &str = include_str!("fixtures/gistemp_global_land_ocean_nasa_layout.csv");

#[test]
fn bundled_copy_has_143_years_from_1880_to_2022() {
    let (x, y) = gistemp::xy();
    assert_eq!((x.dim(), y.dim()), ((143, 1), (143, 1)));
    assert_eq!(y.column(0).to_vec()[..5], [-0.16, -0.08, -0.11, -0.17, -0.28]);
    assert_eq!(y.column(0).to_vec()[140..], [1.02, 0.85, 0.89]);
    assert_eq!((x[[0, 0]], x[[142, 0]]), (0.0, f64::from(1.42_f32)));
}

#[test]
fn x_is_the_labs_float32_scaling() {
    // torch: x = tensor(year, dtype=float); x -= 1880.0; x /= 100.  → 1881 gives float32(0.01).
    let (x, _) = gistemp::xy();
    assert_eq!(x[[1, 0]], 0.009999999776482582);
    assert_eq!(x[[142, 0]], 1.4199999570846558);
}

#[test]
fn least_squares_line_matches_source_md() {
    // SOURCE.md: y = w·x + b by least squares gives w = 0.7751, b = −0.4904; y = w·x gives w* = 0.2589.
    let (x, y) = gistemp::xy();
    let (x, y) = (x.column(0), y.column(0));
    let n = x.len() as f64;
    let (mean_x, mean_y) = (x.sum() / n, y.sum() / n);
    let w = (&x - mean_x).dot(&(&y - mean_y)) / (&x - mean_x).dot(&(&x - mean_x));
    assert_abs_diff_eq!(w, 0.7751, epsilon = 5e-4);
    assert_abs_diff_eq!(mean_y - w * mean_x, -0.4904, epsilon = 5e-4);
    assert_abs_diff_eq!(x.dot(&y) / x.dot(&x), 0.2589, epsilon = 5e-4);
}

#[test]
fn nasa_layout_with_two_line_quoted_title_reads_the_same_rows() {
    assert!(NASA_LAYOUT.starts_with("\"Land-Ocean Temperature Index (C)\n"));
    assert_eq!(xy_from_csv(NASA_LAYOUT, "nasa.csv").unwrap(), gistemp::xy());
}

#[test]
fn bad_number_names_its_line_and_text() {
    // Line 57 of the file is year 1934 (title, header, then 1880 on line 3).
    let mut lines: Vec<&str> = gistemp::BUNDLED_CSV.lines().collect();
    lines[56] = "1934,abc,-0.14";
    let err = xy_from_csv(&lines.join("\n"), "graph.csv").unwrap_err();
    assert_eq!(err.to_string(), "graph.csv, line 57: could not read `abc` as a number in column No_Smoothing");
}

#[test]
fn bad_line_is_counted_in_physical_lines_after_a_two_line_title() {
    let text = NASA_LAYOUT.replace("1881,-0.08,-0.13", "1881,,-0.13");
    let err = xy_from_csv(&text, "nasa.csv").unwrap_err();
    assert!(matches!(err, LabError::Data { line: Some(5), .. }), "{err}");
    assert!(err.to_string().contains("no value in column No_Smoothing"), "{err}");
}

#[test]
fn bad_year_is_an_error() {
    let err = xy_from_csv("title\nYear,No_Smoothing\n1880,0.1\n188O,0.2\n", "t.csv").unwrap_err();
    assert_eq!(err.to_string(), "t.csv, line 4: could not read `188O` as a whole number in column Year");
}

#[test]
fn missing_title_line_is_reported_at_the_header() {
    let text = gistemp::BUNDLED_CSV.split_once('\n').unwrap().1; // header first: it gets skipped
    let err = xy_from_csv(text, "notitle.csv").unwrap_err();
    assert!(matches!(err, LabError::Data { line: Some(2), .. }), "{err}");
    assert!(err.to_string().contains("no column Year in the header `1880,-0.16,-0.09`"), "{err}");
}

#[test]
fn missing_column_empty_table_and_empty_text_are_errors() {
    let err = xy_from_csv("title\nYear,Lowess(5)\n1880,0.1\n", "t.csv").unwrap_err();
    assert!(err.to_string().contains("no column No_Smoothing"), "{err}");
    let err = xy_from_csv("title\nYear,No_Smoothing,Lowess(5)\n\n", "t.csv").unwrap_err();
    assert_eq!(err.to_string(), "t.csv: no data rows after the header");
    let err = xy_from_csv("", "t.csv").unwrap_err();
    assert_eq!(err.to_string(), "t.csv: no header after the title line");
}

#[test]
fn windows_line_ends_are_accepted() {
    let text = gistemp::BUNDLED_CSV.replace('\n', "\r\n");
    assert_eq!(xy_from_csv(&text, "crlf.csv").unwrap(), gistemp::xy());
}

#[cfg(feature = "polars")]
mod polars_reader {
    use super::*;
    use labkit::polars::prelude::*;

    #[test]
    fn bundled_dataframe_has_typed_columns_and_143_rows() {
        let df = gistemp::bundled().unwrap();
        assert_eq!(df.height(), 143);
        assert_eq!(df.get_column_names(), ["Year", "No_Smoothing", "Lowess(5)"]);
        assert_eq!(df.dtypes(), [DataType::Int64, DataType::Float64, DataType::Float64]);
        let lowess = df.column("Lowess(5)").unwrap().f64().unwrap();
        assert_eq!((lowess.get(0), lowess.get(142)), (Some(-0.09), Some(0.90)));
    }

    #[test]
    fn polars_skip_rows_copes_with_the_quoted_two_line_title() {
        let nasa = gistemp::read_csv(NASA_LAYOUT).unwrap();
        assert!(nasa.equals(&gistemp::bundled().unwrap()));
    }

    #[test]
    fn dataframe_gives_the_same_x_and_y() {
        let df = gistemp::read_csv(NASA_LAYOUT).unwrap();
        assert_eq!(gistemp::xy_from_df(&df).unwrap(), gistemp::xy());
    }

    #[test]
    fn polars_parse_error_names_the_line() {
        let mut lines: Vec<&str> = gistemp::BUNDLED_CSV.lines().collect();
        lines[56] = "1934,abc,-0.14";
        let err = gistemp::read_csv(&lines.join("\n")).unwrap_err();
        assert_eq!(err.to_string(), "CSV text, line 57: could not read `abc` as a number in column No_Smoothing");
    }

    #[test]
    fn polars_parse_error_in_lowess_names_the_line_too() {
        let text = gistemp::BUNDLED_CSV.replace("1881,-0.08,-0.13", "1881,-0.08,n/a");
        let err = gistemp::read_csv(&text).unwrap_err();
        assert_eq!(err.to_string(), "CSV text, line 4: could not read `n/a` as a number in column Lowess(5)");
    }

    #[test]
    fn file_path_is_read_too() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gistemp_global_land_ocean_nasa_layout.csv");
        assert_eq!(gistemp::read_csv(path).unwrap().height(), 143);
        let err = gistemp::read_csv("no/such/file.csv").unwrap_err();
        assert!(err.to_string().starts_with("could not read no/such/file.csv: "), "{err}");
    }
}
