/*!
Per-KPI analysis of the window beyond attainment: the trend (§3) and the XmR process
behaviour chart (§4), with the chart's results mapped from observation indices back to
periods — segment bounds, signals, the suggested rebase — and onto the series points
(`mr`, `rules`). Limit caveats become findings here.
*/
use chrono::NaiveDate;

use super::spc::{self, Assurance, Rule, Rules, Side, SpcSettings, TargetSpec, Variation};
use super::trend;
use super::Defaults;
use super::{Finding, KpiResult};
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

/// Fill `k.trend`, `k.spc` and the series' `mr`/`rules`; return limit findings.
pub fn analyse(
    k: &mut KpiResult,
    rules: Rules,
    defaults: &Defaults,
    cal: &Calendar,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(window_start) = k.series.first().map(|p| p.period) else {
        return findings;
    };
    let window_end = k.series.last().map_or(window_start, |p| p.period);
    let direction = k.def.direction();

    // Observed points of the window, with their period ordinal t.
    let obs: Vec<(usize, f64)> = k
        .series
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.value.map(|v| (i, v)))
        .collect();
    let t: Vec<f64> = obs.iter().map(|(i, _)| *i as f64).collect();
    let y: Vec<f64> = obs.iter().map(|(_, v)| *v).collect();
    k.trend = trend::trend(&t, &y, direction);
    k.trend.window_start = Some(window_start);

    // Segments start at each rebase period strictly inside the window.
    let rebases: Vec<NaiveDate> = k
        .def
        .rebase
        .iter()
        .map(|r| cal.period_start(*r, k.grain))
        .filter(|r| *r > window_start && *r <= window_end)
        .collect();
    let mut bounds: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut start = window_start;
    for r in &rebases {
        if *r > start {
            bounds.push((start, cal.step(*r, k.grain, -1)));
            start = *r;
        }
    }
    bounds.push((start, window_end));
    let starts: Vec<usize> = bounds[1..]
        .iter()
        .map(|(s, _)| {
            obs.iter()
                .position(|(i, _)| k.series[*i].period >= *s)
                .unwrap_or(obs.len())
        })
        .collect();

    let settings = SpcSettings {
        rules,
        run_length: k.def.run_length.or(defaults.run_length),
        freeze_after: k.def.freeze_after,
        lower_bound: k.def.lower_bound,
        upper_bound: k.def.upper_bound,
    };
    let target = Some(TargetSpec {
        target: k.latest.target,
        target_min: k.latest.target_min,
        target_max: k.latest.target_max,
    });
    let r = spc::xmr(&y, &starts, &settings, direction, target);

    for (j, (i, _)) in obs.iter().enumerate() {
        let p = &mut k.series[*i];
        p.mr = r.mr.get(j).copied().flatten();
        p.rules = r.rules_at(j);
    }
    let period_of = |j: usize| k.series[obs[j].0].period;
    let segments: Vec<Segment> = r
        .segments
        .iter()
        .zip(&bounds)
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
        .collect();
    for note in &r.notes {
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
        findings.push(Finding::new(sev, note.code, text).kpi(&k.def.name));
    }
    k.spc = Spc {
        signals: r
            .signals
            .iter()
            .map(|s| Signal {
                rule: s.rule,
                period: period_of(s.index),
                side: s.side,
            })
            .collect(),
        segments,
        variation: r.variation,
        assurance: r.assurance,
        suggested_rebase: r.suggested_rebase.map(period_of),
    };
    findings
}
