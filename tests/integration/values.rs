//! Value, date and encoding styles read end to end, and the series rules of
//! methods.md §1 (grain, duplicates, as-of, aggregation to a coarser period).
use std::fmt::Write as _;

use crate::support::{codes, finding, findings_of, kpi, values, Run};

fn v(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
    pairs.iter().map(|(p, x)| (p.to_string(), *x)).collect()
}

#[test]
fn number_styles_in_text() {
    let csv = "Date,KPI,Value\n2024-01-01,A,\"$1,200\"\n2024-02-01,A,(1200)\n2024-03-01,A,35%\n\
               2024-04-01,A,'123\n2024-05-01,A, 7.5 \n2024-06-01,A,NA\n2024-07-01,A,-\n2024-08-01,A,#N/A\n\
               2024-09-01,A,-0\n2024-10-01,A,1e309\n2024-11-01,A,abc\n";
    let (json, _, _) = Run::new().file("n.csv", csv).report_json(&["n.csv"], &[]);
    assert_eq!(
        values(&json, "A"),
        v(&[
            ("2024-01-01", 1200.0),
            ("2024-02-01", -1200.0),
            ("2024-03-01", 0.35),
            ("2024-04-01", 123.0),
            ("2024-05-01", 7.5),
            ("2024-09-01", 0.0),
        ])
    );
    let bad = findings_of(&json, "bad_value");
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert_eq!(bad[0]["row"], 11);
    assert_eq!(bad[0]["column"], "C");
    assert!(
        bad[1]["message"].as_str().unwrap().contains("'abc'"),
        "{}",
        bad[1]["message"]
    );
    assert_eq!(finding(&json, "excel_error_cell")["row"], 9);
}

#[test]
fn semicolon_decimal_comma_detected() {
    // detected for ';'-separated text
    let csv = "Datum;Kennzahl;Wert\n2024-01-01;A;1.234,5\n2024-02-01;A;2,25\n";
    let (json, _, _) = Run::new().file("de.csv", csv).report_json(&["de.csv"], &[]);
    assert_eq!(
        values(&json, "A"),
        v(&[("2024-01-01", 1234.5), ("2024-02-01", 2.25)])
    );
    // forced with --decimal-comma for other delimiters
    let tsv = "Date\tKPI\tValue\n2024-01-01\tB\t1 234,5\n2024-02-01\tB\t0,5\n";
    let (json, _, _) = Run::new()
        .file("b.tsv", tsv)
        .report_json(&["b.tsv"], &["--decimal-comma"]);
    assert_eq!(
        values(&json, "B"),
        v(&[("2024-01-01", 1234.5), ("2024-02-01", 0.5)])
    );
}

#[test]
fn utf16_tab_and_windows_1252() {
    let text = "Date\tKPI\tValue\n2024-01-01\tCafé visits\t3\n2024-02-01\tCafé visits\t4\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let cp1252 =
        b"Date,KPI,Value\n2024-01-01,Caf\xE9 sales,1\n2024-02-01,Caf\xE9 sales,2\n".to_vec();
    let (json, _, _) = Run::new()
        .file("u16.txt", utf16)
        .file("w.csv", cp1252)
        .report_json(&["u16.txt", "w.csv"], &[]);
    assert_eq!(values(&json, "Café visits").len(), 2);
    assert_eq!(
        values(&json, "Café sales"),
        v(&[("2024-01-01", 1.0), ("2024-02-01", 2.0)])
    );
    assert!(
        codes(&json)
            .iter()
            .filter(|c| *c == "encoding_used")
            .count()
            >= 2
    );
}

#[test]
fn period_labels_give_their_grain() {
    let csv = "Period,KPI,Value\n2024-Q1,Q,1\nQ2 2024,Q,2\n2024-W05,W,1\n2024-W06,W,2\nFY2023,Y,1\nFY2024,Y,2\nMar 2024,M,1\nApr 2024,M,2\n";
    let (json, _, _) = Run::new().file("p.csv", csv).report_json(&["p.csv"], &[]);
    assert_eq!(
        values(&json, "Q"),
        v(&[("2024-01-01", 1.0), ("2024-04-01", 2.0)])
    );
    assert_eq!(kpi(&json, "Q")["grain"], "quarter");
    assert_eq!(
        values(&json, "W"),
        v(&[("2024-01-29", 1.0), ("2024-02-05", 2.0)])
    );
    assert_eq!(kpi(&json, "W")["grain"], "week");
    assert_eq!(
        values(&json, "Y"),
        v(&[("2023-01-01", 1.0), ("2024-01-01", 2.0)])
    );
    assert_eq!(kpi(&json, "Y")["grain"], "year");
    assert_eq!(kpi(&json, "M")["grain"], "month");
}

#[test]
fn day_first_inferred_from_a_day_over_12() {
    let csv = "Date,KPI,Value\n01/02/2024,A,1\n02/02/2024,A,2\n03/02/2024,A,3\n13/02/2024,A,4\n";
    let (json, _, _) = Run::new().file("d.csv", csv).report_json(&["d.csv"], &[]);
    let got: Vec<String> = kpi(&json, "A")["series"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["value"].is_null())
        .map(|p| p["period"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got.first().map(String::as_str), Some("2024-02-01"));
    assert_eq!(got.last().map(String::as_str), Some("2024-02-13"));
    assert_eq!(kpi(&json, "A")["grain"], "day");
}

#[test]
fn duplicates_are_combined_with_a_finding() {
    let csv = "Date,KPI,Value\n2024-01-01,A,10\n2024-01-01,A,20\n2024-02-01,A,5\n";
    let (json, _, _) = Run::new()
        .file("dup.csv", csv)
        .report_json(&["dup.csv"], &[]);
    // Two dates only → one-date spacing rules do not apply; the KPI is monthly by its gap.
    assert_eq!(
        values(&json, "A"),
        v(&[("2024-01-01", 15.0), ("2024-02-01", 5.0)])
    );
    let f = finding(&json, "duplicate_observation");
    assert!(
        f["message"].as_str().unwrap().contains("row 2; "),
        "{}",
        f["message"]
    );
    assert!(
        f["message"].as_str().unwrap().contains("row 3"),
        "{}",
        f["message"]
    );
}

#[test]
fn as_of_drops_later_values_and_period_aggregates_up() {
    let mut csv = String::from("Date,KPI,Value\n");
    for (d, x) in [
        ("2024-01-01", 1),
        ("2024-01-08", 2),
        ("2024-01-15", 3),
        ("2024-01-22", 4),
        ("2024-01-29", 5),
        ("2024-02-05", 6),
        ("2024-02-12", 7),
    ] {
        let _ = writeln!(csv, "{d},W,{x}");
    }
    let (json, _, _) = Run::new()
        .file("w.csv", csv)
        .report_json(&["w.csv"], &["--period", "month", "--as-of", "2024-02-06"]);
    assert_eq!(json["as_of"], "2024-02-06");
    assert_eq!(kpi(&json, "W")["grain"], "month");
    // mean of the weekly values whose Monday is in the month
    assert_eq!(
        values(&json, "W"),
        v(&[("2024-01-01", 3.0), ("2024-02-01", 6.0)])
    );
    assert!(codes(&json).contains(&"after_as_of".to_string()));
}

#[test]
fn config_targets_and_sum_aggregation() {
    let csv = "Date,KPI,Value\n2024-01-10,Sales,1\n2024-01-20,Sales,2\n2024-02-10,Sales,4\n2024-03-10,Sales,8\n";
    let cfg = "[[kpi]]\nname = \"sales\"\naggregation = \"sum\"\ntarget = 5\ntargets = [{from = \"2024-03\", value = 7}]\n";
    let (json, _, _) = Run::new()
        .file("s.csv", csv)
        .file("kpis.toml", cfg)
        .report_json(&["s.csv"], &["-c", "kpis.toml", "--period", "month"]);
    assert_eq!(
        values(&json, "Sales"),
        v(&[
            ("2024-01-01", 3.0),
            ("2024-02-01", 4.0),
            ("2024-03-01", 8.0)
        ])
    );
    let s = kpi(&json, "Sales");
    assert_eq!(s["series"][0]["target"], 5.0);
    assert_eq!(s["series"][2]["target"], 7.0);
    assert_eq!(s["latest"]["status"], "green");
    assert_eq!(s["series"][0]["status"], "red");
}

/// Forecasts, suggested targets and realism of nine KPIs, each exercising one rule of
/// methods.md §6, against numpy/scipy/pymannkendall (scripts/targets_fixtures.py wrote
/// the inputs and expected.json).
#[test]
fn forecasts_and_suggested_targets_match_the_independent_computation() {
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/targets/expected.json"))
            .expect("expected.json");
    let (json, _, _) = Run::new()
        .fixture("targets/series.csv")
        .fixture("targets/kpis.toml")
        .report_json(&["targets/series.csv"], &["-c", "targets/kpis.toml"]);
    let close = |what: &str, got: &serde_json::Value, want: &serde_json::Value| match (
        got.as_f64(),
        want.as_f64(),
    ) {
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= 1e-9 * w.abs().max(1.0),
            "{what}: kpilens {g}, expected {w}"
        ),
        _ => assert_eq!(got, want, "{what}"),
    };
    let cases = expected.as_object().expect("cases");
    assert_eq!(cases.len(), 9);
    for (name, want) in cases {
        let k = kpi(&json, name);
        assert_eq!(
            k["trend"]["direction"].as_str().unwrap_or("flat"),
            want["trend_direction"],
            "{name}: trend direction"
        );
        assert_eq!(
            k["spc"]["assurance"], want["assurance"],
            "{name}: assurance"
        );
        for field in ["period", "value", "low", "high"] {
            let what = format!("{name}: forecast.{field}");
            close(&what, &k["forecast"][field], &want["forecast"][field]);
        }
        for field in [
            "baseline",
            "median",
            "conservative",
            "realistic",
            "stretch",
            "realism",
        ] {
            let what = format!("{name}: targets.{field}");
            close(&what, &k["targets"][field], &want["targets"][field]);
        }
    }
}

/// Runs one case of tests/fixtures/crosscheck/: discrepancies the independent
/// re-implementation (scripts/crosscheck.py) found, kept as regressions.
fn crosscheck(case: &str) -> serde_json::Value {
    let data = format!("crosscheck/{case}/data.csv");
    let config = format!("crosscheck/{case}/kpis.toml");
    let (json, _, _) = Run::new()
        .fixture(&data)
        .fixture(&config)
        .report_json(&[&data], &["-c", &config]);
    json
}

#[test]
fn a_constant_series_sits_on_its_centre_line_without_signals() {
    // 0.7 eight times: the mean is 0.7 exactly, so are both limits (mR̄ = 0), and a value
    // on the centre line is on neither side (methods.md §9).
    let json = crosscheck("flat-series-signals");
    let k = kpi(&json, "Rate");
    let seg = &k["spc"]["segments"][0];
    assert_eq!(
        (seg["cl"].as_f64(), seg["unpl"].as_f64()),
        (Some(0.7), Some(0.7))
    );
    assert_eq!(k["spc"]["signals"], serde_json::json!([]));
    assert_eq!(k["spc"]["variation"], "common_cause");
    assert_eq!(
        k["health"]["flags"],
        serde_json::json!(["short_history", "too_easy_target", "flatline"])
    );
    assert_eq!(k["health"]["action"], "retarget");
}

#[test]
fn a_mean_of_equal_observations_is_that_value() {
    // Three observations of 0.7 a month against a target of 0.7: met, green.
    let json = crosscheck("mean-aggregation-roundoff");
    let k = kpi(&json, "Uptime");
    assert!(k["series"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["value"] == 0.7));
    assert_eq!(k["latest"]["status"], "green");
    assert_eq!(k["attainment"]["hit_rate"], 1.0);
    assert_eq!(k["change"]["ytd_target"], 0.7);
}

#[test]
fn tied_lags_go_to_the_smaller_lag() {
    // |r| is the same at lags 0, 1, 3 and 4 in exact arithmetic (r² = 361/1560).
    let json = crosscheck("leadlag-best-lag-tie");
    let c = &json["correlations"][0];
    assert_eq!(c["best_lag"], 0);
    let r = c["r"].as_f64().unwrap();
    assert!((r + (361.0f64 / 1560.0).sqrt()).abs() < 1e-12, "{r}");
}

#[test]
fn a_constant_leading_side_has_no_usable_lag() {
    let json = crosscheck("leadlag-constant-side");
    let c = &json["correlations"][0];
    for field in ["best_lag", "r", "p", "q", "spearman"] {
        assert!(c[field].is_null(), "{field}: {}", c[field]);
    }
    assert!(c["r_by_lag"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["r"].is_null()));
}

#[test]
fn a_value_on_a_halfway_line_is_not_beyond_it() {
    // cl = 0.53 and mR̄ = 1/19 exactly, so the upper halfway line is 0.6: four values of
    // 0.6 sit on it, not beyond it (methods.md §9), and give no near_limit signal.
    let json = crosscheck("halfway-line-tie");
    let k = &json["kpis"][0];
    let rules: Vec<&str> = k["spc"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"near_limit"), "{rules:?}");
    assert!(
        rules.contains(&"run") && rules.contains(&"jump"),
        "{rules:?}"
    );
}

#[test]
fn a_constant_kpi_aggregated_to_quarters_stays_constant() {
    // 0.4 every month, reported by quarter: every quarter is 0.4, so there is no trend
    // (S = 0, p = 1) and the KPI is a flat line.
    let json = crosscheck("mean-aggregation-roundoff-trend");
    let k = &json["kpis"][0];
    assert!(k["series"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["value"] == 0.4));
    assert_eq!(k["trend"]["mk_s"], 0.0);
    assert_eq!(k["trend"]["mk_p"], 1.0);
    assert!(k["trend"]["r2"].is_null());
    assert!(k["health"]["flags"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("flatline")));
}

#[test]
fn erp_periods_and_serials_that_lost_their_format_are_dates() {
    // 202401 is an ERP period (January 2024); 45292 an Excel serial written as text.
    let csv = "Period,KPI,Value\n202401,A,1\n202402,A,2\n";
    let (json, _, _) = Run::new().file("p.csv", csv).report_json(&["p.csv"], &[]);
    assert_eq!(
        values(&json, "A"),
        v(&[("2024-01-01", 1.0), ("2024-02-01", 2.0)])
    );
    assert_eq!(kpi(&json, "A")["grain"], "month");
    let csv = "Date,KPI,Value\n45292,B,1\n45323,B,2\n";
    let (json, _, _) = Run::new().file("s.csv", csv).report_json(&["s.csv"], &[]);
    assert_eq!(
        values(&json, "B"),
        v(&[("2024-01-01", 1.0), ("2024-02-01", 2.0)])
    );
}

#[test]
fn tab_separated_exports_with_decimal_commas() {
    // Excel "Unicode Text" from a comma-decimal locale: UTF-16 with BOM, tabs.
    let text = "Date\tKPI\tValue\n2024-01-01\tChurn\t1,5\n2024-02-01\tChurn\t1.201,75\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let (json, _, _) = Run::new().file("u.txt", bytes).report_json(&["u.txt"], &[]);
    assert_eq!(
        values(&json, "Churn"),
        v(&[("2024-01-01", 1.5), ("2024-02-01", 1201.75)])
    );
}

#[test]
fn nan_text_is_missing_and_counted() {
    let csv = "Date,KPI,Value\n2024-01-01,A,1\n2024-02-01,A,NaN\n2024-03-01,A,3\n";
    let (json, _, _) = Run::new().file("n.csv", csv).report_json(&["n.csv"], &[]);
    assert_eq!(
        values(&json, "A"),
        v(&[("2024-01-01", 1.0), ("2024-03-01", 3.0)])
    );
    let f = finding(&json, "excel_error_cell");
    assert!(
        f["message"].as_str().unwrap().contains("NaN at C3"),
        "{}",
        f["message"]
    );
}
