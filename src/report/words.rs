/*!
Plain-words explanations shown beside the numbers (cell notes, text columns). The
report must explain itself to people who did not run the tool, so every judgement
carries a sentence saying why. Only wording lives here: the numbers come from `Results`.
*/
use crate::analysis::{KpiResult, Status};
use crate::model::kpi::Direction;
pub(super) use crate::model::units::fmt_value;
use crate::model::units::{is_percent, thousands, trim_zeros};

/// "1 KPI", "3 KPIs", "1,000 KPIs".
pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", count(n))
    }
}

/// A count as a reader writes it: "950", "1,000", "50,000".
pub(super) fn count(n: usize) -> String {
    thousands(n as f64)
}

/// How a status is written in a cell.
pub(super) fn status_label(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::None) => "no target",
        Some(s) => s.as_str(),
        None => "no data",
    }
}

/// A difference between two values of the KPI: percentage points for percent KPIs.
pub(super) fn fmt_gap(v: f64, unit: Option<&str>) -> String {
    if is_percent(unit) && v.is_finite() {
        format!("{:.1} pts", v * 100.0)
    } else {
        fmt_value(v, unit)
    }
}

/// Why the latest status is what it is, in one sentence:
/// "93.1% vs target 95.0%: 1.9 pts short (-2.0%), inside the 5% tolerance → amber".
pub(super) fn status_reason(k: &KpiResult) -> String {
    let l = &k.latest;
    let unit = k.def.unit.as_deref();
    let (Some(v), Some(status)) = (l.value, l.status) else {
        return "No value in the analysis window, so there is no status.".into();
    };
    let actual = fmt_value(v, unit);
    let tolerance = match k.def.tolerance {
        Some(t) => format!("the {}% tolerance", trim_zeros(format!("{:.1}", t * 100.0))),
        None => "the tolerance".into(),
    };
    let gap = l.gap.map_or_else(String::new, |g| fmt_gap(g.abs(), unit));
    let pct = l
        .gap_pct
        .filter(|p| p.is_finite())
        .map(|p| format!(" ({:+.1}%)", p * 100.0))
        .unwrap_or_default();
    match (k.def.direction(), status) {
        (_, Status::None) => format!("{actual}: no target is set for this period, so no status."),
        (Direction::Range, s) => {
            let band = match (l.target_min, l.target_max) {
                (Some(a), Some(b)) => format!("{} – {}", fmt_value(a, unit), fmt_value(b, unit)),
                (Some(a), None) => format!("at least {}", fmt_value(a, unit)),
                (None, Some(b)) => format!("at most {}", fmt_value(b, unit)),
                (None, None) => "the target band".into(),
            };
            match s {
                Status::Green => format!("{actual} is inside the band {band} → green"),
                Status::Amber => format!(
                    "{actual} is outside the band {band} by {gap}, within {tolerance} → amber"
                ),
                _ => format!(
                    "{actual} is outside the band {band} by {gap}, beyond {tolerance} → red"
                ),
            }
        }
        (direction, s) => {
            let target = l
                .target
                .map_or_else(|| "n/a".into(), |t| fmt_value(t, unit));
            let (good, miss) = if direction == Direction::Lower {
                ("at or below", "above")
            } else {
                ("at or above", "short of")
            };
            match s {
                Status::Green => format!("{actual} vs target {target}: {good} target → green"),
                Status::Amber => format!(
                    "{actual} vs target {target}: {gap} {miss} target{pct}, inside {tolerance} → amber"
                ),
                _ => format!(
                    "{actual} vs target {target}: {gap} {miss} target{pct}, beyond {tolerance} → red"
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests;
