/*!
The tidy dataset that ingestion hands to analysis: every observation read, the KPI
definitions and targets found in the inputs, what was found in each file and sheet,
and the findings about it. Nothing here knows how it was read or how it is analysed.
*/
use serde::Serialize;

use crate::model::finding::Finding;
use crate::model::kpi::KpiDef;
use crate::model::series::{Observation, TargetRow};

/// An input as the report names it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InputInfo {
    pub path: String,
    pub sheets: Vec<String>,
}

/// What `check` prints per file/sheet: the layout that was detected.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutInfo {
    pub file: String,
    pub sheet: Option<String>,
    /// long | wide | periods_across | definitions | targets | empty
    pub layout: &'static str,
    /// 1-based header row, when there is one.
    pub header_row: Option<u32>,
    pub kpis: usize,
    pub values: usize,
    /// Rows below the header that hold anything (data, notes, totals).
    pub data_rows: usize,
    /// The first few KPI names the table gave (for messages about empty tables).
    pub kpi_names: Vec<String>,
}

/// Everything read from all inputs.
#[derive(Debug, Default)]
pub struct Dataset {
    pub observations: Vec<Observation>,
    /// KPI attributes found in data columns (owner, unit, … per KPI).
    pub data_defs: Vec<KpiDef>,
    /// Definitions sheets (`KPIs`, `Definitions`, `Metadata`).
    pub sheet_defs: Vec<KpiDef>,
    /// Targets sheets.
    pub targets: Vec<TargetRow>,
    pub layouts: Vec<LayoutInfo>,
    pub inputs: Vec<InputInfo>,
    pub findings: Vec<Finding>,
}

