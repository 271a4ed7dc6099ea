/*!
Forecast of the next period and suggested targets from the KPI's own history
(docs/methods.md §6): the baseline, a realistic and a stretch target from the quantiles of
the basis (adjusted by the forecast when the trend is improving), all clamped to the
natural bounds, and a verdict on how realistic the current target is — each with the
sentence saying which rule produced it.
*/
use chrono::NaiveDate;
use std::fmt::Write as _;

use super::spc::{clamp_to_bounds as clamp, Assurance};
use super::trend::{mean, quantile, Assessment, TrendDirection};
use super::Judged;
use crate::model::kpi::Direction;
use crate::model::period::Calendar;
use crate::model::units::fmt_value;

/// Next-period forecast with its natural range.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Forecast {
    pub period: Option<NaiveDate>,
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realism {
    None,
    Unrealistic,
    TooEasy,
    Unknown,
    Stretching,
    Achievable,
}

impl Realism {
    pub fn as_str(self) -> &'static str {
        match self {
            Realism::None => "none",
            Realism::Unrealistic => "unrealistic",
            Realism::TooEasy => "too_easy",
            Realism::Unknown => "unknown",
            Realism::Stretching => "stretching",
            Realism::Achievable => "achievable",
        }
    }
}

/// Suggested targets for the next period and the verdict on the current one.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestions {
    pub baseline: Option<f64>,
    pub median: Option<f64>,
    pub conservative: Option<f64>,
    pub realistic: Option<f64>,
    pub stretch: Option<f64>,
    pub realism: Realism,
    pub rationale: String,
    /// How many observations the suggestions rest on, and from when (for notes).
    pub basis_n: usize,
    pub basis_start: Option<NaiveDate>,
    /// Which rule produced each number, with the numbers (notes on the Targets sheet).
    pub reasons: SuggestionReasons,
}

/// One sentence per suggested number saying which rule produced it; empty when the
/// number is missing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SuggestionReasons {
    pub baseline: String,
    pub median: String,
    pub conservative: String,
    pub realistic: String,
    pub stretch: String,
}

impl Default for Suggestions {
    fn default() -> Self {
        Suggestions {
            baseline: None,
            median: None,
            conservative: None,
            realistic: None,
            stretch: None,
            realism: Realism::None,
            rationale: String::new(),
            basis_n: 0,
            basis_start: None,
            reasons: SuggestionReasons::default(),
        }
    }
}

/// Forecast of the period after the latest observation.
pub fn forecast(k: &Judged, cal: &Calendar) -> Forecast {
    let Some(latest) = k.latest.period else {
        return Forecast::default();
    };
    let (lo, hi) = (k.def.lower_bound, k.def.upper_bound);
    let Some(i_latest) = k.series.iter().position(|p| p.period == latest) else {
        return Forecast::default();
    };
    let t_next = (i_latest + 1) as f64;
    let seg = k.spc.latest();
    let trending = matches!(
        k.trend.direction,
        Some(TrendDirection::Up | TrendDirection::Down)
    );
    // On the deseasonalised scale for an adjusted KPI, then set to the next season.
    let next = cal.step(latest, k.grain, 1);
    let centre = match (trending, k.trend.sen_slope, k.trend.sen_intercept) {
        (true, Some(b), Some(a)) => Some(a + b * t_next),
        _ => seg.and_then(|s| s.cl).or_else(|| {
            let v: Vec<f64> = k.series.iter().filter_map(|p| k.judged_value(p)).collect();
            (!v.is_empty()).then(|| mean(&v))
        }),
    }
    .map(|c| c + k.season_index(next));
    let mr_bar = seg
        .and_then(|s| s.mr_bar)
        .filter(|_| seg.is_some_and(|s| s.cl.is_some()));
    Forecast {
        period: Some(next),
        value: centre.map(|c| clamp(c, lo, hi)),
        low: centre.zip(mr_bar).map(|(c, m)| clamp(c - 2.66 * m, lo, hi)),
        high: centre.zip(mr_bar).map(|(c, m)| clamp(c + 2.66 * m, lo, hi)),
    }
}

/// The more favourable of two values for the KPI's direction.
fn better(direction: Direction, a: f64, b: f64) -> f64 {
    match direction {
        Direction::Lower => a.min(b),
        _ => a.max(b),
    }
}

/// Suggested targets for the next period and the verdict on the current one
/// (docs/methods.md §6), each number with the sentence saying which rule produced it.
pub fn suggest(k: &Judged, forecast: &Forecast, cal: &Calendar) -> Suggestions {
    // Basis: the latest segment when it has limits, else the whole window (≥ 6 values).
    let seg = k.spc.latest().filter(|s| s.cl.is_some());
    let basis: Vec<(NaiveDate, f64)> = k
        .series
        .iter()
        .filter(|p| seg.is_none_or(|s| p.period >= s.start && p.period <= s.end))
        .filter_map(|p| k.judged_value(p).map(|v| (p.period, v)))
        .collect();
    // An adjusted KPI's suggestions are for the next period's season: each
    // deseasonalised value of the basis set to that season.
    let offset = k
        .latest
        .period
        .map_or(0.0, |p| k.season_index(cal.step(p, k.grain, 1)));
    let values: Vec<f64> = basis.iter().map(|b| b.1 + offset).collect();
    let mut out = Suggestions {
        realism: realism(k, seg.is_some()),
        basis_n: values.len(),
        basis_start: basis.first().map(|b| b.0),
        ..Suggestions::default()
    };
    let basis_words = basis_words(k, &out, seg.is_some(), cal);
    if values.len() >= 6 || seg.is_some() {
        let num = |v: f64| fmt_value(v, k.def.unit.as_deref());
        let baseline = mean(&values);
        let median = quantile(&values, 0.5);
        out.baseline = Some(baseline);
        out.median = Some(median);
        out.reasons.baseline = format!("Mean of {basis_words}: {}.", num(baseline));
        out.reasons.median = format!("Median of {basis_words}: {}.", num(median));
        if k.def.direction() != Direction::Range {
            directional(k, &mut out, &values, &basis_words, forecast);
        }
    }
    out.rationale = rationale(k, &out, &basis_words, forecast);
    out
}

/// Conservative, realistic and stretch targets of a KPI with a better side: the
/// baseline, the 75th and 90th percentiles (25th and 10th for lower-is-better), the
/// realistic one replaced by the forecast when the trend improves and the forecast is
/// better, the stretch never below the realistic one, all clamped to the bounds.
fn directional(
    k: &Judged,
    out: &mut Suggestions,
    values: &[f64],
    basis_words: &str,
    forecast: &Forecast,
) {
    let direction = k.def.direction();
    let (lo, hi) = (k.def.lower_bound, k.def.upper_bound);
    let num = |v: f64| fmt_value(v, k.def.unit.as_deref());
    let baseline = out.baseline.unwrap_or_else(|| mean(values));
    let (q_real, q_stretch) = if direction == Direction::Lower {
        (0.25, 0.10)
    } else {
        (0.75, 0.90)
    };
    let (real_words, stretch_words) = percentile_words(direction);
    let percentile = quantile(values, q_real);
    let mut realistic = percentile;
    let mut realistic_why = format!("{real_words} of {basis_words}: {}", num(percentile));
    if k.trend.assessment == Some(Assessment::Improving) {
        if let Some(f) = forecast.value {
            realistic = better(direction, realistic, f);
            let why = if realistic == percentile {
                "; the trend is improving, but the forecast {} is no better, so the percentile stands"
            } else {
                "; the trend is improving, so the forecast {} was used instead"
            };
            realistic_why.push_str(&why.replace("{}", &num(f)));
        }
    }
    let high_quantile = quantile(values, q_stretch);
    let stretch = better(direction, high_quantile, realistic);
    let mut stretch_why = format!("{stretch_words} of {basis_words}: {}", num(high_quantile));
    if stretch != high_quantile {
        let _ = write!(
            stretch_why,
            "; the realistic target {} is more ambitious, so it is used",
            num(realistic)
        );
    }
    let mut conservative_why = format!(
        "The baseline (mean of {basis_words}): {}, what the process delivers now",
        num(baseline)
    );
    out.conservative = Some(clamp(baseline, lo, hi));
    out.realistic = Some(clamp(realistic, lo, hi));
    out.stretch = Some(clamp(stretch, lo, hi));
    for (why, raw, kept) in [
        (&mut conservative_why, baseline, out.conservative),
        (&mut realistic_why, realistic, out.realistic),
        (&mut stretch_why, stretch, out.stretch),
    ] {
        if let Some(v) = kept.filter(|v| *v != raw) {
            let _ = write!(
                why,
                "; clamped to the KPI's {} bound {}",
                if Some(v) == lo { "lower" } else { "upper" },
                num(v)
            );
        }
        why.push('.');
    }
    out.reasons.conservative = conservative_why;
    out.reasons.realistic = realistic_why;
    out.reasons.stretch = stretch_why;
}

/// What the suggestions rest on, in words: "the 18 months since the rebase at Jun
/// 2025", "the 24 months of the window", "all 5 observations of the window".
fn basis_words(k: &Judged, s: &Suggestions, has_limits: bool, cal: &Calendar) -> String {
    let plain = plain_basis_words(k, s, has_limits, cal);
    match (k.season, k.latest.period) {
        (Some(season), Some(latest)) => {
            let next = cal.step(latest, k.grain, 1);
            let label = season.seasons.label(season.seasons.season(next));
            format!("{plain}, seasonally adjusted and set to {label}'s season")
        }
        _ => plain,
    }
}

fn plain_basis_words(k: &Judged, s: &Suggestions, has_limits: bool, cal: &Calendar) -> String {
    let grain = k.grain.as_str();
    let n = s.basis_n;
    let unit = if n == 1 {
        grain.to_string()
    } else {
        format!("{grain}s")
    };
    match (has_limits, s.basis_start) {
        (true, Some(start)) if k.spc.segments.len() > 1 => {
            format!(
                "the {n} {unit} since the rebase at {}",
                cal.label(start, k.grain)
            )
        }
        (true, _) => format!("the {n} {unit} of the window"),
        (false, _) => format!("all {n} observations of the window"),
    }
}

/// The percentiles behind the realistic and stretch targets, by direction.
fn percentile_words(direction: Direction) -> (&'static str, &'static str) {
    if direction == Direction::Lower {
        ("25th percentile", "10th percentile")
    } else {
        ("75th percentile", "90th percentile")
    }
}

/// Realism of the current target, first rule that applies (docs/methods.md §9).
fn realism(k: &Judged, has_limits: bool) -> Realism {
    let a = &k.attainment;
    if !k.latest.has_target() {
        Realism::None
    } else if k.spc.assurance == Some(Assurance::Fail) {
        Realism::Unrealistic
    } else if k.spc.assurance == Some(Assurance::Pass)
        || (a.periods_with_target >= 6 && a.hit_rate == Some(1.0))
    {
        Realism::TooEasy
    } else if !has_limits && a.periods_with_target < 6 {
        Realism::Unknown
    } else if a.hit_rate.is_some_and(|h| h < 0.5) {
        Realism::Stretching
    } else {
        Realism::Achievable
    }
}

fn rationale(k: &Judged, s: &Suggestions, basis: &str, f: &Forecast) -> String {
    let num = |v: f64| fmt_value(v, k.def.unit.as_deref());
    if s.baseline.is_none() {
        return format!(
            "Too little history for suggestions: {} observations, at least 6 are needed.",
            s.basis_n
        );
    }
    if k.def.direction() == Direction::Range {
        return format!("Baseline and median of {basis}; a range KPI's band is its target, so no suggestions are made.");
    }
    let (q1, q2) = percentile_words(k.def.direction());
    let mut text =
        format!("Conservative = mean of {basis}; realistic = its {q1}; stretch = its {q2}");
    if k.trend.assessment == Some(Assessment::Improving) {
        if let Some(v) = f.value {
            let _ = write!(text,
                "; the trend is improving, so the realistic target is the better of that and the forecast {}",
                num(v)
            );
        }
    }
    if k.def.lower_bound.is_some() || k.def.upper_bound.is_some() {
        text.push_str("; all clamped to the KPI's natural bounds");
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests;
