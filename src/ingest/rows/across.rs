//! Periods across: KPI names down one column, one period per header column (with the
//! header's two-row forms), target rows and target columns, subtotal columns skipped.
use std::collections::HashMap;

use chrono::NaiveDate;

use super::{first_five, RowReader};
use crate::error::Result;
use crate::ingest::cells::{self, ValueCell};
use crate::ingest::dates::ParsedDate;
use crate::ingest::headers::{
    header_role, is_footer_text, looks_dateish, paired_header, row_cells, serial_dates, target_of,
    with_periods_above, with_years, Role,
};
use crate::ingest::{special, Cell, Table};
use crate::model::finding::{Finding, FindingCode};
use crate::model::kpi::name_key;
use crate::model::period::Grain;

/// What the header of a periods-across table says.
struct AcrossHeader {
    /// The period columns.
    periods: Vec<(usize, ParsedDate)>,
    /// Attribute columns (Target, Owner, Unit, …).
    attrs: Vec<(usize, Role)>,
    /// Under periods over Actual | Target: each period's Target column.
    period_targets: HashMap<NaiveDate, usize>,
}

/// Rows named '<KPI> target' (or 'Target <KPI>') for a KPI named in another row: they
/// hold that KPI's targets, as such columns do in a wide sheet.
struct TargetRows {
    rows: std::collections::HashSet<usize>,
    by_kpi: HashMap<String, usize>,
}

impl TargetRows {
    fn of(t: &Table, header: usize, name_col: usize) -> TargetRows {
        let names: std::collections::HashSet<String> = t
            .rows_below(header)
            .map(|r| name_key(&t.get(r, name_col).text()))
            .collect();
        let mut out = TargetRows {
            rows: std::collections::HashSet::new(),
            by_kpi: HashMap::new(),
        };
        for r in t.rows_below(header) {
            let Some(kpi) = target_of(&t.get(r, name_col).text()).map(|k| name_key(&k)) else {
                continue;
            };
            if names.contains(&kpi) {
                out.rows.insert(r);
                // The first '<name> target' row of a KPI is its targets.
                out.by_kpi.entry(kpi).or_insert(r);
            }
        }
        out
    }
}

impl RowReader<'_> {
    /// Periods across: KPI names down `name_col`, one period per header column.
    pub(in crate::ingest) fn across(
        &mut self,
        header: usize,
        name_col: usize,
        years: Option<usize>,
        serials: bool,
    ) -> Result<()> {
        let head = self.across_header(header, name_col, years, serials)?;
        let t = self.table;
        let targets = TargetRows::of(t, header, name_col);
        for r in t.rows_below(header) {
            if self.is_blank_row(r) {
                continue;
            }
            let name = t.get(r, name_col).text();
            if self.is_note_row(r, &name, &head) {
                self.footer(r);
                continue;
            }
            if targets.rows.contains(&r) {
                continue;
            }
            let target_row = targets.by_kpi.get(&name_key(&name)).copied();
            self.across_row(r, &name, &head, target_row);
        }
        Ok(())
    }

    /// The header of a periods-across table: its period columns (mistyped ones named in
    /// findings, subtotal ones skipped, repeated ones noted), its attribute columns and,
    /// under periods over Actual | Target, each period's target column.
    fn across_header(
        &mut self,
        header: usize,
        name_col: usize,
        years: Option<usize>,
        serials: bool,
    ) -> Result<AcrossHeader> {
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
        let mut periods: Vec<(usize, ParsedDate)> = Vec::new();
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
        self.repeated_periods(header, &periods);
        Ok(AcrossHeader {
            periods,
            attrs,
            period_targets,
        })
    }

    /// A period heading two columns: both are read (and combined), with a finding.
    fn repeated_periods(&mut self, header: usize, periods: &[(usize, ParsedDate)]) {
        let t = self.table;
        let mut seen = HashMap::new();
        for &(c, p) in periods {
            if let Some(prev) = seen.insert(p.date, c) {
                let f = Finding::warning(
                    FindingCode::DuplicateHeader,
                    format!(
                        "the period '{}' also heads column {}; both are read and combined",
                        t.get(header, c).text(),
                        crate::model::finding::column_letter(prev as u32)
                    ),
                );
                self.st.findings.push(t.at(f, header, Some(c)));
            }
        }
    }

    /// A row that is not a KPI: no name, a footer word, a section heading (no values
    /// and no attributes; a row of '-' is as empty as a row of blanks), or a note. A row
    /// of formulas without saved results is a KPI whose values are missing (and named
    /// in a finding), not a note.
    fn is_note_row(&self, r: usize, name: &str, head: &AcrossHeader) -> bool {
        let t = self.table;
        let has_values = head.periods.iter().any(|(c, _)| {
            !matches!(
                cells::value_of(t.get(r, *c), t.decimal_comma),
                ValueCell::Missing
            )
        });
        let section = !has_values && head.attrs.iter().all(|(c, _)| t.get(r, *c).is_empty());
        name.is_empty()
            || is_footer_text(name)
            || section
            || (!has_values && self.looks_like_footer(r))
    }

    /// One KPI row: its attributes and band, then one observation per period with the
    /// period's target (from the period's Target column, the row '<name> target', or a
    /// Target column beside the periods, in that order).
    fn across_row(&mut self, r: usize, name: &str, head: &AcrossHeader, target_row: Option<usize>) {
        let t = self.table;
        // A Target column beside the periods is a data target for every period.
        let mut targets = [None; 3];
        for &(c, role) in &head.attrs {
            let text = t.get(r, c).text();
            if text.is_empty() {
                continue;
            }
            match role {
                Role::Target => targets[0] = self.value(r, c, name),
                Role::TargetMin => targets[1] = self.value(r, c, name),
                Role::TargetMax => targets[2] = self.value(r, c, name),
                _ => {
                    special::set_attribute(self.def(name), role, &text);
                }
            }
        }
        if let (Some(lo), Some(hi)) = (targets[1], targets[2]) {
            if lo > hi {
                let col = head
                    .attrs
                    .iter()
                    .find(|(_, role)| *role == Role::TargetMin)
                    .map(|(c, _)| *c);
                self.bad_band(name, r, col, (lo, hi), "the periods of this row have");
                [targets[1], targets[2]] = [None, None];
            }
        }
        self.def(name);
        for &(c, p) in &head.periods {
            let value = self.value(r, c, name);
            let row_target = target_row.and_then(|tr| self.value(tr, c, name));
            let row_target = match head.period_targets.get(&p.date) {
                Some(&tc) => self.value(r, tc, name),
                None => row_target,
            };
            let i = self.push(name, p, r, value);
            self.set_target(i, row_target.or(targets[0]));
            self.set_band(i, 0, targets[1]);
            self.set_band(i, 1, targets[2]);
        }
    }

    /// Period columns coarser than the others (quarter and year subtotals among month
    /// columns, an 'FY 2024' total at the end) are subtotals, not more observations:
    /// they are dropped, with one finding, so they are never averaged into the months.
    /// The finest period length present is the series': labelled columns carry their
    /// own, date cells the one their spacing gives.
    fn skip_subtotal_columns(&mut self, header: usize, periods: &mut Vec<(usize, ParsedDate)>) {
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
                first_five(names, coarser.len())
            ),
        );
        self.st.findings.push(t.at(f, header, Some(first)));
        periods.retain(|(c, _)| !coarser.contains(c));
    }
}
