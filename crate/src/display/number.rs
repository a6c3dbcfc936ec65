//! [`num`]: a number as people read it in axis labels, captions and summaries.

/// A number with about 3 significant digits, trailing zeros trimmed: `0.0927`, `1.23`, `49`.
/// Magnitudes below 10⁻⁴ or from 10⁶ up, and NaN or ∞, use scientific notation (`1.50e6`).
pub(crate) fn num(v: f64) -> String {
    let mag = if v == 0.0 { 0 } else { v.abs().log10().floor() as i32 };
    if !v.is_finite() || !(-4..6).contains(&mag) {
        return format!("{v:.2e}");
    }
    let s = format!("{v:.*}", (2 - mag).max(0) as usize);
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" { "0".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn three_significant_digits_without_trailing_zeros() {
        assert_eq!(num(0.092_74), "0.0927");
        assert_eq!(num(1.2345), "1.23");
        assert_eq!(num(49.0), "49");
        assert_eq!(num(123_456.0), "123456");
        assert_eq!(num(-0.000_1), "-0.0001");
        assert_eq!(num(-0.0), "0");
    }

    #[test]
    fn very_large_tiny_and_odd_values_in_scientific_notation() {
        assert_eq!(num(1.5e6), "1.50e6");
        assert_eq!(num(2.5e-5), "2.50e-5");
        assert_eq!(num(f64::NAN), "NaN");
    }
}
