/*!
What changed since the last report, in words (`--previous`): the one sentence the
Summary's title block, the e-mail body and the terminal open with, the few words of
Summary's "Since last report" column, and the notes of the Changes sheet. The
comparison itself is `analysis::changes`; this module only words it.
*/
use crate::analysis::changes::{
    report_of, Changes, KpiChange, Restatement, Retargeting, StatusChange, TargetValue,
};
use crate::analysis::{KpiResult, Results, Status};
use crate::model::period::Calendar;

use super::words::{fmt_value, plural, status_label};

/// "Since the report of 2026-09-30: 2 KPIs got worse, 1 better; 3 new signals; 4 values
/// restated in 2 KPIs" (docs/report.md, "Summary"); new and dropped KPIs are added when
/// there are any.
pub fn sentence(c: &Changes) -> String {
    let (worse, better) = c.status_counts();
    let status = if worse + better == 0 {
        "no KPI changed status".to_string()
    } else {
        format!(
            "{} got worse, {better} better",
            plural(worse, "KPI", "KPIs")
        )
    };
    let (values, kpis) = c.restated_counts();
    let restated = if values == 0 {
        "no values restated".to_string()
    } else {
        format!(
            "{} restated in {}",
            plural(values, "value", "values"),
            plural(kpis, "KPI", "KPIs")
        )
    };
    let mut parts = vec![
        status,
        plural(c.new_signal_count(), "new signal", "new signals"),
        restated,
    ];
    if !c.new_kpis.is_empty() || !c.dropped_kpis.is_empty() {
        parts.push(format!(
            "{} new, {} dropped",
            plural(c.new_kpis.len(), "KPI", "KPIs"),
            c.dropped_kpis.len()
        ));
    }
    format!(
        "Since {}: {}",
        report_of(c.previous.as_of),
        parts.join("; ")
    )
}

/// The change of the KPI at `index` of `results.kpis`, if it was in the earlier run
/// (`c.kpis` is in the report's order, so by index: a search of its own for each of
/// 30,000 KPIs took a second).
pub(super) fn change_of(c: &Changes, index: usize) -> Option<&KpiChange> {
    let at = c.kpis.binary_search_by_key(&index, |k| k.kpi).ok()?;
    c.kpis.get(at)
}

/// An earlier status word as a status (unknown words are none).
pub(super) fn status_of(word: Option<&str>) -> Option<Status> {
    match word? {
        "green" => Some(Status::Green),
        "amber" => Some(Status::Amber),
        "red" => Some(Status::Red),
        _ => Some(Status::None),
    }
}

/// "green → red", the earlier status first.
pub(super) fn status_move(k: &KpiChange) -> String {
    format!(
        "{} → {}",
        status_label(status_of(k.previous_status.as_deref())),
        status_label(k.status)
    )
}

/// Summary's "Since last report" cell: "▼ green → red; 2 new signals; restated",
/// "new KPI", or "no change".
pub(super) fn summary_cell(c: &Changes, index: usize) -> String {
    let Some(k) = change_of(c, index) else {
        return "new KPI".into();
    };
    let mut parts = Vec::new();
    match k.status_change {
        Some(StatusChange::Worse) => parts.push(format!("▼ {}", status_move(k))),
        Some(StatusChange::Better) => parts.push(format!("▲ {}", status_move(k))),
        _ => {}
    }
    if !k.new_signals.is_empty() {
        parts.push(plural(k.new_signals.len(), "new signal", "new signals"));
    }
    if !k.cleared_signals.is_empty() {
        parts.push(plural(
            k.cleared_signals.len(),
            "cleared signal",
            "cleared signals",
        ));
    }
    if !k.restated.is_empty() {
        parts.push("restated".into());
    }
    if !k.retargeted.is_empty() {
        parts.push("target changed".into());
    }
    if parts.is_empty() {
        "no change".into()
    } else {
        parts.join("; ")
    }
}

/// The e-mail's list of KPIs that got worse: "Revenue: green → red (Oct 2026)".
pub(super) fn worse_items(r: &Results, c: &Changes) -> Vec<String> {
    let cal = calendar(r);
    c.kpis
        .iter()
        .filter(|k| k.status_change == Some(StatusChange::Worse))
        .map(|k| {
            let grain = r.kpis[k.kpi].grain;
            let period = k
                .period
                .map(|p| format!(" ({})", cal.label(p, grain)))
                .unwrap_or_default();
            format!("{}: {}{period}", k.name, status_move(k))
        })
        .collect()
}

pub(super) fn calendar(r: &Results) -> Calendar {
    Calendar {
        fiscal_year_start: r.fiscal_year_start,
    }
}

/// A value in the KPI's unit, or "blank".
fn shown(v: Option<f64>, k: &KpiResult) -> String {
    v.map_or_else(|| "blank".into(), |v| fmt_value(v, k.def.unit.as_deref()))
}

/// "+1.0%", "−1.0%".
pub(super) fn signed_pct(p: f64) -> String {
    if p < 0.0 {
        format!("−{:.1}%", -p * 100.0)
    } else {
        format!("+{:.1}%", p * 100.0)
    }
}

/// "Revenue Sep 2026 was 1,210,400 in the report of 2026-09-30, now 1,198,700: −1.0%".
pub(super) fn restated_note(s: &Restatement, k: &KpiResult, c: &Changes, cal: &Calendar) -> String {
    let what = format!("{} {}", k.def.name, cal.label(s.period, k.grain));
    let then = report_of(c.previous.as_of);
    match (s.previous, s.current) {
        (Some(_), Some(_)) => format!(
            "{what} was {} in {then}, now {}{}",
            shown(s.previous, k),
            shown(s.current, k),
            s.relative_change()
                .map(|p| format!(": {}", signed_pct(p)))
                .unwrap_or_default()
        ),
        (Some(_), None) => format!("{what} was {} in {then}, now blank", shown(s.previous, k)),
        _ => format!("{what} had no value in {then}, now {}", shown(s.current, k)),
    }
}

/// A target as text: "1,200,000", "30 – 45", "none".
pub(super) fn target_text(t: TargetValue, k: &KpiResult) -> String {
    let unit = k.def.unit.as_deref();
    let v = |x: Option<f64>| x.map_or_else(|| "…".into(), |x| fmt_value(x, unit));
    match t {
        _ if t.is_missing() => "none".into(),
        TargetValue::Single(x) => v(x),
        TargetValue::Band(a, b) => format!("{} – {}", v(a), v(b)),
    }
}

/// "Revenue's target for Oct 2026 was 1,200,000 in the report of 2026-09-30, now
/// 1,300,000".
pub(super) fn retargeted_note(
    t: &Retargeting,
    k: &KpiResult,
    c: &Changes,
    cal: &Calendar,
) -> String {
    format!(
        "{}'s target for {} was {} in {}, now {}",
        k.def.name,
        cal.label(t.period, k.grain),
        target_text(t.previous, k),
        report_of(c.previous.as_of),
        target_text(t.current, k)
    )
}

/// A judgement's word as a reader reads it: "common_cause" → "common cause"; a missing
/// one is "none".
pub(super) fn word(w: Option<&str>) -> String {
    w.map_or_else(|| "none".into(), |w| w.replace('_', " "))
}

#[cfg(test)]
mod tests;
