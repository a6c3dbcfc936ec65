//! Inline SVG plots for notebooks, the Rust stand-in for `matplotlib.pyplot`.
//!
//! A [`Figure`] is a list of panels side by side; builder calls add series to the last
//! panel. Rendering uses `plotters`' SVG backend into a `String`, with no system fonts:
//! text becomes SVG `<text>` drawn by the browser.
//!
//! | matplotlib                                   | labkit                                          |
//! |----------------------------------------------|-------------------------------------------------|
//! | `plt.scatter(x, y, label="data")`            | `Figure::new().scatter(&x, &y, "data")`         |
//! | `plt.plot(x, y_hat, 'r', label="model")`     | `.line_with(&x, &y_hat, Style { color: (255, 0, 0), label: "model".into(), ..Style::default() })` |
//! | `plt.title(t); plt.xlabel(a); plt.ylabel(b)` | `.title(t).xlabel(a).ylabel(b)`                 |
//! | `plt.subplot(1, 2, 2)`                       | `.panel()`                                      |
//! | `plt.contour(W, B, cost)`                    | `.contour(&w, &b, &cost)`                       |
//! | `ax.plot_surface(W, B, cost)`                | `.surface(&w, &b, &cost)`                       |
//! | `ipywidgets.interact(f, w=…)`                | `Explorer::new("w", &ws).frames(f)`             |
//!
//! Mismatched lengths are programming errors and panic at once, naming both lengths.
//!
//! Files: this one holds the figure and its builder calls; [`Values`] is what can be
//! plotted; `render.rs` draws 2D panels and `surface.rs` 3D ones (`grid.rs` holds the
//! maths they use); `summary.rs` writes the text fallback;
//! `explorer.rs` is the slider over precomputed figures.

mod canvas;
mod explorer;
mod grid;
mod render;
mod summary;
mod surface;
mod values;

pub use explorer::Explorer;
pub use values::Values;

use ndarray::Array2;

/// matplotlib's `tab10` colours, used in turn by [`Figure::line`] and [`Figure::scatter`].
const TAB10: [(u8, u8, u8); 10] = [
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
];

/// How a line is drawn by [`Figure::line_with`].
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// Red, green, blue.
    pub color: (u8, u8, u8),
    /// Stroke width in pixels.
    pub width: u32,
    /// Legend text; `""` means no legend entry.
    pub label: String,
    /// Draw dashes instead of a solid line.
    pub dashed: bool,
}

impl Default for Style {
    /// matplotlib's first colour (`tab:blue`), 2 px, no label, solid.
    fn default() -> Self {
        Style { color: TAB10[0], width: 2, label: String::new(), dashed: false }
    }
}

/// One thing drawn in a panel. Grids hold `z[[j, i]] = f(xs[i], ys[j])`.
#[derive(Clone, Debug)]
enum Series {
    Line { x: Vec<f64>, y: Vec<f64>, style: Style },
    Scatter { x: Vec<f64>, y: Vec<f64>, label: String, color: (u8, u8, u8) },
    /// The model after each training stage, from light to dark red.
    Progression { x: Vec<f64>, lines: Vec<Vec<f64>> },
    /// Iso-lines over a pale heat map.
    Contour { xs: Vec<f64>, ys: Vec<f64>, z: Array2<f64> },
    /// A 3D surface; it takes the whole panel.
    Surface { xs: Vec<f64>, ys: Vec<f64>, z: Array2<f64> },
}

#[derive(Clone, Debug, Default)]
struct Panel {
    title: String,
    xlabel: String,
    ylabel: String,
    series: Vec<Series>,
}

/// A figure of one or more panels side by side, rendered to SVG.
///
/// Shown inline by evcxr when it is the last expression of a cell; `println!("{fig}")`
/// prints the same summary in words and numbers that plain-text viewers see.
///
/// # Panics
/// Builder methods panic when x and y (or a grid and `z`) do not have matching lengths,
/// with a message naming both lengths.
#[derive(Clone, Debug)]
pub struct Figure {
    width: u32,
    height: u32,
    panels: Vec<Panel>,
}

impl Default for Figure {
    fn default() -> Self {
        Figure::new()
    }
}

impl Figure {
    /// One empty panel of 640 × 420 pixels.
    pub fn new() -> Self {
        Figure { width: 640, height: 420, panels: vec![Panel::default()] }
    }

    /// Size of each panel in pixels (`plt.figure(figsize=…)`), at least 100 × 100.
    pub fn size(mut self, width: u32, height: u32) -> Self {
        (self.width, self.height) = (width.max(100), height.max(100));
        self
    }

    /// Title of the current (last) panel.
    pub fn title(mut self, t: &str) -> Self {
        self.current().title = t.to_string();
        self
    }

    /// x-axis label of the current panel.
    pub fn xlabel(mut self, t: &str) -> Self {
        self.current().xlabel = t.to_string();
        self
    }

    /// y-axis label of the current panel.
    pub fn ylabel(mut self, t: &str) -> Self {
        self.current().ylabel = t.to_string();
        self
    }

    /// Points as dots in the next `tab10` colour (`plt.scatter(x, y, label=label)`);
    /// `""` adds no legend entry.
    pub fn scatter(mut self, x: impl Values, y: impl Values, label: &str) -> Self {
        let (x, y) = pair("scatter", x, y);
        let color = self.next_color();
        self.push(Series::Scatter { x, y, label: label.to_string(), color })
    }

    /// Points joined by a line in the next `tab10` colour (`plt.plot(x, y, label=label)`).
    /// The legend is drawn when any series of the panel has a label.
    pub fn line(mut self, x: impl Values, y: impl Values, label: &str) -> Self {
        let style = Style { color: self.next_color(), label: label.to_string(), ..Style::default() };
        self.line_with(x, y, style)
    }

    /// A line with an explicit [`Style`] (colour, width, label, dashes).
    pub fn line_with(self, x: impl Values, y: impl Values, style: Style) -> Self {
        let (x, y) = pair("line", x, y);
        self.push(Series::Line { x, y, style })
    }

    /// The model after each training stage, from light to dark red, as in the lab:
    /// `for i, l in enumerate(lines): plt.plot(x, l, color="red", alpha=i/(len(lines)*1.5)+0.33)`.
    pub fn progression(self, x: impl Values, lines: &[Vec<f64>]) -> Self {
        let x = x.values();
        for l in lines {
            check_len("progression", "x", x.len(), "a line", l.len());
        }
        self.push(Series::Progression { x, lines: lines.to_vec() })
    }

    /// Iso-lines of `z[[j, i]] = f(xs[i], ys[j])` (NumPy's `meshgrid` layout) at about ten
    /// round levels, found by marching squares, over a pale heat map (`plt.contour`).
    pub fn contour(self, xs: impl Values, ys: impl Values, z: &Array2<f64>) -> Self {
        let (xs, ys) = grid_axes("contour", xs, ys, z);
        self.push(Series::Contour { xs, ys, z: z.clone() })
    }

    /// 3D surface of `z[[j, i]] = f(xs[i], ys[j])` (`ax.plot_surface(X, Y, Z, cmap="viridis")`).
    /// Axis names come from [`xlabel`](Self::xlabel) and [`ylabel`](Self::ylabel); the
    /// vertical axis is called "cost".
    pub fn surface(self, xs: impl Values, ys: impl Values, z: &Array2<f64>) -> Self {
        let (xs, ys) = grid_axes("surface", xs, ys, z);
        self.push(Series::Surface { xs, ys, z: z.clone() })
    }

    /// Starts a new, empty panel to the right; later calls apply to it.
    pub fn panel(mut self) -> Self {
        self.panels.push(Panel::default());
        self
    }

    /// The whole figure as an SVG document (`width`, `height` and `viewBox` set).
    pub fn to_svg(&self) -> String {
        render::figure(self.width, self.height, &self.panels)
    }

    /// Shows the figure in evcxr/Jupyter: the SVG plus a `text/plain` summary.
    pub fn evcxr_display(&self) {
        crate::display::emit(&[("image/svg+xml", &self.to_svg()), ("text/plain", &self.to_string())]);
    }

    fn current(&mut self) -> &mut Panel {
        self.panels.last_mut().expect("a figure always has a panel")
    }

    fn push(mut self, series: Series) -> Self {
        self.current().series.push(series);
        self
    }

    /// The `tab10` colour after those of the panel's lines and scatters so far.
    fn next_color(&mut self) -> (u8, u8, u8) {
        let series = &self.current().series;
        let used = series.iter().filter(|s| matches!(s, Series::Line { .. } | Series::Scatter { .. }));
        TAB10[used.count() % TAB10.len()]
    }
}

fn check_len(op: &str, x_name: &str, x: usize, y_name: &str, y: usize) {
    if x != y {
        panic!("Figure::{op}: {x_name} has {x} values but {y_name} has {y}; they must have the same length");
    }
}

fn pair(op: &str, x: impl Values, y: impl Values) -> (Vec<f64>, Vec<f64>) {
    let (x, y) = (x.values(), y.values());
    check_len(op, "x", x.len(), "y", y.len());
    (x, y)
}

/// The axes of a grid, checked against `z[[j, i]] = f(xs[i], ys[j])`.
fn grid_axes(op: &str, xs: impl Values, ys: impl Values, z: &Array2<f64>) -> (Vec<f64>, Vec<f64>) {
    let (xs, ys) = (xs.values(), ys.values());
    let (nx, ny, shape) = (xs.len(), ys.len(), z.shape());
    if z.dim() != (ny, nx) || nx < 2 || ny < 2 {
        panic!("Figure::{op}: z has shape {shape:?} but needs (ys.len(), xs.len()) = ({ny}, {nx}), \
                at least 2 × 2, because z[[j, i]] = f(xs[i], ys[j])");
    }
    (xs, ys)
}
