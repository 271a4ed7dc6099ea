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

/// Why a text cell is not a value; the caller adds the cell's place and text.
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

/// Spaces that may surround or group digits. `char::is_whitespace` already covers the
/// no-break, narrow no-break and thin spaces; they are named so a reader need not check.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}')
}

/// Longer than any marker; checked first so a 50 MB field is not lower-cased to say no.
const MARKER_MAX_LEN: usize = 16;

/// An Excel error value written as text (`#N/A`, `#DIV/0!`, …): missing, but callers
/// count these in an `excel_error_cell` finding rather than passing over them silently.
pub fn is_excel_error_literal(text: &str) -> bool {
    let t = text.trim_matches(is_space);
    t.len() <= MARKER_MAX_LEN && EXCEL_ERRORS.contains(&t.to_ascii_lowercase().as_str())
}

/// Empty cells and the ways exports write "no value"; never read as 0.
pub fn is_missing_marker(text: &str) -> bool {
    let t = text.trim_matches(is_space);
    t.len() <= MARKER_MAX_LEN
        && (MISSING.contains(&t.to_lowercase().as_str()) || is_excel_error_literal(t))
}

/// A plain decimal — digits with at most one decimal point and a leading minus, the
/// way programs write numbers — read directly: most cells of a large export are like
/// this, and the general path below costs several times as much. `None` for anything
/// else, or a point where the point may group thousands (`--decimal-comma`).
fn plain_decimal(text: &str, style: NumberStyle) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || digits.len() > 17 {
        return None;
    }
    let mut points = 0;
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {}
            b'.' if !style.decimal_comma => points += 1,
            _ => return None,
        }
    }
    if points > 1 || digits.starts_with('.') || digits.ends_with('.') {
        return None;
    }
    let v: f64 = text.parse().ok()?;
    // Negative zero prints as "-0" in some viewers; it is just zero.
    Some(if v == 0.0 { 0.0 } else { v })
}

/// Ok(None) for a missing marker, Ok(Some(v)) for a number, Err otherwise.
pub fn parse_number(text: &str, style: NumberStyle) -> Result<Option<f64>, NumberError> {
    if let Some(v) = plain_decimal(text, style) {
        return Ok(Some(v));
    }
    if is_missing_marker(text) {
        return Ok(None);
    }
    let mut s = text.trim_matches(is_space);
    // Excel's "store as text" prefix; it is not part of the value.
    s = s.strip_prefix('\'').unwrap_or(s).trim_matches(is_space);
    let mut negative = false;
    // Accountants' negatives: (1,200).
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
    } else if let Some(rest) = s.strip_suffix('-') {
        // SAP-style trailing minus: 1.200,00-
        negative = !negative;
        s = rest.trim_matches(is_space);
    }
    if let Some(rest) = s.strip_suffix('%') {
        percent = true;
        s = rest.trim_matches(is_space);
    }
    if ["inf", "infinity", "∞"]
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
    {
        return Err(NumberError::NonFinite);
    }
    if s.eq_ignore_ascii_case("nan") {
        return Ok(None);
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

/// Currency is a unit, not part of the value; the KPI's unit comes from elsewhere.
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
            if let Some(f) = &mut frac_part {
                f.push(c);
            } else {
                int_part.push(c);
                current += 1;
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
        let well_formed = groups
            .split_first()
            .is_some_and(|(lead, rest)| *lead <= 3 && rest.iter().all(|&g| g == 3));
        if !well_formed {
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

/// Decide whether a `;`-separated file writes decimals with a comma. Only cells that
/// are clearly one style count as evidence: `12,5` or `1.234,5` for a comma, `12.5` or
/// `1,234.5` for a point. `1,234` and `1.234` say nothing, and neither do dotted dates
/// (`01.02.2024`), which are common in exactly the files that use decimal commas.
pub fn detect_decimal_comma<'a>(samples: impl IntoIterator<Item = &'a str>) -> bool {
    let mut comma = false;
    for s in samples {
        let t = strip_currency(s.trim_matches(is_space));
        let t = t.strip_prefix(['-', '+']).unwrap_or(t);
        let t = t.strip_suffix('%').unwrap_or(t).trim_matches(is_space);
        if is_decimal_number(t, ',', '.') {
            comma = true;
        } else if is_decimal_number(t, '.', ',') {
            return false;
        }
    }
    comma
}

/// The first of `samples` when every number among them that has a dot has it as
/// thousands groups (`105.500`, `1.250.000`) and none has a decimal comma or another
/// decimal: read with a decimal point those are 1000× too small if the dot separates
/// thousands, which a `;`-separated European export suggests. `None` when fewer than
/// three samples look like that or any sample settles it.
pub fn dot_thousands_example<'a>(samples: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut first = None;
    let mut seen = 0;
    for s in samples {
        let t = strip_currency(s.trim_matches(is_space));
        let t = t
            .strip_prefix(['-', '+'])
            .unwrap_or(t)
            .trim_matches(is_space);
        if !t.contains('.') {
            continue;
        }
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        let parts: Vec<&str> = t.split('.').collect();
        // A dotted date (31.01.2024) is not a number.
        if let [d, m, y] = parts.as_slice() {
            if [d, m, y].iter().all(|x| digits(x)) && d.len() <= 2 && m.len() <= 2 {
                continue;
            }
        }
        let mut groups = parts.into_iter();
        let lead = groups.next().unwrap_or("");
        if digits(lead) && lead.len() <= 3 && groups.all(|g| g.len() == 3 && digits(g)) {
            seen += 1;
            first = first.or(Some(s));
        } else {
            return None;
        }
    }
    first.filter(|_| seen >= 3)
}

/// `\d+<dec>\d{1,2}` or `\d{1,3}(<thou>\d{3})+<dec>\d+`.
fn is_decimal_number(t: &str, dec: char, thou: char) -> bool {
    let Some((int, frac)) = t.split_once(dec) else {
        return false;
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(frac) {
        return false;
    }
    if digits(int) {
        return frac.len() <= 2;
    }
    let mut groups = int.split(thou);
    let lead_ok = groups.next().is_some_and(|g| digits(g) && g.len() <= 3);
    let mut rest = groups.peekable();
    lead_ok && rest.peek().is_some() && rest.all(|g| digits(g) && g.len() == 3)
}

#[cfg(test)]
mod tests;
