/*!
The tidy observation table: one row per value read from any input, before any
aggregation, with the file, sheet and row it came from. Ingestion produces
`Observation`s (and `TargetRow`s from Targets sheets); analysis turns them into one
regular series per KPI at its report grain (docs/methods.md §1).
*/
use std::sync::Arc;

use chrono::NaiveDate;

use crate::model::period::Grain;

/// Where a value came from, for the Data sheet and for findings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRef {
    pub file: Arc<str>,
    pub sheet: Option<Arc<str>>,
    /// 1-based row as a spreadsheet shows it.
    pub row: u32,
}

/// One value read from an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// KPI name as written in the input (trimmed).
    pub kpi: String,
    /// The date, or the first day of the period label.
    pub date: NaiveDate,
    /// Set when the date came from a period label (`2024-03`, `Q1 2024`, …).
    pub label_grain: Option<Grain>,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub target_min: Option<f64>,
    pub target_max: Option<f64>,
    pub source: SourceRef,
}

/// A target stated in a Targets sheet or file, either for one period or as a step
/// that applies from `period` on.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    pub kpi: String,
    pub period: NaiveDate,
    pub label_grain: Option<Grain>,
    pub target: f64,
    pub is_step: bool,
    pub source: SourceRef,
}
