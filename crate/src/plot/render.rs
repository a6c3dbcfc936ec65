//! Drawing a figure: its panels side by side, each a 2D chart with plotters'
//! `Cartesian2d` coordinates, or a 3D surface (`surface.rs`).

use super::canvas::{font, Area, Drawn};
use super::grid::{finite_range, iso_lines, nice_levels, sample, simplify, viridis};
use super::{surface, Panel, Series};
use crate::display::num;
use ndarray::Array2;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

type Chart2d<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Largest number of heat-map cells drawn along each axis (keeps the SVG small).
const MAX_CELLS: usize = 40;

/// Renders all panels side by side into one SVG document.
pub(super) fn figure(width: u32, height: u32, panels: &[Panel]) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width * panels.len() as u32, height)).into_drawing_area();
        root.fill(&WHITE).ok();
        for (area, panel) in root.split_evenly((1, panels.len())).iter().zip(panels) {
            let drawn = match panel.series.iter().find(|s| matches!(s, Series::Surface { .. })) {
                Some(Series::Surface { xs, ys, z }) => surface::draw(area, panel, xs, ys, z),
                _ => draw_2d(area, panel),
            };
            if let Err(e) = drawn {
                area.draw_text(&format!("cannot draw this panel: {e}"), &font(14.0).into(), (10, 20)).ok();
            }
        }
        root.present().ok();
    }
    svg
}

/// Widens `(lo, hi)` by `pad` of its length on each side; a single value gets ±0.5.
fn padded((lo, hi): (f64, f64), pad: f64) -> Range<f64> {
    let d = if hi > lo { (hi - lo) * pad } else { 0.5 };
    lo - d..hi + d
}

/// The points (x[k], y[k]) where both are finite.
fn finite_pairs<'a>(x: &'a [f64], y: &'a [f64]) -> impl Iterator<Item = (f64, f64)> + Clone + 'a {
    x.iter().copied().zip(y.iter().copied()).filter(|(a, b)| a.is_finite() && b.is_finite())
}

/// Every finite (x, y) the panel draws, grids counted by their corners.
fn points(p: &Panel) -> Vec<(f64, f64)> {
    let mut pts = Vec::new();
    for s in &p.series {
        match s {
            Series::Line { x, y, .. } | Series::Scatter { x, y, .. } => pts.extend(finite_pairs(x, y)),
            Series::Progression { x, lines } => lines.iter().for_each(|l| pts.extend(finite_pairs(x, l))),
            Series::Contour { xs, ys, .. } | Series::Surface { xs, ys, .. } => {
                pts.extend(finite_pairs(&[xs[0], xs[xs.len() - 1]], &[ys[0], ys[ys.len() - 1]]))
            }
        }
    }
    pts
}

/// The legend corner with the fewest data points under it (matplotlib's `loc="best"`, roughly;
/// on a tie the first in the order upper right, upper left, lower left, lower right).
fn best_corner(pts: &[(f64, f64)], x: &Range<f64>, y: &Range<f64>) -> SeriesLabelPosition {
    use SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft, UpperRight};
    let frac = |v: f64, r: &Range<f64>| (v - r.start) / (r.end - r.start);
    let under = |right: bool, top: bool| {
        let inside = |fx: f64, fy: f64| {
            (if right { fx > 0.55 } else { fx < 0.45 }) && (if top { fy > 0.65 } else { fy < 0.35 })
        };
        pts.iter().filter(|&&(px, py)| inside(frac(px, x), frac(py, y))).count()
    };
    let corners = [(true, true, UpperRight), (false, true, UpperLeft), (false, false, LowerLeft), (true, false, LowerRight)];
    corners.into_iter().min_by_key(|&(right, top, _)| under(right, top)).unwrap().2
}

/// A 2D chart: axes, the series in order, and a legend when any series has a label.
fn draw_2d(area: &Area, p: &Panel) -> Drawn {
    // A contour fills the whole plot area; other data get a 5 % margin.
    let has_contour = p.series.iter().any(|s| matches!(s, Series::Contour { .. }));
    let pts = points(p);
    let pad = if has_contour { 0.0 } else { 0.05 };
    let xr = padded(finite_range(&pts.iter().map(|q| q.0).collect::<Vec<_>>()), pad);
    let yr = padded(finite_range(&pts.iter().map(|q| q.1).collect::<Vec<_>>()), pad);

    let mut builder = ChartBuilder::on(area);
    builder.margin(12).x_label_area_size(42).y_label_area_size(58);
    if !p.title.is_empty() {
        builder.caption(&p.title, font(16.0));
    }
    let mut chart = builder.build_cartesian_2d(xr.clone(), yr.clone())?;
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.1))
        .axis_style(BLACK.mix(0.6))
        .x_labels(7)
        .y_labels(7)
        .label_style(font(12.0))
        .axis_desc_style(font(14.0))
        .x_label_formatter(&|v| num(*v))
        .y_label_formatter(&|v| num(*v))
        .x_desc(&p.xlabel)
        .y_desc(&p.ylabel);
    if has_contour {
        mesh.disable_mesh();
    }
    mesh.draw()?;

    // Line points closer than 1/1000 of the axes to the drawn line are dropped.
    let scale = (xr.end - xr.start, yr.end - yr.start);
    let path = |x: &[f64], y: &[f64]| simplify(&finite_pairs(x, y).collect::<Vec<_>>(), scale, 1e-3);
    let mut any_label = false;
    for s in &p.series {
        match s {
            Series::Line { x, y, style } => {
                let (r, g, b) = style.color;
                let shape = RGBColor(r, g, b).stroke_width(style.width);
                let drawn = if style.dashed {
                    chart.draw_series(DashedLineSeries::new(path(x, y), 8, 5, shape))?
                } else {
                    chart.draw_series(LineSeries::new(path(x, y), shape))?
                };
                if !style.label.is_empty() {
                    any_label = true;
                    drawn
                        .label(&style.label)
                        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], shape));
                }
            }
            Series::Scatter { x, y, label, color } => {
                let fill = RGBColor(color.0, color.1, color.2).filled();
                let drawn = chart.draw_series(finite_pairs(x, y).map(|q| Circle::new(q, 3, fill)))?;
                if !label.is_empty() {
                    any_label = true;
                    drawn.label(label).legend(move |(x, y)| Circle::new((x + 10, y), 3, fill));
                }
            }
            Series::Progression { x, lines } => {
                let n = lines.len() as f64;
                for (i, l) in lines.iter().enumerate() {
                    let alpha = (i as f64 / (n * 1.5) + 0.33).min(1.0);
                    chart.draw_series(LineSeries::new(path(x, l), RED.mix(alpha).stroke_width(2)))?;
                }
            }
            Series::Contour { xs, ys, z } => draw_contour(&mut chart, xs, ys, z)?,
            Series::Surface { .. } => {} // a panel with a surface is drawn by surface.rs
        }
    }
    if any_label {
        chart
            .configure_series_labels()
            .position(best_corner(&pts, &xr, &yr))
            .label_font(font(12.0))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .draw()?;
    }
    Ok(())
}

/// Iso-lines of `z[[j, i]] = f(xs[i], ys[j])` with their levels (`plt.clabel`), over a pale
/// heat map of `z`.
fn draw_contour(chart: &mut Chart2d, xs: &[f64], ys: &[f64], z: &Array2<f64>) -> Drawn {
    let (lo, hi) = finite_range(z.as_standard_layout().as_slice().unwrap());
    // Heat map: cell k spans halfway to its neighbours, clamped to the grid's ends.
    let (ix, iy) = (sample(xs.len(), MAX_CELLS), sample(ys.len(), MAX_CELLS));
    let edges = |v: &[f64], ix: &[usize]| -> Vec<f64> {
        let mut e = vec![v[ix[0]]];
        e.extend(ix.windows(2).map(|w| (v[w[0]] + v[w[1]]) / 2.0));
        e.push(v[*ix.last().unwrap()]);
        e
    };
    let (ex, ey) = (edges(xs, &ix), edges(ys, &iy));
    let cells =
        iy.iter().enumerate().flat_map(|(b, &j)| ix.iter().enumerate().map(move |(a, &i)| (a, b, i, j)));
    chart.draw_series(cells.filter(|&(_, _, i, j)| z[[j, i]].is_finite()).map(|(a, b, i, j)| {
        let (r, g, bl) = viridis((z[[j, i]] - lo) / (hi - lo));
        Rectangle::new([(ex[a], ey[b]), (ex[a + 1], ey[b + 1])], RGBColor(r, g, bl).mix(0.55).filled())
    }))?;
    let ink = RGBColor(30, 30, 30).mix(0.8);
    for level in nice_levels(lo, hi) {
        let lines = iso_lines(xs, ys, z, level);
        chart.draw_series(lines.iter().map(|l| PathElement::new(l.clone(), ink.stroke_width(1))))?;
        // Label each level once, in the middle of its longest line.
        if let Some(l) = lines.iter().max_by_key(|l| l.len()) {
            let style = TextStyle::from(font(10.0)).color(&ink).pos(Pos::new(HPos::Center, VPos::Center));
            chart.draw_series([Text::new(num(level), l[l.len() / 2], style)])?;
        }
    }
    Ok(())
}
