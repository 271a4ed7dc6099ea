/*!
Reading the rows of a table once its layout is known (`layout.rs`): each row becomes
observations with their source row, bad cells become findings naming the cell, and
what is not data (footers, section rows, subtotal columns, text columns) is skipped
with a finding. One reader per shape, each in its own file (`long`, `wide`,
`across`); `finish` hands the
observations, definitions and findings to `Dataset`.
*/
mod across;
mod long;
mod wide;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;

use super::cells::{self, ValueCell};
use super::headers::{is_footer_text, row_cells};
use super::layout::first_text;
use super::{Cell, ReadOptions, Table};
use crate::model::dataset::{Dataset, Layout, LayoutInfo};
use crate::model::finding::{Finding, FindingCode};
use crate::model::kpi::{name_key, KpiDef};
use crate::model::series::{Observation, SourceRef};

/// Accumulates observations and findings while the rows of one table are read.
pub(in crate::ingest) struct RowReader<'a> {
    table: &'a Table,
    opts: &'a ReadOptions,
    file: Arc<str>,
    sheet: Option<Arc<str>>,
    obs: Vec<Observation>,
    defs: HashMap<String, KpiDef>,
    findings: Vec<Finding>,
    excel_errors: Vec<(usize, usize, String)>,
    /// Value cells holding a formula with no saved result.
    no_results: Vec<(usize, usize)>,
    footer_rows: Vec<usize>,
}

impl<'a> RowReader<'a> {
    pub(in crate::ingest) fn new(table: &'a Table, opts: &'a ReadOptions) -> Self {
        RowReader {
            table,
            opts,
            file: Arc::from(table.file.as_str()),
            sheet: table.sheet.as_deref().map(Arc::from),
            obs: Vec::new(),
            defs: HashMap::new(),
            findings: Vec::new(),
            excel_errors: Vec::new(),
            no_results: Vec::new(),
            footer_rows: Vec::new(),
        }
    }

    fn source(&self, r: usize) -> SourceRef {
        SourceRef {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: r as u32 + 1,
        }
    }

    fn def(&mut self, kpi: &str) -> &mut KpiDef {
        self.defs
            .entry(name_key(kpi))
            .or_insert_with(|| KpiDef::new(kpi))
    }

    /// A value cell → number; errors become findings.
    fn value(&mut self, r: usize, c: usize, kpi: &str) -> Option<f64> {
        match cells::value_of(self.table.get(r, c), self.table.decimal_comma) {
            ValueCell::Missing => None,
            ValueCell::Value { value, percent } => {
                if percent {
                    let d = self.def(kpi);
                    d.unit.get_or_insert_with(|| "%".into());
                }
                Some(value)
            }
            ValueCell::ExcelError(e) => {
                self.excel_errors.push((r, c, e));
                None
            }
            ValueCell::NoResult => {
                self.no_results.push((r, c));
                None
            }
            ValueCell::Bad(why) => {
                let f = Finding::error(
                    FindingCode::BadValue,
                    format!("{why}; the cell was read as missing"),
                )
                .kpi(kpi);
                self.findings.push(self.table.at(f, r, Some(c)));
                None
            }
        }
    }

    fn push(
        &mut self,
        kpi: &str,
        date: super::dates::ParsedDate,
        r: usize,
        value: Option<f64>,
    ) -> usize {
        self.obs.push(Observation {
            kpi: kpi.to_string(),
            date: date.date,
            label_grain: date.grain,
            value,
            target: None,
            target_min: None,
            target_max: None,
            source: self.source(r),
        });
        self.obs.len() - 1
    }

    /// A period header cell that is not a period: its column is not read.
    fn bad_period_header(&mut self, r: usize, c: usize, why: &str) {
        let f = Finding::error(
            FindingCode::BadDate,
            format!("{why}; the column was skipped"),
        );
        self.findings.push(self.table.at(f, r, Some(c)));
    }

    fn bad_date(&mut self, r: usize, c: usize, why: &str) {
        let f = Finding::error(FindingCode::BadDate, format!("{why}; the row was skipped"));
        self.findings.push(self.table.at(f, r, Some(c)));
    }

    fn is_blank_row(&self, r: usize) -> bool {
        row_cells(self.table, r).iter().all(Cell::is_empty)
    }

    /// A target band whose minimum is above its maximum (`target_min` 10,
    /// `target_max` 5) is no band: an error finding naming the cell and both values,
    /// and that period has no target range.
    pub(super) fn check_band(&mut self, i: usize, r: usize, col: Option<usize>) {
        let o = &mut self.obs[i];
        let (Some(lo), Some(hi)) = (o.target_min, o.target_max) else {
            return;
        };
        if lo <= hi {
            return;
        }
        o.target_min = None;
        o.target_max = None;
        let kpi = o.kpi.clone();
        self.bad_band(&kpi, r, col, (lo, hi), "this period has");
    }

    pub(super) fn bad_band(
        &mut self,
        kpi: &str,
        r: usize,
        col: Option<usize>,
        (lo, hi): (f64, f64),
        scope: &str,
    ) {
        let f = Finding::error(
            FindingCode::BadTargetRange,
            format!(
                "target_min {} is greater than target_max {}; {scope} no target range",
                crate::ingest::format_number(lo),
                crate::ingest::format_number(hi)
            ),
        )
        .kpi(kpi);
        self.findings.push(self.table.at(f, r, col));
    }

    /// Text rows with more or fewer fields than the header: one finding for the table.
    pub(in crate::ingest) fn check_ragged(&mut self, header: usize) {
        let t = self.table;
        if !t.from_text {
            return;
        }
        let width = row_cells(t, header).len();
        let ragged: Vec<usize> = t
            .rows_below(header)
            .filter(|&r| !self.is_blank_row(r) && row_cells(t, r).len() != width)
            .collect();
        if let Some(&first) = ragged.first() {
            let f = Finding::warning(
                FindingCode::RaggedRow,
                format!(
                    "{} row(s) have a different number of fields than the header's {width} (row {} has {}); extra fields were ignored and missing ones read as empty",
                    ragged.len(),
                    first + 1,
                    row_cells(t, first).len()
                ),
            );
            self.findings.push(t.at(f, first, None));
        }
    }

    /// A row below the data that is a note, source line or total rather than data.
    fn looks_like_footer(&self, r: usize) -> bool {
        let row = row_cells(self.table, r);
        let filled: Vec<&Cell> = row.iter().filter(|c| !c.is_empty()).collect();
        filled.len() <= 1 || filled.first().is_some_and(|c| is_footer_text(&c.text()))
    }

    pub(in crate::ingest) fn finish(mut self, out: &mut Dataset, header: usize, layout: Layout) {
        let t = self.table;
        if let Some(&(r, c, _)) = self.excel_errors.first() {
            let places = self
                .excel_errors
                .iter()
                .map(|(r, c, e)| format!("{e} at {}", cell_name(*r, *c)));
            let f = Finding::warning(
                FindingCode::ExcelErrorCell,
                format!(
                    "{} error value(s) (Excel errors such as #N/A, or NaN) read as missing: {}",
                    self.excel_errors.len(),
                    first_five(places)
                ),
            );
            self.findings.push(t.at(f, r, Some(c)));
        }
        if let Some(&(r, c)) = self.no_results.first() {
            let places = self.no_results.iter().map(|(r, c)| cell_name(*r, *c));
            let f = Finding::warning(
                FindingCode::FormulaWithoutValue,
                format!(
                    "{} formula cell(s) have no saved result and were read as missing: {}; {}",
                    self.no_results.len(),
                    first_five(places),
                    cells::RECALCULATE
                ),
            );
            self.findings.push(t.at(f, r, Some(c)));
        }
        if let Some(&first) = self.footer_rows.first() {
            let f = Finding::info(
                FindingCode::FooterRowsSkipped,
                format!(
                    "{} row(s) below or between the data were skipped as notes or totals, starting with '{}'",
                    self.footer_rows.len(),
                    first_text(t, first)
                ),
            );
            self.findings.push(t.at(f, first, None));
        }
        let mut names: Vec<String> = self.obs.iter().map(|o| name_key(&o.kpi)).collect();
        names.sort();
        names.dedup();
        let mut shown: Vec<String> = Vec::new();
        for o in &self.obs {
            if shown.len() == 3 {
                break;
            }
            if !shown.iter().any(|s| name_key(s) == name_key(&o.kpi)) {
                shown.push(o.kpi.clone());
            }
        }
        out.layouts.push(LayoutInfo {
            file: t.file.clone(),
            sheet: t.sheet.clone(),
            layout,
            header_row: Some(header as u32 + 1),
            kpis: names.len(),
            values: self.obs.iter().filter(|o| o.value.is_some()).count(),
            data_rows: t
                .rows_below(header)
                .filter(|&r| !self.is_blank_row(r))
                .count(),
            kpi_names: shown,
        });
        let mut defs: Vec<KpiDef> = self.defs.into_values().collect();
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        out.data_defs.extend(defs);
        out.observations.extend(self.obs);
        out.findings.extend(self.findings);
    }
}

/// A cell's name as a spreadsheet shows it (`C3`), from 0-based row and column.
fn cell_name(r: usize, c: usize) -> String {
    format!(
        "{}{}",
        crate::model::finding::column_letter(c as u32),
        r + 1
    )
}

/// The first five of a list, and how many more: "C3, C4 and 12 more".
fn first_five(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let shown = items[..items.len().min(5)].join(", ");
    match items.len().saturating_sub(5) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}
