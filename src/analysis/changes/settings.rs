/*!
Run settings that differ from the earlier run's, as far as its results file shows them.
The JSON records the rules preset itself; the other parameters are read from what they
leave in the results: the window is the length of a series the window cut (its first
period after the KPI's first period), `--period` shows in the KPIs' grains, and the
fiscal year start in the months that quarterly and yearly periods begin. A parameter the
file does not show is not compared. Differences make one info finding,
`previous_settings_differ`: some changes may come from the settings, not the data.
*/
use chrono::{Datelike, NaiveDate};

use super::{grain_of, report_of};
use crate::analysis::{Finding, KpiResult, Results};
use crate::model::finding::FindingCode;
use crate::model::period::Grain;
use crate::model::previous::{PreviousKpi, PreviousRun};

/// A run parameter that can differ between two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Rules,
    Window,
    Period,
    FiscalYearStart,
}

impl Setting {
    /// The config key's name, as `settings_differ` lists it.
    pub fn as_str(self) -> &'static str {
        match self {
            Setting::Rules => "rules",
            Setting::Window => "window",
            Setting::Period => "period",
            Setting::FiscalYearStart => "fiscal_year_start",
        }
    }
}

/// A setting that differs, with how, in words ("nhs → wheeler").
#[derive(Debug, Clone, PartialEq)]
pub struct SettingDiff {
    pub setting: Setting,
    pub detail: String,
}

/// KPIs whose grain differs are named up to this many.
const NAMED_KPIS: usize = 3;

/// Every setting that differs, in the order of [`Setting`].
/// `matched` are the KPIs in both runs (index in this run, this run's, the earlier's).
pub(super) fn differ(
    r: &Results,
    prev: &PreviousRun,
    matched: &[(usize, &KpiResult, &PreviousKpi)],
) -> Vec<SettingDiff> {
    let mut out = Vec::new();
    if let Some(was) = prev.rules.as_deref().filter(|w| *w != r.rules.as_str()) {
        out.push(SettingDiff {
            setting: Setting::Rules,
            detail: format!("{was} → {}", r.rules.as_str()),
        });
    }
    if let Some(was) = window_of(prev).filter(|w| *w != r.window) {
        out.push(SettingDiff {
            setting: Setting::Window,
            detail: format!("{was} → {} periods", r.window),
        });
    }
    out.extend(grains(matched));
    out.extend(fiscal_year(r, prev));
    out
}

/// The earlier window: the length of a series that starts after its KPI's first period
/// (the window cut it); `None` when every series held the KPI's whole history.
fn window_of(prev: &PreviousRun) -> Option<usize> {
    prev.kpis
        .iter()
        .filter_map(|k| {
            let series = k.series.as_ref()?;
            let first = series.first()?.period;
            (first > k.first_period?).then_some(series.len())
        })
        .max()
}

/// KPIs in both runs at another grain (`--period`, or the data's own grain).
fn grains(matched: &[(usize, &KpiResult, &PreviousKpi)]) -> Option<SettingDiff> {
    let moved: Vec<String> = matched
        .iter()
        .filter_map(|(_, k, p)| {
            let was = grain_of(p.grain.as_deref())?;
            (was != k.grain)
                .then(|| format!("{} {} → {}", k.def.name, was.as_str(), k.grain.as_str()))
        })
        .collect();
    if moved.is_empty() {
        return None;
    }
    let mut named: Vec<String> = moved.iter().take(NAMED_KPIS).cloned().collect();
    if moved.len() > NAMED_KPIS {
        named.push(format!("and {} more", moved.len() - NAMED_KPIS));
    }
    Some(SettingDiff {
        setting: Setting::Period,
        detail: format!("grain of {}", named.join(", ")),
    })
}

/// A quarterly or yearly series of the earlier run whose periods begin in months that
/// this run's fiscal year start would not give.
fn fiscal_year(r: &Results, prev: &PreviousRun) -> Option<SettingDiff> {
    let start = r.fiscal_year_start;
    let (grain, first) = prev.kpis.iter().find_map(|k| {
        let (grain, first) = coarse_start(k)?;
        let step = if grain == Grain::Year { 12 } else { 3 };
        (!(first.month() + 12 - start).is_multiple_of(step)).then_some((grain, first))
    })?;
    Some(SettingDiff {
        setting: Setting::FiscalYearStart,
        detail: format!(
            "{} periods began in {}, which this run's fiscal year start ({}) does not give",
            grain.as_str(),
            first.format("%B"),
            month_name(start)
        ),
    })
}

/// A quarterly or yearly KPI's grain and first series period.
fn coarse_start(k: &PreviousKpi) -> Option<(Grain, NaiveDate)> {
    let grain =
        grain_of(k.grain.as_deref()).filter(|g| matches!(g, Grain::Quarter | Grain::Year))?;
    Some((grain, k.series.as_ref()?.first()?.period))
}

fn month_name(m: u32) -> String {
    NaiveDate::from_ymd_opt(2000, m, 1)
        .map_or_else(|| m.to_string(), |d| d.format("%B").to_string())
}

/// The info finding naming the settings that differ.
pub(super) fn finding(diffs: &[SettingDiff], prev: &PreviousRun) -> Option<Finding> {
    if diffs.is_empty() {
        return None;
    }
    let list: Vec<String> = diffs
        .iter()
        .map(|d| format!("{} {}", d.setting.as_str(), d.detail))
        .collect();
    Some(
        Finding::info(
            FindingCode::PreviousSettingsDiffer,
            format!(
                "Run settings differ from {} ({}): {}. Some changes may come from the settings rather than the data.",
                report_of(prev.as_of),
                prev.path,
                list.join("; ")
            ),
        )
        .file(&prev.path),
    )
}
