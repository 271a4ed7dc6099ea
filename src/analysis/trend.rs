/*!
Trend tests on a KPI's window (methods.md §3): ordinary least squares of value on the
period ordinal `t` (gaps keep their spacing), the Theil–Sen slope (scipy `theilslopes`,
`method='separate'`), and the Mann–Kendall test with tie correction (pymannkendall
`original_test`) on the observed values in time order. Fewer than 6 observations give
no trend: only `n` is reported.
*/
use chrono::NaiveDate;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use crate::model::kpi::Direction;

/// Minimum number of observations for a trend.
pub const MIN_POINTS: usize = 6;
/// Significance level of the trend direction.
pub const ALPHA: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TrendDirection {
    Up,
    Down,
    Flat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Assessment {
    Improving,
    Deteriorating,
    Stable,
    Neutral,
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

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Trend {
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

/// Trend of observed values `y` at ordinals `t` (same length, time order).
pub fn trend(t: &[f64], y: &[f64], direction: Direction) -> Trend {
    let n = y.len().min(t.len());
    let mut out = Trend {
        n,
        ..Trend::default()
    };
    if n < MIN_POINTS {
        return out;
    }
    let (t, y) = (&t[..n], &y[..n]);
    let o = ols(t, y);
    out.ols_slope = Some(o.slope);
    out.ols_intercept = Some(o.intercept);
    out.r2 = o.r2;
    out.ols_p = Some(o.p);
    let (sen, sen_int) = theil_sen(t, y);
    out.sen_slope = Some(sen);
    out.sen_intercept = Some(sen_int);
    let mk = mann_kendall(y);
    out.mk_s = Some(mk.s);
    out.mk_var_s = Some(mk.var_s);
    out.mk_z = Some(mk.z);
    out.mk_p = Some(mk.p);
    out.mk_tau = Some(mk.tau);
    let dir = if mk.p < ALPHA && mk.s > 0.0 {
        TrendDirection::Up
    } else if mk.p < ALPHA && mk.s < 0.0 {
        TrendDirection::Down
    } else {
        TrendDirection::Flat
    };
    out.direction = Some(dir);
    out.assessment = Some(match (direction, dir) {
        (Direction::Range, _) => Assessment::Neutral,
        (_, TrendDirection::Flat) => Assessment::Stable,
        (Direction::Higher, TrendDirection::Up) | (Direction::Lower, TrendDirection::Down) => {
            Assessment::Improving
        }
        _ => Assessment::Deteriorating,
    });
    out
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ols {
    pub slope: f64,
    pub intercept: f64,
    pub r2: Option<f64>,
    pub p: f64,
}

/// Least squares of `y` on `t` with the two-sided t-test p of the slope (n − 2 df), as
/// scipy's `linregress`. Constant `y`: slope 0, r² undefined, p 1.
pub fn ols(t: &[f64], y: &[f64]) -> Ols {
    let n = y.len() as f64;
    let (mt, my) = (mean(t), mean(y));
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (&ti, &yi) in t.iter().zip(y) {
        let (dt, dy) = (ti - mt, yi - my);
        sxx += dt * dt;
        syy += dy * dy;
        sxy += dt * dy;
    }
    if syy == 0.0 || sxx == 0.0 {
        return Ols {
            slope: 0.0,
            intercept: my,
            r2: None,
            p: 1.0,
        };
    }
    let slope = sxy / sxx;
    let r = (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0);
    let df = n - 2.0;
    let p = if r.abs() >= 1.0 {
        0.0
    } else {
        let tstat = r * (df / ((1.0 - r) * (1.0 + r))).sqrt();
        StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| 2.0 * d.sf(tstat.abs()))
    };
    Ols {
        slope,
        intercept: my - slope * mt,
        r2: Some(r * r),
        p,
    }
}

/// Median with linear interpolation (numpy).
pub fn median(v: &[f64]) -> f64 {
    quantile(v, 0.5)
}

/// Quantile with linear interpolation between order statistics (numpy default,
/// Hyndman–Fan type 7). NaN for an empty slice.
pub fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let h = (s.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    s[lo] + (h - lo as f64) * (s[hi] - s[lo])
}

/// Theil–Sen slope (median of pairwise slopes) and intercept median(y) − slope·median(t).
pub fn theil_sen(t: &[f64], y: &[f64]) -> (f64, f64) {
    let n = y.len();
    let mut slopes = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n {
        for j in i + 1..n {
            let dt = t[j] - t[i];
            if dt != 0.0 {
                slopes.push((y[j] - y[i]) / dt);
            }
        }
    }
    let slope = if slopes.is_empty() { 0.0 } else { median(&slopes) };
    (slope, median(y) - slope * median(t))
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannKendall {
    pub s: f64,
    pub var_s: f64,
    pub z: f64,
    pub p: f64,
    pub tau: f64,
}

/// Mann–Kendall trend test with the tie-corrected variance.
pub fn mann_kendall(y: &[f64]) -> MannKendall {
    let n = y.len();
    let mut s: i64 = 0;
    for i in 0..n {
        for j in i + 1..n {
            s += match y[j].partial_cmp(&y[i]) {
                Some(std::cmp::Ordering::Greater) => 1,
                Some(std::cmp::Ordering::Less) => -1,
                _ => 0,
            };
        }
    }
    let mut sorted = y.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut ties = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j] == sorted[i] {
            j += 1;
        }
        let tp = (j - i) as f64;
        ties += tp * (tp - 1.0) * (2.0 * tp + 5.0);
        i = j;
    }
    let nf = n as f64;
    let var_s = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
    let s = s as f64;
    let z = if s > 0.0 && var_s > 0.0 {
        (s - 1.0) / var_s.sqrt()
    } else if s < 0.0 && var_s > 0.0 {
        (s + 1.0) / var_s.sqrt()
    } else {
        0.0
    };
    let p = Normal::new(0.0, 1.0).map_or(f64::NAN, |nd| 2.0 * (1.0 - nd.cdf(z.abs())));
    MannKendall {
        s,
        var_s,
        z,
        p,
        tau: s / (0.5 * nf * (nf - 1.0)),
    }
}

#[cfg(test)]
#[path = "trend_tests.rs"]
mod tests;
