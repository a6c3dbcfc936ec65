//! Behaviour of `labkit::Figure` as seen from a notebook: SVG content and text fallback.

use approx::assert_abs_diff_eq;
use labkit::{array, Array1, Array2, Figure, Style, Values};

/// Values of attribute `name` on every `<tag …>` element of the SVG, in document order.
fn attrs(svg: &str, tag: &str, name: &str) -> Vec<String> {
    svg.split(&format!("<{tag} "))
        .skip(1)
        .filter_map(|el| {
            let el = &el[..el.find('>').unwrap()];
            let start = el
                .find(&format!(" {name}=\""))
                .or_else(|| el.starts_with(&format!("{name}=\"")).then_some(0))?;
            let v = &el[start..];
            let v = &v[v.find('"').unwrap() + 1..];
            Some(v[..v.find('"').unwrap()].to_string())
        })
        .collect()
}

#[test]
fn scatter_draws_one_circle_per_point() {
    let x = Array1::<f64>::linspace(0.0, 1.0, 100);
    let svg = Figure::new().scatter(&x, &x, "").to_svg();
    assert_eq!(svg.matches("<circle").count(), 100);
    // A label adds one legend marker.
    let svg = Figure::new().scatter(&x, &x, "data").to_svg();
    assert_eq!(svg.matches("<circle").count(), 101);
}

#[test]
fn legend_shows_only_given_labels() {
    let svg = Figure::new().line([0.0, 1.0], [0.0, 1.0], "model").line([0.0, 1.0], [1.0, 0.0], "").to_svg();
    assert!(svg.contains(">\nmodel\n</text>") || svg.contains(">model</text>"), "legend text");
    let unlabelled = Figure::new().line([0.0, 1.0], [0.0, 1.0], "").to_svg();
    assert!(!unlabelled.contains("model"));
}

#[test]
fn svg_has_size_viewbox_and_text_without_fonts() {
    let svg =
        Figure::new().title("Loss").xlabel("epoch").ylabel("MSE").line(0..10, vec![1.0; 10], "").to_svg();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains(r#"width="640" height="420" viewBox="0 0 640 420""#));
    for text in ["Loss", "epoch", "MSE"] {
        assert!(svg.contains(&format!("{text}\n</text>")), "{text} is an SVG <text>");
    }
}

#[test]
fn each_panel_adds_its_width() {
    let svg = Figure::new().size(300, 200).panel().panel().to_svg();
    assert!(svg.contains(r#"width="900" height="200""#));
    assert!(Figure::new().panel().to_string().starts_with("Figure with 2 panels"));
}

#[test]
fn title_and_labels_go_to_the_last_panel() {
    let text = Figure::new().title("data").panel().title("loss").xlabel("epoch").to_string();
    assert!(text.contains("panel 1: \"data\" — empty"), "{text}");
    assert!(text.contains("panel 2: \"loss\" (x: epoch, y: )"), "{text}");
}

#[test]
fn text_fallback_states_counts_and_ranges() {
    // y falls linearly from 0.312 to 0.0927 over 50 epochs.
    let loss: Vec<f64> = (0..50).map(|i| 0.312 - (0.312 - 0.0927) * i as f64 / 49.0).collect();
    let fig = Figure::new().title("Loss").line(0..50, &loss, "loss");
    assert_eq!(fig.to_string(), "Figure \"Loss\" — line \"loss\": 50 points, x 0..49, y 0.0927..0.312");
}

#[test]
fn text_fallback_reports_nan() {
    let text = Figure::new().scatter([0.0, 1.0, 2.0], [1.0, f64::NAN, 3.0], "").to_string();
    assert!(text.contains("y 1..3 (1 NaN/inf)"), "{text}");
}

#[test]
fn progression_goes_from_light_to_dark_red() {
    let x = [0.0, 1.0];
    let lines: Vec<Vec<f64>> = (0..5).map(|k| vec![0.0, k as f64]).collect();
    let svg = Figure::new().progression(x, &lines).to_svg();
    let reds: Vec<f64> = attrs(&svg, "polyline", "stroke")
        .iter()
        .zip(attrs(&svg, "polyline", "opacity"))
        .filter(|(stroke, _)| stroke.as_str() == "#FF0000")
        .map(|(_, o)| o.parse().unwrap())
        .collect();
    assert_eq!(reds.len(), 5);
    // The lab: plt.plot(x, line, color="red", alpha=i / (len(lines) * 1.5) + 0.33)
    for (i, alpha) in reds.iter().enumerate() {
        assert_abs_diff_eq!(*alpha, i as f64 / (5.0 * 1.5) + 0.33, epsilon = 1e-9);
    }
}

#[test]
fn line_with_uses_the_style() {
    let style = Style { color: (255, 0, 0), width: 3, label: "fit".into(), dashed: false };
    let svg = Figure::new().line_with([0.0, 1.0], [0.0, 1.0], style).to_svg();
    assert!(svg.contains(r##"stroke="#FF0000" stroke-width="3""##));
    assert!(svg.contains("fit\n</text>"));
}

#[test]
fn contour_of_bowl_lists_round_levels_and_draws_them() {
    let xs = Array1::<f64>::linspace(-2.0, 2.0, 41);
    let z = Array2::from_shape_fn((41, 41), |(j, i)| xs[i] * xs[i] + xs[j] * xs[j]);
    let fig = Figure::new().contour(&xs, &xs, &z);
    assert!(fig.to_string().contains("z 0..8, levels 1, 2, 3, 4, 5, 6, 7"), "{fig}");
    let svg = fig.to_svg();
    for level in 1..=7 {
        assert!(svg.contains(&format!(">\n{level}\n</text>")), "label of level {level}");
    }
}

#[test]
fn contour_lines_lie_on_the_expected_circles() {
    // z = x² + y²: level c is the circle of radius √c about the centre of the plot.
    let xs = Array1::<f64>::linspace(-2.0, 2.0, 81);
    let z = Array2::from_shape_fn((81, 81), |(j, i)| xs[i] * xs[i] + xs[j] * xs[j]);
    let svg = Figure::new().size(600, 600).contour(&xs, &xs, &z).to_svg();
    let lines: Vec<Vec<(f64, f64)>> = attrs(&svg, "polyline", "points")
        .iter()
        .map(|p| {
            p.split_whitespace()
                .map(|xy| {
                    let (a, b) = xy.split_once(',').unwrap();
                    (a.parse().unwrap(), b.parse().unwrap())
                })
                .collect()
        })
        .filter(|l: &Vec<(f64, f64)>| l.len() > 20 && l.first() == l.last())
        .collect();
    // Levels 1..=4 close inside the square [-2, 2]²; levels 5..=7 are cut by its edges.
    assert_eq!(lines.len(), 4, "one closed iso-line per level 1..=4");
    // Pixel coordinates: measure each circle's half-widths rx, ry (axes may scale x and y
    // differently), then check every point has normalised radius 1 and that the radii grow
    // as √level. Rounding to whole pixels (radii ≥ 100 px here) allows about 0.02.
    let mut radii = vec![];
    for line in &lines {
        let n = line.len() as f64;
        let (cx, cy) = (line.iter().map(|p| p.0).sum::<f64>() / n, line.iter().map(|p| p.1).sum::<f64>() / n);
        let rx = line.iter().map(|p| (p.0 - cx).abs()).fold(0.0, f64::max);
        let ry = line.iter().map(|p| (p.1 - cy).abs()).fold(0.0, f64::max);
        for p in line {
            assert_abs_diff_eq!(((p.0 - cx) / rx).hypot((p.1 - cy) / ry), 1.0, epsilon = 0.02);
        }
        radii.push(rx);
    }
    radii.sort_by(f64::total_cmp);
    for (k, r) in radii.iter().enumerate() {
        assert_abs_diff_eq!(r / radii[0], ((k + 1) as f64).sqrt(), epsilon = 0.02);
    }
}

#[test]
fn surface_renders_its_grid() {
    let w = Array1::<f64>::linspace(-1.0, 3.0, 20);
    let cost = Array2::from_shape_fn((20, 20), |(j, i)| (w[i] - 1.0).powi(2) + w[j].powi(2));
    let surface = Figure::new().xlabel("w").ylabel("b").surface(&w, &w, &cost).to_svg();
    assert_eq!(surface.matches("<polygon").count(), 19 * 19 + 3, "one face per grid cell + 3 axis panels");
    for name in ["w", "b", "cost"] {
        assert!(surface.contains(&format!(">\n{name}\n</text>")), "axis name {name}");
    }
}

#[test]
#[should_panic(expected = "x has 3 values but y has 2")]
fn mismatched_lengths_panic_naming_both() {
    let _ = Figure::new().line([1.0, 2.0, 3.0], [1.0, 2.0], "");
}

#[test]
#[should_panic(expected = "z has shape [2, 3] but needs (ys.len(), xs.len()) = (3, 2)")]
fn grid_shape_mismatch_panics_with_both_shapes() {
    let _ = Figure::new().contour([0.0, 1.0], [0.0, 1.0, 2.0], &Array2::zeros((2, 3)));
}

#[test]
fn values_flatten_a_column_array() {
    // As the builder methods take them: `impl Values`, usually a borrowed array.
    fn flat(v: impl Values) -> Vec<f64> {
        v.values()
    }
    let column = array![[1.0], [2.0], [3.0]];
    assert_eq!(flat(&column), [1.0, 2.0, 3.0]);
    assert_eq!(column.t().values(), [1.0, 2.0, 3.0]);
    assert_eq!(flat(&array![[1.0_f32, 2.0], [3.0, 4.0]]), [1.0, 2.0, 3.0, 4.0]);
    assert_eq!(flat(0..3), [0.0, 1.0, 2.0]);
    assert_eq!(flat(&[0.5, 1.5][..]), [0.5, 1.5]);
    let v = vec![0.5, 1.5];
    assert_eq!(flat(&v), v);
}

#[test]
fn straight_model_line_stays_compact() {
    let x = Array1::<f64>::linspace(0.0, 1.0, 1000);
    let svg = Figure::new().line(&x, x.mapv(|v| 2.0 * v + 1.0), "").to_svg();
    assert!(svg.len() < 8_000, "{} bytes", svg.len());
}
