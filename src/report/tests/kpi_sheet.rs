/*!
Tests of the KPI sheets: their names, their table read back with calamine, the signal
notes and the charts found in the written file's parts.
*/
use std::io::Read as _;
use std::path::Path;

use calamine::{open_workbook_auto, Data, DataType, Reader};

use super::{
    column_xf, created, fill_of, kpi, num_format, part, point, row_of, s, sample, sheet,
    sheet_part, written, xf_of,
};
use crate::analysis::process::{Segment, Signal, Spc};
use crate::analysis::spc::{Rule, Side};
use crate::analysis::targets::Forecast;
use crate::analysis::{KpiResult, Latest, Results, Status};
use crate::model::kpi::{Direction, KpiDef};
use crate::report::{build_workbook, sheet_names, words, Settings};
use crate::testkit::ym;

fn named(names: &[&str]) -> Results {
    let mut r = sample();
    r.kpis = names
        .iter()
        .map(|n| kpi(KpiDef::new(n), vec![], Latest::default()))
        .collect();
    r
}

#[test]
fn sheet_names_follow_excels_rules() {
    let long = "x".repeat(200);
    let names = [
        "Revenue",
        "revenue",
        "REVENUE",
        "a/b:c*d?[e]\\f",
        "'quoted'",
        long.as_str(),
        long.as_str(),
        "Summary",
        "data",
        "Data (2)",
        "History",
        "",
        " ' ",
        "tab\there",
    ];
    let got = sheet_names(&named(&names));
    assert_eq!(got.len(), names.len());
    assert_eq!(got[..3], ["Revenue", "revenue (2)", "REVENUE (3)"]);
    assert_eq!(got[3], "a-b-cd(e)-f");
    assert_eq!(got[4], "quoted");
    assert_eq!(got[5], "x".repeat(31));
    assert_eq!(got[6], format!("{} (2)", "x".repeat(27)));
    let own = [
        "Summary (KPI)",
        "data (KPI)",
        "Data (2) (KPI)",
        "History (KPI)",
    ];
    assert_eq!(got[7..11], own);
    assert_eq!(got[11..], ["KPI", "KPI (2)", "tab here"]);
    let mut seen: Vec<String> = ["summary", "data quality", "data", "method", "history"]
        .map(String::from)
        .to_vec();
    for name in &got {
        assert!(name.encode_utf16().count() <= 31, "{name}");
        assert!(
            !name.contains(['[', ']', ':', '*', '?', '/', '\\']),
            "{name}"
        );
        assert!(!name.starts_with('\'') && !name.ends_with('\''), "{name}");
        let lower = name.to_lowercase();
        assert!(!seen.contains(&lower), "{name} is taken");
        seen.push(lower);
    }
}

#[test]
fn long_names_are_cut_on_a_character_boundary() {
    let emoji = "😀".repeat(100);
    let got = sheet_names(&named(&[&emoji, &emoji]));
    // Emoji take two UTF-16 units: 15 fit in 31.
    assert_eq!(got[0], "😀".repeat(15));
    assert_eq!(got[1], format!("{} (2)", "😀".repeat(13)));
}

/// Twelve months of a lower-is-better KPI that jumps above its upper limit in July and
/// then runs below the centre line to the end of the window.
fn shifted() -> KpiResult {
    let values = [6.1, 5.8, 6.3, 5.9, 6.2, 6.0, 7.9, 5.2, 5.1, 5.3, 5.0, 5.2];
    let mut def = KpiDef::new("Defects [per 1k]");
    def.direction = Some(Direction::Lower);
    def.owner = Some("Quality".into());
    def.target = Some(6.0);
    let series = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let month = u32::try_from(i + 1).expect("small");
            let mut p = point(ym(2024, month), Some(*v), Some(6.0), vec![]);
            p.gap = Some(v - 6.0);
            p.status = if *v <= 6.0 {
                Status::Green
            } else {
                Status::Red
            };
            p.mr = (i > 0).then(|| (v - values[i - 1]).abs());
            p.rules = match i {
                6 => vec![Rule::Outside, Rule::Jump],
                7.. => vec![Rule::Run],
                _ => vec![],
            };
            p
        })
        .collect();
    let latest = Latest {
        period: Some(ym(2024, 12)),
        value: Some(5.2),
        target: Some(6.0),
        status: Some(Status::Green),
        ..Latest::default()
    };
    let mut k = kpi(def, series, latest);
    let signal = |rule, month, side| Signal {
        rule,
        period: ym(2024, month),
        side,
    };
    let mut signals = vec![
        signal(Rule::Outside, 7, Side::High),
        signal(Rule::Jump, 7, Side::High),
    ];
    signals.extend((8..=12).map(|m| signal(Rule::Run, m, Side::Low)));
    k.spc = Spc {
        segments: vec![Segment {
            start: ym(2024, 1),
            end: ym(2024, 12),
            baseline_n: 12,
            cl: Some(6.0),
            mr_bar: Some(0.5),
            unpl: Some(7.33),
            lnpl: Some(4.67),
            url: Some(1.634),
        }],
        signals,
        suggested_rebase: Some(ym(2024, 8)),
        ..Spc::default()
    };
    k.forecast = Forecast {
        period: Some(ym(2025, 1)),
        value: Some(5.4),
        low: Some(4.07),
        high: Some(6.73),
    };
    k
}

fn with_shifted() -> Results {
    let mut r = sample();
    r.kpis.push(shifted());
    r
}

/// The text of every `xl/comments*.xml` part and the names of all parts.
fn parts(path: &Path) -> (Vec<String>, String) {
    let file = std::fs::File::open(path).expect("open");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("file name").into_owned())
        .collect();
    let mut comments = String::new();
    for name in names.iter().filter(|n| n.starts_with("xl/comments")) {
        zip.by_name(name)
            .expect("part")
            .read_to_string(&mut comments)
            .expect("utf-8");
    }
    (names, comments)
}

#[test]
fn kpi_sheets_follow_the_summary_in_order() {
    let r = with_shifted();
    let (_dir, path) = written(&r);
    let wb = open_workbook_auto(&path).expect("readable");
    let got = wb.sheet_names();
    assert_eq!(
        got[..4],
        ["Summary", "Tickets", "SUM(A1)", "Defects (per 1k)"]
    );
    let at = |name: &str| got.iter().position(|n| n == name).expect("sheet");
    assert!(at("Data Quality") > 3 && at("Data") > at("Data Quality"));
}

#[test]
fn the_table_holds_values_limits_and_signals() {
    let (_dir, path) = written(&with_shifted());
    let ws = sheet(&path, "Defects (per 1k)");
    assert_eq!(ws.get_value((0, 0)), Some(&s("← Summary")));
    assert_eq!(ws.get_value((1, 0)), Some(&s("Defects [per 1k]")));
    let header = row_of(&ws, "Period");
    let headers: Vec<_> = (0..13)
        .map(|c| ws.get_value((header, c)).cloned())
        .collect();
    let expected = [
        "Period",
        "Value",
        "Target",
        "Gap",
        "Status",
        "CL",
        "UNPL",
        "LNPL",
        "mR",
        "URL",
        "Signals",
        "Signal detail",
        "Signal value",
    ];
    assert_eq!(headers, expected.map(|h| Some(s(h))));
    let first = header + 1;
    let date = ws.get_value((first, 0)).and_then(DataType::as_date);
    assert_eq!(date, Some(ym(2024, 1)));
    assert_eq!(ws.get_value((first, 1)), Some(&Data::Float(6.1)));
    assert_eq!(ws.get_value((first, 5)), Some(&Data::Float(6.0)));
    assert_eq!(ws.get_value((first, 6)), Some(&Data::Float(7.33)));
    assert!(matches!(ws.get_value((first, 8)), None | Some(Data::Empty)));
    for c in [11, 12] {
        assert!(matches!(ws.get_value((first, c)), None | Some(Data::Empty)));
    }
    let july = first + 6;
    assert_eq!(ws.get_value((july, 3)), Some(&Data::Float(7.9 - 6.0)));
    assert_eq!(ws.get_value((july, 4)), Some(&s("red")));
    assert_eq!(ws.get_value((july, 10)), Some(&s("outside, jump")));
    assert_eq!(ws.get_value((july, 12)), Some(&Data::Float(7.9)));
    assert_eq!(ws.get_value((first + 11, 10)), Some(&s("run")));
}

#[test]
fn signal_cells_say_why_beside_them_and_the_sheet_has_charts() {
    let (_dir, path) = written(&with_shifted());
    let (names, comments) = parts(&path);
    assert!(names.iter().any(|n| n == "xl/charts/chart1.xml"));
    // Reasons are cells, printed and quick to open, not notes.
    assert!(comments.is_empty());
    let ws = sheet(&path, "Defects (per 1k)");
    let first = row_of(&ws, "Period") + 1;
    let detail = |row: u32| {
        ws.get_value((row, 11))
            .and_then(|v| v.get_string().map(str::to_string))
    };
    let july = detail(first + 6).expect("July's detail");
    for words in [
        "outside: 7.9 is above the upper natural process limit 7.33",
        "jump: the change from the previous point (+1.9) exceeds the upper range limit 1.63",
    ] {
        assert!(july.contains(words), "{july:?} lacks {words:?}");
    }
    assert_eq!(
        detail(first + 11).as_deref(),
        Some(
            "run: 5 points below the centre line (6), 2024-08 … 2024-12 — a sustained \
             shift; consider rebasing at 2024-08"
        )
    );
}

#[test]
fn the_why_block_gives_the_reason_for_each_headline_judgement() {
    let (_dir, path) = written(&with_shifted());
    let ws = sheet(&path, "Defects (per 1k)");
    let why = row_of(&ws, "Why");
    let labels: Vec<String> = (why + 1..why + 9)
        .filter_map(|r| {
            ws.get_value((r, 0))
                .and_then(|v| v.get_string().map(str::to_string))
        })
        .collect();
    assert_eq!(
        labels,
        [
            "Status",
            "Hit rate",
            "Trend",
            "Variation",
            "Assurance",
            "Rebase",
            "Forecast",
            "Targets"
        ]
    );
    let status = ws
        .get_value((why + 1, 1))
        .and_then(|v| v.get_string().map(str::to_string));
    assert_eq!(
        status.as_deref(),
        Some(words::status_reason(&shifted()).as_str())
    );
}

#[test]
fn charts_stop_at_the_limit() {
    let r = with_shifted();
    let settings = Settings {
        max_charts: 1,
        ..Settings::default()
    };
    let bytes = build_workbook(&r, &settings, created()).expect("built");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("limited.xlsx");
    std::fs::write(&path, bytes).expect("written");
    let (names, _) = parts(&path);
    let charts = names.iter().filter(|n| n.starts_with("xl/charts/chart"));
    // Tickets gets its chart (one observation: no moving ranges, so no second
    // chart); =SUM(A1) and Defects get none.
    assert_eq!(charts.count(), 1);
    let ws = sheet(&path, "Defects (per 1k)");
    let said = ws
        .used_cells()
        .filter_map(|(_, _, v)| v.get_string())
        .any(|t| t.starts_with("No charts on this sheet") && t.contains("--max-charts 1"));
    assert!(said);
    // …and the Summary says so under its counts.
    let summary = sheet(&path, "Summary");
    let line = "Charts are drawn for the first 1 KPI of 3 (--max-charts 1); the other 2 KPI sheets have their tables only.";
    assert!(summary
        .used_cells()
        .any(|(_, _, v)| v.get_string() == Some(line)));
}

#[test]
fn the_forecast_follows_the_window_on_the_table_and_the_chart() {
    let (_dir, path) = written(&with_shifted());
    let ws = sheet(&path, "Defects (per 1k)");
    let header = row_of(&ws, "Period");
    let headers: Vec<_> = (13..16)
        .map(|c| ws.get_value((header, c)).cloned())
        .collect();
    let expected = ["Forecast", "Forecast low", "Forecast high"];
    assert_eq!(headers, expected.map(|h| Some(s(h))));
    // Twelve months, then the forecast row.
    let row = header + 13;
    let date = ws.get_value((row, 0)).and_then(DataType::as_date);
    assert_eq!(date, Some(ym(2025, 1)));
    assert!(matches!(ws.get_value((row, 1)), None | Some(Data::Empty)));
    assert_eq!(ws.get_value((row, 4)), Some(&s("Forecast")));
    assert_eq!(ws.get_value((row, 13)), Some(&Data::Float(5.4)));
    assert_eq!(ws.get_value((row, 14)), Some(&Data::Float(4.07)));
    assert_eq!(ws.get_value((row, 15)), Some(&Data::Float(6.73)));
    // Only the forecast row has a forecast.
    assert!(matches!(
        ws.get_value((row - 1, 13)),
        None | Some(Data::Empty)
    ));

    // The main chart plots the three forecast columns over the categories that run to
    // the forecast row: a diamond and two dashes.
    let (names, _) = parts(&path);
    let chart = names
        .iter()
        .filter(|n| n.starts_with("xl/charts/chart"))
        .map(|n| part(&path, n))
        .find(|c| c.contains("Process behaviour chart") && c.contains("'Defects (per 1k)'!"))
        .expect("the KPI's main chart");
    let excel_row = row + 1;
    for col in ["N", "O", "P"] {
        let values = format!(
            "'Defects (per 1k)'!${col}${}:${col}${excel_row}",
            header + 2
        );
        assert!(chart.contains(&values), "no series {values}");
    }
    let categories = format!("'Defects (per 1k)'!$A${}:$A${excel_row}", header + 2);
    assert!(
        chart.contains(&categories),
        "categories end before the forecast"
    );
    assert!(chart.contains(r#"<c:symbol val="diamond"/>"#));
    assert!(chart.contains(r#"<c:symbol val="dash"/>"#));
}

/// The table's cells take their formats from their columns (the Status column's
/// colours stay on its cells), and an empty cell of such a column is left out, the
/// column showing it the same way.
#[test]
fn table_cells_take_their_columns_formats() {
    let (_dir, path) = written(&with_shifted());
    let ws = sheet(&path, "Defects (per 1k)");
    let header = row_of(&ws, "Period");
    let xml = sheet_part(&path, "Defects (per 1k)");
    let styles = part(&path, "xl/styles.xml");
    let format_of = |cell: &str| num_format(&styles, xf_of(&xml, &styles, cell).expect(cell));
    // Excel rows are 1-based: the first data row, July, and the forecast row.
    let (first, july, forecast) = (header + 2, header + 8, header + 14);
    assert_eq!(format_of(&format!("A{first}")), "mmm yyyy");
    assert_eq!(format_of(&format!("B{july}")), "#,##0.00");
    assert_eq!(format_of(&format!("F{july}")), "#,##0.00");
    assert_eq!(
        fill_of(&xml, &styles, &format!("E{july}")).as_deref(),
        Some("FFFFC7CE")
    );
    // The forecast row has no value: no cell, and its column shows it as a number.
    assert!(!xml.contains(&format!("<c r=\"B{forecast}\"")));
    let value_column = column_xf(&xml, &styles, 2).expect("the Value column's format");
    assert_eq!(num_format(&styles, value_column), "#,##0.00");
    // The Status column carries no format of its own; its header and the forecast's
    // word are set in from the left, clear of the Gap numbers before them (an indent
    // shows only on left-aligned text).
    assert!(column_xf(&xml, &styles, 5).is_none());
    for cell in [format!("E{}", header + 1), format!("E{forecast}")] {
        let xf = xf_of(&xml, &styles, &cell).expect("styled");
        assert!(
            xf.contains(r#"horizontal="left""#) && xf.contains(r#"indent="1""#),
            "{cell}: {xf}"
        );
    }
}
