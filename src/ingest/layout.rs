/*!
Layout detection: which of the three shapes a table has, and where its header is.

- *long*: date, KPI-name and value columns (plus optional target/owner/unit columns);
- *wide*: a date column and one column per KPI (`<KPI> target` columns are targets);
- *periods across*: KPI names down the first text column, periods across the header.

Title rows above the header and notes/total rows below the data are skipped with info
findings; subtotal period columns are skipped; a text column of a wide sheet is not a
KPI; a '<KPI> target' row of a periods-across sheet holds targets. Header words and
two-row headers (years over months, periods over Actual | Target) are read in
`headers.rs`, the rows of the detected shape in `rows.rs`; Definitions and Targets
sheets are recognised by name (`special.rs`). The config can force the layout and
column names of a file or sheet (`[[input]]`).
*/
use super::cells;
use super::headers::{
    header_role, names_below, norm, paired_header, part_of_year, row_cells, serial_dates,
    two_row_header, Role,
};
use super::rows::RowReader;
use super::{special, Cell, InputOverride, ReadOptions, Table};
use crate::error::Result;
use crate::model::dataset::{Dataset, Layout, LayoutInfo};
use crate::model::finding::{Finding, FindingCode};
use crate::model::period::Grain;

/// How many rows from the top we search for the header.
const HEADER_SEARCH_ROWS: usize = 30;

/// Sheets read as definitions or targets rather than data.
pub fn is_special_sheet(name: &str) -> bool {
    special::kind_of(name).is_some()
}

/// Read one whole table into `out`.
pub fn read_table(table: &Table, opts: &ReadOptions, out: &mut Dataset) -> Result<()> {
    read_chunks(table, &mut std::iter::empty(), &mut drop, opts, out)
}

/// Read one table into `out`: its first chunk of rows, and the chunks after it when it
/// is a long text file (the layout is detected in the first). Each later chunk goes to
/// `done` once its rows are read, so its memory can hold a chunk still to come.
pub fn read_chunks(
    table: &Table,
    more: &mut dyn Iterator<Item = Table>,
    done: &mut dyn FnMut(Table),
    opts: &ReadOptions,
    out: &mut Dataset,
) -> Result<()> {
    if let Some(kind) = table.sheet.as_deref().and_then(special::kind_of) {
        return special::read(kind, table, opts, out);
    }
    let over = find_override(table, opts);
    let Some((header, shape)) = detect(table, opts, over) else {
        no_layout(table, out);
        return Ok(());
    };
    title_rows(table, header, &shape, out);
    if matches!(shape, Shape::Across { .. }) {
        // A KPI's targets may sit in any row of a periods-across table ('<KPI> target'),
        // so such a table is read whole.
        let mut whole: Option<Table> = None;
        for chunk in &mut *more {
            whole
                .get_or_insert_with(|| table.clone())
                .cells
                .append(chunk.cells);
        }
        if let Some(whole) = whole {
            return read_rows_of(
                &whole,
                &mut std::iter::empty(),
                done,
                (header, &shape),
                opts,
                out,
            );
        }
    }
    read_rows_of(table, more, done, (header, &shape), opts, out)
}

/// The rows below the header, chunk by chunk, with one reader's state carried through.
fn read_rows_of(
    table: &Table,
    more: &mut dyn Iterator<Item = Table>,
    done: &mut dyn FnMut(Table),
    (header, shape): (usize, &Shape),
    opts: &ReadOptions,
    out: &mut Dataset,
) -> Result<()> {
    let mut reader = RowReader::new(table, opts, &mut out.observations);
    let layout = read_rows(&mut reader, header, shape)?;
    let mut state = reader.pause();
    for chunk in more {
        let mut reader = RowReader::resume(&chunk, opts, &mut out.observations, state);
        read_rows(&mut reader, header, shape)?;
        state = reader.pause();
        done(chunk);
    }
    RowReader::resume(table, opts, &mut out.observations, state)
        .finish(header, layout)
        .into(out);
    Ok(())
}

/// One chunk's rows, by the layout's reader.
fn read_rows(reader: &mut RowReader, header: usize, shape: &Shape) -> Result<Layout> {
    Ok(match shape {
        // The long reader counts the rows as it reads them.
        Shape::Long(cols) => {
            reader.long(header, cols)?;
            Layout::Long
        }
        Shape::Wide { date } => {
            reader.count_rows(header);
            reader.wide(header, *date)?;
            Layout::Wide
        }
        Shape::Across {
            name,
            years,
            serials,
        } => {
            reader.count_rows(header);
            reader.across(header, *name, *years, *serials)?;
            Layout::PeriodsAcross
        }
    })
}

/// A table with no layout kpilens recognises: empty, or skipped with a finding.
fn no_layout(table: &Table, out: &mut Dataset) {
    let layout = if table.cells.iter().all(|r| r.iter().all(Cell::is_empty)) {
        Layout::Empty
    } else {
        out.findings.push(table.at(
            Finding::warning(
                FindingCode::LayoutNotDetected,
                "no header row with a date/period column (long or wide layout) or with periods across (periods-across layout) was found in the first 30 rows; the table was skipped",
            ),
            0,
            None,
        ));
        Layout::Unknown
    };
    out.layouts.push(LayoutInfo {
        file: table.file.clone(),
        sheet: table.sheet.clone(),
        layout,
        header_row: None,
        kpis: 0,
        values: 0,
        data_rows: 0,
        kpi_names: Vec::new(),
    });
}

/// `title_rows_skipped` for the rows above the header that hold anything.
fn title_rows(table: &Table, header: usize, shape: &Shape, out: &mut Dataset) {
    // The upper of two header rows (years, or periods over Actual | Target) is read,
    // not skipped.
    let upper = match shape {
        Shape::Across { years, .. } => *years,
        _ => None,
    };
    let skipped_above: Vec<usize> = (0..header)
        .filter(|&r| Some(r) != upper)
        .filter(|&r| table.row(r).iter().any(|c| !c.is_empty()))
        .collect();
    if let Some(&first) = skipped_above.first() {
        out.findings.push(table.at(
            Finding::info(
                FindingCode::TitleRowsSkipped,
                format!(
                    "{} row(s) above the header (row {}) were skipped, starting with '{}'",
                    skipped_above.len(),
                    header + 1,
                    first_text(table, first)
                ),
            ),
            first,
            None,
        ));
    }
}

pub(super) fn first_text(table: &Table, r: usize) -> String {
    table
        .row(r)
        .iter()
        .find(|c| !c.is_empty())
        .map(|c| c.text().chars().take(60).collect())
        .unwrap_or_default()
}

fn find_override<'a>(table: &Table, opts: &'a ReadOptions) -> Option<&'a InputOverride> {
    opts.overrides.iter().find(|o| {
        let file_ok = table.file.ends_with(&o.file)
            || std::path::Path::new(&table.file)
                .file_name()
                .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(&o.file));
        let sheet_ok = match (&o.sheet, &table.sheet) {
            (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
            (Some(_), None) => false,
            (None, _) => true,
        };
        file_ok && sheet_ok
    })
}

/// Column indices of a long table.
#[derive(Debug, Clone, Default)]
pub(super) struct LongCols {
    pub(super) date: usize,
    pub(super) kpi: usize,
    pub(super) value: usize,
    pub(super) roles: Vec<(usize, Role)>,
    /// With `date` a Year column: the Month or Quarter column that completes it.
    pub(super) part: Option<(usize, Grain)>,
}

#[derive(Debug, Clone)]
enum Shape {
    Long(LongCols),
    Wide {
        date: usize,
    },
    /// `years`: the row above the header that names the year over month or quarter
    /// headers without one (`2024` merged over `Jan` … `Dec`).
    /// `serials`: the header's periods are Excel serial numbers without a date format.
    Across {
        name: usize,
        years: Option<usize>,
        serials: bool,
    },
}

/// Find the header row and the layout: the first of the candidate rows (the forced
/// header row, else the first 30) where one of the detectors — periods across with two
/// header rows, periods across, long, wide — recognises its shape.
fn detect(
    table: &Table,
    opts: &ReadOptions,
    over: Option<&InputOverride>,
) -> Option<(usize, Shape)> {
    let forced = over.and_then(|o| o.layout);
    let wants = |layout: Layout| forced.is_none_or(|f| f == layout);
    let rows: Vec<usize> = match over.and_then(|o| o.header_row) {
        Some(h) if h >= 1 => vec![h as usize - 1],
        _ => (table.first_row..table.end().min(HEADER_SEARCH_ROWS)).collect(),
    };
    for r in rows {
        if wants(Layout::PeriodsAcross) {
            match two_row_across(table, r, opts) {
                TwoRows::Below => continue,
                TwoRows::Here(shape) => return Some((r, shape)),
                TwoRows::No => {}
            }
        }
        // Dates that lost their format on the way out: serial numbers across a header.
        let serials = serial_dates(table, r);
        let row: &[Cell] = serials.as_deref().unwrap_or(row_cells(table, r));
        if row.iter().filter(|c| !c.is_empty()).count() < 2 {
            continue;
        }
        let candidate = Candidate {
            table,
            opts,
            over,
            r,
            row,
        };
        if let Some(shape) = candidate.across(forced, serials.is_some()) {
            return Some((r, shape));
        }
        if wants(Layout::Long) {
            if let Some(shape) = candidate.long() {
                return Some((r, shape));
            }
        }
        if wants(Layout::Wide) {
            if let Some(shape) = candidate.wide(forced.is_some()) {
                return Some((r, shape));
            }
        }
    }
    None
}

/// What two header rows say about row `r`.
enum TwoRows {
    /// The row below completes this one: the header is further down.
    Below,
    /// `r` is the lower of two header rows (years over months, periods over
    /// Actual | Target).
    Here(Shape),
    No,
}

/// Two header rows: years above, months (or quarters) below, or periods above Actual |
/// Target. The upper row is not the header; the lower one is, completed by it.
fn two_row_across(table: &Table, r: usize, opts: &ReadOptions) -> TwoRows {
    let split = |r: usize| two_row_header(table, r) || paired_header(table, r, opts);
    if r + 1 < table.end() && split(r + 1) {
        return TwoRows::Below;
    }
    if r == 0 || !split(r) {
        return TwoRows::No;
    }
    let row = row_cells(table, r);
    let sub_header = |c: &Cell| {
        part_of_year(c).is_some()
            || matches!(header_role(&c.text()), Some(Role::Value | Role::Target))
    };
    let name = row
        .iter()
        .position(|c| !c.is_empty() && !sub_header(c))
        .or_else(|| {
            let first = row.iter().position(sub_header)?;
            (0..first).find(|&c| names_below(table, r, c))
        });
    match name {
        Some(name) => TwoRows::Here(Shape::Across {
            name,
            years: Some(r - 1),
            serials: false,
        }),
        None => TwoRows::No,
    }
}

/// One candidate header row and what the detectors need to judge it.
struct Candidate<'a> {
    table: &'a Table,
    opts: &'a ReadOptions,
    over: Option<&'a InputOverride>,
    r: usize,
    /// The row's cells, serial-number dates already made dates.
    row: &'a [Cell],
}

impl Candidate<'_> {
    /// The column the override names, else the first whose header has `role`.
    fn named(&self, want: Option<&String>, role: Role) -> Option<usize> {
        match want {
            Some(w) => self.row.iter().position(|c| norm(&c.text()) == norm(w)),
            None => self
                .row
                .iter()
                .position(|c| header_role(&c.text()) == Some(role)),
        }
    }

    fn is_period(&self, c: &Cell) -> bool {
        cells::looks_like_period(c, self.opts)
    }

    /// Periods across: at least two period headers, making up half the row or more (or
    /// the layout forced); the KPI names in the first labelled column, or — pivot
    /// exports leave the corner empty — the first column left of the periods that
    /// holds text below.
    fn across(&self, forced: Option<Layout>, serials: bool) -> Option<Shape> {
        let filled = self.row.iter().filter(|c| !c.is_empty()).count();
        let periods = self.row.iter().filter(|c| self.is_period(c)).count();
        let across_ok = periods >= 2 && periods * 2 >= filled.saturating_sub(1);
        if !(forced == Some(Layout::PeriodsAcross) || (forced.is_none() && across_ok)) {
            return None;
        }
        let labelled = self
            .row
            .iter()
            .position(|c| !c.is_empty() && !self.is_period(c));
        let first_period = self.row.iter().position(|c| self.is_period(c));
        let unlabelled =
            || (0..first_period.unwrap_or(0)).find(|&c| names_below(self.table, self.r, c));
        let name = labelled.or_else(unlabelled)?;
        let name = self
            .named(self.over.and_then(|o| o.kpi.as_ref()), Role::Kpi)
            .filter(|&k| !self.is_period(&self.row[k]))
            .unwrap_or(name);
        Some(Shape::Across {
            name,
            years: None,
            serials,
        })
    }

    /// Long: date, KPI and value columns by header (or as the override names them);
    /// a Year column with a Month or Quarter column makes the period (ERP exports).
    fn long(&self) -> Option<Shape> {
        let over = self.over;
        let date = self.named(over.and_then(|o| o.date.as_ref()), Role::Date)?;
        let kpi = self.named(over.and_then(|o| o.kpi.as_ref()), Role::Kpi)?;
        let value = self.named(over.and_then(|o| o.value.as_ref()), Role::Value)?;
        let titled = |t: &str| self.row.iter().position(|c| norm(&c.text()) == t);
        let free_date = over.is_none_or(|o| o.date.is_none());
        let (date, part) = match (titled("year"), titled("month"), titled("quarter")) {
            (Some(y), Some(m), _) if free_date => (y, Some((m, Grain::Month))),
            (Some(y), None, Some(q)) if free_date => (y, Some((q, Grain::Quarter))),
            _ => (date, None),
        };
        let part_col = part.map(|(c, _)| c);
        let mut roles: Vec<(usize, Role)> = self
            .row
            .iter()
            .enumerate()
            .filter_map(|(c, cell)| header_role(&cell.text()).map(|role| (c, role)))
            .filter(|(c, _)| ![date, kpi, value].contains(c) && Some(*c) != part_col)
            .collect();
        if let Some(t) = over.and_then(|o| o.target.as_ref()) {
            if let Some(c) = self.row.iter().position(|c| norm(&c.text()) == norm(t)) {
                roles.retain(|(_, role)| *role != Role::Target);
                roles.push((c, Role::Target));
            }
        }
        Some(Shape::Long(LongCols {
            date,
            kpi,
            value,
            roles,
            part,
        }))
    }

    /// Wide: a date column by header, or the first column whose cells below are
    /// dates; not when the row also names a KPI column (that is a long table missing
    /// its value column), unless the layout is forced.
    fn wide(&self, forced: bool) -> Option<Shape> {
        let over = self.over;
        let kpi = self.named(over.and_then(|o| o.kpi.as_ref()), Role::Kpi);
        let date = self
            .named(over.and_then(|o| o.date.as_ref()), Role::Date)
            .or_else(|| (0..self.row.len()).find(|&c| self.dates_below(c)))?;
        (forced || kpi.is_none()).then_some(Shape::Wide { date })
    }

    /// Are at least 80% of the filled cells of the ten rows below in column `c` dates?
    fn dates_below(&self, c: usize) -> bool {
        let t = self.table;
        let below: Vec<&Cell> = (self.r + 1..t.end().min(self.r + 11))
            .map(|rr| t.get(rr, c))
            .filter(|c| !c.is_empty())
            .collect();
        !below.is_empty()
            && below.iter().filter(|c| self.is_period(c)).count() * 10 >= below.len() * 8
    }
}
