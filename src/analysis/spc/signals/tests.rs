use super::{beyond, Side, ROUNDING};

#[test]
fn a_value_within_rounding_of_a_line_is_on_it() {
    // 0.1 + 0.2 is 0.30000000000000004: a line that should be 0.3.
    let line = 0.1 + 0.2;
    let tol = ROUNDING * line;
    assert_eq!(beyond(0.3, line, line, tol), None);
    assert_eq!(beyond(0.3 + 1e-9, line, line, tol), Some(Side::High));
    assert_eq!(beyond(0.3 - 1e-9, line, line, tol), Some(Side::Low));
}
