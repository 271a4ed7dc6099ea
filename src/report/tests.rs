//! Unit tests of the workbook writer: build `Results` by hand, write, read back with
//! calamine and assert real cell values.
use calamine::{open_workbook_auto, Data, DataType, Range, Reader};
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::*;
use crate::analysis::spc::Rules;
use crate::analysis::{Finding, InputInfo, KpiResult, Latest, Point, Status};
use crate::model::finding::FindingCode;
use crate::model::kpi::KpiDef;
use crate::model::period::Grain;
use crate::model::series::{Provenance, SourceRef};
use crate::testkit::{self, source, ym};

fn point(
    period: NaiveDate,
    value: Option<f64>,
    target: Option<f64>,
    sources: Vec<SourceRef>,
) -> Point {
    let mut provenance = Provenance::default();
    for s in sources {
        provenance.add(s);
    }
    Point {
        value,
        target,
        sources: provenance,
        ..testkit::point(period)
    }
}

fn kpi(def: KpiDef, series: Vec<Point>, latest: Latest) -> KpiResult {
    let window = series.len();
    let mut k = crate::testkit::bare(crate::analysis::series::KpiSeries::new(
        def,
        Grain::Month,
        series,
        window,
        0.05,
    ));
    k.latest = latest;
    k
}

/// Two KPIs (the first with a perspective and a formula-like name), three findings
/// The report settings the tests use: a title the Summary must show.
pub(super) fn settings() -> super::Settings {
    super::Settings {
        title: "Test report".into(),
        ..super::Settings::default()
    }
}

/// given out of severity order.
#[allow(clippy::too_many_lines)] // a whole run's results, field by field
pub(super) fn sample() -> Results {
    let mut first = KpiDef::new("=SUM(A1)");
    first.perspective = Some("Financial".into());
    first.unit = Some("%".into());
    first.owner = Some("Finance".into());
    let series1 = vec![
        point(
            ym(2024, 1),
            Some(0.31),
            Some(0.35),
            vec![source("in.xlsx", Some("KPIs"), 4)],
        ),
        point(
            ym(2024, 2),
            Some(0.32),
            Some(0.35),
            vec![source("in.xlsx", Some("KPIs"), 5)],
        ),
        point(
            ym(2024, 3),
            Some(0.33),
            Some(0.35),
            vec![source("in.xlsx", Some("KPIs"), 6)],
        ),
    ];
    let latest1 = Latest {
        period: Some(ym(2024, 3)),
        value: Some(0.33),
        target: Some(0.35),
        gap: Some(-0.02),
        gap_pct: Some(-0.02 / 0.35),
        attainment: Some(0.33 / 0.35),
        met: Some(false),
        status: Some(Status::Red),
        ..Latest::default()
    };
    let series2 = vec![
        point(
            ym(2024, 1),
            Some(120.0),
            None,
            vec![source("t.csv", None, 5), source("t.csv", None, 9)],
        ),
        point(ym(2024, 2), None, None, vec![]),
        point(
            ym(2024, 3),
            Some(f64::NAN),
            None,
            vec![source("t.csv", None, 12)],
        ),
    ];
    let latest2 = Latest {
        period: Some(ym(2024, 1)),
        value: Some(120.0),
        status: Some(Status::None),
        ..Latest::default()
    };
    Results {
        as_of: ym(2024, 3),
        rules: Rules::Wheeler,
        period: None,
        window: 24,
        fiscal_year_start: 1,
        inputs: vec![
            InputInfo {
                path: "in.xlsx".into(),
                sheets: vec!["KPIs".into()],
            },
            InputInfo {
                path: "t.csv".into(),
                sheets: vec![],
            },
        ],
        layouts: vec![],
        kpis: vec![
            kpi(KpiDef::new("Tickets"), series2, latest2),
            kpi(first, series1, latest1),
        ],
        correlations: vec![],
        defaults: crate::analysis::Defaults {
            tolerance: 0.05,
            max_lag: None,
            transform: crate::model::kpi::Transform::Diff,
            min_pairs: 8,
            run_length: None,
            seasonal: crate::model::kpi::SeasonalMode::Off,
        },
        changes: None,
        findings: vec![
            Finding::info(FindingCode::EncodingUsed, "read as UTF-8").file("t.csv"),
            Finding::warning(FindingCode::BadValue, "'x' is not a number")
                .file("t.csv")
                .row(4)
                .col(2),
            Finding::error(FindingCode::BadDate, "2024-13-45 is not a date")
                .file("in.xlsx")
                .sheet(Some("KPIs"))
                .row(7)
                .col(0)
                .kpi("Tickets"),
        ],
    }
}

fn created() -> NaiveDateTime {
    ym(2024, 3).and_hms_opt(0, 0, 0).expect("valid time")
}

fn written(results: &Results) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("out").join("report.xlsx");
    write_workbook(results, &settings(), &path, created()).expect("workbook written");
    (dir, path)
}

fn sheet(path: &Path, name: &str) -> Range<Data> {
    let mut wb = open_workbook_auto(path).expect("readable workbook");
    wb.worksheet_range(name).expect("sheet exists")
}

fn s(text: &str) -> Data {
    Data::String(text.into())
}

/// The row (0-based) whose first cell is `text`.
fn row_of(range: &Range<Data>, text: &str) -> u32 {
    let at = range.rows().position(|r| r.first() == Some(&s(text)));
    let start = range.start().map_or(0, |(r, _)| r);
    start + u32::try_from(at.expect("row present")).expect("small")
}

#[test]
fn sheets_come_in_order() {
    let (_dir, path) = written(&sample());
    let wb = open_workbook_auto(&path).expect("readable");
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Tickets",
            "SUM(A1)",
            "Targets",
            "Lead-Lag",
            "Re-evaluation",
            "Data Quality",
            "Data",
            "Method"
        ]
    );
}

#[test]
fn summary_has_title_counts_and_grouped_kpis() {
    let r = sample();
    let (_dir, path) = written(&r);
    let sum = sheet(&path, "Summary");
    assert_eq!(sum.get_value((0, 0)), Some(&s("Test report")));
    assert_eq!(sum.get_value((1, 0)), Some(&s("As of 2024-03-01")));
    let counts = "2 KPIs: 0 green, 0 amber, 1 red, 1 no target; 0 special-cause concerns; \
                  3 data findings (1 error, 1 warning, 1 info)";
    assert_eq!(sum.get_value((6, 0)), Some(&s(counts)));
    let header = row_of(&sum, "KPI");
    assert_eq!(sum.get_value((header, 8)), Some(&s("Status")));
    assert_eq!(sum.get_value((header, 11)), Some(&s("Trend")));
    assert_eq!(sum.get_value((header, 12)), Some(&s("Variation")));
    assert_eq!(sum.get_value((header, 13)), Some(&s("Assurance")));
    // Perspective groups in order of first appearance, "Other" last.
    assert_eq!(sum.get_value((header + 1, 0)), Some(&s("Financial")));
    let first = header + 2;
    assert_eq!(sum.get_value((first, 0)), Some(&s("=SUM(A1)")));
    assert_eq!(sum.get_value((first, 1)), Some(&s("Finance")));
    assert_eq!(sum.get_value((first, 3)), Some(&s("Mar 2024")));
    assert_eq!(sum.get_value((first, 4)), Some(&Data::Float(0.33)));
    assert_eq!(sum.get_value((first, 5)), Some(&Data::Float(0.35)));
    assert_eq!(sum.get_value((first, 8)), Some(&s("red")));
    assert_eq!(sum.get_value((first, 13)), Some(&s("no limits")));
    assert_eq!(
        sum.get_value((first, 15)),
        Some(&s("Keep: business as usual"))
    );
    // Why: the status reason (no action reason: the KPI is kept as it is).
    let why = sum
        .get_value((first, 16))
        .and_then(|v| v.get_string().map(str::to_string));
    let sum_kpi = r
        .kpis
        .iter()
        .find(|k| k.def.name == "=SUM(A1)")
        .expect("the KPI");
    assert_eq!(why.as_deref(), Some(words::status_reason(sum_kpi).as_str()));
    assert!(why.is_some_and(|w| w.contains("vs target 35.0%") && w.ends_with("→ red")));
    assert_eq!(sum.get_value((first, 18)), Some(&Data::Float(3.0)));
    let last = sum.get_value((first, 20)).and_then(DataType::as_date);
    assert_eq!(last, Some(ym(2024, 3)));
    assert_eq!(sum.get_value((header + 3, 0)), Some(&s("Other")));
    assert_eq!(sum.get_value((header + 4, 0)), Some(&s("Tickets")));
    assert_eq!(sum.get_value((header + 4, 8)), Some(&s("no target")));
}

#[test]
fn the_counts_line_counts_special_cause_concerns() {
    let mut r = sample();
    r.kpis[1].spc.variation = Some(crate::analysis::spc::Variation::Concern);
    assert_eq!(
        counts_line(&r),
        "2 KPIs: 0 green, 0 amber, 1 red, 1 no target; 1 special-cause concern; \
         3 data findings (1 error, 1 warning, 1 info)"
    );
}

#[test]
fn formula_like_text_stays_literal() {
    let (_dir, path) = written(&sample());
    let mut wb = open_workbook_auto(&path).expect("readable");
    let formulas = wb.worksheet_formula("Summary").expect("formulas readable");
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    let data = sheet(&path, "Data");
    assert_eq!(data.get_value((4, 0)), Some(&s("=SUM(A1)")));
}

#[test]
fn findings_are_listed_errors_first() {
    let (_dir, path) = written(&sample());
    let q = sheet(&path, "Data Quality");
    assert_eq!(q.get_value((0, 7)), Some(&s("Message")));
    let severities: Vec<_> = (1..=3).map(|r| q.get_value((r, 0)).cloned()).collect();
    assert_eq!(
        severities,
        [Some(s("error")), Some(s("warning")), Some(s("info"))]
    );
    assert_eq!(q.get_value((1, 1)), Some(&s("bad_date")));
    assert_eq!(q.get_value((1, 2)), Some(&s("Tickets")));
    assert_eq!(q.get_value((1, 3)), Some(&s("in.xlsx")));
    assert_eq!(q.get_value((1, 4)), Some(&s("KPIs")));
    assert_eq!(q.get_value((1, 5)), Some(&Data::Float(7.0)));
    assert_eq!(q.get_value((1, 6)), Some(&s("A")));
    assert_eq!(q.get_value((2, 6)), Some(&s("C")));
}

#[test]
fn data_rows_trace_back_to_their_sources() {
    let (_dir, path) = written(&sample());
    let data = sheet(&path, "Data");
    let header: Vec<_> = (0..9).map(|c| data.get_value((0, c)).cloned()).collect();
    let expected = [
        "KPI",
        "Period",
        "Value",
        "Target",
        "Source file",
        "Sheet",
        "Row",
        "Rows",
        "Period label",
    ];
    assert_eq!(header, expected.map(|h| Some(s(h))));
    // Tickets: two source rows aggregated, a missing period, a NaN value.
    assert_eq!(data.get_value((1, 0)), Some(&s("Tickets")));
    assert_eq!(
        data.get_value((1, 1)).and_then(DataType::as_date),
        Some(ym(2024, 1))
    );
    assert_eq!(data.get_value((1, 2)), Some(&Data::Float(120.0)));
    assert_eq!(data.get_value((1, 4)), Some(&s("t.csv")));
    assert_eq!(data.get_value((1, 6)), Some(&s("5, 9")));
    assert_eq!(data.get_value((1, 7)), Some(&Data::Float(2.0)));
    assert_eq!(data.get_value((1, 8)), Some(&s("Jan 2024")));
    assert!(matches!(data.get_value((2, 2)), None | Some(Data::Empty)));
    // The missing period has no rows behind it.
    assert!(matches!(data.get_value((2, 7)), None | Some(Data::Empty)));
    assert!(matches!(data.get_value((3, 2)), None | Some(Data::Empty)));
    // =SUM(A1): one source row each, written as a number.
    assert_eq!(data.get_value((4, 5)), Some(&s("KPIs")));
    assert_eq!(data.get_value((4, 6)), Some(&Data::Float(4.0)));
    assert_eq!(data.get_value((4, 7)), Some(&Data::Float(1.0)));
    assert_eq!(data.get_value((6, 3)), Some(&Data::Float(0.35)));
}

/// Each KPI's values keep its number format on the Data sheet: the format most rows
/// share is the Value column's own, the others stay on their cells.
#[test]
fn data_values_keep_each_kpis_number_format() {
    let (_dir, path) = written(&sample());
    let xml = sheet_part(&path, "Data");
    let styles = part(&path, "xl/styles.xml");
    let format_of = |cell: &str| num_format(&styles, xf_of(&xml, &styles, cell).expect(cell));
    // Tickets (rows 2-4) counts whole tickets; =SUM(A1) (rows 5-7) is a percent.
    assert_eq!(format_of("C2"), "#,##0");
    assert_eq!(format_of("C5"), "0.0%");
    assert_eq!(format_of("D7"), "0.0%");
    assert_eq!(format_of("B2"), "mmm yyyy");
    // Headers sit like their columns: right over numbers; the source file is set in
    // from the Target numbers before it.
    assert!(xf_of(&xml, &styles, "C1")
        .unwrap()
        .contains(r#"horizontal="right""#));
    let source = xf_of(&xml, &styles, "E2").unwrap();
    assert!(source.contains(r#"horizontal="left""#) && source.contains(r#"indent="1""#));
    // Tickets' missing February has no cell; its column shows it as a count.
    assert!(!xml.contains("<c r=\"C3\""));
    let column = column_xf(&xml, &styles, 3).expect("the Value column's format");
    assert_eq!(num_format(&styles, column), "#,##0");
}

/// Past five rows behind a value the Row column names the first five and "…"; the
/// Rows column has the count.
#[test]
fn data_rows_name_five_sources_and_count_the_rest() {
    let mut r = sample();
    let mut sources = Provenance::default();
    for row in 10..40 {
        sources.add(source("daily.csv", None, row));
    }
    r.kpis[0].series[0].sources = sources;
    let (_dir, path) = written(&r);
    let data = sheet(&path, "Data");
    assert_eq!(data.get_value((1, 6)), Some(&s("10, 11, 12, 13, 14, …")));
    assert_eq!(data.get_value((1, 7)), Some(&Data::Float(30.0)));
    assert_eq!(data.get_value((1, 4)), Some(&s("daily.csv")));
}

#[test]
fn data_continues_on_numbered_sheets() {
    let mut wb = Workbook::new();
    data::write_split(&mut wb, &sample(), &Styles::new(), 4).expect("written");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("split.xlsx");
    save_atomically(&path, &wb.save_to_buffer().expect("saved")).expect("written");
    let book = open_workbook_auto(&path).expect("readable");
    assert_eq!(book.sheet_names(), ["Data", "Data (2)"]);
    let second = sheet(&path, "Data (2)");
    assert_eq!(second.get_value((0, 0)), Some(&s("KPI")));
    assert_eq!(second.get_value((1, 0)), Some(&s("=SUM(A1)")));
    assert_eq!(second.get_value((2, 2)), Some(&Data::Float(0.33)));
}

#[test]
fn long_text_is_cut_to_excels_limit() {
    let mut r = sample();
    r.kpis[0].def.owner = Some("é".repeat(40_000));
    r.findings[0].message = "😀".repeat(20_000);
    let (_dir, path) = written(&r);
    let sum = sheet(&path, "Summary");
    let header = row_of(&sum, "KPI");
    let owner = sum
        .get_value((header + 4, 1))
        .and_then(DataType::get_string);
    assert_eq!(owner.map(|o| o.chars().count()), Some(MAX_CELL_TEXT));
    let q = sheet(&path, "Data Quality");
    let message = q.get_value((3, 7)).and_then(DataType::get_string);
    // Emoji take two UTF-16 units: 16,383 of them fit.
    assert_eq!(message.map(|m| m.chars().count()), Some(16_383));
}

#[test]
fn own_output_is_recognised() {
    let (dir, path) = written(&sample());
    assert!(written_by_kpilens(&path));
    let other = dir.path().join("other.xlsx");
    let mut wb = Workbook::new();
    wb.add_worksheet().write(0, 0, "hello").expect("cell");
    wb.save(&other).expect("saved");
    assert!(!written_by_kpilens(&other));
    let text = dir.path().join("text.xlsx");
    std::fs::write(&text, "KPI,Period,Value\n").expect("written");
    assert!(!written_by_kpilens(&text));
    assert!(!written_by_kpilens(&dir.path().join("missing.xlsx")));
    assert!(!written_by_kpilens(dir.path()));
}

#[test]
fn same_inputs_give_identical_bytes() {
    let (dir, path) = written(&sample());
    let again = dir.path().join("again.xlsx");
    write_workbook(&sample(), &settings(), &again, created()).expect("written");
    let a = std::fs::read(&path).expect("read");
    let b = std::fs::read(&again).expect("read");
    assert_eq!(a, b);
}

#[test]
fn write_failures_are_write_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = write_workbook(&sample(), &settings(), dir.path(), created()).expect_err("a folder");
    assert_eq!(err.exit_code(), 5);
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").expect("written");
    let err = write_workbook(&sample(), &settings(), &blocker.join("r.xlsx"), created())
        .expect_err("bad");
    assert_eq!(err.exit_code(), 5);
}

#[test]
fn replacing_a_report_keeps_no_temporary_files() {
    let (dir, path) = written(&sample());
    write_workbook(&sample(), &settings(), &path, created()).expect("replaced");
    let names: Vec<_> = std::fs::read_dir(path.parent().expect("parent"))
        .expect("listable")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["report.xlsx"]);
    drop(dir);
}

#[test]
fn formula_like_text_gets_the_quote_prefix() {
    use std::io::Read as _;
    let (_dir, path) = written(&sample());
    let file = std::fs::File::open(&path).expect("open");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .expect("styles part")
        .read_to_string(&mut styles)
        .expect("utf-8");
    assert!(styles.contains("quotePrefix=\"1\""));
    assert!(cells::looks_like_formula("-5% churn"));
    assert!(cells::looks_like_formula("@user"));
    assert!(!cells::looks_like_formula("Revenue"));
    assert_eq!(cells::cut_utf16("a😀b", 2), "a");
    // At the limit, in bytes or in units, nothing is cut; past it in units, the rest is.
    assert_eq!(cells::cut_utf16("a😀b", 6), "a😀b");
    assert_eq!(cells::cut_utf16("a😀b", 4), "a😀b");
    assert_eq!(cells::cut_utf16("a😀b", 3), "a😀");
    assert_eq!(cells::cut_utf16("éé", 2), "éé");
    assert_eq!(cells::cut_utf16("ééé", 2), "éé");
}

#[cfg(unix)]
#[test]
fn reports_get_the_permissions_of_an_ordinary_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, path) = written(&sample());
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "x").expect("written");
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode();
    assert_eq!(mode(&path), mode(&plain));
}

#[test]
fn targets_and_reevaluation_sheets_read_back() {
    use crate::analysis::health::{Action, Health};
    use crate::analysis::targets::{Realism, Suggestions};
    let mut r = sample();
    let i = r
        .kpis
        .iter()
        .position(|k| k.def.name == "=SUM(A1)")
        .expect("kpi");
    r.kpis[i].targets = Suggestions {
        baseline: Some(0.31),
        median: Some(0.31),
        conservative: Some(0.31),
        realistic: Some(0.32),
        stretch: Some(0.33),
        realism: Realism::Unrealistic,
        rationale: "Conservative = mean of the 3 months of the window.".into(),
        ..Suggestions::default()
    };
    r.kpis[i].health = Health {
        flags: vec![crate::analysis::health::Flag::UnrealisticTarget],
        action: Action::Improve,
    };
    let (_dir, path) = written(&r);
    let t = sheet(&path, "Targets");
    let row = row_of(&t, "=SUM(A1)");
    assert_eq!(t.get_value((row, 5)), Some(&s("unrealistic")));
    assert_eq!(t.get_value((row, 9)), Some(&Data::Float(0.32)));
    let re = sheet(&path, "Re-evaluation");
    // decisions first: the KPI to improve comes before the one to keep
    let first = row_of(&re, "KPI") + 1;
    assert_eq!(re.get_value((first, 0)), Some(&s("=SUM(A1)")));
    assert_eq!(
        re.get_value((first, 2)),
        Some(&s("Improve: make it an improvement objective"))
    );
    assert_eq!(
        re.get_value((first, 3)),
        Some(&s(
            "unrealistic target: the process as it runs cannot meet it"
        ))
    );
}

/// One part of a written workbook, as text.
fn part(path: &Path, name: &str) -> String {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut text = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut text)
        .expect("utf-8");
    text
}

/// The text between the first `open` and the following `close`.
fn section<'a>(xml: &'a str, open: &str, close: &str) -> &'a str {
    let start = xml.find(open).expect("section start");
    let end = start + xml[start..].find(close).expect("section end");
    &xml[start..end]
}

/// The value of attribute `name` in the start tag `tag`.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// The `<xf>` element (up to the next one) that styles cell `cell` ("I10") of a
/// worksheet part, from `cellXfs` in the styles part.
fn xf_of<'a>(sheet_xml: &str, styles_xml: &'a str, cell: &str) -> Option<&'a str> {
    let at = sheet_xml.find(&format!("<c r=\"{cell}\""))?;
    let tag = &sheet_xml[at..at + sheet_xml[at..].find('>')?];
    let xf: usize = attribute(tag, "s")?.parse().ok()?;
    let xfs = section(styles_xml, "<cellXfs", "</cellXfs>");
    xfs.split("<xf ").nth(xf + 1)
}

/// The fill colour (ARGB) of cell `cell` ("I10") of a worksheet part, followed through
/// its style index to `cellXfs` and `fills` in the styles part.
fn fill_of(sheet_xml: &str, styles_xml: &str, cell: &str) -> Option<String> {
    let xf_tag = xf_of(sheet_xml, styles_xml, cell)?;
    let fill: usize = attribute(&format!(" {xf_tag}"), "fillId")?.parse().ok()?;
    let fills = section(styles_xml, "<fills", "</fills>");
    let fill_xml = fills.split("<fill>").nth(fill + 1)?;
    let colour = fill_xml.find("<fgColor ")?;
    attribute(&fill_xml[colour..], "rgb").map(str::to_string)
}

/// The number format code of a `<xf …>` tag of the styles part (`numFmtId` followed to
/// `numFmts`; the built-in 0 is "General").
fn num_format(styles_xml: &str, xf_tag: &str) -> String {
    let tag = format!(" {xf_tag}");
    let id = attribute(&tag, "numFmtId").unwrap_or("0");
    if id == "0" {
        return "General".into();
    }
    let key = format!("<numFmt numFmtId=\"{id}\" ");
    let at = styles_xml.find(&key).expect("numFmt");
    let tag = &styles_xml[at..at + styles_xml[at..].find("/>").expect("tag end")];
    attribute(tag, "formatCode")
        .expect("formatCode")
        .replace("&quot;", "\"")
}

/// The `<xf>` tag a column carries (`<col … style="N">` covering 1-based column `col`).
fn column_xf<'a>(sheet_xml: &str, styles_xml: &'a str, col: usize) -> Option<&'a str> {
    let cols = section(sheet_xml, "<cols>", "</cols>");
    let tag = cols.split("<col ").skip(1).find(|t| {
        let bound = |name| attribute(&format!(" {t}"), name).and_then(|v| v.parse().ok());
        bound("min").is_some_and(|min: usize| min <= col)
            && bound("max").is_some_and(|max: usize| col <= max)
    })?;
    let xf: usize = attribute(&format!(" {tag}"), "style")?.parse().ok()?;
    let xfs = section(styles_xml, "<cellXfs", "</cellXfs>");
    xfs.split("<xf ").nth(xf + 1)
}

/// The worksheet part of sheet `name`, as text.
fn sheet_part(path: &Path, name: &str) -> String {
    let wb = open_workbook_auto(path).expect("readable workbook");
    let index = wb
        .sheet_names()
        .iter()
        .position(|n| n == name)
        .expect("sheet");
    part(path, &format!("xl/worksheets/sheet{}.xml", index + 1))
}

#[test]
fn summary_parts_carry_status_fills_and_sparklines() {
    let (_dir, path) = written(&sample());
    let sum = sheet(&path, "Summary");
    let header = row_of(&sum, "KPI");
    let sheet_xml = part(&path, "xl/worksheets/sheet1.xml");
    let styles_xml = part(&path, "xl/styles.xml");
    // Excel rows are 1-based: the red KPI two rows under the header, the KPI without a
    // target under "Other" two further down.
    let red = format!("I{}", header + 3);
    let none = format!("I{}", header + 5);
    assert_eq!(
        fill_of(&sheet_xml, &styles_xml, &red).as_deref(),
        Some("FFFFC7CE")
    );
    assert_eq!(
        fill_of(&sheet_xml, &styles_xml, &none).as_deref(),
        Some("FFEDEDED")
    );
    // A sparkline per KPI row that has data, drawn from the Data sheet's values.
    assert!(sheet_xml.contains("<x14:sparklineGroup"));
    for row in [header + 3, header + 5] {
        let cell = format!("<xm:sqref>O{row}</xm:sqref>");
        assert!(sheet_xml.contains(&cell), "no sparkline in O{row}");
    }
    assert!(sheet_xml.contains("<xm:f>Data!"));
    // Headers sit like their columns: "Actual" right over its numbers, "KPI" left.
    let actual = xf_of(&sheet_xml, &styles_xml, &format!("E{}", header + 1)).expect("styled");
    assert!(actual.contains(r#"horizontal="right""#), "{actual}");
    let kpi = xf_of(&sheet_xml, &styles_xml, &format!("A{}", header + 1)).expect("styled");
    assert!(!kpi.contains("horizontal="), "{kpi}");
    // The KPI named '=SUM(A1)' links to its sheet and keeps the quote prefix.
    let name = xf_of(&sheet_xml, &styles_xml, &format!("A{}", header + 3)).expect("styled");
    assert!(name.contains(r#"quotePrefix="1""#), "{name}");
    // Reasons are in the Why column, not in notes.
    assert!(!sheet_xml.contains("legacyDrawing"));
}

/// The KPI sheets' tests live in their own file to keep this one short.
mod kpi_sheet;

/// Printed pages repeat table headers in an ordinary workbook; past
/// `REPEAT_HEADERS_MAX_KPIS` KPI sheets they do not, since each repeated header costs
/// LibreOffice seconds to open a workbook of a thousand sheets.
#[test]
fn headers_repeat_on_printed_pages_until_the_workbook_is_large() {
    let small = sample();
    let (_dir, path) = written(&small);
    let names = part(&path, "xl/workbook.xml");
    let header = row_of(&sheet(&path, "Summary"), "KPI") + 1;
    let summary = format!(r#"localSheetId="0">Summary!${header}:${header}<"#);
    assert!(names.contains(&summary), "{names}");
    // A KPI sheet's table, short as it is, starts below the blocks and charts and may
    // run onto a second page: its header repeats there too.
    let kpi_sheet = open_workbook_auto(&path).expect("workbook").sheet_names()[1].clone();
    let header = row_of(&sheet(&path, &kpi_sheet), "Period") + 1;
    assert!(small.kpis[0].series.len() < 40);
    let kpi = format!(r#"localSheetId="1">{kpi_sheet}!${header}:${header}<"#);
    assert!(names.contains(&kpi), "{kpi} not in {names}");

    let mut large = sample();
    let template = large.kpis[0].clone();
    large.kpis = (0..=super::cells::REPEAT_HEADERS_MAX_KPIS)
        .map(|i| {
            let mut k = template.clone();
            k.def.name = format!("KPI {i:03}");
            k
        })
        .collect();
    let (_dir, path) = written(&large);
    let names = part(&path, "xl/workbook.xml");
    assert!(!names.contains("_xlnm.Print_Titles"), "{names}");
}

/// rust_xlsxwriter starts a thread for each sheet while it saves; where the system's
/// limit on threads or memory stops one (a container's pids limit, `ulimit -v`), the
/// standard library panics. That is "cannot write the output", in words that say
/// what to change, not an internal error; any other panic stays a panic.
#[test]
fn a_thread_that_cannot_start_while_saving_is_a_write_error() {
    let path = Path::new("out/r.xlsx");
    let err = guarded::<()>(path, || {
        panic!(
            "failed to spawn thread: Os {{ code: 11, kind: WouldBlock, message: \"Resource temporarily unavailable\" }}"
        )
    })
    .unwrap_err();
    assert_eq!(err.exit_code(), 5);
    assert_eq!(
        err.to_string(),
        "could not write out/r.xlsx: the system would not start the threads that assemble the workbook's sheets (one per sheet, all at once): its limit on threads or on memory was reached (Os { code: 11, kind: WouldBlock, message: \"Resource temporarily unavailable\" }); raise it (ulimit -u, ulimit -v, a container's pids limit) or report fewer KPIs; the previous file, if any, is untouched"
    );
    let other = std::panic::catch_unwind(|| guarded::<()>(path, || panic!("index out of bounds")));
    assert!(other.is_err());
}
