//! [`Explorer`]: a slider over precomputed plots that needs no running kernel.

use super::Figure;
use crate::display::{emit, escape, num};
use std::fmt;

/// A slider that flips between figures precomputed for each parameter value, in the
/// spirit of `ipywidgets.interact` but with no kernel behind it (evcxr has no widgets):
/// every frame is rendered once to SVG, and a few lines of inline JavaScript show the
/// frame under the slider. Without JavaScript the first frame is shown.
#[derive(Clone, Debug)]
pub struct Explorer {
    param: String,
    values: Vec<f64>,
    /// (SVG, caption) for each value, filled by [`Explorer::frames`].
    frames: Vec<(String, String)>,
}

impl Explorer {
    /// A slider over `values` of the parameter called `param_name`.
    pub fn new(param_name: &str, values: &[f64]) -> Self {
        Explorer { param: param_name.to_string(), values: values.to_vec(), frames: vec![] }
    }

    /// Renders one frame per value: `f(value)` returns the figure and a caption
    /// such as `"MSE 1.234, MAE 0.567"`.
    pub fn frames(mut self, f: impl Fn(f64) -> (Figure, String)) -> Self {
        self.frames = self.values.iter().map(|&v| f(v)).map(|(figure, caption)| (figure.to_svg(), caption)).collect();
        self
    }

    /// Slider, value read-out and all frames as one HTML fragment. It has no element ids:
    /// the slider's script finds its frames from the slider itself, so the same explorer
    /// always gives the same HTML, and two copies of it on a page do not clash.
    pub fn to_html(&self) -> String {
        let param = escape(&self.param);
        if self.frames.is_empty() {
            return format!("<p>Explorer over {param}: no frames yet, call <code>.frames(…)</code>.</p>");
        }
        let label = |k: usize| escape(&format!("{} = {}", self.param, num(self.values[k])));
        // Show frame k (the slider's value) and write its label into the read-out.
        let js = "var e=this.closest('.labkit-explorer'),k=+this.value,f=e.querySelectorAll(':scope>.labkit-frame');\
                  f.forEach(function(d,i){d.style.display=i==k?'':'none'});e.querySelector('output').textContent=f[k].dataset.label";
        let mut h = format!(
            "<div class=\"labkit-explorer\">\n<div style=\"font-family:sans-serif;margin:4px 0\">\
             <input type=\"range\" min=\"0\" max=\"{}\" step=\"1\" value=\"0\" style=\"width:320px;vertical-align:middle\" \
             aria-label=\"{param}\" oninput=\"{js}\"> <output>{}</output></div>\n",
            self.frames.len() - 1,
            label(0)
        );
        for (k, (svg, caption)) in self.frames.iter().enumerate() {
            let hidden = if k == 0 { "" } else { " style=\"display:none\"" };
            h.push_str(&format!(
                "<div class=\"labkit-frame\" data-label=\"{}\"{hidden}>\n{svg}<div style=\"font-family:sans-serif\">{}: {}</div>\n</div>\n",
                label(k),
                label(k),
                escape(caption)
            ));
        }
        h.push_str("</div>");
        h
    }

    /// Shows the explorer in evcxr/Jupyter; the text fallback lists `param = value: caption`.
    pub fn evcxr_display(&self) {
        emit(&[("text/html", &self.to_html()), ("text/plain", &self.to_string())]);
    }
}

/// One line per frame: `w = 0.5: MSE 1.234`.
impl fmt::Display for Explorer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Explorer over {}: {} frames (slider)", self.param, self.frames.len())?;
        for (v, (_, caption)) in self.values.iter().zip(&self.frames) {
            write!(f, "\n  {} = {}: {caption}", self.param, num(*v))?;
        }
        Ok(())
    }
}
