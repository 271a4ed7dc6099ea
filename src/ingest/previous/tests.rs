use super::*;

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn a_missing_file_is_exit_4_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nope.json");
    let e = read(&p).unwrap_err();
    assert_eq!(e.exit_code(), 4);
    assert_eq!(
        e.to_string(),
        format!(
            "could not read {}: no such file; give --previous the JSON file an earlier `kpilens report --json` wrote, or leave --previous out for the first report",
            p.display()
        )
    );
}

#[test]
fn text_that_is_not_json_is_exit_3_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "r.json", "Date,KPI\n");
    let e = read(&p).unwrap_err();
    assert_eq!(e.exit_code(), 3);
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!(
            "{} is not a kpilens results file: it is not JSON (",
            p.display()
        )),
        "{msg}"
    );
}

#[test]
fn json_of_another_tool_is_exit_3_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for text in [
        r#"{"tool": {"name": "other"}, "kpis": []}"#,
        r#"{"kpis": []}"#,
        r#"[{"tool": {"name": "kpilens"}}]"#,
    ] {
        let p = write(&dir, "r.json", text);
        let e = read(&p).unwrap_err();
        assert_eq!(e.exit_code(), 3, "{text}");
        assert_eq!(
            e.to_string(),
            format!(
                "{} is not a kpilens results file: it has no \"tool\": {{\"name\": \"kpilens\"}}; give --previous the JSON file an earlier `kpilens report --json` wrote",
                p.display()
            )
        );
    }
}

#[test]
fn every_field_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "r.json",
        r#"{"tool": {"name": "kpilens", "version": "0.0.9"}, "as_of": "2026-09-30", "rules": "nhs",
            "kpis": [{"name": "Revenue", "direction": "higher", "grain": "month",
                      "first_period": "2025-01-01",
                      "latest": {"period": "2026-09-01", "status": "green"},
                      "spc": {"variation": "common_cause", "assurance": "pass",
                              "signals": [{"rule": "run", "period": "2026-08-01", "side": "high"}]},
                      "health": {"action": "keep"}, "targets": {"realism": "achievable"},
                      "series": [{"period": "2026-08-01", "value": 5.5, "target": null,
                                  "target_min": 1, "target_max": 2}]}],
            "correlations": [{"leading": "A", "lagging": "B", "significant": true, "best_lag": 2},
                             {"leading": "A", "lagging": "C", "significant": false, "best_lag": null}]}"#,
    );
    let r = read(&p).unwrap();
    assert_eq!(r.path, p.display().to_string());
    assert_eq!(r.version.as_deref(), Some("0.0.9"));
    assert_eq!(r.as_of, Some(d(2026, 9, 30)));
    assert_eq!(r.rules.as_deref(), Some("nhs"));
    let k = &r.kpis[0];
    assert_eq!(k.name, "Revenue");
    assert_eq!(k.grain.as_deref(), Some("month"));
    assert_eq!(k.first_period, Some(d(2025, 1, 1)));
    assert_eq!(k.period, Some(d(2026, 9, 1)));
    assert_eq!(k.status.as_deref(), Some("green"));
    assert_eq!(k.variation.as_deref(), Some("common_cause"));
    assert_eq!(k.assurance.as_deref(), Some("pass"));
    assert_eq!(k.action.as_deref(), Some("keep"));
    assert_eq!(k.realism.as_deref(), Some("achievable"));
    assert_eq!(
        k.signals,
        Some(vec![PreviousSignal {
            rule: "run".into(),
            period: d(2026, 8, 1),
            side: "high".into()
        }])
    );
    assert_eq!(
        k.series,
        Some(vec![PreviousPoint {
            period: d(2026, 8, 1),
            value: Some(Some(5.5)),
            target: Some(None),
            target_min: Some(Some(1.0)),
            target_max: Some(Some(2.0)),
        }])
    );
    let pairs = r.correlations.unwrap();
    assert_eq!(pairs[0].significant, Some(true));
    assert_eq!(pairs[0].best_lag, Some(Some(2)));
    assert_eq!(pairs[1].best_lag, Some(None));
}

#[test]
fn an_older_file_is_read_for_the_fields_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "r.json",
        r#"{"tool": {"name": "kpilens"},
            "kpis": [{"name": "Revenue", "series": [{"period": "2026-08-01", "value": "oops"},
                                                     {"value": 3}]},
                     {"unit": "no name"}]}"#,
    );
    let r = read(&p).unwrap();
    assert_eq!(r.version, None);
    assert_eq!(r.as_of, None);
    assert_eq!(r.correlations, None);
    assert_eq!(r.kpis.len(), 1);
    let k = &r.kpis[0];
    assert_eq!(
        (k.period, k.status.as_deref(), k.signals.as_ref()),
        (None, None, None)
    );
    // A value of the wrong type is absent (not compared), not a missing value; a point
    // without a period is left out.
    assert_eq!(
        k.series,
        Some(vec![PreviousPoint {
            period: d(2026, 8, 1),
            value: None,
            target: None,
            target_min: None,
            target_max: None,
        }])
    );
}

#[test]
fn a_folder_or_device_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = read(dir.path()).expect_err("a folder");
    assert_eq!(err.exit_code(), 4);
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let err = read(std::path::Path::new("/dev/zero")).expect_err("a device");
    assert_eq!(err.exit_code(), 4);
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.json");
    // A sparse file: its size is all that is looked at.
    std::fs::File::create(&p)
        .unwrap()
        .set_len(MAX_BYTES + 1)
        .unwrap();
    let e = read(&p).unwrap_err();
    assert_eq!(e.exit_code(), 4);
    assert_eq!(
        e.to_string(),
        format!(
            "could not read {}: 1537 MB is more than --previous reads (at most 1536 MB); compare reports of fewer KPIs or a shorter --window, or leave --previous out",
            p.display()
        )
    );
}

#[test]
fn the_file_is_read_a_kpi_at_a_time_as_a_json_tree_would_read_it() {
    let dir = tempfile::tempdir().unwrap();
    // `tool` after `kpis`; a `kpis` key given twice keeps the last (as a JSON tree
    // does); elements that are not objects are left out; `correlations` of another
    // type is absent; keys nobody reads are skipped whatever they hold.
    let p = write(
        &dir,
        "r.json",
        r#"{"kpis": [{"name": "Old"}], "extra": {"deep": [[1, {"x": null}]]},
            "kpis": [7, "x", null, [1], {"name": "Revenue", "series": {"not": "an array"}}],
            "correlations": {"leading": "A"}, "tool": {"name": "kpilens"}}"#,
    );
    let r = read(&p).unwrap();
    let names: Vec<&str> = r.kpis.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["Revenue"]);
    assert_eq!(r.kpis[0].series, None);
    assert_eq!(r.correlations, None);
    // `kpis` of another type is no KPIs, not a failure.
    for kpis in ["{}", "3", "\"x\"", "null", "true"] {
        let p = write(
            &dir,
            "r.json",
            &format!(r#"{{"tool": {{"name": "kpilens"}}, "kpis": {kpis}}}"#),
        );
        assert_eq!(read(&p).unwrap().kpis, [], "{kpis}");
    }
    // Anything after the object is not JSON, as before.
    let p = write(&dir, "r.json", r#"{"tool": {"name": "kpilens"}} x"#);
    let e = read(&p).unwrap_err();
    assert_eq!(e.exit_code(), 3);
    assert!(
        e.to_string()
            .contains("it is not JSON (trailing characters at line 1 column 31)"),
        "{e}"
    );
    // A top level that is not an object is not a results file.
    for text in ["3", "null", "\"kpilens\""] {
        let p = write(&dir, "r.json", text);
        assert!(
            read(&p)
                .unwrap_err()
                .to_string()
                .contains("it has no \"tool\""),
            "{text}"
        );
    }
}

#[test]
fn what_is_kept_past_its_limit_is_refused_after_reading_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let point = r#"{"period": "2026-08-01", "value": 1}"#;
    let kpi = |name: &str, n: usize| {
        format!(
            r#"{{"name": "{name}", "series": [{}]}}"#,
            vec![point; n].join(",")
        )
    };
    // Three KPIs with 3, 2 and 2 points, a signal and a lead-lag pair.
    let p = write(
        &dir,
        "r.json",
        &format!(
            r#"{{"tool": {{"name": "kpilens"}}, "kpis": [{}, {}, {}],
                "correlations": [{{"leading": "A", "lagging": "B"}}]}}"#,
            kpi("A", 3),
            kpi("B", 2),
            kpi("C", 2).replace(
                r#""series""#,
                r#""spc": {"signals": [{"rule": "run", "period": "2026-08-01", "side": "high"}]}, "series""#
            ),
        ),
    );
    let within = |kept| Limits {
        whole: READ_WHOLE,
        kept,
        piece: MAX_PIECE,
    };
    let r = read_within(&p, within(usize::MAX)).unwrap();
    let total: usize = r.kpis.iter().map(kpi_bytes).sum::<usize>()
        + r.correlations
            .iter()
            .flatten()
            .map(pair_bytes)
            .sum::<usize>();
    // The KPIs, their 7 points and the signal with its two texts, the pair with its names.
    assert_eq!(
        total,
        3 * std::mem::size_of::<PreviousKpi>()
            + 3
            + 7 * std::mem::size_of::<PreviousPoint>()
            + std::mem::size_of::<PreviousSignal>()
            + 7
            + std::mem::size_of::<PreviousPair>()
            + 2
    );
    assert_eq!(read_within(&p, within(total)).unwrap(), r);
    let e = read_within(&p, within(total - 1)).unwrap_err();
    assert_eq!(e.exit_code(), 3);
    assert_eq!(
        e.to_string(),
        format!(
            "what the comparison keeps of {} would take more than 1 MB; compare reports of fewer KPIs or a shorter --window, or leave --previous out",
            p.display()
        )
    );
}

#[test]
fn a_piece_larger_than_kpilens_writes_is_refused_before_it_becomes_a_tree() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "r.json",
        r#"{"tool": {"name": "kpilens"}, "kpis": [{"name": "A"}, {"name": "B", "unit": "a long text"}]}"#,
    );
    let limits = |piece| Limits {
        whole: READ_WHOLE,
        kept: MAX_KEPT,
        piece,
    };
    // `{"name": "A"}` is 13 bytes, B's object 36.
    assert_eq!(read_within(&p, limits(36)).unwrap().kpis.len(), 2);
    let e = read_within(&p, limits(35)).unwrap_err();
    assert_eq!(e.exit_code(), 3);
    assert_eq!(
        e.to_string(),
        format!(
            "{} is not a kpilens results file: one of its values takes 1 MB, more than kpilens writes for a KPI (1 MB at most) at line 1 column 91; give --previous the JSON file an earlier `kpilens report --json` wrote",
            p.display()
        )
    );
}

/// A file read whole or as it is read gives the same run, and the same error.
#[test]
fn a_file_read_whole_or_streamed_reads_alike() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"tool": {"name": "kpilens", "version": "0.1.0"}, "as_of": "2026-08-31",
        "rules": "wheeler", "inputs": [{"path": "x.csv", "sheets": []}],
        "kpis": [
          {"name": "Revenue", "direction": "up", "grain": "month",
           "first_period": "2026-01-01", "trend": {"mk_p": 0.2, "n": 8},
           "latest": {"period": "2026-08-01", "status": "red", "value": 9.5},
           "spc": {"variation": "special", "assurance": null,
                   "signals": [{"rule": "outside", "period": "2026-08-01", "side": "low"}]},
           "health": {"action": "improve", "flags": []}, "targets": {"realism": "ok"},
           "series": [
             {"period": "2026-07-01", "value": 12.25, "target": 10, "target_min": null,
              "target_max": "x", "rules": [], "gap": 2.25},
             {"period": "2026-08-01", "value": null, "target": 10, "value": 9.5},
             {"period": "not a date", "value": 1},
             "not a point"
           ]},
          {"name": 7},
          {"name": "Calls", "series": {"not": "an array"}}
        ],
        "correlations": [{"leading": "Calls", "lagging": "Revenue", "significant": true,
                          "best_lag": 2}],
        "findings": []}"#;
    let p = write(&dir, "r.json", text);
    let bad = write(&dir, "bad.json", &text[..text.len() / 2]);
    let ways = [READ_WHOLE, 0].map(|whole| Limits {
        kept: MAX_KEPT,
        piece: MAX_PIECE,
        whole,
    });
    let [whole, streamed] = ways.map(|l| read_within(&p, l).unwrap());
    assert_eq!(whole.kpis.len(), 2);
    let points = whole.kpis[0].series.as_ref().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[1].value, Some(Some(9.5)));
    assert_eq!(points[0].target_max, None);
    assert_eq!(whole, streamed);
    let [a, b] = ways.map(|l| read_within(&bad, l).unwrap_err().to_string());
    assert_eq!(a, b);
    assert!(
        a.contains("is not a kpilens results file: it is not JSON (EOF"),
        "{a}"
    );
}

/// A KPI's piece read with its series straight into points gives what its JSON tree
/// gives, or the same error.
#[test]
fn a_kpi_read_with_its_series_as_points_reads_as_its_tree_does() {
    let cases = [
        r#"{"name": "A", "series": [{"period": "2026-01-01", "value": 1.5, "gap": [1, {"x": null}], "rules": ["outside"], "status": "red", "met": true, "target": 2, "target_min": null, "target_max": "x"}]}"#,
        r#"{"series": [{"period": "2026-01-01", "value": 1}], "name": "B", "series": [{"value": 2, "period": "2026-02-01", "value": null}]}"#,
        r#"{"name": "C", "series": [1, "x", null, true, [], [{"period": "2026-01-01"}], {"period": 7}, {"period": "2026-03-01", "target": {"a": 1}}]}"#,
        r#"{"name": "D", "series": {"period": "2026-01-01"}}"#,
        r#"{"name": "E", "series": null, "latest": {"period": "2026-03-01", "status": "green"}}"#,
        r#"{"name": "F", "spc": {"signals": [{"rule": "run", "period": "2026-08-01", "side": "high"}]}, "series": []}"#,
        r#"{"name": "G", "series": [{"period": "2026-01-01", "mr": 1e999}]}"#,
        r#"{"name": "H", "series": [{"period": "2026-01-01", "value": -0, "target": 18446744073709551615}]}"#,
        r#"{"name": 5, "series": [{"period": "2026-01-01"}]}"#,
        r#"["name", "I"]"#,
        r#""J""#,
        "null",
        r#"{"name": "K", "series": [{"period": "2026-01-01", "value": 1}, {"period": " 2026-02-01 "}]}"#,
    ];
    for text in cases {
        let raw: Box<RawValue> = serde_json::from_str(text).unwrap();
        let by_tree = tree::<serde_json::Error>(&raw, MAX_PIECE)
            .map(|v| kpi(&v))
            .map_err(|e| e.to_string());
        let by_points = kpi_piece(&raw, MAX_PIECE).map_err(|e| e.to_string());
        assert_eq!(by_points, by_tree, "{text}");
    }
    // The size limit, in the same words.
    let raw: Box<RawValue> = serde_json::from_str(cases[0]).unwrap();
    assert_eq!(
        kpi_piece(&raw, 10).unwrap_err().to_string(),
        tree::<serde_json::Error>(&raw, 10).unwrap_err().to_string()
    );
}
