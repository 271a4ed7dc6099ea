/*!
The Data sheet: the tidy series actually analysed — one row per KPI and period of its
analysis window, with the file, sheet and rows the value came from (the first five, and
how many input rows were combined into it: a daily export rolled up to months has
thirty behind each value, ten million rows would not fit) — as an Excel table,
so a reader can trace every number back to the export it came from (and pivot it).
Periods without a value keep their row, so gaps are visible. Past Excel's row limit the
rows continue on "Data (2)", "Data (3)", …
*/
use std::borrow::Cow;

use rust_xlsxwriter::{Format, Table, TableColumn, TableStyle, Workbook, XlsxError};

use super::cells::{most_common, print_setup, row_index, Cell, Columns};
use super::{value_format, Styles};
use crate::analysis::{KpiResult, Point, Results};
use crate::model::period::Calendar;

/// The columns every Data sheet has.
const COLUMNS: [(&str, usize); 9] = [
    ("KPI", 40),
    ("Period", 12),
    ("Value", 16),
    ("Target", 16),
    ("Source file", 40),
    ("Sheet", 20),
    ("Row", 16),
    ("Rows", 8),
    ("Period label", 12),
];
/// Added when any KPI has a target band.
const BAND_COLUMNS: [(&str, usize); 2] = [("Target min", 16), ("Target max", 16)];

/// Column of the values (for the Summary's sparklines).
pub(super) const VALUE_COL: u16 = 2;

/// The first and last row of each KPI's window on the first Data sheet, by KPI name
/// (KPIs that spill onto a continuation sheet have none).
pub(super) fn rows_of(r: &Results) -> std::collections::HashMap<String, (u32, u32)> {
    let mut out = std::collections::HashMap::new();
    let mut next = 1usize;
    for k in &r.kpis {
        let len = k.series.len();
        if len > 0 && next + len - 1 <= ROWS_PER_SHEET {
            out.insert(k.def.name.clone(), (next as u32, (next + len - 1) as u32));
        }
        next += len;
    }
    out
}

/// Data rows per sheet: Excel's 1,048,576 rows less the header row.
pub(super) const ROWS_PER_SHEET: usize = 1_048_575;

pub(super) fn write(wb: &mut Workbook, r: &Results, st: &Styles) -> Result<(), XlsxError> {
    write_split(wb, r, st, ROWS_PER_SHEET)
}

/// Write the Data sheets with at most `per_sheet` data rows each.
pub(super) fn write_split(
    wb: &mut Workbook,
    r: &Results,
    st: &Styles,
    per_sheet: usize,
) -> Result<(), XlsxError> {
    let cal = Calendar {
        fiscal_year_start: r.fiscal_year_start,
    };
    let banded = r.kpis.iter().any(|k| {
        k.series
            .iter()
            .any(|p| p.target_min.is_some() || p.target_max.is_some())
    });
    let mut spec = COLUMNS.to_vec();
    if banded {
        spec.extend(BAND_COLUMNS);
    }
    // Each KPI's number format, decided once (it looks at all of its values).
    let formats: Vec<&Format> = r.kpis.iter().map(|k| value_format(st, k)).collect();
    let rows: Vec<(&KpiResult, &Format, &Point)> = r
        .kpis
        .iter()
        .zip(&formats)
        .flat_map(|(k, vf)| k.series.iter().map(move |p| (k, *vf, p)))
        .collect();
    let column_formats = column_formats(r, st, &formats, banded);
    let chunks: Vec<&[(&KpiResult, &Format, &Point)]> = if rows.is_empty() {
        vec![&[]]
    } else {
        rows.chunks(per_sheet.max(1)).collect()
    };
    for (i, chunk) in chunks.iter().enumerate() {
        // Rows stream to a temporary file as they are written ("low memory" mode keeps
        // only the shared strings), so a million-row sheet does not sit in memory. Rows
        // must then go in order: the table, which writes the header row, comes first.
        let ws = wb.add_worksheet_with_low_memory()?;
        ws.set_name(sheet_name(i))?;
        let mut cols = Columns::new(&spec);
        cols.set_formats(ws, column_formats.iter().map(|(f, _)| *f))?;
        // Each header with its own format: written without one, it would take the
        // format its column carries.
        let columns: Vec<TableColumn> = cols
            .headers()
            .iter()
            .zip(&column_formats)
            .map(|(h, (_, header))| TableColumn::new().set_header(*h).set_header_format(*header))
            .collect();
        let table = Table::new()
            .set_columns(&columns)
            .set_style(TableStyle::Light9);
        // A table needs one data row, even an empty one.
        ws.add_table(0, 0, row_index(chunk.len().max(1)), cols.last(), &table)?;
        for (j, (k, vf, p)) in chunk.iter().enumerate() {
            let mut cells = point_cells(k, p, st, vf, &cal);
            if banded {
                cells.extend([Cell::Num(p.target_min, vf), Cell::Num(p.target_max, vf)]);
            }
            cols.write_row(ws, row_index(j + 1), &cells)?;
        }
        cols.apply_widths(ws)?;
        ws.set_freeze_panes(1, 0)?;
        print_setup(ws, super::cells::repeat_header(r, 0))?;
    }
    Ok(())
}

/// How each Data column is set out, in order: the format the column carries and its
/// header's. Names as text, the source file and period label indented (each follows a
/// number column), dates and values in the format most rows have (a KPI of another
/// grain or number format keeps its own on its cells), the source rows and their count
/// as numbers; headers aligned like their columns.
fn column_formats<'a>(
    r: &Results,
    st: &'a Styles,
    value_formats: &[&'a Format],
    banded: bool,
) -> Vec<(Option<&'a Format>, &'a Format)> {
    let date = most_common(r.kpis.iter().map(|k| (st.date(k.grain), k.series.len())));
    let value = most_common(
        value_formats
            .iter()
            .zip(&r.kpis)
            .map(|(f, k)| (*f, k.series.len())),
    );
    let mut formats = vec![
        (Some(&st.text), &st.text),
        (date, &st.text),
        (value, &st.text_right),
        (value, &st.text_right),
        (Some(&st.text_indent), &st.text_indent),
        (Some(&st.text), &st.text),
        (Some(&st.reference), &st.reference),
        (Some(&st.integer), &st.text_right),
        (Some(&st.text_indent), &st.text_indent),
    ];
    if banded {
        formats.extend([(value, &st.text_right), (value, &st.text_right)]);
    }
    formats
}

/// "Data", then "Data (2)", "Data (3)", …
pub(super) fn sheet_name(index: usize) -> String {
    if index == 0 {
        "Data".to_string()
    } else {
        format!("Data ({})", index + 1)
    }
}

fn point_cells<'a>(
    k: &'a KpiResult,
    p: &'a Point,
    st: &'a Styles,
    vf: &'a Format,
    cal: &Calendar,
) -> Vec<Cell<'a>> {
    vec![
        Cell::text(k.def.name.as_str(), &st.text),
        Cell::Date(Some(p.period), st.date(k.grain)),
        Cell::Num(p.value, vf),
        Cell::Num(p.target, vf),
        Cell::text(
            unique(p.sources.tables.iter().map(|(f, _)| &**f)),
            &st.text_indent,
        ),
        Cell::text(
            unique(p.sources.tables.iter().filter_map(|(_, s)| s.as_deref())),
            &st.text,
        ),
        source_rows(p, st),
        // A period without rows (a gap in the series) has no count.
        Cell::Num(
            (p.sources.count > 0).then(|| f64::from(p.sources.count)),
            &st.integer,
        ),
        Cell::text(cal.label(p.period, k.grain), &st.text_indent),
    ]
}

/// One source row as a number; several as text "5, 9" (they were aggregated), the
/// first five and "…" when there are more (the Rows column has the count).
fn source_rows<'a>(p: &Point, st: &'a Styles) -> Cell<'a> {
    let s = &p.sources;
    match (s.rows.as_slice(), s.count) {
        ([], _) => Cell::Blank(&st.reference),
        ([one], 1) => Cell::Num(Some(f64::from(one.row)), &st.reference),
        (shown, count) => {
            let mut rows: Vec<String> = shown.iter().map(|s| s.row.to_string()).collect();
            if count as usize > shown.len() {
                rows.push("…".into());
            }
            Cell::text(rows.join(", "), &st.reference)
        }
    }
}

/// Distinct values in order of first appearance, joined with ", ".
fn unique<'a>(items: impl Iterator<Item = &'a str>) -> Cow<'a, str> {
    let mut seen: Vec<&str> = Vec::new();
    for s in items {
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    match seen.as_slice() {
        [] => Cow::Borrowed(""),
        [one] => Cow::Borrowed(one),
        many => Cow::Owned(many.join(", ")),
    }
}
