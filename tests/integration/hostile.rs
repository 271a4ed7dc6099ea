//! Inputs and conditions that used to abort, end in "internal error" or lose
//! information: each now ends in a report with a finding (exit 0) or a clear error
//! naming the file (exit 3, 4 or 5), with nothing damaged.
use std::fmt::Write as _;

use calamine::{open_workbook_auto, Reader};

use crate::support::{codes, finding, findings_of, kpi, kpi_names, values, Run};

/// A monthly long CSV of `name` with `n` months of `value(i)` from Jan 2024.
fn monthly(name: &str, n: usize, value: impl Fn(usize) -> String) -> String {
    let mut s = String::from("Date,KPI,Value\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "{}-{:02}-01,{name},{}",
            2024 + i / 12,
            i % 12 + 1,
            value(i)
        );
    }
    s
}

#[test]
fn values_near_the_float_limit_are_bad_values_not_a_crash() {
    let huge = monthly("Big", 24, |i| {
        if i % 2 == 0 { "1.5e308" } else { "-1.5e308" }.into()
    });
    // Alone: nothing usable, naming the file and the first cell.
    let (o, _d) = Run::new()
        .file("big.csv", &huge)
        .args(["report", "big.csv"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("big.csv")
            && o.stderr.contains("1.5e308 is too large to analyse")
            && o.stderr.contains("row 2, column C"),
        "{}",
        o.stderr
    );
    // Beside a good KPI: a report, the cells named in error findings.
    let good = monthly("Good", 24, |i| format!("{}", 10 + i % 3));
    let (json, _, _) = Run::new()
        .file("in/big.csv", &huge)
        .file("in/good.csv", &good)
        .report_json(&["in"], &[]);
    assert_eq!(kpi(&json, "Good")["n"], 24);
    let bad: Vec<&serde_json::Value> = findings_of(&json, "bad_value")
        .into_iter()
        .filter(|f| f["kpi"] == "Big")
        .collect();
    assert_eq!(bad.len(), 24);
    assert_eq!(bad[0]["severity"], "error");
    // Large but sane values are kept.
    let (json, _, _) = Run::new()
        .file(
            "ok.csv",
            monthly("Wide", 12, |i| format!("{}e99", 1 + i % 2)),
        )
        .report_json(&["ok.csv"], &[]);
    assert_eq!(values(&json, "Wide").len(), 12);
}

/// Run `kpilens report …` with a file-size limit of `kib` KiB (SIGXFSZ ignored, so
/// writes past it fail with EFBIG as a full disk fails them with ENOSPC).
fn limited(run: Run, kib: u64, args: &str) -> (crate::support::Outcome, tempfile::TempDir) {
    let bin = env!("CARGO_BIN_EXE_kpilens");
    run.args([
        "-c".to_string(),
        format!("trap '' XFSZ; ulimit -f {kib}; exec {bin} {args}"),
    ])
    .program("bash")
    .run()
}

/// No `.kpilens-*` temporary file is left in `dir`.
fn no_temp_files_in(dir: &std::path::Path) {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".kpilens-"))
        .collect();
    assert!(left.is_empty(), "temp files left: {left:?}");
}

#[test]
fn a_full_disk_is_exit_5_and_the_previous_outputs_stay() {
    let data = monthly("Revenue", 36, |i| format!("{}", 100 + (i * 7) % 13));
    let cfg = "[email]\nfrom = \"a@example.com\"\nto = [\"b@example.com\"]\n";
    let args = "report data.csv -c kpis.toml -o out.xlsx --json out.json --eml out.eml --summary out.md --suggest-targets out.toml --quiet";
    // A first run writes every output; their sizes place the limits below.
    let (o, dir) = Run::new()
        .file("data.csv", &data)
        .file("kpis.toml", cfg)
        .args(args.split(' ').collect::<Vec<_>>())
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let size = |name: &str| std::fs::metadata(dir.path().join(name)).unwrap().len();
    let before: Vec<(String, Vec<u8>)> = ["out.xlsx", "out.json", "out.eml", "out.md", "out.toml"]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(dir.path().join(n)).unwrap()))
        .collect();
    let (xlsx, eml) = (size("out.xlsx"), size("out.eml"));
    assert!(eml > xlsx, "the message carries the workbook");
    let same = |o: &crate::support::Outcome, upto: usize| {
        for (name, bytes) in &before[..upto] {
            let now = std::fs::read(o.dir.join(name)).unwrap();
            assert!(&now == bytes, "{name} changed");
        }
        no_temp_files_in(&o.dir);
    };
    // The workbook cannot be written: exit 5 naming it, every old output intact.
    let run = Run::new().file("data.csv", &data).file("kpis.toml", cfg);
    let run = before
        .iter()
        .fold(run, |run, (name, bytes)| run.file(name, bytes));
    let (o, _d) = limited(run, xlsx / 1024 / 2, args);
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("could not write out.xlsx: the file-size limit was reached")
            && o.stderr.contains("the previous file, if any, is untouched"),
        "{}",
        o.stderr
    );
    same(&o, before.len());
    // The workbook fits but the message (workbook + base64) does not: exit 5 naming
    // the .eml; the workbook and JSON before it are the new ones, the .eml the old.
    let run = Run::new().file("data.csv", &data).file("kpis.toml", cfg);
    let run = before
        .iter()
        .fold(run, |run, (name, bytes)| run.file(name, bytes));
    let kib = (xlsx.max(size("out.json")) / 1024 + 2).min(eml / 1024 - 1);
    let (o, _d) = limited(run, kib, args);
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(
        o.stderr.contains("could not write out.eml: the file-size limit was reached; the previous file, if any, is untouched"),
        "{}",
        o.stderr
    );
    let old_eml = &before[2].1;
    assert!(&std::fs::read(o.dir.join("out.eml")).unwrap() == old_eml);
    same(&o, 0);
}

#[test]
fn when_the_workbook_fails_the_json_written_beside_it_is_not_put_in_place() {
    // The JSON is written while the workbook is saved; it must not replace the old
    // one unless the workbook made it too. Last month's outputs come from other data.
    let old = monthly("Revenue", 36, |i| format!("{}", 100 + (i * 7) % 13));
    let new = monthly("Revenue", 30, |i| format!("{}", 200 + (i * 5) % 11));
    let args = "report data.csv -o out.xlsx --json out.json --quiet";
    let outputs = |data: &str| {
        let (o, dir) = Run::new()
            .file("data.csv", data)
            .args(args.split(' ').collect::<Vec<_>>())
            .run();
        assert_eq!(o.code, 0, "{}", o.stderr);
        let read = |n: &str| std::fs::read(dir.path().join(n)).unwrap();
        (read("out.xlsx"), read("out.json"))
    };
    let (old_xlsx, old_json) = outputs(&old);
    let (new_xlsx, new_json) = outputs(&new);
    assert_ne!(old_json, new_json);
    // A file-size limit between this month's JSON and its workbook.
    let kib = new_json.len() as u64 / 1024 + 1;
    assert!(
        (kib * 1024) < new_xlsx.len() as u64,
        "the limit must stop the workbook only: {kib} KiB, workbook {} bytes",
        new_xlsx.len()
    );
    let run = Run::new()
        .file("data.csv", &new)
        .file("out.xlsx", &old_xlsx)
        .file("out.json", &old_json);
    let (o, _d) = limited(run, kib, args);
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("could not write out.xlsx: the file-size limit was reached"),
        "{}",
        o.stderr
    );
    assert!(std::fs::read(o.dir.join("out.json")).unwrap() == old_json);
    assert!(std::fs::read(o.dir.join("out.xlsx")).unwrap() == old_xlsx);
    no_temp_files_in(&o.dir);
}

#[test]
fn a_limit_reached_while_a_large_workbook_is_saved_is_said_in_words() {
    // 60 KPIs: a workbook of several hundred KiB, far more than is buffered before the
    // first write to its file, so the limit is met in the middle of the save.
    let mut data = String::from("Date,KPI,Value\n");
    for k in 0..60 {
        for i in 0..8 {
            let _ = writeln!(
                data,
                "2024-{:02}-01,K{k:02},{}",
                i + 1,
                10 + (k * 7 + i * 13) % 89
            );
        }
    }
    let args = "report d.csv -o d.xlsx --quiet";
    let (o, dir) = Run::new()
        .file("d.csv", &data)
        .args(args.split(' ').collect::<Vec<_>>())
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let old = std::fs::read(dir.path().join("d.xlsx")).unwrap();
    // Above every sheet's XML (the Data sheet streams through a temporary file of it)
    // and the 64 KiB write buffer, below the workbook.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&old)).unwrap();
    let largest_part = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().size())
        .max()
        .unwrap();
    let kib = largest_part.max(64 * 1024) / 1024 + 16;
    assert!(
        kib * 1024 < old.len() as u64,
        "{kib} KiB, workbook {}",
        old.len()
    );
    let run = Run::new().file("d.csv", &data).file("d.xlsx", &old);
    let (o, _d) = limited(run, kib, args);
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "could not write d.xlsx: the file-size limit was reached; the previous file, if any, is untouched"
        ),
        "{}",
        o.stderr
    );
    assert!(std::fs::read(o.dir.join("d.xlsx")).unwrap() == old);
}

#[test]
fn a_json_larger_than_the_limit_is_exit_5_naming_it() {
    // 40 KPIs: every ordered pair is tested for lead-lag, and the JSON carries all
    // 1,560 of them with their lags, which the workbook holds compressed.
    let mut data = String::from("Date,KPI,Value\n");
    for k in 0..40 {
        for i in 0..20 {
            let v = 10 + (k * 7 + i * 13 + k * i) % 89;
            let _ = writeln!(data, "{}-{:02}-01,K{k:02},{v}", 2024 + i / 12, i % 12 + 1);
        }
    }
    let args = "report d.csv -o d.xlsx --json d.json --max-charts 0 --quiet";
    let (o, dir) = Run::new()
        .file("d.csv", &data)
        .args(args.split(' ').collect::<Vec<_>>())
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let json = std::fs::metadata(dir.path().join("d.json")).unwrap().len();
    // The workbook is written whole, its Data sheet through a temporary file of the
    // sheet's uncompressed XML: both must fit under the limit.
    let path = dir.path().join("d.xlsx");
    let xlsx = std::fs::metadata(&path).unwrap().len();
    let data_sheet = open_workbook_auto(&path)
        .unwrap()
        .sheet_names()
        .iter()
        .position(|n| n == "Data")
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let data_xml = zip
        .by_name(&format!("xl/worksheets/sheet{}.xml", data_sheet + 1))
        .unwrap()
        .size();
    let largest = xlsx.max(data_xml);
    assert!(
        json > 2 * largest,
        "json {json} vs workbook {xlsx}, Data sheet {data_xml}"
    );
    let (o, _d) = limited(Run::new().file("d.csv", &data), json / 1024 / 2, args);
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("could not write d.json: the file-size limit was reached"),
        "{}",
        o.stderr
    );
    assert!(o.dir.join("d.xlsx").exists() && !o.dir.join("d.json").exists());
}

#[test]
fn an_absurd_max_lag_is_a_config_error_naming_key_and_line() {
    let lead = monthly("Leads", 36, |i| format!("{}", 50 + (i * 5) % 11));
    let lag = monthly("Sales", 36, |i| format!("{}", 80 + (i * 3) % 7));
    for (cfg, line, key) in [
        (
            "[[kpi]]\nname = \"Leads\"\nleads = [\"Sales\"]\nmax_lag = 1000000\n",
            4,
            "[[kpi]] \"Leads\": max_lag",
        ),
        ("[report]\nmax_lag = 5000\n", 2, "[report] max_lag"),
    ] {
        let (o, _d) = Run::new()
            .file("in/a.csv", &lead)
            .file("in/b.csv", &lag)
            .file("kpis.toml", cfg)
            .args(["report", "in", "-c", "kpis.toml"])
            .run();
        assert_eq!(o.code, 3, "{}", o.stderr);
        assert!(
            o.stderr
                .contains(&format!("kpis.toml, line {line}: {key} = "))
                && o.stderr
                    .contains("is more lags than kpilens tests (at most 1000)"),
            "{}",
            o.stderr
        );
        assert!(!o.dir.join("kpi-report.xlsx").exists());
    }
    // The largest allowed lag runs; lags without 8 pairs are listed with no r, and the
    // Lead-Lag grid has a column per lag.
    let cfg = "[[kpi]]\nname = \"Leads\"\nleads = [\"Sales\"]\nmax_lag = 1000\n";
    let (json, o, _d) = Run::new()
        .file("in/a.csv", &lead)
        .file("in/b.csv", &lag)
        .file("kpis.toml", cfg)
        .report_json(&["in"], &["-c", "kpis.toml"]);
    let by_lag = json["correlations"][0]["r_by_lag"].as_array().unwrap();
    assert_eq!(by_lag.len(), 1001);
    assert_eq!(by_lag[27]["n"], 8);
    assert!(by_lag[28]["r"].is_null());
    let mut wb = open_workbook_auto(o.dir.join("out.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Lead-Lag").unwrap();
    assert_eq!(sheet.width(), 13 + 1 + 1001);
}

#[test]
fn nothing_usable_names_the_file_and_what_was_found() {
    let (o, _d) = Run::new()
        .file("header.csv", "Date,KPI,Value\n")
        .args(["report", "header.csv"])
        .run();
    assert_eq!(o.code, 3);
    assert!(
        o.stderr.contains(
            "nothing usable: no KPI values were found: header.csv: a long table with its header at row 1 and no rows below it"
        ),
        "{}",
        o.stderr
    );
    let (o, _d) = Run::new()
        .file(
            "blank.csv",
            "Month,Revenue,Cost\n2024-01-01,,\n2024-02-01,,\n",
        )
        .args(["report", "blank.csv"])
        .run();
    assert_eq!(o.code, 3);
    assert!(
        o.stderr.contains(
            "blank.csv: a wide table with its header at row 1 with KPIs ('Revenue', 'Cost') but no value in any of its 2 row(s)"
        ),
        "{}",
        o.stderr
    );
    // Sheets are named too.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Export").unwrap();
    for (c, h) in ["Date", "KPI", "Value"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    let (o, _d) = Run::new()
        .file("book.xlsx", wb.save_to_buffer().unwrap())
        .args(["report", "book.xlsx"])
        .run();
    assert_eq!(o.code, 3);
    assert!(
        o.stderr.contains(
            "book.xlsx, sheet 'Export': a long table with its header at row 1 and no rows below it"
        ),
        "{}",
        o.stderr
    );
}

#[test]
fn a_header_only_file_in_a_folder_is_a_finding_naming_it() {
    let (json, _, _) = Run::new()
        .file("in/a.csv", monthly("A", 6, |i| i.to_string()))
        .file("in/empty-march.csv", "Date,KPI,Value\n")
        .report_json(&["in"], &[]);
    let f = finding(&json, "no_values");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["file"], "in/empty-march.csv");
    assert_eq!(
        f["message"],
        "in/empty-march.csv: a long table with its header at row 1 and no rows below it; nothing was read from it"
    );
    assert_eq!(kpi_names(&json), ["A"]);
}

#[test]
fn a_semicolon_file_with_commas_in_its_text_keeps_its_values() {
    let text = "Date;KPI;Value;Comment\n\
                2024-01-01;Revenue;100;up, as planned, good\n\
                2024-02-01;Revenue;110;flat, as planned, fine\n\
                2024-03-01;Revenue;120;down, not planned, bad\n";
    let (json, _, _) = Run::new().file("s.csv", text).report_json(&["s.csv"], &[]);
    assert_eq!(
        values(&json, "Revenue"),
        [
            ("2024-01-01".to_string(), 100.0),
            ("2024-02-01".to_string(), 110.0),
            ("2024-03-01".to_string(), 120.0)
        ]
    );
}

#[test]
fn a_target_band_upside_down_in_the_data_is_an_error_finding() {
    let csv = "Date,KPI,Value,Target min,Target max\n\
               2024-01-01,Temp,20,18,22\n\
               2024-02-01,Temp,21,22,18\n\
               2024-03-01,Temp,19,18,22\n";
    let cfg = "[[kpi]]\nname = \"Temp\"\ndirection = \"range\"\n";
    let (json, _, _) = Run::new()
        .file("t.csv", csv)
        .file("kpis.toml", cfg)
        .report_json(&["t.csv"], &["-c", "kpis.toml"]);
    let f = finding(&json, "bad_target_range");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "t.csv");
    assert_eq!(f["row"], 3);
    assert_eq!(f["column"], "D");
    assert_eq!(
        f["message"],
        "target_min 22 is greater than target_max 18; this period has no target range"
    );
    let feb = &kpi(&json, "Temp")["series"][1];
    assert_eq!(feb["period"], "2024-02-01");
    assert_eq!(
        (&feb["target_min"], &feb["status"]),
        (&serde_json::Value::Null, &serde_json::json!("none"))
    );
    assert_eq!(kpi(&json, "Temp")["series"][0]["status"], "green");
}

#[test]
fn formula_like_kpi_names_do_not_reach_sheet_names_or_defined_names() {
    let name = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let csv = format!(
        "Date,KPI,Value\n2024-01-01,\"{0}\",1\n2024-02-01,\"{0}\",2\n2024-03-01,|Pipes|,3\n",
        name.replace('"', "\"\"")
    );
    let (json, o, _d) = Run::new().file("f.csv", csv).report_json(&["f.csv"], &[]);
    assert_eq!(kpi_names(&json), [name, "|Pipes|"]);
    let wb = open_workbook_auto(o.dir.join("out.xlsx")).unwrap();
    let sheets = wb.sheet_names();
    assert_eq!(sheets[1], "HYPERLINK(\"http---evil.example\"");
    assert_eq!(sheets[2], "Pipes");
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(o.dir.join("out.xlsx")).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut xml).unwrap();
    assert!(!xml.contains("=HYPERLINK") && !xml.contains('|'), "{xml}");
    // The name in cells keeps its text (quote-prefixed, checked in the unit tests).
    let mut wb = open_workbook_auto(o.dir.join("out.xlsx")).unwrap();
    let sheet = wb.worksheet_range(&sheets[1]).unwrap();
    assert_eq!(
        sheet.get_value((1, 0)),
        Some(&calamine::Data::String(name.into()))
    );
}

#[test]
fn config_periods_take_every_form_the_data_takes() {
    // Annual data from the 19th century, rebased at a bare year.
    let mut csv = String::from("Year,KPI,Value\n");
    for (i, y) in (1871..1901).enumerate() {
        let _ = writeln!(
            csv,
            "{y},Flow,{}",
            if i < 27 { 1100 } else { 850 } + (i * 37) % 90
        );
    }
    let cfg = "[report]\nwindow = 30\n[[kpi]]\nname = \"Flow\"\nrebase = [\"1898\"]\ntargets = [{from = \"1890\", value = 1000}]\n";
    let (json, _, _) = Run::new()
        .file("nile.csv", csv)
        .file("kpis.toml", cfg)
        .report_json(&["nile.csv"], &["-c", "kpis.toml"]);
    let k = kpi(&json, "Flow");
    assert_eq!(k["grain"], "year");
    assert_eq!(k["first_period"], "1871-01-01");
    let segments = k["spc"]["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 2);
    assert_eq!(segments[1]["start"], "1898-01-01");
    assert_eq!(k["series"][18]["target"], serde_json::Value::Null);
    assert_eq!(k["series"][19]["period"], "1890-01-01");
    assert_eq!(k["series"][19]["target"], 1000.0);
    // Quarters, weeks, fiscal years and month names in the config.
    let q = "Date,KPI,Value\n2024-01-01,Q,1\n2024-04-01,Q,2\n2024-07-01,Q,3\n2024-10-01,Q,4\n2025-01-01,Q,5\n";
    for from in ["Q3 2024", "2024-Q3", "Jul 2024", "2024-07", "FY2024"] {
        let cfg = format!("[[kpi]]\nname = \"Q\"\ntargets = [{{from = \"{from}\", value = 9}}]\n");
        let (json, _, _) = Run::new()
            .file("q.csv", q)
            .file("kpis.toml", cfg)
            .report_json(&["q.csv"], &["-c", "kpis.toml"]);
        let targets: Vec<&serde_json::Value> = kpi(&json, "Q")["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| &p["target"])
            .collect();
        let first = if from == "FY2024" { 0 } else { 2 };
        for (i, t) in targets.iter().enumerate() {
            assert_eq!(**t == 9.0, i >= first, "{from}: {targets:?}");
        }
    }
    let w = "Date,KPI,Value\n2024-01-29,W,1\n2024-02-05,W,2\n2024-02-12,W,3\n";
    let (json, _, _) = Run::new()
        .file("w.csv", w)
        .file(
            "kpis.toml",
            "[[kpi]]\nname = \"W\"\nrebase = [\"2024-W06\"]\n",
        )
        .report_json(&["w.csv"], &["-c", "kpis.toml"]);
    assert!(codes(&json).iter().all(|c| c != "bad_value"));
    // A text that is no period is still refused, naming it.
    let (o, _d) = Run::new()
        .file("w.csv", w)
        .file("kpis.toml", "[[kpi]]\nname = \"W\"\nrebase = [\"soon\"]\n")
        .args(["report", "w.csv", "-c", "kpis.toml"])
        .run();
    assert_eq!(o.code, 3);
    assert!(
        o.stderr.contains("\"soon\" is not a date or period"),
        "{}",
        o.stderr
    );
}

/// A full tmpfs mounted for one test, unmounted when dropped; `None` where mounting is
/// not allowed (an unprivileged machine).
struct FullDisk(std::path::PathBuf);

impl FullDisk {
    fn mount(at: &std::path::Path, keep: &[(&str, &str)]) -> Option<FullDisk> {
        std::fs::create_dir_all(at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return None;
        }
        let disk = FullDisk(at.to_path_buf());
        for (name, text) in keep {
            std::fs::write(at.join(name), text).ok()?;
        }
        // Fill what is left, a page at a time, until the disk refuses.
        let mut filler = std::fs::File::create(at.join("filler")).ok()?;
        while std::io::Write::write_all(&mut filler, &[0u8; 4096]).is_ok()
            && std::io::Write::flush(&mut filler).is_ok()
        {}
        Some(disk)
    }
}

impl Drop for FullDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_under_the_summary_or_the_target_fragment_is_exit_5() {
    let data = monthly("Revenue", 24, |i| format!("{}", 100 + (i * 7) % 13));
    for (flag, name, marker) in [
        ("--summary", "body.md", "old body\n\nWritten by kpilens"),
        (
            "--suggest-targets",
            "next.toml",
            "# Suggested targets from kpilens\n",
        ),
    ] {
        let run = Run::new().file("data.csv", &data);
        let full = run.path("full");
        let Some(_disk) = FullDisk::mount(&full, &[(name, marker)]) else {
            eprintln!("skipped: this machine does not allow mounting a tmpfs (the --json and --eml tests cover the same write path)");
            return;
        };
        let target = format!("full/{name}");
        let (o, _d) = run
            .args([
                "report",
                "data.csv",
                "-o",
                "out.xlsx",
                flag,
                target.as_str(),
                "--quiet",
            ])
            .run();
        assert_eq!(o.code, 5, "{flag}: {}", o.stderr);
        assert!(
            o.stderr.contains(&format!("could not write {target}: the disk is full; the previous file, if any, is untouched")),
            "{flag}: {}",
            o.stderr
        );
        assert_eq!(
            std::fs::read_to_string(o.dir.join(&target)).unwrap(),
            marker
        );
        no_temp_files_in(&o.dir.join("full"));
    }
}

#[test]
fn rows_of_text_files_are_the_rows_a_spreadsheet_shows() {
    // Line 4 holds the bad value, after a blank line 2; CRLF line ends as Excel writes.
    let csv = "Date,KPI,Value\r\n\r\n2024-01-01,A,1\r\n2024-02-01,A,oops\r\n2024-03-01,A,3\r\n";
    let (json, _, _) = Run::new().file("b.csv", csv).report_json(&["b.csv"], &[]);
    let f = finding(&json, "bad_value");
    assert_eq!(
        (f["row"].as_u64(), f["column"].as_str()),
        (Some(4), Some("C"))
    );
}

/// Characters XML does not allow (control characters, U+FFFE) in KPI names never reach
/// the workbook's XML as they are: rust_xlsxwriter escapes them in cells but not in
/// attributes (a sheet's name, a link's display text), and a file with one there is one
/// Excel and openpyxl cannot open.
#[test]
fn kpi_names_with_characters_xml_forbids_give_a_well_formed_workbook() {
    let csv = "Date,KPI,Value\n2024-01-01,Rev\u{1}nue,1\n2024-02-01,Rev\u{1}nue,2\n\
               2024-01-01,Cost\u{FFFE}s,3\n2024-02-01,Cost\u{FFFE}s,4\n";
    let (o, d) = Run::new()
        .file("k.csv", csv)
        .args(["report", "k.csv", "-o", "out.xlsx"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let file = std::fs::File::open(d.path().join("out.xlsx")).expect("workbook");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("part");
        let name = part.name().expect("part name").to_string();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut part, &mut xml).expect("UTF-8 part");
        let bad: Vec<char> = xml
            .chars()
            .filter(|&c| {
                !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
            })
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:?}");
    }
    let wb = open_workbook_auto(d.path().join("out.xlsx")).expect("workbook opens");
    let names = wb.sheet_names();
    // The text reader drops control characters; U+FFFE stays in the KPI's name and
    // is a space in its sheet's.
    assert_eq!(names[1..3], ["Revnue", "Cost s"], "{names:?}");
}
