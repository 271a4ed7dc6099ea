/*!
Dates and period labels as exports write them, and Excel serials. A full date gives
`grain: None`; a period label (`2024-03`, `Mar 2024`, `Q1 2024`, `2024-W05`, `FY2024`,
a bare year) gives its grain, which wins over spacing-based grain inference (docs/methods.md
§1). Numeric day/month dates (`01/02/2024`) need an order, decided once per column by
`infer_order` so one text means one date everywhere in the column. Impossible dates and
absurd serials are errors with a reason, never a panic or a guess.
*/
use chrono::format::ParseErrorKind;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};

use crate::model::period::{Calendar, Grain};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

impl DateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::DayFirst => "day-first",
            DateOrder::MonthFirst => "month-first",
        }
    }
}

/// A parsed date. `grain` is Some when the text was a period label, None for a full date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    pub date: NaiveDate,
    pub grain: Option<Grain>,
}

/// Why a cell is not a date; the caller adds the cell's place and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    NotADate,
    Ambiguous,
    Impossible(String),
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateError::NotADate => f.write_str("is not a date"),
            DateError::Ambiguous => {
                f.write_str("is ambiguous: day/month order unknown (use --date-format)")
            }
            DateError::Impossible(why) => write!(f, "is not a valid date: {why}"),
        }
    }
}

/// No date form is longer; checked first so a 50 MB field costs nothing.
const MAX_LEN: usize = 40;
/// Bare years and `YYYY-MM` outside this range are far likelier to be values than
/// periods. Long annual series (river flows, sunspots, censuses) start in the 1700s;
/// Excel dates cannot go before 1900, so such history is always written as bare years.
const YEARS: std::ops::RangeInclusive<i32> = 1700..=2200;

const MONTHS: &str =
    "january february march april may june july august september october november december";

/// `mar`, `march`, `sept`: at least three letters of an English month name.
fn month_name(s: &str) -> Option<u32> {
    let s = if s == "sept" { "sep" } else { s };
    if s.len() < 3 {
        return None;
    }
    MONTHS
        .split(' ')
        .position(|m| m.starts_with(s))
        .map(|i| i as u32 + 1)
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, DateError> {
    if !(1..=12).contains(&m) {
        return Err(DateError::Impossible(format!("month {m} does not exist")));
    }
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| DateError::Impossible(format!("day {d} does not exist in {y}-{m:02}")))
}

fn label(date: NaiveDate, grain: Grain) -> ParsedDate {
    ParsedDate {
        date,
        grain: Some(grain),
    }
}

fn full(date: NaiveDate) -> ParsedDate {
    ParsedDate { date, grain: None }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Two-digit years: 00–69 → 2000s, 70–99 → 1900s (the usual spreadsheet pivot).
fn year_of(digits: &str) -> Option<i32> {
    let y: i32 = digits.parse().ok()?;
    match digits.len() {
        2 => Some(if y < 70 { 2000 + y } else { 1900 + y }),
        4 => Some(y),
        _ => None,
    }
}

fn num(s: &str) -> Result<u32, DateError> {
    s.parse().map_err(|_| DateError::NotADate)
}

/// Runs of digits and runs of letters; separators dropped, so `Q1-2024`, `Q1/2024` and
/// `Q1 2024` look alike.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut kind = 0u8;
    for (i, c) in s.char_indices() {
        let k = match c {
            _ if c.is_ascii_digit() => 1,
            _ if c.is_alphabetic() => 2,
            _ => 0,
        };
        if k != kind {
            if let Some(st) = start {
                out.push(&s[st..i]);
            }
            start = (k != 0).then_some(i);
            kind = k;
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// The date part of lower-cased text with any time of day cut off. The calendar date is
/// kept as written: a row stamped `2024-03-31T23:30-05:00` belongs to March in the
/// source system, and converting zones would move it into another period.
fn date_part(lower: &str) -> (&str, bool) {
    let Some(colon) = lower.find(':') else {
        return (lower, false);
    };
    match lower[..colon].rfind([' ', 't']) {
        Some(cut) if is_time(&lower[cut + 1..]) => (lower[..cut].trim_end(), true),
        _ => (lower, false),
    }
}

fn is_time(s: &str) -> bool {
    let mut t = s.trim();
    for suffix in ["utc", "gmt", "z", "am", "pm"] {
        t = t.strip_suffix(suffix).unwrap_or(t).trim_end();
    }
    t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | '+' | '-' | ' '))
}

/// All-numeric text split on its one separator (`-`, `/` or `.`).
fn numeric_parts(s: &str) -> Option<(Vec<&str>, char)> {
    let sep = s.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let parts: Vec<&str> = s.split(sep).collect();
    parts.iter().all(|p| all_digits(p)).then_some((parts, sep))
}

/// Could `text` be a date with a day and a month field (`01/02/2024`, `1.2.24`)? The
/// shape needs a first field of one or two digits and then its separator: most texts
/// (ISO dates, labels) fail that before anything is copied or split. False means
/// [`day_month_fields`] finds none; true, that it may.
pub fn may_have_day_month(text: &str) -> bool {
    let t = text.trim();
    let b = t.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let sep = |i: usize| b.get(i).is_some_and(|c| matches!(c, b'-' | b'/' | b'.'));
    t.len() <= MAX_LEN && digit(0) && (sep(1) || (digit(1) && sep(2)))
}

/// The first two fields of a `dd/mm/yyyy`-shaped date (either order), if it is one.
fn day_month_fields(text: &str) -> Option<(u32, u32)> {
    if !may_have_day_month(text) {
        return None;
    }
    let lower = text.trim().to_ascii_lowercase();
    let (parts, _) = numeric_parts(date_part(&lower).0)?;
    match parts.as_slice() {
        [a, b, y] if a.len() <= 2 && b.len() <= 2 && matches!(y.len(), 2 | 4) => {
            Some((a.parse().ok()?, b.parse().ok()?))
        }
        _ => None,
    }
}

/// Parse one cell text: a full date, a datetime (date kept), or a period label.
pub fn parse_date_text(
    text: &str,
    order: Option<DateOrder>,
    cal: &Calendar,
) -> Result<ParsedDate, DateError> {
    let s = text.trim();
    if s.is_empty() || s.len() > MAX_LEN {
        return Err(DateError::NotADate);
    }
    let lower = s.to_ascii_lowercase();
    let (core, timed) = date_part(&lower);
    let parsed = match numeric_parts(core) {
        Some((parts, _)) if split_year(&parts).is_some() => {
            fiscal(split_year(&parts).ok_or(DateError::NotADate)?, cal)?
        }
        Some((parts, sep)) => numeric(&parts, sep, order)?,
        None if all_digits(core) => bare_year(core, cal)?,
        None => worded(core, cal)?,
    };
    // "Mar 2024 10:00" is not a period label with a time; it is not a date at all.
    if timed && parsed.grain.is_some() {
        return Err(DateError::NotADate);
    }
    within_years(parsed)
}

/// A date within the years 1 to 9999, the dates a spreadsheet (and the workbook's
/// own properties) can hold; `0000-01-01` is a placeholder, not a date.
fn within_years(parsed: ParsedDate) -> Result<ParsedDate, DateError> {
    let year = parsed.date.year();
    if (1..=9999).contains(&year) {
        Ok(parsed)
    } else {
        Err(DateError::Impossible(format!(
            "year {year} is outside the years 1 to 9999 a date may have"
        )))
    }
}

/// `2023/24` or `2023-24`: the fiscal year ending in 2024, when the second number
/// cannot be a month (so `2024-05` stays May 2024).
fn split_year(parts: &[&str]) -> Option<i32> {
    let [y, next] = parts else { return None };
    if y.len() != 4 || next.len() != 2 {
        return None;
    }
    let (y, next): (i32, i32) = (y.parse().ok()?, next.parse().ok()?);
    (YEARS.contains(&(y + 1)) && next > 12 && next == (y + 1) % 100).then_some(y + 1)
}

fn bare_year(s: &str, cal: &Calendar) -> Result<ParsedDate, DateError> {
    // Compact `20240315` is skipped on purpose: it is indistinguishable from an id.
    let y: i32 = s.parse().map_err(|_| DateError::NotADate)?;
    if s.len() != 4 || !YEARS.contains(&y) {
        return Err(DateError::NotADate);
    }
    fiscal(y, cal)
}

fn fiscal(fy: i32, cal: &Calendar) -> Result<ParsedDate, DateError> {
    cal.fiscal_year(fy)
        .map(|d| label(d, Grain::Year))
        .ok_or_else(|| DateError::Impossible(format!("fiscal year {fy} is out of range")))
}

/// `2024-03-15`, `2024-03`, and `01/02/2024` in either order.
fn numeric(parts: &[&str], sep: char, order: Option<DateOrder>) -> Result<ParsedDate, DateError> {
    match parts {
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => ymd(
            y.parse().map_err(|_| DateError::NotADate)?,
            num(m)?,
            num(d)?,
        )
        .map(full),
        // `2024.5` is far more often a value than May 2024; `2024.05` is a month.
        [y, m] if y.len() == 4 && (m.len() == 2 || (m.len() == 1 && sep != '.')) => {
            let y: i32 = y.parse().map_err(|_| DateError::NotADate)?;
            if !YEARS.contains(&y) {
                return Err(DateError::NotADate);
            }
            ymd(y, num(m)?, 1).map(|d| label(d, Grain::Month))
        }
        [a, b, y] if a.len() <= 2 && b.len() <= 2 && matches!(y.len(), 2 | 4) => {
            let (a, b) = (num(a)?, num(b)?);
            let y = year_of(y).ok_or(DateError::NotADate)?;
            let order = match order {
                Some(o) => o,
                None if a > 12 => DateOrder::DayFirst,
                None if b > 12 => DateOrder::MonthFirst,
                // 05/05/2024 reads the same either way.
                None if a == b => DateOrder::DayFirst,
                None => return Err(DateError::Ambiguous),
            };
            let (d, m, how) = match order {
                DateOrder::DayFirst => (a, b, "day/month/year"),
                DateOrder::MonthFirst => (b, a, "month/day/year"),
            };
            if m > 12 {
                return Err(DateError::Impossible(format!(
                    "month {m} does not exist (read as {how})"
                )));
            }
            ymd(y, m, d).map(full)
        }
        _ => Err(DateError::NotADate),
    }
}

/// Forms with letters: quarters, ISO weeks, fiscal years, month names.
fn worded(s: &str, cal: &Calendar) -> Result<ParsedDate, DateError> {
    let t = tokens(s);
    let d4 = |x: &str| x.len() == 4 && all_digits(x);
    let d12 = |x: &str| matches!(x.len(), 1 | 2) && all_digits(x);
    let year = |x: &str| year_of(x).ok_or(DateError::NotADate);
    match t.as_slice() {
        [y, "q", q] if d4(y) && q.len() == 1 => quarter(year(y)?, q),
        ["q", q, y] if q.len() == 1 && all_digits(y) => quarter(year(y)?, q),
        [y, "w", w] if d4(y) && d12(w) => {
            let (y, w) = (year(y)?, num(w)?);
            NaiveDate::from_isoywd_opt(y, w, Weekday::Mon)
                .map(|d| label(d, Grain::Week))
                .ok_or_else(|| DateError::Impossible(format!("ISO week {w} does not exist in {y}")))
        }
        ["fy", y] if all_digits(y) => fiscal(year(y)?, cal),
        // FY2023-24 and FY23/24 name the fiscal year ending in the second year.
        ["fy", a, b] if all_digits(a) && all_digits(b) => {
            let (a, b) = (year(a)?, year(b)?);
            if b != a + 1 {
                return Err(DateError::Impossible(format!(
                    "fiscal year {a}–{b} does not span one year"
                )));
            }
            fiscal(b, cal)
        }
        _ => month_named(&t),
    }
}

fn quarter(y: i32, q: &str) -> Result<ParsedDate, DateError> {
    // `Qn YYYY` is a calendar quarter even with a fiscal calendar (docs/methods.md §9).
    let q = num(q)?;
    if !(1..=4).contains(&q) {
        return Err(DateError::Impossible(format!("quarter {q} does not exist")));
    }
    ymd(y, 3 * (q - 1) + 1, 1).map(|d| label(d, Grain::Quarter))
}

/// `Mar 2024`, `Jan-24`, `2024 Mar` (months); `15 Mar 2024`, `March 15, 2024` (dates).
fn month_named(t: &[&str]) -> Result<ParsedDate, DateError> {
    let words: Vec<usize> = (0..t.len()).filter(|&i| !all_digits(t[i])).collect();
    let ([w], 2..=3) = (words.as_slice(), t.len()) else {
        return Err(DateError::NotADate);
    };
    let m = month_name(t[*w]).ok_or(DateError::NotADate)?;
    let nums: Vec<&str> = (0..t.len()).filter(|i| i != w).map(|i| t[i]).collect();
    match nums.as_slice() {
        // `24 Mar` is a day without a year far more often than March 2024.
        [y] if y.len() == 4 || *w == 0 => {
            ymd(year_of(y).ok_or(DateError::NotADate)?, m, 1).map(|d| label(d, Grain::Month))
        }
        [a, b] => {
            let (d, y) = if a.len() == 4 { (b, a) } else { (a, b) };
            if d.len() > 2 {
                return Err(DateError::NotADate);
            }
            ymd(year_of(y).ok_or(DateError::NotADate)?, m, num(d)?).map(full)
        }
        _ => Err(DateError::NotADate),
    }
}

/// True for numeric d/m/y text (`01/02/2024`, `1.2.24`, `01-02-2024`) whose reading
/// depends on the column's day/month order. `05/05/2024` reads the same either way.
pub fn is_order_sensitive(text: &str) -> bool {
    day_month_fields(text).is_some_and(|(a, b)| a != b)
}

/// Day/month order of a column: a first field over 12 means day-first, a second field
/// over 12 means month-first; both seen is an error; neither leaves it open (`None`),
/// which the caller reports as ambiguous when `is_order_sensitive` texts exist — except
/// for dotted dates (`01.02.2024`), which are day-first by convention.
pub fn infer_order<'a>(
    texts: impl IntoIterator<Item = &'a str>,
) -> Result<Option<DateOrder>, DateError> {
    let (mut day_first, mut month_first): (Option<&str>, Option<&str>) = (None, None);
    // dd.mm.yyyy is day-first wherever dots separate the fields (German, Swiss, Nordic,
    // Eastern European exports); nobody writes months first with dots.
    let (mut any, mut all_dotted) = (false, true);
    // Only distinct texts matter (a long export repeats each date once per KPI).
    let mut seen: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    for text in texts {
        if !seen.insert(text) {
            continue;
        }
        let fields = day_month_fields(text);
        if fields.is_some() {
            any = true;
            all_dotted &= text.trim().contains('.') && !text.contains(['/', '-']);
        }
        match fields {
            // Both over 12 is simply impossible; the parser reports that cell.
            Some((a, b)) if a > 12 && b > 12 => {}
            Some((a, _)) if a > 12 => day_first = day_first.or(Some(text)),
            Some((_, b)) if b > 12 => month_first = month_first.or(Some(text)),
            _ => {}
        }
    }
    match (day_first, month_first) {
        (Some(d), Some(m)) => Err(DateError::Impossible(format!(
            "mixed day/month order: '{}' is day-first but '{}' is month-first",
            d.trim(),
            m.trim()
        ))),
        (Some(_), None) => Ok(Some(DateOrder::DayFirst)),
        (None, Some(_)) => Ok(Some(DateOrder::MonthFirst)),
        (None, None) if any && all_dotted => Ok(Some(DateOrder::DayFirst)),
        (None, None) => Ok(None),
    }
}

/// Parse with an explicit chrono format (`--date-format`): a date, a datetime, or a
/// format without a day (`%Y-%m`, `%b %Y`), which gives a month label.
pub fn parse_with_format(text: &str, fmt: &str) -> Result<ParsedDate, DateError> {
    parse_with_format_any_year(text, fmt).and_then(within_years)
}

fn parse_with_format_any_year(text: &str, fmt: &str) -> Result<ParsedDate, DateError> {
    let s = text.trim();
    let mut errors = Vec::new();
    match NaiveDate::parse_from_str(s, fmt) {
        Ok(d) => return Ok(full(d)),
        Err(e) => errors.push(e),
    }
    match NaiveDateTime::parse_from_str(s, fmt) {
        Ok(dt) => return Ok(full(dt.date())),
        Err(e) => errors.push(e),
    }
    if !names_a_day(fmt) {
        match NaiveDate::parse_from_str(&format!("{s}|01"), &format!("{fmt}|%d")) {
            Ok(d) => return Ok(label(d, Grain::Month)),
            Err(e) => errors.push(e),
        }
    }
    // Text that fits the format but names no real day (31/02) deserves the reason.
    match errors.iter().find(|e| {
        matches!(
            e.kind(),
            ParseErrorKind::OutOfRange | ParseErrorKind::Impossible
        )
    }) {
        Some(e) => Err(DateError::Impossible(format!("{e} for format '{fmt}'"))),
        None => Err(DateError::NotADate),
    }
}

/// Does a strftime format contain a day-of-month (or anything that implies one)?
fn names_a_day(fmt: &str) -> bool {
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            let spec =
                chars.find(|c| !matches!(c, '-' | '_' | '0' | '#' | ':' | '.' | '3' | '6' | '9'));
            if spec.is_some_and(|c| "dejFDxcs+aAuwUWVG".contains(c)) {
                return true;
            }
        }
    }
    false
}

/// The year a number names, when it is a whole number in the years kpilens reads
/// (1700–2200): a year header cell, a Year column.
pub fn year_number(v: f64) -> Option<i32> {
    let y = v as i32;
    (v.fract() == 0.0 && YEARS.contains(&y) && f64::from(y) == v).then_some(y)
}

/// An ERP period number `YYYYMM` (202401 → January 2024), as a month label.
pub fn yyyymm(v: f64) -> Option<ParsedDate> {
    if v.fract() != 0.0 || !(190_001.0..=220_012.0).contains(&v) {
        return None;
    }
    let n = v as i64;
    let (year, month) = (i32::try_from(n / 100).ok()?, u32::try_from(n % 100).ok()?);
    NaiveDate::from_ymd_opt(year, month, 1).map(|d| label(d, Grain::Month))
}

/// Excel serial → date, 1900 or 1904 system. Valid serials are 1..=2958465 (up to
/// 9999-12-31); 60 is Excel's fictitious 29 Feb 1900. The time of day is ignored.
pub fn excel_serial_to_date(serial: f64, is_1904: bool) -> Result<NaiveDate, DateError> {
    // Written out, 1e300 is 301 digits: keep messages readable.
    let shown = if serial.is_finite() && serial.abs() < 1e15 {
        format!("{serial}")
    } else {
        format!("{serial:e}")
    };
    if !(1.0..2_958_466.0).contains(&serial) {
        return Err(DateError::Impossible(format!(
            "Excel date serial {shown} is outside 1..2958465"
        )));
    }
    // In range, so the cast is exact and small.
    let days = serial.floor() as i64;
    let base = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)
    } else if days == 60 {
        return Err(DateError::Impossible(
            "Excel serial 60 is the non-existent 29 Feb 1900".into(),
        ));
    } else if days < 60 {
        // Before the fictitious leap day Excel's count starts one day later.
        NaiveDate::from_ymd_opt(1899, 12, 31)
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)
    };
    base.and_then(|b| b.checked_add_signed(chrono::Duration::days(days)))
        .filter(|d| d.year() <= 9999)
        .ok_or_else(|| {
            DateError::Impossible(format!("Excel date serial {shown} is after 9999-12-31"))
        })
}

#[cfg(test)]
mod tests;
