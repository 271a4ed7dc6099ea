use super::*;
use crate::report::tests::sample;

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    k.sort_unstable();
    k
}

fn sorted(mut names: Vec<&str>) -> Vec<&str> {
    names.sort_unstable();
    names
}

#[test]
#[allow(clippy::too_many_lines)] // the interface's field lists, written out
fn field_names_are_the_interface_names() {
    let j = to_json(&sample());
    let top = [
        "tool",
        "as_of",
        "rules",
        "inputs",
        "kpis",
        "correlations",
        "findings",
    ];
    assert_eq!(keys(&j), sorted(top.to_vec()));
    assert_eq!(keys(&j["tool"]), ["name", "version"]);
    assert_eq!(keys(&j["inputs"][0]), ["path", "sheets"]);
    let kpi = [
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
        "trend",
        "spc",
        "attainment",
        "forecast",
        "targets",
        "health",
        "seasonality",
        "series",
    ];
    assert_eq!(keys(&j["kpis"][0]), sorted(kpi.to_vec()));
    let trend = [
        "window_start",
        "n",
        "ols_slope",
        "ols_intercept",
        "r2",
        "ols_p",
        "sen_slope",
        "sen_intercept",
        "mk_s",
        "mk_var_s",
        "mk_z",
        "mk_p",
        "mk_tau",
        "direction",
        "assessment",
    ];
    assert_eq!(keys(&j["kpis"][0]["trend"]), sorted(trend.to_vec()));
    let spc = [
        "segments",
        "signals",
        "variation",
        "assurance",
        "suggested_rebase",
    ];
    assert_eq!(keys(&j["kpis"][0]["spc"]), sorted(spc.to_vec()));
    let latest = [
        "period",
        "value",
        "target",
        "target_min",
        "target_max",
        "gap",
        "gap_pct",
        "attainment",
        "met",
        "status",
    ];
    assert_eq!(keys(&j["kpis"][1]["latest"]), sorted(latest.to_vec()));
    let point = [
        "period",
        "value",
        "target",
        "target_min",
        "target_max",
        "gap",
        "met",
        "status",
        "mr",
        "rules",
    ];
    assert_eq!(keys(&j["kpis"][0]["series"][0]), sorted(point.to_vec()));
    let finding = [
        "severity", "code", "kpi", "file", "sheet", "row", "column", "message",
    ];
    assert_eq!(keys(&j["findings"][0]), sorted(finding.to_vec()));
}

#[test]
fn values_defaults_and_nulls() {
    let j = to_json(&sample());
    assert_eq!(j["tool"]["name"], "kpilens");
    assert_eq!(j["tool"]["version"], crate::VERSION);
    assert_eq!(j["as_of"], "2024-03-01");
    assert_eq!(j["rules"], "wheeler");
    assert_eq!(j["correlations"], json!([]));
    let tickets = &j["kpis"][0];
    assert_eq!(tickets["direction"], "higher");
    assert_eq!(tickets["aggregation"], "mean");
    assert_eq!(tickets["unit"], Value::Null);
    assert_eq!(tickets["series"][1]["value"], Value::Null);
    // NaN cannot be JSON: null.
    assert_eq!(tickets["series"][2]["value"], Value::Null);
    assert_eq!(tickets["series"][0]["period"], "2024-01-01");
    let pct = &j["kpis"][1];
    assert_eq!(pct["name"], "=SUM(A1)");
    assert_eq!(pct["latest"]["status"], "red");
    assert_eq!(pct["latest"]["value"], 0.33);
    assert_eq!(pct["n"], 3);
    assert_eq!(j["findings"][1]["severity"], "warning");
    assert_eq!(j["findings"][1]["column"], "C");
    assert_eq!(j["findings"][1]["row"], 4);
    assert_eq!(j["findings"][0]["row"], Value::Null);
}

#[test]
fn file_output_is_written_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("new").join("results.json");
    write_json(&sample(), Some(&path)).expect("written");
    let text = std::fs::read_to_string(&path).expect("read");
    let back: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(back, to_json(&sample()));
    let err = write_json(&sample(), Some(dir.path())).expect_err("a folder");
    assert_eq!(err.exit_code(), 5);
}

#[test]
fn seasonality_block_and_adjusted_series_fields() {
    use crate::analysis::seasonality::{Seasonality, Seasons};
    use crate::analysis::SeasonalLimits;
    use crate::model::period::{Calendar, Grain};
    let mut r = sample();
    let seasons = Seasons::of(Grain::Quarter, Calendar::default()).expect("quarters");
    let k = &mut r.kpis[0];
    k.seasonality = Some(Seasonality {
        seasons,
        n: 12,
        kw_h: Some(9.5),
        kw_p: Some(0.02),
        seasonal: Some(false),
        amplitude: Some(4.0),
        indices: Some(vec![2.0, -2.0, 1.0, -1.0]),
        adjusted: true,
    });
    k.series[0].seasonal = Some(SeasonalLimits {
        index: 2.0,
        cl: Some(12.0),
        unpl: Some(15.0),
        lnpl: None,
    });
    let j = to_json(&r);
    let s = &j["kpis"][0]["seasonality"];
    assert_eq!(
        keys(s),
        sorted(vec![
            "length",
            "n",
            "kw_h",
            "kw_p",
            "seasonal",
            "amplitude",
            "indices",
            "adjusted"
        ])
    );
    assert_eq!(s["length"], 4);
    assert_eq!(
        s["indices"][1],
        serde_json::json!({"season": 2, "label": "Q2", "index": -2.0})
    );
    let p = &j["kpis"][0]["series"][0];
    assert_eq!(p["season_index"], 2.0);
    assert_eq!(p["seasonal_cl"], 12.0);
    assert_eq!(p["seasonal_unpl"], 15.0);
    assert_eq!(p["seasonal_lnpl"], Value::Null);
    // Not adjusted: the series carries none of the four fields.
    assert!(j["kpis"][1]["series"][0].get("season_index").is_none());
    assert_eq!(j["kpis"][1]["seasonality"], Value::Null);
    // The printed points (not built as maps) list the four in their sorted places.
    let text = json_text(&r).unwrap();
    assert_eq!(text, serde_json::to_string_pretty(&j).unwrap() + "\n");
    // In the first point, each after the one before it.
    let mut from = text.find("\"series\"").expect("series");
    for key in [
        "rules",
        "season_index",
        "seasonal_cl",
        "seasonal_lnpl",
        "seasonal_unpl",
        "status",
    ] {
        let at = text[from..].find(&format!("\"{key}\"")).expect(key);
        assert!(
            !text[from..from + at].contains('}'),
            "{key} is not next in the point"
        );
        from += at;
    }
}

#[test]
#[allow(clippy::too_many_lines)] // the interface's field lists and a full entry, written out
fn changes_appear_only_with_previous_under_the_interface_names() {
    use crate::analysis::changes::{
        Changes, KpiChange, PairChange, PreviousInfo, Restatement, Retargeting, SignalKey,
        StatusChange, TargetValue,
    };
    use crate::testkit::ym;
    let mut r = sample();
    assert!(to_json(&r).get("changes").is_none());
    let k = KpiChange {
        name: "Tickets".into(),
        kpi: 0,
        previous_period: Some(ym(2024, 2)),
        period: Some(ym(2024, 3)),
        previous_status: Some("green".into()),
        status: Some(crate::analysis::Status::Red),
        status_change: Some(StatusChange::Worse),
        previous_variation: None,
        variation: None,
        previous_assurance: Some("pass".into()),
        assurance: None,
        previous_action: Some("keep".into()),
        action: crate::analysis::health::Action::Improve,
        previous_realism: None,
        realism: crate::analysis::targets::Realism::Unknown,
        new_signals: vec![SignalKey {
            rule: "outside".into(),
            period: ym(2024, 3),
            side: "low".into(),
        }],
        cleared_signals: vec![],
        restated: vec![Restatement {
            period: ym(2024, 1),
            previous: Some(1.5),
            current: None,
        }],
        retargeted: vec![
            Retargeting {
                period: ym(2024, 1),
                previous: TargetValue::Band(Some(30.0), Some(45.0)),
                current: TargetValue::Band(Some(30.0), None),
            },
            Retargeting {
                period: ym(2024, 2),
                previous: TargetValue::Single(None),
                current: TargetValue::Single(Some(2.0)),
            },
        ],
        new_periods: vec![ym(2024, 3)],
    };
    r.changes = Some(Changes {
        previous: PreviousInfo {
            path: "p.json".into(),
            as_of: Some(ym(2024, 2)),
            version: None,
        },
        settings_differ: vec![],
        new_kpis: vec!["New".into()],
        dropped_kpis: vec![],
        kpis: vec![k],
        correlations: vec![PairChange {
            leading: "A".into(),
            lagging: "B".into(),
            previous_significant: Some(false),
            significant: true,
            previous_best_lag: None,
            best_lag: Some(2),
            significance_changed: true,
            lag_changed: true,
        }],
    });
    let j = to_json(&r);
    let c = &j["changes"];
    let top = [
        "previous",
        "settings_differ",
        "new_kpis",
        "dropped_kpis",
        "kpis",
        "correlations",
    ];
    assert_eq!(keys(c), sorted(top.to_vec()));
    assert_eq!(
        c["previous"],
        json!({"path": "p.json", "as_of": "2024-02-01", "version": null})
    );
    let kpi = [
        "name",
        "previous_period",
        "period",
        "previous_status",
        "status",
        "status_change",
        "previous_variation",
        "variation",
        "previous_assurance",
        "assurance",
        "previous_action",
        "action",
        "previous_realism",
        "realism",
        "new_signals",
        "cleared_signals",
        "restated",
        "retargeted",
        "new_periods",
    ];
    let k = &c["kpis"][0];
    assert_eq!(keys(k), sorted(kpi.to_vec()));
    assert_eq!(k["status_change"], "worse");
    assert_eq!(k["status"], "red");
    assert_eq!(k["action"], "improve");
    assert_eq!(k["realism"], "unknown");
    assert_eq!(k["variation"], Value::Null);
    assert_eq!(
        k["new_signals"],
        json!([{"rule": "outside", "period": "2024-03-01", "side": "low"}])
    );
    assert_eq!(
        k["restated"],
        json!([{"period": "2024-01-01", "previous": 1.5, "current": null}])
    );
    assert_eq!(
        k["retargeted"],
        json!([
            {"period": "2024-01-01", "previous": [30.0, 45.0], "current": [30.0, null]},
            {"period": "2024-02-01", "previous": null, "current": 2.0},
        ])
    );
    assert_eq!(k["new_periods"], json!(["2024-03-01"]));
    assert_eq!(
        c["correlations"],
        json!([{"leading": "A", "lagging": "B", "previous_significant": false,
                "significant": true, "previous_best_lag": null, "best_lag": 2}])
    );
}

#[test]
fn the_text_is_the_pretty_printed_object() {
    // With KPIs, without, and with the changes block after them.
    let mut r = sample();
    let whole = |r: &Results| serde_json::to_string_pretty(&to_json(r)).unwrap() + "\n";
    assert_eq!(json_text(&r).unwrap(), whole(&r));
    r.kpis.truncate(1);
    assert_eq!(json_text(&r).unwrap(), whole(&r));
    r.kpis.clear();
    assert_eq!(json_text(&r).unwrap(), whole(&r));
}

#[test]
fn the_text_is_the_same_across_the_batches_kpis_are_printed_in() {
    // One KPI past a batch, and one past two, so the separators between batches show.
    let one = sample().kpis.remove(0);
    for n in [KPIS_AT_ONCE + 1, 2 * KPIS_AT_ONCE + 1] {
        let mut r = sample();
        r.kpis = (0..n)
            .map(|i| {
                let mut k = one.clone();
                k.def.name = format!("KPI {i}");
                k
            })
            .collect();
        let text = json_text(&r).unwrap();
        assert_eq!(
            text,
            serde_json::to_string_pretty(&to_json(&r)).unwrap() + "\n"
        );
        assert_eq!(text.matches("\"name\": \"KPI ").count(), n);
    }
}

#[test]
fn a_points_period_is_printed_as_the_other_dates_are() {
    for (y, m, d) in [
        (2024, 1, 1),
        (1, 12, 31),
        (0, 1, 1),
        (-1, 1, 1),
        (9999, 12, 31),
        (10000, 12, 31),
    ] {
        let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            serde_json::to_value(Iso(day)).unwrap(),
            date(Some(day)),
            "{day:?}"
        );
    }
}
