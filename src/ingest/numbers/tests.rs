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
