//! Exit codes and messages of interface.md: each names the file and says what to do.
use std::fmt::Write as _;

use std::process::Command;

use crate::support::Run;

const GOOD: &str = "Date,KPI,Value\n2024-01-01,A,1\n2024-02-01,A,2\n";

#[test]
fn missing_input_is_exit_4() {
    let (o, _d) = Run::new().args(["report", "nope.csv"]).run();
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert_eq!(
        o.stderr.trim(),
        "kpilens: error: could not read nope.csv: no such file or folder — check the path"
    );
}

#[test]
fn unsupported_bytes_are_exit_4() {
    let (o, _d) = Run::new()
        .file("x.xlsx", [0u8, 1, 2, 3, 0, 0, 7, 8, 0, 0])
        .args(["report", "x.xlsx"])
        .run();
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(
        o.stderr.contains("x.xlsx") && o.stderr.contains("not a supported format"),
        "{}",
        o.stderr
    );
}

#[test]
fn truncated_xlsx_is_exit_4() {
    let (o, _d) = Run::new()
        .file("t.xlsx", b"PK\x03\x04\x14\x00\x00\x00broken")
        .args(["report", "t.xlsx"])
        .run();
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(
        o.stderr.contains("t.xlsx") && o.stderr.contains("damaged or truncated"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_bad_file_beside_a_good_one_becomes_a_finding() {
    let (o, _d) = Run::new()
        .file("good.csv", GOOD)
        .file("bad.xlsx", b"PK\x03\x04junk")
        .args(["report", "good.csv", "bad.xlsx", "--json", "r.json", "-q"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(o.dir.join("r.json")).unwrap()).unwrap();
    let f = crate::support::finding(&json, "unreadable_file");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "bad.xlsx");
}

#[test]
fn ambiguous_day_month_is_exit_3() {
    let (o, _d) = Run::new()
        .file(
            "amb.csv",
            "Date,KPI,Value\n01/02/2024,A,1\n03/04/2024,A,2\n",
        )
        .args(["report", "amb.csv"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("amb.csv")
            && o.stderr.contains("column A")
            && o.stderr.contains("'01/02/2024'")
            && o.stderr.contains("--date-format"),
        "{}",
        o.stderr
    );
    let (ok, _d) = Run::new()
        .file(
            "amb.csv",
            "Date,KPI,Value\n01/02/2024,A,1\n03/04/2024,A,2\n",
        )
        .args(["report", "amb.csv", "--date-format", "%d/%m/%Y", "-q"])
        .run();
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    // The hint uses the column's own separator and year width.
    let (o, _d) = Run::new()
        .file("amb.csv", "Date,KPI,Value\n01-02-24,A,1\n03-04-24,A,2\n")
        .args(["report", "amb.csv"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("--date-format '%d-%m-%y' or --date-format '%m-%d-%y'"),
        "{}",
        o.stderr
    );
}

#[test]
fn dotted_dates_are_day_first() {
    // 01.02.2024 is 1 February wherever dots separate the fields.
    let (json, _, _) = Run::new()
        .file(
            "de.csv",
            "Datum;Kennzahl;Wert\n01.02.2024;A;1\n01.03.2024;A;2\n",
        )
        .report_json(&["de.csv"], &[]);
    let periods: Vec<&str> = json["kpis"][0]["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2024-02-01", "2024-03-01"]);
}

#[test]
fn empty_and_header_only_are_exit_3() {
    for (name, body) in [("empty.csv", ""), ("header.csv", "Date,KPI,Value\n")] {
        let (o, _d) = Run::new().file(name, body).args(["report", name]).run();
        assert_eq!(o.code, 3, "{name}: {}", o.stderr);
        assert!(o.stderr.contains("nothing usable"), "{}", o.stderr);
    }
}

#[test]
fn output_over_an_input_or_foreign_file_is_exit_5() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "-o", "./a.csv"])
        .run();
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(o.stderr.contains("one of the inputs"), "{}", o.stderr);
    assert_eq!(std::fs::read_to_string(o.dir.join("a.csv")).unwrap(), GOOD);

    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .file("old.xlsx", "precious")
        .args(["report", "a.csv", "-o", "old.xlsx"])
        .run();
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(o.stderr.contains("--force"), "{}", o.stderr);
    assert_eq!(
        std::fs::read_to_string(o.dir.join("old.xlsx")).unwrap(),
        "precious"
    );
}

#[test]
fn own_output_is_replaced_and_bytes_are_identical() {
    let run = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "-o", "out/r.xlsx", "-q"]);
    let dir = run.dir.path().to_path_buf();
    let (o, keep) = run.run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let first = std::fs::read(dir.join("out/r.xlsx")).unwrap();
    let (o2, _k2) = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "-o", "out/r.xlsx", "-q"])
        .run();
    assert_eq!(o2.code, 0, "{}", o2.stderr);
    let other = std::fs::read(o2.dir.join("out/r.xlsx")).unwrap();
    assert_eq!(first, other, "identical input must give identical bytes");
    // a second run over our own output needs no --force
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_kpilens"))
        .current_dir(&dir)
        .args(["report", "a.csv", "-o", "out/r.xlsx", "-q"])
        .status()
        .unwrap();
    assert_eq!(again.code(), Some(0));
    drop(keep);
}

#[test]
fn flag_values_out_of_range_are_exit_2() {
    for args in [
        vec!["--window", "0"],
        vec!["--window", "10001"],
        vec!["--fiscal-year-start", "13"],
        vec!["--as-of", "2024-02-30"],
    ] {
        let mut all = vec!["report", "a.csv"];
        all.extend(args.iter());
        let (o, _d) = Run::new().file("a.csv", GOOD).args(all).run();
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
    }
}

#[test]
fn a_window_out_of_range_names_the_range() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "--window", "10001"])
        .run();
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("--window must be between 1 and 10000 periods (27 years of days)"),
        "{}",
        o.stderr
    );
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .file("k.toml", "[report]\nwindow = 20000\n")
        .args(["report", "a.csv", "-c", "k.toml"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("k.toml")
            && o.stderr
                .contains("[report] window must be between 1 and 10000 periods"),
        "{}",
        o.stderr
    );
    // The longest window is allowed.
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "--window", "10000"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn a_config_saved_in_windows_1252_names_its_line() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .file("k.toml", b"[[kpi]]\nname = \"A\"\nunit = \"\x80\"\n")
        .args(["check", "a.csv", "-c", "k.toml"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("k.toml, line 3")
            && o.stderr
                .contains("byte 0x80 is not UTF-8 text; save the file as UTF-8"),
        "{}",
        o.stderr
    );
}

#[test]
fn config_errors_name_key_and_line() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .file("k.toml", "[[kpi]]\nname = \"A\"\ntragte = 5\n")
        .args(["report", "a.csv", "-c", "k.toml"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("k.toml, line 3") && o.stderr.contains("did you mean `target`?"),
        "{}",
        o.stderr
    );
    // Errors found after parsing name the line too.
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .file(
            "k.toml",
            "[[kpi]]\nname = \"A\"\ndirection = \"range\"\ntarget_min = 5\ntarget_max = 2\n",
        )
        .args(["report", "a.csv", "-c", "k.toml"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("k.toml, line 4")
            && o.stderr
                .contains("target_min (5) is greater than target_max (2)"),
        "{}",
        o.stderr
    );
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "-c", "missing.toml"])
        .run();
    assert_eq!(o.code, 4, "{}", o.stderr);
}

#[test]
fn check_exits_3_on_error_findings() {
    let (o, _d) = Run::new()
        .file(
            "a.csv",
            "Date,KPI,Value\n2024-01-01,A,1\n2024-02-01,A,oops\n2024-03-01,A,3\n",
        )
        .args(["check", "a.csv"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stdout);
    assert!(
        o.stdout.contains("bad_value")
            && o.stdout.contains("'oops'")
            && o.stdout.contains("row 3, column C"),
        "{}",
        o.stdout
    );
}

#[test]
fn init_writes_a_config_that_loads() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["init", "a.csv", "-o", "k.toml"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(o.dir.join("k.toml")).unwrap();
    assert!(text.contains("name = \"A\""), "{text}");
    let (o2, _d2) = Run::new()
        .file("a.csv", GOOD)
        .file("k.toml", text)
        .args(["report", "a.csv", "-c", "k.toml", "-q"])
        .run();
    assert_eq!(o2.code, 0, "{}", o2.stderr);
}

#[test]
fn the_terminal_summary_counts_kpis_and_lists_every_output() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args([
            "report",
            "a.csv",
            "-o",
            "r.xlsx",
            "--json",
            "r.json",
            "--summary",
            "body.md",
        ])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    for line in [
        "1 KPI: 0 green, 0 amber, 0 red, 1 no target; ",
        "wrote r.xlsx\n",
        "wrote r.json\n",
        "wrote body.md\n",
    ] {
        assert!(o.stderr.contains(line), "missing {line:?} in {}", o.stderr);
    }
}

#[test]
fn every_output_is_guarded_like_the_workbook() {
    // A foreign file under --json is kept without --force…
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .file("notes.json", "{\"mine\": true}")
        .args(["report", "a.csv", "-q", "--json", "notes.json"])
        .run();
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(
        o.stderr.contains("notes.json") && o.stderr.contains("--force"),
        "{}",
        o.stderr
    );
    let kept = std::fs::read_to_string(o.dir.join("notes.json")).unwrap();
    assert_eq!(kept, "{\"mine\": true}");
    // …but last month's outputs are replaced by this month's run.
    let run = || {
        Run::new().file("a.csv", GOOD).args([
            "report",
            "a.csv",
            "-q",
            "--json",
            "r.json",
            "--summary",
            "s.md",
            "--suggest-targets",
            "t.toml",
        ])
    };
    let (first, dir) = run().run();
    assert_eq!(first.code, 0, "{}", first.stderr);
    let again = Command::new(env!("CARGO_BIN_EXE_kpilens"))
        .current_dir(dir.path())
        .args([
            "report",
            "a.csv",
            "-q",
            "--json",
            "r.json",
            "--summary",
            "s.md",
        ])
        .args(["--suggest-targets", "t.toml"])
        .status()
        .expect("run kpilens");
    assert_eq!(again.code(), Some(0));
    // Two outputs with one name, and the config as an output, are refused.
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args([
            "report",
            "a.csv",
            "-q",
            "-o",
            "same.xlsx",
            "--json",
            "same.xlsx",
        ])
        .run();
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(
        o.stderr.contains("-o and --json name the same file"),
        "{}",
        o.stderr
    );
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .file("k.toml", "[report]\nwindow = 12\n")
        .args(["report", "a.csv", "-c", "k.toml", "-o", "k.toml", "--force"])
        .run();
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(o.stderr.contains("it is one of the inputs"), "{}", o.stderr);
}

#[test]
fn check_json_to_stdout_is_only_json() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["check", "a.csv", "--json", "-"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let json: serde_json::Value = serde_json::from_str(&o.stdout).expect("stdout is JSON");
    assert_eq!(json["tool"]["name"], "kpilens");
    assert!(o.stderr.contains("Layouts:"), "{}", o.stderr);
}

#[test]
fn an_as_of_before_all_data_is_nothing_usable() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "--as-of", "1800-01-01"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("on or before the as-of date 1800-01-01 (the first is 2024-01-01)"),
        "{}",
        o.stderr
    );
}

#[test]
fn config_type_errors_name_the_key_in_plain_words() {
    for (config, expect) in [
        (
            "[report]\nwindow = \"24\"\n",
            "line 2: `window`: invalid type: string \"24\", expected a whole number",
        ),
        (
            "[[kpi]]\nname = \"A\"\nrole = \"banana\"\n",
            "line 3: [[kpi]] \"A\": role = \"banana\" is not one of leading, lagging",
        ),
    ] {
        let (o, _d) = Run::new()
            .file("a.csv", GOOD)
            .file("k.toml", config)
            .args(["report", "a.csv", "-c", "k.toml"])
            .run();
        assert_eq!(o.code, 3, "{}", o.stderr);
        assert!(o.stderr.contains(expect), "{}", o.stderr);
    }
}

#[test]
fn bad_date_format_missing_sheet_and_empty_file_are_explained() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["check", "a.csv", "--date-format", "%Q"])
        .run();
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("--date-format '%Q' is not a date format"),
        "{}",
        o.stderr
    );
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .file("empty.csv", "")
        .args(["check", "a.csv", "empty.csv"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(o.stdout.contains("empty_file"), "{}", o.stdout);
}

#[test]
fn a_large_results_file_of_an_earlier_run_is_replaced_without_force() {
    // Enough KPIs that the JSON passes 64 KiB; its "tool" object comes last.
    let mut csv = String::from("Date,KPI,Value\n");
    for k in 0..60 {
        for m in 1..=12 {
            let _ = writeln!(csv, "2024-{m:02}-01,K{k},{}", 10 + (k * m) % 7);
        }
    }
    let (o, dir) = Run::new()
        .file("d.csv", &csv)
        .args([
            "report", "d.csv", "--json", "r.json", "-o", "r.xlsx", "--quiet",
        ])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let size = std::fs::metadata(dir.path().join("r.json")).unwrap().len();
    assert!(size > 64 * 1024, "{size}");
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_kpilens"))
        .current_dir(dir.path())
        .args([
            "report", "d.csv", "--json", "r.json", "-o", "r.xlsx", "--quiet",
        ])
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn check_piped_into_a_reader_that_stops_early_is_quiet_and_keeps_its_exit_code() {
    // 3,000 KPIs with a bad value each: far more than a pipe's buffer of findings.
    let mut csv = String::from("Date,KPI,Value\n");
    for k in 0..3000 {
        writeln!(csv, "2024-01-01,KPI {k},1\n2024-02-01,KPI {k},x").unwrap();
    }
    let run = Run::new().file("a.csv", csv);
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpilens"))
        .current_dir(run.dir.path())
        .args(["check", "a.csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read the first line, as `| head -1` would, then stop reading.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 8];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    assert_eq!(&first, b"Layouts:");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
