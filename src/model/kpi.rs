/*!
What a KPI *is*, as opposed to its values: direction, aggregation, owner, unit, target
rules and the per-KPI analysis settings. Definitions are merged from three sources in
order of precedence (docs/methods.md §9): the config, a definitions sheet, data columns.
*/
use chrono::NaiveDate;
use serde::Deserialize;

/// Which way is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Higher,
    Lower,
    Range,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
            Direction::Range => "range",
        }
    }
    pub fn parse(s: &str) -> Option<Direction> {
        match s.trim().to_ascii_lowercase().as_str() {
            "higher" | "higher is better" | "up" | "increase" | "max" | "maximise" | "maximize"
            | "positive" => Some(Direction::Higher),
            "lower" | "lower is better" | "down" | "decrease" | "min" | "minimise" | "minimize"
            | "negative" => Some(Direction::Lower),
            "range" | "band" | "threshold" | "within" => Some(Direction::Range),
            _ => None,
        }
    }
}

/// How several observations in one period combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregation {
    Sum,
    #[default]
    Mean,
    Last,
    Min,
    Max,
}

impl Aggregation {
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Sum => "sum",
            Aggregation::Mean => "mean",
            Aggregation::Last => "last",
            Aggregation::Min => "min",
            Aggregation::Max => "max",
        }
    }
    pub fn parse(s: &str) -> Option<Aggregation> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sum" | "total" => Some(Aggregation::Sum),
            "mean" | "average" | "avg" => Some(Aggregation::Mean),
            "last" | "latest" | "closing" => Some(Aggregation::Last),
            "min" | "minimum" => Some(Aggregation::Min),
            "max" | "maximum" => Some(Aggregation::Max),
            _ => None,
        }
    }

    /// Combine values (in date order) with this aggregation; `None` if there are none.
    pub fn apply(self, values_in_date_order: &[f64]) -> Option<f64> {
        let v = values_in_date_order;
        if v.is_empty() {
            return None;
        }
        Some(match self {
            Aggregation::Sum => v.iter().sum(),
            Aggregation::Mean => mean(v),
            Aggregation::Last => *v.last()?,
            Aggregation::Min => v.iter().copied().fold(f64::INFINITY, f64::min),
            Aggregation::Max => v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }
}

/// Arithmetic mean that decides exact ties the way exact arithmetic on the numbers as
/// written does: equal values average to exactly that value (three observations of 0.7
/// give 0.7, where a plain sum gives 2.0999999999999996 / 3 = 0.6999999999999998), so a
/// constant series sits on its centre line; values of up to six decimal places average
/// as those decimals ([`decimal_mean`]); others give the correctly rounded sum over n.
/// None depends on the order of the values (1, 0, 1 and 0, 1, 1 have the same mean).
/// NaN for no values.
pub fn mean(v: &[f64]) -> f64 {
    let Some(&first) = v.first() else {
        return f64::NAN;
    };
    if v.iter().all(|x| *x == first) {
        return first;
    }
    decimal_mean(v).unwrap_or_else(|| exact_sum(v) / v.len() as f64)
}

/// The mean of the values as decimals with at most six places (as exports write them:
/// 0.1 is 1/10, not the double nearest it), rounded once to a double; `None` when a
/// value has more places or the sum would not fit. Eight 0.1s and two 0.2s then average
/// to 0.12 exactly, as a target of 0.12 does, where the doubles' sum gives
/// 0.12000000000000002 and would miss that target.
fn decimal_mean(v: &[f64]) -> Option<f64> {
    const SCALE: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
    // The sum in units of 10^-places, places the most any value so far has needed.
    let (mut sum, mut places): (i128, usize) = (0, 0);
    for &x in v {
        // Decimal digits that read back as exactly this double, with as few places as
        // it needs. Tried from `places` up first: a value of fewer places then reads
        // the same with `places` (its digits and zeros after them, as rounding x·10^k
        // gives them while |m| < 10^15), so most values take one try, not up to seven.
        let (m, k) = (places..SCALE.len()).chain(0..places).find_map(|k| {
            let m = (x * SCALE[k]).round();
            (m.abs() < 1e15 && m / SCALE[k] == x).then_some((m as i128, k))
        })?;
        if k > places {
            sum = sum.checked_mul(10_i128.pow((k - places) as u32))?;
            places = k;
        }
        sum = sum.checked_add(m.checked_mul(10_i128.pow((places - k) as u32))?)?;
    }
    let n = v.len() as u128;
    // Integers below 2^53 are exact doubles, and one division of two exact doubles is
    // the correctly rounded quotient: the double the text below reads, found directly
    // (nearly always: the scaled sum passes 2^53, about 9·10^15, only for very large
    // values or very many of them).
    let scaled_n = n.saturating_mul(10_u128.pow(places as u32));
    if sum.unsigned_abs() < 1 << 53 && scaled_n < 1 << 53 {
        return Some(sum as f64 / scaled_n as f64);
    }
    // Otherwise sum / n / 10^places written out to 60 decimal places, and a last 1 when
    // more digits follow (so what is cut off still counts), then read back: Rust's parse
    // rounds correctly to the nearest double.
    let mut text = String::from(if sum < 0 { "-" } else { "" });
    let sum = sum.unsigned_abs();
    let mut rest = sum % n;
    text.push_str(&(sum / n).to_string());
    text.push('.');
    let mut fraction_digits = 0;
    while rest != 0 && fraction_digits < 60 {
        rest *= 10;
        text.push(char::from(b'0' + (rest / n) as u8));
        rest %= n;
        fraction_digits += 1;
    }
    if rest != 0 {
        text.push('1');
    }
    text.push_str("e-");
    text.push_str(&places.to_string());
    text.parse().ok()
}

/// The sum of `v` carried in non-overlapping partial sums and rounded once at the end
/// (Shewchuk's algorithm, as in Python's `math.fsum` recipe): no rounding error builds
/// up, and the result does not depend on the order of the values.
fn exact_sum(v: &[f64]) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    for &value in v {
        let mut x = value;
        let mut kept = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        partials.truncate(kept);
        partials.push(x);
    }
    partials.iter().sum()
}

/// How lead-lag transforms both series before correlating them (docs/methods.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Transform {
    /// Period-to-period changes.
    #[default]
    Diff,
    /// The levels as they are.
    Levels,
    /// Residuals from each series' least-squares line.
    Detrend,
    /// Changes from the same period a year (one cycle of seasons) before.
    SeasonalDiff,
}

impl Transform {
    /// The config and JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Transform::Diff => "diff",
            Transform::Levels => "none",
            Transform::Detrend => "detrend",
            Transform::SeasonalDiff => "seasonal_diff",
        }
    }
    pub fn parse(s: &str) -> Option<Transform> {
        match s.trim().to_ascii_lowercase().as_str() {
            "diff" => Some(Transform::Diff),
            "none" => Some(Transform::Levels),
            "detrend" => Some(Transform::Detrend),
            "seasonal_diff" => Some(Transform::SeasonalDiff),
            _ => None,
        }
    }
    /// The spellings `parse` accepts, for messages.
    pub const NAMES: &'static str = "diff, none, detrend, seasonal_diff";
}

/// Whether a KPI is judged against its season (docs/methods.md §10): never, always
/// (when its history allows), or when detection finds a significant pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeasonalMode {
    #[default]
    Off,
    On,
    Auto,
}

impl SeasonalMode {
    /// The config spelling: `false`, `true`, `"auto"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SeasonalMode::Off => "false",
            SeasonalMode::On => "true",
            SeasonalMode::Auto => "auto",
        }
    }
}

/// Whether a KPI is meant to lead or to record results (informational).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiRole {
    Leading,
    Lagging,
}

impl KpiRole {
    pub fn as_str(self) -> &'static str {
        match self {
            KpiRole::Leading => "leading",
            KpiRole::Lagging => "lagging",
        }
    }
    pub fn parse(s: &str) -> Option<KpiRole> {
        match s.trim().to_lowercase().as_str() {
            "leading" => Some(KpiRole::Leading),
            "lagging" => Some(KpiRole::Lagging),
            _ => None,
        }
    }
}

/// Most lags lead-lag tests (`max_lag`). Each lag needs `min_pairs` pairs of periods,
/// so a lag of 1,000 periods already needs years of daily history; beyond it a value is
/// a typo, and it would fill the Lead-Lag grid with lags that cannot be evaluated.
pub const MAX_LAG: u32 = 1000;

/// A target step from config: applies from period `from` on.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetStep {
    pub from: NaiveDate,
    pub value: f64,
}

/// Everything known about one KPI apart from its values. Optional fields are `None`
/// when no source stated them; defaults are applied where they are used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KpiDef {
    pub name: String,
    pub direction: Option<Direction>,
    pub unit: Option<String>,
    pub aggregation: Option<Aggregation>,
    pub owner: Option<String>,
    pub target: Option<f64>,
    pub target_min: Option<f64>,
    pub target_max: Option<f64>,
    pub targets: Vec<TargetStep>,
    pub tolerance: Option<f64>,
    pub lower_bound: Option<f64>,
    pub upper_bound: Option<f64>,
    pub role: Option<KpiRole>,
    pub leads: Vec<String>,
    pub rebase: Vec<NaiveDate>,
    pub freeze_after: Option<u32>,
    pub run_length: Option<u32>,
    pub max_lag: Option<u32>,
    pub transform: Option<Transform>,
    pub min_pairs: Option<u32>,
    pub seasonal: Option<SeasonalMode>,
    pub perspective: Option<String>,
    pub description: Option<String>,
}

impl KpiDef {
    pub fn new(name: &str) -> KpiDef {
        KpiDef {
            name: name.to_string(),
            ..KpiDef::default()
        }
    }

    /// Fill every field this definition leaves unset from `other` (lower precedence).
    pub fn fill_from(&mut self, other: &KpiDef) {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f.clone(); } )* };
        }
        fill!(
            direction,
            unit,
            aggregation,
            owner,
            target,
            target_min,
            target_max,
            tolerance,
            lower_bound,
            upper_bound,
            role,
            freeze_after,
            run_length,
            max_lag,
            transform,
            min_pairs,
            seasonal,
            perspective,
            description
        );
        if self.targets.is_empty() {
            self.targets.clone_from(&other.targets);
        }
        if self.leads.is_empty() {
            self.leads.clone_from(&other.leads);
        }
        if self.rebase.is_empty() {
            self.rebase.clone_from(&other.rebase);
        }
    }

    pub fn direction(&self) -> Direction {
        self.direction.unwrap_or_default()
    }
    pub fn aggregation(&self) -> Aggregation {
        self.aggregation.unwrap_or_default()
    }
}

/// Names are matched case-insensitively with surrounding whitespace trimmed.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests;
