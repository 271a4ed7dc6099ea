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

use std::collections::{HashMap, HashSet};

use super::cells::{self, ValueCell};
use super::headers::{is_footer_text, row_cells};
use super::layout::first_text;
use super::{Cell, ReadOptions, Table};
use crate::model::dataset::{Dataset, Layout, LayoutInfo};
use crate::model::finding::{Finding, FindingCode};
use crate::model::kpi::{name_key, KpiDef};
use crate::model::series::{Observations, Origin};

/// One observation just read, for setting its targets.
#[derive(Clone, Copy)]
pub(super) struct Obs {
    kpi: usize,
    i: usize,
}

/// Adds the observations of one table to the dataset's store and collects the
/// findings while its rows are read.
pub(in crate::ingest) struct RowReader<'a> {
    table: &'a Table,
    opts: &'a ReadOptions,
    obs: &'a mut Observations,
    /// This table's index in the store.
    origin_table: u32,
    /// KPI names as written → the store's KPI index (a lookup without allocating).
    ids: HashMap<String, usize>,
    /// The KPIs this table gave values for, in order of first appearance.
    kpis: Vec<usize>,
    seen: HashSet<usize>,
    /// Observations with a value.
    values: usize,
    /// The first three KPI names as this table writes them (for `check`).
    shown: Vec<String>,
    defs: HashMap<String, KpiDef>,
    findings: Vec<Finding>,
    excel_errors: Vec<(usize, usize, String)>,
    /// Value cells holding a formula with no saved result.
    no_results: Vec<(usize, usize)>,
    footer_rows: Vec<usize>,
}

impl<'a> RowReader<'a> {
    pub(in crate::ingest) fn new(
        table: &'a Table,
        opts: &'a ReadOptions,
        obs: &'a mut Observations,
    ) -> Self {
        let origin_table = obs.add_table(&table.file, table.sheet.as_deref());
        RowReader {
            table,
            opts,
            obs,
            origin_table,
            ids: HashMap::new(),
            kpis: Vec::new(),
            seen: HashSet::new(),
            values: 0,
            shown: Vec::new(),
            defs: HashMap::new(),
            findings: Vec::new(),
            excel_errors: Vec::new(),
            no_results: Vec::new(),
            footer_rows: Vec::new(),
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
    ) -> Obs {
        let id = if let Some(&id) = self.ids.get(kpi) {
            id
        } else {
            let id = self.obs.kpi(kpi);
            self.ids.insert(kpi.to_string(), id);
            id
        };
        if self.seen.insert(id) {
            self.kpis.push(id);
            if self.shown.len() < 3 {
                self.shown.push(kpi.to_string());
            }
        }
        self.values += usize::from(value.is_some());
        let origin = Origin {
            table: self.origin_table,
            row: r as u32 + 1,
        };
        let i = self.obs.push(id, date.date, date.grain, value, origin);
        Obs { kpi: id, i }
    }

    fn set_target(&mut self, o: Obs, v: Option<f64>) {
        self.obs.get_mut(o.kpi).set_target(o.i, v);
    }

    /// Set one end of the observation's band: 0 the minimum, 1 the maximum.
    fn set_band(&mut self, o: Obs, end: usize, v: Option<f64>) {
        self.obs.get_mut(o.kpi).set_band(o.i, end, v);
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
    pub(super) fn check_band(&mut self, o: Obs, r: usize, col: Option<usize>) {
        let k = self.obs.get_mut(o.kpi);
        let (Some(lo), Some(hi)) = (k.target_min(o.i), k.target_max(o.i)) else {
            return;
        };
        if lo <= hi {
            return;
        }
        k.set_band(o.i, 0, None);
        k.set_band(o.i, 1, None);
        let kpi = k.name.clone();
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

    /// The table's findings, what `check` says of it and the KPI attributes its columns
    /// gave; the observations are in the store already.
    pub(in crate::ingest) fn finish(mut self, header: usize, layout: Layout) -> Finished {
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
        let layout = LayoutInfo {
            file: t.file.clone(),
            sheet: t.sheet.clone(),
            layout,
            header_row: Some(header as u32 + 1),
            kpis: self.kpis.len(),
            values: self.values,
            data_rows: t
                .rows_below(header)
                .filter(|&r| !self.is_blank_row(r))
                .count(),
            kpi_names: self.shown,
        };
        let mut defs: Vec<KpiDef> = self.defs.into_values().collect();
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        Finished {
            layout,
            defs,
            findings: self.findings,
        }
    }
}

/// What reading one table gave besides its observations.
pub(in crate::ingest) struct Finished {
    pub(in crate::ingest) layout: LayoutInfo,
    /// KPI attributes found in its columns (owner, unit, …).
    pub(in crate::ingest) defs: Vec<KpiDef>,
    pub(in crate::ingest) findings: Vec<Finding>,
}

impl Finished {
    pub(in crate::ingest) fn into(self, out: &mut Dataset) {
        out.layouts.push(self.layout);
        out.data_defs.extend(self.defs);
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
