/*!
Seasonality (docs/methods.md §10): does a KPI rise and fall with the calendar, by how
much in each season, and — when the config asks — its values judged against their
season rather than against the whole year.

Seasons come from the report grain: the calendar month (12), the quarter's position in
the fiscal year (4) or the ISO weekday (7). Detection looks at the whole history up to
as-of: the values' least-squares line is taken out (so a growing KPI is not "seasonal"
because its later months are higher), a Kruskal–Wallis test asks whether the residuals
differ by season, and the mean residual of each season, centred so the indices add up
to zero, is that season's index in the KPI's own unit. An adjusted KPI is analysed on
its deseasonalised values d = value − index of its season.
*/
use chrono::{Datelike, NaiveDate};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::ties::tie;
use super::trend::{mean, ols};
use super::{Finding, Observed};
use crate::model::finding::FindingCode;
use crate::model::kpi::SeasonalMode;
use crate::model::period::{Calendar, Grain};

/// A pattern is seasonal when the Kruskal–Wallis p is below this.
pub const KW_ALPHA: f64 = 0.01;

/// Detection needs this many full cycles of observations…
pub const MIN_CYCLES: usize = 3;
/// …and this many observations of every season.
pub const MIN_PER_SEASON: usize = 2;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The seasons of one grain under one calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seasons {
    pub grain: Grain,
    pub calendar: Calendar,
}

impl Seasons {
    /// The seasons of `grain`; `None` for week and year grains, which have none.
    pub fn of(grain: Grain, calendar: Calendar) -> Option<Seasons> {
        matches!(grain, Grain::Day | Grain::Month | Grain::Quarter)
            .then_some(Seasons { grain, calendar })
    }

    /// L: how many seasons make a cycle.
    pub fn length(self) -> usize {
        match self.grain {
            Grain::Day => 7,
            Grain::Quarter => 4,
            _ => 12,
        }
    }

    /// The season (1-based) of the period starting `p`.
    pub fn season(self, p: NaiveDate) -> usize {
        match self.grain {
            Grain::Day => p.weekday().number_from_monday() as usize,
            Grain::Quarter => {
                let from_start = (i64::from(p.month())
                    - i64::from(self.calendar.fiscal_year_start))
                .rem_euclid(12);
                (from_start / 3) as usize + 1
            }
            _ => p.month() as usize,
        }
    }

    /// "Jan"…"Dec", "Q1"…"Q4" (the fiscal position), "Mon"…"Sun".
    pub fn label(self, season: usize) -> String {
        let i = season.saturating_sub(1);
        match self.grain {
            Grain::Day => WEEKDAYS.get(i).copied().unwrap_or("?").to_string(),
            Grain::Quarter => format!("Q{season}"),
            _ => MONTHS.get(i).copied().unwrap_or("?").to_string(),
        }
    }
}

/// The `seasonality` block of one KPI.
#[derive(Debug, Clone, PartialEq)]
pub struct Seasonality {
    pub seasons: Seasons,
    /// Observations of the history the detection looked at.
    pub n: usize,
    pub kw_h: Option<f64>,
    pub kw_p: Option<f64>,
    /// `kw_p < 0.01`; `None` when there is too little history to tell.
    pub seasonal: Option<bool>,
    pub amplitude: Option<f64>,
    /// Index of season s at `s − 1`, in the KPI's unit, summing to 0; `None` when there
    /// is too little history.
    pub indices: Option<Vec<f64>>,
    /// Whether the KPI is judged against its season in this report.
    pub adjusted: bool,
}

impl Seasonality {
    pub fn length(&self) -> usize {
        self.seasons.length()
    }

    /// The index of the season of period `p` (0 without indices).
    pub fn index_at(&self, p: NaiveDate) -> f64 {
        self.index_at_season(self.seasons.season(p))
    }

    /// The index of season `season` (1-based; 0 without indices).
    pub fn index_at_season(&self, season: usize) -> f64 {
        self.indices
            .as_ref()
            .and_then(|ix| ix.get(season.wrapping_sub(1)).copied())
            .unwrap_or(0.0)
    }

    /// The deseasonalising index of `p` when the KPI is adjusted, else `None`.
    pub fn adjustment(&self, p: NaiveDate) -> Option<f64> {
        self.adjusted.then(|| self.index_at(p))
    }

    /// The seasons with the highest and lowest index, `(peak, trough)`.
    pub fn peak_trough(&self) -> Option<(usize, usize)> {
        let ix = self.indices.as_ref()?;
        let by = |better: fn(f64, f64) -> bool| {
            let mut at = 0;
            for (i, v) in ix.iter().enumerate() {
                if better(*v, ix[at]) {
                    at = i;
                }
            }
            at + 1
        };
        Some((by(|a, b| a > b), by(|a, b| a < b)))
    }
}

/// Detection on a KPI's whole history (its periods with a value up to as-of, in order;
/// t is the period ordinal from the first). `None` for grains without seasons.
/// `adjusted` is decided from `mode`: `On` adjusts whenever there are indices, `Auto`
/// only a significant pattern.
pub fn detect(history: &[Observed], seasons: Seasons, mode: SeasonalMode) -> Seasonality {
    let first = history.first().map_or(NaiveDate::MIN, |p| p.period);
    let obs: Vec<(f64, usize, f64)> = history
        .iter()
        .map(|p| {
            let t = seasons.calendar.ordinal(first, p.period, seasons.grain);
            (t as f64, seasons.season(p.period), p.value)
        })
        .collect();
    let length = seasons.length();
    let mut out = Seasonality {
        seasons,
        n: obs.len(),
        kw_h: None,
        kw_p: None,
        seasonal: None,
        amplitude: None,
        indices: None,
        adjusted: false,
    };
    let mut counts = vec![0usize; length];
    for (_, s, _) in &obs {
        if let Some(c) = counts.get_mut(s.wrapping_sub(1)) {
            *c += 1;
        }
    }
    if obs.len() < MIN_CYCLES * length || counts.iter().any(|&c| c < MIN_PER_SEASON) {
        return out;
    }
    let t: Vec<f64> = obs.iter().map(|o| o.0).collect();
    let x: Vec<f64> = obs.iter().map(|o| o.2).collect();
    let (b, a, _, _) = ols(&t, &x);
    let residuals: Vec<f64> = t.iter().zip(&x).map(|(t, x)| x - (a + b * t)).collect();
    let groups: Vec<usize> = obs.iter().map(|o| o.1).collect();
    if let Some((h, p)) = kruskal_wallis(&residuals, &groups, length) {
        out.kw_h = Some(h);
        out.kw_p = Some(p);
        out.seasonal = Some(p < KW_ALPHA);
    } else {
        out.seasonal = Some(false);
    }
    let mut sums = vec![0.0; length];
    for (r, s) in residuals.iter().zip(&groups) {
        if let Some(sum) = sums.get_mut(s.wrapping_sub(1)) {
            *sum += r;
        }
    }
    let raw: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(sum, c)| sum / *c as f64)
        .collect();
    let centre = mean(&raw);
    let indices: Vec<f64> = raw.iter().map(|r| r - centre).collect();
    let (lo, hi) = indices
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    out.amplitude = Some(hi - lo);
    out.indices = Some(indices);
    out.adjusted = match mode {
        SeasonalMode::Off => false,
        SeasonalMode::On => true,
        SeasonalMode::Auto => out.seasonal == Some(true),
    };
    out
}

/// The seasonality findings of one KPI: `too_few_points_for_seasonality` (warning) when
/// `seasonal = true` cannot be honoured, `seasonal_pattern` (info) when a significant
/// pattern is left unadjusted.
pub fn findings(
    kpi: &str,
    mode: SeasonalMode,
    grain: Grain,
    found: Option<&Seasonality>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    match found {
        None if mode == SeasonalMode::On => out.push(
            Finding::warning(
                FindingCode::TooFewPointsForSeasonality,
                format!(
                    "seasonal = true, but a {grain} series has no seasons (months, quarters and days have): judged without seasonal adjustment"
                ),
            )
            .kpi(kpi),
        ),
        Some(x) if mode == SeasonalMode::On && x.indices.is_none() => {
            let length = x.length();
            out.push(
                Finding::warning(
                    FindingCode::TooFewPointsForSeasonality,
                    format!(
                        "seasonal = true, but the history has {} observations: seasonal adjustment needs at least {} ({MIN_CYCLES} full cycles of {length} seasons) with {MIN_PER_SEASON} of every season; judged without seasonal adjustment",
                        x.n,
                        MIN_CYCLES * length
                    ),
                )
                .kpi(kpi),
            );
        }
        Some(x) if x.seasonal == Some(true) && !x.adjusted => {
            if let Some(text) = pattern_words(x) {
                out.push(
                    Finding::info(
                        FindingCode::SeasonalPattern,
                        format!("{text}; set seasonal = true for this KPI to judge it against its season"),
                    )
                    .kpi(kpi),
                );
            }
        }
        _ => {}
    }
    out
}

/// "values follow a seasonal pattern: highest in Dec, lowest in Feb (Kruskal–Wallis
/// p < 0.0001)", or `None` without indices and a p.
pub fn pattern_words(x: &Seasonality) -> Option<String> {
    let (peak, trough) = x.peak_trough()?;
    let p = x.kw_p?;
    Some(format!(
        "values follow a seasonal pattern: highest in {}, lowest in {} (Kruskal–Wallis {})",
        x.seasons.label(peak),
        x.seasons.label(trough),
        p_words(p)
    ))
}

/// A p value for a sentence: "p = 0.03", "p = 0.0021", "p < 0.0001".
pub fn p_words(p: f64) -> String {
    if p < 1e-4 {
        return "p < 0.0001".to_string();
    }
    let text = if p < 0.01 {
        format!("{p:.4}")
    } else {
        format!("{p:.2}")
    };
    format!("p = {}", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Kruskal–Wallis H of `values` grouped by season (1..=length), with the tie
/// correction and average ranks of `scipy.stats.kruskal`, on the values rounded to 12
/// significant digits (docs/methods.md §9), and its χ² p with length − 1 degrees of
/// freedom. `None` when every value is equal (H is undefined).
pub fn kruskal_wallis(values: &[f64], groups: &[usize], length: usize) -> Option<(f64, f64)> {
    let n = values.len();
    // Sorted as they are: rounding never reverses two values, so values that round
    // equal sit side by side, and [`tie`] rounds only such near neighbours.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let mut ranks = vec![0.0; n];
    let mut tie_sum = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && tie(values[order[j - 1]], values[order[j]]) {
            j += 1;
        }
        // Positions i..j (0-based) share the average rank (i + 1 + j) / 2.
        let rank = (i + 1 + j) as f64 / 2.0;
        for &k in &order[i..j] {
            ranks[k] = rank;
        }
        let k = (j - i) as f64;
        tie_sum += k * k * k - k;
        i = j;
    }
    let nf = n as f64;
    let correction = 1.0 - tie_sum / (nf * nf * nf - nf);
    if n < 2 || correction <= 0.0 {
        return None;
    }
    let mut rank_sums = vec![0.0; length];
    let mut sizes = vec![0usize; length];
    for (r, g) in ranks.iter().zip(groups) {
        // Seasons outside 1..=length cannot occur (`Seasons::season`); ignore them.
        let at = g.wrapping_sub(1);
        if let (Some(sum), Some(size)) = (rank_sums.get_mut(at), sizes.get_mut(at)) {
            *sum += r;
            *size += 1;
        }
    }
    let between: f64 = rank_sums
        .iter()
        .zip(&sizes)
        .filter(|(_, c)| **c > 0)
        .map(|(r, c)| r * r / *c as f64)
        .sum();
    let h = (12.0 / (nf * (nf + 1.0)) * between - 3.0 * (nf + 1.0)) / correction;
    let df = sizes.iter().filter(|c| **c > 0).count().saturating_sub(1) as f64;
    let p = ChiSquared::new(df).map_or(f64::NAN, |d| d.sf(h));
    Some((h, p))
}

#[cfg(test)]
mod tests;
