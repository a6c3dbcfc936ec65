//! Behaviour of the notebook display helpers: DataFrame tables and the slider explorer.

use labkit::{Array1, Explorer, Figure};

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
fn explorer_output_is_deterministic_and_has_no_ids() {
    // Re-running a cell must show the same output; two copies on one page must not clash.
    let html = explorer(2).to_html();
    assert_eq!(html, explorer(2).to_html(), "same explorer, same HTML");
    assert!(!html.contains(" id=\""), "no element ids");
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
    let html = table.to_html();
    assert!(html.contains("<th>Year</th><th>J-D</th>"));
    assert!(html.contains("i64") && html.contains("f64"));
    assert!(html.contains("… 1 more row") && html.contains("3 rows × 2 columns"));
    let text = "
   Year    J-D
    i64    f64
0  1880  -0.17
1  1881  -0.09
… 1 more row
3 rows × 2 columns (shape [3, 2])";
    assert_eq!(table.to_string(), text.trim_start_matches('\n'));
}
