//! The `text/plain` summary of a figure: what is plotted, in words and numbers.

use super::grid::nice_levels;
use super::render::finite_range;
use super::{Figure, GridKind, Panel, Series};
use std::fmt;

/// A number with about 3 significant digits, trailing zeros trimmed: `0.0927`, `1.23`, `49`.
pub(crate) fn num(v: f64) -> String {
    let mag = if v == 0.0 { 0 } else { v.abs().log10().floor() as i32 };
    if !v.is_finite() || !(-4..6).contains(&mag) {
        return format!("{v:.2e}");
    }
    let s = format!("{v:.*}", (2 - mag).max(0) as usize);
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// `"lo..hi"` of the finite values, noting NaN/∞ entries.
fn span(v: &[f64]) -> String {
    let finite: Vec<f64> = v.iter().copied().filter(|v| v.is_finite()).collect();
    let (lo, hi) = finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let bad = v.len() - finite.len();
    let range =
        if finite.is_empty() { "none finite".to_string() } else { format!("{}..{}", num(lo), num(hi)) };
    if bad > 0 {
        format!("{range} ({bad} NaN/inf)")
    } else {
        range
    }
}

/// `line "model": 100 points, x 0..1, y 1..3`.
fn points(kind: &str, label: &str, x: &[f64], y: &[f64]) -> String {
    let name = if label.is_empty() { kind.to_string() } else { format!("{kind} \"{label}\"") };
    let points = if x.len() == 1 { "point" } else { "points" };
    format!("{name}: {} {points}, x {}, y {}", x.len(), span(x), span(y))
}

impl fmt::Display for Series {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Series::Line { x, y, style } => {
                f.write_str(&points(if style.dashed { "dashed line" } else { "line" }, &style.label, x, y))
            }
            Series::Scatter { x, y, label, .. } => f.write_str(&points("scatter", label, x, y)),
            Series::Progression { x, lines } => {
                write!(f, "progression of {} lines × {} points, x {}", lines.len(), x.len(), span(x))?;
                if let (Some(first), Some(last)) = (lines.first(), lines.last()) {
                    write!(f, ", first y {}, last y {}", span(first), span(last))?;
                }
                Ok(())
            }
            Series::Grid { kind, xs, ys, z } => {
                let zs = z.as_standard_layout();
                let zs = zs.as_slice().expect("standard layout");
                let (nx, ny) = (xs.len(), ys.len());
                let (name, x, y, z) = (kind.name(), span(xs), span(ys), span(zs));
                write!(f, "{name} of z on a {nx}×{ny} grid, x {x}, y {y}, z {z}")?;
                if *kind == GridKind::Contour {
                    let (lo, hi) = finite_range(zs);
                    let levels: Vec<String> = nice_levels(lo, hi).into_iter().map(num).collect();
                    write!(f, ", levels {}", levels.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Panel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.title.is_empty() {
            write!(f, "\"{}\" ", self.title)?;
        }
        if !self.xlabel.is_empty() || !self.ylabel.is_empty() {
            write!(f, "(x: {}, y: {}) ", self.xlabel, self.ylabel)?;
        }
        let series: Vec<String> = self.series.iter().map(|s| s.to_string()).collect();
        if series.is_empty() {
            write!(f, "— empty")
        } else {
            write!(f, "— {}", series.join("; "))
        }
    }
}

/// The text a plain viewer shows, e.g. `Figure "Loss" — line "loss": 50 points, x 0..49, y 0.0927..0.312`.
impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [panel] = self.panels.as_slice() {
            return write!(f, "Figure {panel}");
        }
        write!(f, "Figure with {} panels side by side", self.panels.len())?;
        for (k, panel) in self.panels.iter().enumerate() {
            write!(f, "\n  panel {}: {panel}", k + 1)?;
        }
        Ok(())
    }
}
