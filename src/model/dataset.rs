/*!
The tidy dataset that ingestion hands to analysis: every observation read, the KPI
definitions and targets found in the inputs, what was found in each file and sheet,
and the findings about it. Nothing here knows how it was read or how it is analysed.
*/

use crate::model::finding::Finding;
use crate::model::kpi::KpiDef;
use crate::model::series::{Observations, TargetRow};

/// An input as the report names it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputInfo {
    pub path: String,
    pub sheets: Vec<String>,
}

/// The shape of one table, as detected (or forced by `[[input]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A date column, a KPI-name column and a value column.
    Long,
    /// A date column and one column per KPI.
    Wide,
    /// KPI names down, periods across the header.
    PeriodsAcross,
    /// A `KPIs`/`Definitions`/`Metadata` sheet.
    Definitions,
    /// A `Targets` sheet.
    Targets,
    /// No cells with data.
    Empty,
    /// Data, but no header kpilens recognises.
    Unknown,
}

impl Layout {
    /// The name `check` prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Long => "long",
            Layout::Wide => "wide",
            Layout::PeriodsAcross => "periods_across",
            Layout::Definitions => "definitions",
            Layout::Targets => "targets",
            Layout::Empty => "empty",
            Layout::Unknown => "unknown",
        }
    }

    /// Does a table of this layout hold KPI values?
    pub fn holds_values(self) -> bool {
        matches!(self, Layout::Long | Layout::Wide | Layout::PeriodsAcross)
    }
}

/// What `check` prints per file/sheet: the layout that was detected.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutInfo {
    pub file: String,
    pub sheet: Option<String>,
    pub layout: Layout,
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
    pub observations: Observations,
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

impl Dataset {
    /// How many distinct KPIs the inputs name (those past the store's limit included).
    pub fn kpi_count(&self) -> usize {
        self.observations.kpi_count()
    }
}
