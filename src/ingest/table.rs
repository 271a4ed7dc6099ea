/*!
The grid every reader produces: one `Table` per sheet (or text file) of typed `Cell`s,
with positions as a spreadsheet shows them, so layout detection and the row readers
never know which format a value came from.
*/
use chrono::NaiveDate;
use compact_str::CompactString;

use crate::model::finding::Finding;

/// A typed cell, as read from any format.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// A number; `percent` when the cell had a percent number format.
    Number {
        value: f64,
        percent: bool,
    },
    /// Text as read (short text is kept inline, without an allocation).
    Text(CompactString),
    /// An Excel date cell (already converted with the workbook's date system).
    Date(NaiveDate),
    /// An Excel date cell whose serial is out of range; kept to report it.
    BadDate(String),
    Bool(bool),
    /// An Excel error value (`#N/A`, `#DIV/0!`, …).
    Error(String),
    /// A formula with no saved result (the file was written by a program that does not
    /// calculate): empty for layout detection, named in a finding where a value or date
    /// was expected.
    NoResult,
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty | Cell::NoResult => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, borrowed when it is text already (KPI names of a long table
    /// are read once per row).
    pub fn text_ref(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(s) => std::borrow::Cow::Borrowed(s.trim()),
            other => std::borrow::Cow::Owned(other.text()),
        }
    }

    /// The cell as text, for headers, names and messages.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty | Cell::NoResult => String::new(),
            Cell::Number { value, .. } => format_number(*value),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::BadDate(s) | Cell::Error(s) => s.clone(),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

pub(crate) fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// One sheet (or one text file) as a grid of cells, or one chunk of its rows: `cells[i]`
/// is 0-based sheet row `first_row + i`; rows may be shorter than others. Readers
/// address cells by sheet row ([`Table::get`], [`Table::row`]), so a chunk of a long
/// text file reads like the whole file.
#[derive(Debug, Clone)]
pub struct Table {
    pub file: String,
    pub sheet: Option<String>,
    pub cells: Vec<Vec<Cell>>,
    /// The sheet row of `cells[0]`: 0 for a whole table.
    pub first_row: usize,
    /// Text input: numbers and dates are still text to be parsed.
    pub from_text: bool,
    /// The workbook uses the 1904 date system (for numeric dates in date columns).
    pub is_1904: bool,
    /// Decimal comma for text numbers in this table.
    pub decimal_comma: bool,
}

impl Table {
    /// One past the last sheet row this table holds.
    pub fn end(&self) -> usize {
        self.first_row + self.cells.len()
    }

    /// The sheet rows below `header` that this table holds.
    pub fn rows_below(&self, header: usize) -> std::ops::Range<usize> {
        (header + 1).max(self.first_row)..self.end()
    }

    /// The cells of sheet row `r` (none outside the table).
    pub fn row(&self, r: usize) -> &[Cell] {
        r.checked_sub(self.first_row)
            .and_then(|i| self.cells.get(i))
            .map_or(&[], Vec::as_slice)
    }

    pub fn get(&self, r: usize, c: usize) -> &Cell {
        self.row(r).get(c).unwrap_or(&Cell::Empty)
    }

    /// A finding located in this table.
    pub fn at(&self, f: Finding, row0: usize, col0: Option<usize>) -> Finding {
        let f = f
            .file(&self.file)
            .sheet(self.sheet.as_deref())
            .row(row0 as u32 + 1);
        match col0 {
            Some(c) => f.col(c as u32),
            None => f,
        }
    }
}
