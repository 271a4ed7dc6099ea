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

#[test]
fn tie_is_equality_of_the_rounded_values() {
    assert!(tie(0.3 - 0.1, 0.5 - 0.3));
    assert!(tie(-0.0, 0.0));
    assert!(tie(f64::INFINITY, f64::INFINITY));
    assert!(!tie(f64::NAN, f64::NAN));
    assert!(!tie(1.000_000_000_01, 1.000_000_000_02));
    assert!(!tie(0.0, 1e-320));
    // Every pair of neighbours around a rounding edge decides as rounding both does.
    for base in [1.0, 123_456.789, -9.999_999_999_99, 1e-300, 7.25e300] {
        let mut x: f64 = base;
        for _ in 0..2_000 {
            let y = f64::from_bits(x.to_bits() + 1);
            assert_eq!(tie(x, y), tie_value(x) == tie_value(y), "{x} {y}");
            let far = x * (1.0 + 2e-11);
            assert_eq!(tie(x, far), tie_value(x) == tie_value(far), "{x} {far}");
            x = y;
        }
    }
}
