//! The bundled sample data's planted behaviours (sample-data/README.md) come out of the
//! analysis as the expected signals, assurance and statuses.
use crate::support::{finding, kpi, Run};

fn sample() -> serde_json::Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let run = ["acme-kpis.xlsx", "ops-weekly.csv", "kpis.toml"]
        .iter()
        .fold(Run::new(), |r, f| {
            r.file(&format!("sample/{f}"), std::fs::read(root.join(f)).unwrap())
        });
    let (json, _, _) = run.report_json(&["sample"], &["-c", "sample/kpis.toml"]);
    json
}

#[test]
fn planted_behaviours_are_found() {
    let j = sample();
    assert_eq!(j["as_of"], "2026-10-26");
    assert_eq!(j["kpis"].as_array().unwrap().len(), 18);

    // Always met: the target sits below the lower limit → pass; every targeted period hit.
    let otd = kpi(&j, "On-time delivery %");
    assert_eq!(otd["spc"]["assurance"], "pass");
    assert_eq!(otd["attainment"]["hit_rate"], 1.0);
    assert_eq!(otd["latest"]["status"], "green");

    // Never met: the target sits above the upper limit → fail; no period hit.
    let fpy = kpi(&j, "First-pass yield %");
    assert_eq!(fpy["spc"]["assurance"], "fail");
    assert_eq!(fpy["attainment"]["hits"], 0);
    assert_eq!(fpy["latest"]["status"], "red");

    // The undeclared process change in 2025-06: a low run reaching the latest point,
    // with the rebase suggested at its start; lower is better → improvement.
    let def = kpi(&j, "Defects per 1,000 units");
    assert_eq!(def["spc"]["suggested_rebase"], "2025-06-01");
    assert_eq!(def["spc"]["variation"], "improvement");
    assert_eq!(def["trend"]["direction"], "down");
    assert_eq!(def["trend"]["assessment"], "improving");
    let runs: Vec<&str> = def["spc"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["rule"] == "run")
        .map(|s| s["period"].as_str().unwrap())
        .collect();
    assert_eq!(runs.first(), Some(&"2025-06-01"));
    assert_eq!(runs.last(), Some(&"2026-10-01"));

    // Backlog (weekly, lower is better) runs high for its last nine weeks.
    let backlog = kpi(&j, "Backlog");
    assert_eq!(backlog["grain"], "week");
    assert_eq!(backlog["spc"]["variation"], "concern");
    assert_eq!(backlog["spc"]["suggested_rebase"], "2026-08-31");

    // The range KPI has no good direction.
    let inv = kpi(&j, "Inventory days");
    assert_eq!(inv["trend"]["assessment"], "neutral");
    assert_eq!(inv["latest"]["target_min"], 30.0);

    // The declared leading indicator leads Revenue by the planted two months.
    let pairs = j["correlations"].as_array().unwrap();
    let lead = pairs
        .iter()
        .find(|c| c["leading"] == "Qualified leads" && c["lagging"] == "Revenue")
        .unwrap();
    assert_eq!(lead["best_lag"], 2);
    assert_eq!(lead["significant"], true);
    assert_eq!(lead["strength"], "strong");
    assert!(!kpi(&j, "Qualified leads")["health"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "not_predictive"));

    // The quarterly survey inside a monthly sheet.
    assert_eq!(kpi(&j, "Employee engagement")["grain"], "quarter");
    // The duplicated week and the #N/A cell are reported.
    assert!(finding(&j, "duplicate_observation")["message"]
        .as_str()
        .unwrap()
        .contains("2025-05-12"));
    assert_eq!(finding(&j, "excel_error_cell")["sheet"], "Monthly KPIs");
}

#[test]
fn suggested_targets_round_trip_into_the_config() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let run = ["acme-kpis.xlsx", "ops-weekly.csv", "kpis.toml"]
        .iter()
        .fold(Run::new(), |r, f| {
            r.file(&format!("sample/{f}"), std::fs::read(root.join(f)).unwrap())
        });
    let (o, _d) = run
        .args([
            "report",
            "sample",
            "-c",
            "sample/kpis.toml",
            "-q",
            "--suggest-targets",
            "next.csv",
        ])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let csv = std::fs::read_to_string(o.dir.join("next.csv")).unwrap();
    assert!(
        csv.starts_with("kpi,direction,current_target,realism,"),
        "{csv}"
    );
    let fpy = csv
        .lines()
        .find(|l| l.starts_with("First-pass yield %,"))
        .unwrap();
    assert!(fpy.contains(",unrealistic,"), "{fpy}");

    let (o, _d) = Run::new()
        .file("a.csv", "Date,KPI,Value\n2024-01-01,A,10\n2024-02-01,A,12\n2024-03-01,A,11\n2024-04-01,A,13\n2024-05-01,A,12\n2024-06-01,A,11\n2024-07-01,A,10\n")
        .args(["report", "a.csv", "-q", "--suggest-targets", "next.toml"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let toml_text = std::fs::read_to_string(o.dir.join("next.toml")).unwrap();
    // the fragment is valid config: it loads as kpis.toml
    let (o2, _d2) = Run::new()
        .file(
            "a.csv",
            "Date,KPI,Value\n2024-01-01,A,10\n2024-02-01,A,12\n",
        )
        .file("k.toml", &toml_text)
        .args(["report", "a.csv", "-c", "k.toml", "-q"])
        .run();
    assert_eq!(o2.code, 0, "{}\n{toml_text}", o2.stderr);
    // realistic = q.75 of [10,12,11,13,12,11,10]: sorted 10 10 11 11 12 12 13, h = 4.5 → 12
    assert!(toml_text.contains("\ntarget = 12\n"), "{toml_text}");
}
