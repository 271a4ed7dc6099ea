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

use compact_str::CompactString;
use rustc_hash::{FxHashMap, FxHashSet};

use super::cells::{self, ValueCell};
use super::dates::{self, DateOrder, ParsedDate};
use super::headers::{is_footer_text, row_cells};
use super::layout::first_text;
use super::{Cell, ReadOptions, Table};
use crate::error::{Error, Result};
use crate::model::dataset::{Dataset, Layout, LayoutInfo};
use crate::model::finding::{Finding, FindingCode, Listing};
use crate::model::kpi::{name_key, KpiDef};
use crate::model::series::{Observations, Origin, LEFT_OUT};

/// One observation just read, for setting its targets.
#[derive(Clone, Copy)]
pub(super) struct Obs {
    kpi: usize,
    i: usize,
}

/// The first few of a kind of cell a finding names, and how many there are.
#[derive(Default)]
struct Places<T> {
    first: Vec<T>,
    count: usize,
}

impl<T> Places<T> {
    fn push(&mut self, t: T) {
        self.count += 1;
        if self.first.len() < 5 {
            self.first.push(t);
        }
    }
}

/// What reading a table has gathered so far: carried from chunk to chunk of a long
/// text file, so its findings and counts are the whole table's.
pub(in crate::ingest) struct State {
    /// This table's index in the store.
    origin_table: u32,
    /// KPI names as written → the store's KPI index (a lookup without allocating).
    ids: FxHashMap<String, usize>,
    /// The KPI of the row before, and its index: an export sorted by KPI names the
    /// same KPI row after row, and a comparison is cheaper than a lookup.
    last_kpi: (String, Option<usize>),
    /// The KPIs this table gave values for, in order of first appearance.
    kpis: Vec<usize>,
    seen: FxHashSet<usize>,
    /// How many KPIs the table named past the store's limit.
    left_out: usize,
    /// Observations with a value.
    values: usize,
    /// The first three KPI names as this table writes them (for `check`).
    shown: Vec<String>,
    defs: HashMap<String, KpiDef>,
    /// The definition of a KPI left out, written to and forgotten.
    scratch_def: Option<KpiDef>,
    /// Dates already parsed, by their text: a long export repeats each date once per
    /// KPI, and parsing is the costly part of reading a row.
    dates: FxHashMap<CompactString, ParsedDate>,
    /// The date text of the row before and its date: an export sorted by date repeats
    /// it row after row.
    last_date: Option<(CompactString, ParsedDate)>,
    /// The date order decided for the date column (from the first chunk that settles
    /// it), once the first chunk has been looked at.
    order: Option<DateOrder>,
    order_read: bool,
    /// The date texts already looked at for their order (after the first chunk).
    order_texts: FxHashSet<CompactString>,
    /// A wide table's KPI columns, decided from the header in the first chunk.
    wide: Option<Vec<wide::WideColumn>>,
    findings: Vec<Finding>,
    /// Which findings about cells are listed, and how many more there are.
    listing: Listing,
    excel_errors: Places<(usize, usize, String)>,
    /// Value cells holding a formula with no saved result.
    no_results: Places<(usize, usize)>,
    /// Rows skipped as notes or totals, and the first one's text.
    footer_rows: Places<usize>,
    footer_text: Option<String>,
    /// Rows below the header that hold anything.
    data_rows: usize,
    /// Rows with another field count than the header: how many, and the first with
    /// its count; the header's count, and where the finding goes among the findings.
    ragged: Places<(usize, usize)>,
    header_width: Option<usize>,
    ragged_at: usize,
}

/// Adds the observations of one table (or one chunk of it) to the dataset's store and
/// collects the findings while its rows are read.
pub(in crate::ingest) struct RowReader<'a> {
    table: &'a Table,
    opts: &'a ReadOptions,
    obs: &'a mut Observations,
    st: State,
}

impl<'a> RowReader<'a> {
    pub(in crate::ingest) fn new(
        table: &'a Table,
        opts: &'a ReadOptions,
        obs: &'a mut Observations,
    ) -> Self {
        let origin_table = obs.add_table(&table.file, table.sheet.as_deref());
        let st = State {
            origin_table,
            ids: FxHashMap::default(),
            last_kpi: (String::new(), None),
            kpis: Vec::new(),
            seen: FxHashSet::default(),
            left_out: 0,
            values: 0,
            shown: Vec::new(),
            defs: HashMap::new(),
            scratch_def: None,
            dates: FxHashMap::default(),
            last_date: None,
            order: None,
            order_read: false,
            order_texts: FxHashSet::default(),
            wide: None,
            findings: Vec::new(),
            listing: Listing::default(),
            excel_errors: Places::default(),
            no_results: Places::default(),
            footer_rows: Places::default(),
            footer_text: None,
            data_rows: 0,
            ragged: Places::default(),
            header_width: None,
            ragged_at: 0,
        };
        RowReader {
            table,
            opts,
            obs,
            st,
        }
    }

    /// Go on with the next chunk of the same table.
    pub(in crate::ingest) fn resume(
        table: &'a Table,
        opts: &'a ReadOptions,
        obs: &'a mut Observations,
        st: State,
    ) -> Self {
        RowReader {
            table,
            opts,
            obs,
            st,
        }
    }

    /// What this chunk added, to carry to the next.
    pub(in crate::ingest) fn pause(self) -> State {
        self.st
    }

    /// The definition this table gives `kpi` (unit, owner, …); for a KPI the store
    /// leaves out, a scratch one that is not kept.
    fn def(&mut self, kpi: &str) -> &mut KpiDef {
        let key = name_key(kpi);
        if !self.obs.keeps(&key) {
            return self.st.scratch_def.insert(KpiDef::new(kpi));
        }
        self.st.defs.entry(key).or_insert_with(|| KpiDef::new(kpi))
    }

    /// A row skipped as a note or total.
    fn footer(&mut self, r: usize) {
        if self.st.footer_text.is_none() {
            self.st.footer_text = Some(first_text(self.table, r));
        }
        self.st.footer_rows.push(r);
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
                self.st.excel_errors.push((r, c, e));
                None
            }
            ValueCell::NoResult => {
                self.st.no_results.push((r, c));
                None
            }
            ValueCell::Bad(why) => {
                let f = Finding::error(
                    FindingCode::BadValue,
                    format!("{why}; the cell was read as missing"),
                )
                .kpi(kpi);
                self.cell_finding(f, r, Some(c));
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
        let id = match self.st.last_kpi {
            (ref name, Some(id)) if name == kpi => id,
            _ => self.kpi_id(kpi),
        };
        self.st.values += usize::from(value.is_some());
        let origin = Origin {
            table: self.st.origin_table,
            row: r as u32 + 1,
        };
        let i = self.obs.push(id, date.date, date.grain, value, origin);
        Obs { kpi: id, i }
    }

    /// The store's index of KPI `kpi`, added to the store and to this table's KPIs the
    /// first time; remembered as the row's KPI.
    fn kpi_id(&mut self, kpi: &str) -> usize {
        let id = if let Some(&id) = self.st.ids.get(kpi) {
            id
        } else {
            let (id, first_here) = self.obs.kpi_in(kpi, self.st.origin_table);
            if id == LEFT_OUT {
                // Past the store's limit: counted, never remembered here (there may be
                // millions), so the store names the next row's KPI again.
                if first_here {
                    self.st.left_out += 1;
                    self.show(kpi);
                }
                self.st.last_kpi.1 = None;
                return id;
            }
            self.st.ids.insert(kpi.to_string(), id);
            id
        };
        if self.st.seen.insert(id) {
            self.st.kpis.push(id);
            self.show(kpi);
        }
        let last = &mut self.st.last_kpi;
        last.0.clear();
        last.0.push_str(kpi);
        last.1 = Some(id);
        id
    }

    /// Keep a KPI name new to this table for `check`, if fewer than three are kept.
    fn show(&mut self, kpi: &str) {
        if self.st.shown.len() < 3 {
            self.st.shown.push(kpi.to_string());
        }
    }

    /// The day/month order of date column `col` (docs/methods.md §1, "Dates"): decided
    /// by the first chunk whose dates settle it, and every later chunk must agree.
    fn date_order(&mut self, header: usize, col: usize) -> Result<Option<DateOrder>> {
        let t = self.table;
        let cells = t.rows_below(header).map(|r| (r, col, t.get(r, col)));
        let what = "the date column";
        if !self.st.order_read {
            self.st.order_read = true;
            self.st.order = cells::column_order(t, cells, self.opts, what)?;
            return Ok(self.st.order);
        }
        if self.opts.date_format.is_some() {
            return Ok(None);
        }
        // Each distinct date text is looked at once for the whole file: a long export
        // repeats its dates in every chunk.
        let seen = &mut self.st.order_texts;
        if seen.len() > 1_000_000 {
            seen.clear();
        }
        let mut new: Vec<&str> = Vec::new();
        let mut before: Option<&str> = None;
        for (_, _, c) in cells.clone() {
            if let Cell::Text(s) = c {
                // A text without a day and a month field (an ISO date, a label) can
                // neither settle the order nor contradict it, and is not looked up:
                // those lookups were a tenth of reading ten million ISO-dated rows.
                if before != Some(s.as_str())
                    && dates::may_have_day_month(s)
                    && seen.insert(s.clone())
                {
                    new.push(s.as_str());
                }
                before = Some(s.as_str());
            }
        }
        // Only a new text can be order-sensitive: one seen in an earlier chunk either
        // settled the order or, left open, already stopped the read.
        let sensitive = new.iter().any(|s| dates::is_order_sensitive(s));
        match (dates::infer_order(new), self.st.order) {
            (Ok(Some(o)), Some(decided)) if o != decided => Err(Error::Data(format!(
                "{}, {what}: the dates read {} in the rows before row {} and {} from there; fix the column or give --date-format",
                t.file,
                decided.as_str(),
                t.first_row + 1,
                o.as_str()
            ))),
            (Ok(Some(o)), _) => {
                self.st.order = Some(o);
                Ok(Some(o))
            }
            (Ok(None), Some(decided)) => Ok(Some(decided)),
            // Nothing in this chunk could be read either way (ISO dates, labels).
            (Ok(None), None) if !sensitive => Ok(None),
            // Unsettled, or mixed within the chunk: the column's own error, if any.
            _ => cells::column_order(t, cells, self.opts, what),
        }
    }

    /// A date cell parsed with the column's order; text dates through the cache.
    fn date(&mut self, cell: &Cell, order: Option<DateOrder>) -> Result<ParsedDate, String> {
        /// Distinct dates cached at most (ten thousand days is 27 years).
        const CACHED: usize = 100_000;
        let Cell::Text(text) = cell else {
            return cells::date_of(cell, order, self.opts, self.table.is_1904);
        };
        match &self.st.last_date {
            Some((last, d)) if last == text => return Ok(*d),
            _ => {}
        }
        let d = if let Some(&d) = self.st.dates.get(text.as_str()) {
            d
        } else {
            let d = cells::date_of(cell, order, self.opts, self.table.is_1904)?;
            if self.st.dates.len() >= CACHED {
                self.st.dates.clear();
            }
            self.st.dates.insert(text.clone(), d);
            d
        };
        self.st.last_date = Some((text.clone(), d));
        Ok(d)
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
        self.st.findings.push(self.table.at(f, r, Some(c)));
    }

    fn bad_date(&mut self, r: usize, c: usize, why: &str) {
        let f = Finding::error(FindingCode::BadDate, format!("{why}; the row was skipped"));
        self.cell_finding(f, r, Some(c));
    }

    /// A finding about cell `c` of row `r` (or the row, without `c`): listed, or only
    /// counted once its kind has been listed often enough (see [`Listing`]).
    fn cell_finding(&mut self, f: Finding, r: usize, c: Option<usize>) {
        if let Some(f) = self.st.listing.admit(self.table.at(f, r, c)) {
            self.st.findings.push(f);
        }
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
        self.cell_finding(f, r, col);
    }

    /// Count this chunk's rows below the header that hold anything, and (in text) those
    /// with another field count than the header: one finding for the table, placed
    /// before the findings of its cells.
    pub(in crate::ingest) fn count_rows(&mut self, header: usize) {
        self.start_count(header);
        for r in self.table.rows_below(header) {
            if !self.is_blank_row(r) {
                self.count_row(r);
            }
        }
    }

    /// Before a chunk's rows are counted one by one as they are read ([`count_row`]):
    /// the header's width, and where the table's finding about ragged rows will go.
    ///
    /// [`count_row`]: RowReader::count_row
    pub(super) fn start_count(&mut self, header: usize) {
        if self.st.header_width.is_none() {
            self.st.header_width = Some(row_cells(self.table, header).len());
            self.st.ragged_at = self.st.findings.len();
        }
    }

    /// Count row `r`, one that holds something (see [`count_rows`]).
    ///
    /// [`count_rows`]: RowReader::count_rows
    pub(super) fn count_row(&mut self, r: usize) {
        self.st.data_rows += 1;
        let len = row_cells(self.table, r).len();
        if self.table.from_text && Some(len) != self.st.header_width {
            self.st.ragged.push((r, len));
        }
    }

    fn ragged_finding(&mut self) {
        let Some(&(first, len)) = self.st.ragged.first.first() else {
            return;
        };
        let width = self.st.header_width.unwrap_or(0);
        let f = Finding::warning(
            FindingCode::RaggedRow,
            format!(
                "{} row(s) have a different number of fields than the header's {width} (row {} has {len}); extra fields were ignored and missing ones read as empty",
                self.st.ragged.count,
                first + 1,
            ),
        );
        let at = self.st.ragged_at.min(self.st.findings.len());
        self.st.findings.insert(at, self.table.at(f, first, None));
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
        let unlisted = std::mem::take(&mut self.st.listing).closing();
        self.st.findings.extend(unlisted);
        self.ragged_finding();
        if let Some(&(r, c, _)) = self.st.excel_errors.first.first() {
            let places = self
                .st
                .excel_errors
                .first
                .iter()
                .map(|(r, c, e)| format!("{e} at {}", cell_name(*r, *c)));
            let f = Finding::warning(
                FindingCode::ExcelErrorCell,
                format!(
                    "{} error value(s) (Excel errors such as #N/A, or NaN) read as missing: {}",
                    self.st.excel_errors.count,
                    first_five(places, self.st.excel_errors.count)
                ),
            );
            self.st.findings.push(t.at(f, r, Some(c)));
        }
        if let Some(&(r, c)) = self.st.no_results.first.first() {
            let places = self
                .st
                .no_results
                .first
                .iter()
                .map(|(r, c)| cell_name(*r, *c));
            let f = Finding::warning(
                FindingCode::FormulaWithoutValue,
                format!(
                    "{} formula cell(s) have no saved result and were read as missing: {}; {}",
                    self.st.no_results.count,
                    first_five(places, self.st.no_results.count),
                    cells::RECALCULATE
                ),
            );
            self.st.findings.push(t.at(f, r, Some(c)));
        }
        if let Some(&first) = self.st.footer_rows.first.first() {
            let f = Finding::info(
                FindingCode::FooterRowsSkipped,
                format!(
                    "{} row(s) below or between the data were skipped as notes or totals, starting with '{}'",
                    self.st.footer_rows.count,
                    self.st.footer_text.clone().unwrap_or_default()
                ),
            );
            self.st.findings.push(t.at(f, first, None));
        }
        let layout = LayoutInfo {
            file: t.file.clone(),
            sheet: t.sheet.clone(),
            layout,
            header_row: Some(header as u32 + 1),
            kpis: self.st.kpis.len() + self.st.left_out,
            values: self.st.values,
            data_rows: self.st.data_rows,
            kpi_names: self.st.shown,
        };
        let mut defs: Vec<KpiDef> = self.st.defs.into_values().collect();
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        Finished {
            layout,
            defs,
            findings: self.st.findings,
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

/// The first five of `total` places, and how many more: "C3, C4 and 12 more".
fn first_five(items: impl Iterator<Item = String>, total: usize) -> String {
    let items: Vec<String> = items.take(5).collect();
    let shown = items.join(", ");
    match total.saturating_sub(items.len()) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}
