/*!
Dates and period labels as exports write them, and Excel serials. A full date gives
`grain: None`; a period label (`2024-03`, `Mar 2024`, `Q1 2024`, `2024-W05`, `FY2024`,
a bare year) gives its grain, which wins over spacing-based grain inference. Numeric
day/month dates (`01/02/2024`) need an order, decided per column by `infer_order`;
impossible dates and absurd serials are errors with a reason, never a panic.
*/
use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::model::period::{Calendar, Grain};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    pub date: NaiveDate,
    pub grain: Option<Grain>,
}

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

fn month_name(s: &str) -> Option<u32> {
    if s.len() < 3 {
        return None;
    }
    let s = s.to_ascii_lowercase();
    let s = if s == "sept" { "sep".to_string() } else { s };
    MONTHS
        .iter()
        .position(|m| m.starts_with(s.as_str()))
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

/// Two-digit years: 00–69 → 2000s, 70–99 → 1900s.
fn year_of(digits: &str) -> Option<i32> {
    let y: i32 = digits.parse().ok()?;
    match digits.len() {
        2 => Some(if y < 70 { 2000 + y } else { 1900 + y }),
        4 => Some(y),
        _ => None,
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Split into runs of digits and runs of letters; separators dropped.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut kind = 0u8;
    for (i, c) in s.char_indices() {
        let k = if c.is_ascii_digit() {
            1
        } else if c.is_alphabetic() {
            2
        } else {
            0
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

pub fn parse_date_text(
    text: &str,
    order: Option<DateOrder>,
    cal: &Calendar,
) -> Result<ParsedDate, DateError> {
    let s = text.trim();
    if s.is_empty() || s.len() > 40 {
        return Err(DateError::NotADate);
    }
    let lower = s.to_ascii_lowercase();
    let b = lower.as_bytes();

    // ISO date or datetime: YYYY-MM-DD[Thh:mm…]; the calendar date as written wins.
    if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && matches!(b[4], b'-' | b'/' | b'.') {
        let sep = b[4] as char;
        let date_part = lower.split(['t', ' ']).next().unwrap_or("");
        let parts: Vec<&str> = date_part.split(sep).collect();
        if parts.len() == 3
            && parts.iter().all(|p| all_digits(p))
            && parts[1].len() <= 2
            && parts[2].len() <= 2
        {
            let y = parts[0].parse().map_err(|_| DateError::NotADate)?;
            let m = parts[1].parse().map_err(|_| DateError::NotADate)?;
            let d = parts[2].parse().map_err(|_| DateError::NotADate)?;
            return ymd(y, m, d).map(full);
        }
    }
    let t = tokens(&lower);
    let n = t.len();
    // YYYY-MM, YYYY/MM
    if n == 2
        && t[0].len() == 4
        && all_digits(t[0])
        && all_digits(t[1])
        && t[1].len() <= 2
        && lower[4..].starts_with(['-', '/', '.'])
    {
        let y = year_of(t[0]).ok_or(DateError::NotADate)?;
        let m: u32 = t[1].parse().map_err(|_| DateError::NotADate)?;
        return ymd(y, m, 1).map(|d| label(d, Grain::Month));
    }
    // Quarters: 2024-Q1, 2024Q1, Q1 2024, Q1-24
    if n == 3 && t[1] == "q" && t[0].len() == 4 && all_digits(t[0]) && all_digits(t[2]) {
        return quarter(t[0], t[2]);
    }
    if n == 2 && t[0] == "q" && all_digits(t[1]) && t[1].len() == 1 {
        // "Q1" alone has no year.
        return Err(DateError::NotADate);
    }
    if n == 3 && t[0] == "q" && all_digits(t[1]) && all_digits(t[2]) {
        return quarter(t[2], t[1]);
    }
    if n == 2 && t[1].starts_with('q') && t[0].len() == 4 && all_digits(t[0]) {
        if let Some(q) = t[1].strip_prefix('q') {
            if all_digits(q) {
                return quarter(t[0], q);
            }
        }
    }
    // ISO weeks: 2024-W05, 2024W05
    if n == 3 && t[1] == "w" && t[0].len() == 4 && all_digits(t[0]) && all_digits(t[2]) {
        let y: i32 = t[0].parse().map_err(|_| DateError::NotADate)?;
        let w: u32 = t[2].parse().map_err(|_| DateError::NotADate)?;
        return NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Mon)
            .map(|d| label(d, Grain::Week))
            .ok_or_else(|| DateError::Impossible(format!("week {w} does not exist in {y}")));
    }
    // Fiscal years: FY2024, FY24, FY 2024
    if n == 2 && t[0] == "fy" && all_digits(t[1]) {
        let y = year_of(t[1]).ok_or(DateError::NotADate)?;
        return cal
            .fiscal_year(y)
            .map(|d| label(d, Grain::Year))
            .ok_or(DateError::NotADate);
    }
    // Bare year
    if n == 1 && lower.len() == 4 && all_digits(&lower) {
        let y: i32 = lower.parse().map_err(|_| DateError::NotADate)?;
        if (1900..=2200).contains(&y) {
            return cal
                .fiscal_year(y)
                .map(|d| label(d, Grain::Year))
                .ok_or(DateError::NotADate);
        }
        return Err(DateError::NotADate);
    }
    // Month names: Mar 2024, March 2024, Mar-24, 2024 Mar, 15 Mar 2024, March 15, 2024
    if (2..=3).contains(&n) {
        let names: Vec<Option<u32>> = t
            .iter()
            .map(|x| if all_digits(x) { None } else { month_name(x) })
            .collect();
        let letters = t.iter().filter(|x| !all_digits(x)).count();
        if letters == 1 {
            if let Some(mi) = names.iter().position(Option::is_some) {
                let m = names[mi].unwrap_or(1);
                let nums: Vec<&str> = t
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != mi)
                    .map(|(_, x)| *x)
                    .collect();
                if n == 2 {
                    let y = year_of(nums[0]).ok_or(DateError::NotADate)?;
                    return ymd(y, m, 1).map(|d| label(d, Grain::Month));
                }
                // Day and year around the month name: the 4-digit (or last) one is the year.
                let (d, y) = if nums[0].len() == 4 {
                    (nums[1], nums[0])
                } else {
                    (nums[0], nums[1])
                };
                let y = year_of(y).ok_or(DateError::NotADate)?;
                let d: u32 = d.parse().map_err(|_| DateError::NotADate)?;
                return ymd(y, m, d).map(full);
            }
        }
    }
    // Numeric d/m/y or m/d/y
    if n == 3 && is_order_sensitive(s) {
        let a: u32 = t[0].parse().map_err(|_| DateError::NotADate)?;
        let b2: u32 = t[1].parse().map_err(|_| DateError::NotADate)?;
        let y = year_of(t[2]).ok_or(DateError::NotADate)?;
        let order = match order {
            Some(o) => o,
            None if a > 12 => DateOrder::DayFirst,
            None if b2 > 12 => DateOrder::MonthFirst,
            None if a == b2 => DateOrder::DayFirst,
            None => return Err(DateError::Ambiguous),
        };
        let (d, m) = match order {
            DateOrder::DayFirst => (a, b2),
            DateOrder::MonthFirst => (b2, a),
        };
        return ymd(y, m, d).map(full);
    }
    Err(DateError::NotADate)
}

fn quarter(year: &str, q: &str) -> Result<ParsedDate, DateError> {
    let y = year_of(year).ok_or(DateError::NotADate)?;
    let q: u32 = q.parse().map_err(|_| DateError::NotADate)?;
    if !(1..=4).contains(&q) {
        return Err(DateError::Impossible(format!("quarter {q} does not exist")));
    }
    ymd(y, 3 * (q - 1) + 1, 1).map(|d| label(d, Grain::Quarter))
}

/// `01/02/2024`, `1.2.24`, `01-02-2024`: numeric day and month whose order matters.
pub fn is_order_sensitive(text: &str) -> bool {
    let s = text.trim();
    let s = s.split([' ', 'T']).next().unwrap_or("");
    for sep in ['/', '.', '-'] {
        let parts: Vec<&str> = s.split(sep).collect();
        if parts.len() == 3
            && parts.iter().all(|p| all_digits(p))
            && parts[0].len() <= 2
            && parts[1].len() <= 2
            && matches!(parts[2].len(), 2 | 4)
        {
            return true;
        }
    }
    false
}

/// Day/month order of a column: a first field over 12 means day-first, a second field
/// over 12 means month-first; both seen is an error; neither leaves it open (`None`).
pub fn infer_order<'a>(
    texts: impl IntoIterator<Item = &'a str>,
) -> Result<Option<DateOrder>, DateError> {
    let (mut day_first, mut month_first) = (false, false);
    for text in texts {
        if !is_order_sensitive(text) {
            continue;
        }
        let t = tokens(text.trim());
        let a: u32 = t.first().and_then(|x| x.parse().ok()).unwrap_or(0);
        let b: u32 = t.get(1).and_then(|x| x.parse().ok()).unwrap_or(0);
        day_first |= a > 12;
        month_first |= b > 12;
    }
    match (day_first, month_first) {
        (true, true) => Err(DateError::Impossible(
            "some dates have a first field over 12 and others a second field over 12".into(),
        )),
        (true, false) => Ok(Some(DateOrder::DayFirst)),
        (false, true) => Ok(Some(DateOrder::MonthFirst)),
        (false, false) => Ok(None),
    }
}

/// Parse with an explicit chrono format (`--date-format`): a date, a datetime, or a
/// format without a day (`%Y-%m`), which gives a month label.
pub fn parse_with_format(text: &str, fmt: &str) -> Result<ParsedDate, DateError> {
    let s = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
        return Ok(full(d));
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
        return Ok(full(dt.date()));
    }
    if !fmt.contains("%d") && !fmt.contains("%e") {
        if let Ok(d) = NaiveDate::parse_from_str(&format!("{s}|01"), &format!("{fmt}|%d")) {
            return Ok(label(d, Grain::Month));
        }
    }
    Err(DateError::NotADate)
}

/// Excel serial → date, 1900 or 1904 system. Valid serials are 1..=2958465 (up to
/// 9999-12-31); 60 is Excel's fictitious 29 Feb 1900. The time of day is ignored.
pub fn excel_serial_to_date(serial: f64, is_1904: bool) -> Result<NaiveDate, DateError> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return Err(DateError::Impossible(format!(
            "Excel date serial {serial} is outside 1..2958465"
        )));
    }
    let days = serial.floor() as i64;
    let (base, offset) = if is_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1), days)
    } else if days == 60 {
        return Err(DateError::Impossible(
            "Excel serial 60 is the non-existent 29 Feb 1900".into(),
        ));
    } else if days < 60 {
        (NaiveDate::from_ymd_opt(1899, 12, 31), days)
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 30), days)
    };
    base.and_then(|b| b.checked_add_signed(chrono::Duration::days(offset)))
        .filter(|d| d.year() <= 9999)
        .ok_or_else(|| DateError::Impossible(format!("Excel date serial {serial} is out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn p(s: &str) -> Result<ParsedDate, DateError> {
        parse_date_text(s, None, &Calendar::default())
    }
    fn lab(s: &str) -> (NaiveDate, Option<Grain>) {
        let r = p(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (r.date, r.grain)
    }

    #[test]
    fn full_dates() {
        assert_eq!(lab("2024-03-15"), (d(2024, 3, 15), None));
        assert_eq!(lab("2024/03/15"), (d(2024, 3, 15), None));
        assert_eq!(lab("2024-03-15T23:30:00+05:00"), (d(2024, 3, 15), None));
        assert_eq!(lab("2024-03-15 10:00"), (d(2024, 3, 15), None));
        assert_eq!(lab("15 March 2024"), (d(2024, 3, 15), None));
        assert_eq!(lab("March 15, 2024"), (d(2024, 3, 15), None));
        assert_eq!(lab("15-Mar-2024"), (d(2024, 3, 15), None));
        assert!(matches!(p("2024-13-45"), Err(DateError::Impossible(_))));
        assert!(matches!(p("2024-02-30"), Err(DateError::Impossible(_))));
    }

    #[test]
    fn labels() {
        let m = Some(Grain::Month);
        assert_eq!(lab("2024-03"), (d(2024, 3, 1), m));
        assert_eq!(lab("2024/03"), (d(2024, 3, 1), m));
        assert_eq!(lab("Mar 2024"), (d(2024, 3, 1), m));
        assert_eq!(lab("March 2024"), (d(2024, 3, 1), m));
        assert_eq!(lab("Jan-24"), (d(2024, 1, 1), m));
        assert_eq!(lab("Sept 1999"), (d(1999, 9, 1), m));
        let q = Some(Grain::Quarter);
        assert_eq!(lab("2024-Q2"), (d(2024, 4, 1), q));
        assert_eq!(lab("2024Q3"), (d(2024, 7, 1), q));
        assert_eq!(lab("Q1 2024"), (d(2024, 1, 1), q));
        assert_eq!(lab("Q4-24"), (d(2024, 10, 1), q));
        assert_eq!(lab("2024-W05"), (d(2024, 1, 29), Some(Grain::Week)));
        assert_eq!(lab("2020W53"), (d(2020, 12, 28), Some(Grain::Week)));
        assert!(matches!(p("2021-W53"), Err(DateError::Impossible(_))));
        assert_eq!(lab("FY2024"), (d(2024, 1, 1), Some(Grain::Year)));
        assert_eq!(lab("FY24"), (d(2024, 1, 1), Some(Grain::Year)));
        assert_eq!(lab("2024"), (d(2024, 1, 1), Some(Grain::Year)));
        let fy4 = Calendar {
            fiscal_year_start: 4,
        };
        assert_eq!(
            parse_date_text("FY2024", None, &fy4).unwrap().date,
            d(2023, 4, 1)
        );
        assert_eq!(p("Revenue"), Err(DateError::NotADate));
        assert_eq!(p("Target"), Err(DateError::NotADate));
        assert_eq!(p("Q1"), Err(DateError::NotADate));
        assert_eq!(p("12345"), Err(DateError::NotADate));
    }

    #[test]
    fn day_month_order() {
        assert_eq!(p("01/02/2024"), Err(DateError::Ambiguous));
        assert_eq!(lab("15/02/2024"), (d(2024, 2, 15), None));
        assert_eq!(lab("02/15/2024"), (d(2024, 2, 15), None));
        let df = parse_date_text(
            "01/02/2024",
            Some(DateOrder::DayFirst),
            &Calendar::default(),
        )
        .unwrap();
        assert_eq!(df.date, d(2024, 2, 1));
        let mf =
            parse_date_text("1.2.24", Some(DateOrder::MonthFirst), &Calendar::default()).unwrap();
        assert_eq!(mf.date, d(2024, 1, 2));
        assert!(matches!(
            parse_date_text(
                "31/02/2024",
                Some(DateOrder::DayFirst),
                &Calendar::default()
            ),
            Err(DateError::Impossible(_))
        ));
        assert_eq!(
            infer_order(["01/02/2024", "13/02/2024"]),
            Ok(Some(DateOrder::DayFirst))
        );
        assert_eq!(
            infer_order(["01/02/2024", "02/13/2024"]),
            Ok(Some(DateOrder::MonthFirst))
        );
        assert_eq!(infer_order(["01/02/2024", "03/04/2024"]), Ok(None));
        assert!(infer_order(["13/01/2024", "01/13/2024"]).is_err());
        assert!(!is_order_sensitive("2024-01-02"));
    }

    #[test]
    fn serials() {
        assert_eq!(excel_serial_to_date(1.0, false), Ok(d(1900, 1, 1)));
        assert_eq!(excel_serial_to_date(59.0, false), Ok(d(1900, 2, 28)));
        assert!(excel_serial_to_date(60.0, false).is_err());
        assert_eq!(excel_serial_to_date(61.0, false), Ok(d(1900, 3, 1)));
        assert_eq!(excel_serial_to_date(45292.75, false), Ok(d(2024, 1, 1)));
        assert_eq!(excel_serial_to_date(43830.0, true), Ok(d(2024, 1, 1)));
        assert_eq!(
            excel_serial_to_date(2_958_465.0, false),
            Ok(d(9999, 12, 31))
        );
        for bad in [
            0.0,
            -1.0,
            1e300,
            -1e300,
            f64::NAN,
            f64::INFINITY,
            2_958_466.0,
        ] {
            assert!(excel_serial_to_date(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn explicit_format() {
        assert_eq!(
            parse_with_format("01/02/2024", "%d/%m/%Y").unwrap().date,
            d(2024, 2, 1)
        );
        assert_eq!(
            parse_with_format("2024.03", "%Y.%m").unwrap(),
            label(d(2024, 3, 1), Grain::Month)
        );
        assert!(parse_with_format("x", "%d/%m/%Y").is_err());
    }
}
