/*!
Leading versus lagging (docs/methods.md §7): does a change in one KPI come before a change in
another? Each pair is aligned at the coarser of the two grains, transformed (changes by
default, so two trending series do not look related just because both trend), and
correlated at lags 0…max_lag. The best lag's p-value is Bonferroni-adjusted for the
lags tried, and Benjamini–Hochberg q-values control the false discoveries across pairs.
Uses the whole history up to as-of, not only the window.
*/
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::trend::mean;
use super::Defaults;
use super::{Finding, KpiResult};
use crate::model::finding::FindingCode;
use crate::model::kpi::{name_key, Aggregation, Transform};
use crate::model::period::{Calendar, Grain};

/// Pairs are tested all-against-all only up to this many KPIs.
pub const MAX_ALL_PAIRS_KPIS: usize = 40;
pub const ALPHA: f64 = 0.05;

#[derive(Debug, Clone, PartialEq)]
pub struct LagR {
    pub lag: u32,
    pub r: Option<f64>,
    pub n: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    pub leading: String,
    pub lagging: String,
    pub grain: Grain,
    pub transform: Transform,
    pub best_lag: Option<u32>,
    pub r: Option<f64>,
    pub n: Option<usize>,
    pub p: Option<f64>,
    pub p_lag_adj: Option<f64>,
    pub q: Option<f64>,
    pub spearman: Option<f64>,
    pub strength: Option<&'static str>,
    pub significant: bool,
    pub r_by_lag: Vec<LagR>,
    pub note: Option<String>,
    /// Declared in the config (rather than found by testing all pairs).
    pub declared: bool,
}

/// A KPI's history as a map period → value at grain `g` (re-aggregated when coarser).
fn aligned(k: &KpiResult, g: Grain, cal: &Calendar) -> BTreeMap<NaiveDate, f64> {
    let mut groups: BTreeMap<NaiveDate, Vec<f64>> = BTreeMap::new();
    for p in &k.history {
        groups
            .entry(cal.period_start(p.period, g))
            .or_default()
            .push(p.value);
    }
    let agg: Aggregation = k.def.aggregation();
    groups
        .into_iter()
        .filter_map(|(p, v)| agg.apply(&v).map(|x| (p, x)))
        .collect()
}

/// Apply the transform; the result is keyed by period like the input.
fn transform(
    series: &BTreeMap<NaiveDate, f64>,
    how: Transform,
    g: Grain,
    cal: &Calendar,
) -> BTreeMap<NaiveDate, f64> {
    match how {
        Transform::Levels => series.clone(),
        Transform::Detrend => {
            let Some(first) = series.keys().next().copied() else {
                return BTreeMap::new();
            };
            let t: Vec<f64> = series
                .keys()
                .map(|p| cal.ordinal(first, *p, g) as f64)
                .collect();
            let y: Vec<f64> = series.values().copied().collect();
            if y.len() < 2 {
                return BTreeMap::new();
            }
            let o = super::trend::ols(&t, &y);
            series
                .keys()
                .zip(t.iter().zip(&y))
                .map(|(p, (t, y))| (*p, y - (o.1 + o.0 * t)))
                .collect()
        }
        Transform::Diff => differences(series, |p| cal.step(p, g, -1)),
        // One cycle of seasons back (docs/methods.md §10): 12 months, 4 quarters, 7
        // days, 52 weeks; a year has no seasons, so it is the plain difference.
        Transform::SeasonalDiff => {
            let back = match g {
                Grain::Month => 12,
                Grain::Quarter => 4,
                Grain::Day => 7,
                Grain::Week => 52,
                Grain::Year => 1,
            };
            differences(series, |p| cal.step(p, g, -back))
        }
    }
}

/// x_t − x_prev(t) where both periods are observed.
fn differences(
    series: &BTreeMap<NaiveDate, f64>,
    prev: impl Fn(NaiveDate) -> NaiveDate,
) -> BTreeMap<NaiveDate, f64> {
    series
        .iter()
        .filter_map(|(p, v)| series.get(&prev(*p)).map(|pv| (*p, v - pv)))
        .collect()
}

/// Relative difference of |r| below which two lags count as tied (rounding, not data).
const TIE: f64 = 1e-12;

/// Pearson r, or None when a side is constant. Constancy is checked on the values
/// themselves: the spread about a float mean of equal values need not be exactly 0.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let constant = |v: &[f64]| v.iter().all(|a| *a == v[0]);
    if x.is_empty() || constant(x) || constant(y) {
        return None;
    }
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Two-sided p of r with n − 2 degrees of freedom; |r| = 1 gives 0.
pub fn pearson_p(r: f64, n: usize) -> f64 {
    if r.abs() >= 1.0 {
        return 0.0;
    }
    let df = n as f64 - 2.0;
    let t = r * (df / (1.0 - r * r)).sqrt();
    super::trend::t_two_sided_p(t, df)
}

/// Ranks with ties averaged (1-based) of values already rounded for comparison (to 12
/// significant digits, docs/methods.md §9).
fn ranks_of_tied(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut out = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            out[k] = avg;
        }
        i = j + 1;
    }
    out
}

/// Benjamini–Hochberg q-values (statsmodels `fdr_bh`), in the input order.
pub fn bh(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut q = vec![0.0; m];
    let mut running = 1.0f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        running = running.min(p[i] * m as f64 / (rank + 1) as f64);
        q[i] = running.min(1.0);
    }
    q
}

pub fn strength(r: f64) -> &'static str {
    match r.abs() {
        a if a >= 0.7 => "strong",
        a if a >= 0.4 => "moderate",
        a if a >= 0.2 => "weak",
        _ => "negligible",
    }
}

/// Settings of one pair, from the leading KPI, then `[report]`, then the defaults.
struct PairSettings {
    max_lag: u32,
    transform: Transform,
    min_pairs: usize,
}

fn settings(lead: &KpiResult, grain: Grain, d: &Defaults) -> PairSettings {
    PairSettings {
        max_lag: lead
            .def
            .max_lag
            .or(d.max_lag)
            .unwrap_or_else(|| grain.default_max_lag()),
        transform: lead.def.transform.unwrap_or(d.transform),
        min_pairs: lead.def.min_pairs.unwrap_or(d.min_pairs) as usize,
    }
}

/// A KPI's series as its pairs use it: aligned to the pair's grain and transformed, in
/// period order, each value with its period's ordinal (so lag k pairs ordinal t with
/// t + k) and its twin rounded for comparison (Spearman's ties, §9) — rounded once for
/// all the pairs and lags it takes part in.
type Prepared = Vec<(i64, f64, f64)>;

/// Which preparation of a KPI a pair needs: the KPI, the pair's grain, the transform.
type PrepKey = (usize, Grain, Transform);

fn prepared(k: &KpiResult, grain: Grain, how: Transform, cal: &Calendar) -> Prepared {
    // Any fixed day serves as the origin of the ordinals: periods of one grain are
    // whole periods apart. (1970-01-05 is a Monday, as weeks start.)
    let origin = NaiveDate::from_ymd_opt(1970, 1, 5).unwrap_or_default();
    transform(&aligned(k, grain, cal), how, grain, cal)
        .into_iter()
        .map(|(p, v)| (cal.ordinal(origin, p, grain), v, super::ties::tie_value(v)))
        .collect()
}

/// The best lag so far: lag, r, n and the paired values rounded for comparison (for
/// Spearman).
struct Best {
    lag: u32,
    r: f64,
    n: usize,
    x: Vec<f64>,
    y: Vec<f64>,
}

/// One pair, before the q-values: `a` and `b` are the leading and lagging KPIs' series
/// prepared at `grain` with the pair's transform.
fn pair(
    (lead, lag): (&KpiResult, &KpiResult),
    (a, b): (&Prepared, &Prepared),
    grain: Grain,
    s: &PairSettings,
) -> Correlation {
    let mut r_by_lag = Vec::new();
    let mut best: Option<Best> = None;
    let mut evaluated = 0usize;
    for k in 0..=s.max_lag {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        let (mut x_tied, mut y_tied) = (Vec::new(), Vec::new());
        // Both in period order: walk them together.
        let mut later = b.iter().peekable();
        for &(t, v, v_tied) in a {
            let want = t + i64::from(k);
            while later.next_if(|w| w.0 < want).is_some() {}
            if let Some(&&(_, w, w_tied)) = later.peek().filter(|w| w.0 == want) {
                x.push(v);
                y.push(w);
                x_tied.push(v_tied);
                y_tied.push(w_tied);
            }
        }
        let n = x.len();
        let r = if n >= s.min_pairs.max(3) {
            pearson(&x, &y)
        } else {
            None
        };
        r_by_lag.push(LagR { lag: k, r, n });
        if let Some(r) = r {
            evaluated += 1;
            // Ties go to the smaller lag; |r| equal in exact arithmetic can differ in
            // the last bits, so "greater" means greater by more than rounding.
            if best
                .as_ref()
                .is_none_or(|b| r.abs() > b.r.abs() * (1.0 + TIE))
            {
                best = Some(Best {
                    lag: k,
                    r,
                    n,
                    x: x_tied,
                    y: y_tied,
                });
            }
        }
    }
    let mut c = Correlation {
        leading: lead.def.name.clone(),
        lagging: lag.def.name.clone(),
        grain,
        transform: s.transform,
        best_lag: None,
        r: None,
        n: None,
        p: None,
        p_lag_adj: None,
        q: None,
        spearman: None,
        strength: None,
        significant: false,
        r_by_lag,
        note: None,
        declared: false,
    };
    match best {
        Some(Best { lag: k, r, n, x, y }) => {
            let p = pearson_p(r, n);
            c.best_lag = Some(k);
            c.r = Some(r);
            c.n = Some(n);
            c.p = Some(p);
            c.p_lag_adj = Some((p * evaluated as f64).min(1.0));
            c.spearman = pearson(&ranks_of_tied(&x), &ranks_of_tied(&y));
            c.strength = Some(strength(r));
        }
        None => {
            c.note = Some(format!(
                "no lag had {} or more paired values with variation on both sides",
                s.min_pairs
            ));
        }
    }
    c
}

/// All correlations of a run, and findings about the pairs.
pub fn analyse(
    kpis: &[KpiResult],
    cal: &Calendar,
    d: &Defaults,
) -> (Vec<Correlation>, Vec<Finding>) {
    let mut findings = Vec::new();
    let pairs = pairs_to_test(kpis, &mut findings);
    let mut out = correlate(kpis, pairs, cal, d);
    let family: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].p_lag_adj.is_some())
        .collect();
    let p: Vec<f64> = family.iter().filter_map(|&i| out[i].p_lag_adj).collect();
    for (&i, q) in family.iter().zip(bh(&p)) {
        out[i].q = Some(q);
        out[i].significant = q < ALPHA;
    }
    for c in &mut out {
        if c.declared && c.best_lag == Some(0) {
            c.note = Some("moves together, does not lead".into());
        }
    }
    // Most convincing first.
    out.sort_by(|a, b| {
        a.q.unwrap_or(f64::INFINITY)
            .total_cmp(&b.q.unwrap_or(f64::INFINITY))
            .then_with(|| a.leading.cmp(&b.leading))
            .then_with(|| a.lagging.cmp(&b.lagging))
    });
    (out, findings)
}

/// The pairs to test, as (leading, lagging, declared) indices into `kpis`: the declared
/// ones when any KPI declares `leads`, else every ordered pair of up to
/// [`MAX_ALL_PAIRS_KPIS`] KPIs.
fn pairs_to_test(kpis: &[KpiResult], findings: &mut Vec<Finding>) -> Vec<(usize, usize, bool)> {
    let index: HashMap<String, usize> = kpis
        .iter()
        .enumerate()
        .map(|(i, k)| (name_key(&k.def.name), i))
        .collect();
    let mut pairs: Vec<(usize, usize, bool)> = Vec::new();
    let declared = kpis.iter().any(|k| !k.def.leads.is_empty());
    if declared {
        for (i, k) in kpis.iter().enumerate() {
            for target in &k.def.leads {
                match index.get(&name_key(target)) {
                    Some(&j) if j != i => pairs.push((i, j, true)),
                    Some(_) => {}
                    None => findings.push(
                        Finding::warning(FindingCode::KpiNotFound, format!("'{}' declares that it leads '{target}', which is not in the data; the pair was skipped", k.def.name))
                            .kpi(&k.def.name),
                    ),
                }
            }
        }
    } else if kpis.len() <= MAX_ALL_PAIRS_KPIS {
        for i in 0..kpis.len() {
            for j in 0..kpis.len() {
                if i != j {
                    pairs.push((i, j, false));
                }
            }
        }
    } else {
        findings.push(Finding::info(
            FindingCode::TooManyKpisForPairs,
            format!(
                "{} KPIs and no declared `leads`: all-pairs lead-lag testing is limited to {MAX_ALL_PAIRS_KPIS} KPIs; declare `leads` in the config to test the pairs that matter",
                kpis.len()
            ),
        ));
    }
    pairs
}

/// Each pair's correlations, in the order of `pairs`. Each KPI is prepared once per
/// grain and transform its pairs need (40 daily KPIs make 1,560 pairs of 40 series),
/// then the pairs run in parallel.
fn correlate(
    kpis: &[KpiResult],
    pairs: Vec<(usize, usize, bool)>,
    cal: &Calendar,
    d: &Defaults,
) -> Vec<Correlation> {
    let planned: Vec<(usize, usize, bool, Grain, PairSettings)> = pairs
        .into_iter()
        .map(|(i, j, decl)| {
            let grain = kpis[i].grain.max(kpis[j].grain);
            (i, j, decl, grain, settings(&kpis[i], grain, d))
        })
        .collect();
    let mut keys: Vec<PrepKey> = planned
        .iter()
        .flat_map(|(i, j, _, g, s)| [(*i, *g, s.transform), (*j, *g, s.transform)])
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let series: HashMap<PrepKey, Prepared> = keys
        .into_par_iter()
        .map(|key @ (i, g, t)| (key, prepared(&kpis[i], g, t, cal)))
        .collect();
    let empty = Prepared::new();
    planned
        .par_iter()
        .map(|(i, j, decl, g, s)| {
            let of = |k: usize| series.get(&(k, *g, s.transform)).unwrap_or(&empty);
            let mut c = pair((&kpis[*i], &kpis[*j]), (of(*i), of(*j)), *g, s);
            c.declared = *decl;
            c
        })
        .collect()
}

/// Per leading KPI: does any of its pairs (as the leader) come out significant?
pub fn predictive(correlations: &[Correlation]) -> HashMap<String, bool> {
    let mut out: HashMap<String, bool> = HashMap::new();
    for c in correlations {
        *out.entry(name_key(&c.leading)).or_default() |= c.significant;
    }
    out
}

#[cfg(test)]
mod tests;
