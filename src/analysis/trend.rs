/*!
Trend of a KPI over its analysis window (docs/methods.md §4): is it moving, which way, and is
that good? Three estimators answer three worries: ordinary least squares gives the
familiar slope and r², Theil–Sen gives a slope one outlier cannot drag, and Mann–Kendall
gives a significance test that assumes no distribution. The direction verdict comes from
Mann–Kendall alone.

The numbers are checked against scipy (`linregress`, `theilslopes`), numpy and
pymannkendall to 1e-9 relative, so each formula follows the reference implementation,
down to the rounding where that rounding is visible in the result.
*/
use std::f64::consts::FRAC_1_SQRT_2;

use chrono::NaiveDate;
use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::function::erf::{erf, erfc};

use crate::model::kpi::Direction;

/// Fewer observed values than this and every trend statistic is null.
pub const MIN_POINTS: usize = 6;

/// Significance level of the Mann–Kendall direction verdict.
pub const ALPHA: f64 = 0.05;

/// Which way the series moves, by Mann–Kendall at α = 0.05.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendDirection {
    Up,
    Down,
    Flat,
}

impl TrendDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            TrendDirection::Up => "up",
            TrendDirection::Down => "down",
            TrendDirection::Flat => "flat",
        }
    }
}

/// Whether the movement is good news, given the KPI's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assessment {
    Improving,
    Deteriorating,
    Stable,
    Neutral,
}

impl Assessment {
    pub fn as_str(self) -> &'static str {
        match self {
            Assessment::Improving => "improving",
            Assessment::Deteriorating => "deteriorating",
            Assessment::Stable => "stable",
            Assessment::Neutral => "neutral",
        }
    }
}

/// The `trend` block of a KPI's results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trend {
    /// First period of the analysis window; filled in by the caller.
    pub window_start: Option<NaiveDate>,
    pub n: usize,
    pub ols_slope: Option<f64>,
    pub ols_intercept: Option<f64>,
    pub r2: Option<f64>,
    pub ols_p: Option<f64>,
    pub sen_slope: Option<f64>,
    pub sen_intercept: Option<f64>,
    pub mk_s: Option<f64>,
    pub mk_var_s: Option<f64>,
    pub mk_z: Option<f64>,
    pub mk_p: Option<f64>,
    pub mk_tau: Option<f64>,
    pub direction: Option<TrendDirection>,
    pub assessment: Option<Assessment>,
}

/// Mann–Kendall statistics (pymannkendall `original_test`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MkResult {
    pub s: f64,
    pub var_s: f64,
    pub z: f64,
    pub p: f64,
    pub tau: f64,
}

/// Trend statistics of one window.
///
/// `t` holds the ordinal offsets of the observed periods (a missing period still
/// advances `t`, so gaps keep their spacing); `y` the observed values, in time order.
/// With fewer than [`MIN_POINTS`] values only `n` is set.
pub fn trend(t: &[f64], y: &[f64], direction: Direction) -> Trend {
    debug_assert_eq!(t.len(), y.len(), "one t per value");
    let n = t.len().min(y.len());
    let (t, y) = (&t[..n], &y[..n]);
    if n < MIN_POINTS {
        return Trend {
            n,
            ..Trend::default()
        };
    }
    let (ols_slope, ols_intercept, r2, ols_p) = ols(t, y);
    let (sen_slope, sen_intercept) = theil_sen(t, y);
    let mk = mann_kendall(y);
    let moving = moving(mk.s, mk.p);
    Trend {
        window_start: None,
        n,
        ols_slope: Some(ols_slope),
        ols_intercept: Some(ols_intercept),
        r2,
        ols_p: Some(ols_p),
        sen_slope: Some(sen_slope),
        sen_intercept: Some(sen_intercept),
        mk_s: Some(mk.s),
        mk_var_s: Some(mk.var_s),
        mk_z: Some(mk.z),
        mk_p: Some(mk.p),
        mk_tau: Some(mk.tau),
        direction: Some(moving),
        assessment: Some(assess(moving, direction)),
    }
}

/// Trend of a seasonally adjusted window (docs/methods.md §10): the seasonal
/// Mann–Kendall test (Hirsch, Slack & Smith 1982: S and its variance summed over the
/// seasons, each season's values compared only with that season's), the seasonal Sen
/// slope (the median of the same-season pairwise slopes, per period) with its intercept
/// through the deseasonalised values `d`, and least squares of `d` on `t`.
///
/// `x` are the values, `d` the deseasonalised values, `seasons` the season of each, all
/// in time order. With fewer than [`MIN_POINTS`] values only `n` is set.
pub fn seasonal_trend(
    t: &[f64],
    x: &[f64],
    d: &[f64],
    seasons: &[usize],
    direction: Direction,
) -> Trend {
    let n = t.len().min(x.len()).min(d.len()).min(seasons.len());
    if n < MIN_POINTS {
        return Trend {
            n,
            ..Trend::default()
        };
    }
    let (ols_slope, ols_intercept, r2, ols_p) = ols(&t[..n], &d[..n]);
    let mk = seasonal_mann_kendall(&x[..n], &seasons[..n]);
    let sen = seasonal_sen(&t[..n], &x[..n], &d[..n], &seasons[..n]);
    let moving = moving(mk.s, mk.p);
    Trend {
        window_start: None,
        n,
        ols_slope: Some(ols_slope),
        ols_intercept: Some(ols_intercept),
        r2,
        ols_p: Some(ols_p),
        sen_slope: sen.map(|s| s.0),
        sen_intercept: sen.map(|s| s.1),
        mk_s: Some(mk.s),
        mk_var_s: Some(mk.var_s),
        mk_z: Some(mk.z),
        mk_p: Some(mk.p),
        mk_tau: mk.tau,
        direction: Some(moving),
        assessment: Some(assess(moving, direction)),
    }
}

/// Seasonal Mann–Kendall statistics; `tau` is `None` when no season has two values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeasonalMk {
    pub s: f64,
    pub var_s: f64,
    pub z: f64,
    pub p: f64,
    pub tau: Option<f64>,
}

/// S and var(S) summed over the seasons (ties within a season, values rounded as
/// §9 says); z with the continuity correction; var 0 gives z 0 and p 1.
pub fn seasonal_mann_kendall(x: &[f64], seasons: &[usize]) -> SeasonalMk {
    let mut keys: Vec<usize> = seasons.to_vec();
    keys.sort_unstable();
    keys.dedup();
    let (mut s, mut var_s, mut pairs) = (0.0, 0.0, 0.0);
    for key in keys {
        let values: Vec<f64> = x
            .iter()
            .zip(seasons)
            .filter(|(_, k)| **k == key)
            .map(|(v, _)| *v)
            .collect();
        let m = values.len() as f64;
        if values.len() < 2 {
            continue;
        }
        let r = mann_kendall(&values);
        s += r.s;
        var_s += r.var_s;
        pairs += m * (m - 1.0) / 2.0;
    }
    let z = continuity_z(s, var_s);
    SeasonalMk {
        s,
        var_s,
        z,
        p: if var_s <= 0.0 {
            1.0
        } else {
            normal_two_sided_p(z)
        },
        tau: (pairs > 0.0).then(|| s / pairs),
    }
}

/// Seasonal Sen line `(slope, intercept)`: slope the median over same-season pairs of
/// (x_j − x_i)/(t_j − t_i) (the season's index cancels, and the difference of two
/// values is exact where that of two deseasonalised values is rounded twice),
/// intercept median(d) − slope · median(t); `None` without a same-season pair.
pub fn seasonal_sen(t: &[f64], x: &[f64], d: &[f64], seasons: &[usize]) -> Option<(f64, f64)> {
    let n = t.len().min(x.len()).min(d.len()).min(seasons.len());
    let mut slopes = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if seasons[i] == seasons[j] && t[j] != t[i] {
                slopes.push((x[j] - x[i]) / (t[j] - t[i]));
            }
        }
    }
    if slopes.is_empty() {
        return None;
    }
    let slope = median(&slopes);
    Some((slope, median(&d[..n]) - slope * median(&t[..n])))
}

/// Which way the Mann–Kendall test (classic or seasonal) says the series moves: up or
/// down when p < α, by the sign of S.
fn moving(s: f64, p: f64) -> TrendDirection {
    if p < ALPHA && s > 0.0 {
        TrendDirection::Up
    } else if p < ALPHA && s < 0.0 {
        TrendDirection::Down
    } else {
        TrendDirection::Flat
    }
}

/// z of a Mann–Kendall S with the continuity correction; 0 when S or its variance is 0.
fn continuity_z(s: f64, var_s: f64) -> f64 {
    if var_s <= 0.0 || s == 0.0 {
        0.0
    } else if s > 0.0 {
        (s - 1.0) / var_s.sqrt()
    } else {
        (s + 1.0) / var_s.sqrt()
    }
}

/// Good news or bad: up is improving for higher-is-better, down for lower-is-better;
/// range KPIs have no better side.
pub fn assess(moving: TrendDirection, direction: Direction) -> Assessment {
    match (direction, moving) {
        (Direction::Range, _) => Assessment::Neutral,
        (_, TrendDirection::Flat) => Assessment::Stable,
        (Direction::Higher, TrendDirection::Up) | (Direction::Lower, TrendDirection::Down) => {
            Assessment::Improving
        }
        _ => Assessment::Deteriorating,
    }
}

/// Least squares of `y` on `t`: `(slope, intercept, r2, p)`, where `p` is the two-sided
/// t test of the slope with n − 2 degrees of freedom (scipy `linregress`).
///
/// All `y` equal: slope 0, intercept that value, r2 `None`, p 1. A perfect fit has
/// p 0. Degenerate inputs (fewer than 3 points, or every `t` equal) are reported like a
/// flat series: slope 0, intercept mean(y), r2 `None`, p 1.
pub fn ols(t: &[f64], y: &[f64]) -> (f64, f64, Option<f64>, f64) {
    let n = t.len().min(y.len());
    let (t, y) = (&t[..n], &y[..n]);
    if let Some(&first) = y.first() {
        if y.iter().all(|&v| v == first) {
            return (0.0, first, None, 1.0);
        }
    }
    let ym = mean(y);
    if n < 3 {
        return (0.0, ym, None, 1.0);
    }
    // Two passes: centring first keeps the sums of squares accurate when the values
    // are large relative to their spread.
    let tm = mean(t);
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (&ti, &yi) in t.iter().zip(y) {
        let (dt, dy) = (ti - tm, yi - ym);
        sxx += dt * dt;
        sxy += dt * dy;
        syy += dy * dy;
    }
    if sxx == 0.0 {
        return (0.0, ym, None, 1.0);
    }
    let slope = sxy / sxx;
    let intercept = ym - slope * tm;
    let r = (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0);
    let df = (n - 2) as f64;
    let p = if r.abs() == 1.0 {
        0.0
    } else {
        // scipy's statistic: t = r·√(df / (1 − r²)).
        let stat = r * (df / ((1.0 - r) * (1.0 + r))).sqrt();
        t_two_sided_p(stat, df)
    };
    (slope, intercept, Some(r * r), p)
}

/// Two-sided p of a t statistic with `df` degrees of freedom, 2·P(T > |t|). NaN when
/// the statistic or df is not a number — values so large that sums of squares
/// overflow give NaN statistics, and statrs panics on those rather than returning NaN.
pub fn t_two_sided_p(stat: f64, df: f64) -> f64 {
    if stat.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| 2.0 * d.sf(stat.abs()))
}

/// Theil–Sen line: `(slope, intercept)` with slope the median of the pairwise slopes
/// and intercept median(y) − slope · median(t) (scipy `theilslopes`,
/// `method='separate'`). Without two distinct `t`: slope 0, intercept median(y).
pub fn theil_sen(t: &[f64], y: &[f64]) -> (f64, f64) {
    let n = t.len().min(y.len());
    let (t, y) = (&t[..n], &y[..n]);
    let mut slopes = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    for i in 0..n {
        for j in i + 1..n {
            let dt = t[j] - t[i];
            if dt != 0.0 {
                slopes.push((y[j] - y[i]) / dt);
            }
        }
    }
    if slopes.is_empty() {
        return (0.0, median(y));
    }
    let slope = quantile_in_place(&mut slopes, 0.5);
    (slope, median(y) - slope * median(t))
}

/// Mann–Kendall test on values in time order, with the tie correction of the
/// variance (pymannkendall `original_test`).
/// Values are compared as rounded to 12 significant digits (docs/methods.md §9), so a tie in
/// the decimals the analyst typed is a tie here.
pub fn mann_kendall(y: &[f64]) -> MkResult {
    let y = &super::ties::tie_values(y);
    let n = y.len();
    let mut s: i64 = 0;
    for (i, &a) in y.iter().enumerate() {
        for &b in &y[i + 1..] {
            if b > a {
                s += 1;
            } else if b < a {
                s -= 1;
            }
        }
    }
    let mut sorted = y.clone();
    sorted.sort_by(f64::total_cmp);
    let ties: i64 = sorted
        .chunk_by(|a, b| a == b)
        .map(|g| {
            let k = g.len() as i64;
            k * (k - 1) * (2 * k + 5)
        })
        .sum();
    let nn = n as i64;
    let var_s = (nn * (nn - 1) * (2 * nn + 5) - ties) as f64 / 18.0;
    let s = s as f64;
    let z = continuity_z(s, var_s);
    let pairs = (nn * (nn - 1)) as f64 / 2.0;
    let tau = if pairs > 0.0 { s / pairs } else { 0.0 };
    MkResult {
        s,
        var_s,
        z,
        p: normal_two_sided_p(z),
        tau,
    }
}

/// 2·(1 − Φ(|z|)), evaluated as scipy's `norm.cdf` (cephes `ndtr`) and pymannkendall
/// evaluate it. For |z| beyond about 5 the rounding of Φ just below 1 dominates the
/// difference, and the reference values carry that rounding; computing the tail
/// directly would be more exact but would disagree with them by far more than 1e-9.
fn normal_two_sided_p(z: f64) -> f64 {
    let x = z.abs() * FRAC_1_SQRT_2;
    let cdf = if x < FRAC_1_SQRT_2 {
        0.5 + 0.5 * erf(x)
    } else {
        1.0 - 0.5 * erfc(x)
    };
    2.0 * (1.0 - cdf)
}

pub use crate::model::kpi::mean;

/// Median (numpy `median`: the mean of the two middle values for an even count);
/// NaN for no values.
pub fn median(v: &[f64]) -> f64 {
    quantile(v, 0.5)
}

/// Quantile `q` (0 ≤ q ≤ 1) by linear interpolation between order statistics
/// (numpy's default, Hyndman–Fan type 7). The input need not be sorted; NaN for no
/// values.
pub fn quantile(v: &[f64], q: f64) -> f64 {
    quantile_in_place(&mut v.to_vec(), q)
}

/// [`quantile`] of `s`, reordering it: the two order statistics it needs are selected
/// rather than the whole slice sorted (Theil–Sen's median of 6.6 million slopes for a
/// window of 3,650 days).
fn quantile_in_place(s: &mut [f64], q: f64) -> f64 {
    if s.is_empty() {
        return f64::NAN;
    }
    let last = s.len() - 1;
    let index = last as f64 * q;
    let lowest = |s: &[f64]| s.iter().copied().min_by(f64::total_cmp).unwrap_or(f64::NAN);
    if index <= 0.0 {
        return lowest(s);
    }
    if index >= last as f64 {
        return s.iter().copied().max_by(f64::total_cmp).unwrap_or(f64::NAN);
    }
    let below = index.floor();
    let gamma = index - below;
    // `below` is in [0, last): the checks above bound `index`. The next order
    // statistic is the least of those after the selected one.
    let lo = below as usize;
    let (_, &mut a, above) = s.select_nth_unstable_by(lo, f64::total_cmp);
    let b = lowest(above);
    if a == b {
        return a;
    }
    // numpy's lerp: from the nearer end, so gamma = 0.5 gives exactly (a + b) / 2.
    let diff = b - a;
    if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    }
}

#[cfg(test)]
mod tests;
