//! One error type for the whole crate, with messages written for students.

use std::fmt;

/// Everything that can go wrong in `labkit`, each with a message that says what to do.
#[derive(Debug, Clone, PartialEq)]
pub enum LabError {
    /// Two arrays whose shapes must agree do not, e.g. `x` (143, 2) against `weights` (1, 2).
    Shape {
        /// The operation that checked, e.g. `"Linear::forward"`.
        op: &'static str,
        /// What the first array is, e.g. `"x"`.
        left_name: &'static str,
        /// Its shape.
        left: Vec<usize>,
        /// What the second array is, e.g. `"weights"`.
        right_name: &'static str,
        /// Its shape.
        right: Vec<usize>,
        /// The agreement needed, e.g. `"x.ncols() == weights.nrows()"`.
        rule: &'static str,
    },
    /// A loss or parameter became NaN or infinite during training.
    Diverged {
        /// The step (epoch) at which divergence was detected, counting from 0.
        step: usize,
        /// The loss at that step.
        value: f64,
        /// The learning rate in use, if known, to suggest a smaller one.
        learning_rate: Option<f64>,
    },
    /// A data file's content could not be understood; `line` is 1-based when known.
    Data {
        /// The file or URL read.
        source: String,
        /// The 1-based physical line, when known.
        line: Option<usize>,
        /// What is wrong there.
        reason: String,
    },
    /// A download failed (network, timeout, HTTP status or unreadable body).
    Download {
        /// The address asked for.
        url: String,
        /// Why it failed (timeout, HTTP status, not a CSV of the expected layout, ...).
        reason: String,
    },
    /// An argument outside its allowed range (e.g. a constant feature to standardise).
    Invalid(String),
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabError::Shape { op, left_name, left, right_name, right, rule } => write!(
                f,
                "shape mismatch in {op}: {left_name} has shape {left:?} but {right_name} has shape {right:?} (need {rule})"
            ),
            LabError::Diverged { step, value, learning_rate } => {
                write!(f, "training diverged at step {step}: the loss is {value:e} and growing")?;
                match learning_rate {
                    Some(lr) => write!(f, "; the learning rate {lr} is too large for this problem, try {} or smaller", lr / 10.0),
                    None => write!(f, "; try a smaller learning rate"),
                }
            }
            LabError::Data { source, line: Some(line), reason } => {
                write!(f, "{source}, line {line}: {reason}")
            }
            LabError::Data { source, line: None, reason } => write!(f, "{source}: {reason}"),
            LabError::Download { url, reason } => write!(f, "could not download {url}: {reason}"),
            LabError::Invalid(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for LabError {}

/// `Result` with [`LabError`].
pub type Result<T> = std::result::Result<T, LabError>;

/// Fails with [`LabError::Shape`] unless `agree`. The error names both arrays, their shapes
/// and the `rule` they break, e.g.
/// `check_shapes(x.ncols() == w.nrows(), "forward", ("x", x.shape()), ("weights", w.shape()), "x.ncols() == weights.nrows()")`.
pub(crate) fn check_shapes(
    agree: bool,
    op: &'static str,
    (left_name, left): (&'static str, &[usize]),
    (right_name, right): (&'static str, &[usize]),
    rule: &'static str,
) -> Result<()> {
    if agree {
        return Ok(());
    }
    Err(LabError::Shape { op, left_name, left: left.to_vec(), right_name, right: right.to_vec(), rule })
}

/// Fails with [`LabError::Shape`] unless `left` and `right` have exactly the same shape.
/// No broadcasting: a `(143,)` prediction against a `(143, 1)` target is an error, not a
/// silent 143×143 matrix as in NumPy/PyTorch. E.g. `same_shape("mse", "y_pred", &[143],
/// "y_true", &[143, 1])` fails with `shape mismatch in mse: y_pred has shape [143] but y_true
/// has shape [143, 1] (need equal shapes)`.
pub fn same_shape(
    op: &'static str,
    left_name: &'static str,
    left: &[usize],
    right_name: &'static str,
    right: &[usize],
) -> Result<()> {
    check_shapes(left == right, op, (left_name, left), (right_name, right), "equal shapes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_error_names_both_shapes_and_the_rule() {
        let err = same_shape("mse", "y_pred", &[143], "y_true", &[143, 1]).unwrap_err();
        let want = "shape mismatch in mse: y_pred has shape [143] but y_true has shape [143, 1] (need equal shapes)";
        assert_eq!(err.to_string(), want);
    }

    #[test]
    fn divergence_suggests_smaller_rate() {
        let err = LabError::Diverged { step: 7, value: f64::INFINITY, learning_rate: Some(10.0) };
        let msg = err.to_string();
        assert!(msg.contains("step 7") && msg.contains("try 1 or smaller"), "{msg}");
    }
}
