/*!
The shared test kit: builders for the values the stages hand each other, so a unit test
states only what it is about.

- dates: [`ym`], [`month`] (month `i` counted from January 2024);
- ingest: [`table`] (a grid of text cells, as a CSV is read), [`obs`], [`source`];
- analysis inputs: [`def`], [`defaults`], [`point`] (a period with nothing in it, to
  complete with struct-update syntax), [`some`];
- results: [`kpi`] (plain values run through the real window analysis), [`bare`] (a
  result with every block empty, for report tests that set the blocks they look at).
*/
use std::sync::Arc;

use chrono::NaiveDate;

use crate::analysis::series::KpiSeries;
use crate::analysis::{attainment, Defaults, KpiResult, Point, Settings, Status};
use crate::ingest::{Cell, Table};
use crate::model::kpi::{Direction, KpiDef, Transform};
use crate::model::period::{Calendar, Grain};
use crate::model::series::{Observation, Provenance, SourceRef};

/// The first day of month `m` of year `y`.
pub(crate) fn ym(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).expect("a valid month")
}

/// The first day of month `i`, counted from January 2024.
pub(crate) fn month(i: usize) -> NaiveDate {
    Calendar::default().step(ym(2024, 1), Grain::Month, i as i64)
}

/// A table as a CSV file reads: every non-empty cell text (numbers and dates still to be
/// parsed), an empty string an empty cell.
pub(crate) fn table(file: &str, rows: &[&[&str]]) -> Table {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|t| {
                    if t.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text((*t).into())
                    }
                })
                .collect()
        })
        .collect();
    Table {
        file: file.to_string(),
        sheet: None,
        cells: cells.into(),
        first_row: 0,
        from_text: true,
        is_1904: false,
        decimal_comma: false,
    }
}

/// Where a value came from.
pub(crate) fn source(file: &str, sheet: Option<&str>, row: u32) -> SourceRef {
    SourceRef {
        file: Arc::from(file),
        sheet: sheet.map(Arc::from),
        row,
    }
}

/// One observation of `kpi` on `date`, read from row `row` of `data.csv`.
pub(crate) fn obs(kpi: &str, date: NaiveDate, value: Option<f64>, row: u32) -> Observation {
    Observation {
        kpi: kpi.to_string(),
        date,
        label_grain: None,
        value,
        target: None,
        target_min: None,
        target_max: None,
        source: source("data.csv", None, row),
    }
}

/// A period with no value, no target and no signal.
pub(crate) fn point(period: NaiveDate) -> Point {
    Point {
        period,
        value: None,
        target: None,
        target_min: None,
        target_max: None,
        gap: None,
        met: None,
        status: Status::None,
        mr: None,
        rules: Vec::new(),
        seasonal: None,
        sources: Provenance::default(),
    }
}

pub(crate) fn defaults() -> Defaults {
    Defaults {
        tolerance: 0.05,
        max_lag: None,
        transform: Transform::Diff,
        min_pairs: 8,
        run_length: None,
        seasonal: crate::model::kpi::SeasonalMode::Off,
    }
}

/// A KPI definition with a direction and an owner.
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

/// Monthly KPI from Jan 2024 with `values` (None = missing) and a constant target, run
/// through the real window analysis (attainment, trend, XmR, forecast, targets).
pub(crate) fn kpi(values: &[Option<f64>], def: KpiDef, target: Option<f64>) -> KpiResult {
    let dir = def.direction();
    let series: Vec<Point> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let t = attainment::Target::of(dir, target, def.target_min, def.target_max);
            let cmp = match (v, t) {
                (Some(v), Some(t)) => attainment::compare(*v, t, dir, 0.05),
                _ => attainment::Comparison::default(),
            };
            Point {
                value: *v,
                target: target.filter(|_| dir != Direction::Range),
                target_min: def.target_min,
                target_max: def.target_max,
                gap: cmp.gap,
                met: cmp.met,
                status: cmp.status.unwrap_or(Status::None),
                ..point(month(i))
            }
        })
        .collect();
    let window = series.len();
    let s = KpiSeries::new(def, Grain::Month, series, window, 0.05);
    crate::analysis::analyse_kpi(s, &Settings::default()).0
}

/// A KPI as series building leaves it, every analysis block empty (for report tests
/// that set the blocks they look at).
pub(crate) fn bare(s: KpiSeries) -> KpiResult {
    use crate::analysis::{change, health, process, targets, trend};
    KpiResult {
        def: s.def,
        grain: s.grain,
        n: s.n,
        first_period: s.first_period,
        last_period: s.last_period,
        latest: s.latest,
        series: s.series,
        history: s.history,
        change: change::Change::default(),
        attainment: attainment::Summary::default(),
        trend: trend::Trend::default(),
        spc: process::Spc::default(),
        forecast: targets::Forecast::default(),
        targets: targets::Suggestions::default(),
        health: health::Health::default(),
        seasonality: None,
    }
}
