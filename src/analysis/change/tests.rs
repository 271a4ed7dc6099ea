use super::*;
use crate::analysis::Point;
use crate::testkit::{point, ym};

/// The periods of `points` that have a value, as the history holds them.
fn observed(points: &[Point]) -> Vec<Observed> {
    points.iter().filter_map(Observed::of).collect()
}

fn pt(y: i32, m: u32, value: Option<f64>, target: Option<f64>) -> Point {
    Point {
        value,
        target,
        ..point(ym(y, m))
    }
}

#[test]
fn monthly_change_yoy_and_fiscal_ytd() {
    // Apr 2023 … May 2024, fiscal year starting in April.
    let mut h = Vec::new();
    for i in 0..14u32 {
        let (y, m) = if i < 9 { (2023, 4 + i) } else { (2024, i - 8) };
        h.push(pt(y, m, Some(f64::from(i + 1)), Some(5.0)));
    }
    let cal = Calendar {
        fiscal_year_start: 4,
    };
    let c = change(
        &observed(&h),
        Grain::Month,
        &cal,
        Aggregation::Sum,
        Direction::Higher,
    );
    assert_eq!(c.prev_value, Some(13.0));
    assert_eq!(c.pop_abs, Some(1.0));
    assert_eq!(c.pop_pct, Some(1.0 / 13.0));
    assert_eq!(c.yoy_value, Some(2.0)); // May 2023
    assert_eq!(c.yoy_pct, Some(6.0));
    // FY starts Apr 2024: Apr (13) + May (14)
    assert_eq!(c.ytd_value, Some(27.0));
    assert_eq!(c.ytd_target, Some(10.0));
    assert_eq!(c.ytd_met, Some(true));
}

#[test]
fn missing_previous_is_not_skipped_and_zero_base_has_no_pct() {
    let h = vec![
        pt(2024, 1, Some(0.0), None),
        pt(2024, 2, None, None),
        pt(2024, 3, Some(4.0), None),
    ];
    let c = change(
        &observed(&h),
        Grain::Month,
        &Calendar::default(),
        Aggregation::Mean,
        Direction::Lower,
    );
    assert_eq!(c.prev_value, None);
    assert_eq!(c.pop_abs, None);
    let h2 = vec![pt(2024, 2, Some(0.0), None), pt(2024, 3, Some(4.0), None)];
    let c2 = change(
        &observed(&h2),
        Grain::Month,
        &Calendar::default(),
        Aggregation::Mean,
        Direction::Lower,
    );
    assert_eq!((c2.pop_abs, c2.pop_pct), (Some(4.0), None));
    assert_eq!(c2.ytd_value, Some(2.0));
    assert_eq!(c2.ytd_met, None);
}
