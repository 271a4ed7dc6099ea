/*!
An earlier run's results, as far as `--previous` compares them (docs/interface.md §8):
the run's as-of, version and rules, and per KPI its latest judgements, signals and the
series of values and targets; the lead-lag pairs' significance and best lag.

The file was written by some version of kpilens, maybe an older one with fewer fields,
so every field is optional and nothing here is an enum of this version's words: a word
the earlier run wrote is kept as written and compared as a word. Where a field's
absence means something different from a `null` (an older file without targets in its
series compares no targets; a `null` target is a target that was not set), the field
is an `Option` of an `Option`: the outer `None` says the file has no such field.
`ingest::previous` reads the file into this.
*/
use chrono::NaiveDate;

/// The earlier run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PreviousRun {
    /// The path as the user gave it to `--previous`.
    pub path: String,
    /// `tool.version`.
    pub version: Option<String>,
    pub as_of: Option<NaiveDate>,
    /// The signal-rule preset's word (`wheeler`, `nhs`).
    pub rules: Option<String>,
    pub kpis: Vec<PreviousKpi>,
    /// `None` when the file has no `correlations`.
    pub correlations: Option<Vec<PreviousPair>>,
}

/// One KPI of the earlier run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PreviousKpi {
    pub name: String,
    pub direction: Option<String>,
    pub grain: Option<String>,
    pub first_period: Option<NaiveDate>,
    /// `latest.period`.
    pub period: Option<NaiveDate>,
    /// `latest.status`.
    pub status: Option<String>,
    /// `spc.variation`, `spc.assurance`, `health.action`, `targets.realism`.
    pub variation: Option<String>,
    pub assurance: Option<String>,
    pub action: Option<String>,
    pub realism: Option<String>,
    /// `spc.signals`; `None` when the file has none.
    pub signals: Option<Vec<PreviousSignal>>,
    /// `series`; `None` when the file has none.
    pub series: Option<Vec<PreviousPoint>>,
}

/// A signal of the earlier run: its rule and side as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousSignal {
    pub rule: String,
    pub period: NaiveDate,
    pub side: String,
}

/// One period of an earlier series. Outer `None`: the file has no such field.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousPoint {
    pub period: NaiveDate,
    pub value: Option<Option<f64>>,
    pub target: Option<Option<f64>>,
    pub target_min: Option<Option<f64>>,
    pub target_max: Option<Option<f64>>,
}

/// A lead-lag pair of the earlier run. Outer `None`: the file has no such field.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousPair {
    pub leading: String,
    pub lagging: String,
    pub significant: Option<bool>,
    pub best_lag: Option<Option<u32>>,
}
