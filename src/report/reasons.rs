/*!
Why each process judgement is what it is, in one plain sentence: the trend verdict, the
variation of the latest point and the assurance of the target. The numbers come from
`Results`; this module only words them, for the notes on the Summary and KPI sheets.
*/
use crate::analysis::process::Spc;
use crate::analysis::spc::{Assurance, Rule, Side, Variation};
use crate::analysis::trend::{Assessment, TrendDirection};
use crate::analysis::KpiResult;
use crate::model::kpi::Direction;

use super::words::fmt_value;

/// "↑ improving", "→ stable", "↓ deteriorating"; empty without a trend.
pub(super) fn trend_label(k: &KpiResult) -> String {
    let (Some(d), Some(a)) = (k.trend.direction, k.trend.assessment) else {
        return String::new();
    };
    let arrow = match d {
        TrendDirection::Up => "↑",
        TrendDirection::Down => "↓",
        TrendDirection::Flat => "→",
    };
    format!("{arrow} {}", a.as_str())
}

fn grain_word(k: &KpiResult) -> &'static str {
    k.grain.as_str()
}

pub(super) fn trend_reason(k: &KpiResult) -> String {
    let t = &k.trend;
    let (Some(p), Some(sen), Some(a)) = (t.mk_p, t.sen_slope, t.assessment) else {
        return format!(
            "Only {} observed value(s) in the window: at least 6 are needed for a trend.",
            t.n
        );
    };
    let slope = signed(sen, k.def.unit.as_deref());
    let verdict = match a {
        Assessment::Improving => "a significant trend in the good direction → improving",
        Assessment::Deteriorating => "a significant trend in the wrong direction → deteriorating",
        Assessment::Stable => "no significant trend (p ≥ 0.05) → stable",
        Assessment::Neutral => "range KPIs have no good direction → neutral",
    };
    format!(
        "Mann–Kendall p = {}, Sen slope {slope} per {} over {} values: {verdict}.",
        fmt_p(p),
        grain_word(k),
        t.n
    )
}

/// A change with its sign: "+2.1", "−0.4%".
fn signed(v: f64, unit: Option<&str>) -> String {
    if v >= 0.0 {
        format!("+{}", fmt_value(v, unit))
    } else {
        format!("−{}", fmt_value(-v, unit))
    }
}

/// p-values as people read them: 3 significant digits, "< 0.001" below that.
pub(super) fn fmt_p(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// A signal rule in words, with its side: "a value above the upper limit".
fn rule_words(rule: Rule, side: Side) -> String {
    let (above, up, limit) = match side {
        Side::High => ("above", "up", "upper"),
        Side::Low => ("below", "down", "lower"),
    };
    match rule {
        Rule::Outside => format!("a value {above} the {limit} natural process limit"),
        Rule::Run => format!("a run of values {above} the centre line"),
        Rule::NearLimit => format!("3 of 4 values {above} the halfway line, near the limit"),
        Rule::TwoOfThree => format!("2 of 3 values {above} the 2-sigma line"),
        Rule::Trend => format!("7 values in a row going {up}"),
        Rule::Jump => format!("a jump {up} larger than the upper range limit"),
    }
}

pub(super) fn variation_label(v: Option<Variation>) -> &'static str {
    match v {
        Some(Variation::Improvement) => "improvement",
        Some(Variation::Concern) => "concern",
        Some(Variation::CommonCause) => "common cause",
        Some(Variation::Neutral) => "special cause",
        None => "no limits",
    }
}

pub(super) fn variation_reason(k: &KpiResult) -> String {
    let spc: &Spc = &k.spc;
    let Some(latest) = k.latest.period else {
        return "No value in the window.".into();
    };
    let Some(v) = spc.variation else {
        return "The latest segment has fewer than 6 observations, so there are no process limits to judge the latest point against.".into();
    };
    let here: Vec<String> = spc
        .signals
        .iter()
        .filter(|s| s.period == latest)
        .map(|s| format!("{} ({})", rule_words(s.rule, s.side), s.rule))
        .collect();
    let good = match k.def.direction() {
        Direction::Higher => "high is good",
        Direction::Lower => "low is good",
        Direction::Range => "a range KPI has no good side",
    };
    match v {
        Variation::CommonCause => "The latest point is inside the natural process limits and part of no signal: routine variation (common cause). No reaction needed.".into(),
        Variation::Improvement => format!("The latest point is part of {}; {good} → improvement (special cause in the good direction).", here.join("; ")),
        Variation::Concern => format!("The latest point is part of {}; {good} → concern (special cause in the wrong direction): look for what changed.", here.join("; ")),
        Variation::Neutral => format!("The latest point is part of {}; {good}, so the special cause is noted without a verdict.", here.join("; ")),
    }
}

pub(super) fn assurance_label(k: &KpiResult) -> &'static str {
    match k.spc.assurance {
        Some(Assurance::Pass) => "pass",
        Some(Assurance::Fail) => "fail",
        Some(Assurance::HitAndMiss) => "hit and miss",
        None if k.spc.latest().is_some_and(|s| s.cl.is_some()) => "no target",
        None => "no limits",
    }
}

pub(super) fn assurance_reason(k: &KpiResult) -> String {
    let unit = k.def.unit.as_deref();
    let Some(seg) = k.spc.latest() else {
        return "No process limits.".into();
    };
    let (Some(lo), Some(hi)) = (seg.lnpl, seg.unpl) else {
        return "The latest segment has too few observations for limits, so assurance cannot be judged.".into();
    };
    let limits = format!(
        "natural process limits {} – {}",
        fmt_value(lo, unit),
        fmt_value(hi, unit)
    );
    let target = match (
        k.def.direction(),
        k.latest.target,
        k.latest.target_min,
        k.latest.target_max,
    ) {
        (Direction::Range, _, Some(a), Some(b)) => {
            format!("the band {} – {}", fmt_value(a, unit), fmt_value(b, unit))
        }
        (_, Some(t), _, _) => format!("target {}", fmt_value(t, unit)),
        _ => return "No target for the latest period, so there is no assurance.".into(),
    };
    match k.spc.assurance {
        Some(Assurance::Pass) => format!("{target} lies outside the {limits} on the good side: the process as it runs meets it every time → pass (consider a more ambitious target)."),
        Some(Assurance::Fail) => format!("{target} lies outside the {limits} on the wrong side: the process as it runs will not meet it → fail (change the process or the target)."),
        Some(Assurance::HitAndMiss) => format!("{target} lies within the {limits}: the process will meet it some periods and miss it in others → hit and miss."),
        None => "No assurance.".into(),
    }
}

/// How the next-period forecast and its range were made: "The Theil–Sen trend line
/// (+2.1 per month) carried one month on; range ± 2.66 × the average moving range
/// (3.4)."
pub(super) fn forecast_reason(k: &KpiResult) -> String {
    let f = &k.forecast;
    let Some(v) = f.value else {
        return "No forecast: the window has no values.".into();
    };
    let unit = k.def.unit.as_deref();
    let grain = grain_word(k);
    let trending = matches!(
        k.trend.direction,
        Some(TrendDirection::Up | TrendDirection::Down)
    );
    let seg = k.spc.latest().filter(|s| s.cl.is_some());
    let point = match (trending, k.trend.sen_slope) {
        (true, Some(slope)) => format!(
            "The Theil–Sen trend line ({} per {grain}) carried one {grain} on: {}",
            signed(slope, unit),
            fmt_value(v, unit)
        ),
        _ if seg.is_some() => format!(
            "No significant trend, so the centre line of the latest segment: {}",
            fmt_value(v, unit)
        ),
        _ => format!(
            "No significant trend and no process limits, so the mean of the window: {}",
            fmt_value(v, unit)
        ),
    };
    let range = match (f.low, f.high, seg.and_then(|s| s.mr_bar)) {
        (Some(lo), Some(hi), Some(m)) => format!(
            ". Natural range {} – {}: the forecast ∓ 2.66 × the average moving range ({}){}.",
            fmt_value(lo, unit),
            fmt_value(hi, unit),
            fmt_value(m, unit),
            if k.def.lower_bound.is_some() || k.def.upper_bound.is_some() {
                ", inside the KPI's bounds"
            } else {
                ""
            }
        ),
        _ => ". No natural range: the KPI has no process limits yet.".into(),
    };
    // An adjusted KPI's line runs through its deseasonalised values.
    let season = match (k.seasonality.as_ref().filter(|s| s.adjusted), f.period) {
        (Some(s), Some(next)) => format!(
            " Judged against its season: the line and centre line are of the values less their season index, and the forecast adds {}'s index ({}).",
            s.seasons.label(s.seasons.season(next)),
            signed(s.index_at(next), unit)
        ),
        _ => String::new(),
    };
    point + &range + &season
}

#[cfg(test)]
mod tests;
