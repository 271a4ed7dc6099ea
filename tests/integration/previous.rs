//! `--previous`: two runs in one folder, the second compared with the first's results
//! (docs/interface.md §8). The first month's export and the second's differ by what
//! source systems do between exports: a value restated, a value blanked, a target
//! raised (the status turns worse), a KPI added and one dropped, and a rebase that
//! clears the old signals.
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use calamine::{open_workbook_auto, Data, Reader};
use serde_json::Value;

use crate::support::{findings_of, kpi};

/// Months from January 2023: Defects at about 10 for ten months, then at about 20.
fn defects(months: usize) -> String {
    let mut s = String::new();
    for i in 0..months {
        let base = if i < 10 { 10 } else { 20 };
        let wiggle = [0, 1, 0, -1][i % 4];
        let _ = writeln!(s, "{},Defects,{},", month(i), base + wiggle);
    }
    s
}

/// The first day of month `i` counted from January 2023.
fn month(i: usize) -> String {
    format!("{}-{:02}-01", 2023 + i / 12, i % 12 + 1)
}

/// Revenue Jan–Aug 2024 (target 100); `Old` for the same months.
fn first_export() -> String {
    let revenue = [100, 102, 98, 101, 99, 103, 100, 104];
    let mut s = String::from("Date,KPI,Value,Target\n");
    for (i, v) in revenue.iter().enumerate() {
        let _ = writeln!(s, "{},Revenue,{v},100", month(12 + i));
        let _ = writeln!(s, "{},Old,{},", month(12 + i), 50 + i);
    }
    s + &defects(20)
}

/// A month later: July restated from 100 to 95, August blanked and its target raised
/// to 120, September 104 against 120 (red); `Old` gone, `Visits` new.
fn second_export() -> String {
    let mut s = String::from("Date,KPI,Value,Target\n");
    for (i, v) in ["100", "102", "98", "101", "99", "103", "95", "", "104"]
        .iter()
        .enumerate()
    {
        let target = if i >= 7 { 120 } else { 100 };
        let _ = writeln!(s, "{},Revenue,{v},{target}", month(12 + i));
        let _ = writeln!(s, "{},Visits,{},", month(12 + i), 10 + i);
    }
    s + &defects(21)
}

/// The rebase at the shift, so the second run judges each level on its own.
const REBASE: &str = "[[kpi]]\nname = \"Defects\"\nrebase = [\"2023-11\"]\n";

struct Out {
    code: i32,
    stderr: String,
}

fn kpilens(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_kpilens"))
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run kpilens");
    Out {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A folder with both exports and the config, the first month already reported into
/// `r.json` (and `r.xlsx`).
fn first_month() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("aug.csv"), first_export()).unwrap();
    std::fs::write(p.join("sep.csv"), second_export()).unwrap();
    std::fs::write(p.join("kpis.toml"), REBASE).unwrap();
    let o = kpilens(
        p,
        &[
            "report", "aug.csv", "-o", "r.xlsx", "--json", "r.json", "-q",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    dir
}

/// The second month, the same command with `--previous` naming the file `--json`
/// replaces.
fn second_month(dir: &Path, extra: &[&str]) -> Out {
    let mut args = vec![
        "report",
        "sep.csv",
        "-c",
        "kpis.toml",
        "-o",
        "r.xlsx",
        "--json",
        "r.json",
        "--previous",
        "r.json",
        "-q",
    ];
    args.extend(extra);
    kpilens(dir, &args)
}

fn signals(k: &Value) -> Vec<Value> {
    k["spc"]["signals"].as_array().unwrap().clone()
}

#[test]
fn the_same_command_every_month_compares_with_the_last_results() {
    let dir = first_month();
    let before = json(&dir.path().join("r.json"));
    let o = second_month(dir.path(), &["--summary", "body.md"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = json(&dir.path().join("r.json"));
    let c = &after["changes"];
    assert_eq!(
        c["previous"],
        serde_json::json!({"path": "r.json", "as_of": "2024-08-01", "version": env!("CARGO_PKG_VERSION")})
    );
    assert_eq!(c["new_kpis"], serde_json::json!(["Visits"]));
    assert_eq!(c["dropped_kpis"], serde_json::json!(["Old"]));
    assert_eq!(c["settings_differ"], serde_json::json!([]));
    let names: Vec<&str> = c["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Revenue", "Defects"]);

    let rev = &c["kpis"][0];
    assert_eq!(rev["previous_period"], "2024-08-01");
    assert_eq!(rev["period"], "2024-09-01");
    assert_eq!(rev["previous_status"], "green");
    // 104 against the raised 120: 13.3% short, beyond the 5% tolerance.
    assert_eq!(rev["status"], "red");
    assert_eq!(rev["status_change"], "worse");
    assert_eq!(
        rev["restated"],
        serde_json::json!([
            {"period": "2024-07-01", "previous": 100.0, "current": 95.0},
            {"period": "2024-08-01", "previous": 104.0, "current": null},
        ])
    );
    assert_eq!(
        rev["retargeted"],
        serde_json::json!([{"period": "2024-08-01", "previous": 100.0, "current": 120.0}])
    );
    assert_eq!(rev["new_periods"], serde_json::json!(["2024-09-01"]));
    assert_eq!(rev["new_signals"], serde_json::json!([]));

    // The rebase clears every signal the single baseline gave (all still in the window).
    let old = signals(kpi(&before, "Defects"));
    assert!(!old.is_empty(), "the shift signals without a rebase");
    assert_eq!(signals(kpi(&after, "Defects")), Vec::<Value>::new());
    let def = &c["kpis"][1];
    assert_eq!(def["cleared_signals"], Value::Array(old));
    assert_eq!(def["new_signals"], serde_json::json!([]));
    assert_eq!(def["status_change"], Value::Null);

    let restated = findings_of(&after, "restated_history");
    assert_eq!(restated.len(), 1);
    assert_eq!(restated[0]["severity"], "warning");
    assert_eq!(restated[0]["kpi"], "Revenue");
    assert_eq!(
        restated[0]["message"],
        "Revenue: 2 past values differ from the report of 2024-08-01 (r.json): Jul 2024 was 100, now 95; Aug 2024 was 104, now blank. History that changes between exports should be explained."
    );

    let md = std::fs::read_to_string(dir.path().join("body.md")).unwrap();
    assert!(
        md.starts_with(&format!(
            "# KPI report\n\n{SENTENCE}.\n\nAs of 2024-09-01. "
        )),
        "{md}"
    );
    assert!(
        md.contains("## Got worse since the last report\n\n- Revenue: green → red (Sep 2024)\n"),
        "{md}"
    );
}

/// The text of every non-empty cell of a row.
fn row_texts(range: &calamine::Range<Data>, row: usize) -> Vec<String> {
    (0..range.width())
        .filter_map(|c| match range.get((row, c)) {
            Some(Data::Empty) | None => None,
            Some(d) => Some(d.to_string()),
        })
        .collect()
}

/// What changed between the two exports, in one sentence.
const SENTENCE: &str = "Since the report of 2024-08-01: 1 KPI got worse, 0 better; 0 new signals; 2 values restated in 1 KPI; 1 KPI new, 1 dropped";

#[test]
fn the_summary_column_and_title_block_say_what_changed() {
    let dir = first_month();
    let o = second_month(dir.path(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut wb = open_workbook_auto(dir.path().join("r.xlsx")).unwrap();
    assert_eq!(&wb.sheet_names()[..3], ["Summary", "Changes", "Revenue"]);

    let summary = wb.worksheet_range("Summary").unwrap();
    let header = (0..summary.height())
        .find(|&r| summary.get((r, 0)) == Some(&Data::String("KPI".into())))
        .unwrap();
    let headers = row_texts(&summary, header);
    assert_eq!(
        &headers[8..11],
        ["Status", "Since last report", "vs previous %"]
    );
    let since = |name: &str| {
        let r = (header..summary.height())
            .find(|&r| summary.get((r, 0)) == Some(&Data::String(name.into())))
            .unwrap();
        summary.get((r, 9)).unwrap().to_string()
    };
    assert_eq!(since("Revenue"), "▼ green → red; restated; target changed");
    assert_eq!(since("Visits"), "new KPI");
    let n = cleared_count(&dir);
    let cleared = if n == 1 {
        "1 cleared signal".to_string()
    } else {
        format!("{n} cleared signals")
    };
    assert_eq!(since("Defects"), cleared);
    // The title block: the sentence, then the counts line.
    assert_eq!(summary.get((6, 0)), Some(&Data::String(SENTENCE.into())));
    assert!(summary
        .get((7, 0))
        .unwrap()
        .to_string()
        .starts_with("3 KPIs: "));
}

#[test]
fn the_changes_sheet_has_a_table_per_kind_of_change() {
    let dir = first_month();
    let o = second_month(dir.path(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut wb = open_workbook_auto(dir.path().join("r.xlsx")).unwrap();
    let changes = wb.worksheet_range("Changes").unwrap();
    let rows: Vec<Vec<String>> = (0..changes.height())
        .map(|r| row_texts(&changes, r))
        .collect();
    let has = |row: &[&str]| rows.iter().any(|r| r == row);
    assert_eq!(rows[0], ["Changes since the report of 2024-08-01"]);
    assert_eq!(rows[2], [SENTENCE]);
    assert!(has(&["Status changes"]), "{rows:?}");
    assert!(
        has(&[
            "Revenue",
            "Revenue went from green (Aug 2024) to red (Sep 2024): worse",
            "green",
            "red",
            "worse"
        ]),
        "{rows:?}"
    );
    // Dates read back as Excel serials: 45474 is 2024-07-01, 45505 2024-08-01.
    assert!(
        has(&[
            "Revenue",
            "Revenue Jul 2024 was 100 in the report of 2024-08-01, now 95: −5.0%",
            "45474",
            "100",
            "95",
            "-0.05"
        ]),
        "{rows:?}"
    );
    assert!(
        has(&[
            "Revenue",
            "Revenue Aug 2024 was 104 in the report of 2024-08-01, now blank",
            "45505",
            "104"
        ]),
        "{rows:?}"
    );
    assert!(
        has(&[
            "Revenue",
            "Revenue's target for Aug 2024 was 100 in the report of 2024-08-01, now 120",
            "45505",
            "100",
            "120"
        ]),
        "{rows:?}"
    );
    assert!(
        has(&["Visits", "New: Visits was not in the report of 2024-08-01"]),
        "{rows:?}"
    );
    assert!(
        has(&[
            "Old",
            "Dropped: Old was in the report of 2024-08-01 but is not in this one"
        ]),
        "{rows:?}"
    );
    let none_after = |heading: &str| {
        let at = rows.iter().position(|r| r == &[heading]).unwrap();
        rows[at + 1] == ["None."]
    };
    assert!(none_after("New signals"));
    assert!(none_after("Run settings that differ"));
    assert!(!none_after(
        "Cleared signals (periods still in this window)"
    ));
}

/// How many signals the first run gave Defects, as the second run's JSON reports them
/// cleared.
fn cleared_count(dir: &tempfile::TempDir) -> usize {
    let after = json(&dir.path().join("r.json"));
    after["changes"]["kpis"][1]["cleared_signals"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn a_missing_previous_file_is_exit_4_naming_it_and_writes_nothing() {
    let dir = first_month();
    std::fs::remove_file(dir.path().join("r.json")).unwrap();
    std::fs::remove_file(dir.path().join("r.xlsx")).unwrap();
    let o = second_month(dir.path(), &[]);
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert_eq!(
        o.stderr.trim_end(),
        "kpilens: error: could not read r.json: no such file; give --previous the JSON file an earlier `kpilens report --json` wrote, or leave --previous out for the first report"
    );
    assert!(!dir.path().join("r.xlsx").exists());
    assert!(!dir.path().join("r.json").exists());
}

#[test]
fn a_file_that_is_not_kpilens_results_is_exit_3_and_nothing_is_written() {
    let dir = first_month();
    let xlsx = std::fs::read(dir.path().join("r.xlsx")).unwrap();
    for (text, why) in [
        (
            "{\"tool\": {\"name\": \"other\"}}\n",
            "it has no \"tool\": {\"name\": \"kpilens\"}",
        ),
        ("not json at all\n", "it is not JSON ("),
    ] {
        std::fs::write(dir.path().join("other.json"), text).unwrap();
        let o = kpilens(
            dir.path(),
            &[
                "report",
                "sep.csv",
                "-o",
                "r.xlsx",
                "--json",
                "other.json",
                "--previous",
                "other.json",
                "--force",
                "-q",
            ],
        );
        assert_eq!(o.code, 3, "{}", o.stderr);
        assert!(
            o.stderr.starts_with(&format!(
                "kpilens: error: other.json is not a kpilens results file: {why}"
            )),
            "{}",
            o.stderr
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("other.json")).unwrap(),
            text
        );
        assert_eq!(std::fs::read(dir.path().join("r.xlsx")).unwrap(), xlsx);
    }
}

#[test]
fn a_previous_run_with_a_later_as_of_is_a_warning_and_still_compared() {
    let dir = first_month();
    let o = second_month(dir.path(), &["--as-of", "2024-07-15"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = json(&dir.path().join("r.json"));
    let f = crate::support::finding(&after, "previous_after_as_of");
    assert_eq!(f["severity"], "warning");
    assert_eq!(
        f["message"],
        "The previous results (r.json) are as of 2024-08-01, later than this report's 2024-07-15; they were compared all the same. Check that --previous names the earlier report."
    );
    // Compared all the same: July's restatement is there.
    assert_eq!(
        after["changes"]["kpis"][0]["restated"],
        serde_json::json!([{"period": "2024-07-01", "previous": 100.0, "current": 95.0}])
    );
}

#[test]
fn an_older_versions_file_is_compared_on_the_fields_it_has() {
    let dir = first_month();
    let mut old = json(&dir.path().join("r.json"));
    // An earlier kpilens: no version, no correlations, no spc/health/targets blocks, no
    // targets in the series.
    old["tool"].as_object_mut().unwrap().remove("version");
    old.as_object_mut().unwrap().remove("correlations");
    for k in old["kpis"].as_array_mut().unwrap() {
        let k = k.as_object_mut().unwrap();
        for block in ["spc", "health", "targets"] {
            k.remove(block);
        }
        for p in k["series"].as_array_mut().unwrap() {
            p.as_object_mut().unwrap().remove("target");
        }
    }
    std::fs::write(dir.path().join("old.json"), old.to_string()).unwrap();
    let o = kpilens(
        dir.path(),
        &[
            "report",
            "sep.csv",
            "-c",
            "kpis.toml",
            "-o",
            "r.xlsx",
            "--json",
            "r.json",
            "--previous",
            "old.json",
            "-q",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let c = &json(&dir.path().join("r.json"))["changes"];
    assert_eq!(c["previous"]["version"], Value::Null);
    let rev = &c["kpis"][0];
    assert_eq!(rev["status_change"], "worse");
    assert_eq!(rev["restated"].as_array().unwrap().len(), 2);
    assert_eq!(rev["retargeted"], serde_json::json!([]));
    assert_eq!(rev["previous_variation"], Value::Null);
    assert_eq!(c["kpis"][1]["cleared_signals"], serde_json::json!([]));
}

#[test]
fn settings_that_differ_are_an_info_finding() {
    let dir = first_month();
    let o = second_month(dir.path(), &["--rules", "nhs"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = json(&dir.path().join("r.json"));
    assert_eq!(
        after["changes"]["settings_differ"],
        serde_json::json!(["rules"])
    );
    let f = crate::support::finding(&after, "previous_settings_differ");
    assert_eq!(f["severity"], "info");
    assert_eq!(
        f["message"],
        "Run settings differ from the report of 2024-08-01 (r.json): rules wheeler → nhs. Some changes may come from the settings rather than the data."
    );
}
