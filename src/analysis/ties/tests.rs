use super::*;

#[test]
fn differences_equal_in_decimals_tie() {
    assert_ne!(0.3 - 0.1, 0.5 - 0.3);
    assert_eq!(tie_value(0.3 - 0.1), tie_value(0.5 - 0.3));
    assert_eq!(tie_value(0.1 + 0.2), 0.3);
    // Twelve significant digits are kept: these stay apart.
    assert_ne!(tie_value(1.000_000_000_01), tie_value(1.000_000_000_02));
    assert_eq!(tie_value(123_456.789_012_345), 123_456.789_012);
    assert_eq!(tie_value(-0.0), 0.0);
    assert!(tie_value(f64::NAN).is_nan());
    assert_eq!(tie_value(f64::INFINITY), f64::INFINITY);
    assert_eq!(tie_value(1.5e308), 1.5e308);
}
