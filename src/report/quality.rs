/*!
The Data Quality sheet: every finding of the run — errors first, then warnings, then
information, otherwise in the order the run made them — with the place it refers to
(file, sheet, 1-based row, column letter), coloured by severity and filterable, so a
reader can go straight to the cell that needs fixing.
*/
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{print_setup, row_index, write_text, Cell, Columns};
use super::Styles;
use crate::analysis::{Finding, Results};

const COLUMNS: [(&str, usize); 8] = [
    ("Severity", 10),
    ("Code", 28),
    ("KPI", 30),
    ("File", 40),
    ("Sheet", 20),
    ("Row", 8),
    ("Column", 8),
    ("Message", MESSAGE_WIDTH),
];

/// The message column wraps beyond this many characters.
const MESSAGE_WIDTH: usize = 70;
const MESSAGE_COL: usize = 7;

const NO_FINDINGS: &str = "No data-quality findings: every input cell was read as expected.";

pub(super) fn write(ws: &mut Worksheet, r: &Results, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Data Quality")?;
    let mut cols = Columns::new(&COLUMNS);
    cols.write_headers(ws, 0, &st.header)?;
    let findings = in_order(&r.findings);
    for (i, f) in findings.iter().enumerate() {
        cols.write_row(ws, row_index(i + 1), &cells(f, st))?;
    }
    for (i, f) in findings.iter().enumerate() {
        cols.fit_row(ws, row_index(i + 1), MESSAGE_COL, &f.message)?;
    }
    if findings.is_empty() {
        write_text(ws, 1, MESSAGE_COL as u16, NO_FINDINGS, &st.text)?;
    }
    cols.finish(ws, st)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row_index(findings.len().max(1)), cols.last())?;
    print_setup(ws, super::cells::repeat_header(r, 0))?;
    Ok(())
}

/// Errors, then warnings, then information; a stable sort keeps the run's order.
pub(super) fn in_order(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| f.severity);
    sorted
}

fn cells<'a>(f: &'a Finding, st: &'a Styles) -> Vec<Cell<'a>> {
    let text = |s: &'a Option<String>| Cell::text(s.as_deref().unwrap_or(""), &st.text);
    vec![
        Cell::text(f.severity.as_str(), st.severity(f.severity)),
        Cell::text(f.code.as_str(), &st.text),
        text(&f.kpi),
        text(&f.file),
        text(&f.sheet),
        Cell::Num(f.row.map(f64::from), &st.reference),
        Cell::text(f.column.as_deref().unwrap_or(""), &st.reference),
        Cell::text(f.message.as_str(), &st.wrap),
    ]
}
