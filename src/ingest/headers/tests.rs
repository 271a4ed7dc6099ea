use super::*;

#[test]
fn header_synonyms() {
    assert_eq!(header_role(" Metric Name "), Some(Role::Kpi));
    assert_eq!(header_role("Week ending"), Some(Role::Date));
    assert_eq!(header_role("Actual"), Some(Role::Value));
    assert_eq!(header_role("Budget"), Some(Role::Target));
    assert_eq!(header_role("Ziel"), Some(Role::Target));
    assert_eq!(header_role("Ist"), Some(Role::Value));
    assert_eq!(header_role("Revenue"), None);
}

#[test]
fn footer_words_alone_or_with_punctuation_but_not_kpi_names() {
    for footer in [
        "Total",
        "TOTAL",
        "Grand total",
        "Source: ERP + CRM",
        "Total (all regions)",
        "Notes - unaudited",
        "* provisional",
        "Average",
    ] {
        assert!(is_footer_text(footer), "{footer}");
    }
    for kpi in [
        "Total headcount",
        "Average order value",
        "Sum insured",
        "Notes issued",
        "Source conversion",
        "Totals reconciled %",
    ] {
        assert!(!is_footer_text(kpi), "{kpi}");
    }
}

#[test]
fn units_in_brackets() {
    assert_eq!(
        split_unit("Revenue (USD)"),
        ("Revenue".into(), Some("USD".into()))
    );
    assert_eq!(split_unit("AHT [min]"), ("AHT".into(), Some("min".into())));
    assert_eq!(split_unit("Churn (%)"), ("Churn".into(), Some("%".into())));
    assert_eq!(split_unit("Revenue"), ("Revenue".into(), None));
    assert_eq!(
        split_unit("Cost (all regions, before allocations)"),
        ("Cost (all regions, before allocations)".into(), None)
    );
}

#[test]
fn target_columns() {
    assert_eq!(target_of("Revenue target").as_deref(), Some("Revenue"));
    assert_eq!(target_of("Revenue_target").as_deref(), Some("Revenue"));
    assert_eq!(target_of("Target Revenue").as_deref(), Some("Revenue"));
    assert_eq!(target_of("Target"), None);
}
