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
    // Characters XML does not allow, control characters among them, become spaces.
    assert_eq!(clean("Rev\u{FFFE}nue\u{1}\u{FFFF}"), "Rev nue");
    // Inside the name the characters stay: only a formula start is one.
    assert_eq!(clean("Net = gross - returns"), "Net = gross - returns");
}

#[test]
fn clashing_names_are_numbered_in_order_whatever_took_a_number() {
    let mut r = crate::report::tests::sample();
    let names = [
        "Customer satisfaction score - Region 001",
        "Customer satisfaction score - Region 002",
        "Customer satisfaction score - Region 003",
        "Summary",
        "Sales",
        "SALES",
        "Sales (2)",
        "Customer satisfaction score (4)",
        "Customer satisfaction score - Region 004",
    ];
    let template = r.kpis[0].clone();
    r.kpis = names
        .iter()
        .map(|n| {
            let mut k = template.clone();
            k.def.name = (*n).to_string();
            k
        })
        .collect();
    assert_eq!(
        super::sheet_names(&r),
        [
            "Customer satisfaction score - R",
            "Customer satisfaction score (2)",
            "Customer satisfaction score (3)",
            "Summary (KPI)",
            "Sales",
            "SALES (2)",
            "Sales (2) (2)",
            "Customer satisfaction score (4)",
            // (4) was taken by a KPI of that name: the next free number.
            "Customer satisfaction score (5)",
        ]
    );
}

#[test]
fn only_the_first_two_thousand_kpis_get_a_sheet() {
    let mut r = crate::report::tests::sample();
    let template = r.kpis[0].clone();
    r.kpis = (0..super::MAX_KPI_SHEETS + 3)
        .map(|i| {
            let mut k = template.clone();
            k.def.name = format!("K{i}");
            k
        })
        .collect();
    let names = super::sheet_names(&r);
    assert_eq!(names.len(), 2_000);
    assert_eq!(names.last().map(String::as_str), Some("K1999"));
}
