//! Unit tests of the workbook writer: read back with calamine, assert real cells.
use calamine::{open_workbook_auto, Data, Reader};
use chrono::NaiveDate;

use super::*;
use crate::analysis::{Finding, InputInfo, KpiResult, Latest, Point, Status};
use crate::model::kpi::KpiDef;
use crate::model::period::Grain;

fn d(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).unwrap()
}

fn results() -> Results {
    let mut def = KpiDef::new("=SUM(A1)");
    def.perspective = Some("Financial".into());
    def.unit = Some("%".into());
    let series: Vec<Point> = (1..=3)
        .map(|m| Point {
            period: d(2024, m),
            value: Some(0.3 + f64::from(m) / 100.0),
            target: Some(0.35),
            target_min: None,
            target_max: None,
            met: Some(false),
            status: Status::Red,
            mr: None,
            rules: vec![],
            sources: vec![],
        })
        .collect();
    let kpi = KpiResult {
        def,
        grain: Grain::Month,
        n: 3,
        first_period: Some(d(2024, 1)),
        last_period: Some(d(2024, 3)),
        latest: Latest {
            period: Some(d(2024, 3)),
            value: Some(0.33),
            target: Some(0.35),
            gap: Some(-0.02),
            gap_pct: Some(-0.02 / 0.35),
            attainment: Some(0.33 / 0.35),
            met: Some(false),
            status: Some(Status::Red),
            ..Latest::default()
        },
        history: series.clone(),
        series,
        change: Default::default(),
        attainment: Default::default(),
    };
    Results {
        title: "Test report".into(),
        as_of: d(2024, 3),
        rules: crate::analysis::spc::Rules::Wheeler,
        period: None,
        window: 24,
        fiscal_year_start: 1,
        inputs: vec![InputInfo {
            path: "in.csv".into(),
            sheets: vec![],
        }],
        layouts: vec![],
        kpis: vec![kpi],
        findings: vec![Finding::warning("bad_value", "'x' is not a number")
            .file("in.csv")
            .row(4)
            .col(2)],
    }
}

fn created() -> NaiveDateTime {
    d(2024, 3).and_hms_opt(0, 0, 0).unwrap()
}

#[test]
fn sheets_and_cells_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.xlsx");
    write_workbook(&results(), &path, created()).unwrap();
    let mut wb = open_workbook_auto(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["Summary", "Data Quality", "Data"]);
    let s = wb.worksheet_range("Summary").unwrap();
    assert_eq!(
        s.get_value((0, 0)),
        Some(&Data::String("Test report".into()))
    );
    assert_eq!(
        s.get_value((3, 0)),
        Some(&Data::String("1 KPIs: 0 green, 0 amber, 1 red, 0 no target; 1 data findings (0 errors, 1 warnings, 0 info)".into()))
    );
    assert_eq!(s.get_value((7, 0)), Some(&Data::String("Financial".into())));
    // formula-like KPI names stay text
    assert_eq!(s.get_value((8, 0)), Some(&Data::String("=SUM(A1)".into())));
    assert_eq!(s.get_value((8, 5)), Some(&Data::Float(0.33)));
    assert_eq!(s.get_value((8, 9)), Some(&Data::String("red".into())));
    let q = wb.worksheet_range("Data Quality").unwrap();
    assert_eq!(q.get_value((1, 1)), Some(&Data::String("bad_value".into())));
    assert_eq!(q.get_value((1, 5)), Some(&Data::Float(4.0)));
    assert_eq!(q.get_value((1, 6)), Some(&Data::String("C".into())));
    let data = wb.worksheet_range("Data").unwrap();
    assert_eq!(
        data.get_value((3, 3)),
        Some(&Data::Float(0.3 + 3.0 / 100.0))
    );
    assert_eq!(
        data.get_value((3, 2)),
        Some(&Data::String("Mar 2024".into()))
    );
}

#[test]
fn own_output_is_recognised_and_bytes_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.xlsx");
    write_workbook(&results(), &path, created()).unwrap();
    assert!(written_by_kpilens(&path));
    let a = std::fs::read(&path).unwrap();
    assert_eq!(a, build_workbook(&results(), created()).unwrap());
    let other = dir.path().join("other.xlsx");
    let mut wb = Workbook::new();
    wb.add_worksheet().write(0, 0, "hello").unwrap();
    wb.save(&other).unwrap();
    assert!(!written_by_kpilens(&other));
    let text = dir.path().join("t.xlsx");
    std::fs::write(&text, "not a zip").unwrap();
    assert!(!written_by_kpilens(&text));
}

#[test]
fn json_has_the_interface_names() {
    let j = json::to_json(&results());
    let k = &j["kpis"][0];
    for key in [
        "name",
        "unit",
        "direction",
        "grain",
        "aggregation",
        "owner",
        "n",
        "first_period",
        "last_period",
        "latest",
        "change",
        "attainment",
        "series",
    ] {
        assert!(k.get(key).is_some(), "missing {key}");
    }
    assert_eq!(k["latest"]["status"], "red");
    assert_eq!(k["series"][0]["period"], "2024-01-01");
    assert_eq!(j["findings"][0]["column"], "C");
    assert_eq!(j["tool"]["name"], "kpilens");
}
