//! The wide layout: a date column and one column per KPI; `<KPI> target` columns are
//! targets.
use super::*;

impl RowReader<'_> {
    /// Wide layout: one column per KPI; `<KPI> target` columns are targets.
    pub(in crate::ingest) fn wide(&mut self, header: usize, date_col: usize) -> Result<()> {
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
}
