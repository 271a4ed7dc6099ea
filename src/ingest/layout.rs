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
use super::{special, Cell, ReadOptions, Table};
use crate::model::dataset::{Dataset, LayoutInfo};
use crate::model::finding::{Finding, FindingCode};
use crate::config::InputOverride;
use crate::error::Result;
use crate::model::period::Grain;

/// How many rows from the top we search for the header.
const HEADER_SEARCH_ROWS: usize = 30;

/// Sheets read as definitions or targets rather than data.
pub fn is_special_sheet(name: &str) -> bool {
    special::kind_of(name).is_some()
}

/// Read one table into `out`.
pub fn read_table(table: &Table, opts: &ReadOptions, out: &mut Dataset) -> Result<()> {
    if let Some(kind) = table.sheet.as_deref().and_then(special::kind_of) {
        return special::read(kind, table, opts, out);
    }
    let over = find_override(table, opts);
    let Some((header, shape)) = detect(table, opts, over) else {
        let layout = if table.cells.iter().all(|r| r.iter().all(Cell::is_empty)) {
            "empty"
        } else {
            out.findings.push(table.at(
                Finding::warning(
                    FindingCode::LayoutNotDetected,
                    "no header row with a date/period column (long or wide layout) or with periods across (periods-across layout) was found in the first 30 rows; the table was skipped",
                ),
                0,
                None,
            ));
            "unknown"
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
        return Ok(());
    };
    let skipped_above: Vec<usize> = (0..header)
        .filter(|&r| {
            table
                .cells
                .get(r)
                .is_some_and(|row| row.iter().any(|c| !c.is_empty()))
        })
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
    let mut reader = RowReader::new(table, opts);
    reader.check_ragged(header);
    let layout = match shape {
        Shape::Long(cols) => {
            reader.long(header, &cols)?;
            "long"
        }
        Shape::Wide { date } => {
            reader.wide(header, date)?;
            "wide"
        }
        Shape::Across {
            name,
            years,
            serials,
        } => {
            reader.across(header, name, years, serials)?;
            "periods_across"
        }
    };
    reader.finish(out, header, layout);
    Ok(())
}

pub(super) fn first_text(table: &Table, r: usize) -> String {
    table.cells[r]
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

/// Find the header row and the layout.
fn detect(
    table: &Table,
    opts: &ReadOptions,
    over: Option<&InputOverride>,
) -> Option<(usize, Shape)> {
    let forced = over.and_then(|o| o.layout.as_deref()).map(norm);
    let rows: Vec<usize> = match over.and_then(|o| o.header_row) {
        Some(h) if h >= 1 => vec![h as usize - 1],
        _ => (0..table.cells.len().min(HEADER_SEARCH_ROWS)).collect(),
    };
    for r in rows {
        let row = row_cells(table, r);
        // Two header rows: years above, months (or quarters) below. The year row is
        // not the header; the month row is, completed by it.
        if forced.as_deref().is_none_or(|f| f == "periods across") {
            let split = |r: usize| two_row_header(table, r) || paired_header(table, r, opts);
            if r + 1 < table.cells.len() && split(r + 1) {
                continue;
            }
            if r > 0 && split(r) {
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
                if let Some(name) = name {
                    return Some((
                        r,
                        Shape::Across {
                            name,
                            years: Some(r - 1),
                            serials: false,
                        },
                    ));
                }
            }
        }
        // Dates that lost their format on the way out: serial numbers across a header.
        let serials = serial_dates(table, r);
        let row: &[Cell] = serials.as_deref().unwrap_or(row);
        let filled = row.iter().filter(|c| !c.is_empty()).count();
        if filled < 2 {
            continue;
        }
        let named = |want: Option<&String>, role: Role| -> Option<usize> {
            match want {
                Some(w) => row.iter().position(|c| norm(&c.text()) == norm(w)),
                None => row
                    .iter()
                    .position(|c| header_role(&c.text()) == Some(role)),
            }
        };
        let periods = row
            .iter()
            .filter(|c| cells::looks_like_period(c, opts))
            .count();
        let across_ok = periods >= 2 && periods * 2 >= filled.saturating_sub(1);
        if forced.as_deref() == Some("periods across") || (forced.is_none() && across_ok) {
            let labelled = row
                .iter()
                .position(|c| !c.is_empty() && !cells::looks_like_period(c, opts));
            // Pivot exports leave the corner above the KPI names empty: then the names
            // are the first column left of the periods that holds text below.
            let first_period = row.iter().position(|c| cells::looks_like_period(c, opts));
            let unlabelled = || (0..first_period.unwrap_or(0)).find(|&c| names_below(table, r, c));
            if let Some(name) = labelled.or_else(unlabelled) {
                let name = named(over.and_then(|o| o.kpi.as_ref()), Role::Kpi)
                    .filter(|&k| !cells::looks_like_period(&row[k], opts))
                    .unwrap_or(name);
                return Some((
                    r,
                    Shape::Across {
                        name,
                        years: None,
                        serials: serials.is_some(),
                    },
                ));
            }
        }
        let date = named(over.and_then(|o| o.date.as_ref()), Role::Date);
        let kpi = named(over.and_then(|o| o.kpi.as_ref()), Role::Kpi);
        let value = named(over.and_then(|o| o.value.as_ref()), Role::Value);
        let long_wanted = forced.as_deref().is_none_or(|f| f == "long");
        if let (Some(date), Some(kpi), Some(value), true) = (date, kpi, value, long_wanted) {
            // ERP exports split the period: a Year column and a Month (or Quarter) one.
            let titled = |t: &str| row.iter().position(|c| norm(&c.text()) == t);
            let (date, part) = match (titled("year"), titled("month"), titled("quarter")) {
                (Some(y), Some(m), _) if over.is_none_or(|o| o.date.is_none()) => {
                    (y, Some((m, Grain::Month)))
                }
                (Some(y), None, Some(q)) if over.is_none_or(|o| o.date.is_none()) => {
                    (y, Some((q, Grain::Quarter)))
                }
                _ => (date, None),
            };
            let part_col = part.map(|(c, _)| c);
            let mut roles: Vec<(usize, Role)> = row
                .iter()
                .enumerate()
                .filter_map(|(c, cell)| header_role(&cell.text()).map(|role| (c, role)))
                .filter(|(c, _)| ![date, kpi, value].contains(c) && Some(*c) != part_col)
                .collect();
            if let Some(t) = over.and_then(|o| o.target.as_ref()) {
                if let Some(c) = row.iter().position(|c| norm(&c.text()) == norm(t)) {
                    roles.retain(|(_, role)| *role != Role::Target);
                    roles.push((c, Role::Target));
                }
            }
            return Some((
                r,
                Shape::Long(LongCols {
                    date,
                    kpi,
                    value,
                    roles,
                    part,
                }),
            ));
        }
        if forced.as_deref().is_none_or(|f| f == "wide") {
            let date = date.or_else(|| {
                // An unnamed date column: the first column whose cells below are dates.
                (0..row.len()).find(|&c| {
                    let below: Vec<&Cell> = (r + 1..table.cells.len().min(r + 11))
                        .map(|rr| table.get(rr, c))
                        .filter(|c| !c.is_empty())
                        .collect();
                    !below.is_empty()
                        && below
                            .iter()
                            .filter(|c| cells::looks_like_period(c, opts))
                            .count()
                            * 10
                            >= below.len() * 8
                })
            });
            if let Some(date) = date {
                if forced.is_some() || kpi.is_none() {
                    return Some((r, Shape::Wide { date }));
                }
            }
        }
    }
    None
}
