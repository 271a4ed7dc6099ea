/*!
Target attainment of one period (docs/methods.md §3): gap, gap %, attainment ratio, met and
the red/amber/green status with tolerance — and the window summary (hit rate, streak).
Range KPIs compare against the band [target_min, target_max].
*/

use super::{Point, Status};
use crate::model::kpi::Direction;

/// The target of one period: a single value, or a band for range KPIs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    Value(f64),
    Band(f64, f64),
}

impl Target {
    /// The period's target for a KPI of `direction`, if it has one.
    pub fn of(
        direction: Direction,
        target: Option<f64>,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Option<Target> {
        match direction {
            // A band whose minimum is above its maximum is no band (ingestion and the
            // config report where it came from).
            Direction::Range => match (min, max) {
                (Some(a), Some(b)) if a <= b => Some(Target::Band(a, b)),
                _ => None,
            },
            _ => target.map(Target::Value),
        }
    }
}

/// Comparison of one value with its target.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Comparison {
    pub gap: Option<f64>,
    pub gap_pct: Option<f64>,
    pub attainment: Option<f64>,
    pub met: Option<bool>,
    pub status: Option<Status>,
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den != 0.0).then(|| num / den.abs())
}

pub fn compare(value: f64, target: Target, direction: Direction, tolerance: f64) -> Comparison {
    match target {
        Target::Value(t) => {
            let gap = value - t;
            let (met, amber, attainment) = match direction {
                Direction::Lower => (
                    value <= t,
                    value <= t + tolerance * t.abs(),
                    (value > 0.0).then(|| t / value),
                ),
                _ => (
                    value >= t,
                    value >= t - tolerance * t.abs(),
                    (t > 0.0).then(|| value / t),
                ),
            };
            Comparison {
                gap: Some(gap),
                gap_pct: ratio(gap, t),
                attainment,
                met: Some(met),
                status: Some(status(met, amber)),
            }
        }
        Target::Band(a, b) => {
            let (gap, edge) = if value < a {
                (value - a, a)
            } else if value > b {
                (value - b, b)
            } else {
                // Inside the band: the gap is 0; gap % is relative to the nearer edge.
                (
                    0.0,
                    if (value - a).abs() <= (b - value).abs() {
                        a
                    } else {
                        b
                    },
                )
            };
            let met = a <= value && value <= b;
            let slack = tolerance * (b - a);
            let amber = value >= a - slack && value <= b + slack;
            Comparison {
                gap: Some(gap),
                gap_pct: ratio(gap, edge),
                attainment: None,
                met: Some(met),
                status: Some(status(met, amber)),
            }
        }
    }
}

fn status(met: bool, within_tolerance: bool) -> Status {
    if met {
        Status::Green
    } else if within_tolerance {
        Status::Amber
    } else {
        Status::Red
    }
}

/// Window summary of target attainment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    pub periods_with_target: usize,
    pub hits: usize,
    pub hit_rate: Option<f64>,
    pub streak: i64,
}

/// Hit rate and streak over periods that have both a value and a target.
pub fn summarise(points: &[Point]) -> Summary {
    let outcomes: Vec<bool> = points.iter().filter_map(|p| p.value.and(p.met)).collect();
    let hits = outcomes.iter().filter(|&&m| m).count();
    let streak = match outcomes.last() {
        None => 0,
        Some(&last) => {
            let len = outcomes.iter().rev().take_while(|&&m| m == last).count() as i64;
            if last {
                len
            } else {
                -len
            }
        }
    };
    Summary {
        periods_with_target: outcomes.len(),
        hits,
        hit_rate: (!outcomes.is_empty()).then(|| hits as f64 / outcomes.len() as f64),
        streak,
    }
}

#[cfg(test)]
mod tests;
