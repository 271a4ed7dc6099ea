use super::clean;

#[test]
fn formula_like_names_lose_their_formula_start() {
    assert_eq!(
        clean("=HYPERLINK(\"http://evil.example\",\"Revenue\")"),
        "HYPERLINK(\"http---evil.example\""
    );
    assert_eq!(clean("+1 Net adds"), "1 Net adds");
    assert_eq!(clean("@risk"), "risk");
    assert_eq!(clean("\t\r-Returns"), "Returns");
    assert_eq!(clean("Cost | EMEA"), "Cost EMEA");
    assert_eq!(clean("=+-@"), "KPI");
    // Inside the name the characters stay: only a formula start is one.
    assert_eq!(clean("Net = gross - returns"), "Net = gross - returns");
}
