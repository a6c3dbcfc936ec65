//! Text over HTTP with ureq (feature `download`): the one network call in labkit, used by
//! `gistemp::load`. It knows nothing about GISTEMP.

use crate::error::{LabError, Result};
use std::time::Duration;

/// The largest body accepted: 1 MB (NASA's GISTEMP file is about 3 kB).
const MAX_BYTES: u64 = 1 << 20;

/// The body of `GET url` as text. Fails with [`LabError::Download`] naming the URL and the
/// reason if the whole request takes longer than `timeout`, the connection fails, the status
/// is not 2xx, or the body exceeds 1 MB or is not UTF-8.
pub(super) fn fetch(url: &str, timeout: Duration) -> Result<String> {
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
    response.body_mut().with_config().limit(MAX_BYTES).read_to_string().map_err(|e| fail(describe(e)))
}
