use super::*;
use crate::model::finding::Severity;

#[test]
fn text_longer_than_a_cell_is_a_finding() {
    use crate::model::kpi::KpiDef;
    let mut long = KpiDef::new("Revenue");
    // Emoji count two UTF-16 units: 16,384 of them are 32,768, one too many.
    long.description = Some("😀".repeat(16_384));
    long.owner = Some("x".repeat(CELL_TEXT_LIMIT));
    let fine = KpiDef::new("Margin");
    let got = long_text(&[&long, &fine]);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].code, FindingCode::TextTruncated);
    assert_eq!(got[0].severity, Severity::Warning);
    assert_eq!(got[0].kpi.as_deref(), Some("Revenue"));
    assert_eq!(
        got[0].message,
        "the description of KPI 'Revenue' is 32768 characters long; an Excel cell \
         holds 32767, so the workbook shows it cut (the JSON keeps it whole)"
    );
}
