use super::*;

#[test]
fn higher_is_better() {
    let c = compare(0.931, Target::Value(0.95), Direction::Higher, 0.05);
    assert_eq!(c.met, Some(false));
    assert_eq!(c.status, Some(Status::Amber));
    assert!((c.gap.unwrap() - (-0.019)).abs() < 1e-12);
    assert!((c.gap_pct.unwrap() - (-0.019 / 0.95)).abs() < 1e-12);
    assert!((c.attainment.unwrap() - 0.931 / 0.95).abs() < 1e-12);
    let red = compare(80.0, Target::Value(100.0), Direction::Higher, 0.05);
    assert_eq!(red.status, Some(Status::Red));
}

#[test]
fn lower_is_better_and_zero_target() {
    let c = compare(6.0, Target::Value(5.0), Direction::Lower, 0.05);
    assert_eq!(c.status, Some(Status::Red));
    assert_eq!(c.attainment, Some(5.0 / 6.0));
    let z = compare(1.0, Target::Value(0.0), Direction::Lower, 0.05);
    assert_eq!(z.gap_pct, None);
    assert_eq!(z.attainment, Some(0.0));
    let neg = compare(-3.0, Target::Value(-2.0), Direction::Higher, 0.05);
    assert_eq!(neg.attainment, None);
    assert_eq!(neg.gap_pct, Some(-0.5));
}

#[test]
fn range_band() {
    let inside = compare(40.0, Target::Band(30.0, 45.0), Direction::Range, 0.05);
    assert_eq!(
        (inside.gap, inside.met, inside.status),
        (Some(0.0), Some(true), Some(Status::Green))
    );
    let near = compare(46.0, Target::Band(30.0, 45.0), Direction::Range, 0.1);
    assert_eq!((near.gap, near.status), (Some(1.0), Some(Status::Amber)));
    assert_eq!(near.gap_pct, Some(1.0 / 45.0));
    assert_eq!(near.attainment, None);
}
