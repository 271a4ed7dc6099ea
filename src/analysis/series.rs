/*!
From observations to one regular series per KPI (docs/methods.md §1, §3 and the §9 rulings):
definitions merged by precedence, as-of applied, grain inferred, duplicates combined at
the KPI's own grain (with a finding), periods aggregated to the report grain, targets
decided per period (data column, else Targets sheet, else config), the history filled
with missing periods, and the window cut. The two grouping passes run in polars.
*/
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use polars::prelude::*;

use super::attainment::{self, Target};
use super::Settings;
use super::{Finding, Latest, Point, Status};
use crate::error::{Error, Result};
use crate::model::dataset::Dataset;
use crate::model::finding::FindingCode;
use crate::model::kpi::{name_key, Aggregation, Direction, KpiDef};
use crate::model::period::{Calendar, Grain};
use crate::model::series::{Observation, SourceRef};

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
    /// The last `window` periods of the history.
    pub series: Vec<Point>,
    pub history: Vec<Point>,
}

impl KpiSeries {
    /// `history` up to as-of, its last `window` periods as the series, and the latest
    /// observed period compared with its target (`tolerance` decides amber vs red).
    pub fn new(
        def: KpiDef,
        grain: Grain,
        history: Vec<Point>,
        window: usize,
        tolerance: f64,
    ) -> KpiSeries {
        let start = history.len().saturating_sub(window);
        let series = history[start..].to_vec();
        let latest = series
            .iter()
            .rev()
            .find(|p| p.value.is_some())
            .map(|p| latest_of(p, def.direction(), tolerance))
            .unwrap_or_default();
        KpiSeries {
            n: history.iter().filter(|p| p.value.is_some()).count(),
            first_period: history.first().map(|p| p.period),
            last_period: history.last().map(|p| p.period),
            def,
            grain,
            latest,
            series,
            history,
        }
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

/// Aggregates of one group for one column, as polars computed them.
#[derive(Debug, Clone, Copy, Default)]
struct Agg {
    n: i64,
    sum: f64,
    min: Option<f64>,
    max: Option<f64>,
    last: Option<f64>,
}

impl Agg {
    fn pick(&self, a: Aggregation) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        match a {
            Aggregation::Sum => Some(self.sum),
            // Equal observations average to exactly their value (`kpi::mean`); the
            // sum of a group does not depend on the input order for the whole numbers
            // exports mostly hold.
            Aggregation::Mean => match (self.min, self.max) {
                (Some(lo), Some(hi)) if lo == hi => Some(lo),
                _ => Some(self.sum / self.n as f64),
            },
            Aggregation::Min => self.min,
            Aggregation::Max => self.max,
            Aggregation::Last => self.last,
        }
    }
}

/// One row fed to the grouping: a KPI, its period, an ordering key and four columns
/// (value, target, target_min, target_max).
struct Rows {
    kpi: Vec<u32>,
    period: Vec<i32>,
    order: Vec<i64>,
    cols: [Vec<Option<f64>>; 4],
}

impl Rows {
    fn new() -> Self {
        Rows {
            kpi: Vec::new(),
            period: Vec::new(),
            order: Vec::new(),
            cols: Default::default(),
        }
    }
    fn push(&mut self, kpi: u32, period: NaiveDate, order: i64, cols: [Option<f64>; 4]) {
        self.kpi.push(kpi);
        self.period.push(days(period));
        self.order.push(order);
        for (dst, v) in self.cols.iter_mut().zip(cols) {
            dst.push(v);
        }
    }
}

const COLS: [&str; 4] = ["value", "target", "target_min", "target_max"];

fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
}

fn from_days(n: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + chrono::Duration::days(i64::from(n))
}

/// Group rows by (kpi, period) and compute every aggregation of every column at once;
/// `last` follows `order` (the date, then input order). Groups come back in
/// (kpi, period) order.
fn aggregate(rows: Rows) -> PolarsResult<Vec<(u32, NaiveDate, [Agg; 4])>> {
    let height = rows.kpi.len();
    let mut columns = vec![
        Column::new("kpi".into(), rows.kpi),
        Column::new("period".into(), rows.period),
        Column::new("order".into(), rows.order),
    ];
    for (name, v) in COLS.iter().zip(rows.cols) {
        columns.push(Column::new((*name).into(), v));
    }
    let df = DataFrame::new(height, columns)?;
    let mut aggs = Vec::new();
    for name in COLS {
        let c = col(name);
        aggs.push(
            c.clone()
                .count()
                .cast(DataType::Int64)
                .alias(format!("{name}_n")),
        );
        aggs.push(c.clone().sum().alias(format!("{name}_sum")));
        aggs.push(c.clone().min().alias(format!("{name}_min")));
        aggs.push(c.clone().max().alias(format!("{name}_max")));
        aggs.push(c.drop_nulls().last().alias(format!("{name}_last")));
    }
    let out = df
        .lazy()
        .sort(["kpi", "period", "order"], SortMultipleOptions::default())
        .group_by_stable([col("kpi"), col("period")])
        .agg(aggs)
        .sort(["kpi", "period"], SortMultipleOptions::default())
        .collect()?;
    let kpi: Vec<Option<u32>> = out.column("kpi")?.u32()?.iter().collect();
    let period: Vec<Option<i32>> = out.column("period")?.i32()?.iter().collect();
    let f = |n: String| -> PolarsResult<Vec<Option<f64>>> {
        Ok(out
            .column(&n)?
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .collect())
    };
    let mut per_col = Vec::new();
    for name in COLS {
        let n: Vec<Option<i64>> = out.column(&format!("{name}_n"))?.i64()?.iter().collect();
        per_col.push((
            n,
            f(format!("{name}_sum"))?,
            f(format!("{name}_min"))?,
            f(format!("{name}_max"))?,
            f(format!("{name}_last"))?,
        ));
    }
    let mut result = Vec::with_capacity(out.height());
    for i in 0..out.height() {
        let mut aggs = [Agg::default(); 4];
        for (a, (n, sum, min, max, last)) in aggs.iter_mut().zip(&per_col) {
            *a = Agg {
                n: n[i].unwrap_or(0),
                sum: sum[i].unwrap_or(0.0),
                min: min[i],
                max: max[i],
                last: last[i],
            };
        }
        result.push((kpi[i].unwrap_or(0), from_days(period[i].unwrap_or(0)), aggs));
    }
    Ok(result)
}

fn polars_err(e: &PolarsError) -> Error {
    Error::Internal(format!("aggregating series: {e}"))
}

/// Split off observations given for longer periods than the KPI's others — a quarterly
/// sheet beside a monthly one, a year total beside months — which are subtotals, not
/// more data. The shortest period length present is the KPI's: period labels carry
/// their own, dates the one their spacing gives. Dates are never dropped.
fn without_subtotals(
    obs: Vec<&Observation>,
) -> (Vec<&Observation>, Vec<&Observation>, Option<Grain>) {
    let dated: Vec<&Observation> = obs
        .iter()
        .copied()
        .filter(|o| o.label_grain.is_none())
        .collect();
    let mut distinct: Vec<NaiveDate> = dated.iter().map(|o| o.date).collect();
    distinct.sort();
    distinct.dedup();
    let dated_grain = (distinct.len() >= 2).then(|| infer_grain(&dated).0);
    let grains: std::collections::BTreeSet<Grain> = obs
        .iter()
        .filter_map(|o| o.label_grain)
        .chain(dated_grain)
        .collect();
    let Some(&finest) = grains.first().filter(|_| grains.len() > 1) else {
        return (obs, Vec::new(), None);
    };
    let (kept, subtotals) = obs
        .into_iter()
        .partition(|o| o.label_grain.is_none_or(|g| g <= finest));
    (kept, subtotals, Some(finest))
}

/// Grain of one KPI: the label grain when its dates came from period labels, else the
/// median gap between distinct dates.
fn infer_grain(obs: &[&Observation]) -> (Grain, bool) {
    let mut labels: BTreeMap<Grain, usize> = BTreeMap::new();
    for o in obs {
        if let Some(g) = o.label_grain {
            *labels.entry(g).or_default() += 1;
        }
    }
    if let Some((&g, _)) = labels.iter().max_by_key(|(g, n)| (**n, **g)) {
        return (g, false);
    }
    let mut dates: Vec<NaiveDate> = obs.iter().map(|o| o.date).collect();
    dates.sort();
    dates.dedup();
    if dates.len() < 2 {
        return (Grain::Month, false);
    }
    let mut gaps: Vec<f64> = dates
        .windows(2)
        .map(|w| (w[1] - w[0]).num_days() as f64)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let m = gaps.len();
    let median = if m % 2 == 1 {
        gaps[m / 2]
    } else {
        f64::midpoint(gaps[m / 2 - 1], gaps[m / 2])
    };
    Grain::from_median_gap(median)
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

/// The observations of each KPI, in order of first appearance.
struct Grouped<'a> {
    /// Name keys in order of first appearance.
    order: Vec<String>,
    by_kpi: HashMap<String, Vec<&'a Observation>>,
}

impl Grouped<'_> {
    /// The KPI's name as the input first wrote it.
    fn name(&self, key: &str) -> &str {
        &self.by_kpi[key][0].kpi
    }
}

fn group(ds: &Dataset) -> Grouped<'_> {
    let mut order: Vec<String> = Vec::new();
    let mut by_kpi: HashMap<String, Vec<&Observation>> = HashMap::new();
    for o in &ds.observations {
        let key = name_key(&o.kpi);
        by_kpi
            .entry(key.clone())
            .or_insert_with(|| {
                order.push(key.clone());
                Vec::new()
            })
            .push(o);
    }
    Grouped { order, by_kpi }
}

/// `kpi_not_found` for every KPI the config or a Targets sheet names that no input has.
fn unknown_kpis(ds: &Dataset, cfg: &Settings, g: &Grouped) -> Vec<Finding> {
    let mut findings = Vec::new();
    for d in &cfg.kpis {
        if !g.by_kpi.contains_key(&name_key(&d.name)) {
            findings.push(Finding::warning(FindingCode::KpiNotFound, format!("the config names KPI '{}' but no input has it; check the spelling against `kpilens check`", d.name)).kpi(&d.name));
        }
    }
    let mut missing_targets: Vec<&str> = ds
        .targets
        .iter()
        .filter(|t| !g.by_kpi.contains_key(&name_key(&t.kpi)))
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

/// The as-of date: the configured one, else the latest date with a value; nothing
/// usable when no value is dated on or before it.
fn as_of(ds: &Dataset, cfg: &Settings) -> Result<NaiveDate> {
    let valued = || ds.observations.iter().filter(|o| o.value.is_some());
    let as_of = cfg
        .as_of
        .or_else(|| valued().map(|o| o.date).max())
        .ok_or_else(|| Error::Data("nothing usable: no KPI has any value".into()))?;
    if !valued().any(|o| o.date <= as_of) {
        let first = valued().map(|o| o.date).min();
        let files: Vec<&str> = ds.inputs.iter().map(|i| i.path.as_str()).collect();
        return Err(Error::Data(format!(
            "nothing usable in {}: no value is dated on or before the as-of date {as_of}{}; give a later --as-of",
            files.join(", "),
            first.map(|d| format!(" (the first is {d})")).unwrap_or_default()
        )));
    }
    Ok(as_of)
}

/// Each KPI's own grain and report grain, and its observations to aggregate.
struct OwnGrain<'a> {
    own: Grain,
    report: Grain,
    kept: Vec<&'a Observation>,
}

/// One KPI before aggregation: observations after as-of and subtotal periods left out
/// (with findings), the grain inferred from the dates that carry a value, and the
/// report grain (`--period` rolls finer KPIs up; a coarser one stays).
fn own_grain<'a>(
    all: &[&'a Observation],
    as_of: NaiveDate,
    period: Option<Grain>,
    findings: &mut Vec<Finding>,
) -> OwnGrain<'a> {
    let name = &all[0].kpi;
    let kept: Vec<&Observation> = all.iter().copied().filter(|o| o.date <= as_of).collect();
    let (kept, subtotals, finest) = without_subtotals(kept);
    if let (Some(first), Some(finest)) = (subtotals.first(), finest) {
        findings.push(subtotal_finding(name, first, &subtotals, finest));
    }
    let dropped = all.len() - kept.len() - subtotals.len();
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
    let valued: Vec<&Observation> = kept.iter().copied().filter(|o| o.value.is_some()).collect();
    let basis = if !valued.is_empty() {
        &valued
    } else if !kept.is_empty() {
        &kept
    } else {
        all
    };
    let (own, irregular) = infer_grain(basis);
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

fn subtotal_finding(
    name: &str,
    first: &Observation,
    subtotals: &[&Observation],
    finest: Grain,
) -> Finding {
    let longer: std::collections::BTreeSet<&str> = subtotals
        .iter()
        .filter_map(|o| o.label_grain.map(Grain::as_str))
        .collect();
    Finding::warning(
        FindingCode::SubtotalPeriodsSkipped,
        format!(
            "the input gives this KPI by {finest} and also by {} ({} figure(s)); those look like subtotals and were left out, so they are not averaged into the {finest}s",
            longer.into_iter().collect::<Vec<_>>().join(" and "),
            subtotals.len()
        ),
    )
    .kpi(name)
    .file(&first.source.file)
    .sheet(first.source.sheet.as_deref())
    .row(first.source.row)
}

/// Source rows of each (KPI, period) group.
type Sources = HashMap<(u32, NaiveDate), Vec<SourceRef>>;

/// Pass 1 rows: every kept observation at its KPI's own grain, ordered by date and
/// input order (for `last`).
fn own_rows(kpis: &[OwnGrain], cal: &Calendar) -> (Rows, Sources) {
    let mut rows = Rows::new();
    let mut sources: Sources = HashMap::new();
    for (k, g) in kpis.iter().enumerate() {
        for o in &g.kept {
            let p = cal.period_start(o.date, g.own);
            rows.push(
                k as u32,
                p,
                i64::from(days(o.date)) * 1_000_000 + rows.kpi.len() as i64 % 1_000_000,
                [o.value, o.target, o.target_min, o.target_max],
            );
            sources
                .entry((k as u32, p))
                .or_default()
                .push(o.source.clone());
        }
    }
    (rows, sources)
}

/// Everything the second pass needs to know about each KPI.
struct Pass<'a> {
    grains: &'a [OwnGrain<'a>],
    aggregations: &'a [Aggregation],
    names: &'a [&'a str],
    cal: &'a Calendar,
}

/// Pass 2 rows: each own-grain group combined with the KPI's aggregation, at the report
/// grain; several values in one own-grain period are a `duplicate_observation`.
fn report_rows(
    own_groups: &[(u32, NaiveDate, [Agg; 4])],
    mut sources: Sources,
    pass: &Pass,
    findings: &mut Vec<Finding>,
) -> (Rows, Sources) {
    let mut rows = Rows::new();
    let mut report_sources: Sources = HashMap::new();
    for (k, p, aggs) in own_groups {
        let agg = pass.aggregations[*k as usize];
        let src = sources.remove(&(*k, *p)).unwrap_or_default();
        let g = &pass.grains[*k as usize];
        if aggs[0].n > 1 {
            findings.push(duplicate_finding(
                pass.names[*k as usize],
                aggs[0].n,
                &pass.cal.label(*p, g.own),
                *p,
                agg,
                &src,
            ));
        }
        let rp = pass.cal.period_start(*p, g.report);
        rows.push(*k, rp, i64::from(days(*p)), aggs.map(|a| a.pick(agg)));
        report_sources.entry((*k, rp)).or_default().extend(src);
    }
    (rows, report_sources)
}

fn duplicate_finding(
    name: &str,
    n: i64,
    label: &str,
    p: NaiveDate,
    agg: Aggregation,
    src: &[SourceRef],
) -> Finding {
    let mut rows_txt: Vec<String> = src
        .iter()
        .take(5)
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
    if src.len() > 5 {
        rows_txt.push(format!("and {} more", src.len() - 5));
    }
    Finding::warning(
        FindingCode::DuplicateObservation,
        format!(
            "{n} values for {label} ({p}); combined with '{}': {}",
            agg.as_str(),
            rows_txt.join("; ")
        ),
    )
    .kpi(name)
}

/// One regular series per KPI at its report grain (docs/methods.md §1): group the
/// observations by KPI, apply as-of, combine duplicates at each KPI's own grain, roll up
/// to the report grain, then assemble each KPI's history with its targets.
pub fn build(ds: &Dataset, cfg: &Settings) -> Result<Built> {
    let cal = cfg.calendar;
    let defs = merged_defs(ds, cfg);
    let grouped = group(ds);
    let mut findings = unknown_kpis(ds, cfg, &grouped);
    let as_of = as_of(ds, cfg)?;
    let grains: Vec<OwnGrain> = grouped
        .order
        .iter()
        .map(|key| own_grain(&grouped.by_kpi[key], as_of, cfg.period, &mut findings))
        .collect();
    let aggregations: Vec<Aggregation> = grouped
        .order
        .iter()
        .map(|key| defs.get(key).map(KpiDef::aggregation).unwrap_or_default())
        .collect();
    let names: Vec<&str> = grouped.order.iter().map(|k| grouped.name(k)).collect();
    let (rows, sources) = own_rows(&grains, &cal);
    let own_groups = aggregate(rows).map_err(|e| polars_err(&e))?;
    let pass = Pass {
        grains: &grains,
        aggregations: &aggregations,
        names: &names,
        cal: &cal,
    };
    let (rows, mut sources) = report_rows(&own_groups, sources, &pass, &mut findings);
    let mut per_kpi: Vec<Vec<(NaiveDate, [Option<f64>; 4])>> = vec![Vec::new(); names.len()];
    for (k, p, aggs) in aggregate(rows).map_err(|e| polars_err(&e))? {
        let agg = aggregations[k as usize];
        per_kpi[k as usize].push((p, aggs.map(|a| a.pick(agg))));
    }
    let kpis = grouped
        .order
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let mut def = defs
                .get(key)
                .cloned()
                .unwrap_or_else(|| KpiDef::new(names[k]));
            def.name = names[k].to_string();
            let grain = grains[k].report;
            let sheet_targets = sheet_targets(ds, key, grain, &cal, def.aggregation());
            let history = fill_history(
                &per_kpi[k],
                grain,
                &cal,
                &def,
                &sheet_targets,
                cfg,
                &mut sources,
                k as u32,
            );
            // The effective tolerance is recorded on the definition so every reader of
            // the result (notes, JSON, later rules) uses the same number.
            let tolerance = def.tolerance.unwrap_or(cfg.defaults.tolerance);
            def.tolerance = Some(tolerance);
            KpiSeries::new(def, grain, history, cfg.window, tolerance)
        })
        .collect();
    Ok(Built {
        kpis,
        as_of,
        findings,
    })
}

/// Targets sheet rows of one KPI at the report grain: per-period targets (aggregated
/// with the KPI's aggregation) and steps.
struct SheetTargets {
    per_period: BTreeMap<NaiveDate, f64>,
    steps: Vec<(NaiveDate, f64)>,
}

fn sheet_targets(
    ing: &Dataset,
    key: &str,
    grain: Grain,
    cal: &Calendar,
    agg: Aggregation,
) -> SheetTargets {
    let mut grouped: BTreeMap<NaiveDate, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    let mut steps = Vec::new();
    for t in ing.targets.iter().filter(|t| name_key(&t.kpi) == key) {
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

#[allow(clippy::too_many_arguments)]
fn fill_history(
    groups: &[(NaiveDate, [Option<f64>; 4])],
    grain: Grain,
    cal: &Calendar,
    def: &KpiDef,
    sheet: &SheetTargets,
    cfg: &Settings,
    sources: &mut HashMap<(u32, NaiveDate), Vec<SourceRef>>,
    k: u32,
) -> Vec<Point> {
    let observed: Vec<&(NaiveDate, [Option<f64>; 4])> =
        groups.iter().filter(|g| g.1[0].is_some()).collect();
    let (Some(first), Some(last)) = (observed.first(), observed.last()) else {
        return Vec::new();
    };
    let by_period: HashMap<NaiveDate, [Option<f64>; 4]> = groups.iter().copied().collect();
    let direction = def.direction();
    let tolerance = def.tolerance.unwrap_or(cfg.defaults.tolerance);
    let n = cal.ordinal(first.0, last.0, grain);
    let mut points = Vec::with_capacity(n as usize + 1);
    for i in 0..=n {
        let p = cal.step(first.0, grain, i);
        let vals = by_period.get(&p).copied().unwrap_or_default();
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
        let target_min = vals[2].or(def.target_min);
        let target_max = vals[3].or(def.target_max);
        let cmp = match (
            vals[0],
            Target::of(direction, target, target_min, target_max),
        ) {
            (Some(v), Some(t)) => attainment::compare(v, t, direction, tolerance),
            _ => attainment::Comparison::default(),
        };
        points.push(Point {
            period: p,
            value: vals[0],
            target: if direction == Direction::Range {
                None
            } else {
                target
            },
            target_min,
            target_max,
            gap: cmp.gap,
            met: cmp.met,
            status: cmp.status.unwrap_or(Status::None),
            mr: None,
            rules: Vec::new(),
            sources: sources.remove(&(k, p)).unwrap_or_default(),
        });
    }
    points
}

#[cfg(test)]
mod tests;
