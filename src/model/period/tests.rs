use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn period_starts() {
    let c = Calendar::default();
    assert_eq!(c.period_start(d(2024, 3, 14), Grain::Week), d(2024, 3, 11));
    assert_eq!(c.period_start(d(2024, 3, 14), Grain::Month), d(2024, 3, 1));
    assert_eq!(
        c.period_start(d(2024, 5, 14), Grain::Quarter),
        d(2024, 4, 1)
    );
    assert_eq!(c.period_start(d(2024, 5, 14), Grain::Year), d(2024, 1, 1));
    let fy = Calendar {
        fiscal_year_start: 4,
    };
    assert_eq!(
        fy.period_start(d(2024, 3, 14), Grain::Quarter),
        d(2024, 1, 1)
    );
    assert_eq!(fy.period_start(d(2024, 3, 14), Grain::Year), d(2023, 4, 1));
    assert_eq!(fy.period_start(d(2024, 4, 1), Grain::Year), d(2024, 4, 1));
    let fy11 = Calendar {
        fiscal_year_start: 11,
    };
    assert_eq!(
        fy11.period_start(d(2024, 1, 5), Grain::Quarter),
        d(2023, 11, 1)
    );
    assert_eq!(fy.fiscal_year(2024), Some(d(2023, 4, 1)));
}

#[test]
fn ordinals_and_steps() {
    let c = Calendar::default();
    assert_eq!(c.ordinal(d(2023, 11, 1), d(2024, 2, 1), Grain::Month), 3);
    assert_eq!(c.step(d(2023, 11, 1), Grain::Month, 3), d(2024, 2, 1));
    assert_eq!(c.ordinal(d(2024, 1, 1), d(2024, 7, 1), Grain::Quarter), 2);
    assert_eq!(c.year_ago(d(2024, 2, 29), Grain::Day), d(2023, 2, 28));
    assert_eq!(c.year_ago(d(2024, 3, 1), Grain::Month), d(2023, 3, 1));
    assert_eq!(c.label(d(2024, 4, 1), Grain::Quarter), "2024-Q2");
    assert_eq!(c.label(d(2024, 1, 1), Grain::Week), "2024-W01");
}

#[test]
fn gap_inference() {
    assert_eq!(Grain::from_median_gap(1.0), (Grain::Day, false));
    assert_eq!(Grain::from_median_gap(7.0), (Grain::Week, false));
    assert_eq!(Grain::from_median_gap(30.5), (Grain::Month, false));
    assert_eq!(Grain::from_median_gap(91.0), (Grain::Quarter, false));
    assert_eq!(Grain::from_median_gap(365.0), (Grain::Year, false));
    assert_eq!(Grain::from_median_gap(14.0), (Grain::Month, true));
}
