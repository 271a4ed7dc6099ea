//! The wide layout: a date column and one column per KPI; `<KPI> target` columns are
//! targets.
use std::collections::HashMap;

use super::RowReader;
use crate::error::Result;
use crate::ingest::cells;
use crate::ingest::headers::{
    fractions_only, header_role, is_text_column, row_cells, split_unit, target_of,
};
use crate::model::finding::{Finding, FindingCode};
use crate::model::kpi::name_key;

/// One KPI column of a wide table and the target columns that belong to it.
pub(super) struct WideColumn {
    col: usize,
    kpi: String,
    targets: Vec<usize>,
}

impl RowReader<'_> {
    /// Wide layout: one column per KPI; `<KPI> target` columns are targets.
    pub(in crate::ingest) fn wide(&mut self, header: usize, date_col: usize) -> Result<()> {
        let t = self.table;
        // The header is in the first chunk: its columns are decided there.
        let columns = match self.st.wide.take() {
            Some(columns) => columns,
            None => self.wide_columns(header, date_col),
        };
        let rows = t.rows_below(header);
        let order = self.date_order(header, date_col)?;
        for r in rows {
            if self.is_blank_row(r) {
                continue;
            }
            let date = match cells::date_of(t.get(r, date_col), order, self.opts, t.is_1904) {
                Ok(d) => d,
                Err(why) => {
                    if self.looks_like_footer(r) {
                        self.footer(r);
                    } else {
                        self.bad_date(r, date_col, &why);
                    }
                    continue;
                }
            };
            for col in &columns {
                let value = self.value(r, col.col, &col.kpi);
                let i = self.push(&col.kpi, date, r, value);
                for &tc in &col.targets {
                    let v = self.value(r, tc, &col.kpi);
                    self.set_target(i, v);
                }
            }
        }
        self.st.wide = Some(columns);
        Ok(())
    }

    /// The header's KPI columns, each with its target columns.
    fn wide_columns(&mut self, header: usize, date_col: usize) -> Vec<WideColumn> {
        let t = self.table;
        let mut kpi_cols: Vec<(usize, String)> = Vec::new();
        let mut target_cols: Vec<(usize, String)> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (c, cell) in row_cells(t, header).iter().enumerate() {
            if c == date_col {
                continue;
            }
            let name = cell.text();
            if let Some(kpi) = target_of(&name) {
                // 'Revenue (USD) target' belongs to 'Revenue' too.
                target_cols.push((c, name_key(&split_unit(&kpi).0)));
            } else if let Some(kpi) = self.wide_kpi(header, c, &name, &seen) {
                seen.insert(name_key(&kpi), c);
                kpi_cols.push((c, kpi));
            }
        }
        kpi_cols
            .into_iter()
            .map(|(col, kpi)| {
                let key = name_key(&kpi);
                let targets = target_cols
                    .iter()
                    .filter(|(_, tk)| *tk == key)
                    .map(|(tc, _)| *tc)
                    .collect();
                WideColumn { col, kpi, targets }
            })
            .collect()
    }

    /// The KPI a header cell names, or `None` (with a finding where the reader should
    /// know) for what is not one: no header over data, a role word (Owner, Unit), a
    /// header repeated, a column of text. A unit in brackets ('Revenue (USD)',
    /// 'AHT [min]') is the KPI's unit; a '%' unit means fractions (0.35 is 35%), so a
    /// column of percent points (35) gets "% points", shown as plain numbers.
    fn wide_kpi(
        &mut self,
        header: usize,
        c: usize,
        name: &str,
        seen: &HashMap<String, usize>,
    ) -> Option<String> {
        let t = self.table;
        if name.is_empty() {
            if t.rows_below(header).any(|r| !t.get(r, c).is_empty()) {
                let f = Finding::warning(
                    FindingCode::DuplicateHeader,
                    "a column with data has no header; it was skipped",
                );
                self.st.findings.push(t.at(f, header, Some(c)));
            }
            return None;
        }
        if header_role(name).is_some() {
            return None;
        }
        if let Some(&first) = seen.get(&name_key(name)) {
            let f = Finding::warning(
                FindingCode::DuplicateHeader,
                format!(
                    "'{name}' is also the header of column {}; this column was skipped",
                    crate::model::finding::column_letter(first as u32)
                ),
            );
            self.st.findings.push(t.at(f, header, Some(c)));
            return None;
        }
        if is_text_column(t, header, c) {
            // 'Comment', 'Business unit': a wide sheet's KPI columns hold numbers.
            let f = Finding::info(
                FindingCode::TextColumnSkipped,
                format!("column '{name}' holds text, not numbers; it was not read as a KPI"),
            );
            self.st.findings.push(t.at(f, header, Some(c)));
            return None;
        }
        let (name, unit) = split_unit(name);
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
        Some(name)
    }
}
