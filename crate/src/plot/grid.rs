//! The maths behind the drawings, with no drawing in it: value ranges, the colour map,
//! contour levels, marching squares on `z[[j, i]] = f(xs[i], ys[j])`, and thinning of
//! grids and lines.

use ndarray::Array2;

/// (min, max) of the finite values, or (0, 1) when there are none.
pub(super) fn finite_range(v: &[f64]) -> (f64, f64) {
    let finite = v.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi { (0.0, 1.0) } else { (lo, hi) }
}

/// Viridis-like colour for `t` in `[0, 1]` (matplotlib's default map, 5 anchors).
pub(super) fn viridis(t: f64) -> (u8, u8, u8) {
    const ANCHORS: [(f64, f64, f64); 5] =
        [(68., 1., 84.), (59., 82., 139.), (33., 145., 140.), (94., 201., 98.), (253., 231., 37.)];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) * 4.0 } else { 0.0 };
    let k = (t.floor() as usize).min(3);
    let (a, b, f) = (ANCHORS[k], ANCHORS[k + 1], t - k as f64);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// About ten "nice" levels (multiples of 1, 2, 2.5 or 5 × 10^k) strictly between
/// `lo` and `hi`, like matplotlib's `plt.contour(X, Y, Z)`.
pub(super) fn nice_levels(lo: f64, hi: f64) -> Vec<f64> {
    let raw = (hi - lo) / 10.0;
    if !raw.is_finite() || raw <= 0.0 {
        return vec![];
    }
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|&s| s >= raw).unwrap();
    let first = (lo / step).floor() as i64 + 1;
    (first..).map(|k| k as f64 * step).take_while(|&v| v < hi).collect()
}

/// Iso-lines `z = level` by marching squares, joined into polylines of `(x, y)` points.
///
/// Each grid cell whose corners straddle `level` contributes one segment (two for a
/// saddle), with end points linearly interpolated along the cell edges.
pub(super) fn iso_lines(xs: &[f64], ys: &[f64], z: &Array2<f64>, level: f64) -> Vec<Vec<(f64, f64)>> {
    // Crossing on the edge between grid nodes p and q (ordered, so shared edges agree exactly).
    let cross = |p: (usize, usize), q: (usize, usize)| {
        let (p, q) = if p <= q { (p, q) } else { (q, p) };
        let (zp, zq) = (z[[p.1, p.0]], z[[q.1, q.0]]);
        let t = (level - zp) / (zq - zp);
        (xs[p.0] + t * (xs[q.0] - xs[p.0]), ys[p.1] + t * (ys[q.1] - ys[p.1]))
    };
    let mut segments = Vec::new();
    for j in 0..ys.len().saturating_sub(1) {
        for i in 0..xs.len().saturating_sub(1) {
            // Corners counter-clockwise; edge e joins corner e and corner e+1.
            let c = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let above: Vec<bool> = c.iter().map(|&(a, b)| z[[b, a]] >= level).collect();
            let hit: Vec<usize> = (0..4).filter(|&e| above[e] != above[(e + 1) % 4]).collect();
            let pt = |e: usize| cross(c[e], c[(e + 1) % 4]);
            match hit.len() {
                2 => segments.push([pt(hit[0]), pt(hit[1])]),
                4 => {
                    // Saddle: the cell centre decides which corners are connected.
                    let centre = c.iter().map(|&(a, b)| z[[b, a]]).sum::<f64>() / 4.0;
                    let pairs =
                        if (centre >= level) == above[0] { [(0, 1), (2, 3)] } else { [(3, 0), (1, 2)] };
                    pairs.iter().for_each(|&(e, f)| segments.push([pt(e), pt(f)]));
                }
                _ => {}
            }
        }
    }
    join(segments)
}

/// Chains segments that share end points into polylines (keeps the SVG small).
fn join(mut segments: Vec<[(f64, f64); 2]>) -> Vec<Vec<(f64, f64)>> {
    use std::collections::HashMap;
    // Drop NaN segments and the zero-length ones made where a grid node lies exactly on the level.
    segments.retain(|s| s[0] != s[1] && s.iter().all(|p| p.0.is_finite() && p.1.is_finite()));
    let key = |p: (f64, f64)| (p.0.to_bits(), p.1.to_bits());
    let mut at: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for (s, seg) in segments.iter().enumerate() {
        seg.iter().for_each(|&p| at.entry(key(p)).or_default().push(s));
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut line = segments[start].to_vec();
        for forward in [true, false] {
            loop {
                let end = if forward { *line.last().unwrap() } else { line[0] };
                let Some(&s) = at[&key(end)].iter().find(|&&s| !used[s]) else { break };
                used[s] = true;
                let seg = segments[s];
                let next = if key(seg[0]) == key(end) { seg[1] } else { seg[0] };
                line.insert(if forward { line.len() } else { 0 }, next);
            }
        }
        lines.push(line);
    }
    lines
}

/// At most about `max` evenly spaced indices out of `0..n`, always keeping both ends
/// (thins big grids so the SVG stays small).
pub(super) fn sample(n: usize, max: usize) -> Vec<usize> {
    let mut ix: Vec<usize> = (0..n).step_by(n.div_ceil(max).max(1)).collect();
    if ix.last() != Some(&(n - 1)) {
        ix.push(n - 1);
    }
    ix
}

/// Drops points of a polyline that lie within `tol` of the simplified line
/// (Ramer–Douglas–Peucker). Coordinates are first divided by `scale`, so `tol` is a
/// fraction of the axes; a straight 100-point model line becomes its two end points,
/// which keeps the SVG small and avoids pixel-rounding jaggies.
pub(super) fn simplify(pts: &[(f64, f64)], scale: (f64, f64), tol: f64) -> Vec<(f64, f64)> {
    if pts.len() < 3 {
        return pts.to_vec();
    }
    let n = |p: (f64, f64)| (p.0 / scale.0, p.1 / scale.1);
    let (a, b) = (n(pts[0]), n(pts[pts.len() - 1]));
    // Distance from p to the segment a–b.
    let dist = |p: (f64, f64)| {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
    };
    let distances = (1..pts.len() - 1).map(|k| (k, dist(n(pts[k]))));
    let (far, d) = distances.fold((0, -1.0), |m, c| if c.1 > m.1 { c } else { m });
    if d <= tol {
        return vec![pts[0], pts[pts.len() - 1]];
    }
    let mut left = simplify(&pts[..=far], scale, tol);
    left.pop();
    left.extend(simplify(&pts[far..], scale, tol));
    left
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn iso_lines_of_a_bowl_are_circles() {
        // z = x² + y²: the level c is the circle of radius √c. With spacing h = 0.05 linear
        // interpolation errs by at most h²/4 in z, i.e. < 5e-4 in the radius for r ≥ 0.7.
        let xs: Vec<f64> = (0..81).map(|k| -2.0 + 0.05 * k as f64).collect();
        let z = Array2::from_shape_fn((81, 81), |(j, i)| xs[i] * xs[i] + xs[j] * xs[j]);
        for level in [0.5, 1.0, 2.0, 3.0] {
            let lines = iso_lines(&xs, &xs, &z, level);
            assert_eq!(lines.len(), 1, "one closed line at level {level}");
            let line = &lines[0];
            assert_eq!(line.first(), line.last(), "the circle closes");
            assert!(line.len() > 40);
            for &(x, y) in line {
                assert_abs_diff_eq!(x.hypot(y), level.sqrt(), epsilon = 1e-3);
            }
        }
    }

    #[test]
    fn saddle_gives_two_lines_that_do_not_cross() {
        // z = x·y on [-1, 1]²: level 0.25 is the two branches of the hyperbola xy = 1/4.
        let xs: Vec<f64> = (0..41).map(|k| -1.0 + 0.05 * k as f64).collect();
        let z = Array2::from_shape_fn((41, 41), |(j, i)| xs[i] * xs[j]);
        let lines = iso_lines(&xs, &xs, &z, 0.25);
        assert_eq!(lines.len(), 2);
        for &(x, y) in lines.iter().flatten() {
            assert_abs_diff_eq!(x * y, 0.25, epsilon = 2e-3);
        }
    }

    #[test]
    fn levels_are_round_numbers_inside_the_range() {
        assert_eq!(nice_levels(0.0, 8.0), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        assert_eq!(nice_levels(0.0123, 49.0), [5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0]);
        assert!(nice_levels(1.0, 1.0).is_empty());
    }

    #[test]
    fn viridis_ends_match_matplotlib() {
        // matplotlib's _viridis_data: first (0.267004, 0.004874, 0.329415), last (0.993248, 0.906157, 0.143936).
        assert_eq!(viridis(0.0), (68, 1, 84));
        assert_eq!(viridis(1.0), (253, 231, 37));
    }

    #[test]
    fn simplify_reduces_a_straight_line_to_its_ends() {
        let straight: Vec<(f64, f64)> = (0..100).map(|k| (k as f64, 2.0 * k as f64 + 1.0)).collect();
        assert_eq!(simplify(&straight, (100.0, 200.0), 1e-3), [(0.0, 1.0), (99.0, 199.0)]);
        // Going back along the same line keeps the turning point.
        let back = [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (1.0, 1.0)];
        assert_eq!(simplify(&back, (1.0, 1.0), 1e-3), [(0.0, 0.0), (2.0, 2.0), (1.0, 1.0)]);
    }

    #[test]
    fn finite_range_skips_nan_and_infinity() {
        assert_eq!(finite_range(&[2.0, f64::NAN, -1.0, f64::INFINITY]), (-1.0, 2.0));
        assert_eq!(finite_range(&[f64::NAN]), (0.0, 1.0));
    }

    #[test]
    fn sample_keeps_both_ends() {
        assert_eq!(sample(5, 40), [0, 1, 2, 3, 4]);
        assert_eq!(sample(100, 40), (0..100).step_by(3).collect::<Vec<_>>());
        assert_eq!(sample(11, 4), [0, 3, 6, 9, 10]);
    }
}
