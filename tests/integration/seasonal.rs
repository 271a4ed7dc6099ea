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

/// Row and column of the first cell holding `text` exactly.
fn find(range: &calamine::Range<calamine::Data>, text: &str) -> Option<(usize, usize)> {
    range.cells().find_map(|(r, c, v)| match v {
        calamine::Data::String(s) if s == text => Some((r, c)),
        _ => None,
    })
}

#[test]
fn the_workbook_shows_the_pattern_and_the_seasonal_limits() {
    use calamine::{open_workbook_auto, DataType, Reader};
    let all = expected();
    let case = &all["monthly"];
    let (json, o, _d) = Run::new()
        .fixture("seasonal/monthly/data.csv")
        .fixture("seasonal/monthly/kpis.toml")
        .report_json(
            &["seasonal/monthly/data.csv"],
            &["-c", "seasonal/monthly/kpis.toml", "--as-of", "2026-10-31"],
        );
    let mut wb = open_workbook_auto(o.dir.join("out.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Store revenue").unwrap();
    let (r, _) = find(&sheet, "Seasonality").expect("a Seasonality block");
    let sentence = sheet.get_value((r as u32 + 1, 0)).unwrap().to_string();
    assert!(
        sentence.starts_with("Store revenue runs ")
            && sentence.contains(" above its trend in Dec and ")
            && sentence.contains("; judged against its season"),
        "{sentence}"
    );
    // The indices row, Jan…Dec, equals the JSON's.
    let want = &case["kpis"]["Store revenue"]["seasonality"]["indices"];
    for s in 0..12u32 {
        let label = sheet.get_value((r as u32 + 2, s + 1)).unwrap().to_string();
        assert_eq!(label, want[s as usize]["label"].as_str().unwrap());
        let got = sheet
            .get_value((r as u32 + 3, s + 1))
            .unwrap()
            .as_f64()
            .unwrap();
        let w = want[s as usize]["index"].as_f64().unwrap();
        assert!(
            (got - w).abs() <= 1e-9 * w.abs().max(1.0),
            "{label}: {got} vs {w}"
        );
    }
    // The table's seasonal limits are the JSON series', period by period.
    let (hr, hc) = find(&sheet, "Seasonal UNPL").expect("a Seasonal UNPL column");
    let series = kpi(&json, "Store revenue")["series"]
        .as_array()
        .unwrap()
        .clone();
    for (i, p) in series.iter().enumerate() {
        let cell = sheet.get_value((hr as u32 + 1 + i as u32, hc as u32));
        match p["seasonal_unpl"].as_f64() {
            Some(w) => assert!((cell.unwrap().as_f64().unwrap() - w).abs() < 1e-9 * w.abs()),
            None => assert!(cell.is_none_or(calamine::DataType::is_empty)),
        }
    }
    // Gift cards is seasonal but not adjusted: the block tells how to adjust, and the
    // table has no seasonal columns.
    let gifts = wb.worksheet_range("Gift cards").unwrap();
    let (g, _) = find(&gifts, "Seasonality").expect("a Seasonality block");
    let text = gifts.get_value((g as u32 + 1, 0)).unwrap().to_string();
    assert!(
        text.ends_with("set seasonal = true in the config to judge it against its season."),
        "{text}"
    );
    assert!(find(&gifts, "Seasonal UNPL").is_none());
    // Summary marks both.
    let summary = wb.worksheet_range("Summary").unwrap();
    let (_, sc) = find(&summary, "Seasonality").expect("a Seasonality column");
    let (sr, _) = find(&summary, "Store revenue").unwrap();
    assert_eq!(
        summary
            .get_value((sr as u32, sc as u32))
            .unwrap()
            .to_string(),
        "adjusted (Dec peak)"
    );
    let (gr, _) = find(&summary, "Gift cards").unwrap();
    assert_eq!(
        summary
            .get_value((gr as u32, sc as u32))
            .unwrap()
            .to_string(),
        "pattern (Dec peak), not adjusted"
    );
}

#[test]
fn init_suggests_seasonal_for_a_significant_pattern() {
    let (o, _d) = Run::new()
        .fixture("seasonal/monthly/data.csv")
        .args(["init", "seasonal/monthly/data.csv", "-o", "k.toml"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(o.dir.join("k.toml")).unwrap();
    assert!(text.contains("seasonal = false"), "{text}");
    let block = text
        .split("[[kpi]]")
        .find(|b| b.contains("name = \"Gift cards\""))
        .unwrap();
    assert!(
        block.contains(
            "# seasonal = true      # values follow a seasonal pattern: highest in Dec, lowest in "
        ),
        "{block}"
    );
    // A KPI without a pattern gets no such line.
    let (o, _d) = Run::new()
        .fixture("seasonal/auto_flat/data.csv")
        .args(["init", "seasonal/auto_flat/data.csv", "-o", "k.toml"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(o.dir.join("k.toml")).unwrap();
    assert!(!text.contains("# seasonal = true"), "{text}");
}

#[test]
fn a_bad_seasonal_value_is_a_config_error_naming_key_and_line() {
    let (o, _d) = Run::new()
        .fixture("seasonal/monthly/data.csv")
        .file(
            "k.toml",
            "[[kpi]]\nname = \"Store revenue\"\nseasonal = \"yes\"\n",
        )
        .args(["report", "seasonal/monthly/data.csv", "-c", "k.toml", "-q"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("line 3")
            && o.stderr
                .contains("seasonal = \"yes\" is not one of true, false, \"auto\""),
        "{}",
        o.stderr
    );
}
