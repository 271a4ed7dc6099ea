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

/// Ok(None) for a missing marker, Ok(Some(v)) for a number, Err otherwise.
pub fn parse_number(text: &str, style: NumberStyle) -> Result<Option<f64>, NumberError> {
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
mod tests {
    use super::*;

    #[test]
    fn dot_thousands_are_noticed_but_not_guessed() {
        let looks = ["31.01.2024", "105.500", "Revenue", "1.250.000", "99.000"];
        assert_eq!(dot_thousands_example(looks), Some("105.500"));
        // One real decimal settles it; two examples are too few.
        assert_eq!(dot_thousands_example(["105.500", "99.000", "1.5"]), None);
        assert_eq!(dot_thousands_example(["105.500", "99.000"]), None);
    }

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
    const BAD: Result<Option<f64>, NumberError> = Err(NumberError::NotANumber);

    #[test]
    fn separators() {
        assert_eq!(p("1,234.5"), Ok(Some(1234.5)));
        assert_eq!(p("1,234,567"), Ok(Some(1_234_567.0)));
        assert_eq!(p("1.234,5"), Ok(Some(1234.5)), "both: last one is decimal");
        assert_eq!(p("1.234"), Ok(Some(1.234)));
        assert_eq!(p("12,34"), BAD, "default comma needs 3 digits after it");
        assert_eq!(p("1234,567"), BAD);
        assert_eq!(p("1,,234"), BAD);
        assert_eq!(p("1,"), BAD);
        assert_eq!(p("1.2.3"), BAD);
        assert_eq!(p("1 234 567.25"), Ok(Some(1_234_567.25)));
        assert_eq!(p("12 34"), BAD);
        assert_eq!(p("1'234.5"), Ok(Some(1234.5)));
        assert_eq!(pc("1.234,5"), Ok(Some(1234.5)));
        assert_eq!(pc("1.234.567,89"), Ok(Some(1_234_567.89)));
        assert_eq!(pc("1\u{202F}234,5"), Ok(Some(1234.5)));
        assert_eq!(pc("1\u{00A0}234,5"), Ok(Some(1234.5)));
        assert_eq!(pc("1 234,5"), Ok(Some(1234.5)));
        assert_eq!(pc("2,25"), Ok(Some(2.25)));
        assert_eq!(pc("1.234"), Ok(Some(1234.0)));
        assert_eq!(pc("1,234.5"), Ok(Some(1234.5)), "both: last one is decimal");
        assert_eq!(pc("1.23"), BAD);
        assert_eq!(p(".5"), Ok(Some(0.5)));
        assert_eq!(p("5."), Ok(Some(5.0)));
        assert_eq!(p("."), BAD);
    }

    #[test]
    fn spaces_and_apostrophe() {
        assert_eq!(p("  7  "), Ok(Some(7.0)));
        assert_eq!(p("42\t"), Ok(Some(42.0)));
        assert_eq!(p("\u{00A0}12.5\u{00A0}"), Ok(Some(12.5)));
        assert_eq!(p("\u{202F}3\u{2009}"), Ok(Some(3.0)));
        assert_eq!(p("1\u{00A0}234.5"), Ok(Some(1234.5)));
        assert_eq!(p("1\u{202F}234"), Ok(Some(1234.0)));
        assert_eq!(p("'123"), Ok(Some(123.0)));
        assert_eq!(p(" '0042 "), Ok(Some(42.0)));
    }

    #[test]
    fn currency_percent_signs() {
        assert_eq!(p("$1,200"), Ok(Some(1200.0)));
        assert_eq!(p("(1,200)"), Ok(Some(-1200.0)));
        assert_eq!(p("($1,200.50)"), Ok(Some(-1200.5)));
        assert_eq!(p("-$5"), Ok(Some(-5.0)));
        assert_eq!(p("$-5"), Ok(Some(-5.0)));
        assert_eq!(p("+5"), Ok(Some(5.0)));
        assert_eq!(p("\u{2212}5"), Ok(Some(-5.0)));
        assert_eq!(pc("1.200,00-"), Ok(Some(-1200.0)));
        assert_eq!(p("1 200 €"), Ok(Some(1200.0)));
        assert_eq!(p("€1.234,50"), Ok(Some(1234.5)));
        assert_eq!(p("£3"), Ok(Some(3.0)));
        assert_eq!(p("¥300"), Ok(Some(300.0)));
        assert_eq!(p("₹1,000"), Ok(Some(1000.0)));
        assert_eq!(p("USD 10"), Ok(Some(10.0)));
        assert_eq!(p("10 EUR"), Ok(Some(10.0)));
        assert_eq!(p("GBP5.5"), Ok(Some(5.5)));
        assert_eq!(p("$"), BAD);
        assert_eq!(p("35%"), Ok(Some(0.35)));
        assert_eq!(p("12.5 %"), Ok(Some(0.125)));
        assert_eq!(p("-3%"), Ok(Some(-0.03)));
        assert_eq!(p("(4%)"), Ok(Some(-0.04)));
        assert_eq!(pc("12,5%"), Ok(Some(0.125)));
    }

    #[test]
    fn scientific_and_non_finite() {
        assert_eq!(p("1e5"), Ok(Some(100_000.0)));
        assert_eq!(p("1.5E-3"), Ok(Some(0.0015)));
        assert_eq!(p("2E+2"), Ok(Some(200.0)));
        assert_eq!(p("1e"), BAD);
        assert_eq!(p("e5"), BAD);
        for s in ["1e309", "-1e309", "inf", "-inf", "Infinity", "+INF", "∞"] {
            assert_eq!(p(s), Err(NumberError::NonFinite), "{s}");
        }
        let huge = format!("1{}", "0".repeat(400));
        assert_eq!(p(&huge), Err(NumberError::NonFinite));
        assert_eq!(p("1e-400"), Ok(Some(0.0)));
        assert_eq!(
            NumberError::NonFinite.to_string(),
            "is too large to be a finite number"
        );
        assert_eq!(NumberError::NotANumber.to_string(), "is not a number");
    }

    #[test]
    fn ids_and_negative_zero() {
        assert_eq!(p("1234567890123456"), Ok(Some(1_234_567_890_123_456.0)));
        assert_eq!(p("9999999999999999"), Ok(Some(1e16)));
        assert_eq!(p("12345678901234567890"), Ok(Some(1.2345678901234567e19)));
        for s in ["-0", "-0.0", "(0)", "-0%", "0e-5"] {
            let bits = p(s).map(|v| v.map(f64::to_bits));
            assert_eq!(bits, Ok(Some(0.0f64.to_bits())), "{s}");
        }
    }

    #[test]
    fn missing_markers_and_excel_errors() {
        for m in [
            "", " ", "\u{00A0}", "NA", "na", "N/A", "n/a", "-", "—", "–", "null", "NULL", "None",
            "nan", "NaN", "-NaN", "#N/A", "#n/a",
        ] {
            assert_eq!(p(m), Ok(None), "{m:?}");
            assert!(m.contains("NaN") || is_missing_marker(m), "{m:?}");
        }
        let errors = [
            "#DIV/0!",
            "#VALUE!",
            "#REF!",
            "#NAME?",
            "#NUM!",
            "#NULL!",
            "#N/A",
            "#GETTING_DATA",
            "#SPILL!",
            "#CALC!",
            " #div/0! ",
        ];
        for e in errors {
            assert!(is_excel_error_literal(e), "{e}");
            assert!(is_missing_marker(e), "{e}");
            assert_eq!(p(e), Ok(None), "{e}");
        }
        for not_error in ["NA", "-", "", "#", "#DIV/0", "DIV/0!"] {
            assert!(!is_excel_error_literal(not_error), "{not_error}");
        }
        assert!(!is_missing_marker("0"));
        assert!(!is_missing_marker(&"n".repeat(1000)));
    }

    #[test]
    fn junk_is_not_a_number() {
        for s in [
            "abc", "12 kg", "kg 12", "1-2", "1/2", "12abc", "--5", "+-5", "0x1F", "1_000",
        ] {
            assert_eq!(p(s), BAD, "{s}");
        }
        assert_eq!(p(&"9".repeat(10_000)), Err(NumberError::NonFinite));
        assert_eq!(p(&"x".repeat(10_000)), BAD);
    }

    #[test]
    fn decimal_comma_detection() {
        assert!(detect_decimal_comma(["1,5", "2", "x"]));
        assert!(detect_decimal_comma(["Revenue", "12,25", "-3,5"]));
        assert!(detect_decimal_comma(["1.234,5"]));
        assert!(detect_decimal_comma(["1.234.567,891", "€ 5,20"]));
        assert!(
            detect_decimal_comma(["01.02.2024", "12,5"]),
            "dotted dates are no evidence"
        );
        assert!(
            detect_decimal_comma(["1.234", "12,5"]),
            "1.234 is no evidence"
        );
        assert!(
            !detect_decimal_comma(["1.5", "2,5"]),
            "a decimal point vetoes"
        );
        assert!(!detect_decimal_comma(["2,5", "1,234.5"]));
        assert!(
            !detect_decimal_comma(["1,234"]),
            "thousands or decimal: unknown"
        );
        assert!(!detect_decimal_comma(["1,2345"]));
        assert!(!detect_decimal_comma(["12", "x", ""]));
        assert!(!detect_decimal_comma(Vec::<&str>::new()));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_never_yields_non_finite(s in "[0-9.,' ()$%eE+-]{0,24}|\\PC{0,40}") {
            for decimal_comma in [false, true] {
                if let Ok(Some(v)) = parse_number(&s, NumberStyle { decimal_comma }) {
                    proptest::prop_assert!(v.is_finite() && v.to_bits() != (-0.0f64).to_bits());
                }
            }
            let _ = detect_decimal_comma([s.as_str()]);
        }
    }
}
