/*!
The note on each Signals cell: which rule flagged the point and over which span, in
plain words ("run: 8 points above the centre line (41.2), 2025-03 … 2025-10 — a
sustained shift"). The signals come from `Results` one observation at a time; here
consecutive flagged observations of the same rule and side are joined back into the
span the rule saw, so the note can name its length, its first and last period and,
for a run still going at the latest point, the suggested rebase.
*/
use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::analysis::process::Segment;
use crate::analysis::spc::{Rule, Side};
use crate::analysis::KpiResult;
use crate::model::period::{Calendar, Grain};
use crate::report::words::{fmt_gap, fmt_value};

/// Flagged observations of one rule and side that belong together.
struct Span {
    rule: Rule,
    side: Side,
    /// Observation indices of the flagged points, ascending.
    points: Vec<usize>,
}

/// The note text of every period that carries a signal, by period.
pub(super) fn notes(k: &KpiResult, cal: &Calendar) -> BTreeMap<NaiveDate, String> {
    // Observed periods in order: the rules run over observations, not periods.
    let obs: Vec<usize> = (0..k.series.len())
        .filter(|&i| k.series[i].value.is_some())
        .collect();
    // The window is in period order: a signal's observation is found by halving.
    let obs_of = |period: NaiveDate| {
        obs.binary_search_by_key(&period, |&i| k.series[i].period)
            .ok()
    };
    let segment_of = |j: usize| {
        let period = k.series[obs[j]].period;
        k.spc
            .segments
            .iter()
            .position(|s| s.start <= period && period <= s.end)
    };
    let mut groups: BTreeMap<(usize, Side), Vec<usize>> = BTreeMap::new();
    for s in &k.spc.signals {
        if let Some(j) = obs_of(s.period) {
            let rank = Rule::ALL.iter().position(|r| *r == s.rule).unwrap_or(0);
            groups.entry((rank, s.side)).or_default().push(j);
        }
    }
    let mut lines: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
    for ((rank, side), mut points) in groups {
        points.sort_unstable();
        points.dedup();
        let rule = Rule::ALL.get(rank).copied().unwrap_or(Rule::Outside);
        let mut spans: Vec<Span> = Vec::new();
        for j in points {
            let joins = spans
                .last()
                .and_then(|s| s.points.last())
                .is_some_and(|&prev| {
                    j - prev <= max_step(rule) && segment_of(prev) == segment_of(j)
                });
            match spans.last_mut() {
                Some(span) if joins => span.points.push(j),
                _ => spans.push(Span {
                    rule,
                    side,
                    points: vec![j],
                }),
            }
        }
        for span in &spans {
            for &j in &span.points {
                let text = describe(k, cal, span, j, &obs, segment_of(j));
                lines.entry(k.series[obs[j]].period).or_default().push(text);
            }
        }
    }
    lines.into_iter().map(|(p, l)| (p, l.join("\n"))).collect()
}

/// How far apart (in observations) two flagged points of one span may be: the
/// windowed rules flag only the points beyond their line, so one point inside may sit
/// between them; `outside` and `jump` describe single points.
fn max_step(rule: Rule) -> usize {
    match rule {
        Rule::NearLimit | Rule::TwoOfThree => 2,
        Rule::Run | Rule::Trend => 1,
        _ => 0,
    }
}

/// A period as the notes name it: `2025-03` for months, else the period's label.
pub(super) fn period_word(cal: &Calendar, p: NaiveDate, grain: Grain) -> String {
    match grain {
        Grain::Month => p.format("%Y-%m").to_string(),
        _ => cal.label(p, grain),
    }
}

/// One line of the note of observation `j` in `span`.
fn describe(
    k: &KpiResult,
    cal: &Calendar,
    span: &Span,
    j: usize,
    obs: &[usize],
    segment: Option<usize>,
) -> String {
    let unit = k.def.unit.as_deref();
    let seg: Option<&Segment> = segment.and_then(|s| k.spc.segments.get(s));
    let point = &k.series[obs[j]];
    let v = |x: Option<f64>| x.map_or_else(|| "n/a".to_string(), |x| fmt_value(x, unit));
    let first = span.points.first().copied().unwrap_or(j);
    let last = span.points.last().copied().unwrap_or(j);
    let period = |i: usize| period_word(cal, k.series[obs[i]].period, k.grain);
    let extent = if first == last {
        period(first)
    } else {
        format!("{} … {}", period(first), period(last))
    };
    let flagged = span.points.len();
    let observed = last - first + 1;
    let count = if flagged == observed {
        format!("{flagged} points in a row")
    } else {
        format!("{flagged} of {observed} points")
    };
    let (high, above) = match span.side {
        Side::High => ("upper", "above"),
        Side::Low => ("lower", "below"),
    };
    match span.rule {
        Rule::Outside => {
            let limit = seg.and_then(|s| match span.side {
                Side::High => s.unpl,
                Side::Low => s.lnpl,
            });
            format!(
                "outside: {} is {above} the {high} natural process limit {} — a special cause worth looking into",
                v(point.value),
                v(limit)
            )
        }
        Rule::Run => {
            let start = k.series[obs[first]].period;
            let hint = if k.spc.suggested_rebase == Some(start) {
                format!("; consider rebasing at {}", period(first))
            } else {
                String::new()
            };
            format!(
                "run: {flagged} points {above} the centre line ({}), {extent} — a sustained shift{hint}",
                v(seg.and_then(|s| s.cl))
            )
        }
        Rule::NearLimit => format!(
            "near_limit: {count} beyond the halfway line to the {high} limit, {extent} — the process may have moved towards it"
        ),
        Rule::TwoOfThree => format!(
            "two_of_three: {count} beyond the 2-sigma line {above} the centre line, {extent} — an early sign of a shift"
        ),
        Rule::Trend => {
            let way = if span.side == Side::High { "increasing" } else { "decreasing" };
            format!("trend: {flagged} points in a row {way}, {extent}")
        }
        Rule::Jump => {
            let sign = if span.side == Side::High { "+" } else { "−" };
            let mr = point.mr.map_or_else(|| "n/a".into(), |m| fmt_gap(m.abs(), unit));
            let url = seg.and_then(|s| s.url).map_or_else(|| "n/a".into(), |u| fmt_gap(u, unit));
            format!(
                "jump: the change from the previous point ({sign}{mr}) exceeds the upper range limit {url}"
            )
        }
    }
}
