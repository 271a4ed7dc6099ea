/*!
KPI health for the quarterly re-evaluation (docs/methods.md §8): stable flag codes saying
what is wrong with a KPI as a KPI, and the one action that follows — the first that
applies of retire or fix the data, improve, retarget, review, keep.
*/
use std::collections::HashMap;

use chrono::NaiveDate;

use super::spc::Variation;
use super::targets::Realism;
use super::trend::Assessment;
use super::KpiResult;
use crate::model::kpi::name_key;
use crate::model::period::Calendar;

/// Owners with more KPIs than this are flagged (good practice is 5–8 per team).
pub const MAX_KPIS_PER_OWNER: usize = 8;
/// Fewer observations in the window than this is a short history.
pub const SHORT_HISTORY: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    RetireOrFixData,
    Improve,
    Retarget,
    Review,
    Keep,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::RetireOrFixData => "retire_or_fix_data",
            Action::Improve => "improve",
            Action::Retarget => "retarget",
            Action::Review => "review",
            Action::Keep => "keep",
        }
    }
}

/// What is wrong with a KPI as a KPI (docs/methods.md §8); JSON and the Re-evaluation sheet
/// name each by its stable snake_case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flag {
    NoTarget,
    NoOwner,
    Stale,
    ShortHistory,
    UnrealisticTarget,
    TooEasyTarget,
    ConcernSignal,
    DeterioratingTrend,
    NotPredictive,
    Flatline,
    TooManyKpis,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::NoTarget => "no_target",
            Flag::NoOwner => "no_owner",
            Flag::Stale => "stale",
            Flag::ShortHistory => "short_history",
            Flag::UnrealisticTarget => "unrealistic_target",
            Flag::TooEasyTarget => "too_easy_target",
            Flag::ConcernSignal => "concern_signal",
            Flag::DeterioratingTrend => "deteriorating_trend",
            Flag::NotPredictive => "not_predictive",
            Flag::Flatline => "flatline",
            Flag::TooManyKpis => "too_many_kpis",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub flags: Vec<Flag>,
    pub action: Action,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            flags: Vec::new(),
            action: Action::Keep,
        }
    }
}

/// Which KPIs lead something significantly, when lead-lag results exist: `None` means
/// lead-lag was not run, so `not_predictive` cannot be judged.
pub type Predictive = Option<HashMap<String, bool>>;

/// Health of every KPI (owners are counted across all of them).
pub fn assess_all(
    kpis: &mut [KpiResult],
    as_of: NaiveDate,
    cal: &Calendar,
    predictive: &Predictive,
) {
    let mut per_owner: HashMap<String, usize> = HashMap::new();
    for k in kpis.iter() {
        if let Some(o) = k.def.owner.as_deref().filter(|o| !o.trim().is_empty()) {
            *per_owner.entry(name_key(o)).or_default() += 1;
        }
    }
    for k in kpis.iter_mut() {
        let owner_count = k
            .def
            .owner
            .as_deref()
            .map_or(0, |o| per_owner.get(&name_key(o)).copied().unwrap_or(0));
        k.health = assess(k, as_of, cal, owner_count, predictive);
    }
}

pub fn assess(
    k: &KpiResult,
    as_of: NaiveDate,
    cal: &Calendar,
    owner_count: usize,
    predictive: &Predictive,
) -> Health {
    let mut flags = Vec::new();
    if !k.latest.has_target() {
        flags.push(Flag::NoTarget);
    }
    if k.def.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
        flags.push(Flag::NoOwner);
    }
    let stale = k
        .latest
        .period
        .is_some_and(|p| cal.ordinal(p, cal.period_start(as_of, k.grain), k.grain) > 1);
    if stale {
        flags.push(Flag::Stale);
    }
    let window_values: Vec<f64> = k.series.iter().filter_map(|p| p.value).collect();
    if window_values.len() < SHORT_HISTORY {
        flags.push(Flag::ShortHistory);
    }
    match k.targets.realism {
        Realism::Unrealistic => flags.push(Flag::UnrealisticTarget),
        Realism::TooEasy => flags.push(Flag::TooEasyTarget),
        _ => {}
    }
    if k.spc.variation == Some(Variation::Concern) {
        flags.push(Flag::ConcernSignal);
    }
    if k.trend.assessment == Some(Assessment::Deteriorating) {
        flags.push(Flag::DeterioratingTrend);
    }
    if !k.def.leads.is_empty() {
        if let Some(map) = predictive {
            if !map.get(&name_key(&k.def.name)).copied().unwrap_or(false) {
                flags.push(Flag::NotPredictive);
            }
        }
    }
    if window_values.len() >= 2 && window_values.iter().all(|v| *v == window_values[0]) {
        flags.push(Flag::Flatline);
    }
    if owner_count > MAX_KPIS_PER_OWNER {
        flags.push(Flag::TooManyKpis);
    }
    let has = |f: Flag| flags.contains(&f);
    let action = if has(Flag::Stale) {
        Action::RetireOrFixData
    } else if [
        Flag::ConcernSignal,
        Flag::DeterioratingTrend,
        Flag::UnrealisticTarget,
    ]
    .into_iter()
    .any(has)
    {
        Action::Improve
    } else if has(Flag::TooEasyTarget) || has(Flag::NoTarget) {
        Action::Retarget
    } else if [
        Flag::NotPredictive,
        Flag::Flatline,
        Flag::ShortHistory,
        Flag::NoOwner,
        Flag::TooManyKpis,
    ]
    .into_iter()
    .any(has)
    {
        Action::Review
    } else {
        Action::Keep
    };
    Health { flags, action }
}

#[cfg(test)]
mod tests;
