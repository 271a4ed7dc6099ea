/*!
The two blocks above a KPI sheet's table: the definition (what the KPI is — owner,
unit, direction, target, aggregation, grain, role, leads, description) and the headline
numbers (where it stands — latest value and status, hit rate, trend, variation,
assurance, current limits, suggested rebase). Numbers stay numbers and dates dates; each
judgement carries the same plain-words note as on the Summary.
*/
use chrono::NaiveDate;
use rust_xlsxwriter::Format;

use crate::analysis::{KpiResult, Status};
use crate::model::kpi::{Aggregation, Direction, KpiRole};
use crate::model::period::Calendar;
use crate::report::reasons::{self, fmt_p};
use crate::report::words::{self, fmt_value};
use crate::report::{value_format, Styles};

/// The value of one label–value pair.
pub(super) enum Value<'a> {
    /// Text spread over the block's value columns, wrapped.
    Text(String),
    /// A short judgement in its coloured cell ("green", "concern").
    Badge(&'static str, &'a Format),
    Num(Option<f64>, &'a Format),
    Date(Option<NaiveDate>, &'a Format),
}

/// One line of a block: label, value and an optional note saying why.
pub(super) struct Item<'a> {
    pub label: &'static str,
    pub value: Value<'a>,
    pub note: Option<String>,
}

fn item<'a>(label: &'static str, value: Value<'a>) -> Item<'a> {
    Item {
        label,
        value,
        note: None,
    }
}

/// A further definition line (the lead-lag relationship, for instance).
pub(super) fn extra(label: &'static str, value: String) -> Item<'static> {
    item(label, text(value))
}

fn text(s: impl Into<String>) -> Value<'static> {
    Value::Text(s.into())
}

fn or_dash(s: Option<&str>) -> String {
    match s.map(str::trim) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "—".into(),
    }
}

/// What the KPI is.
pub(super) fn definition<'a>(k: &KpiResult, st: &'a Styles, cal: &Calendar) -> Vec<Item<'a>> {
    let d = &k.def;
    let unit = d.unit.as_deref();
    let direction = match d.direction() {
        Direction::Higher => "higher is better",
        Direction::Lower => "lower is better",
        Direction::Range => "within the target band",
    };
    let aggregation = match d.aggregation() {
        Aggregation::Sum => "sum: a period's values are added up",
        Aggregation::Mean => "mean: a period's values are averaged",
        Aggregation::Last => "last: the latest value in a period counts",
        Aggregation::Min => "min: the lowest value in a period counts",
        Aggregation::Max => "max: the highest value in a period counts",
    };
    let mut items = vec![
        item("Owner", text(or_dash(d.owner.as_deref()))),
        item("Unit", text(or_dash(unit))),
        item("Direction", text(direction)),
        // One configured target is a number cell; steps, bands and data targets are
        // described in words.
        match (d.target, d.targets.is_empty(), d.direction()) {
            (Some(t), true, Direction::Higher | Direction::Lower) => {
                item("Target", Value::Num(Some(t), value_format(st, k)))
            }
            _ => item("Target", text(target_words(k, cal))),
        },
        item("Aggregation", text(aggregation)),
        item("Grain", text(k.grain.as_str())),
        item("Role", text(or_dash(d.role.map(KpiRole::as_str)))),
        item("Leads", text(or_dash(Some(&d.leads.join(", "))))),
        item("Description", text(or_dash(d.description.as_deref()))),
    ];
    if d.lower_bound.is_some() || d.upper_bound.is_some() {
        let bounds = match (d.lower_bound, d.upper_bound) {
            (Some(a), Some(b)) => format!("{} – {}", fmt_value(a, unit), fmt_value(b, unit)),
            (Some(a), None) => format!("at least {}", fmt_value(a, unit)),
            (None, Some(b)) => format!("at most {}", fmt_value(b, unit)),
            (None, None) => String::new(),
        };
        items.push(item(
            "Bounds",
            text(format!(
                "{bounds} (the process limits are clamped to these)"
            )),
        ));
    }
    if !d.rebase.is_empty() {
        let at: Vec<String> = d.rebase.iter().map(|p| cal.label(*p, k.grain)).collect();
        items.push(item(
            "Rebased at",
            text(format!("{} (limits recomputed from there)", at.join(", "))),
        ));
    }
    items
}

/// The target as configured: steps, a band, one value, or the data's own targets.
fn target_words(k: &KpiResult, cal: &Calendar) -> String {
    let d = &k.def;
    let unit = d.unit.as_deref();
    let v = |x: f64| fmt_value(x, unit);
    if !d.targets.is_empty() {
        let mut steps: Vec<String> = d.target.map(&v).into_iter().collect();
        steps.extend(
            d.targets
                .iter()
                .map(|s| format!("{} from {}", v(s.value), cal.label(s.from, k.grain))),
        );
        return steps.join("; ");
    }
    let band = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => Some(format!("band {} – {}", v(a), v(b))),
        (Some(a), None) => Some(format!("at least {}", v(a))),
        (None, Some(b)) => Some(format!("at most {}", v(b))),
        (None, None) => None,
    };
    if d.direction() == Direction::Range {
        if let Some(b) = band(d.target_min, d.target_max) {
            return b;
        }
        if let Some(b) = band(k.latest.target_min, k.latest.target_max) {
            return format!("from the data (latest: {b})");
        }
    } else if let Some(t) = d.target {
        return v(t);
    } else if let Some(t) = k.latest.target {
        return format!("from the data (latest: {})", v(t));
    }
    if k.series
        .iter()
        .any(|p| p.target.is_some() || p.target_min.is_some())
    {
        "from the data (none for the latest period)".into()
    } else {
        "none".into()
    }
}

/// A slope as a reader would say it: percentage points for percent KPIs, with enough
/// digits that a slow trend does not read as +0.0.
fn slope_words(slope: f64, unit: Option<&str>) -> String {
    if unit.map(str::trim) == Some("%") {
        format!("{} pts", fmt_value(slope * 100.0, None))
    } else {
        fmt_value(slope, unit)
    }
}

/// Where the KPI stands.
pub(super) fn headline<'a>(k: &'a KpiResult, st: &'a Styles, cal: &Calendar) -> Vec<Item<'a>> {
    let l = &k.latest;
    let vf = value_format(st, k);
    let status = l.status.unwrap_or(Status::None);
    vec![
        item("Latest period", Value::Date(l.period, st.date(k.grain))),
        item("Latest value", Value::Num(l.value, vf)),
        item("Target", target_value(k, vf)),
        Item {
            label: "Status",
            value: Value::Badge(words::status_label(l.status), st.status(status)),
            note: Some(words::status_reason(k)),
        },
        hit_rate(k, st),
        Item {
            label: "Trend",
            value: trend_value(k),
            note: Some(reasons::trend_reason(k)),
        },
        Item {
            label: "Variation",
            value: Value::Badge(
                reasons::variation_label(k.spc.variation),
                st.variation(k.spc.variation),
            ),
            note: Some(reasons::variation_reason(k)),
        },
        Item {
            label: "Assurance",
            value: Value::Badge(reasons::assurance_label(k), st.assurance(k.spc.assurance)),
            note: Some(reasons::assurance_reason(k)),
        },
        item("Current limits", limits_value(k)),
        rebase(k, st, cal),
        Item {
            label: "Forecast next period",
            value: forecast_words(k, cal),
            note: Some(reasons::forecast_reason(k)),
        },
        Item {
            label: "Suggested targets",
            value: suggestion_words(k),
            note: Some(k.targets.rationale.clone()),
        },
    ]
}

/// The latest target: a number, a band, or "none".
fn target_value<'a>(k: &KpiResult, vf: &'a Format) -> Value<'a> {
    let (l, unit) = (&k.latest, k.def.unit.as_deref());
    match (k.def.direction(), l.target_min, l.target_max, l.target) {
        (Direction::Range, Some(a), Some(b), _) => {
            text(format!("{} – {}", fmt_value(a, unit), fmt_value(b, unit)))
        }
        (_, _, _, Some(t)) => Value::Num(Some(t), vf),
        _ => text("none"),
    }
}

/// The hit rate, with a note counting the hits and the latest streak.
fn hit_rate<'a>(k: &KpiResult, st: &'a Styles) -> Item<'a> {
    let a = &k.attainment;
    let value = match a.hit_rate {
        Some(h) => Value::Num(Some(h), &st.percent),
        None => text("no period with a target"),
    };
    let outcome = if a.streak > 0 { "met" } else { "missed" };
    let streak = match a.streak.unsigned_abs() {
        0 => String::new(),
        1 => format!("; the latest period {outcome} it"),
        n => format!("; the latest {n} periods in a row {outcome} it"),
    };
    Item {
        label: "Hit rate",
        value,
        note: Some(if a.periods_with_target == 0 {
            "No period of the window has both a value and a target.".into()
        } else {
            format!(
                "{} of {} met the target{streak}.",
                words::count(a.hits),
                words::plural(
                    a.periods_with_target,
                    "period with a target",
                    "periods with a target"
                )
            )
        }),
    }
}

/// "improving (Sen slope +2.1 per month, Mann–Kendall p = 0.003)".
fn trend_value(k: &KpiResult) -> Value<'static> {
    let t = &k.trend;
    match (t.sen_slope, t.mk_p) {
        (Some(slope), Some(p)) => text(format!(
            "{} (Sen slope {}{} per {}, Mann–Kendall p {})",
            reasons::trend_label(k),
            if slope >= 0.0 { "+" } else { "−" },
            slope_words(slope.abs(), k.def.unit.as_deref()),
            k.grain.as_str(),
            if p < 0.001 {
                fmt_p(p)
            } else {
                format!("= {}", fmt_p(p))
            }
        )),
        _ => text(format!("not enough data ({} values; 6 needed)", t.n)),
    }
}

/// The latest segment's centre line and limits.
fn limits_value(k: &KpiResult) -> Value<'static> {
    let unit = k.def.unit.as_deref();
    match k.spc.latest() {
        Some(s) => match (s.cl, s.lnpl, s.unpl) {
            (Some(cl), Some(lo), Some(hi)) => text(format!(
                "CL {}, natural process limits {} – {} (since {})",
                fmt_value(cl, unit),
                fmt_value(lo, unit),
                fmt_value(hi, unit),
                s.start.format("%Y-%m-%d")
            )),
            _ => text("none: too few values in the latest segment"),
        },
        None => text("none"),
    }
}

/// The suggested rebase, with why, or "none".
fn rebase<'a>(k: &KpiResult, st: &'a Styles, cal: &Calendar) -> Item<'a> {
    match k.spc.suggested_rebase {
        Some(p) => Item {
            label: "Suggested rebase",
            value: Value::Date(Some(p), st.date(k.grain)),
            note: Some(format!(
                "A run of points on one side of the centre line began at {} and is still going at the latest point: the process has shifted, so its limits should be recomputed from there (add the period to `rebase` for this KPI in kpis.toml).",
                super::signals::period_word(cal, p, k.grain)
            )),
        },
        None => item("Suggested rebase", text("none")),
    }
}

/// "1,240 in Nov 2026 (natural range 1,180 – 1,300)".
fn forecast_words(k: &KpiResult, cal: &Calendar) -> Value<'static> {
    let unit = k.def.unit.as_deref();
    let f = &k.forecast;
    match (f.value, f.period) {
        (Some(v), Some(p)) => {
            let range = match (f.low, f.high) {
                (Some(lo), Some(hi)) => format!(
                    " (natural range {} – {})",
                    fmt_value(lo, unit),
                    fmt_value(hi, unit)
                ),
                _ => String::new(),
            };
            text(format!(
                "{} in {}{range}",
                fmt_value(v, unit),
                cal.label(p, k.grain)
            ))
        }
        _ => text("none"),
    }
}

/// "realistic 97.7%, stretch 98.1%, conservative 97.2% — current target too easy".
fn suggestion_words(k: &KpiResult) -> Value<'static> {
    let unit = k.def.unit.as_deref();
    let t = &k.targets;
    let realism = crate::report::plans::realism_label(t.realism);
    match (t.realistic, t.stretch, t.conservative) {
        (Some(r), Some(s), Some(c)) => text(format!(
            "realistic {}, stretch {}, conservative {} — current target: {realism}",
            fmt_value(r, unit),
            fmt_value(s, unit),
            fmt_value(c, unit)
        )),
        _ => text(format!("none — current target: {realism}")),
    }
}
