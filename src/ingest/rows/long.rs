//! The long layout: one observation per row, with its target and attribute columns.
use super::RowReader;
use crate::error::Result;
use crate::ingest::cells;
use crate::ingest::headers::{year_and_part, Role};
use crate::ingest::layout::LongCols;
use crate::ingest::special;
use crate::model::finding::{Finding, FindingCode};

impl RowReader<'_> {
    /// Long layout: one observation per row.
    pub(in crate::ingest) fn long(&mut self, header: usize, cols: &LongCols) -> Result<()> {
        let rows = self.table.rows_below(header);
        let t = self.table;
        // Rows are counted as they are read, not in a pass of their own (the finding
        // about ragged rows still goes before any other of the table's).
        self.start_count(header);
        let order = self.date_order(header, cols.date)?;
        for r in rows {
            if self.is_blank_row(r) {
                continue;
            }
            self.count_row(r);
            let kpi = t.get(r, cols.kpi).text_ref();
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
                None => self.date(t.get(r, cols.date), order),
            };
            let date = match parsed {
                Ok(d) => d,
                Err(why) => {
                    if self.looks_like_footer(r) {
                        self.footer(r);
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
                self.cell_finding(f, r, Some(cols.kpi));
                continue;
            }
            let value = self.value(r, cols.value, &kpi);
            let i = self.push(&kpi, date, r, value);
            let mut band_cols = (None, None);
            for &(c, role) in &cols.roles {
                match role {
                    Role::Target | Role::TargetMin | Role::TargetMax => {
                        let v = self.value(r, c, &kpi);
                        match role {
                            Role::Target => self.set_target(i, v),
                            Role::TargetMin => {
                                self.set_band(i, 0, v);
                                band_cols.0 = Some(c);
                            }
                            _ => {
                                self.set_band(i, 1, v);
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
}
