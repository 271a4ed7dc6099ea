use super::*;

#[test]
fn values_read_naturally() {
    assert_eq!(fmt_value(1_234_567.8, None), "1,234,568");
    assert_eq!(fmt_value(-1_234.0, Some("USD")), "-1,234");
    assert_eq!(fmt_value(12.345, None), "12.35");
    assert_eq!(fmt_value(12.0, None), "12");
    assert_eq!(fmt_value(0.012_34, None), "0.0123");
    assert_eq!(fmt_value(0.0, None), "0");
    assert_eq!(fmt_value(0.931, Some("%")), "93.1%");
    assert_eq!(fmt_value(f64::NAN, None), "n/a");
    assert_eq!(fmt_gap(0.019, Some("%")), "1.9 pts");
    assert_eq!(plural(1, "KPI", "KPIs"), "1 KPI");
    assert_eq!(plural(0, "KPI", "KPIs"), "0 KPIs");
}
