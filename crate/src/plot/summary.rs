//! The `text/plain` summary of a figure: what is plotted, in words and numbers.

use super::grid::{finite_range, nice_levels};
use super::{Figure, Panel, Series};
use crate::display::num;
use ndarray::Array2;
use std::fmt;

/// `"lo..hi"` of the finite values, noting NaN/∞ entries.
fn span(v: &[f64]) -> String {
    let bad = v.iter().filter(|v| !v.is_finite()).count();
    let (lo, hi) = finite_range(v);
    let range = if bad == v.len() { "none finite".to_string() } else { format!("{}..{}", num(lo), num(hi)) };
    if bad > 0 { format!("{range} ({bad} NaN/inf)") } else { range }
}

/// `line "model": 100 points, x 0..1, y 1..3`.
fn points(kind: &str, label: &str, x: &[f64], y: &[f64]) -> String {
    let name = if label.is_empty() { kind.to_string() } else { format!("{kind} \"{label}\"") };
    let points = if x.len() == 1 { "point" } else { "points" };
    format!("{name}: {} {points}, x {}, y {}", x.len(), span(x), span(y))
}

/// `contour of z on a 41×41 grid, x -2..2, y -2..2, z 0..8`.
fn grid_summary(kind: &str, xs: &[f64], ys: &[f64], z: &Array2<f64>) -> String {
    let zs = z.as_standard_layout();
    let (x, y, z) = (span(xs), span(ys), span(zs.as_slice().expect("standard layout")));
    format!("{kind} of z on a {}×{} grid, x {x}, y {y}, z {z}", xs.len(), ys.len())
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
            Series::Contour { xs, ys, z } => {
                let zs = z.as_standard_layout();
                let (lo, hi) = finite_range(zs.as_slice().expect("standard layout"));
                let levels: Vec<String> = nice_levels(lo, hi).into_iter().map(num).collect();
                write!(f, "{}, levels {}", grid_summary("contour", xs, ys, z), levels.join(", "))
            }
            Series::Surface { xs, ys, z } => f.write_str(&grid_summary("surface", xs, ys, z)),
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
        write!(f, "— {}", if series.is_empty() { "empty".to_string() } else { series.join("; ") })
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
