//! Seasonality (docs/methods.md §10) against the numbers scripts/seasonal_fixtures.py
//! computed independently (scipy's Kruskal–Wallis, pymannkendall's seasonal test and
//! Sen slope, statsmodels' OLS, numpy's means and quantiles), one run per case of
//! tests/fixtures/seasonal/expected.json.
use serde_json::Value;

use crate::support::{kpi, Run};

fn expected() -> Value {
    serde_json::from_str(include_str!("../fixtures/seasonal/expected.json")).expect("expected.json")
}

/// Every field of `want` present in `got`, numbers to 1e-9 relative; `signals` as a
/// set; `series` entries matched by period, only the keys `want` gives.
fn compare(what: &str, got: &Value, want: &Value) {
    match want {
        Value::Object(w) => {
            for (key, wv) in w {
                let here = format!("{what}.{key}");
                match key.as_str() {
                    "signals" => compare_set(&here, &got[key], wv),
                    "series" => compare_series(&here, &got[key], wv),
                    _ => {
                        assert!(
                            got.get(key).is_some(),
                            "{here}: missing in kpilens' JSON {got}"
                        );
                        compare(&here, &got[key], wv);
                    }
                }
            }
        }
        Value::Array(w) => {
            let g = got
                .as_array()
                .unwrap_or_else(|| panic!("{what}: not an array: {got}"));
            assert_eq!(g.len(), w.len(), "{what}: length ({got} vs {want})");
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                compare(&format!("{what}[{i}]"), gv, wv);
            }
        }
        Value::Number(n) => {
            let (g, w) = (got.as_f64(), n.as_f64());
            match (g, w) {
                (Some(g), Some(w)) => assert!(
                    (g - w).abs() <= 1e-9 * w.abs().max(1.0),
                    "{what}: kpilens {g}, expected {w}"
                ),
                _ => panic!("{what}: kpilens {got}, expected {want}"),
            }
        }
        _ => assert_eq!(got, want, "{what}"),
    }
}

fn compare_set(what: &str, got: &Value, want: &Value) {
    let key = |v: &Value| format!("{}|{}|{}", v["rule"], v["period"], v["side"]);
    let mut g: Vec<String> = got.as_array().expect("signals").iter().map(key).collect();
    let mut w: Vec<String> = want.as_array().expect("signals").iter().map(key).collect();
    g.sort();
    w.sort();
    assert_eq!(g, w, "{what}");
}

fn compare_series(what: &str, got: &Value, want: &Value) {
    let g = got.as_array().expect("series");
    for wv in want.as_array().expect("series") {
        let period = &wv["period"];
        let gv = g
            .iter()
            .find(|p| p["period"] == *period)
            .unwrap_or_else(|| panic!("{what}: no period {period}"));
        compare(&format!("{what}[{period}]"), gv, wv);
    }
}

/// The two seasonality codes a KPI got, with their severities.
fn season_findings(json: &Value, name: &str) -> Value {
    let mut out = serde_json::Map::new();
    for f in json["findings"].as_array().expect("findings") {
        let code = f["code"].as_str().unwrap_or("");
        if f["kpi"] == name && matches!(code, "too_few_points_for_seasonality" | "seasonal_pattern")
        {
            assert!(
                out.insert(code.to_string(), f["severity"].clone())
                    .is_none(),
                "{name}: {code} twice"
            );
        }
    }
    Value::Object(out)
}

fn run_case(case: &str) {
    let all = expected();
    let c = &all[case];
    let csv = c["csv"].as_str().expect("csv");
    let config = c["config"].as_str().expect("config");
    let mut extra = vec!["-c", config];
    extra.extend(
        c["args"]
            .as_array()
            .expect("args")
            .iter()
            .map(|a| a.as_str().expect("arg")),
    );
    let (json, _, _) = Run::new()
        .fixture(csv)
        .fixture(config)
        .report_json(&[csv], &extra);
    for (name, want) in c["kpis"].as_object().expect("kpis") {
        let got = kpi(&json, name);
        let want = want.as_object().expect("kpi");
        for (block, w) in want {
            let what = format!("{case}/{name}: {block}");
            if block == "findings" {
                assert_eq!(season_findings(&json, name), *w, "{what}");
            } else {
                compare(&what, &got[block.as_str()], w);
            }
        }
    }
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => { $( #[test] fn $name() { run_case(stringify!($name)); } )* };
}

cases!(
    auto_flat,
    bounds,
    daily,
    few_cycles,
    gaps,
    monthly,
    one_obs_season,
    quarterly_fy2,
    quarterly_fy7,
    rebase,
    ties,
    window12,
);

#[test]
fn every_case_is_tested() {
    let all = expected();
    assert_eq!(all.as_object().expect("cases").len(), 12);
}
