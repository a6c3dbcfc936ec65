//! NASA's current GISTEMP file (feature `download`), the bundled copy as fallback; reached as
//! `labkit::gistemp::{download, load, Source}`.

use super::gistemp;
use crate::error::{LabError, Result};
use polars::prelude::DataFrame;
use std::{fmt, time::Duration};

/// How messages name the bundled copy.
const BUNDLED_NAME: &str = "the bundled copy (NASA GISTEMP v4, January 2023, 1880–2022)";

/// The largest body accepted. NASA's file is about 3 kB; anything near 1 MB is not it.
const MAX_BYTES: u64 = 1 << 20;

/// Where the `DataFrame` returned by [`load`] came from.
///
/// # Example
/// ```
/// use labkit::gistemp::Source;
/// let source = Source::Bundled { reason: "no network".into() };
/// assert!(source.to_string().starts_with("the bundled copy"));
/// ```
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

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Downloaded(url) => write!(f, "downloaded from {url}"),
            Source::Bundled { reason } => write!(f, "{BUNDLED_NAME}: {reason}"),
        }
    }
}

/// Downloads GISTEMP CSV text from `url` (usually [`gistemp::NASA_URL`]) with ureq.
///
/// Fails with [`LabError::Download`] naming the URL and the reason if the whole request takes
/// longer than `timeout`, the connection fails, the status is not 2xx, the body exceeds 1 MB,
/// or the body is not GISTEMP CSV (by [`gistemp::xy_from_csv`]), e.g. an HTML page.
///
/// # Example
/// ```no_run
/// use labkit::gistemp;
/// let text = gistemp::download(gistemp::NASA_URL, std::time::Duration::from_secs(10))?;
/// let df = gistemp::read_csv(&text)?;
/// # Ok::<(), labkit::LabError>(())
/// ```
pub fn download(url: &str, timeout: Duration) -> Result<String> {
    let fail = |reason: String| LabError::Download { url: url.to_string(), reason };
    let describe = |error: ureq::Error| match error {
        ureq::Error::Timeout(_) => format!("timed out after {} s", timeout.as_secs_f64()),
        other => other.to_string(),
    };
    let config = ureq::Agent::config_builder().timeout_global(Some(timeout)).http_status_as_error(false);
    let agent = ureq::Agent::new_with_config(config.build());
    let mut response = agent.get(url).call().map_err(|e| fail(describe(e)))?;
    if !response.status().is_success() {
        return Err(fail(format!("the server answered HTTP {}", response.status())));
    }
    let text = response.body_mut().with_config().limit(MAX_BYTES).read_to_string().map_err(|e| fail(describe(e)))?;
    if text.trim_start().starts_with('<') {
        return Err(fail("not GISTEMP CSV but an HTML page".into()));
    }
    gistemp::xy_from_csv(&text, "the body").map_err(|e| fail(format!("not GISTEMP CSV ({e})")))?;
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
pub fn load(url: &str, timeout: Duration) -> (DataFrame, Source) {
    match download(url, timeout).and_then(|text| gistemp::read_csv(&text)) {
        Ok(df) => (df, Source::Downloaded(url.to_string())),
        Err(error) => {
            println!("{error} — using {BUNDLED_NAME}");
            let df = gistemp::bundled().expect("the bundled CSV is valid");
            (df, Source::Bundled { reason: error.to_string() })
        }
    }
}
