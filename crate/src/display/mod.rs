//! Rich notebook output for evcxr: the MIME blocks that show a value, numbers written for
//! people (`num`), DataFrame tables (`df_table`, with the `polars` feature) and plain
//! panic messages ([`plain_panics`]).
//!
//! evcxr shows a value whose type has a method `evcxr_display(&self)` by calling it when
//! the value ends a cell; the method prints MIME blocks
//! `EVCXR_BEGIN_CONTENT <mime>\n…\nEVCXR_END_CONTENT` with `emit`. Every displayed object
//! prints a rich block and a `text/plain` fallback for plain viewers.
//!
//! This module uses no other part of labkit, so any module may use it (figures and the
//! slider `Explorer` in `plot` do).

mod number;
mod panic;
#[cfg(feature = "polars")]
mod table;

pub(crate) use number::num;
pub use panic::{full_panics, plain_panics};
#[cfg(feature = "polars")]
pub use table::{df_table, Table};

/// MIME blocks in evcxr's protocol: `EVCXR_BEGIN_CONTENT <mime>\n…\nEVCXR_END_CONTENT\n`.
fn blocks(bundle: &[(&str, &str)]) -> String {
    bundle
        .iter()
        .map(|(mime, content)| format!("EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT\n"))
        .collect()
}

/// Prints MIME blocks for evcxr, all in one write, e.g.
/// `emit(&[("text/html", &html), ("text/plain", &text)])`.
pub(crate) fn emit(bundle: &[(&str, &str)]) {
    print!("{}", blocks(bundle));
}

/// `<`, `>`, `&` and `"` escaped for HTML text and attributes.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_follow_the_evcxr_protocol() {
        let out = blocks(&[("text/html", "<b>hi</b>"), ("text/plain", "hi")]);
        assert_eq!(out, "EVCXR_BEGIN_CONTENT text/html\n<b>hi</b>\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\nhi\nEVCXR_END_CONTENT\n");
    }

    #[test]
    fn escape_makes_text_safe_inside_html() {
        assert_eq!(escape(r#"a < b & "c" > d"#), "a &lt; b &amp; &quot;c&quot; &gt; d");
    }
}
