//! Periods across: KPI names down one column, one period per header column (with the
//! header's two-row forms), target rows and target columns, subtotal columns skipped.
use super::*;

impl RowReader<'_> {
    /// Periods across: KPI names down `name_col`, one period per header column.
    pub(in crate::ingest) fn across(
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
        let mut periods: Vec<(usize, crate::ingest::dates::ParsedDate)> = Vec::new();
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
        periods: &mut Vec<(usize, crate::ingest::dates::ParsedDate)>,
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
}
