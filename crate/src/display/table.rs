//! [`df_table`]: the first rows of a polars `DataFrame` as a [`Table`], like `data.head()`
//! in a pandas notebook.

use super::{emit, escape};
use polars::prelude::{AnyValue, Column, DataFrame};
use std::fmt;

/// The first rows of a data frame as text cells, with the column names and types and the
/// number of rows in all. Shown as an HTML table; `Display` gives the same table as
/// plain text with right-aligned columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    names: Vec<String>,
    dtypes: Vec<String>,
    /// `columns[k][row]`: the shown cells of column `k`.
    columns: Vec<Vec<String>>,
    /// Rows of the whole data frame, shown or not.
    total_rows: usize,
}

/// The first `max_rows` rows of a polars `DataFrame` with its column types
/// (`data.head()` in a pandas notebook). Floats of a column share a number of decimals,
/// as pandas prints them.
pub fn df_table(df: &DataFrame, max_rows: usize) -> Table {
    let shown = df.height().min(max_rows);
    let cells = |column: &Column| -> Vec<String> {
        let values: Vec<AnyValue> = (0..shown).map(|i| column.get(i).unwrap_or(AnyValue::Null)).collect();
        if !column.dtype().is_float() {
            return values.iter().map(|x| x.get_str().map_or_else(|| x.to_string(), str::to_string)).collect();
        }
        let floats: Vec<f64> = values.iter().map(|x| x.extract::<f64>().unwrap_or(f64::NAN)).collect();
        let text = format_column(&floats);
        text.into_iter().zip(&values).map(|(s, x)| if x.is_null() { "null".into() } else { s }).collect()
    };
    Table {
        names: df.get_column_names().iter().map(|n| n.to_string()).collect(),
        dtypes: df.columns().iter().map(|c| c.dtype().to_string()).collect(),
        columns: df.columns().iter().map(cells).collect(),
        total_rows: df.height(),
    }
}

impl Table {
    fn shown_rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.len())
    }

    /// `"… 7 more rows"` when rows are left out.
    fn more_rows(&self) -> Option<String> {
        let more = self.total_rows - self.shown_rows();
        (more > 0).then(|| format!("… {more} more {}", if more == 1 { "row" } else { "rows" }))
    }

    fn shape(&self) -> String {
        let (r, c) = (self.total_rows, self.names.len());
        format!("{r} rows × {c} columns (shape [{r}, {c}])")
    }

    /// The table in HTML: names and types as header rows, then the row index and the cells,
    /// "… n more rows" and the shape as a caption.
    pub fn to_html(&self) -> String {
        let mut h = String::from("<table class=\"labkit-table\">\n<thead><tr><th></th>");
        self.names.iter().for_each(|name| h.push_str(&format!("<th>{}</th>", escape(name))));
        h.push_str("</tr>\n<tr><th></th>");
        self.dtypes.iter().for_each(|t| h.push_str(&format!("<td style=\"color:#777\">{}</td>", escape(t))));
        h.push_str("</tr>\n</thead>\n<tbody>\n");
        for row in 0..self.shown_rows() {
            h.push_str(&format!("<tr><th>{row}</th>"));
            self.columns.iter().for_each(|c| h.push_str(&format!("<td>{}</td>", escape(&c[row]))));
            h.push_str("</tr>\n");
        }
        if let Some(more) = self.more_rows() {
            h.push_str(&format!("<tr><td colspan=\"{}\">{more}</td></tr>\n", self.names.len() + 1));
        }
        let caption = "caption-side:bottom;text-align:left;white-space:nowrap";
        h.push_str(&format!("</tbody>\n<caption style=\"{caption}\">{}</caption>\n</table>", self.shape()));
        h
    }

    /// Shows the table in evcxr/Jupyter, with the plain-text fallback.
    pub fn evcxr_display(&self) {
        emit(&[("text/html", &self.to_html()), ("text/plain", &self.to_string())]);
    }
}

/// The plain-text table: names, types and rows in right-aligned columns, two spaces apart.
impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let index: Vec<String> = (0..self.shown_rows()).map(|row| row.to_string()).collect();
        // One row of cells per line; the first cell is the row index (empty for names and types).
        let mut lines: Vec<Vec<&str>> = vec![
            std::iter::once("").chain(self.names.iter().map(String::as_str)).collect(),
            std::iter::once("").chain(self.dtypes.iter().map(String::as_str)).collect(),
        ];
        for (row, i) in index.iter().enumerate() {
            lines.push(std::iter::once(i.as_str()).chain(self.columns.iter().map(|c| c[row].as_str())).collect());
        }
        let width = |k: usize| lines.iter().map(|cells| cells[k].chars().count()).max().unwrap_or(0);
        let widths: Vec<usize> = (0..=self.names.len()).map(width).collect();
        for cells in &lines {
            let aligned: Vec<String> = cells.iter().zip(&widths).map(|(c, &w)| format!("{c:>w$}")).collect();
            writeln!(f, "{}", aligned.join("  "))?;
        }
        if let Some(more) = self.more_rows() {
            writeln!(f, "{more}")?;
        }
        f.write_str(&self.shape())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_share_decimals_like_pandas() {
        assert_eq!(format_column(&[1.0, 2.5, -0.125]), ["1.000", "2.500", "-0.125"]);
        assert_eq!(format_column(&[1.0, 2.0]), ["1.0", "2.0"]);
        assert_eq!(format_column(&[1e-7, 1.0]), ["1.0000e-7", "1.0000e0"]);
    }
}
