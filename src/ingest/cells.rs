/*!
Turning one cell into a value or a date, the same way for every layout. Text cells go
through the number and date parsers; Excel cells keep their types. A date column's
day/month order is decided once per column (`column_order`) so `01/02/2024` means the
same thing in every row — and a column that stays ambiguous stops the run.
*/
use super::dates::{self, DateOrder, ParsedDate};
use super::numbers::{self, NumberStyle};
use super::{Cell, ReadOptions, Table};
use crate::error::{Error, Result};
use crate::model::finding::column_letter;
use std::fmt::Write as _;

/// What a value cell holds.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ValueCell {
    Missing,
    Value {
        value: f64,
        percent: bool,
    },
    /// An Excel error (`#N/A`, …): missing, but counted in a finding.
    ExcelError(String),
    /// A formula with no saved result: missing, but counted in a finding.
    NoResult,
    /// Text that is not a number: an error finding.
    Bad(String),
}

/// What to do about formulas saved without their results (every finding about them
/// ends with it).
pub(super) const RECALCULATE: &str =
    "open the file in Excel or LibreOffice, save it (which calculates the formulas) and run again";

/// Largest magnitude read as a value. Sums, squares and moving ranges of numbers near
/// f64's limit (±1.8e308) overflow to infinity; no KPI comes near 1e100, and below it
/// the sums of squares of millions of values stay finite. A value beyond it is a broken
/// export, reported like text that is no number.
pub(super) const MAX_MAGNITUDE: f64 = 1e100;

pub(super) fn value_of(cell: &Cell, decimal_comma: bool) -> ValueCell {
    match read_value(cell, decimal_comma) {
        ValueCell::Value { value, .. } if value.abs() > MAX_MAGNITUDE => ValueCell::Bad(format!(
            "{value:e} is too large to analyse (beyond ±1e100: its sums and squares would overflow)"
        )),
        v => v,
    }
}

fn read_value(cell: &Cell, decimal_comma: bool) -> ValueCell {
    match cell {
        Cell::Empty => ValueCell::Missing,
        Cell::Number { value, percent } => ValueCell::Value {
            value: if *value == 0.0 { 0.0 } else { *value },
            percent: *percent,
        },
        Cell::Text(s) => match numbers::parse_number(s, NumberStyle { decimal_comma }) {
            Ok(Some(v)) => ValueCell::Value {
                value: v,
                percent: s.trim_end().ends_with('%'),
            },
            Ok(None) if numbers::is_excel_error_literal(s) => {
                ValueCell::ExcelError(s.trim().into())
            }
            // A program's "not a number" (pandas writes NaN): missing, but counted
            // with the error cells rather than passed over.
            Ok(None) if matches!(s.trim().to_ascii_lowercase().as_str(), "nan" | "-nan") => {
                ValueCell::ExcelError(s.trim().into())
            }
            Ok(None) => ValueCell::Missing,
            Err(e) => ValueCell::Bad(format!("'{}' {e}", s.trim())),
        },
        Cell::Error(e) => ValueCell::ExcelError(e.clone()),
        Cell::NoResult => ValueCell::NoResult,
        Cell::Date(d) => ValueCell::Bad(format!("'{d}' is a date, not a number")),
        Cell::BadDate(s) => ValueCell::Bad(s.clone()),
        Cell::Bool(b) => ValueCell::Bad(format!("'{b}' is not a number")),
    }
}

/// Parse a date/period cell. `order` is the column's inferred day/month order.
pub(super) fn date_of(
    cell: &Cell,
    order: Option<DateOrder>,
    opts: &ReadOptions,
    is_1904: bool,
) -> Result<ParsedDate, String> {
    match cell {
        Cell::Date(d) => Ok(ParsedDate {
            date: *d,
            grain: None,
        }),
        Cell::Number { value, .. } => {
            let v = *value;
            if let Some(p) = dates::yyyymm(v) {
                Ok(p)
            } else if let Some(year) = dates::year_number(v) {
                let fy = opts
                    .calendar
                    .fiscal_year(year)
                    .ok_or_else(|| format!("'{v}' is not a valid year"))?;
                Ok(ParsedDate {
                    date: fy,
                    grain: Some(crate::model::period::Grain::Year),
                })
            } else {
                dates::excel_serial_to_date(v, is_1904)
                    .map(|date| ParsedDate { date, grain: None })
                    .map_err(|e| format!("date serial {v} {e}"))
            }
        }
        Cell::Text(s) => {
            let s = s.trim();
            if let Some(fmt) = &opts.date_format {
                if let Ok(p) = dates::parse_with_format(s, fmt) {
                    return Ok(p);
                }
            }
            // Digits alone: an ERP period (202401) or an Excel serial that lost its
            // date format on the way to text (45292 is 2024-01-01).
            if s.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(v) = s.parse::<f64>() {
                    if let Some(p) = dates::yyyymm(v) {
                        return Ok(p);
                    }
                    if (20_000.0..=80_000.0).contains(&v) {
                        return dates::excel_serial_to_date(v, is_1904)
                            .map(|date| ParsedDate { date, grain: None })
                            .map_err(|e| format!("date serial {v} {e}"));
                    }
                }
            }
            dates::parse_date_text(s, order, &opts.calendar).map_err(|e| match &opts.date_format {
                // The format was given: say the text does not fit it, not "ambiguous".
                Some(fmt) if dates::is_order_sensitive(s) => {
                    format!("'{s}' does not match --date-format '{fmt}'")
                }
                _ => format!("'{s}' {e}"),
            })
        }
        Cell::Empty => Err("the date is empty".into()),
        Cell::BadDate(s) => Err(s.clone()),
        Cell::Error(e) => Err(format!("'{e}' is an Excel error, not a date")),
        Cell::NoResult => Err(format!(
            "the date is a formula with no saved result; {RECALCULATE}"
        )),
        Cell::Bool(b) => Err(format!("'{b}' is not a date")),
    }
}

/// Can this cell be read as a date/period (used to detect date columns and period
/// headers)? Numbers count only when they are Excel date cells or plausible years.
pub(super) fn looks_like_period(cell: &Cell, opts: &ReadOptions) -> bool {
    match cell {
        Cell::Date(_) => true,
        Cell::Number { value, .. } => {
            dates::year_number(*value).is_some() || dates::yyyymm(*value).is_some()
        }
        Cell::Text(s) => {
            let s = s.trim();
            if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
                return s.parse::<f64>().ok().and_then(dates::yyyymm).is_some();
            }
            // Any day/month order will do for detection.
            dates::parse_date_text(s, Some(DateOrder::DayFirst), &opts.calendar).is_ok()
                || dates::parse_date_text(s, Some(DateOrder::MonthFirst), &opts.calendar).is_ok()
                || opts
                    .date_format
                    .as_deref()
                    .is_some_and(|f| dates::parse_with_format(s, f).is_ok())
        }
        _ => false,
    }
}

/// Decide the day/month order of a set of text date cells (one column, or one header
/// row). A set that stays ambiguous is an error asking for `--date-format`.
pub(super) fn column_order<'a>(
    table: &Table,
    cells: impl Iterator<Item = (usize, usize, &'a Cell)> + Clone,
    opts: &ReadOptions,
    what: &str,
) -> Result<Option<DateOrder>> {
    if opts.date_format.is_some() {
        return Ok(None);
    }
    // The first cell whose text reads either way, if any: looked for only where the
    // answer is needed (most columns hold ISO dates or labels, which never do).
    let look = cells.clone();
    let first_sensitive = move || {
        look.clone().find_map(|(r, c, cell)| match cell {
            Cell::Text(s) if dates::is_order_sensitive(s) => Some((r, c, s.clone())),
            _ => None,
        })
    };
    let texts = cells.filter_map(|(_, _, c)| match c {
        Cell::Text(s) => Some(s.as_str()),
        _ => None,
    });
    let place = |r: usize, c: usize| {
        let mut p = table.file.clone();
        if let Some(s) = &table.sheet {
            let _ = write!(p, ", sheet '{s}'");
        }
        format!(
            "{p}, {what} (column {}, from row {})",
            column_letter(c as u32),
            r + 1
        )
    };
    match dates::infer_order(texts) {
        Ok(Some(o)) => Ok(Some(o)),
        Ok(None) => match first_sensitive() {
            Some((r, c, s)) => {
                // Suggest formats with the column's own separator and year width.
                let sep = s
                    .chars()
                    .find(|c| matches!(c, '/' | '-' | '.'))
                    .unwrap_or('/');
                let year = if s.trim().rsplit(sep).next().is_some_and(|y| y.len() == 2) {
                    "%y"
                } else {
                    "%Y"
                };
                Err(Error::Data(format!(
                    "{}: dates like '{s}' could be day/month or month/day and no value settles it; \
                     give the order with --date-format '%d{sep}%m{sep}{year}' or --date-format '%m{sep}%d{sep}{year}'",
                    place(r, c)
                )))
            }
            None => Ok(None),
        },
        Err(e) => {
            let (r, c) = first_sensitive().map_or((0, 0), |(r, c, _)| (r, c));
            Err(Error::Data(format!(
                "{}: the dates mix day-first and month-first forms ({e}); fix the column or give --date-format",
                place(r, c)
            )))
        }
    }
}
