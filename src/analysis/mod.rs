/*!
Analysis: pure functions from tidy series to `Results`. Nothing here reads files or
writes cells; every number a sheet shows is computed here and so also appears in the
JSON. Each statistic family has its own module (docs/methods.md section in brackets):
series building and latest values [§1, §5], trend [§3], XmR process behaviour [§4].
*/
pub mod attainment;
pub mod change;
pub mod changes;
pub mod health;
pub mod leadlag;
pub mod process;
pub mod quality;
pub mod seasonality;
pub mod series;
pub mod spc;
pub mod targets;
pub mod ties;
pub mod trend;

use chrono::NaiveDate;

pub use crate::model::dataset::{InputInfo, LayoutInfo};
pub use crate::model::finding::{Finding, Severity};
use crate::model::kpi::{KpiDef, SeasonalMode, Transform};
use crate::model::period::{Calendar, Grain};
use rayon::prelude::*;

use crate::model::series::Provenance;

/// Red/amber/green status of one period against its target (docs/methods.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Green,
    Amber,
    Red,
    None,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Green => "green",
            Status::Amber => "amber",
            Status::Red => "red",
            Status::None => "none",
        }
    }
}

/// One period of a KPI's analysis window.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub period: NaiveDate,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub target_min: Option<f64>,
    pub target_max: Option<f64>,
    /// Value − target; outside a band, the distance to the nearer edge (docs/methods.md §3).
    pub gap: Option<f64>,
    pub met: Option<bool>,
    pub status: Status,
    pub mr: Option<f64>,
    pub rules: Vec<spc::Rule>,
    /// For a seasonally adjusted KPI's observed periods: the season index and the
    /// limits on the value's own scale (docs/methods.md §10).
    pub seasonal: Option<SeasonalLimits>,
    /// Input rows that produced this value (not in the JSON).
    pub sources: Provenance,
}

/// A period of a KPI's history that has a value, with the target it was judged
/// against (YTD compares like with like): all YTD, year-over-year, seasonality and
/// lead-lag read of the history, in an eighth of a [`Point`]'s size — a daily KPI over
/// thirty years has 10,000 of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observed {
    pub period: NaiveDate,
    pub value: f64,
    pub target: Option<f64>,
}

impl Observed {
    /// The observed part of a series point, if it has a value.
    pub fn of(p: &Point) -> Option<Observed> {
        p.value.map(|value| Observed {
            period: p.period,
            value,
            target: p.target,
        })
    }
}

/// An adjusted KPI's point against its season: the season's index and the segment's
/// limits plus that index (the bounds clamping the natural process limits); the limits
/// are `None` where the segment has none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeasonalLimits {
    pub index: f64,
    pub cl: Option<f64>,
    pub unpl: Option<f64>,
    pub lnpl: Option<f64>,
}

/// The latest observed period with its target comparison.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Latest {
    pub period: Option<NaiveDate>,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub target_min: Option<f64>,
    pub target_max: Option<f64>,
    pub gap: Option<f64>,
    pub gap_pct: Option<f64>,
    pub attainment: Option<f64>,
    pub met: Option<bool>,
    pub status: Option<Status>,
}

impl Latest {
    /// Does the latest period have a target: a value, or a full band for range KPIs?
    pub fn has_target(&self) -> bool {
        self.target.is_some() || (self.target_min.is_some() && self.target_max.is_some())
    }
}

/// Everything computed for one KPI.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiResult {
    /// The merged definition (config, then definitions sheet, then data columns).
    pub def: KpiDef,
    /// Report grain of the series.
    pub grain: Grain,
    /// Observed values up to as-of (all history, not only the window).
    pub n: usize,
    pub first_period: Option<NaiveDate>,
    pub last_period: Option<NaiveDate>,
    pub latest: Latest,
    /// Every period of the analysis window, in order; missing periods have no value.
    pub series: Vec<Point>,
    /// Every period up to as-of that has a value (before the window too), in order:
    /// YTD, YoY, seasonality and lead-lag use them.
    pub history: Vec<Observed>,
    pub change: change::Change,
    pub attainment: attainment::Summary,
    pub trend: trend::Trend,
    pub spc: process::Spc,
    pub forecast: targets::Forecast,
    pub targets: targets::Suggestions,
    pub health: health::Health,
    /// Seasonal pattern of the history (docs/methods.md §10); `None` for week and year
    /// grains.
    pub seasonality: Option<seasonality::Seasonality>,
}

impl KpiResult {
    /// What the forecast and the suggestions look at.
    pub fn judged(&self) -> Judged<'_> {
        Judged {
            def: &self.def,
            grain: self.grain,
            latest: &self.latest,
            series: &self.series,
            trend: &self.trend,
            spc: &self.spc,
            attainment: &self.attainment,
            season: self.seasonality.as_ref().filter(|s| s.adjusted),
        }
    }

    /// Is the KPI judged against its season in this report?
    pub fn adjusted(&self) -> bool {
        self.seasonality.as_ref().is_some_and(|s| s.adjusted)
    }
}

/// One KPI's series with the trend, process behaviour and attainment judged: what the
/// forecast and the suggested targets are computed from.
#[derive(Debug, Clone, Copy)]
pub struct Judged<'a> {
    pub def: &'a KpiDef,
    pub grain: Grain,
    pub latest: &'a Latest,
    pub series: &'a [Point],
    pub trend: &'a trend::Trend,
    pub spc: &'a process::Spc,
    pub attainment: &'a attainment::Summary,
    /// The seasonal pattern when the KPI is adjusted for it.
    pub season: Option<&'a seasonality::Seasonality>,
}

impl Judged<'_> {
    /// The value a statistic on the deseasonalised scale uses: the value minus its
    /// season's index when the KPI is adjusted, else the value.
    pub fn judged_value(&self, p: &Point) -> Option<f64> {
        let index = self.season.map_or(0.0, |s| s.index_at(p.period));
        p.value.map(|v| v - index)
    }

    /// The season index of period `p` when the KPI is adjusted, else 0.
    pub fn season_index(&self, p: NaiveDate) -> f64 {
        self.season.map_or(0.0, |s| s.index_at(p))
    }
}

/// Defaults for per-KPI settings, from `[report]` then the built-ins (a KPI's own key
/// wins over these).
#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    pub tolerance: f64,
    pub max_lag: Option<u32>,
    pub transform: Transform,
    pub min_pairs: u32,
    pub run_length: Option<u32>,
    /// `[report] seasonal` (docs/methods.md §10).
    pub seasonal: SeasonalMode,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            tolerance: 0.05,
            max_lag: None,
            transform: Transform::Diff,
            min_pairs: 8,
            run_length: None,
            seasonal: SeasonalMode::Off,
        }
    }
}

/// How to analyse: the run's parameters and the configured KPI definitions.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `None` for `--period auto` (each KPI keeps its own grain).
    pub period: Option<Grain>,
    pub window: usize,
    pub rules: spc::Rules,
    pub calendar: Calendar,
    /// `None`: the latest date that has a value.
    pub as_of: Option<NaiveDate>,
    pub defaults: Defaults,
    /// KPI definitions from the config (they win over definitions sheets and data).
    pub kpis: Vec<KpiDef>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            period: None,
            window: 24,
            rules: spc::Rules::Wheeler,
            calendar: Calendar::default(),
            as_of: None,
            defaults: Defaults::default(),
            kpis: Vec::new(),
        }
    }
}

/// The whole analysis of one run.
#[derive(Debug, Clone)]
pub struct Results {
    pub as_of: NaiveDate,
    pub rules: spc::Rules,
    /// `None` for `--period auto`.
    pub period: Option<Grain>,
    pub window: usize,
    pub fiscal_year_start: u32,
    pub inputs: Vec<InputInfo>,
    pub layouts: Vec<LayoutInfo>,
    pub kpis: Vec<KpiResult>,
    pub correlations: Vec<leadlag::Correlation>,
    pub findings: Vec<Finding>,
    /// The run's defaults for per-KPI settings (tolerance, lead-lag), for the Method sheet.
    pub defaults: Defaults,
    /// What changed since the earlier run (`--previous`); `None` without it.
    pub changes: Option<changes::Changes>,
}

impl Results {
    pub fn count_findings(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// One KPI, every block computed from its series: change, attainment, trend and
/// process behaviour, then the forecast and suggested targets. Health looks across
/// KPIs (owners) and lead-lag pairs, so [`analyse`] fills it in once all are done.
pub fn analyse_kpi(s: series::KpiSeries, cfg: &Settings) -> (KpiResult, Vec<Finding>) {
    let change = change::change(
        &s.history,
        s.grain,
        &cfg.calendar,
        s.def.aggregation(),
        s.def.direction(),
    );
    let attainment = attainment::summarise(&s.series);
    let mode = s.def.seasonal.unwrap_or(cfg.defaults.seasonal);
    let seasonality = seasonality::Seasons::of(s.grain, cfg.calendar)
        .map(|seasons| seasonality::detect(&s.history, seasons, mode));
    let season_findings = seasonality::findings(&s.def.name, mode, s.grain, seasonality.as_ref());
    let adjusted = seasonality.as_ref().filter(|x| x.adjusted);
    let process = process::analyse(&s, cfg.rules, &cfg.defaults, &cfg.calendar, adjusted);
    let series = process.mark(s.series);
    let judged = Judged {
        def: &s.def,
        grain: s.grain,
        latest: &s.latest,
        series: &series,
        trend: &process.trend,
        spc: &process.spc,
        attainment: &attainment,
        season: adjusted,
    };
    let forecast = targets::forecast(&judged, &cfg.calendar);
    let suggestions = targets::suggest(&judged, &forecast, &cfg.calendar);
    let mut findings = process.findings;
    findings.extend(season_findings);
    let result = KpiResult {
        def: s.def,
        grain: s.grain,
        n: s.n,
        first_period: s.first_period,
        last_period: s.last_period,
        latest: s.latest,
        series,
        history: s.history,
        change,
        attainment,
        trend: process.trend,
        spc: process.spc,
        forecast,
        targets: suggestions,
        health: health::Health::default(),
        seasonality,
    };
    (result, findings)
}

/// Analyse everything that was read.
pub fn analyse(
    ingested: crate::model::dataset::Dataset,
    cfg: &Settings,
) -> crate::error::Result<Results> {
    let mut built = series::build(&ingested, cfg)?;
    let crate::model::dataset::Dataset {
        observations,
        findings: read_findings,
        inputs,
        layouts,
        ..
    } = ingested;
    // The observations are in the series now: free them before the analysis.
    drop(observations);
    // Each KPI on its own, in parallel; results and findings in the KPIs' order.
    let analysed: Vec<(KpiResult, Vec<Finding>)> = std::mem::take(&mut built.kpis)
        .into_par_iter()
        .map(|s| analyse_kpi(s, cfg))
        .collect();
    let mut kpis = Vec::with_capacity(analysed.len());
    for (k, notes) in analysed {
        built.findings.extend(notes);
        kpis.push(k);
    }
    let (correlations, pair_findings) = leadlag::analyse(&kpis, &cfg.calendar, &cfg.defaults);
    built.findings.extend(pair_findings);
    let predictive = Some(leadlag::predictive(&correlations));
    health::assess_all(&mut kpis, built.as_of, &cfg.calendar, &predictive);
    let mut findings = read_findings;
    findings.extend(built.findings);
    let defs: Vec<&KpiDef> = kpis.iter().map(|k| &k.def).collect();
    findings.extend(quality::long_text(&defs));
    Ok(Results {
        as_of: built.as_of,
        rules: cfg.rules,
        period: cfg.period,
        window: cfg.window,
        fiscal_year_start: cfg.calendar.fiscal_year_start,
        inputs,
        layouts,
        kpis,
        correlations,
        findings,
        defaults: cfg.defaults.clone(),
        changes: None,
    })
}
