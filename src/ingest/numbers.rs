/*!
Numbers as exports write them: currency symbols, thousands separators (comma, dot,
space, no-break spaces), decimal comma, `%` (text `35%` reads as 0.35, like Excel's
percent cells), parentheses for negatives, a leading apostrophe, and the many ways of
writing "missing". Anything else is an error for the caller to report — never a 0.
*/

/// How to read separators in text numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumberStyle {
    pub decimal_comma: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    NotANumber,
    NonFinite,
}

impl std::fmt::Display for NumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NumberError::NotANumber => "is not a number",
            NumberError::NonFinite => "is too large to be a finite number",
        })
    }
}

const EXCEL_ERRORS: &[&str] = &[
    "#n/a",
    "#div/0!",
    "#value!",
    "#ref!",
    "#name?",
    "#num!",
    "#null!",
    "#getting_data",
    "#spill!",
    "#calc!",
    "#data!",
    "#field!",
    "#blocked!",
    "#connect!",
    "#busy!",
    "#unknown!",
];

const MISSING: &[&str] = &[
    "", "na", "n/a", "n.a.", "-", "—", "–", "null", "none", "nan", "#na", "--",
];

/// Spaces that may surround or group digits.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}')
}

pub fn is_excel_error_literal(text: &str) -> bool {
    let t = text.trim_matches(is_space).to_ascii_lowercase();
    EXCEL_ERRORS.contains(&t.as_str())
}

pub fn is_missing_marker(text: &str) -> bool {
    let t = text.trim_matches(is_space).to_lowercase();
    MISSING.contains(&t.as_str()) || is_excel_error_literal(&t)
}

/// Ok(None) for a missing marker, Ok(Some(v)) for a number, Err otherwise.
pub fn parse_number(text: &str, style: NumberStyle) -> Result<Option<f64>, NumberError> {
    if is_missing_marker(text) {
        return Ok(None);
    }
    let mut s = text.trim_matches(is_space);
    s = s.strip_prefix('\'').unwrap_or(s).trim_matches(is_space);
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner.trim_matches(is_space);
    }
    let mut percent = false;
    if let Some(rest) = s.strip_suffix('%') {
        percent = true;
        s = rest.trim_matches(is_space);
    }
    s = strip_currency(s);
    if let Some(rest) = s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        negative = !negative;
        s = strip_currency(rest.trim_matches(is_space));
    } else if let Some(rest) = s.strip_prefix('+') {
        s = strip_currency(rest.trim_matches(is_space));
    }
    if let Some(rest) = s.strip_suffix('%') {
        percent = true;
        s = rest.trim_matches(is_space);
    }
    if matches!(s.to_ascii_lowercase().as_str(), "inf" | "infinity" | "∞") {
        return Err(NumberError::NonFinite);
    }
    let plain = normalise(s, style).ok_or(NumberError::NotANumber)?;
    let mut v: f64 = plain.parse().map_err(|_| NumberError::NotANumber)?;
    if !v.is_finite() {
        return Err(NumberError::NonFinite);
    }
    if percent {
        v /= 100.0;
    }
    if negative {
        v = -v;
    }
    // Negative zero prints as "-0" in some viewers; it is just zero.
    Ok(Some(if v == 0.0 { 0.0 } else { v }))
}

fn strip_currency(s: &str) -> &str {
    let mut s = s;
    for sym in [
        "US$", "$", "€", "£", "¥", "₹", "USD", "EUR", "GBP", "CHF", "JPY",
    ] {
        if let Some(r) = s.strip_prefix(sym) {
            s = r.trim_matches(is_space);
        }
        if let Some(r) = s.strip_suffix(sym) {
            s = r.trim_matches(is_space);
        }
    }
    s
}

/// Remove thousands separators and turn the decimal separator into '.', or None
/// when the text is not a well-formed number.
fn normalise(s: &str, style: NumberStyle) -> Option<String> {
    if s.is_empty() {
        return None;
    }
    // Split off an exponent so its sign/digits are not mistaken for separators.
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) if i > 0 => (&s[..i], Some(&s[i + 1..])),
        _ => (s, None),
    };
    if let Some(e) = exponent {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let last_comma = mantissa.rfind(',');
    let last_dot = mantissa.rfind('.');
    // Both separators present: the last one is the decimal separator.
    let decimal_comma = match (last_comma, last_dot) {
        (Some(c), Some(d)) => c > d,
        _ => style.decimal_comma,
    };
    let (dec, thou) = if decimal_comma {
        (',', '.')
    } else {
        ('.', ',')
    };
    let mut int_part = String::new();
    let mut frac_part: Option<String> = None;
    let mut groups: Vec<usize> = Vec::new();
    let mut current = 0usize;
    let mut grouped = false;
    for c in mantissa.chars() {
        if c.is_ascii_digit() {
            match &mut frac_part {
                Some(f) => f.push(c),
                None => {
                    int_part.push(c);
                    current += 1;
                }
            }
        } else if c == dec && frac_part.is_none() {
            frac_part = Some(String::new());
        } else if (c == thou || is_space(c) || c == '\'') && frac_part.is_none() && current > 0 {
            groups.push(current);
            current = 0;
            grouped = true;
        } else {
            return None;
        }
    }
    if grouped {
        // Grouping must look like thousands: 1–3 digits, then groups of exactly 3.
        groups.push(current);
        if groups[0] > 3 || groups[1..].iter().any(|&g| g != 3) {
            return None;
        }
    }
    if int_part.is_empty() && frac_part.as_deref().is_none_or(str::is_empty) {
        return None;
    }
    let mut out = if int_part.is_empty() {
        "0".to_string()
    } else {
        int_part
    };
    if let Some(f) = frac_part {
        if !f.is_empty() {
            out.push('.');
            out.push_str(&f);
        }
    }
    if let Some(e) = exponent {
        out.push('e');
        out.push_str(e);
    }
    Some(out)
}

/// Decide whether a `;`-separated file writes decimals with a comma: some cell looks
/// like `12,5` or `1.234,5` and none looks like `12.5`.
pub fn detect_decimal_comma<'a>(samples: impl IntoIterator<Item = &'a str>) -> bool {
    let mut comma = false;
    for s in samples {
        let t = s.trim_matches(is_space);
        let t = t.strip_prefix('-').unwrap_or(t);
        let t = t.strip_suffix('%').unwrap_or(t).trim_matches(is_space);
        if t.is_empty()
            || !t
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            continue;
        }
        let (Some(first), Some(_)) = (t.chars().next(), t.chars().last()) else {
            continue;
        };
        if !first.is_ascii_digit() {
            continue;
        }
        match (t.rfind(','), t.rfind('.')) {
            (Some(c), Some(d)) if c > d => comma = true,
            (Some(_), Some(_)) => return false,
            (Some(c), None) => {
                // "1,234" is ambiguous; "12,5" or "0,25" is a decimal comma.
                if t.len() - c - 1 != 3 {
                    comma = true;
                }
            }
            (None, Some(d)) => {
                if t.len() - d - 1 != 3 {
                    return false;
                }
            }
            (None, None) => {}
        }
    }
    comma
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Option<f64>, NumberError> {
        parse_number(s, NumberStyle::default())
    }
    fn pc(s: &str) -> Result<Option<f64>, NumberError> {
        parse_number(
            s,
            NumberStyle {
                decimal_comma: true,
            },
        )
    }

    #[test]
    fn plain_and_grouped() {
        assert_eq!(p("1,234.5"), Ok(Some(1234.5)));
        assert_eq!(p("1.234,5"), Ok(Some(1234.5)));
        assert_eq!(pc("1.234,5"), Ok(Some(1234.5)));
        assert_eq!(pc("1\u{202F}234,5"), Ok(Some(1234.5)));
        assert_eq!(p("1\u{00A0}234.5"), Ok(Some(1234.5)));
        assert_eq!(pc("2,25"), Ok(Some(2.25)));
        assert_eq!(p("12,34"), Err(NumberError::NotANumber));
        assert_eq!(p("1234567890123456"), Ok(Some(1_234_567_890_123_456.0)));
        assert_eq!(p(".5"), Ok(Some(0.5)));
        assert_eq!(p("1.5E-3"), Ok(Some(0.0015)));
    }

    #[test]
    fn currency_percent_parentheses() {
        assert_eq!(p("$1,200"), Ok(Some(1200.0)));
        assert_eq!(p("(1,200)"), Ok(Some(-1200.0)));
        assert_eq!(p("-$5"), Ok(Some(-5.0)));
        assert_eq!(p("1 200 €"), Ok(Some(1200.0)));
        assert_eq!(p("35%"), Ok(Some(0.35)));
        assert_eq!(p("12.5 %"), Ok(Some(0.125)));
        assert_eq!(p("'123"), Ok(Some(123.0)));
        assert_eq!(p("  7  "), Ok(Some(7.0)));
        assert_eq!(p("USD 10"), Ok(Some(10.0)));
    }

    #[test]
    fn missing_errors_and_junk() {
        for m in [
            "", " ", "NA", "N/A", "n/a", "-", "—", "null", "None", "#N/A", "NaN", "#DIV/0!",
        ] {
            assert_eq!(p(m), Ok(None), "{m}");
        }
        assert!(is_excel_error_literal("#DIV/0!"));
        assert!(!is_excel_error_literal("NA"));
        assert_eq!(p("1e309"), Err(NumberError::NonFinite));
        assert_eq!(p("-inf"), Err(NumberError::NonFinite));
        assert_eq!(p("abc"), Err(NumberError::NotANumber));
        assert_eq!(p("12 kg"), Err(NumberError::NotANumber));
        assert_eq!(
            p("-0").map(|v| v.map(f64::to_bits)),
            Ok(Some(0.0f64.to_bits()))
        );
    }

    #[test]
    fn decimal_comma_detection() {
        assert!(detect_decimal_comma(["1,5", "2", "x"]));
        assert!(detect_decimal_comma(["1.234,5"]));
        assert!(!detect_decimal_comma(["1.5", "2,5"]));
        assert!(!detect_decimal_comma(["1,234"]));
    }
}
