/*!
Spreadsheets through calamine, with its known traps guarded (docs/reliability.md): xlsx and
xlsb are streamed cell by cell so a sheet's real extent is checked against a budget
before anything is allocated; date cells are converted with our own range-checked
serial conversion using the workbook's date system; hidden sheets are skipped with a
finding unless asked for by `--sheet`.
*/
use std::io::Cursor;

use calamine::{Data, DataRef, Ods, Reader, SheetVisible, Xls, Xlsb, Xlsx};

use super::{dates, Cell, Format, ReadOptions, Rows, Table, CELL_BUDGET, TEXT_BUDGET};
use crate::error::{Error, Result};
use crate::model::finding::{Finding, FindingCode};

type Rs = Cursor<Vec<u8>>;

pub(super) fn read(
    bytes: Vec<u8>,
    format: Format,
    file: &str,
    opts: &ReadOptions,
    findings: &mut Vec<Finding>,
) -> Result<Vec<Table>> {
    let rs = Cursor::new(bytes);
    let open_err = |e: &dyn std::fmt::Display| {
        let text = e.to_string();
        if text.to_ascii_lowercase().contains("password") || text.contains("encrypt") {
            Error::read(file, "the workbook is encrypted (password-protected); save an unprotected copy and try again")
        } else {
            Error::read(file, format!("the workbook could not be opened ({text}); re-export it from the source system"))
        }
    };
    match format {
        Format::Xlsx => {
            let mut wb: Xlsx<Rs> = Xlsx::new(rs).map_err(|e| open_err(&e))?;
            let names = pick_sheets(wb.sheets_metadata(), file, opts, findings);
            let mut text = 0;
            names
                .iter()
                .map(|name| xlsx_sheet(&mut wb, name, file, &mut text))
                .collect()
        }
        Format::Xlsb => {
            let mut wb: Xlsb<Rs> = Xlsb::new(rs).map_err(|e| open_err(&e))?;
            let names = pick_sheets(wb.sheets_metadata(), file, opts, findings);
            let mut text = 0;
            names
                .iter()
                .map(|name| xlsb_sheet(&mut wb, name, file, &mut text))
                .collect()
        }
        Format::Xls => {
            let mut wb: Xls<Rs> = Xls::new(rs).map_err(|e| open_err(&e))?;
            let is_1904 = wb.has_1904_epoch();
            let names = pick_sheets(wb.sheets_metadata(), file, opts, findings);
            read_ranges(&mut wb, names, file, is_1904)
        }
        Format::Ods => {
            let mut wb: Ods<Rs> = Ods::new(rs).map_err(|e| open_err(&e))?;
            let names = pick_sheets(wb.sheets_metadata(), file, opts, findings);
            read_ranges(&mut wb, names, file, false)
        }
        Format::Text | Format::Html | Format::Parquet => Err(Error::Internal(
            "excel::read on a file that is no workbook".into(),
        )),
    }
}

/// Stream one sheet's cells into a table, checking its real extent and the text read
/// from the workbook so far (`text`, bytes) as they come: `next` gives each cell's
/// position, value and whether it has a percent format.
fn streamed<'a, E: std::fmt::Display>(
    file: &'a str,
    name: &'a str,
    mut next: impl FnMut() -> Result<Option<((u32, u32), Data, bool)>, E>,
    is_1904: bool,
    text: u64,
) -> Result<Sparse<'a>> {
    let mut sparse = Sparse::new(file, name, text);
    while let Some(((r, c), value, percent)) =
        next().map_err(|e| Error::read(file, format!("sheet '{name}': {e}")))?
    {
        sparse.push(r, c, convert(value, percent, is_1904))?;
    }
    Ok(sparse)
}

/// An xlsx sheet: values with their percent formats, then the formulas without a saved
/// result.
fn xlsx_sheet(wb: &mut Xlsx<Rs>, name: &str, file: &str, text: &mut u64) -> Result<Table> {
    let is_1904 = wb.has_1904_epoch();
    let mut reader = wb
        .worksheet_cells_reader(name)
        .map_err(|e| Error::read(file, format!("sheet '{name}': {e}")))?;
    let mut sparse = streamed(
        file,
        name,
        || {
            let Some((cell, style)) = reader.next_cell_with_style_id()? else {
                return Ok(None);
            };
            let percent = reader
                .styles()
                .get(style)
                .and_then(|s| s.number_format.as_ref())
                .is_some_and(|nf| {
                    nf.format_code.contains('%') || matches!(nf.format_id, Some(9 | 10))
                });
            Ok::<_, calamine::XlsxError>(Some((
                cell.get_position(),
                Data::from(cell.get_value().clone()),
                percent,
            )))
        },
        is_1904,
        *text,
    )?;
    drop(reader);
    for (r, c) in formulas_without_value(wb, name, file)? {
        sparse.push(r, c, Cell::NoResult)?;
    }
    *text = sparse.text;
    Ok(sparse.into_table(is_1904))
}

/// An xlsb sheet (calamine gives no styles for it).
fn xlsb_sheet(wb: &mut Xlsb<Rs>, name: &str, file: &str, text: &mut u64) -> Result<Table> {
    let is_1904 = wb.has_1904_epoch();
    let mut reader = wb
        .worksheet_cells_reader(name)
        .map_err(|e| Error::read(file, format!("sheet '{name}': {e}")))?;
    let sparse = streamed(
        file,
        name,
        || {
            Ok::<_, calamine::XlsbError>(reader.next_cell()?.map(|cell| {
                (
                    cell.get_position(),
                    Data::from(cell.get_value().clone()),
                    false,
                )
            }))
        },
        is_1904,
        *text,
    )?;
    *text = sparse.text;
    Ok(sparse.into_table(is_1904))
}

/// The cells of a sheet holding a formula with no saved result. Files written by
/// programs that do not calculate (report generators, scripts) leave the result out
/// and calamine reads such a cell as empty; marked, they become a finding where a value
/// was expected instead of passing silently as missing. A second streaming pass,
/// because the pass that reads values and styles does not see formulas.
fn formulas_without_value(wb: &mut Xlsx<Rs>, name: &str, file: &str) -> Result<Vec<(u32, u32)>> {
    let mut reader = wb
        .worksheet_cells_reader(name)
        .map_err(|e| Error::read(file, format!("sheet '{name}': {e}")))?;
    let mut cells = Vec::new();
    while let Some(cell) = reader
        .next_cell_with_formula_metadata()
        .map_err(|e| Error::read(file, format!("sheet '{name}': {e}")))?
    {
        if cell.formula.is_some() && matches!(cell.value, DataRef::Empty) {
            cells.push(cell.pos);
        }
    }
    Ok(cells)
}

/// Formats without a streaming reader: their size is bounded by the format (xls) or by
/// the cells actually present (ods), so the range is read whole.
fn read_ranges<R: Reader<Rs>>(
    wb: &mut R,
    names: Vec<String>,
    file: &str,
    is_1904: bool,
) -> Result<Vec<Table>>
where
    R::Error: std::fmt::Display,
{
    let mut tables = Vec::new();
    let mut text = 0;
    for name in names {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| Error::read(file, format!("sheet '{name}': {e}")))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut sparse = Sparse::new(file, &name, text);
        for (r, c, v) in range.used_cells() {
            sparse.push(
                r0 + r as u32,
                c0 + c as u32,
                convert(v.clone(), false, is_1904),
            )?;
        }
        text = sparse.text;
        tables.push(sparse.into_table(is_1904));
    }
    Ok(tables)
}

/// Which sheets to read: those named by `--sheet`, else every visible one. Hidden
/// sheets are reported, not read.
fn pick_sheets(
    meta: &[calamine::Sheet],
    file: &str,
    opts: &ReadOptions,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    if !opts.sheets.is_empty() {
        let mut names = Vec::new();
        for want in &opts.sheets {
            match meta
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(want.trim()))
            {
                Some(s) => names.push(s.name.clone()),
                None => findings.push(
                    Finding::warning(
                        FindingCode::SheetNotFound,
                        format!(
                            "--sheet '{want}' is not in {file}; its sheets are: {}",
                            meta.iter()
                                .map(|s| s.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .file(file),
                ),
            }
        }
        // Definition and target sheets are always read when present.
        for s in meta {
            if super::layout::is_special_sheet(&s.name) && !names.contains(&s.name) {
                names.push(s.name.clone());
            }
        }
        return names;
    }
    let mut names = Vec::new();
    for s in meta {
        if s.visible == SheetVisible::Visible {
            names.push(s.name.clone());
        } else {
            findings.push(
                Finding::info(
                    FindingCode::HiddenSheetSkipped,
                    format!(
                        "hidden sheet '{}' was not read (name it with --sheet to read it)",
                        s.name
                    ),
                )
                .file(file)
                .sheet(Some(&s.name)),
            );
        }
    }
    names
}

fn convert(v: Data, percent: bool, is_1904: bool) -> Cell {
    match v {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number {
            value: i as f64,
            percent,
        },
        Data::Float(f) if f.is_finite() => Cell::Number { value: f, percent },
        Data::Float(f) => Cell::Error(format!("{f}")),
        Data::String(s) => Cell::Text(s.into()),
        Data::Bool(b) => Cell::Bool(b),
        Data::DateTime(dt) if dt.is_duration() => Cell::Number {
            value: dt.as_f64(),
            percent: false,
        },
        Data::DateTime(dt) => match dates::excel_serial_to_date(dt.as_f64(), is_1904) {
            Ok(d) => Cell::Date(d),
            Err(e) => Cell::BadDate(format!("date serial {} {e}", dt.as_f64())),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.into()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Collects streamed cells, checking the real extent against the cell budget and the
/// workbook's text against the text budget.
struct Sparse<'a> {
    file: &'a str,
    sheet: &'a str,
    cells: Vec<(u32, u32, Cell)>,
    max_row: u32,
    max_col: u32,
    /// Bytes of text read from the workbook so far, this sheet's included.
    text: u64,
}

impl<'a> Sparse<'a> {
    /// A sheet of `file`, after `text` bytes of text read from its other sheets.
    fn new(file: &'a str, sheet: &'a str, text: u64) -> Self {
        Sparse {
            file,
            sheet,
            cells: Vec::new(),
            max_row: 0,
            max_col: 0,
            text,
        }
    }

    fn push(&mut self, r: u32, c: u32, cell: Cell) -> Result<()> {
        if cell == Cell::Empty {
            return Ok(());
        }
        self.max_row = self.max_row.max(r);
        self.max_col = self.max_col.max(c);
        let extent = (u64::from(self.max_row) + 1) * (u64::from(self.max_col) + 1);
        if extent > CELL_BUDGET {
            return Err(Error::read(
                self.file,
                format!(
                    "sheet '{}' spans {} rows × {} columns (a cell at {}{}), over the budget of {CELL_BUDGET} cells; delete the stray cells far from the data or export only the data range",
                    self.sheet,
                    self.max_row + 1,
                    self.max_col + 1,
                    crate::model::finding::column_letter(c),
                    r + 1
                ),
            ));
        }
        if let Cell::Text(s) = &cell {
            self.text = self.text.saturating_add(s.len() as u64);
            if self.text > TEXT_BUDGET {
                return Err(super::over_text_budget(
                    self.file,
                    "hold",
                    &format!(
                        "(sheet '{}' passes it at {}{})",
                        self.sheet,
                        crate::model::finding::column_letter(c),
                        r + 1
                    ),
                ));
            }
        }
        self.cells.push((r, c, cell));
        Ok(())
    }

    fn into_table(mut self, is_1904: bool) -> Table {
        // Row by row, each as long as its last cell, gaps empty; a cell given twice
        // keeps its later value (the sort is stable).
        self.cells.sort_by_key(|&(r, c, _)| (r, c));
        let rows = if self.cells.is_empty() {
            0
        } else {
            self.max_row as usize + 1
        };
        let mut grid = Rows::default();
        grid.reserve(rows, self.cells.len());
        let mut cells = self.cells.into_iter().peekable();
        let mut row: Vec<Cell> = Vec::new();
        for r in 0..rows {
            row.clear();
            while let Some((_, c, cell)) = cells.next_if(|&(q, _, _)| q as usize == r) {
                if row.len() <= c as usize {
                    row.resize(c as usize + 1, Cell::Empty);
                }
                row[c as usize] = cell;
            }
            grid.push(row.drain(..));
        }
        Table {
            file: self.file.to_string(),
            sheet: Some(self.sheet.to_string()),
            cells: grid,
            first_row: 0,
            from_text: false,
            is_1904,
            decimal_comma: false,
        }
    }
}

#[cfg(test)]
mod tests;
