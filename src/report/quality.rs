/*!
The Data Quality sheet: every finding of the run — errors first, then warnings, then
information — with the place it refers to, coloured by severity and filterable.
*/
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{print_setup, write_text, Styles};
use crate::analysis::Results;

const HEADERS: [(&str, f64); 8] = [
    ("Severity", 9.0),
    ("Code", 22.0),
    ("KPI", 24.0),
    ("File", 24.0),
    ("Sheet", 14.0),
    ("Row", 6.0),
    ("Column", 7.0),
    ("Message", 90.0),
];

pub fn write(ws: &mut Worksheet, r: &Results, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Data Quality")?;
    for (c, (h, w)) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &st.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    let mut findings: Vec<_> = r.findings.iter().collect();
    // Stable: severity first, then the order in which the run found them.
    findings.sort_by_key(|f| f.severity);
    for (i, f) in findings.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, f.severity.as_str(), st.severity(f.severity))?;
        ws.write_string_with_format(row, 1, f.code, &st.text)?;
        write_text(ws, row, 2, f.kpi.as_deref().unwrap_or(""), &st.text)?;
        write_text(ws, row, 3, f.file.as_deref().unwrap_or(""), &st.text)?;
        write_text(ws, row, 4, f.sheet.as_deref().unwrap_or(""), &st.text)?;
        if let Some(rw) = f.row {
            ws.write_number_with_format(row, 5, f64::from(rw), &st.integer)?;
        }
        write_text(ws, row, 6, f.column.as_deref().unwrap_or(""), &st.text)?;
        write_text(ws, row, 7, &f.message, &st.wrap)?;
    }
    if findings.is_empty() {
        ws.write_string_with_format(
            1,
            7,
            "No data-quality findings: every input cell was read as expected.",
            &st.text,
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, findings.len().max(1) as u32, HEADERS.len() as u16 - 1)?;
    print_setup(ws, 0)?;
    Ok(())
}
