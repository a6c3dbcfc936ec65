//! NASA's global temperature record (GISTEMP v4, Land-Ocean Temperature Index), read as the
//! GISTEMP lab reads it:
//!
//! ```python
//! data = pd.read_csv(".../graph.csv", skiprows=1)     # Year, No_Smoothing, Lowess(5)
//! x = torch.tensor(data.iloc[:, 0], dtype=torch.float).view(-1, 1)
//! x -= 1880.0; x /= 100.                              # float32: centuries since 1880
//! y_true = torch.tensor(data.iloc[:, 1]).view(-1, 1)  # float64: anomaly in °C
//! ```
//!
//! [`xy`] reads the bundled January-2023 release (1880–2022, the lab's vintage) offline.
//! Feature `polars` adds `DataFrame`s (`read_csv`); `download` adds `download` and `load`.

use crate::error::{LabError, Result};
use ndarray::Array2;
#[cfg(feature = "polars")]
use polars::prelude::*;
#[cfg(feature = "download")]
use std::{fmt, time::Duration};

/// The URL the lab passes to `pd.read_csv`. It serves NASA's latest release: more years than
/// the bundled copy, and slightly revised old values.
///
/// # Example
/// ```
/// assert!(labkit::gistemp::NASA_URL.ends_with("/graph.csv"));
/// ```
pub const NASA_URL: &str = "https://data.giss.nasa.gov/gistemp/graphs_v4/graph_data/Global_Mean_Estimates_based_on_Land_and_Ocean_Data/graph.csv";

/// The bundled copy: NASA GISTEMP v4, January 2023, 1880–2022 (143 rows). Line 1 is the title
/// `Land-Ocean Temperature Index (C)`, line 2 the header `Year,No_Smoothing,Lowess(5)`.
/// Provenance: `data/SOURCE.md` in this crate.
///
/// # Example
/// ```
/// let mut lines = labkit::gistemp::BUNDLED_CSV.lines();
/// assert_eq!(lines.nth(2), Some("1880,-0.16,-0.09"));
/// ```
pub const BUNDLED_CSV: &str = include_str!("../../data/gistemp_global_land_ocean.csv");

/// The lab's `x = (year − 1880) / 100` and `y = No_Smoothing` from the bundled copy, both of
/// shape (143, 1); see [`xy_from_csv`].
///
/// # Example
/// ```
/// let (x, y) = labkit::gistemp::xy();
/// assert_eq!(x.dim(), (143, 1));
/// assert_eq!((x[[0, 0]], y[[0, 0]]), (0.0, -0.16)); // 1880
/// ```
pub fn xy() -> (Array2<f64>, Array2<f64>) {
    xy_from_csv(BUNDLED_CSV, "gistemp_global_land_ocean.csv").expect("the bundled CSV is valid")
}

/// Reads the lab's `x` and `y` from GISTEMP CSV text, without polars: `x = (year − 1880) / 100`
/// in float32 as the lab's `x -= 1880.0; x /= 100.` (widened to f64), `y = No_Smoothing` in f64,
/// both of shape (n, 1).
///
/// The layout is NASA's: one title record, skipped like pandas `skiprows=1` (it may be a
/// quoted field spanning two lines), the header `Year,No_Smoothing,Lowess(5)`, one row per
/// year. Errors name `source` and the 1-based line (see the example).
///
/// # Example
/// ```
/// use labkit::gistemp::xy_from_csv;
/// let text = "Land-Ocean Temperature Index (C)\nYear,No_Smoothing,Lowess(5)\n1880,-0.16,-0.09\n1980,0.26,0.21\n";
/// let (x, y) = xy_from_csv(text, "mine.csv")?;
/// assert_eq!((x[[1, 0]], y[[1, 0]]), (1.0, 0.26));
///
/// let err = xy_from_csv(&text.replace("0.26", "abc"), "mine.csv").unwrap_err();
/// assert_eq!(err.to_string(), "mine.csv, line 4: could not read `abc` as a number in column No_Smoothing");
/// # Ok::<(), labkit::LabError>(())
/// ```
pub fn xy_from_csv(text: &str, source: &str) -> Result<(Array2<f64>, Array2<f64>)> {
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
    let find = |name: &str| {
        let hint = "expected `Year,No_Smoothing,Lowess(5)` after one title line";
        let missing = || fail(Some(header_line), format!("no column {name} in the header `{header}` ({hint})"));
        names.iter().position(|n| *n == name).ok_or_else(missing)
    };
    let (year_col, temp_col) = (find("Year")?, find("No_Smoothing")?);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for (number, line) in lines.filter(|(_, line)| !line.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let field = |col: usize, name: &str| {
            let missing = || fail(Some(number), format!("no value in column {name} in `{line}`"));
            fields.get(col).copied().filter(|f| !f.is_empty()).ok_or_else(missing)
        };
        let bad = |text: &str, what: &str, name: &str| {
            fail(Some(number), format!("could not read `{text}` as {what} in column {name}"))
        };
        let (year, temp) = (field(year_col, "Year")?, field(temp_col, "No_Smoothing")?);
        x.push(centuries_since_1880(year.parse().map_err(|_| bad(year, "a whole number", "Year"))?));
        y.push(temp.parse().map_err(|_| bad(temp, "a number", "No_Smoothing"))?);
        // Lowess(5) is not returned, but must be a number (or empty) too, as polars requires.
        for (text, name) in fields.iter().zip(&names).filter(|(text, _)| !text.is_empty()) {
            text.parse::<f64>().map_err(|_| bad(text, "a number", name))?;
        }
    }
    if x.is_empty() {
        return Err(fail(None, "no data rows after the header".into()));
    }
    Ok((column(x), column(y)))
}

/// `pd.read_csv(path, skiprows=1)` with polars: a `DataFrame` with columns `Year` (i64),
/// `No_Smoothing` (f64) and `Lowess(5)` (f64). `text_or_path` is CSV text if it contains a line
/// break, else a file path. Polars' `skip_rows(1)`, like pandas, skips one record, quotes
/// respected (NASA's title spans two lines). When polars fails, [`xy_from_csv`] names the line.
///
/// # Example
/// ```
/// let df = labkit::gistemp::read_csv(labkit::gistemp::BUNDLED_CSV)?;
/// assert_eq!(df.height(), 143);
/// assert_eq!(df.column("Year")?.i64()?.get(0), Some(1880));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "polars")]
pub fn read_csv(text_or_path: &str) -> Result<DataFrame> {
    let (text, source) = if text_or_path.contains('\n') {
        (text_or_path.to_string(), "CSV text")
    } else {
        let text = std::fs::read_to_string(text_or_path).map_err(|e| LabError::Io {
            action: "read",
            path: text_or_path.to_string(),
            reason: e.to_string(),
        })?;
        (text, text_or_path)
    };
    let columns = [("Year", DataType::Int64), ("No_Smoothing", DataType::Float64), ("Lowess(5)", DataType::Float64)];
    let schema = Schema::from_iter(columns.map(|(name, dtype)| Field::new(name.into(), dtype)));
    CsvReadOptions::default()
        .with_skip_rows(1)
        .with_has_header(true)
        .with_schema_overwrite(Some(Arc::new(schema)))
        .into_reader_with_file_handle(std::io::Cursor::new(text.as_bytes()))
        .finish()
        .map_err(|polars_error| match xy_from_csv(&text, source) {
            Err(named_line) => named_line,
            Ok(_) => data_error(source, None, polars_error.to_string()),
        })
}

/// The bundled copy as a `DataFrame` (143 rows): [`read_csv`] of [`BUNDLED_CSV`].
///
/// # Example
/// ```
/// let df = labkit::gistemp::bundled()?;
/// assert_eq!(df.get_column_names(), ["Year", "No_Smoothing", "Lowess(5)"]);
/// # Ok::<(), labkit::LabError>(())
/// ```
#[cfg(feature = "polars")]
pub fn bundled() -> Result<DataFrame> {
    read_csv(BUNDLED_CSV)
}

/// The lab's `x` and `y` from a GISTEMP `DataFrame`: the same numbers as [`xy_from_csv`].
///
/// # Example
/// ```
/// let (x, y) = labkit::gistemp::xy_from_df(&labkit::gistemp::bundled()?)?;
/// assert_eq!((x, y), labkit::gistemp::xy());
/// # Ok::<(), labkit::LabError>(())
/// ```
#[cfg(feature = "polars")]
pub fn xy_from_df(df: &DataFrame) -> Result<(Array2<f64>, Array2<f64>)> {
    let fail = |reason| data_error("DataFrame", None, reason);
    let cast =
        |name: &str, dtype: DataType| df.column(name).and_then(|c| c.cast(&dtype)).map_err(|e| fail(e.to_string()));
    let (years, temps) = (cast("Year", DataType::Int64)?, cast("No_Smoothing", DataType::Float64)?);
    let x: Option<Vec<f64>> = years.i64().unwrap().iter().map(|year| year.map(centuries_since_1880)).collect();
    let y: Option<Vec<f64>> = temps.f64().unwrap().iter().collect();
    match (x, y) {
        (Some(x), Some(y)) => Ok((column(x), column(y))),
        _ => Err(fail("Year or No_Smoothing has missing values".into())),
    }
}

/// How messages name the bundled copy.
#[cfg(feature = "download")]
const BUNDLED_NAME: &str = "the bundled copy (NASA GISTEMP v4, January 2023, 1880–2022)";

/// Where the `DataFrame` returned by [`load`] came from.
///
/// # Example
/// ```
/// use labkit::gistemp::Source;
/// let source = Source::Bundled { reason: "no network".into() };
/// assert!(source.to_string().starts_with("the bundled copy"));
/// ```
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

/// Downloads GISTEMP CSV text from `url` (usually [`NASA_URL`]).
///
/// Fails with [`LabError::Download`] naming the URL and the reason if the whole request takes
/// longer than `timeout`, the connection fails, the status is not 2xx, the body exceeds 1 MB,
/// or the body is not GISTEMP CSV (by [`xy_from_csv`]), e.g. an HTML page.
///
/// # Example
/// ```no_run
/// use labkit::gistemp;
/// let text = gistemp::download(gistemp::NASA_URL, std::time::Duration::from_secs(10))?;
/// let df = gistemp::read_csv(&text)?;
/// # Ok::<(), labkit::LabError>(())
/// ```
#[cfg(feature = "download")]
pub fn download(url: &str, timeout: Duration) -> Result<String> {
    let fail = |reason: String| LabError::Download { url: url.to_string(), reason };
    let text = super::download::fetch(url, timeout)?;
    if text.trim_start().starts_with('<') {
        return Err(fail("not GISTEMP CSV but an HTML page".into()));
    }
    xy_from_csv(&text, "the body").map_err(|e| fail(format!("not GISTEMP CSV ({e})")))?;
    Ok(text)
}

/// The GISTEMP `DataFrame`: downloaded from `url` if possible, else the bundled copy.
///
/// On failure it prints one line saying why, e.g. `could not download https://…/graph.csv:
/// timed out after 5 s — using the bundled copy (NASA GISTEMP v4, January 2023, 1880–2022)`,
/// and returns [`Source::Bundled`] with that reason: a notebook always gets data.
///
/// # Example
/// ```
/// use labkit::gistemp::{self, Source};
/// // Nothing serves GISTEMP on port 9 here, so this falls back.
/// let (df, source) = gistemp::load("http://127.0.0.1:9/graph.csv", std::time::Duration::from_secs(2));
/// assert!(matches!(source, Source::Bundled { .. }));
/// assert_eq!(df.height(), 143);
/// ```
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

/// The lab's float32 scaling `x -= 1880.0; x /= 100.`, widened to f64.
fn centuries_since_1880(year: i64) -> f64 {
    f64::from((year as f32 - 1880.0) / 100.0)
}

/// A [`LabError::Data`] about `source`, at a 1-based `line` when known.
fn data_error(source: &str, line: Option<usize>, reason: String) -> LabError {
    LabError::Data { source: source.to_string(), line, reason }
}

/// A `Vec` as an (n, 1) column.
fn column(values: Vec<f64>) -> Array2<f64> {
    Array2::from_shape_vec((values.len(), 1), values).expect("n × 1 holds n values")
}
