//! Reporting computed values to the grader.
//!
//! A graded check cell calls the student's functions on inputs the notebook does not show and
//! hands each result to [`report`], which prints it as one line of JSON:
//!
//! ```text
//! @labkit-record {"name":"init_params(7)","shape":[2],"values":[0.07630828937395717,0.7799758081188035]}
//! ```
//!
//! Nothing here decides a grade. The grader, outside the student's kernel, reads these lines
//! and compares each value with what the solution notebook reported under the same name,
//! within a tolerance that lives with the grader. A value that is missing, reported twice or
//! not readable scores nothing.

use ndarray::{ArrayBase, Data, Dimension};

/// What a record line starts with (the grader's `judge.py` looks for it).
const RECORD_PREFIX: &str = "@labkit-record ";

/// A value the grader can compare: its shape (`[]` for a number) and its elements in
/// row-major order, as `f64` (integers up to 2⁵³ and booleans, as 0 or 1, are exact).
/// Extension point: implement it for your own type to `report` values of that type.
pub trait Reportable {
    /// `(shape, values)`.
    fn shape_and_values(&self) -> (Vec<usize>, Vec<f64>);
}

macro_rules! reportable_number {
    ($($t:ty),*) => {$(
        impl Reportable for $t {
            fn shape_and_values(&self) -> (Vec<usize>, Vec<f64>) {
                (vec![], vec![*self as f64])
            }
        }
    )*};
}
reportable_number!(f64, f32, usize, u32, u64, i32, i64);

impl Reportable for bool {
    fn shape_and_values(&self) -> (Vec<usize>, Vec<f64>) {
        (vec![], vec![if *self { 1.0 } else { 0.0 }])
    }
}

impl<T: Reportable> Reportable for [T] {
    /// A list of numbers has shape `[n]`; a list of arrays of one shape `s` has `[n, s…]`.
    fn shape_and_values(&self) -> (Vec<usize>, Vec<f64>) {
        let (shapes, values): (Vec<_>, Vec<_>) = self.iter().map(Reportable::shape_and_values).unzip();
        // items of different shapes: keep the first shape, the grader will see a mismatch
        let shape = [vec![self.len()], shapes.into_iter().next().unwrap_or_default()].concat();
        (shape, values.concat())
    }
}

impl<T: Reportable> Reportable for Vec<T> {
    fn shape_and_values(&self) -> (Vec<usize>, Vec<f64>) {
        self.as_slice().shape_and_values()
    }
}

impl<A: Reportable, B: Reportable> Reportable for (A, B) {
    /// A pair of numbers has shape `[2]` (a pair of anything else is flattened).
    fn shape_and_values(&self) -> (Vec<usize>, Vec<f64>) {
        let values = [self.0.shape_and_values().1, self.1.shape_and_values().1].concat();
        (vec![values.len()], values)
    }
}

impl<A: Reportable, B: Reportable, C: Reportable> Reportable for (A, B, C) {
    /// A triple of numbers has shape `[3]` (a triple of anything else is flattened).
    fn shape_and_values(&self) -> (Vec<usize>, Vec<f64>) {
        let values = [self.0.shape_and_values().1, self.1.shape_and_values().1, self.2.shape_and_values().1].concat();
        (vec![values.len()], values)
    }
}

impl<S: Data<Elem = f64>, D: Dimension> Reportable for ArrayBase<S, D> {
    fn shape_and_values(&self) -> (Vec<usize>, Vec<f64>) {
        (self.shape().to_vec(), self.iter().copied().collect())
    }
}

impl<T: Reportable + ?Sized> Reportable for &T {
    fn shape_and_values(&self) -> (Vec<usize>, Vec<f64>) {
        (**self).shape_and_values()
    }
}

/// The record line for `value` under `name` (without the newline).
fn record<V: Reportable>(name: &str, value: V) -> String {
    let (shape, values) = value.shape_and_values();
    let shape = shape.iter().map(usize::to_string).collect::<Vec<_>>().join(",");
    let values = values.into_iter().map(json_number).collect::<Vec<_>>().join(",");
    format!("{RECORD_PREFIX}{{\"name\":{},\"shape\":[{shape}],\"values\":[{values}]}}", json_string(name))
}

/// Prints the record line for `value` under `name` on its own line of standard output, e.g.
/// `report("w", &array![[0.5], [-2.0]])` prints
/// `@labkit-record {"name":"w","shape":[2,1],"values":[0.5,-2.0]}`.
pub fn report<V: Reportable>(name: &str, value: V) {
    println!("{}", record(name, value));
}

/// Shortest text that reads back as the same `f64` (`{:?}`); NaN and ±∞ as Python's
/// `json` module reads them.
fn json_number(v: f64) -> String {
    match v {
        _ if v.is_nan() => "NaN".into(),
        f64::INFINITY => "Infinity".into(),
        f64::NEG_INFINITY => "-Infinity".into(),
        _ => format!("{v:?}"),
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn numbers_have_an_empty_shape_and_read_back_exactly() {
        let third = 1.0_f64 / 3.0;
        assert_eq!(record("x", third), format!("{RECORD_PREFIX}{{\"name\":\"x\",\"shape\":[],\"values\":[0.3333333333333333]}}"));
        let text = record("x", third);
        let value: f64 = text.rsplit('[').next().unwrap().trim_end_matches("]}").parse().unwrap();
        assert_eq!(value, third);
    }

    #[test]
    fn tuples_lists_and_arrays_keep_their_shapes() {
        assert!(record("t", (1.0, 2.5)).ends_with(r#""shape":[2],"values":[1.0,2.5]}"#));
        assert!(record("t", (1.0, 2.5, 3usize)).ends_with(r#""shape":[3],"values":[1.0,2.5,3.0]}"#));
        assert!(record("v", vec![array![1.0, 2.0], array![3.0, 4.0]]).ends_with(r#""shape":[2,2],"values":[1.0,2.0,3.0,4.0]}"#));
        assert!(record("a", array![[1.0, 2.0, 3.0]].t()).ends_with(r#""shape":[3,1],"values":[1.0,2.0,3.0]}"#));
        assert!(record("b", true).ends_with(r#""values":[1.0]}"#));
        assert!(record("e", Vec::<f64>::new()).ends_with(r#""shape":[0],"values":[]}"#));
    }

    #[test]
    fn a_column_is_reported_with_its_shape_in_row_major_order() {
        let line = record("w", array![[0.5], [-2.0]]);
        assert_eq!(line, r#"@labkit-record {"name":"w","shape":[2,1],"values":[0.5,-2.0]}"#);
        assert_eq!(record("nan", f64::NAN), r#"@labkit-record {"name":"nan","shape":[],"values":[NaN]}"#);
    }

    #[test]
    fn special_values_and_names_are_valid_json_for_python() {
        assert!(record("i", f64::NEG_INFINITY).ends_with("[-Infinity]}"));
        assert!(record("tiny", 1e-300).ends_with("[1e-300]}"));
        assert!(record("q\"\\\n", 0.0).contains(r#""name":"q\"\\\u000a""#));
    }
}
