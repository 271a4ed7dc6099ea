/*!
Writing cells safely, and sizing columns to what was written.

Input text is never trusted: text that Excel would take for a formula on the next edit
(`=`, `+`, `-`, `@`, tab, CR at the start) is written with Excel's quote prefix, text
over Excel's cell limit is cut, and a missing or non-finite number becomes a blank cell
rather than rust_xlsxwriter's `NaN` text. Every sheet writes through these helpers.

Sheets describe a row as a slice of [`Cell`]s and hand it to a [`Columns`], which writes
it and remembers each column's widest content, so tables get widths that fit without
rust_xlsxwriter's `autofit` also measuring the title block above them.
*/
use std::borrow::Cow;

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Note, Worksheet, XlsxError};

use super::Styles;

/// Excel's limit for the text of one cell, in UTF-16 code units.
pub const MAX_CELL_TEXT: usize = crate::model::finding::CELL_TEXT_LIMIT;

/// Characters Excel reads as the start of a formula when the cell is edited.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` cut to at most `limit` UTF-16 code units, on a character boundary.
pub(super) fn cut_utf16(text: &str, limit: usize) -> &str {
    let mut units = 0;
    for (i, ch) in text.char_indices() {
        units += ch.len_utf16();
        if units > limit {
            return &text[..i];
        }
    }
    text
}

/// Does Excel need a quote prefix to keep this text literal?
pub(super) fn looks_like_formula(text: &str) -> bool {
    text.starts_with(FORMULA_START)
}

/// Write text that came from an input (or contains input): literal, within Excel's
/// limit, never a formula.
pub fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    fmt: &Format,
) -> Result<(), XlsxError> {
    let text = cut_utf16(text, MAX_CELL_TEXT);
    if text.is_empty() {
        ws.write_blank(row, col, fmt)?;
    } else if looks_like_formula(text) {
        ws.write_string_with_format(row, col, text, &fmt.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, text, fmt)?;
    }
    Ok(())
}

/// Write a number, or a blank for a missing or non-finite value.
pub fn write_num(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<f64>,
    fmt: &Format,
) -> Result<(), XlsxError> {
    match value {
        Some(v) if v.is_finite() => ws.write_number_with_format(row, col, v, fmt)?,
        _ => ws.write_blank(row, col, fmt)?,
    };
    Ok(())
}

/// Write a real date (a serial with a date format), or a blank.
pub fn write_date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    date: Option<NaiveDate>,
    fmt: &Format,
) -> Result<(), XlsxError> {
    match date {
        Some(d) => ws.write_date_with_format(row, col, d, fmt)?,
        None => ws.write_blank(row, col, fmt)?,
    };
    Ok(())
}

/// One cell of a table row.
pub(super) enum Cell<'a> {
    /// Text, written with [`write_text`].
    Text(Cow<'a, str>, &'a Format),
    /// A number (blank when missing or non-finite).
    Num(Option<f64>, &'a Format),
    /// A date (blank when missing).
    Date(Option<NaiveDate>, &'a Format),
    /// An empty cell that still carries the format (a fill, a border).
    Blank(&'a Format),
    /// Nothing at all (a column that is empty in most rows of a large table).
    None,
}

impl<'a> Cell<'a> {
    pub(super) fn text(text: impl Into<Cow<'a, str>>, fmt: &'a Format) -> Cell<'a> {
        Cell::Text(text.into(), fmt)
    }

    /// A count as a number cell.
    pub(super) fn count(n: usize, fmt: &'a Format) -> Cell<'a> {
        // Counts here are rows or periods: far below 2^53, so exact as f64.
        Cell::Num(Some(n as f64), fmt)
    }

    /// Roughly how many characters the cell shows (for column widths).
    fn shown_chars(&self) -> usize {
        match self {
            Cell::Text(t, _) => t.lines().map(|l| l.chars().count()).max().unwrap_or(0),
            Cell::Num(Some(v), _) if v.is_finite() => number_chars(*v),
            Cell::Date(Some(_), _) => 10,
            Cell::Num(..) | Cell::Date(None, _) | Cell::Blank(_) | Cell::None => 0,
        }
    }
}

/// Characters of `v` shown with thousands separators and two decimals (an upper bound
/// for the integer and percent formats too).
fn number_chars(v: f64) -> usize {
    let digits = format!("{:.2}", v.abs()).len();
    let int_digits = digits.saturating_sub(3);
    digits + int_digits.saturating_sub(1) / 3 + usize::from(v < 0.0)
}

/// The columns of one table: headers, the widest content seen, and width limits.
pub(super) struct Columns {
    headers: Vec<&'static str>,
    widths: Vec<usize>,
    max: Vec<usize>,
    /// Columns that received a number (their headers sit right, over the numbers).
    numeric: Vec<bool>,
    /// Where [`Columns::write_headers`] put the header row.
    header_row: Option<u32>,
}

impl Columns {
    /// Columns from `(header, max width in characters)` pairs.
    pub(super) fn new(spec: &[(&'static str, usize)]) -> Columns {
        Columns {
            headers: spec.iter().map(|(h, _)| *h).collect(),
            // Room for the autofilter button beside the header text.
            widths: spec.iter().map(|(h, _)| h.chars().count() + 3).collect(),
            max: spec.iter().map(|(_, m)| *m).collect(),
            numeric: vec![false; spec.len()],
            header_row: None,
        }
    }

    pub(super) fn headers(&self) -> &[&'static str] {
        &self.headers
    }

    /// Index of the last column (for autofilter and table ranges).
    pub(super) fn last(&self) -> u16 {
        col_index(self.headers.len().saturating_sub(1))
    }

    /// Write the header row.
    pub(super) fn write_headers(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        fmt: &Format,
    ) -> Result<(), XlsxError> {
        self.header_row = Some(row);
        for (c, h) in self.headers.iter().enumerate() {
            ws.write_string_with_format(row, col_index(c), *h, fmt)?;
        }
        Ok(())
    }

    /// Write one row of cells, starting at column A.
    pub(super) fn write_row(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        cells: &[Cell],
    ) -> Result<(), XlsxError> {
        for (c, cell) in cells.iter().enumerate() {
            let col = col_index(c);
            match cell {
                Cell::Text(t, f) => write_text(ws, row, col, t, f)?,
                Cell::Num(v, f) => write_num(ws, row, col, *v, f)?,
                Cell::Date(d, f) => write_date(ws, row, col, *d, f)?,
                Cell::Blank(f) => {
                    ws.write_blank(row, col, f)?;
                }
                Cell::None => {}
            }
            if let Some(w) = self.widths.get_mut(c) {
                *w = (*w).max(cell.shown_chars());
            }
            if matches!(cell, Cell::Num(Some(v), _) if v.is_finite()) {
                if let Some(n) = self.numeric.get_mut(c) {
                    *n = true;
                }
            }
        }
        Ok(())
    }

    /// After the last row: headers aligned like their columns (right over numbers,
    /// indented over text right of a number column) and the widths set.
    pub(super) fn finish(&self, ws: &mut Worksheet, st: &Styles) -> Result<(), XlsxError> {
        if let Some(row) = self.header_row {
            for (c, h) in self.headers.iter().enumerate() {
                let after_number = c > 0 && self.numeric.get(c - 1) == Some(&true);
                let fmt = if self.numeric.get(c) == Some(&true) {
                    &st.header_number
                } else if after_number {
                    &st.header_indent
                } else {
                    &st.header
                };
                ws.write_string_with_format(row, col_index(c), *h, fmt)?;
            }
        }
        self.apply_widths(ws)
    }

    /// Set every column's width to its widest content, within its limit.
    pub(super) fn apply_widths(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for c in 0..self.widths.len() {
            ws.set_column_width(col_index(c), self.width(c) as f64 + 2.5)?;
        }
        Ok(())
    }

    /// Grow row `row` to show `text` wrapped in column `c`: Excel grows such rows when
    /// it opens the file, but LibreOffice and printing to PDF do not. Call once the
    /// widths are final (after the last row).
    pub(super) fn fit_row(
        &self,
        ws: &mut Worksheet,
        row: u32,
        c: usize,
        text: &str,
    ) -> Result<(), XlsxError> {
        // Widths count digits; text in a proportional font fits about a tenth more.
        if let Some(height) = wrapped_height(text, (self.width(c) + 2) * 11 / 10) {
            ws.set_row_height(row, height)?;
        }
        Ok(())
    }

    /// Column `c`'s width in characters so far: its widest content within its
    /// limit (at most 250; Excel allows 255).
    pub(super) fn width(&self, c: usize) -> usize {
        let seen = self.widths.get(c).copied().unwrap_or(0);
        let max = self.max.get(c).copied().unwrap_or(0).max(4);
        seen.clamp(4, max).min(250)
    }
}

/// Points per line of 10-point text, for rows whose text wraps.
const LINE_HEIGHT: f64 = 13.0;

/// The row height that shows all of `text` wrapped in a column `width` characters
/// wide, or `None` when one line is enough. Excel grows such rows when it opens the
/// file, but LibreOffice and printing to PDF do not, so the sheets set it.
pub(super) fn wrapped_height(text: &str, width: usize) -> Option<f64> {
    let width = width.max(1);
    let lines: usize = text
        .lines()
        .map(|l| l.chars().count().div_ceil(width).max(1))
        .sum();
    // Excel's row height limit is 409 points.
    (lines > 1).then(|| (lines as f64 * LINE_HEIGHT + 2.0).min(409.0))
}

/// A column index for rust_xlsxwriter. Tables here have a handful of columns; the
/// saturation only guards against a programming error, which Excel would then reject.
fn col_index(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// A row index for rust_xlsxwriter, saturating (rust_xlsxwriter rejects rows beyond
/// Excel's limit with an error rather than wrapping).
pub(super) fn row_index(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

/// A sheet's title in the title style, on a row tall enough for its larger font (a
/// row keeps the default height otherwise, and the line below would overlap it).
pub(super) fn write_title(
    ws: &mut Worksheet,
    row: u32,
    text: &str,
    st: &Styles,
) -> Result<(), XlsxError> {
    write_text(ws, row, 0, text, &st.title)?;
    ws.set_row_height(row, 21)?;
    Ok(())
}

/// Workbooks with more KPI sheets than this print without repeated table headers.
/// Each repeated header is a defined name that LibreOffice takes about 3 ms per sheet
/// of the workbook to open: six of them in a workbook of 1,000 KPI sheets add 18
/// seconds, for pages nobody prints all of.
pub(super) const REPEAT_HEADERS_MAX_KPIS: usize = 100;

/// The header row to repeat on printed pages, in a workbook small enough to afford it.
pub(super) fn repeat_header(r: &crate::analysis::Results, header_row: u32) -> Option<u32> {
    (r.kpis.len() <= REPEAT_HEADERS_MAX_KPIS).then_some(header_row)
}

/// Page setup shared by the table sheets: landscape, one page wide, the header row (if
/// any) repeated on every printed page, sheet name and page numbers in the footer.
pub(super) fn print_setup(ws: &mut Worksheet, repeat: Option<u32>) -> Result<(), XlsxError> {
    ws.set_landscape();
    // Narrow margins (inches): wide tables print larger.
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    if let Some(header_row) = repeat {
        ws.set_repeat_rows(header_row, header_row)?;
    }
    ws.set_footer("&L&8kpilens&C&8&A&R&8Page &P of &N");
    Ok(())
}

/// A cell note by kpilens, sized to its text (about 48 characters a line at 320
/// pixels), without the author line Excel would put above the text.
pub(super) fn note(text: &str) -> Note {
    let lines: usize = text
        .lines()
        .map(|l| l.chars().count().div_ceil(48).max(1))
        .sum();
    let height = u32::try_from(lines.min(24)).unwrap_or(24) * 16 + 16;
    Note::new(text)
        .set_author("kpilens")
        .add_author_prefix(false)
        .set_width(320)
        .set_height(height.max(60))
}
