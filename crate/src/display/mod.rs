//! Rich notebook output for evcxr: HTML tables, the slider [`Explorer`], and plain panic
//! messages ([`plain_panics`]).
//!
//! evcxr shows a value whose type has a method `evcxr_display(&self)` by calling it when
//! the value ends a cell; the method prints MIME blocks
//! `EVCXR_BEGIN_CONTENT <mime>\n…\nEVCXR_END_CONTENT`. Every object here prints a rich
//! block and a `text/plain` fallback for plain viewers.

mod explore;
mod panic;

pub use explore::Explorer;
pub use panic::{full_panics, plain_panics};

use ndarray::{ArrayBase, Data, Ix2};
use std::fmt;

/// MIME blocks in evcxr's protocol: `EVCXR_BEGIN_CONTENT <mime>\n…\nEVCXR_END_CONTENT\n`.
fn blocks(bundle: &[(&str, &str)]) -> String {
    bundle
        .iter()
        .map(|(mime, content)| format!("EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT\n"))
        .collect()
}

/// Prints MIME blocks for evcxr, all in one write.
pub(crate) fn emit(bundle: &[(&str, &str)]) {
    print!("{}", blocks(bundle));
}

/// `<`, `>`, `&` and `"` escaped for HTML text and attributes.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A piece of HTML shown as rich output (`IPython.display.HTML`).
///
/// `Display` gives the plain-text fallback: tags stripped, table cells aligned in columns.
///
/// # Example
/// ```
/// let note = labkit::Html("<b>MSE</b> &lt; 0.1".to_string());
/// assert_eq!(note.to_string(), "MSE < 0.1");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Html(pub String);

impl Html {
    /// Shows the HTML in evcxr/Jupyter, with the plain-text fallback.
    pub fn evcxr_display(&self) {
        emit(&[("text/html", &self.0), ("text/plain", &self.to_string())]);
    }
}

impl fmt::Display for Html {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Strip tags: rows and blocks end lines, table cells are separated by '\t'.
        let (mut text, mut rest) = (String::new(), self.0.as_str());
        while let Some(open) = rest.find('<') {
            text.push_str(&rest[..open]);
            let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
            let tag = rest[open + 1..close.saturating_sub(1).max(open + 1)].to_ascii_lowercase();
            let name = tag.split_whitespace().next().unwrap_or("");
            match name {
                "/tr" | "br" | "br/" | "/p" | "/div" | "/caption" | "/h1" | "/h2" | "/h3" | "/li" => {
                    text.push('\n')
                }
                "/td" | "/th" => text.push('\t'),
                _ => {}
            }
            rest = &rest[close..];
        }
        text.push_str(rest);
        let text =
            text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        // Align the cells of all table rows into right-aligned columns.
        let lines: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.trim_matches(' ').trim_end_matches('\t').split('\t').map(str::trim).collect())
            .collect();
        let mut widths: Vec<usize> = vec![];
        for cells in lines.iter().filter(|c| c.len() > 1) {
            widths.resize(widths.len().max(cells.len()), 0);
            cells.iter().enumerate().for_each(|(k, c)| widths[k] = widths[k].max(c.chars().count()));
        }
        let out: Vec<String> = lines
            .iter()
            .filter(|c| c.iter().any(|s| !s.is_empty()))
            .map(|cells| {
                if cells.len() == 1 {
                    return cells[0].to_string();
                }
                cells.iter().zip(&widths).map(|(c, &w)| format!("{c:>w$}")).collect::<Vec<_>>().join("  ")
            })
            .collect();
        f.write_str(&out.join("\n"))
    }
}

/// Numbers of one column with a shared number of decimals (at least 1, at most 6), as
/// pandas prints them; very large or tiny magnitudes in scientific notation.
fn format_column(v: &[f64]) -> Vec<String> {
    let odd = |x: f64| x.is_finite() && x != 0.0 && !(1e-4..1e6).contains(&x.abs());
    if v.iter().any(|&x| odd(x)) {
        return v.iter().map(|x| format!("{x:.4e}")).collect();
    }
    let needed =
        |x: f64| (1..=6).find(|&d| (x * 10f64.powi(d)).round() / 10f64.powi(d) == x || d == 6).unwrap();
    let d = v.iter().filter(|x| x.is_finite()).map(|&x| needed(x)).max().unwrap_or(1) as usize;
    v.iter().map(|x| format!("{x:.d$}")).collect()
}

/// HTML table with an index column, then "… n more rows" and a shape caption.
fn table(headers: &[String], dtypes: Option<&[String]>, columns: &[Vec<String>], total_rows: usize) -> Html {
    let shown = columns.first().map_or(0, |c| c.len());
    let mut h = String::from("<table class=\"labkit-table\">\n<thead><tr><th></th>");
    headers.iter().for_each(|name| h.push_str(&format!("<th>{}</th>", escape(name))));
    h.push_str("</tr>\n");
    if let Some(dtypes) = dtypes {
        h.push_str("<tr><th></th>");
        dtypes.iter().for_each(|t| h.push_str(&format!("<td style=\"color:#777\">{}</td>", escape(t))));
        h.push_str("</tr>\n");
    }
    h.push_str("</thead>\n<tbody>\n");
    for row in 0..shown {
        h.push_str(&format!("<tr><th>{row}</th>"));
        columns.iter().for_each(|c| h.push_str(&format!("<td>{}</td>", escape(&c[row]))));
        h.push_str("</tr>\n");
    }
    if total_rows > shown {
        let more = total_rows - shown;
        let rows = if more == 1 { "row" } else { "rows" };
        h.push_str(&format!("<tr><td colspan=\"{}\">… {more} more {rows}</td></tr>\n", headers.len() + 1));
    }
    let (r, c) = (total_rows, headers.len());
    h.push_str(&format!("</tbody>\n<caption style=\"caption-side:bottom;text-align:left;white-space:nowrap\">{r} rows × {c} columns (shape [{r}, {c}])</caption>\n</table>"));
    Html(h)
}

/// The first `max_rows` rows of a 2D array as an HTML table (`pd.DataFrame(a).head()`).
///
/// `headers` name the columns; missing names become the column number, extra names are
/// ignored.
///
/// # Example
/// ```
/// use labkit::{array, array_table};
/// let data = array![[1.0, 2.5], [2.0, 4.5], [3.0, 6.5]];
/// let table = array_table(&data, &["x", "y"], 2);
/// assert!(table.0.contains("<th>x</th>") && table.0.contains("… 1 more row"));
/// assert!(table.to_string().contains("3 rows × 2 columns"));
/// ```
pub fn array_table<S: Data<Elem = f64>>(a: &ArrayBase<S, Ix2>, headers: &[&str], max_rows: usize) -> Html {
    let shown = a.nrows().min(max_rows);
    let names: Vec<String> =
        (0..a.ncols()).map(|k| headers.get(k).map_or(k.to_string(), |h| h.to_string())).collect();
    let columns: Vec<Vec<String>> = a
        .columns()
        .into_iter()
        .map(|c| format_column(&c.iter().take(shown).copied().collect::<Vec<_>>()))
        .collect();
    table(&names, None, &columns, a.nrows())
}

/// The first `max_rows` rows of a polars `DataFrame` with its column types
/// (`data.head()` in a pandas notebook).
///
/// # Example
/// ```
/// use labkit::polars::prelude::*;
/// let df = df!("Year" => [1880i64, 1881], "J-D" => [-0.17, -0.09]).unwrap();
/// let table = labkit::df_table(&df, 5);
/// assert!(table.0.contains("<th>J-D</th>") && table.to_string().contains("-0.17"));
/// ```
#[cfg(feature = "polars")]
pub fn df_table(df: &polars::prelude::DataFrame, max_rows: usize) -> Html {
    use polars::prelude::AnyValue;
    let shown = df.height().min(max_rows);
    let names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    let dtypes: Vec<String> = df.columns().iter().map(|c| c.dtype().to_string()).collect();
    let columns: Vec<Vec<String>> = df
        .columns()
        .iter()
        .map(|c| {
            let cells: Vec<AnyValue> = (0..shown).map(|i| c.get(i).unwrap_or(AnyValue::Null)).collect();
            if c.dtype().is_float() {
                let v: Vec<f64> = cells.iter().map(|x| x.extract::<f64>().unwrap_or(f64::NAN)).collect();
                format_column(&v)
                    .into_iter()
                    .zip(&cells)
                    .map(|(s, x)| if x.is_null() { "null".into() } else { s })
                    .collect()
            } else {
                cells.iter().map(|x| x.get_str().map_or_else(|| x.to_string(), str::to_string)).collect()
            }
        })
        .collect();
    table(&names, Some(&dtypes), &columns, df.height())
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
    fn columns_share_decimals_like_pandas() {
        assert_eq!(format_column(&[1.0, 2.5, -0.125]), ["1.000", "2.500", "-0.125"]);
        assert_eq!(format_column(&[1.0, 2.0]), ["1.0", "2.0"]);
        assert_eq!(format_column(&[1e-7, 1.0]), ["1.0000e-7", "1.0000e0"]);
    }
}
