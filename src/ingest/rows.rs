/*!
Reading the rows of a table once its layout is known (`layout.rs`): each row becomes
observations with their source row, bad cells become findings naming the cell, and
what is not data (footers, section rows, subtotal columns, text columns) is skipped
with a finding. One reader per shape: `long`, `wide` and `across`; `finish` hands the
observations, definitions and findings to `Dataset`.
*/
use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::cells::{self, ValueCell};
use super::headers::{
    fractions_only, header_role, is_footer_text, is_text_column, looks_dateish, paired_header,
    row_cells, serial_dates, split_unit, target_of, with_periods_above, with_years, year_and_part,
    Role,
};
use super::layout::{first_text, LongCols};
use super::{special, Cell, ReadOptions, Table};
use crate::error::Result;
use crate::model::dataset::{Dataset, Layout, LayoutInfo};
use crate::model::finding::{Finding, FindingCode};
use crate::model::kpi::{name_key, KpiDef};
use crate::model::period::Grain;
use crate::model::series::{Observation, SourceRef};

/// Accumulates observations and findings while the rows of one table are read.
pub(super) struct RowReader<'a> {
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
    pub(super) fn new(table: &'a Table, opts: &'a ReadOptions) -> Self {
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

    /// Long layout: one observation per row.
    pub(super) fn long(&mut self, header: usize, cols: &LongCols) -> Result<()> {
        let rows = header + 1..self.table.cells.len();
        let t = self.table;
        let order = cells::column_order(
            t,
            rows.clone().map(|r| (r, cols.date, t.get(r, cols.date))),
            self.opts,
            "the date column",
        )?;
        for r in rows {
            if self.is_blank_row(r) {
                continue;
            }
            let kpi = t.get(r, cols.kpi).text();
            let parsed = match cols.part {
                // A Month column that holds whole dates needs no year.
                Some((c, grain)) => {
                    year_and_part(t.get(r, cols.date), t.get(r, c), grain).or_else(|why| {
                        cells::date_of(t.get(r, c), None, self.opts, t.is_1904)
                            .ok()
                            .filter(|p| p.grain.is_none() || p.grain == Some(grain))
                            .ok_or(why)
                    })
                }
                None => cells::date_of(t.get(r, cols.date), order, self.opts, t.is_1904),
            };
            let date = match parsed {
                Ok(d) => d,
                Err(why) => {
                    if self.looks_like_footer(r) {
                        self.footer_rows.push(r);
                    } else {
                        self.bad_date(r, cols.date, &why);
                    }
                    continue;
                }
            };
            if kpi.is_empty() {
                let f = Finding::warning(
                    FindingCode::BadValue,
                    "the KPI name is empty; the row was skipped",
                );
                self.findings.push(t.at(f, r, Some(cols.kpi)));
                continue;
            }
            let value = self.value(r, cols.value, &kpi);
            let i = self.push(&kpi, date, r, value);
            let mut band_cols = (None, None);
            for &(c, role) in &cols.roles {
                match role {
                    Role::Target | Role::TargetMin | Role::TargetMax => {
                        let v = self.value(r, c, &kpi);
                        let o = &mut self.obs[i];
                        match role {
                            Role::Target => o.target = v,
                            Role::TargetMin => {
                                o.target_min = v;
                                band_cols.0 = Some(c);
                            }
                            _ => {
                                o.target_max = v;
                                band_cols.1 = Some(c);
                            }
                        }
                    }
                    _ => {
                        let text = t.get(r, c).text();
                        if !text.is_empty() {
                            special::set_attribute(self.def(&kpi), role, &text);
                        }
                    }
                }
            }
            self.check_band(i, r, band_cols.0.or(band_cols.1));
        }
        Ok(())
    }

    /// A target band whose minimum is above its maximum (`target_min` 10,
    /// `target_max` 5) is no band: an error finding naming the cell and both values,
    /// and that period has no target range.
    fn check_band(&mut self, i: usize, r: usize, col: Option<usize>) {
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

    fn bad_band(
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
                super::format_number(lo),
                super::format_number(hi)
            ),
        )
        .kpi(kpi);
        self.findings.push(self.table.at(f, r, col));
    }

    /// Wide layout: one column per KPI; `<KPI> target` columns are targets.
    pub(super) fn wide(&mut self, header: usize, date_col: usize) -> Result<()> {
        let t = self.table;
        let head = row_cells(t, header);
        let mut kpi_cols: Vec<(usize, String)> = Vec::new();
        let mut target_cols: Vec<(usize, String)> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (c, cell) in head.iter().enumerate() {
            if c == date_col {
                continue;
            }
            let name = cell.text();
            if name.is_empty() {
                if (header + 1..t.cells.len()).any(|r| !t.get(r, c).is_empty()) {
                    let f = Finding::warning(
                        FindingCode::DuplicateHeader,
                        "a column with data has no header; it was skipped",
                    );
                    self.findings.push(t.at(f, header, Some(c)));
                }
                continue;
            }
            if let Some(kpi) = target_of(&name) {
                // 'Revenue (USD) target' belongs to 'Revenue' too.
                target_cols.push((c, split_unit(&kpi).0));
                continue;
            }
            if header_role(&name).is_some() {
                continue;
            }
            if let Some(&first) = seen.get(&name_key(&name)) {
                let f = Finding::warning(
                    FindingCode::DuplicateHeader,
                    format!(
                        "'{name}' is also the header of column {}; this column was skipped",
                        crate::model::finding::column_letter(first as u32)
                    ),
                );
                self.findings.push(t.at(f, header, Some(c)));
                continue;
            }
            if is_text_column(t, header, c) {
                // 'Comment', 'Business unit': a wide sheet's KPI columns hold numbers.
                let f = Finding::info(
                    FindingCode::TextColumnSkipped,
                    format!("column '{name}' holds text, not numbers; it was not read as a KPI"),
                );
                self.findings.push(t.at(f, header, Some(c)));
                continue;
            }
            // 'Revenue (USD)', 'AHT [min]': the unit in brackets is the KPI's unit.
            // A '%' unit means fractions (0.35 is 35%): a column of percent points
            // (35) is "% points", shown as plain numbers rather than 3500%.
            let (name, unit) = split_unit(&name);
            let unit = unit.map(|u| {
                if u == "%" && !fractions_only(t, header, c) {
                    "% points".to_string()
                } else {
                    u
                }
            });
            if let Some(unit) = unit {
                self.def(&name).unit.get_or_insert(unit);
            }
            seen.insert(name_key(&name), c);
            kpi_cols.push((c, name));
        }
        let rows = header + 1..t.cells.len();
        let order = cells::column_order(
            t,
            rows.clone().map(|r| (r, date_col, t.get(r, date_col))),
            self.opts,
            "the date column",
        )?;
        for r in rows {
            if self.is_blank_row(r) {
                continue;
            }
            let date = match cells::date_of(t.get(r, date_col), order, self.opts, t.is_1904) {
                Ok(d) => d,
                Err(why) => {
                    if self.looks_like_footer(r) {
                        self.footer_rows.push(r);
                    } else {
                        self.bad_date(r, date_col, &why);
                    }
                    continue;
                }
            };
            for (c, kpi) in &kpi_cols {
                let value = self.value(r, *c, kpi);
                let i = self.push(kpi, date, r, value);
                for (tc, tk) in &target_cols {
                    if name_key(tk) == name_key(kpi) {
                        self.obs[i].target = self.value(r, *tc, kpi);
                    }
                }
            }
        }
        Ok(())
    }

    /// Periods across: KPI names down `name_col`, one period per header column.
    pub(super) fn across(
        &mut self,
        header: usize,
        name_col: usize,
        years: Option<usize>,
        serials: bool,
    ) -> Result<()> {
        let t = self.table;
        // Two header rows: years over months, or periods over Actual | Target.
        let (head, is_target): (Vec<Cell>, Vec<bool>) = match years {
            None if serials => (
                serial_dates(t, header).unwrap_or_else(|| row_cells(t, header).to_vec()),
                Vec::new(),
            ),
            None => (row_cells(t, header).to_vec(), Vec::new()),
            Some(y) if paired_header(t, header, self.opts) => with_periods_above(t, header, y),
            Some(y) => (with_years(t, header, y), Vec::new()),
        };
        let order = cells::column_order(
            t,
            head.iter().enumerate().map(|(c, cell)| (header, c, cell)),
            self.opts,
            "the period header row",
        )?;
        let mut periods: Vec<(usize, super::dates::ParsedDate)> = Vec::new();
        let mut attrs: Vec<(usize, Role)> = Vec::new();
        for (c, cell) in head.iter().enumerate() {
            if c == name_col || cell.is_empty() {
                continue;
            }
            if cells::looks_like_period(cell, self.opts) {
                match cells::date_of(cell, order, self.opts, t.is_1904) {
                    Ok(p) => periods.push((c, p)),
                    Err(why) => self.bad_period_header(header, c, &why),
                }
            } else if let Some(role) = header_role(&cell.text()) {
                attrs.push((c, role));
            } else if looks_dateish(&cell.text()) {
                // '2024-13' between month columns: a mistyped period, not an attribute.
                let why = format!("'{}' is not a date or period", cell.text());
                self.bad_period_header(header, c, &why);
            }
        }
        // Under periods over Actual | Target, a Target column is its period's target.
        let mut period_targets: HashMap<NaiveDate, usize> = HashMap::new();
        periods.retain(|(c, p)| {
            if is_target.get(*c) == Some(&true) {
                period_targets.insert(p.date, *c);
                false
            } else {
                true
            }
        });
        self.skip_subtotal_columns(header, &mut periods);
        let mut seen = HashMap::new();
        for &(c, p) in &periods {
            if let Some(prev) = seen.insert(p.date, c) {
                let f = Finding::warning(
                    FindingCode::DuplicateHeader,
                    format!(
                        "the period '{}' also heads column {}; both are read and combined",
                        t.get(header, c).text(),
                        crate::model::finding::column_letter(prev as u32)
                    ),
                );
                self.findings.push(t.at(f, header, Some(c)));
            }
        }
        // Rows named '<KPI> target' (or 'Target <KPI>') for a KPI named in another row
        // hold that KPI's targets, as such columns do in a wide sheet.
        let names: std::collections::HashSet<String> = (header + 1..t.cells.len())
            .map(|r| name_key(&t.get(r, name_col).text()))
            .collect();
        let target_rows: HashMap<usize, String> = (header + 1..t.cells.len())
            .filter_map(|r| {
                let kpi = name_key(&target_of(&t.get(r, name_col).text())?);
                names.contains(&kpi).then_some((r, kpi))
            })
            .collect();
        for r in header + 1..t.cells.len() {
            if self.is_blank_row(r) {
                continue;
            }
            let name = t.get(r, name_col).text();
            // A row of formulas without saved results is a KPI whose values are
            // missing (and named in a finding), not a note; a row of '-' is as empty
            // as a row of blanks (a section heading).
            let has_values = periods.iter().any(|(c, _)| {
                !matches!(
                    cells::value_of(t.get(r, *c), t.decimal_comma),
                    ValueCell::Missing
                )
            });
            let section = !has_values && attrs.iter().all(|(c, _)| t.get(r, *c).is_empty());
            if name.is_empty()
                || is_footer_text(&name)
                || section
                || (!has_values && self.looks_like_footer(r))
            {
                self.footer_rows.push(r);
                continue;
            }
            if target_rows.contains_key(&r) {
                continue;
            }
            // A Target column beside the periods is a data target for every period.
            let mut targets = [None; 3];
            for &(c, role) in &attrs {
                let text = t.get(r, c).text();
                if text.is_empty() {
                    continue;
                }
                match role {
                    Role::Target => targets[0] = self.value(r, c, &name),
                    Role::TargetMin => targets[1] = self.value(r, c, &name),
                    Role::TargetMax => targets[2] = self.value(r, c, &name),
                    _ => {
                        special::set_attribute(self.def(&name), role, &text);
                    }
                }
            }
            if let (Some(lo), Some(hi)) = (targets[1], targets[2]) {
                if lo > hi {
                    let col = attrs
                        .iter()
                        .find(|(_, role)| *role == Role::TargetMin)
                        .map(|(c, _)| *c);
                    self.bad_band(&name, r, col, (lo, hi), "the periods of this row have");
                    [targets[1], targets[2]] = [None, None];
                }
            }
            self.def(&name);
            // The row '<name> target' beside it holds this KPI's targets by period.
            let target_row = target_rows
                .iter()
                .find(|(_, kpi)| **kpi == name_key(&name))
                .map(|(tr, _)| *tr);
            for &(c, p) in &periods {
                let value = self.value(r, c, &name);
                let row_target = target_row.and_then(|tr| self.value(tr, c, &name));
                let row_target = match period_targets.get(&p.date) {
                    Some(&tc) => self.value(r, tc, &name),
                    None => row_target,
                };
                let i = self.push(&name, p, r, value);
                let o = &mut self.obs[i];
                [o.target, o.target_min, o.target_max] = targets;
                o.target = row_target.or(o.target);
            }
        }
        Ok(())
    }

    /// Period columns coarser than the others (quarter and year subtotals among month
    /// columns, an 'FY 2024' total at the end) are subtotals, not more observations:
    /// they are dropped, with one finding, so they are never averaged into the months.
    /// The finest period length present is the series': labelled columns carry their
    /// own, date cells the one their spacing gives.
    fn skip_subtotal_columns(
        &mut self,
        header: usize,
        periods: &mut Vec<(usize, super::dates::ParsedDate)>,
    ) {
        let mut dates: Vec<NaiveDate> = periods
            .iter()
            .filter(|(_, p)| p.grain.is_none())
            .map(|(_, p)| p.date)
            .collect();
        dates.sort();
        dates.dedup();
        let dated_grain = (dates.len() >= 2).then(|| {
            let mut spacing: Vec<i64> =
                dates.windows(2).map(|w| (w[1] - w[0]).num_days()).collect();
            spacing.sort_unstable();
            Grain::from_median_gap(spacing[spacing.len() / 2] as f64).0
        });
        let finest = periods
            .iter()
            .filter_map(|(_, p)| p.grain)
            .chain(dated_grain)
            .min();
        let Some(finest) = finest else { return };
        let t = self.table;
        let coarser: Vec<usize> = periods
            .iter()
            .filter(|(_, p)| p.grain.is_some_and(|g| g > finest))
            .map(|(c, _)| *c)
            .collect();
        let Some(&first) = coarser.first() else {
            return;
        };
        let names = coarser
            .iter()
            .map(|c| format!("'{}'", t.get(header, *c).text()));
        let f = Finding::info(
            FindingCode::SubtotalColumnsSkipped,
            format!(
                "{} period column(s) longer than a {finest} ({}) look like subtotals among the {finest} columns and were skipped",
                coarser.len(),
                first_five(names)
            ),
        );
        self.findings.push(t.at(f, header, Some(first)));
        periods.retain(|(c, _)| !coarser.contains(c));
    }

    /// Text rows with more or fewer fields than the header: one finding for the table.
    pub(super) fn check_ragged(&mut self, header: usize) {
        let t = self.table;
        if !t.from_text {
            return;
        }
        let width = row_cells(t, header).len();
        let ragged: Vec<usize> = (header + 1..t.cells.len())
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

    pub(super) fn finish(mut self, out: &mut Dataset, header: usize, layout: Layout) {
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
            data_rows: (header + 1..t.cells.len())
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
