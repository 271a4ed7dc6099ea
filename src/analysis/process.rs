/*!
Per-KPI analysis of the window beyond attainment: the trend (§3) and the XmR process
behaviour chart (§4), with the chart's results mapped from observation indices back to
periods — segment bounds, signals, the suggested rebase — and onto the series points
(`mr`, `rules`). Limit caveats become findings here.
*/
use chrono::NaiveDate;

use super::seasonality::Seasonality;
use super::series::KpiSeries;
use super::spc::{self, Assurance, Rule, Rules, Side, SpcSettings, TargetSpec, Variation};
use super::trend;
use super::Defaults;
use super::{Finding, Point, SeasonalLimits};
use crate::model::finding::FindingCode;
use crate::model::period::Calendar;

/// One segment of the window, in periods.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub baseline_n: usize,
    pub cl: Option<f64>,
    pub mr_bar: Option<f64>,
    pub unpl: Option<f64>,
    pub lnpl: Option<f64>,
    pub url: Option<f64>,
}

/// One signal, in periods.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub rule: Rule,
    pub period: NaiveDate,
    pub side: Side,
}

/// The process-behaviour results of one KPI.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spc {
    pub segments: Vec<Segment>,
    pub signals: Vec<Signal>,
    pub variation: Option<Variation>,
    pub assurance: Option<Assurance>,
    pub suggested_rebase: Option<NaiveDate>,
}

impl Spc {
    /// The segment a period belongs to.
    pub fn segment_at(&self, period: NaiveDate) -> Option<&Segment> {
        self.segments
            .iter()
            .find(|s| s.start <= period && period <= s.end)
    }

    /// The latest segment (the one the current limits come from).
    pub fn latest(&self) -> Option<&Segment> {
        self.segments.last()
    }
}

/// The trend and process behaviour of one KPI's window, with the moving range and
/// rules of each observed period (to mark on its points) and the limit findings.
pub struct Process {
    pub trend: trend::Trend,
    pub spc: Spc,
    /// Per series index of an observed period: its moving range, rules and, for an
    /// adjusted KPI, its seasonal limits.
    marks: Vec<Mark>,
    pub findings: Vec<Finding>,
}

struct Mark {
    index: usize,
    mr: Option<f64>,
    rules: Vec<Rule>,
    seasonal: Option<SeasonalLimits>,
}

impl Process {
    /// The window's points with their moving ranges, rules and seasonal limits.
    pub fn mark(&self, mut series: Vec<Point>) -> Vec<Point> {
        for m in &self.marks {
            if let Some(p) = series.get_mut(m.index) {
                p.mr = m.mr;
                p.rules.clone_from(&m.rules);
                p.seasonal = m.seasonal;
            }
        }
        series
    }
}

/// Trend (§3) and XmR (§4) of the window of `s`; for a seasonally adjusted KPI
/// (`season` with `adjusted`), both on the deseasonalised values (§10).
pub fn analyse(
    s: &KpiSeries,
    rules: Rules,
    defaults: &Defaults,
    cal: &Calendar,
    season: Option<&Seasonality>,
) -> Process {
    let (Some(window_start), Some(window_end)) = (
        s.series.first().map(|p| p.period),
        s.series.last().map(|p| p.period),
    ) else {
        return Process {
            trend: trend::Trend::default(),
            spc: Spc::default(),
            marks: Vec::new(),
            findings: Vec::new(),
        };
    };
    let adjust = season.filter(|a| a.adjusted);
    // Observed points of the window, with their period ordinal t and the value the
    // chart uses: the value itself, or the deseasonalised value d.
    let obs: Vec<(usize, f64)> = s
        .series
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.value.map(|v| (i, v)))
        .collect();
    let t: Vec<f64> = obs.iter().map(|(i, _)| *i as f64).collect();
    let y: Vec<f64> = obs.iter().map(|(_, v)| *v).collect();
    let index_of = |i: usize| adjust.map_or(0.0, |a| a.index_at(s.series[i].period));
    let d: Vec<f64> = obs.iter().map(|(i, v)| v - index_of(*i)).collect();
    let mut trend = window_trend(s, &obs, (&t, &y, &d), adjust);
    trend.window_start = Some(window_start);

    let bounds = segment_bounds(s, cal, window_start, window_end);
    let starts = segment_starts(s, &obs, &bounds);
    let clamp = (s.def.lower_bound, s.def.upper_bound);
    let settings = SpcSettings {
        rules,
        run_length: s.def.run_length.or(defaults.run_length),
        freeze_after: s.def.freeze_after,
        // The deseasonalised limits are not clamped: the bounds apply to the seasonal
        // limits on the value's scale.
        lower_bound: clamp.0.filter(|_| adjust.is_none()),
        upper_bound: clamp.1.filter(|_| adjust.is_none()),
    };
    let target = TargetSpec {
        target: s.latest.target,
        target_min: s.latest.target_min,
        target_max: s.latest.target_max,
    };
    let mut r = spc::xmr(&d, &starts, &settings, s.def.direction(), Some(target));
    let seasonal_of = |j: usize| {
        adjust.map(|_| seasonal_limits(&r.segments[r.segment_of[j]], index_of(obs[j].0), clamp))
    };
    if adjust.is_some() {
        // Assurance compares the latest target with that period's seasonal limits.
        let last = obs.len().checked_sub(1).and_then(seasonal_of);
        r.assurance = last.and_then(|l| {
            let (lnpl, unpl) = (l.lnpl?, l.unpl?);
            spc::assurance(target, lnpl, unpl, s.def.direction())
        });
    }
    let marks = obs
        .iter()
        .enumerate()
        .map(|(j, (i, _))| Mark {
            index: *i,
            mr: r.mr.get(j).copied().flatten(),
            rules: r.rules_at(j),
            seasonal: seasonal_of(j),
        })
        .collect();
    let period_of = |j: usize| s.series[obs[j].0].period;
    let segments = in_periods(&r.segments, &bounds);
    let findings = limit_findings(&r, &segments, &s.def.name);
    let spc = in_spc(&r, segments, period_of);
    Process {
        trend,
        spc,
        marks,
        findings,
    }
}

/// The chart's results in periods.
fn in_spc(
    r: &spc::SpcResult,
    segments: Vec<Segment>,
    period_of: impl Fn(usize) -> NaiveDate,
) -> Spc {
    Spc {
        signals: r
            .signals
            .iter()
            .map(|g| Signal {
                rule: g.rule,
                period: period_of(g.index),
                side: g.side,
            })
            .collect(),
        segments,
        variation: r.variation,
        assurance: r.assurance,
        suggested_rebase: r.suggested_rebase.map(period_of),
    }
}

/// The window's trend: classic (§3) on the values, or seasonal (§10) for an adjusted
/// KPI; `t`, `y`, `d` are the observations' ordinals, values and deseasonalised values.
fn window_trend(
    s: &KpiSeries,
    obs: &[(usize, f64)],
    (t, y, d): (&[f64], &[f64], &[f64]),
    adjust: Option<&Seasonality>,
) -> trend::Trend {
    match adjust {
        Some(a) => {
            let seasons: Vec<usize> = obs
                .iter()
                .map(|(i, _)| a.seasons.season(s.series[*i].period))
                .collect();
            trend::seasonal_trend(t, y, d, &seasons, s.def.direction())
        }
        None => trend::trend(t, y, s.def.direction()),
    }
}

/// The observation index where each segment after the first starts.
fn segment_starts(
    s: &KpiSeries,
    obs: &[(usize, f64)],
    bounds: &[(NaiveDate, NaiveDate)],
) -> Vec<usize> {
    bounds[1..]
        .iter()
        .map(|(b, _)| {
            obs.iter()
                .position(|(i, _)| s.series[*i].period >= *b)
                .unwrap_or(obs.len())
        })
        .collect()
}

/// A segment's limits on the value's scale for a season with index `index`: the
/// centre line plus the index, the natural process limits plus the index and clamped
/// to the KPI's bounds.
fn seasonal_limits(
    seg: &spc::Segment,
    index: f64,
    (lo, hi): (Option<f64>, Option<f64>),
) -> SeasonalLimits {
    let clamp = |v: f64| spc::clamp_to_bounds(v, lo, hi);
    SeasonalLimits {
        index,
        cl: seg.cl.map(|c| c + index),
        unpl: seg.unpl.map(|u| clamp(u + index)),
        lnpl: seg.lnpl.map(|l| clamp(l + index)),
    }
}

/// The window's segments as period bounds: a new one at each rebase period strictly
/// inside the window.
fn segment_bounds(
    s: &KpiSeries,
    cal: &Calendar,
    window_start: NaiveDate,
    window_end: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    let rebases: Vec<NaiveDate> = s
        .def
        .rebase
        .iter()
        .map(|r| cal.period_start(*r, s.grain))
        .filter(|r| *r > window_start && *r <= window_end)
        .collect();
    let mut bounds: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut start = window_start;
    for r in &rebases {
        if *r > start {
            bounds.push((start, cal.step(*r, s.grain, -1)));
            start = *r;
        }
    }
    bounds.push((start, window_end));
    bounds
}

/// The chart's segments with their period bounds.
fn in_periods(segments: &[spc::Segment], bounds: &[(NaiveDate, NaiveDate)]) -> Vec<Segment> {
    segments
        .iter()
        .zip(bounds)
        .map(|(s, (a, b))| Segment {
            start: *a,
            end: *b,
            baseline_n: s.baseline_n,
            cl: s.cl,
            mr_bar: s.mr_bar,
            unpl: s.unpl,
            lnpl: s.lnpl,
            url: s.url,
        })
        .collect()
}

/// The chart's caveats about its limits, in words, for the KPI.
fn limit_findings(r: &spc::SpcResult, segments: &[Segment], kpi: &str) -> Vec<Finding> {
    r.notes
        .iter()
        .map(|note| {
            let seg = &segments[note.segment.min(segments.len() - 1)];
            let (sev, text) = if note.code == FindingCode::TooFewPointsForLimits {
                (
                    super::Severity::Info,
                    format!(
                        "the segment {} … {} has {} observation(s) in its baseline, fewer than 6: no process limits or signals",
                        seg.start, seg.end, seg.baseline_n
                    ),
                )
            } else {
                (
                    super::Severity::Warning,
                    format!(
                        "the limits of {} … {} rest on {} observations (fewer than 12): treat them as provisional",
                        seg.start, seg.end, seg.baseline_n
                    ),
                )
            };
            Finding::new(sev, note.code, text).kpi(kpi)
        })
        .collect()
}
