//! NASA's global temperature record (GISTEMP v4, Land-Ocean Temperature Index), read with
//! polars (feature `polars`) as the GISTEMP lab reads it:
//!
//! ```python
//! data = pd.read_csv(".../graph.csv", skiprows=1)     # Year, No_Smoothing, Lowess(5)
//! x = torch.tensor(data.iloc[:, 0], dtype=torch.float).view(-1, 1)
//! x -= 1880.0; x /= 100.                              # float32: centuries since 1880
//! y_true = torch.tensor(data.iloc[:, 1]).view(-1, 1)  # float64: anomaly in °C
//! ```
//!
//! [`bundled`] reads the copy shipped with the crate, the January-2023 release (1880–2022, the
//! lab's vintage), offline; [`xy_from_df`] gives the lab's `x` and `y_true`. Feature `download`
//! adds [`load`], which fetches NASA's current file.

use crate::error::{LabError, Result};
use ndarray::Array2;
use polars::prelude::*;
#[cfg(feature = "download")]
use std::{fmt, time::Duration};

/// The URL the lab passes to `pd.read_csv`. It serves NASA's latest release: more years than
/// the bundled copy, and slightly revised old values.
pub const NASA_URL: &str = "https://data.giss.nasa.gov/gistemp/graphs_v4/graph_data/Global_Mean_Estimates_based_on_Land_and_Ocean_Data/graph.csv";

/// The bundled copy: NASA GISTEMP v4, January 2023, 1880–2022 (143 rows). Line 1 is the title
/// `Land-Ocean Temperature Index (C)`, line 2 the header `Year,No_Smoothing,Lowess(5)`.
/// Provenance: `data/SOURCE.md` in this crate.
const BUNDLED_CSV: &str = include_str!("../../data/gistemp_global_land_ocean.csv");

/// The bundled copy as a `DataFrame` of 143 rows with columns `Year` (i64), `No_Smoothing`
/// (f64) and `Lowess(5)` (f64): the lab's `pd.read_csv(..., skiprows=1)`.
pub fn bundled() -> Result<DataFrame> {
    read_csv(BUNDLED_CSV)
}

/// `pd.read_csv(text, skiprows=1)` with polars. Polars' `skip_rows(1)`, like pandas, skips one
/// record, quotes respected (NASA's title spans two lines). When polars fails, [`check_csv`]
/// names the line at fault.
fn read_csv(text: &str) -> Result<DataFrame> {
    let columns = [("Year", DataType::Int64), ("No_Smoothing", DataType::Float64), ("Lowess(5)", DataType::Float64)];
    let schema = Schema::from_iter(columns.map(|(name, dtype)| Field::new(name.into(), dtype)));
    CsvReadOptions::default()
        .with_skip_rows(1)
        .with_has_header(true)
        .with_schema_overwrite(Some(Arc::new(schema)))
        .into_reader_with_file_handle(std::io::Cursor::new(text.as_bytes()))
        .finish()
        .map_err(|polars_error| match check_csv(text, "CSV text") {
            Err(named_line) => named_line,
            Ok(()) => data_error("CSV text", None, polars_error.to_string()),
        })
}

/// Checks GISTEMP CSV text line by line, without polars, so that an error names `source` and
/// the 1-based line: one title record, skipped like pandas `skiprows=1` (it may be a quoted
/// field spanning two lines), the header `Year,No_Smoothing,Lowess(5)`, then one row per year
/// with a whole-number `Year`, a number in `No_Smoothing` and a number or nothing elsewhere.
fn check_csv(text: &str, source: &str) -> Result<()> {
    let fail = |line, reason| data_error(source, line, reason);
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    // The title record ends at the first line end outside quotes: after an even number of `"`.
    let mut quotes = 0;
    for (_, line) in lines.by_ref() {
        quotes += line.matches('"').count();
        if quotes % 2 == 0 {
            break;
        }
    }
    let (header_line, header) = lines.next().ok_or_else(|| fail(None, "no header after the title line".into()))?;
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    if let Some(name) = ["Year", "No_Smoothing"].into_iter().find(|name| !names.contains(name)) {
        let hint = "expected `Year,No_Smoothing,Lowess(5)` after one title line";
        return Err(fail(Some(header_line), format!("no column {name} in the header `{header}` ({hint})")));
    }
    let mut rows = 0;
    for (number, line) in lines.filter(|(_, line)| !line.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        for (k, &name) in names.iter().enumerate() {
            let text = fields.get(k).copied().unwrap_or("");
            if text.is_empty() && (name == "Year" || name == "No_Smoothing") {
                return Err(fail(Some(number), format!("no value in column {name} in `{line}`")));
            }
            let (what, ok) = match name {
                "Year" => ("a whole number", text.parse::<i64>().is_ok()),
                _ => ("a number", text.is_empty() || text.parse::<f64>().is_ok()),
            };
            if !ok {
                return Err(fail(Some(number), format!("could not read `{text}` as {what} in column {name}")));
            }
        }
        rows += 1;
    }
    if rows == 0 {
        return Err(fail(None, "no data rows after the header".into()));
    }
    Ok(())
}

/// The lab's `x` and `y_true` from a GISTEMP `DataFrame`, both of shape (n, 1): `x = (year −
/// 1880) / 100` computed in float32 as the lab's `x -= 1880.0; x /= 100.` (widened to f64),
/// `y = No_Smoothing` in f64.
pub fn xy_from_df(df: &DataFrame) -> Result<(Array2<f64>, Array2<f64>)> {
    let fail = |reason| data_error("DataFrame", None, reason);
    let cast =
        |name: &str, dtype: DataType| df.column(name).and_then(|c| c.cast(&dtype)).map_err(|e| fail(e.to_string()));
    let (years, temps) = (cast("Year", DataType::Int64)?, cast("No_Smoothing", DataType::Float64)?);
    let centuries_since_1880 = |year: i64| f64::from((year as f32 - 1880.0) / 100.0);
    let x: Option<Vec<f64>> = years.i64().unwrap().iter().map(|year| year.map(centuries_since_1880)).collect();
    let y: Option<Vec<f64>> = temps.f64().unwrap().iter().collect();
    let column = |v: Vec<f64>| Array2::from_shape_vec((v.len(), 1), v).expect("n × 1 holds n values");
    match (x, y) {
        (Some(x), Some(y)) => Ok((column(x), column(y))),
        _ => Err(fail("Year or No_Smoothing has missing values".into())),
    }
}

/// How messages name the bundled copy.
#[cfg(feature = "download")]
const BUNDLED_NAME: &str = "the bundled copy (NASA GISTEMP v4, January 2023, 1880–2022)";

/// Where the `DataFrame` returned by [`load`] came from; shown as `downloaded from <url>` or
/// `the bundled copy (…): <reason>`.
#[cfg(feature = "download")]
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Downloaded from this URL.
    Downloaded(String),
    /// The copy shipped with the crate, used because the download failed for `reason`.
    Bundled {
        /// Why the download failed.
        reason: String,
    },
}

#[cfg(feature = "download")]
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Downloaded(url) => write!(f, "downloaded from {url}"),
            Source::Bundled { reason } => write!(f, "{BUNDLED_NAME}: {reason}"),
        }
    }
}

/// GISTEMP CSV text from `url`. Fails with [`LabError::Download`] naming the URL and the reason
/// if the request fails (see `download.rs`) or the body is not GISTEMP CSV, e.g. an HTML page.
#[cfg(feature = "download")]
fn download(url: &str, timeout: Duration) -> Result<String> {
    let fail = |reason: String| LabError::Download { url: url.to_string(), reason };
    let text = super::download::fetch(url, timeout)?;
    if text.trim_start().starts_with('<') {
        return Err(fail("not GISTEMP CSV but an HTML page".into()));
    }
    check_csv(&text, "the body").map_err(|e| fail(format!("not GISTEMP CSV ({e})")))?;
    Ok(text)
}

/// The GISTEMP `DataFrame`: downloaded from `url` if possible, else the bundled copy.
///
/// On failure it prints one line saying why, e.g. `could not download https://…/graph.csv:
/// timed out after 5 s — using the bundled copy (NASA GISTEMP v4, January 2023, 1880–2022)`,
/// and returns [`Source::Bundled`] with that reason: a notebook always gets data.
#[cfg(feature = "download")]
pub fn load(url: &str, timeout: Duration) -> (DataFrame, Source) {
    match download(url, timeout).and_then(|text| read_csv(&text)) {
        Ok(df) => (df, Source::Downloaded(url.to_string())),
        Err(error) => {
            println!("{error} — using {BUNDLED_NAME}");
            let df = bundled().expect("the bundled CSV is valid");
            (df, Source::Bundled { reason: error.to_string() })
        }
    }
}

/// A [`LabError::Data`] about `source`, at a 1-based `line` when known.
fn data_error(source: &str, line: Option<usize>, reason: String) -> LabError {
    LabError::Data { source: source.to_string(), line, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NASA_LAYOUT: &str = include_str!("../../tests/fixtures/gistemp_global_land_ocean_nasa_layout.csv");

    #[test]
    fn nasa_layout_with_two_line_quoted_title_and_windows_line_ends_read_the_same_rows() {
        assert!(NASA_LAYOUT.starts_with("\"Land-Ocean Temperature Index (C)\n"));
        assert!(read_csv(NASA_LAYOUT).unwrap().equals(&bundled().unwrap()));
        let crlf = BUNDLED_CSV.replace('\n', "\r\n");
        assert!(check_csv(&crlf, "crlf.csv").is_ok());
        assert!(read_csv(&crlf).unwrap().equals(&bundled().unwrap()));
    }

    #[test]
    fn bad_number_names_its_line_and_text() {
        // Line 57 of the file is year 1934 (title, header, then 1880 on line 3).
        let mut lines: Vec<&str> = BUNDLED_CSV.lines().collect();
        lines[56] = "1934,abc,-0.14";
        let err = check_csv(&lines.join("\n"), "graph.csv").unwrap_err();
        assert_eq!(err.to_string(), "graph.csv, line 57: could not read `abc` as a number in column No_Smoothing");
        // When polars fails, the same line is named.
        let err = read_csv(&lines.join("\n")).unwrap_err();
        assert_eq!(err.to_string(), "CSV text, line 57: could not read `abc` as a number in column No_Smoothing");
        let text = BUNDLED_CSV.replace("1881,-0.08,-0.13", "1881,-0.08,n/a");
        let err = read_csv(&text).unwrap_err();
        assert_eq!(err.to_string(), "CSV text, line 4: could not read `n/a` as a number in column Lowess(5)");
    }

    #[test]
    fn bad_line_is_counted_in_physical_lines_after_a_two_line_title() {
        let text = NASA_LAYOUT.replace("1881,-0.08,-0.13", "1881,,-0.13");
        let err = check_csv(&text, "nasa.csv").unwrap_err();
        assert!(matches!(err, LabError::Data { line: Some(5), .. }), "{err}");
        assert!(err.to_string().contains("no value in column No_Smoothing"), "{err}");
    }

    #[test]
    fn bad_year_is_an_error() {
        let err = check_csv("title\nYear,No_Smoothing\n1880,0.1\n188O,0.2\n", "t.csv").unwrap_err();
        assert_eq!(err.to_string(), "t.csv, line 4: could not read `188O` as a whole number in column Year");
    }

    #[test]
    fn missing_title_line_is_reported_at_the_header() {
        let text = BUNDLED_CSV.split_once('\n').unwrap().1; // header first: it gets skipped
        let err = check_csv(text, "notitle.csv").unwrap_err();
        assert!(matches!(err, LabError::Data { line: Some(2), .. }), "{err}");
        assert!(err.to_string().contains("no column Year in the header `1880,-0.16,-0.09`"), "{err}");
    }

    #[test]
    fn missing_column_empty_table_and_empty_text_are_errors() {
        let err = check_csv("title\nYear,Lowess(5)\n1880,0.1\n", "t.csv").unwrap_err();
        assert!(err.to_string().contains("no column No_Smoothing"), "{err}");
        let err = check_csv("title\nYear,No_Smoothing,Lowess(5)\n\n", "t.csv").unwrap_err();
        assert_eq!(err.to_string(), "t.csv: no data rows after the header");
        let err = check_csv("", "t.csv").unwrap_err();
        assert_eq!(err.to_string(), "t.csv: no header after the title line");
    }
}
