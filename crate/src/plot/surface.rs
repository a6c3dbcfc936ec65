//! Drawing a 3D surface with plotters' `Cartesian3d` coordinates.

use super::canvas::{font, Area, Drawn};
use super::grid::{finite_range, sample, viridis};
use super::Panel;
use crate::display::num;
use ndarray::Array2;
use plotters::prelude::*;

/// Largest number of grid lines drawn along each axis of the surface.
const MAX_LINES: usize = 30;

/// Draws `z[[j, i]] = f(xs[i], ys[j])` as filled quadrilaterals coloured by height,
/// farthest first so nearer faces cover them (painter's algorithm).
pub(super) fn draw(area: &Area, p: &Panel, xs: &[f64], ys: &[f64], z: &Array2<f64>) -> Drawn {
    let (lo, hi) = finite_range(z.as_standard_layout().as_slice().unwrap());
    let ((x0, x1), (y0, y1)) = (finite_range(xs), finite_range(ys));
    let mut builder = ChartBuilder::on(area);
    builder.margin(16);
    if !p.title.is_empty() {
        builder.caption(&p.title, font(16.0));
    }
    // plotters' 3D axes are (x, vertical, depth): the cost goes up, ys go into the page.
    let mut chart = builder.build_cartesian_3d(x0..x1, lo..hi, y0..y1)?;
    chart.with_projection(|mut m| {
        (m.yaw, m.pitch, m.scale) = (0.6, 0.35, 0.8);
        m.into_matrix()
    });
    chart
        .configure_axes()
        .light_grid_style(BLACK.mix(0.06))
        .bold_grid_style(BLACK.mix(0.15))
        .max_light_lines(2)
        .label_style(font(11.0))
        .tick_size(6)
        .x_formatter(&|v| num(*v))
        .y_formatter(&|v| num(*v))
        .z_formatter(&|v| num(*v))
        .draw()?;

    let (ix, iy) = (sample(xs.len(), MAX_LINES), sample(ys.len(), MAX_LINES));
    let mut faces = Vec::new();
    for w in iy.windows(2) {
        for v in ix.windows(2) {
            let corners = [(v[0], w[0]), (v[1], w[0]), (v[1], w[1]), (v[0], w[1])];
            let pts: Vec<(f64, f64, f64)> = corners.iter().map(|&(i, j)| (xs[i], z[[j, i]], ys[j])).collect();
            if pts.iter().all(|q| q.1.is_finite()) {
                let mean = pts.iter().map(|q| q.1).sum::<f64>() / 4.0;
                let (cx, cy) = ((xs[v[0]] + xs[v[1]]) / 2.0, (ys[w[0]] + ys[w[1]]) / 2.0);
                let depth = chart.as_coord_spec().projected_depth(&cx, &mean, &cy);
                faces.push((depth, pts, viridis((mean - lo) / (hi - lo))));
            }
        }
    }
    faces.sort_by_key(|f| std::cmp::Reverse(f.0));
    chart.draw_series(
        faces.into_iter().map(|(_, pts, (r, g, b))| Polygon::new(pts, RGBColor(r, g, b).filled())),
    )?;

    // Axis names at the ends of the axes (plotters' 3D axes have no built-in titles).
    let style = font(14.0).color(&BLACK);
    let (dx, dy) = (x1 - x0, y1 - y0);
    let names = [
        (p.xlabel.as_str(), ((x0 + x1) / 2.0, lo, y1 + 0.3 * dy)),
        (p.ylabel.as_str(), (x1 + 0.3 * dx, lo, (y0 + y1) / 2.0)),
        ("cost", (x0, hi + 0.08 * (hi - lo), y1)),
    ];
    let named = names.into_iter().filter(|n| !n.0.is_empty());
    chart.draw_series(named.map(|(t, at)| Text::new(t.to_string(), at, style.clone())))?;
    Ok(())
}
