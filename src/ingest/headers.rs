/*!
The words and shapes of header rows: what a header cell names (`Role`, with the
synonyms exports use in English, German, Spanish and French), footer words, target and
unit suffixes, and the two-row headers of management packs (a year over month names,
a period over Actual | Target). Layout detection (`layout.rs`) asks these questions;
they look only at cell text and at the columns below a header.
*/
use chrono::NaiveDate;

use super::cells::{self, ValueCell};
use super::{Cell, ReadOptions, Table};
use crate::model::period::Grain;

/// What a header cell names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Date,
    Kpi,
    Value,
    Target,
    TargetMin,
    TargetMax,
    Owner,
    Unit,
    Direction,
    Aggregation,
    Perspective,
    Description,
}

/// Lower-case, punctuation to spaces, whitespace collapsed.
pub(super) fn norm(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn header_role(text: &str) -> Option<Role> {
    let n = norm(text);
    Some(match n.as_str() {
        "date" | "period" | "month" | "week" | "quarter" | "year" | "day" | "time" | "as of"
        | "as of date" | "reporting period" | "report period" | "period start" | "period end"
        | "period ending" | "week ending" | "week starting" | "week start" | "month ending"
        | "month start" | "fiscal period" | "timestamp" | "date time" | "datetime"
        | "report date" | "reporting date" | "period date" | "datum" | "fecha" => Role::Date,
        "kpi" | "metric" | "measure" | "indicator" | "name" | "kpi name" | "metric name"
        | "measure name" | "indicator name" | "series" | "kpis" | "metrics" | "kennzahl" => {
            Role::Kpi
        }
        "value" | "actual" | "actuals" | "amount" | "result" | "measurement" | "actual value"
        | "wert" | "ist" | "istwert" | "valor" | "valeur" => Role::Value,
        "target" | "goal" | "plan" | "budget" | "target value" | "ziel" | "zielwert" | "soll"
        | "sollwert" | "objetivo" | "meta" | "objectif" | "cible" => Role::Target,
        "target min" | "min target" | "target low" | "lower target" | "target lower" => {
            Role::TargetMin
        }
        "target max" | "max target" | "target high" | "upper target" | "target upper" => {
            Role::TargetMax
        }
        "owner" | "responsible" | "accountable" | "verantwortlich" => Role::Owner,
        "unit" | "units" | "uom" | "einheit" => Role::Unit,
        "direction" | "polarity" => Role::Direction,
        "aggregation" => Role::Aggregation,
        "perspective" => Role::Perspective,
        "description" => Role::Description,
        _ => return None,
    })
}

/// Is this table's header a footer-like text (notes, sources, totals)?
pub(super) fn is_footer_text(s: &str) -> bool {
    // The word alone, or followed by punctuation ("Total", "Source: ERP", "Total (all
    // regions)", "Notes - unaudited"); a word after it makes a KPI name ("Total
    // headcount", "Notes issued", "Average order value").
    const WORDS: [&str; 12] = [
        "grand total",
        "sub-total",
        "subtotal",
        "totals",
        "total",
        "sum",
        "average",
        "sources",
        "source",
        "notes",
        "note",
        "n.b.",
    ];
    let t = s.trim().to_lowercase();
    t.starts_with('*')
        || WORDS.iter().any(|w| {
            t.strip_prefix(w).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.is_empty() || rest.starts_with([':', '(', '-', '–', '—', '.', '*', ','])
            })
        })
}

/// `Revenue target`, `Revenue_target`, `Target Revenue` → `Revenue`.
pub(super) fn target_of(header: &str) -> Option<String> {
    let h = header.trim();
    let lower = h.to_lowercase();
    for suffix in [" target", "_target", "-target", " goal", " plan", " budget"] {
        if lower.ends_with(suffix) && lower.len() > suffix.len() {
            return Some(h[..h.len() - suffix.len()].trim().to_string());
        }
    }
    for prefix in ["target ", "target_", "goal ", "plan ", "budget "] {
        if lower.starts_with(prefix) && lower.len() > prefix.len() {
            return Some(h[prefix.len()..].trim().to_string());
        }
    }
    None
}

/// A period from a Year cell and a Month (1–12, `Jan`, `January`) or Quarter (1–4,
/// `Q1`) cell.
pub(super) fn year_and_part(
    year: &Cell,
    part: &Cell,
    grain: Grain,
) -> std::result::Result<super::dates::ParsedDate, String> {
    let y = year.text();
    let year = y
        .parse::<f64>()
        .ok()
        .and_then(super::dates::year_number)
        .ok_or_else(|| format!("'{y}' is not a year"))?;
    let p = part.text();
    let lower = p.to_lowercase();
    let number = lower
        .trim_start_matches('q')
        .parse::<f64>()
        .ok()
        .filter(|v| v.fract() == 0.0)
        .map(|v| v as u32);
    let month = match grain {
        Grain::Quarter => number.filter(|q| (1..=4).contains(q)).map(|q| q * 3 - 2),
        _ => number.or_else(|| month_number(&lower)),
    };
    month
        .and_then(|m| NaiveDate::from_ymd_opt(year, m, 1))
        .map(|date| super::dates::ParsedDate {
            date,
            grain: Some(grain),
        })
        .ok_or_else(|| format!("'{p}' is not a {} of the year", grain.as_str()))
}

/// The month (1–12) an English month name or its abbreviation names (`Jan`, `sept.`,
/// `January`).
fn month_number(text: &str) -> Option<u32> {
    let t = text.trim().trim_end_matches('.').to_lowercase();
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if t.len() < 3 {
        return None;
    }
    let i = MONTHS.iter().position(|m| m.starts_with(&t))?;
    u32::try_from(i + 1).ok()
}

/// The grain of a month (`Jan`, `January`) or quarter (`Q1`) header without a year.
pub(super) fn part_of_year(cell: &Cell) -> Option<Grain> {
    let Cell::Text(s) = cell else { return None };
    let lower = s.trim().to_lowercase();
    if month_number(&lower).is_some() {
        Some(Grain::Month)
    } else if matches!(lower.as_str(), "q1" | "q2" | "q3" | "q4") {
        Some(Grain::Quarter)
    } else {
        None
    }
}

/// The year a cell names (`2024`, as a number or text).
fn year_in(cell: &Cell) -> Option<i32> {
    let v = match cell {
        Cell::Number { value, .. } => *value,
        Cell::Text(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    super::dates::year_number(v)
}

/// Is row `r` a header of months or quarters without years (two or more), under a row
/// that names a year at or left of the first of them?
pub(super) fn two_row_header(t: &Table, r: usize) -> bool {
    let row = row_cells(t, r);
    let parts: Vec<usize> = (0..row.len())
        .filter(|&c| part_of_year(&row[c]).is_some())
        .collect();
    let Some(&first) = parts.first() else {
        return false;
    };
    parts.len() >= 2 && (0..=first).any(|c| year_in(t.get(r - 1, c)).is_some())
}

/// The header row with each month or quarter completed by the year above it (the
/// nearest year cell at or left of it: a merged year sits in its first column).
pub(super) fn with_years(t: &Table, header: usize, years: usize) -> Vec<Cell> {
    let mut year = None;
    row_cells(t, header)
        .iter()
        .enumerate()
        .map(|(c, cell)| {
            if let Some(y) = year_in(t.get(years, c)) {
                year = Some(y);
            }
            match (part_of_year(cell), year) {
                (Some(_), Some(y)) => Cell::Text(format!("{} {y}", cell.text()).into()),
                _ => cell.clone(),
            }
        })
        .collect()
}

/// Is row `r` a sub-header of Actual | Target (a value word for each of at least two
/// periods, no date column) under a row of periods (each merged over its columns)? A
/// long table's single 'Actual' and 'Target' beside a 'Date' column is not.
pub(super) fn paired_header(t: &Table, r: usize, opts: &ReadOptions) -> bool {
    if r == 0 {
        return false;
    }
    let roles: Vec<Role> = row_cells(t, r)
        .iter()
        .filter_map(|c| header_role(&c.text()))
        .collect();
    let values = roles.iter().filter(|role| **role == Role::Value).count();
    let periods = row_cells(t, r - 1)
        .iter()
        .filter(|c| cells::looks_like_period(c, opts))
        .count();
    values >= 2 && !roles.contains(&Role::Date) && periods >= 2
}

/// The header row under periods: each Actual or Target cell becomes the period above
/// it (the nearest one at or left of it, where a merged period sits), flagged when it
/// is a target.
pub(super) fn with_periods_above(t: &Table, header: usize, above: usize) -> (Vec<Cell>, Vec<bool>) {
    let mut period: Option<&Cell> = None;
    row_cells(t, header)
        .iter()
        .enumerate()
        .map(|(c, cell)| {
            let over = t.get(above, c);
            if !over.is_empty() {
                period = Some(over);
            }
            match (header_role(&cell.text()), period) {
                (Some(Role::Value), Some(p)) => (p.clone(), false),
                (Some(Role::Target), Some(p)) => (p.clone(), true),
                _ => (cell.clone(), false),
            }
        })
        .unzip()
}

/// A wide header's name and the unit in brackets at its end (`Revenue (USD)` →
/// `Revenue`, `USD`; `AHT [min]`; `Churn (%)`). A long bracket is part of the name.
pub(super) fn split_unit(header: &str) -> (String, Option<String>) {
    let h = header.trim();
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let Some(body) = h.strip_suffix(close) {
            if let Some(at) = body.rfind(open) {
                let (name, unit) = (body[..at].trim(), body[at + 1..].trim());
                if !name.is_empty() && !unit.is_empty() && unit.chars().count() <= 12 {
                    return (name.to_string(), Some(unit.to_string()));
                }
            }
        }
    }
    (h.to_string(), None)
}

/// Are all numbers in column `c` below `header` fractions (within ±1.5)?
pub(super) fn fractions_only(t: &Table, header: usize, c: usize) -> bool {
    t.rows_below(header)
        .all(|r| match cells::value_of(t.get(r, c), t.decimal_comma) {
            ValueCell::Value { value, .. } => value.abs() <= 1.5,
            _ => true,
        })
}

/// Does column `c` below `header` hold names (at least two cells of text that is no
/// number)?
pub(super) fn names_below(t: &Table, header: usize, c: usize) -> bool {
    t.rows_below(header)
        .filter(|&r| matches!(cells::value_of(t.get(r, c), false), ValueCell::Bad(_)))
        .nth(1)
        .is_some()
}

/// A column below `header` whose filled cells are all text that is no number (and at
/// least one such): a comment or dimension column, not a KPI.
pub(super) fn is_text_column(t: &Table, header: usize, c: usize) -> bool {
    let mut text = false;
    for r in t.rows_below(header) {
        match cells::value_of(t.get(r, c), t.decimal_comma) {
            ValueCell::Value { .. } => return false,
            ValueCell::Bad(_) => text = true,
            ValueCell::Missing | ValueCell::ExcelError(_) | ValueCell::NoResult => {}
        }
    }
    text
}

/// Header text shaped like a date (digits with date separators: `2024-13`, `31/02/24`)
/// that did not parse as one.
pub(super) fn looks_dateish(text: &str) -> bool {
    let t = text.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    digits >= 4
        && t.chars().any(|c| matches!(c, '-' | '/' | '.'))
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | ' '))
}

/// Row `r` with its Excel serial numbers (2019–2119) made dates, when it holds at least
/// two and they are evenly spaced like periods (a day, a week, a month or a quarter
/// apart): a header whose dates lost their format. `None` otherwise, so a row of values
/// is never taken for dates.
pub(super) fn serial_dates(t: &Table, r: usize) -> Option<Vec<Cell>> {
    let row = row_cells(t, r);
    let serial = |c: &Cell| {
        let v = match c {
            Cell::Number { value, .. } => *value,
            Cell::Text(s) if s.trim().bytes().all(|b| b.is_ascii_digit()) => {
                s.trim().parse().ok()?
            }
            _ => return None,
        };
        (v.fract() == 0.0 && (43_466.0..=80_000.0).contains(&v)).then_some(v)
    };
    let values: Vec<f64> = row.iter().filter_map(serial).collect();
    if values.len() < 2 {
        return None;
    }
    let periodic = values.windows(2).all(|w| {
        let gap = w[1] - w[0];
        gap == 1.0 || gap == 7.0 || (28.0..=31.0).contains(&gap) || (89.0..=92.0).contains(&gap)
    });
    if !periodic {
        return None;
    }
    row.iter()
        .map(|c| match serial(c) {
            Some(v) => super::dates::excel_serial_to_date(v, t.is_1904)
                .ok()
                .map(Cell::Date),
            None => Some(c.clone()),
        })
        .collect()
}

/// The cells of row `r` (none past the end).
pub(super) fn row_cells(table: &Table, r: usize) -> &[Cell] {
    table.row(r)
}

#[cfg(test)]
mod tests;
