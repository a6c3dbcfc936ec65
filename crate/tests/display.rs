//! Behaviour of the notebook display helpers: HTML tables and the slider explorer.

use labkit::{array, array_table, Array1, Explorer, Figure, Html};

#[test]
fn array_table_shows_first_rows_and_the_rest_as_a_count() {
    let a = Array1::<f64>::range(0.0, 20.0, 1.0).into_shape_with_order((10, 2)).unwrap();
    let table = array_table(&a, &["x", "y"], 3);
    assert!(table.0.contains("<tr><th>2</th>") && !table.0.contains("<tr><th>3</th>"), "rows 0, 1, 2");
    assert!(table.0.contains("… 7 more rows"));
    assert!(table.0.contains("10 rows × 2 columns"));
    let text = table.to_string();
    assert!(text.contains("     x    y\n0  0.0  1.0") && text.contains("2  4.0  5.0"), "{text}");
}

#[test]
fn array_table_names_missing_headers_by_number() {
    let table = array_table(&array![[1.0, 2.0, 3.0]], &["a"], 5);
    assert!(table.0.contains("<th>a</th><th>1</th><th>2</th>"));
    assert!(!table.0.contains("more row"));
}

#[test]
fn html_text_fallback_strips_tags() {
    let html = Html("<p>MSE <b>0.25</b> &amp; MAE 0.4</p><p>done</p>".into());
    assert_eq!(html.to_string(), "MSE 0.25 & MAE 0.4\ndone");
}

fn explorer(n: usize) -> Explorer {
    let x = Array1::<f64>::linspace(0.0, 1.0, 100);
    let y = x.mapv(|v| 2.0 * v + 1.0 + 0.1 * (17.0 * v).sin());
    let ws: Vec<f64> = (0..n).map(|k| k as f64 * 0.1).collect();
    Explorer::new("w", &ws).frames(|w| {
        let y_hat = x.mapv(|v| w * v + 1.0);
        let mse = (&y - &y_hat).mapv(|e| e * e).mean().unwrap();
        (Figure::new().scatter(&x, &y, "data").line(&x, &y_hat, "model"), format!("MSE {mse:.3}"))
    })
}

#[test]
fn explorer_has_one_frame_per_value_and_only_the_first_visible() {
    let html = explorer(5).to_html();
    assert_eq!(html.matches("class=\"labkit-frame\"").count(), 5);
    assert_eq!(html.matches("<svg").count(), 5);
    assert_eq!(html.matches("style=\"display:none\"").count(), 4, "first frame shows without JavaScript");
    assert!(html.contains(r#"type="range""#) && html.contains(r#"max="4""#));
}

#[test]
fn explorer_ids_come_from_the_content() {
    // Re-running a cell must show the same output; different explorers must not share ids.
    let id = |html: &str| html.split("id=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let e = explorer(2);
    assert_eq!(e.to_html(), explorer(2).to_html(), "same explorer, same HTML");
    assert_ne!(id(&e.to_html()), id(&explorer(3).to_html()), "other frames, other id");
    let frame = |w: f64| (Figure::new().line([0.0, 1.0], [w, w], ""), String::new());
    let (a, b) = (Explorer::new("a", &[1.0]).frames(frame), Explorer::new("b", &[1.0]).frames(frame));
    assert_ne!(id(&a.to_html()), id(&b.to_html()), "other parameter name, other id");
}

#[test]
fn explorer_text_lists_value_and_caption() {
    // MSE at w = 0: mean((2x + 0.1 sin 17x)²) over the grid, computed here independently.
    let x = Array1::<f64>::linspace(0.0, 1.0, 100);
    let mse0 = x.mapv(|v| (2.0 * v + 0.1 * (17.0 * v).sin()).powi(2)).mean().unwrap();
    let text = explorer(3).to_string();
    assert!(text.starts_with("Explorer over w: 3 frames"));
    assert!(text.contains(&format!("w = 0: MSE {mse0:.3}")), "{text}");
    assert!(text.contains("w = 0.2: MSE"));
}

#[test]
fn explorer_of_41_frames_stays_small() {
    let size = explorer(41).to_html().len();
    eprintln!("41-frame explorer (100-point scatter + line per frame): {size} bytes");
    assert!(size < 1_500_000, "{size} bytes");
}

#[cfg(feature = "polars")]
#[test]
fn df_table_shows_names_types_and_shape() {
    use labkit::polars::prelude::*;
    let df = df!("Year" => [1880i64, 1881, 1882], "J-D" => [-0.17, -0.09, -0.1]).unwrap();
    let table = labkit::df_table(&df, 2);
    assert!(table.0.contains("<th>Year</th><th>J-D</th>"));
    assert!(table.0.contains("i64") && table.0.contains("f64"));
    assert!(table.0.contains("… 1 more row") && table.0.contains("3 rows × 2 columns"));
    assert!(table.to_string().contains("1880  -0.17"), "{table}");
}
