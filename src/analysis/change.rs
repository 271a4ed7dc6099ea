/*!
Change against the previous period, the same period a year earlier, and fiscal
year-to-date (docs/methods.md §2). These look at the whole history, not just the window:
the year-ago value and the start of the fiscal year may lie before it.
*/
use std::collections::HashMap;

use chrono::NaiveDate;

use super::Observed;
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
    history: &[Observed],
    grain: Grain,
    cal: &Calendar,
    aggregation: Aggregation,
    direction: Direction,
) -> Change {
    let Some(latest) = history.last() else {
        return Change::default();
    };
    let value = latest.value;
    let by_period: HashMap<NaiveDate, f64> = history.iter().map(|p| (p.period, p.value)).collect();
    let value_at = |p: NaiveDate| by_period.get(&p).copied();

    let prev_value = value_at(cal.step(latest.period, grain, -1));
    let (pop_abs, pop_pct) = delta(value, prev_value);
    let yoy_value = value_at(cal.year_ago(latest.period, grain));
    let (yoy_abs, yoy_pct) = delta(value, yoy_value);

    let (ytd_value, ytd_target) = if grain == Grain::Year {
        (Some(value), latest.target)
    } else {
        let fy_start = cal.fiscal_year_start_of(latest.period);
        let ytd: Vec<&Observed> = history
            .iter()
            .filter(|p| p.period >= fy_start && p.period <= latest.period)
            .collect();
        let values: Vec<f64> = ytd.iter().map(|p| p.value).collect();
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
mod tests;
