/*!
The Data sheet(s): the tidy series actually analysed — one row per KPI and period of
the window, with the source file, sheet and rows — as an Excel table, so a reader can
trace every number back to the export it came from. Past Excel's row limit the rows
continue on "Data (2)", "Data (3)", …
*/
use rust_xlsxwriter::{Table, TableColumn, TableStyle, Workbook, XlsxError};

use super::{print_setup, write_num, write_text, Styles};
use crate::analysis::{Point, Results};
use crate::model::period::Calendar;

const HEADERS: [(&str, f64); 9] = [
    ("KPI", 28.0),
    ("Period", 11.0),
    ("Label", 10.0),
    ("Value", 12.0),
    ("Target", 12.0),
    ("Status", 8.0),
    ("Source file", 28.0),
    ("Sheet", 14.0),
    ("Rows", 10.0),
];

/// Data rows per sheet (Excel's limit less the header row).
const ROWS_PER_SHEET: usize = 1_048_575;

pub fn write(wb: &mut Workbook, r: &Results, st: &Styles) -> Result<(), XlsxError> {
    let cal = Calendar {
        fiscal_year_start: r.fiscal_year_start,
    };
    let rows: Vec<(&crate::analysis::KpiResult, &Point)> = r
        .kpis
        .iter()
        .flat_map(|k| k.series.iter().map(move |p| (k, p)))
        .collect();
    let chunks: Vec<&[(&crate::analysis::KpiResult, &Point)]> = if rows.is_empty() {
        vec![&[]]
    } else {
        rows.chunks(ROWS_PER_SHEET).collect()
    };
    for (i, chunk) in chunks.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(if i == 0 {
            "Data".to_string()
        } else {
            format!("Data ({})", i + 1)
        })?;
        for (c, (_, w)) in HEADERS.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        for (j, (k, p)) in chunk.iter().enumerate() {
            let row = j as u32 + 1;
            let vf = st.value(k.def.unit.as_deref());
            write_text(ws, row, 0, &k.def.name, &st.text)?;
            ws.write_date_with_format(row, 1, p.period, st.date(k.grain))?;
            write_text(ws, row, 2, &cal.label(p.period, k.grain), &st.text)?;
            write_num(ws, row, 3, p.value, vf)?;
            write_num(ws, row, 4, p.target, vf)?;
            ws.write_string_with_format(row, 5, p.status.as_str(), &st.text)?;
            let files: Vec<&str> = dedup(p.sources.iter().map(|s| &*s.file));
            let sheets: Vec<&str> = dedup(p.sources.iter().filter_map(|s| s.sheet.as_deref()));
            let rows_txt = p
                .sources
                .iter()
                .map(|s| s.row.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            write_text(ws, row, 6, &files.join(", "), &st.text)?;
            write_text(ws, row, 7, &sheets.join(", "), &st.text)?;
            write_text(ws, row, 8, &rows_txt, &st.text)?;
        }
        let columns: Vec<TableColumn> = HEADERS
            .iter()
            .map(|(h, _)| TableColumn::new().set_header(*h))
            .collect();
        let table = Table::new()
            .set_columns(&columns)
            .set_style(TableStyle::Light9);
        ws.add_table(
            0,
            0,
            chunk.len().max(1) as u32,
            HEADERS.len() as u16 - 1,
            &table,
        )?;
        ws.set_freeze_panes(1, 0)?;
        print_setup(ws, 0)?;
    }
    Ok(())
}

fn dedup<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for s in items {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}
