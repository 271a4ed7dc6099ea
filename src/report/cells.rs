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
    // No character takes more UTF-16 units than UTF-8 bytes: text of at most `limit`
    // bytes (nearly every cell's) needs no count.
    if text.len() <= limit {
        return text;
    }
    let mut units = 0;
    for (i, ch) in text.char_indices() {
        units += ch.len_utf16();
        if units > limit {
            return &text[..i];
        }
    }
    text
}

/// Is `c` a character XML 1.0 allows? Not the control characters other than tab,
/// line feed and carriage return, nor U+FFFE and U+FFFF.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text for a link's display: rust_xlsxwriter writes it into an XML attribute as it
/// is (cells escape such characters, attributes do not), so the characters XML does
/// not allow become U+FFFD, which shows where they were.
pub(super) fn link_text(text: &str) -> std::borrow::Cow<'_, str> {
    let text = cut_utf16(text, 255);
    if text.chars().all(is_xml_char) {
        text.into()
    } else {
        text.chars()
            .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
            .collect::<String>()
            .into()
    }
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
    put_text(ws, row, col, text, Fmt::Own(fmt))
}

/// What the cells a merge covers show when they are empty.
#[derive(Clone, Copy)]
pub(super) enum Covered {
    /// The format's fill or border: they keep it.
    Formatted,
    /// Nothing (a format of font, alignment and wrapping only): they are left out.
    Empty,
}

/// Write text across the merged cells `first..=last` of a row, as [`write_text`] does
/// into one cell. The text goes in with the merge, so its first cell is written once.
/// rust_xlsxwriter gives every covered cell the format too; where it shows nothing
/// there ([`Covered::Empty`]) those cells are cleared again, so the sheet's XML and
/// memory hold only what shows (165,000 such cells in a report of 1,000 KPIs before
/// [`span_text`] kept merges to text that wraps).
pub(super) fn merge_text(
    ws: &mut Worksheet,
    row: u32,
    (first, last): (u16, u16),
    text: &str,
    fmt: &Format,
    covered: Covered,
) -> Result<(), XlsxError> {
    if first == last {
        return write_text(ws, row, first, text, fmt);
    }
    let text = cut_utf16(text, MAX_CELL_TEXT);
    if looks_like_formula(text) {
        ws.merge_range(row, first, row, last, text, &fmt.clone().set_quote_prefix())?;
    } else {
        ws.merge_range(row, first, row, last, text, fmt)?;
    }
    if let Covered::Empty = covered {
        for col in first + 1..=last {
            ws.clear_cell(row, col);
        }
    }
    Ok(())
}

/// Write text over the cells `first..=last` of a row, `width` characters wide in all,
/// and return the row height it needs. Text of more than one line is wrapped in a
/// merge of the cells ([`merge_text`]). One line is written unwrapped in the first
/// cell alone, and shows across the empty cells after it as it would across a merge:
/// rust_xlsxwriter pads a merge with a formatted cell per column and hashes the whole
/// format for each, which made the 24,000 merges of a 1,000-KPI report 9% of its time,
/// and 21,000 of them held one line.
pub(super) fn span_text(
    ws: &mut Worksheet,
    row: u32,
    (first, last): (u16, u16),
    width: usize,
    text: &str,
    st: &Styles,
) -> Result<Option<f64>, XlsxError> {
    let height = wrapped_height(text, width);
    if height.is_some() {
        merge_text(ws, row, (first, last), text, &st.wrap, Covered::Empty)?;
    } else {
        write_text(ws, row, first, text, &st.text)?;
    }
    Ok(height)
}

/// Write a number, or a blank for a missing or non-finite value.
pub fn write_num(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<f64>,
    fmt: &Format,
) -> Result<(), XlsxError> {
    put_num(ws, row, col, value, Fmt::Own(fmt))
}

/// Write a real date (a serial with a date format), or a blank.
pub fn write_date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    date: Option<NaiveDate>,
    fmt: &Format,
) -> Result<(), XlsxError> {
    put_date(ws, row, col, date, Fmt::Own(fmt))
}

/// Where a cell's format comes from: the cell's own, or its column's (see
/// [`Columns::set_formats`]). A cell that takes its column's is written without one,
/// and an empty one not at all: the column shows it the same way.
#[derive(Clone, Copy)]
enum Fmt<'a> {
    Own(&'a Format),
    Column(&'a Format),
}

impl<'a> Fmt<'a> {
    fn format(self) -> &'a Format {
        match self {
            Fmt::Own(f) | Fmt::Column(f) => f,
        }
    }
}

fn put_text(ws: &mut Worksheet, row: u32, col: u16, text: &str, fmt: Fmt) -> Result<(), XlsxError> {
    let text = cut_utf16(text, MAX_CELL_TEXT);
    match fmt {
        _ if looks_like_formula(text) => {
            let quoted = fmt.format().clone().set_quote_prefix();
            ws.write_string_with_format(row, col, text, &quoted)?;
        }
        Fmt::Own(f) if text.is_empty() => {
            ws.write_blank(row, col, f)?;
        }
        Fmt::Own(f) => {
            ws.write_string_with_format(row, col, text, f)?;
        }
        Fmt::Column(_) if text.is_empty() => {}
        Fmt::Column(_) => {
            ws.write_string(row, col, text)?;
        }
    }
    Ok(())
}

fn put_num(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<f64>,
    fmt: Fmt,
) -> Result<(), XlsxError> {
    match (value.filter(|v| v.is_finite()), fmt) {
        (Some(v), Fmt::Own(f)) => ws.write_number_with_format(row, col, v, f)?,
        (Some(v), Fmt::Column(_)) => ws.write_number(row, col, v)?,
        (None, Fmt::Own(f)) => ws.write_blank(row, col, f)?,
        (None, Fmt::Column(_)) => return Ok(()),
    };
    Ok(())
}

fn put_date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    date: Option<NaiveDate>,
    fmt: Fmt,
) -> Result<(), XlsxError> {
    match (date, fmt) {
        (Some(d), Fmt::Own(f)) => ws.write_date_with_format(row, col, d, f)?,
        (Some(d), Fmt::Column(_)) => ws.write_datetime(row, col, d)?,
        (None, Fmt::Own(f)) => ws.write_blank(row, col, f)?,
        (None, Fmt::Column(_)) => return Ok(()),
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
    let x = v.abs();
    // The integer digits, counted rather than printed (this runs for every number a
    // table writes); printed only where rounding to two decimals may carry into a new
    // digit (…9.995 up) or the value is past what u64 holds exactly.
    let int_digits = if x < 1e15 && x.fract() < 0.99 {
        (x as u64).checked_ilog10().map_or(1, |d| d as usize + 1)
    } else {
        format!("{x:.2}").len() - 3
    };
    int_digits + 3 + int_digits.saturating_sub(1) / 3 + usize::from(v < 0.0)
}

/// The columns of one table: headers, the widest content seen, width limits, and the
/// formats the columns themselves carry.
pub(super) struct Columns<'f> {
    headers: Vec<&'static str>,
    widths: Vec<usize>,
    max: Vec<usize>,
    /// Columns that received a number (their headers sit right, over the numbers).
    numeric: Vec<bool>,
    /// Where [`Columns::write_headers`] put the header row.
    header_row: Option<u32>,
    /// Each column's own format, if it has one ([`Columns::set_formats`]).
    formats: Vec<Option<&'f Format>>,
}

impl<'f> Columns<'f> {
    /// Columns from `(header, max width in characters)` pairs.
    pub(super) fn new(spec: &[(&'static str, usize)]) -> Columns<'f> {
        Columns {
            headers: spec.iter().map(|(h, _)| *h).collect(),
            // Room for the autofilter button beside the header text.
            widths: spec.iter().map(|(h, _)| h.chars().count() + 3).collect(),
            max: spec.iter().map(|(_, m)| *m).collect(),
            numeric: vec![false; spec.len()],
            header_row: None,
            formats: vec![None; spec.len()],
        }
    }

    /// Give the columns formats of their own, in order (`None`: none), before the
    /// first row is written. A cell written with its column's very format (the same
    /// `&Format` of [`Styles`]) then takes it from the column: rust_xlsxwriter hashes
    /// the whole format of every formatted cell it is given (some forty fields), a
    /// fifth of a 1,000-KPI run's CPU time when every cell had one. An empty cell is left
    /// out, the column showing it (and anything typed into it later) the same way.
    /// Give a column only formats without fill or border, which look the same on the
    /// empty cells above and below the table.
    pub(super) fn set_formats(
        &mut self,
        ws: &mut Worksheet,
        formats: impl IntoIterator<Item = Option<&'f Format>>,
    ) -> Result<(), XlsxError> {
        for (c, fmt) in formats.into_iter().enumerate() {
            if let (Some(slot), Some(fmt)) = (self.formats.get_mut(c), fmt) {
                ws.set_column_format(col_index(c), fmt)?;
                *slot = Some(fmt);
            }
        }
        Ok(())
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
    pub(super) fn write_row<'a>(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        cells: &[Cell<'a>],
    ) -> Result<(), XlsxError> {
        for (c, cell) in cells.iter().enumerate() {
            let col = col_index(c);
            let column = self.formats.get(c).copied().flatten();
            let fmt = |f: &'a Format| match column {
                Some(own) if std::ptr::eq(own, f) => Fmt::Column(f),
                _ => Fmt::Own(f),
            };
            match cell {
                Cell::Text(t, f) => put_text(ws, row, col, t, fmt(f))?,
                Cell::Num(v, f) => put_num(ws, row, col, *v, fmt(f))?,
                Cell::Date(d, f) => put_date(ws, row, col, *d, fmt(f))?,
                Cell::Blank(f) => {
                    if let Fmt::Own(f) = fmt(f) {
                        ws.write_blank(row, col, f)?;
                    }
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

/// The format that most of `weighted` (format, count) pairs are, told apart by address
/// (formats come from one [`Styles`]); the first of equals.
pub(super) fn most_common<'a>(
    weighted: impl IntoIterator<Item = (&'a Format, usize)>,
) -> Option<&'a Format> {
    let mut counts: Vec<(&Format, usize)> = Vec::new();
    for (f, n) in weighted {
        match counts.iter_mut().find(|(g, _)| std::ptr::eq(*g, f)) {
            Some((_, count)) => *count += n,
            None => counts.push((f, n)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(f, _)| f)
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

#[cfg(test)]
mod tests;
