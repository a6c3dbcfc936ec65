//! What 2D panels (`render.rs`) and 3D surfaces (`surface.rs`) share: the SVG
//! drawing area, the result of drawing on it, and the text font.

use plotters::coord::Shift;
use plotters::prelude::*;

/// One panel's part of the SVG document.
pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// What drawing on an [`Area`] returns; an error is written into the panel as text.
pub(super) type Drawn = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// Text font of `px` CSS pixels: plotters writes `size / 1.24` into the SVG (whole
/// numbers here for 10, 11, 12, 14 and 16).
pub(super) fn font(px: f64) -> FontDesc<'static> {
    ("sans-serif", px * 1.24).into_font()
}
