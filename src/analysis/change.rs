/*!
Change against the previous period, the same period a year earlier, and fiscal
year-to-date (docs/methods.md §2). These look at the whole history, not just the window:
the year-ago value and the start of the fiscal year may lie before it.
*/
use std::collections::HashMap;

use chrono::NaiveDate;

use super::Point;
use crate::model::kpi::{Aggregation, Direction};
use crate::model::period::{Calendar, Grain};

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Change {
    pub prev_value: Option<f64>,
    pub pop_abs: Option<f64>,
    pub pop_pct: Option<f64>,
    pub yoy_value: Option<f64>,
    pub yoy_abs: Option<f64>,
    pub yoy_pct: Option<f64>,
    pub ytd_value: Option<f64>,
    pub ytd_target: Option<f64>,
    pub ytd_met: Option<bool>,
}

/// `(abs, pct)` of `latest` against `base`; pct is null when the base is 0.
fn delta(latest: f64, base: Option<f64>) -> (Option<f64>, Option<f64>) {
    match base {
        Some(b) => {
            let abs = latest - b;
            (Some(abs), (b != 0.0).then(|| abs / b.abs()))
        }
        None => (None, None),
    }
}

pub fn change(
    history: &[Point],
    grain: Grain,
    cal: &Calendar,
    aggregation: Aggregation,
    direction: Direction,
) -> Change {
    let Some(latest) = history.iter().rev().find(|p| p.value.is_some()) else {
        return Change::default();
    };
    let Some(value) = latest.value else {
        return Change::default();
    };
    let by_period: HashMap<NaiveDate, &Point> = history.iter().map(|p| (p.period, p)).collect();
    let value_at = |p: NaiveDate| by_period.get(&p).and_then(|pt| pt.value);

    let prev_value = value_at(cal.step(latest.period, grain, -1));
    let (pop_abs, pop_pct) = delta(value, prev_value);
    let yoy_value = value_at(cal.year_ago(latest.period, grain));
    let (yoy_abs, yoy_pct) = delta(value, yoy_value);

    let (ytd_value, ytd_target) = if grain == Grain::Year {
        (Some(value), latest.target)
    } else {
        let fy_start = cal.fiscal_year_start_of(latest.period);
        let ytd: Vec<&Point> = history
            .iter()
            .filter(|p| p.period >= fy_start && p.period <= latest.period && p.value.is_some())
            .collect();
        let values: Vec<f64> = ytd.iter().filter_map(|p| p.value).collect();
        let targets: Vec<f64> = ytd.iter().filter_map(|p| p.target).collect();
        (aggregation.apply(&values), aggregation.apply(&targets))
    };
    let ytd_met = match (ytd_value, ytd_target, direction) {
        (Some(v), Some(t), Direction::Higher) => Some(v >= t),
        (Some(v), Some(t), Direction::Lower) => Some(v <= t),
        _ => None,
    };
    Change {
        prev_value,
        pop_abs,
        pop_pct,
        yoy_value,
        yoy_abs,
        yoy_pct,
        ytd_value,
        ytd_target,
        ytd_met,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Status;

    fn pt(y: i32, m: u32, value: Option<f64>, target: Option<f64>) -> Point {
        Point {
            period: NaiveDate::from_ymd_opt(y, m, 1).unwrap(),
            value,
            target,
            target_min: None,
            target_max: None,
            met: None,
            status: Status::None,
            mr: None,
            rules: Vec::new(),
            sources: Vec::new(),
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
        let c = change(&h, Grain::Month, &cal, Aggregation::Sum, Direction::Higher);
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
            &h,
            Grain::Month,
            &Calendar::default(),
            Aggregation::Mean,
            Direction::Lower,
        );
        assert_eq!(c.prev_value, None);
        assert_eq!(c.pop_abs, None);
        let h2 = vec![pt(2024, 2, Some(0.0), None), pt(2024, 3, Some(4.0), None)];
        let c2 = change(
            &h2,
            Grain::Month,
            &Calendar::default(),
            Aggregation::Mean,
            Direction::Lower,
        );
        assert_eq!((c2.pop_abs, c2.pop_pct), (Some(4.0), None));
        assert_eq!(c2.ytd_value, Some(2.0));
        assert_eq!(c2.ytd_met, None);
    }
}
