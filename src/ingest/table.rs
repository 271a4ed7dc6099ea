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

/// Rows of cells, each as long as it was read, stored one after another: one allocation
/// for a whole chunk of a text file rather than one per row (ten million rows were ten
/// million allocations, each freed again on another thread).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    cells: Vec<Cell>,
    /// `ends[i]` is one past row `i`'s last cell in `cells`.
    ends: Vec<usize>,
}

impl Rows {
    /// No rows, the memory kept for the next ones.
    pub fn clear(&mut self) {
        self.cells.clear();
        self.ends.clear();
    }

    /// Room for `rows` more rows of `cells` more cells in all.
    pub fn reserve(&mut self, rows: usize, cells: usize) {
        self.cells.reserve(cells);
        self.ends.reserve(rows);
    }

    /// Add a row.
    pub fn push(&mut self, row: impl IntoIterator<Item = Cell>) {
        self.cells.extend(row);
        self.ends.push(self.cells.len());
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Row `i`'s cells.
    pub fn get(&self, i: usize) -> Option<&[Cell]> {
        let end = *self.ends.get(i)?;
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
        self.cells.get(start..end)
    }

    /// The rows in order.
    pub fn iter(&self) -> impl Iterator<Item = &[Cell]> + Clone {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Add `other`'s rows after these.
    pub fn append(&mut self, other: Rows) {
        let base = self.cells.len();
        self.cells.extend(other.cells);
        self.ends.extend(other.ends.into_iter().map(|e| base + e));
    }
}

impl std::ops::Index<usize> for Rows {
    type Output = [Cell];

    fn index(&self, i: usize) -> &[Cell] {
        self.get(i).unwrap_or(&[])
    }
}

impl From<Vec<Vec<Cell>>> for Rows {
    fn from(rows: Vec<Vec<Cell>>) -> Rows {
        let mut out = Rows::default();
        out.reserve(rows.len(), rows.iter().map(Vec::len).sum());
        for row in rows {
            out.push(row);
        }
        out
    }
}

/// One sheet (or one text file) as a grid of cells, or one chunk of its rows: row `i`
/// of `cells` is 0-based sheet row `first_row + i`; rows may be shorter than others.
/// Readers address cells by sheet row ([`Table::get`], [`Table::row`]), so a chunk of
/// a long text file reads like the whole file.
#[derive(Debug, Clone)]
pub struct Table {
    pub file: String,
    pub sheet: Option<String>,
    pub cells: Rows,
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
            .unwrap_or(&[])
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
