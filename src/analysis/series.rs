/*!
From observations to one regular series per KPI (docs/methods.md §1, §3 and the §9 rulings):
definitions merged by precedence, as-of applied, grain inferred, duplicates combined at
the KPI's own grain (with a finding), periods aggregated to the report grain, targets
decided per period (data column, else Targets sheet, else config), and the window cut
and filled with its missing periods. The grouping passes are in `combine`. Each
KPI is built on its own, so the KPIs are built in parallel (in order, whatever the
number of threads).
*/
mod combine;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::attainment::{self, Target};
use super::Settings;
use super::{Finding, Latest, Observed, Point, Status};
use crate::error::{Error, Result};
use crate::model::dataset::Dataset;
use crate::model::finding::{FindingCode, Listing};
use crate::model::kpi::{name_key, Aggregation, Direction, KpiDef};
use crate::model::period::{Calendar, Grain};
use crate::model::series::{KpiObservations, Observations, Provenance, TargetRow};
use crate::model::units::thousands;

/// Series-building output: each KPI's series, the as-of date and findings.
pub struct Built {
    pub kpis: Vec<KpiSeries>,
    pub as_of: NaiveDate,
    pub findings: Vec<Finding>,
}

/// One KPI's regular series: its merged definition, report grain, whole history up to
/// as-of, the analysis window cut from it, and the latest observed period compared with
/// its target.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiSeries {
    pub def: KpiDef,
    pub grain: Grain,
    /// Observed values up to as-of (all history, not only the window).
    pub n: usize,
    pub first_period: Option<NaiveDate>,
    pub last_period: Option<NaiveDate>,
    pub latest: Latest,
    /// The window: every period of the last `window` up to the latest value, missing
    /// ones included.
    pub series: Vec<Point>,
    /// Every period up to as-of that has a value, in order (missing periods are only
    /// in the window).
    pub history: Vec<Observed>,
}

impl KpiSeries {
    /// A KPI's `history` up to as-of (its periods with a value) and `series`, its
    /// window (every period, missing ones included), with the latest observed period
    /// compared with its target (`tolerance` decides amber vs red).
    pub fn of(
        def: KpiDef,
        grain: Grain,
        history: Vec<Observed>,
        series: Vec<Point>,
        tolerance: f64,
    ) -> KpiSeries {
        let latest = series
            .iter()
            .rev()
            .find(|p| p.value.is_some())
            .map(|p| latest_of(p, def.direction(), tolerance))
            .unwrap_or_default();
        KpiSeries {
            n: history.len(),
            first_period: history.first().map(|p| p.period),
            last_period: history.last().map(|p| p.period),
            def,
            grain,
            latest,
            series,
            history,
        }
    }

    /// From every period of a history, missing ones included (as tests write them): the
    /// last `window` periods are the series.
    #[cfg(test)]
    pub fn new(
        def: KpiDef,
        grain: Grain,
        mut periods: Vec<Point>,
        window: usize,
        tolerance: f64,
    ) -> KpiSeries {
        let history = periods.iter().filter_map(Observed::of).collect();
        let series = periods.split_off(periods.len().saturating_sub(window));
        KpiSeries::of(def, grain, history, series, tolerance)
    }
}

/// The latest observed period compared with its target.
fn latest_of(p: &Point, direction: Direction, tolerance: f64) -> Latest {
    let target = Target::of(direction, p.target, p.target_min, p.target_max);
    let cmp = match (p.value, target) {
        (Some(v), Some(t)) => attainment::compare(v, t, direction, tolerance),
        _ => attainment::Comparison::default(),
    };
    Latest {
        period: Some(p.period),
        value: p.value,
        target: p.target,
        target_min: p.target_min,
        target_max: p.target_max,
        gap: cmp.gap,
        gap_pct: cmp.gap_pct,
        attainment: cmp.attainment,
        met: cmp.met,
        status: Some(cmp.status.unwrap_or(Status::None)),
    }
}

/// Merge definitions: config, then definitions sheet, then data columns.
fn merged_defs(ing: &Dataset, cfg: &Settings) -> HashMap<String, KpiDef> {
    let mut defs: HashMap<String, KpiDef> = HashMap::new();
    for d in &cfg.kpis {
        defs.insert(name_key(&d.name), d.clone());
    }
    for d in ing.sheet_defs.iter().chain(&ing.data_defs) {
        defs.entry(name_key(&d.name))
            .and_modify(|e| e.fill_from(d))
            .or_insert_with(|| d.clone());
    }
    defs
}

/// `kpi_not_found` for every KPI the config or a Targets sheet names that no input has.
fn unknown_kpis(ds: &Dataset, cfg: &Settings) -> Vec<Finding> {
    let known = |name: &str| ds.observations.names(name);
    let mut findings = Vec::new();
    for d in &cfg.kpis {
        if !known(&d.name) {
            findings.push(Finding::warning(FindingCode::KpiNotFound, format!("the config names KPI '{}' but no input has it; check the spelling against `kpilens check`", d.name)).kpi(&d.name));
        }
    }
    let mut missing_targets: Vec<&str> = ds
        .targets
        .iter()
        .filter(|t| !known(&t.kpi))
        .map(|t| t.kpi.as_str())
        .collect();
    missing_targets.sort_unstable();
    missing_targets.dedup();
    for k in missing_targets {
        findings.push(
            Finding::warning(
                FindingCode::KpiNotFound,
                format!("the Targets sheet names KPI '{k}' but no input has values for it"),
            )
            .kpi(k),
        );
    }
    findings
}

/// The dates that carry a value, over the KPIs analysed.
fn valued_dates(kpis: &[KpiObservations]) -> impl Iterator<Item = NaiveDate> + '_ {
    kpis.iter().flat_map(|k| {
        (0..k.len())
            .filter(|&i| k.value(i).is_some())
            .map(|i| k.dates[i])
    })
}

/// The as-of date: the configured one, else the latest date with a value among the
/// KPIs analysed (those left out over the limit do not set it); nothing usable when
/// no value is dated on or before it.
fn as_of(ds: &Dataset, kpis: &[KpiObservations], cfg: &Settings) -> Result<NaiveDate> {
    let as_of = cfg
        .as_of
        .or_else(|| valued_dates(kpis).max())
        .ok_or_else(|| Error::Data("nothing usable: no KPI has any value".into()))?;
    if !valued_dates(kpis).any(|d| d <= as_of) {
        let first = valued_dates(kpis).min();
        let files: Vec<&str> = ds.inputs.iter().map(|i| i.path.as_str()).collect();
        return Err(Error::Data(format!(
            "nothing usable in {}: no value is dated on or before the as-of date {as_of}{}; give a later --as-of",
            files.join(", "),
            first.map(|d| format!(" (the first is {d})")).unwrap_or_default()
        )));
    }
    Ok(as_of)
}

/// One KPI before aggregation: the observations kept (indices, input order), its own
/// grain and its report grain.
struct OwnGrain {
    own: Grain,
    report: Grain,
    kept: Vec<usize>,
}

/// Observations after as-of and subtotal periods left out (with findings), the grain
/// inferred from the dates that carry a value, and the report grain (`--period` rolls
/// finer KPIs up; a coarser one stays).
fn own_grain(
    o: &KpiObservations,
    ds: &Dataset,
    as_of: NaiveDate,
    period: Option<Grain>,
    findings: &mut Vec<Finding>,
) -> OwnGrain {
    let name = &o.name;
    let in_time: Vec<usize> = (0..o.len()).filter(|&i| o.dates[i] <= as_of).collect();
    let (kept, subtotals, finest) = without_subtotals(o, in_time);
    if let (Some(&first), Some(finest)) = (subtotals.first(), finest) {
        findings.push(subtotal_finding(o, ds, first, &subtotals, finest));
    }
    let dropped = o.len() - kept.len() - subtotals.len();
    if dropped > 0 {
        findings.push(
            Finding::info(
                FindingCode::AfterAsOf,
                format!("{dropped} observation(s) dated after the as-of date {as_of} were ignored"),
            )
            .kpi(name),
        );
    }
    // Grain from the dates that carry a value: a monthly sheet that is filled only
    // each quarter is a quarterly KPI.
    let valued: Vec<usize> = kept
        .iter()
        .copied()
        .filter(|&i| o.value(i).is_some())
        .collect();
    let all: Vec<usize>;
    let basis = if !valued.is_empty() {
        &valued
    } else if !kept.is_empty() {
        &kept
    } else {
        all = (0..o.len()).collect();
        &all
    };
    let (own, irregular) = infer_grain(o, basis);
    if irregular {
        findings.push(Finding::warning(FindingCode::IrregularSpacing, "the dates are irregularly spaced (median gap fits no day/week/month/quarter/year); the KPI is treated as monthly").kpi(name));
    }
    let report = match period {
        Some(g) if g > own => g,
        Some(g) if g < own => {
            findings.push(Finding::info(FindingCode::CoarserThanPeriod, format!("the KPI is {own}ly, coarser than the requested --period {g}; it is kept {own}ly")).kpi(name));
            own
        }
        _ => own,
    };
    OwnGrain { own, report, kept }
}

/// Split off observations given for longer periods than the KPI's others — a quarterly
/// sheet beside a monthly one, a year total beside months — which are subtotals, not
/// more data. The shortest period length present is the KPI's: period labels carry
/// their own, dates the one their spacing gives. Dates are never dropped.
fn without_subtotals(
    o: &KpiObservations,
    obs: Vec<usize>,
) -> (Vec<usize>, Vec<usize>, Option<Grain>) {
    let dated: Vec<usize> = obs
        .iter()
        .copied()
        .filter(|&i| o.label_grains[i].is_none())
        .collect();
    let mut distinct: Vec<NaiveDate> = dated.iter().map(|&i| o.dates[i]).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let dated_grain = (distinct.len() >= 2).then(|| infer_grain(o, &dated).0);
    let grains: std::collections::BTreeSet<Grain> = obs
        .iter()
        .filter_map(|&i| o.label_grains[i])
        .chain(dated_grain)
        .collect();
    let Some(&finest) = grains.first().filter(|_| grains.len() > 1) else {
        return (obs, Vec::new(), None);
    };
    let (kept, subtotals) = obs
        .into_iter()
        .partition(|&i| o.label_grains[i].is_none_or(|g| g <= finest));
    (kept, subtotals, Some(finest))
}

/// Grain of one KPI: the label grain when its dates came from period labels, else the
/// median gap between distinct dates.
fn infer_grain(o: &KpiObservations, obs: &[usize]) -> (Grain, bool) {
    let mut labels: BTreeMap<Grain, usize> = BTreeMap::new();
    for &i in obs {
        if let Some(g) = o.label_grains[i] {
            *labels.entry(g).or_default() += 1;
        }
    }
    if let Some((&g, _)) = labels.iter().max_by_key(|(g, n)| (**n, **g)) {
        return (g, false);
    }
    // Days as plain numbers: sorted, differenced and sorted again as integers (chrono's
    // date arithmetic was most of this at ten million daily rows).
    let mut days: Vec<i32> = obs
        .iter()
        .map(|&i| chrono::Datelike::num_days_from_ce(&o.dates[i]))
        .collect();
    days.sort_unstable();
    days.dedup();
    if days.len() < 2 {
        return (Grain::Month, false);
    }
    let mut gaps: Vec<i32> = days.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_unstable();
    let m = gaps.len();
    let median = if m % 2 == 1 {
        f64::from(gaps[m / 2])
    } else {
        f64::midpoint(f64::from(gaps[m / 2 - 1]), f64::from(gaps[m / 2]))
    };
    Grain::from_median_gap(median)
}

fn subtotal_finding(
    o: &KpiObservations,
    ds: &Dataset,
    first: usize,
    subtotals: &[usize],
    finest: Grain,
) -> Finding {
    let longer: std::collections::BTreeSet<&str> = subtotals
        .iter()
        .filter_map(|&i| o.label_grains[i].map(Grain::as_str))
        .collect();
    let source = ds.observations.source(o.origins[first]);
    Finding::warning(
        FindingCode::SubtotalPeriodsSkipped,
        format!(
            "the input gives this KPI by {finest} and also by {} ({} figure(s)); those look like subtotals and were left out, so they are not averaged into the {finest}s",
            longer.into_iter().collect::<Vec<_>>().join(" and "),
            subtotals.len()
        ),
    )
    .kpi(&o.name)
    .file(&source.file)
    .sheet(source.sheet.as_deref())
    .row(source.row)
}

fn duplicate_finding(name: &str, d: &combine::Duplicate, label: &str, agg: Aggregation) -> Finding {
    let src = &d.sources;
    let mut rows_txt: Vec<String> = src
        .rows
        .iter()
        .map(|s| {
            format!(
                "{}{} row {}",
                s.file,
                s.sheet
                    .as_deref()
                    .map(|s| format!(" '{s}'"))
                    .unwrap_or_default(),
                s.row
            )
        })
        .collect();
    if src.count as usize > src.rows.len() {
        rows_txt.push(format!("and {} more", src.count as usize - src.rows.len()));
    }
    Finding::warning(
        FindingCode::DuplicateObservation,
        format!(
            "{} values for {label} ({}); combined with '{}': {}",
            d.values,
            d.period,
            agg.as_str(),
            rows_txt.join("; ")
        ),
    )
    .kpi(name)
}

/// One KPI built: its series, and the findings of its own grain and of its duplicates
/// (kept apart: a run lists all grain findings before all duplicates).
struct OneKpi {
    series: KpiSeries,
    grain_findings: Vec<Finding>,
    duplicates: Vec<Finding>,
}

/// One regular series per KPI at its report grain (docs/methods.md §1): apply as-of,
/// combine duplicates at each KPI's own grain, roll up to the report grain, then
/// assemble each KPI's history with its targets.
pub fn build(ds: &Dataset, cfg: &Settings) -> Result<Built> {
    let by_kpi = ByKpi {
        defs: merged_defs(ds, cfg),
        targets: targets_by_kpi(ds),
    };
    let mut findings = unknown_kpis(ds, cfg);
    let analysed = ds.observations.kpis();
    findings.extend(left_out(&ds.observations));
    let as_of = as_of(ds, analysed, cfg)?;
    let built: Vec<OneKpi> = analysed
        .par_iter()
        .map(|o| build_one(o, ds, cfg, &by_kpi, as_of))
        .collect();
    let mut kpis = Vec::with_capacity(built.len());
    let mut duplicates = Vec::new();
    for one in built {
        kpis.push(one.series);
        findings.extend(one.grain_findings);
        duplicates.extend(one.duplicates);
    }
    findings.extend(duplicates);
    Ok(Built {
        kpis,
        as_of,
        findings,
    })
}

/// The `too_many_kpis` error naming the KPIs the store left out, when there were more
/// than it keeps (the first ones, in the order the inputs name them).
fn left_out(obs: &Observations) -> Option<Finding> {
    let (count, first, last) = obs.left_out()?;
    let n = |n: usize| thousands(n as f64);
    let others = if count == 1 {
        format!("the other one ('{first}') is")
    } else {
        format!("the other {} ('{first}' to '{last}') are", n(count))
    };
    let max = n(obs.limit());
    Some(Finding::error(
        FindingCode::TooManyKpis,
        format!(
            "{} KPIs were found, more than one report analyses ({max}): the first {max}, in the order the inputs name them, are analysed and {others} left out. {TOO_MANY_KPIS_ADVICE}",
            n(obs.kpi_count()),
        ),
    ))
}

/// The last sentence of the `too_many_kpis` message: what to do about it (Summary
/// shows the message without it).
pub const TOO_MANY_KPIS_ADVICE: &str = "A column of order, customer or product IDs read as the KPI name makes every row a KPI: check which column names the KPI, or split the export";

/// What a KPI's series takes from beyond its own observations, found by its name key
/// once for every KPI (a Targets sheet may hold a row per KPI and period).
struct ByKpi<'a> {
    /// Merged definitions (config, then definitions sheet, then data columns).
    defs: HashMap<String, KpiDef>,
    /// Targets sheet rows, in input order.
    targets: HashMap<String, Vec<&'a TargetRow>>,
}

/// The Targets sheet rows of each KPI, by name key.
fn targets_by_kpi(ds: &Dataset) -> HashMap<String, Vec<&TargetRow>> {
    let mut by_key: HashMap<String, Vec<&TargetRow>> = HashMap::new();
    for t in &ds.targets {
        by_key.entry(name_key(&t.kpi)).or_default().push(t);
    }
    by_key
}

fn build_one(
    o: &KpiObservations,
    ds: &Dataset,
    cfg: &Settings,
    by_kpi: &ByKpi,
    as_of: NaiveDate,
) -> OneKpi {
    let cal = cfg.calendar;
    let mut grain_findings = Vec::new();
    let g = own_grain(o, ds, as_of, cfg.period, &mut grain_findings);
    let key = name_key(&o.name);
    let mut def = by_kpi
        .defs
        .get(&key)
        .cloned()
        .unwrap_or_else(|| KpiDef::new(&o.name));
    def.name.clone_from(&o.name);
    let aggregation = def.aggregation();
    let (periods, dups) = combine::Grouping {
        obs: o,
        store: &ds.observations,
        kept: &g.kept,
        own: g.own,
        report: g.report,
        aggregation,
        cal: &cal,
    }
    .run();
    // An export read twice makes every period a duplicate: a hundred are listed.
    let duplicates = Listing::list(
        dups.iter()
            .map(|d| duplicate_finding(&o.name, d, &cal.label(d.period, g.own), aggregation))
            .collect(),
    );
    let rows = by_kpi.targets.get(&key).map_or(&[][..], Vec::as_slice);
    let sheet = sheet_targets(rows, g.report, &cal, aggregation);
    let (history, series) =
        periods_of(periods, &ds.observations, g.report, &cal, &def, &sheet, cfg);
    // The effective tolerance is recorded on the definition so every reader of the
    // result (notes, JSON, later rules) uses the same number.
    let tolerance = def.tolerance.unwrap_or(cfg.defaults.tolerance);
    def.tolerance = Some(tolerance);
    OneKpi {
        series: KpiSeries::of(def, g.report, history, series, tolerance),
        grain_findings,
        duplicates,
    }
}

/// Targets sheet rows of one KPI at the report grain: per-period targets (aggregated
/// with the KPI's aggregation) and steps.
struct SheetTargets {
    per_period: BTreeMap<NaiveDate, f64>,
    steps: Vec<(NaiveDate, f64)>,
}

fn sheet_targets(
    rows: &[&TargetRow],
    grain: Grain,
    cal: &Calendar,
    agg: Aggregation,
) -> SheetTargets {
    let mut grouped: BTreeMap<NaiveDate, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    let mut steps = Vec::new();
    for t in rows {
        let p = cal.period_start(t.period, grain);
        if t.is_step {
            steps.push((p, t.target));
        } else {
            grouped.entry(p).or_default().push((t.period, t.target));
        }
    }
    steps.sort_by_key(|s| s.0);
    let per_period = grouped
        .into_iter()
        .filter_map(|(p, mut v)| {
            v.sort_by_key(|x| x.0);
            let vals: Vec<f64> = v.into_iter().map(|x| x.1).collect();
            agg.apply(&vals).map(|t| (p, t))
        })
        .collect();
    SheetTargets { per_period, steps }
}

/// The step value in force at `p`, if any.
fn step_at(steps: impl IntoIterator<Item = (NaiveDate, f64)>, p: NaiveDate) -> Option<f64> {
    steps
        .into_iter()
        .take_while(|(from, _)| *from <= p)
        .last()
        .map(|s| s.1)
}

/// A KPI's periods at the report grain with their targets decided (data column, else
/// Targets sheet, else config) and compared: its history, the periods that have a value,
/// and its window, every period of the last `window` up to the latest value, missing
/// ones included. Only the window is filled with missing periods: the history may span
/// centuries (a mistyped year), and what reads it needs only the values.
fn periods_of(
    periods: Vec<combine::Period>,
    store: &Observations,
    grain: Grain,
    cal: &Calendar,
    def: &KpiDef,
    sheet: &SheetTargets,
    cfg: &Settings,
) -> (Vec<Observed>, Vec<Point>) {
    let observed = |p: &combine::Period| p.columns[0].is_some();
    let (Some(first), Some(last)) = (
        periods.iter().find(|p| observed(p)).map(|p| p.start),
        periods.iter().rfind(|p| observed(p)).map(|p| p.start),
    ) else {
        return (Vec::new(), Vec::new());
    };
    let back = i64::try_from(cfg.window.saturating_sub(1)).unwrap_or(i64::MAX);
    let window_start = if cal.ordinal(first, last, grain) <= back {
        first
    } else {
        cal.step(last, grain, -back)
    };
    let point = Pointer {
        grain,
        cal,
        def,
        sheet,
        direction: def.direction(),
        tolerance: def.tolerance.unwrap_or(cfg.defaults.tolerance),
    };
    let mut history = Vec::with_capacity(periods.iter().filter(|p| observed(p)).count());
    let mut in_window: HashMap<NaiveDate, Point> = HashMap::new();
    for p in periods {
        if (window_start..=last).contains(&p.start) {
            let pt = point.at(p.start, p.columns, p.rows.provenance(store));
            history.extend(Observed::of(&pt));
            in_window.insert(p.start, pt);
        } else if let Some(value) = p.columns[0] {
            history.push(Observed {
                period: p.start,
                value,
                target: point.targets(p.start, p.columns).0,
            });
        }
    }
    let n = cal.ordinal(window_start, last, grain);
    let series = (0..=n)
        .map(|i| {
            let p = cal.step(window_start, grain, i);
            in_window
                .remove(&p)
                .unwrap_or_else(|| point.at(p, [None; 4], Provenance::default()))
        })
        .collect();
    (history, series)
}

/// What a period's point is made from besides its own columns.
struct Pointer<'a> {
    grain: Grain,
    cal: &'a Calendar,
    def: &'a KpiDef,
    sheet: &'a SheetTargets,
    direction: Direction,
    tolerance: f64,
}

impl Pointer<'_> {
    /// The targets of period `p` given its data columns (`vals`: value, target,
    /// target_min, target_max): the data's, else the Targets sheet's, else the
    /// config's — as (target, target_min, target_max), the target `None` for a range.
    fn targets(
        &self,
        p: NaiveDate,
        vals: [Option<f64>; 4],
    ) -> (Option<f64>, Option<f64>, Option<f64>) {
        let (cal, grain, def, sheet) = (self.cal, self.grain, self.def, self.sheet);
        let config_target = step_at(
            def.targets
                .iter()
                .map(|s| (cal.period_start(s.from, grain), s.value)),
            p,
        )
        .or(def.target);
        let target = vals[1]
            .or_else(|| sheet.per_period.get(&p).copied())
            .or_else(|| step_at(sheet.steps.iter().copied(), p))
            .or(config_target);
        let target = if self.direction == Direction::Range {
            None
        } else {
            target
        };
        (
            target,
            vals[2].or(def.target_min),
            vals[3].or(def.target_max),
        )
    }

    /// Period `p` with its value and data targets (`vals`: value, target, target_min,
    /// target_max), the target decided and the value compared with it.
    fn at(&self, p: NaiveDate, vals: [Option<f64>; 4], sources: Provenance) -> Point {
        let (target, target_min, target_max) = self.targets(p, vals);
        let cmp = match (
            vals[0],
            Target::of(self.direction, target, target_min, target_max),
        ) {
            (Some(v), Some(t)) => attainment::compare(v, t, self.direction, self.tolerance),
            _ => attainment::Comparison::default(),
        };
        Point {
            period: p,
            value: vals[0],
            target,
            target_min,
            target_max,
            gap: cmp.gap,
            met: cmp.met,
            status: cmp.status.unwrap_or(Status::None),
            mr: None,
            rules: Vec::new(),
            seasonal: None,
            sources,
        }
    }
}

#[cfg(test)]
mod tests;
