/*!
Process behaviour charts (XmR, docs/methods.md §5): which movements of a KPI are routine
variation and which are signals worth a conversation, and whether the process as it runs
can be expected to meet its target at all.

The window is cut into segments at rebase periods; each segment gets natural process
limits from its own baseline, and the signal rules never look across a cut. Everything
works on consecutive *observations*: a missing period is skipped, not a break, so the
caller passes the observed values only and maps indices back to periods.
*/

use super::trend::mean;
use crate::model::finding::FindingCode;
use crate::model::kpi::Direction;
use signals::detect;

mod signals;

/// A baseline needs this many observations for limits at all…
pub const MIN_BASELINE: usize = 6;
/// …and this many for limits that are not provisional.
pub const FIRM_BASELINE: usize = 12;

/// Scaling constants for individual values and moving ranges of two.
const E2: f64 = 2.66;
const D4: f64 = 3.268;
/// NHS screening: moving ranges at or above this multiple of mr_bar are dropped once.
const NHS_SCREEN: f64 = 3.267;

/// A signal rule (docs/methods.md §5), in report order: the JSON and the workbook name each
/// by its snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    Outside,
    Run,
    NearLimit,
    TwoOfThree,
    Trend,
    Jump,
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Rule names joined for a cell or note: "run, near_limit".
pub fn rule_list(rules: &[Rule]) -> String {
    let names: Vec<&str> = rules.iter().map(|r| r.as_str()).collect();
    names.join(", ")
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 6] = [
        Rule::Outside,
        Rule::Run,
        Rule::NearLimit,
        Rule::TwoOfThree,
        Rule::Trend,
        Rule::Jump,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Outside => "outside",
            Rule::Run => "run",
            Rule::NearLimit => "near_limit",
            Rule::TwoOfThree => "two_of_three",
            Rule::Trend => "trend",
            Rule::Jump => "jump",
        }
    }
}

/// Signal rule preset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rules {
    #[default]
    Wheeler,
    Nhs,
}

impl Rules {
    pub fn as_str(self) -> &'static str {
        match self {
            Rules::Wheeler => "wheeler",
            Rules::Nhs => "nhs",
        }
    }

    /// Default length of a `run` signal.
    pub fn run_length(self) -> usize {
        match self {
            Rules::Wheeler => 8,
            Rules::Nhs => 7,
        }
    }
}

/// Per-KPI settings of the chart.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SpcSettings {
    pub rules: Rules,
    /// Overrides the preset's run length (8 wheeler, 7 nhs).
    pub run_length: Option<u32>,
    /// Baseline = the first `freeze_after` observations of each segment.
    pub freeze_after: Option<u32>,
    /// Clamp `lnpl`/`unpl` (never the centre line).
    pub lower_bound: Option<f64>,
    pub upper_bound: Option<f64>,
}

/// The latest period's target, for assurance.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TargetSpec {
    pub target: Option<f64>,
    pub target_min: Option<f64>,
    pub target_max: Option<f64>,
}

/// One segment of the window and its limits.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// Observations `start..end` (half-open, indices into the values); empty when no
    /// value falls between two rebase periods.
    pub start: usize,
    pub end: usize,
    /// Observations the limits were computed from.
    pub baseline_n: usize,
    pub cl: Option<f64>,
    pub mr_bar: Option<f64>,
    /// Natural process limits, clamped to the KPI's bounds.
    pub unpl: Option<f64>,
    pub lnpl: Option<f64>,
    /// Upper range limit of the moving ranges.
    pub url: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    High,
    Low,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::High => "high",
            Side::Low => "low",
        }
    }
}

/// One observation flagged by one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    pub rule: Rule,
    /// Index of the observation.
    pub index: usize,
    pub side: Side,
}

/// What the latest observation says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variation {
    Improvement,
    Concern,
    CommonCause,
    Neutral,
}

impl Variation {
    pub fn as_str(self) -> &'static str {
        match self {
            Variation::Improvement => "improvement",
            Variation::Concern => "concern",
            Variation::CommonCause => "common_cause",
            Variation::Neutral => "neutral",
        }
    }
}

/// Can the process, as it runs, be relied on to meet the target?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assurance {
    Pass,
    Fail,
    HitAndMiss,
}

impl Assurance {
    pub fn as_str(self) -> &'static str {
        match self {
            Assurance::Pass => "pass",
            Assurance::Fail => "fail",
            Assurance::HitAndMiss => "hit_and_miss",
        }
    }
}

/// A finding about one segment's limits: `too_few_points_for_limits` (info) or
/// `provisional_limits` (warning).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Note {
    pub segment: usize,
    pub code: FindingCode,
}

/// The whole chart of one KPI's window.
#[derive(Clone, Debug, PartialEq)]
pub struct SpcResult {
    pub segments: Vec<Segment>,
    /// Sorted by observation, then rule order; one per (rule, observation, side).
    pub signals: Vec<Signal>,
    /// Moving range per observation; `None` at each segment's first observation.
    pub mr: Vec<Option<f64>>,
    /// Segment of each observation.
    pub segment_of: Vec<usize>,
    pub variation: Option<Variation>,
    pub assurance: Option<Assurance>,
    /// First observation of a `run` that reaches the latest observation and began
    /// after the latest segment's start.
    pub suggested_rebase: Option<usize>,
    pub notes: Vec<Note>,
}

impl SpcResult {
    /// Names of the rules that flag observation `index`, in rule order, without repeats.
    pub fn rules_at(&self, index: usize) -> Vec<Rule> {
        let mut out: Vec<Rule> = Vec::new();
        for s in self.signals.iter().filter(|s| s.index == index) {
            if !out.contains(&s.rule) {
                out.push(s.rule);
            }
        }
        out
    }
}

/// Limits of one segment: `unpl`/`lnpl` clamped to the bounds; the zone lines of the
/// signal rules are drawn from the unclamped `cl` and `mr_bar`.
#[derive(Clone, Copy, Debug)]
struct Limits {
    cl: f64,
    mr_bar: f64,
    unpl: f64,
    lnpl: f64,
    url: f64,
}

/// XmR chart of `values` (observed values in time order, missing periods dropped).
///
/// `segment_starts` are the indices where a rebase starts a new segment, in order; the
/// result has exactly one segment more than there are starts (the first runs from
/// index 0), so the caller can pair segments with its rebase periods. `target_latest`
/// is the latest period's target, for assurance.
pub fn xmr(
    values: &[f64],
    segment_starts: &[usize],
    settings: &SpcSettings,
    direction: Direction,
    target_latest: Option<TargetSpec>,
) -> SpcResult {
    let n = values.len();
    let mut out = SpcResult {
        segments: Vec::new(),
        signals: Vec::new(),
        mr: vec![None; n],
        segment_of: vec![0; n],
        variation: None,
        assurance: None,
        suggested_rebase: None,
        notes: Vec::new(),
    };
    let mut latest_runs = Vec::new();
    for (k, (start, end)) in segment_bounds(n, segment_starts).into_iter().enumerate() {
        let x = &values[start..end];
        for i in start + 1..end {
            out.mr[i] = Some((values[i] - values[i - 1]).abs());
        }
        out.segment_of[start..end].fill(k);
        let baseline_n = settings
            .freeze_after
            .map_or(x.len(), |f| x.len().min(f as usize));
        let limits = limits(&x[..baseline_n], settings);
        match limits {
            None => out.notes.push(Note {
                segment: k,
                code: FindingCode::TooFewPointsForLimits,
            }),
            Some(lim) => {
                if baseline_n < FIRM_BASELINE {
                    out.notes.push(Note {
                        segment: k,
                        code: FindingCode::ProvisionalLimits,
                    });
                }
                let runs = detect(x, start, &lim, settings, &mut out.signals);
                if end == n && start < end {
                    latest_runs = runs;
                }
            }
        }
        out.segments.push(Segment {
            start,
            end,
            baseline_n,
            cl: limits.map(|l| l.cl),
            mr_bar: limits.map(|l| l.mr_bar),
            unpl: limits.map(|l| l.unpl),
            lnpl: limits.map(|l| l.lnpl),
            url: limits.map(|l| l.url),
        });
    }
    out.signals.sort_by_key(|s| (s.index, s.rule, s.side));
    out.signals.dedup();

    let Some(latest) = n.checked_sub(1) else {
        return out;
    };
    let seg = &out.segments[out.segment_of[latest]];
    let (Some(lnpl), Some(unpl)) = (seg.lnpl, seg.unpl) else {
        return out;
    };
    let at_latest: Vec<&Signal> = out.signals.iter().filter(|s| s.index == latest).collect();
    out.variation = Some(variation(&at_latest, direction, settings.rules));
    out.assurance = target_latest.and_then(|t| assurance(t, lnpl, unpl, direction));
    out.suggested_rebase = latest_runs
        .iter()
        .find(|&&(first, last)| last == latest && first > seg.start)
        .map(|&(first, _)| first);
    out
}

/// Half-open observation ranges of the segments: one more than `starts`, each start
/// clamped so the ranges stay in order and inside `0..=n`.
fn segment_bounds(n: usize, starts: &[usize]) -> Vec<(usize, usize)> {
    let mut bounds = Vec::with_capacity(starts.len() + 1);
    let mut from = 0;
    for &s in starts {
        let s = s.clamp(from, n);
        bounds.push((from, s));
        from = s;
    }
    bounds.push((from, n));
    bounds
}

/// `v` within a KPI's natural bounds (either may be absent).
pub fn clamp_to_bounds(v: f64, lo: Option<f64>, hi: Option<f64>) -> f64 {
    let v = lo.map_or(v, |l| v.max(l));
    hi.map_or(v, |h| v.min(h))
}

/// Limits from a baseline, or `None` when it is too short.
fn limits(baseline: &[f64], settings: &SpcSettings) -> Option<Limits> {
    if baseline.len() < MIN_BASELINE {
        return None;
    }
    let cl = mean(baseline);
    let ranges: Vec<f64> = baseline.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mut mr_bar = mean(&ranges);
    if settings.rules == Rules::Nhs && mr_bar > 0.0 {
        // Screen once. With mr_bar > 0 at least one range stays below the cut-off.
        let cut = NHS_SCREEN * mr_bar;
        let kept: Vec<f64> = ranges.iter().copied().filter(|&r| r < cut).collect();
        if kept.len() < ranges.len() {
            mr_bar = mean(&kept);
        }
    }
    let clamp = |v: f64| clamp_to_bounds(v, settings.lower_bound, settings.upper_bound);
    Some(Limits {
        cl,
        mr_bar,
        unpl: clamp(cl + E2 * mr_bar),
        lnpl: clamp(cl - E2 * mr_bar),
        url: D4 * mr_bar,
    })
}

/// Variation of the latest observation from its signals (docs/methods.md §5). Under
/// `wheeler` a favourable signal wins; under `nhs` the point's first rule in the order
/// outside, trend, two_of_three, run decides, as NHS England's reference labels each
/// point with one rule.
fn variation(signals: &[&Signal], direction: Direction, rules: Rules) -> Variation {
    let favourable = match direction {
        Direction::Higher => Side::High,
        Direction::Lower => Side::Low,
        Direction::Range => {
            return if signals.is_empty() {
                Variation::CommonCause
            } else {
                Variation::Neutral
            }
        }
    };
    let deciding: Vec<&&Signal> = match rules {
        Rules::Wheeler => signals.iter().collect(),
        Rules::Nhs => {
            let first = signals.iter().map(|s| nhs_rank(s.rule)).min();
            signals
                .iter()
                .filter(|s| Some(nhs_rank(s.rule)) == first)
                .collect()
        }
    };
    if deciding.is_empty() {
        Variation::CommonCause
    } else if deciding.iter().any(|s| s.side == favourable) {
        Variation::Improvement
    } else {
        Variation::Concern
    }
}

/// Precedence of a rule in the NHS reference's labelling of a point.
fn nhs_rank(rule: Rule) -> usize {
    [Rule::Outside, Rule::Trend, Rule::TwoOfThree, Rule::Run]
        .iter()
        .position(|&r| r == rule)
        .unwrap_or(usize::MAX)
}

/// Assurance of the target against the (clamped) limits; strict inequalities. A range
/// with only one edge is open on the other side.
pub fn assurance(t: TargetSpec, lnpl: f64, unpl: f64, direction: Direction) -> Option<Assurance> {
    let verdict = |pass: bool, fail: bool| {
        if pass {
            Assurance::Pass
        } else if fail {
            Assurance::Fail
        } else {
            Assurance::HitAndMiss
        }
    };
    match direction {
        Direction::Higher => t.target.map(|v| verdict(v < lnpl, v > unpl)),
        Direction::Lower => t.target.map(|v| verdict(v > unpl, v < lnpl)),
        Direction::Range => {
            if t.target_min.is_none() && t.target_max.is_none() {
                return None;
            }
            let a = t.target_min.unwrap_or(f64::NEG_INFINITY);
            let b = t.target_max.unwrap_or(f64::INFINITY);
            Some(verdict(a < lnpl && unpl < b, unpl < a || lnpl > b))
        }
    }
}

#[cfg(test)]
mod tests;
