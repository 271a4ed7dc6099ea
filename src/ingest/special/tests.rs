//! Definitions and Targets sheets, table-driven where the cases share a shape: what a
//! sheet's cells must give (definitions, targets, findings with their cells).
use super::*;
use crate::model::kpi::Direction;
use crate::testkit::{table, ym};

fn sheet(name: &str, cells: &[&[&str]]) -> Table {
    Table {
        sheet: Some(name.to_string()),
        ..table("kpis.xlsx", cells)
    }
}

fn read_sheet(name: &str, cells: &[&[&str]]) -> Dataset {
    let mut ds = Dataset::default();
    let kind = kind_of(name).expect("a special sheet name");
    read(kind, &sheet(name, cells), &ReadOptions::default(), &mut ds).unwrap();
    ds
}

#[test]
fn sheet_names_that_are_special() {
    let cases = [
        ("KPIs", Some(Kind::Definitions)),
        ("kpi definitions", Some(Kind::Definitions)),
        ("Metadata", Some(Kind::Definitions)),
        (" Targets ", Some(Kind::Targets)),
        ("Target", Some(Kind::Targets)),
        ("Data", None),
        ("Targets 2024", None),
    ];
    for (name, kind) in cases {
        assert_eq!(kind_of(name), kind, "{name}");
    }
}

#[test]
fn a_definitions_sheet_sets_keys_and_names_bad_cells() {
    let ds = read_sheet(
        "KPIs",
        &[
            &[
                "KPI",
                "Direction",
                "Unit",
                "Target",
                "Max lag",
                "Role",
                "Leads",
                "Notes",
            ],
            &[
                "Revenue",
                "higher",
                "USD",
                "100",
                "3",
                "lagging",
                "",
                "for people",
            ],
            &[
                "Pipeline",
                "sideways",
                "",
                "",
                "0",
                "leading",
                "Revenue; Margin",
                "",
            ],
        ],
    );
    assert_eq!(ds.sheet_defs.len(), 2);
    let revenue = &ds.sheet_defs[0];
    assert_eq!(revenue.direction, Some(Direction::Higher));
    assert_eq!(revenue.unit.as_deref(), Some("USD"));
    assert_eq!(revenue.target, Some(100.0));
    assert_eq!(revenue.max_lag, Some(3));
    assert_eq!(revenue.role, Some(KpiRole::Lagging));
    let pipeline = &ds.sheet_defs[1];
    assert_eq!(pipeline.direction, None);
    assert_eq!(pipeline.leads, ["Revenue", "Margin"]);
    let bad: Vec<(&str, Option<u32>, Option<&str>)> = ds
        .findings
        .iter()
        .map(|f| (f.message.as_str(), f.row, f.column.as_deref()))
        .collect();
    assert_eq!(
        bad,
        [
            (
                "'sideways' is not a valid direction; it was ignored",
                Some(3),
                Some("B")
            ),
            (
                "'0' is not a valid max lag; it was ignored",
                Some(3),
                Some("E")
            ),
        ]
    );
    assert_eq!(ds.layouts[0].layout, Layout::Definitions);
    assert_eq!(ds.layouts[0].kpis, 2);
}

#[test]
fn an_upside_down_band_is_dropped_with_an_error() {
    let ds = read_sheet(
        "Definitions",
        &[&["Name", "Target min", "Target max"], &["Temp", "10", "5"]],
    );
    assert_eq!(ds.sheet_defs[0].target_min, None);
    assert_eq!(ds.sheet_defs[0].target_max, None);
    assert_eq!(ds.findings[0].code, FindingCode::BadTargetRange);
    assert_eq!(
        ds.findings[0].severity,
        crate::model::finding::Severity::Error
    );
    assert_eq!(ds.findings[0].column.as_deref(), Some("B"));
}

#[test]
fn targets_sheets_per_period_and_as_steps() {
    /// A target as read: KPI, period, target, is it a step.
    type Want<'a> = (&'a str, chrono::NaiveDate, f64, bool);
    /// Header, rows, the targets read, the finding codes.
    type Case = (
        &'static [&'static str],
        &'static [&'static [&'static str]],
        Vec<Want<'static>>,
        Vec<FindingCode>,
    );
    let cases: [Case; 3] = [
        (
            &["KPI", "Period", "Target"],
            &[&["Revenue", "2024-01", "10"], &["Revenue", "2024-02", "11"]],
            vec![
                ("Revenue", ym(2024, 1), 10.0, false),
                ("Revenue", ym(2024, 2), 11.0, false),
            ],
            vec![],
        ),
        (
            &["KPI", "From", "Target"],
            &[&["NPS", "2024-07", "40"]],
            vec![("NPS", ym(2024, 7), 40.0, true)],
            vec![],
        ),
        (
            &["KPI", "Month", "Plan"],
            &[&["Cost", "2024-13", "5"], &["Cost", "2024-03", "n/a!"]],
            vec![],
            vec![FindingCode::BadDate, FindingCode::BadValue],
        ),
    ];
    for (header, rows, want, codes) in cases {
        let mut cells: Vec<&[&str]> = vec![header];
        cells.extend_from_slice(rows);
        let ds = read_sheet("Targets", &cells);
        let got: Vec<Want> = ds
            .targets
            .iter()
            .map(|t| (t.kpi.as_str(), t.period, t.target, t.is_step))
            .collect();
        assert_eq!(got, want, "{header:?}");
        let got_codes: Vec<FindingCode> = ds.findings.iter().map(|f| f.code).collect();
        assert_eq!(got_codes, codes, "{header:?}");
    }
}

#[test]
fn a_targets_sheet_without_a_target_column_is_skipped_with_a_finding() {
    let ds = read_sheet(
        "Targets",
        &[&["KPI", "Period", "Owner"], &["Revenue", "2024-01", "Ann"]],
    );
    assert!(ds.targets.is_empty());
    assert_eq!(
        ds.findings[0].message,
        "a Targets sheet needs columns kpi, period (or from) and target; it was skipped"
    );
}

/// One name in a thousand rows (an ods repeats a row a million times for a kilobyte)
/// is one definition: later rows fill in only what the first left empty, as the
/// definitions of a config, a sheet and the data merge. Its bad cells list a hundred
/// findings and count the rest in one.
#[test]
fn a_name_repeated_in_many_rows_is_one_definition_and_its_findings_are_listed() {
    let mut cells: Vec<Vec<&str>> = vec![
        vec!["KPI", "Direction", "Unit", "Owner"],
        vec!["Revenue", "sideways", "", ""],
        vec![" revenue", "higher", "USD", ""],
    ];
    cells.extend((0..1_000).map(|_| vec!["REVENUE", "upwards", "EUR", "Sales"]));
    let rows: Vec<&[&str]> = cells.iter().map(Vec::as_slice).collect();
    let ds = read_sheet("KPIs", &rows);
    assert_eq!(ds.sheet_defs.len(), 1);
    let d = &ds.sheet_defs[0];
    assert_eq!(d.name, "Revenue");
    assert_eq!(d.direction, Some(Direction::Higher));
    assert_eq!(d.unit.as_deref(), Some("USD"));
    assert_eq!(d.owner.as_deref(), Some("Sales"));
    // 'sideways' and 1,000 × 'upwards' are bad directions: 100 listed, then one more.
    assert_eq!(ds.findings.len(), 101);
    assert_eq!(
        ds.findings[100].message,
        "901 more like the 100 above in column B (rows 103 to 1003), not listed one by one"
    );
    assert_eq!(ds.layouts[0].kpis, 1_002);
}
