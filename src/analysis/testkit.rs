//! Test helper: a `KpiResult` built from plain values and run through the real window
//! analysis (attainment, trend, XmR), so rule tests start from realistic inputs.
use chrono::NaiveDate;

use super::series::KpiSeries;
use super::{attainment, KpiResult, Point, Status};
use crate::analysis::Defaults;
use crate::model::kpi::{Direction, KpiDef};
use crate::model::period::{Calendar, Grain};

pub(crate) fn month(i: usize) -> NaiveDate {
    Calendar::default().step(
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        Grain::Month,
        i as i64,
    )
}

pub(crate) fn defaults() -> Defaults {
    Defaults {
        tolerance: 0.05,
        max_lag: None,
        transform: crate::model::kpi::Transform::Diff,
        min_pairs: 8,
        run_length: None,
    }
}

/// Monthly KPI from Jan 2024 with `values` (None = missing) and a constant target.
pub(crate) fn kpi(values: &[Option<f64>], def: KpiDef, target: Option<f64>) -> KpiResult {
    let dir = def.direction();
    let series: Vec<Point> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let t = super::attainment::Target::of(dir, target, def.target_min, def.target_max);
            let cmp = match (v, t) {
                (Some(v), Some(t)) => attainment::compare(*v, t, dir, 0.05),
                _ => attainment::Comparison::default(),
            };
            Point {
                period: month(i),
                value: *v,
                target: if dir == Direction::Range {
                    None
                } else {
                    target
                },
                target_min: def.target_min,
                target_max: def.target_max,
                met: cmp.met,
                status: cmp.status.unwrap_or(Status::None),
                mr: None,
                rules: vec![],
                sources: vec![],
            }
        })
        .collect();
    let window = series.len();
    let s = KpiSeries::new(def, Grain::Month, series, window, 0.05);
    super::analyse_kpi(s, &super::Settings::default()).0
}

/// A KPI as series building leaves it, every analysis block empty (for report tests
/// that set the blocks they look at).
pub(crate) fn bare(s: KpiSeries) -> KpiResult {
    KpiResult {
        def: s.def,
        grain: s.grain,
        n: s.n,
        first_period: s.first_period,
        last_period: s.last_period,
        latest: s.latest,
        series: s.series,
        history: s.history,
        change: super::change::Change::default(),
        attainment: attainment::Summary::default(),
        trend: super::trend::Trend::default(),
        spc: super::process::Spc::default(),
        forecast: super::targets::Forecast::default(),
        targets: super::targets::Suggestions::default(),
        health: super::health::Health::default(),
    }
}

pub(crate) fn def(name: &str, direction: Direction) -> KpiDef {
    KpiDef {
        direction: Some(direction),
        owner: Some("Ops".into()),
        ..KpiDef::new(name)
    }
}

pub(crate) fn some(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|x| Some(*x)).collect()
}
