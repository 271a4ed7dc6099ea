/*!
What changed since the last report (`--previous`, docs/interface.md §8): this run's
results compared with an earlier run's, read into a [`PreviousRun`]. KPIs and lead-lag
pairs are matched by name (ignoring case and spaces around and between words), periods
by date. Per KPI present in both runs: the latest period and status (better, worse or
the same on red < amber < green), the other judgements, the signals that are new or
cleared, the values and targets that were restated, and the periods that are new.
Also the KPIs new in this run or dropped from it, the run settings that differ as far
as the earlier file shows them, and the pairs whose significance or best lag changed.

Pure computation: the findings it makes (`restated_history`, `previous_settings_differ`,
`previous_after_as_of`) are returned, never printed. An earlier version's file is
compared on the fields it has: a field the file lacks is never reported as changed.
*/
use std::collections::HashMap;

use chrono::NaiveDate;

use super::health::Action;
use super::leadlag::Correlation;
use super::spc::{Assurance, Variation};
use super::targets::Realism;
use super::{Finding, KpiResult, Results, Status};
use crate::model::finding::FindingCode;
use crate::model::kpi::{name_key, Direction};
use crate::model::period::{Calendar, Grain};
use crate::model::previous::{PreviousKpi, PreviousPoint, PreviousRun, PreviousSignal};
use crate::model::units::fmt_value;

mod settings;

pub use settings::{Setting, SettingDiff};

/// Values closer than this, relative to the larger, are the same value.
pub const RESTATED_TOLERANCE: f64 = 1e-9;

/// At most this many periods are named in a `restated_history` finding.
const NAMED_PERIODS: usize = 5;

/// Everything that changed since the earlier run.
#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    pub previous: PreviousInfo,
    pub settings_differ: Vec<SettingDiff>,
    /// KPIs only in this run, in the report's order.
    pub new_kpis: Vec<String>,
    /// KPIs only in the earlier run, in its order.
    pub dropped_kpis: Vec<String>,
    /// Every KPI present in both runs, in the report's order.
    pub kpis: Vec<KpiChange>,
    /// Pairs in both runs whose significance or best lag changed, in this run's order.
    pub correlations: Vec<PairChange>,
}

/// Which earlier run this is compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousInfo {
    pub path: String,
    pub as_of: Option<NaiveDate>,
    pub version: Option<String>,
}

/// Better, worse or the same, on red < amber < green.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Better,
    Worse,
    Same,
}

impl StatusChange {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusChange::Better => "better",
            StatusChange::Worse => "worse",
            StatusChange::Same => "same",
        }
    }
}

/// One KPI present in both runs. The earlier run's judgements are its words as
/// written (an earlier version may use words this one does not).
#[derive(Debug, Clone, PartialEq)]
pub struct KpiChange {
    pub name: String,
    /// Index of the KPI in this run's `Results::kpis`.
    pub kpi: usize,
    pub previous_period: Option<NaiveDate>,
    pub period: Option<NaiveDate>,
    pub previous_status: Option<String>,
    pub status: Option<Status>,
    pub status_change: Option<StatusChange>,
    pub previous_variation: Option<String>,
    pub variation: Option<Variation>,
    pub previous_assurance: Option<String>,
    pub assurance: Option<Assurance>,
    pub previous_action: Option<String>,
    pub action: Action,
    pub previous_realism: Option<String>,
    pub realism: Realism,
    pub new_signals: Vec<SignalKey>,
    pub cleared_signals: Vec<SignalKey>,
    pub restated: Vec<Restatement>,
    pub retargeted: Vec<Retargeting>,
    pub new_periods: Vec<NaiveDate>,
}

impl KpiChange {
    /// Did anything change for this KPI?
    pub fn is_empty(&self) -> bool {
        !matches!(
            self.status_change,
            Some(StatusChange::Better | StatusChange::Worse)
        ) && self.new_signals.is_empty()
            && self.cleared_signals.is_empty()
            && self.restated.is_empty()
            && self.retargeted.is_empty()
    }
}

/// A signal as the JSON names it: rule, period, side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalKey {
    pub rule: String,
    pub period: NaiveDate,
    pub side: String,
}

/// A period whose value differs between the runs; `None` is a missing value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Restatement {
    pub period: NaiveDate,
    pub previous: Option<f64>,
    pub current: Option<f64>,
}

impl Restatement {
    /// (current − previous) / |previous|, when both are there and previous is not 0.
    pub fn relative_change(&self) -> Option<f64> {
        match (self.previous, self.current) {
            (Some(p), Some(c)) if p != 0.0 => Some((c - p) / p.abs()),
            _ => None,
        }
    }
}

/// A period whose target differs between the runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retargeting {
    pub period: NaiveDate,
    pub previous: TargetValue,
    pub current: TargetValue,
}

/// A target as the comparison sees it: one value, or a band's two ends (range KPIs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TargetValue {
    Single(Option<f64>),
    Band(Option<f64>, Option<f64>),
}

impl TargetValue {
    pub fn is_missing(&self) -> bool {
        matches!(
            self,
            TargetValue::Single(None) | TargetValue::Band(None, None)
        )
    }
}

/// A lead-lag pair whose significance or best lag changed.
#[derive(Debug, Clone, PartialEq)]
pub struct PairChange {
    pub leading: String,
    pub lagging: String,
    pub previous_significant: Option<bool>,
    pub significant: bool,
    pub previous_best_lag: Option<u32>,
    pub best_lag: Option<u32>,
    /// Which of the two changed (not in the JSON; the earlier file may lack a field).
    pub significance_changed: bool,
    pub lag_changed: bool,
}

impl Changes {
    /// KPIs whose status got worse, and better.
    pub fn status_counts(&self) -> (usize, usize) {
        let count = |c: StatusChange| {
            self.kpis
                .iter()
                .filter(|k| k.status_change == Some(c))
                .count()
        };
        (count(StatusChange::Worse), count(StatusChange::Better))
    }

    pub fn new_signal_count(&self) -> usize {
        self.kpis.iter().map(|k| k.new_signals.len()).sum()
    }

    /// Values restated, and the KPIs they are in.
    pub fn restated_counts(&self) -> (usize, usize) {
        let values = self.kpis.iter().map(|k| k.restated.len()).sum();
        let kpis = self.kpis.iter().filter(|k| !k.restated.is_empty()).count();
        (values, kpis)
    }
}

/// Compare `results` with the earlier run: `results.changes` is set and the findings of
/// the comparison are added to `results.findings`.
pub fn compare_with_previous(results: &mut Results, previous: &PreviousRun) {
    let (changes, findings) = compare(results, previous);
    results.findings.extend(findings);
    results.changes = Some(changes);
}

/// The comparison and its findings.
pub fn compare(r: &Results, prev: &PreviousRun) -> (Changes, Vec<Finding>) {
    let cal = Calendar {
        fiscal_year_start: r.fiscal_year_start,
    };
    let mut by_key: HashMap<String, &PreviousKpi> = HashMap::new();
    for k in prev.kpis.iter().rev() {
        // The first of two KPIs with one name wins, as in the report.
        by_key.insert(name_key(&k.name), k);
    }
    // KPIs in both runs, each with its index in this run's report.
    let mut matched: Vec<(usize, &KpiResult, &PreviousKpi)> = Vec::new();
    let mut new_kpis = Vec::new();
    for (i, k) in r.kpis.iter().enumerate() {
        match by_key.get(&name_key(&k.def.name)) {
            Some(p) => matched.push((i, k, p)),
            None => new_kpis.push(k.def.name.clone()),
        }
    }
    let kpis: Vec<KpiChange> = matched
        .iter()
        .map(|&(i, k, p)| kpi_change(i, k, p))
        .collect();
    let current: std::collections::HashSet<String> =
        r.kpis.iter().map(|k| name_key(&k.def.name)).collect();
    let dropped_kpis = prev
        .kpis
        .iter()
        .filter(|p| !current.contains(&name_key(&p.name)))
        .map(|p| p.name.clone())
        .collect();
    let settings_differ = settings::differ(r, prev, &matched);
    let mut findings = Vec::new();
    findings.extend(after_as_of(r, prev));
    findings.extend(settings::finding(&settings_differ, prev));
    for c in &kpis {
        findings.extend(restated_finding(c, &r.kpis[c.kpi], prev, &cal));
    }
    let changes = Changes {
        previous: PreviousInfo {
            path: prev.path.clone(),
            as_of: prev.as_of,
            version: prev.version.clone(),
        },
        settings_differ,
        new_kpis,
        dropped_kpis,
        kpis,
        correlations: pair_changes(&r.correlations, prev),
    };
    (changes, findings)
}

/// One KPI present in both runs.
fn kpi_change(index: usize, k: &KpiResult, p: &PreviousKpi) -> KpiChange {
    let status = k.latest.status;
    let window = k
        .series
        .first()
        .zip(k.series.last())
        .map(|(a, b)| (a.period, b.period));
    // Periods of different grains are different periods: a KPI now read at another
    // grain (settings_differ says so) has no period-by-period comparison.
    let same_grain = grain_of(p.grain.as_deref()).is_none_or(|g| g == k.grain);
    let (new_signals, cleared_signals) = if same_grain {
        signal_changes(k, p, window)
    } else {
        (Vec::new(), Vec::new())
    };
    let (restated, retargeted) = if same_grain {
        restatements(k, p)
    } else {
        (Vec::new(), Vec::new())
    };
    KpiChange {
        name: k.def.name.clone(),
        kpi: index,
        previous_period: p.period,
        period: k.latest.period,
        previous_status: p.status.clone(),
        status,
        status_change: status_change(p.status.as_deref(), status),
        previous_variation: p.variation.clone(),
        variation: k.spc.variation,
        previous_assurance: p.assurance.clone(),
        assurance: k.spc.assurance,
        previous_action: p.action.clone(),
        action: k.health.action,
        previous_realism: p.realism.clone(),
        realism: k.targets.realism,
        new_signals,
        cleared_signals,
        restated,
        retargeted,
        new_periods: k
            .series
            .iter()
            .filter(|pt| pt.value.is_some() && p.period.is_none_or(|last| pt.period > last))
            .map(|pt| pt.period)
            .collect(),
    }
}

/// Red < amber < green; `None` for no target (`none`), no data or an unknown word.
fn rank(word: &str) -> Option<u8> {
    match word {
        "red" => Some(0),
        "amber" => Some(1),
        "green" => Some(2),
        _ => None,
    }
}

/// How the status moved; `None` when either status is `none` or missing.
pub fn status_change(previous: Option<&str>, current: Option<Status>) -> Option<StatusChange> {
    let before = rank(previous?)?;
    let after = rank(current?.as_str())?;
    Some(match after.cmp(&before) {
        std::cmp::Ordering::Greater => StatusChange::Better,
        std::cmp::Ordering::Less => StatusChange::Worse,
        std::cmp::Ordering::Equal => StatusChange::Same,
    })
}

/// Signals in this run but not the earlier one; and signals of the earlier run gone
/// from this one, for periods still inside this run's window (`first..=last`). Nothing
/// when the earlier file has no signals.
fn signal_changes(
    k: &KpiResult,
    p: &PreviousKpi,
    window: Option<(NaiveDate, NaiveDate)>,
) -> (Vec<SignalKey>, Vec<SignalKey>) {
    let Some(before) = &p.signals else {
        return (Vec::new(), Vec::new());
    };
    let now: Vec<SignalKey> = k
        .spc
        .signals
        .iter()
        .map(|s| SignalKey {
            rule: s.rule.as_str().to_string(),
            period: s.period,
            side: s.side.as_str().to_string(),
        })
        .collect();
    let was = |s: &SignalKey| {
        before
            .iter()
            .any(|b| b.rule == s.rule && b.period == s.period && b.side == s.side)
    };
    let new = now.iter().filter(|s| !was(s)).cloned().collect();
    let in_window = |d: NaiveDate| window.is_some_and(|(a, b)| a <= d && d <= b);
    let cleared = before
        .iter()
        .filter(|b| in_window(b.period))
        .filter(|b: &&PreviousSignal| {
            !now.iter()
                .any(|s| s.rule == b.rule && s.period == b.period && s.side == b.side)
        })
        .map(|b| SignalKey {
            rule: b.rule.clone(),
            period: b.period,
            side: b.side.clone(),
        })
        .collect();
    (new, cleared)
}

/// Do two values differ: one side missing, or relatively more than
/// [`RESTATED_TOLERANCE`] apart?
pub fn differ(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => false,
        (Some(x), Some(y)) => {
            let scale = x.abs().max(y.abs());
            scale > 0.0 && (x - y).abs() / scale > RESTATED_TOLERANCE
        }
        _ => true,
    }
}

/// Values and targets of the periods in both runs' series that differ, in period order.
fn restatements(k: &KpiResult, p: &PreviousKpi) -> (Vec<Restatement>, Vec<Retargeting>) {
    let Some(before) = &p.series else {
        return (Vec::new(), Vec::new());
    };
    let by_period: HashMap<NaiveDate, &PreviousPoint> =
        before.iter().map(|pt| (pt.period, pt)).collect();
    let band = k.def.direction() == Direction::Range;
    let mut restated = Vec::new();
    let mut retargeted = Vec::new();
    for now in &k.series {
        let Some(was) = by_period.get(&now.period) else {
            continue;
        };
        if let Some(previous) = was.value {
            if differ(previous, now.value) {
                restated.push(Restatement {
                    period: now.period,
                    previous,
                    current: now.value,
                });
            }
        }
        let targets = if band {
            band_change(was, now.target_min, now.target_max)
        } else {
            was.target
                .filter(|t| differ(*t, now.target))
                .map(|t| (TargetValue::Single(t), TargetValue::Single(now.target)))
        };
        if let Some((previous, current)) = targets {
            retargeted.push(Retargeting {
                period: now.period,
                previous,
                current,
            });
        }
    }
    (restated, retargeted)
}

/// A range KPI's band, when the earlier file has both ends and either differs.
fn band_change(
    was: &PreviousPoint,
    min: Option<f64>,
    max: Option<f64>,
) -> Option<(TargetValue, TargetValue)> {
    let (a, b) = (was.target_min?, was.target_max?);
    (differ(a, min) || differ(b, max))
        .then_some((TargetValue::Band(a, b), TargetValue::Band(min, max)))
}

/// A warning when the earlier run is as of a later date than this one.
fn after_as_of(r: &Results, prev: &PreviousRun) -> Option<Finding> {
    let then = prev.as_of.filter(|d| *d > r.as_of)?;
    Some(
        Finding::warning(
            FindingCode::PreviousAfterAsOf,
            format!(
                "The previous results ({}) are as of {then}, later than this report's {}; they were compared all the same. Check that --previous names the earlier report.",
                prev.path, r.as_of
            ),
        )
        .file(&prev.path),
    )
}

/// "the report of 2026-09-30", or "the previous report" when its date is unknown.
pub fn report_of(as_of: Option<NaiveDate>) -> String {
    as_of.map_or_else(
        || "the previous report".to_string(),
        |d| format!("the report of {d}"),
    )
}

/// A `restated_history` warning naming up to five periods with both values.
fn restated_finding(
    c: &KpiChange,
    k: &KpiResult,
    prev: &PreviousRun,
    cal: &Calendar,
) -> Option<Finding> {
    if c.restated.is_empty() {
        return None;
    }
    let unit = k.def.unit.as_deref();
    let shown = |v: Option<f64>| v.map_or_else(|| "blank".to_string(), |v| fmt_value(v, unit));
    let mut named: Vec<String> = c
        .restated
        .iter()
        .take(NAMED_PERIODS)
        .map(|s| {
            format!(
                "{} was {}, now {}",
                cal.label(s.period, k.grain),
                shown(s.previous),
                shown(s.current)
            )
        })
        .collect();
    if c.restated.len() > NAMED_PERIODS {
        named.push(format!("and {} more", c.restated.len() - NAMED_PERIODS));
    }
    let values = if c.restated.len() == 1 {
        "1 past value differs".to_string()
    } else {
        format!("{} past values differ", c.restated.len())
    };
    Some(
        Finding::warning(
            FindingCode::RestatedHistory,
            format!(
                "{}: {values} from {} ({}): {}. History that changes between exports should be explained.",
                k.def.name,
                report_of(prev.as_of),
                prev.path,
                named.join("; ")
            ),
        )
        .kpi(&k.def.name)
        .file(&prev.path),
    )
}

/// Pairs in both runs whose significance or best lag changed (a field the earlier file
/// lacks is not compared).
fn pair_changes(now: &[Correlation], prev: &PreviousRun) -> Vec<PairChange> {
    let Some(before) = &prev.correlations else {
        return Vec::new();
    };
    let key = |a: &str, b: &str| (name_key(a), name_key(b));
    let by_key: HashMap<(String, String), _> = before
        .iter()
        .rev()
        .map(|p| (key(&p.leading, &p.lagging), p))
        .collect();
    now.iter()
        .filter_map(|c| {
            let p = by_key.get(&key(&c.leading, &c.lagging))?;
            let significance = p.significant.is_some_and(|s| s != c.significant);
            let lag = p.best_lag.is_some_and(|l| l != c.best_lag);
            (significance || lag).then(|| PairChange {
                leading: c.leading.clone(),
                lagging: c.lagging.clone(),
                previous_significant: p.significant,
                significant: c.significant,
                previous_best_lag: p.best_lag.flatten(),
                best_lag: c.best_lag,
                significance_changed: significance,
                lag_changed: lag,
            })
        })
        .collect()
}

/// A grain's word, parsed from the earlier file.
fn grain_of(word: Option<&str>) -> Option<Grain> {
    word.and_then(Grain::parse)
}

#[cfg(test)]
mod tests;
