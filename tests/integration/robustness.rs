//! The bad inputs of reliability.md: each gives a clear error naming the file (and
//! sheet, row, column where it applies) or a finding — never a panic, hang or abort.
use std::fmt::Write as _;
use std::io::Write;

use rust_xlsxwriter::{Format, Workbook};

use crate::support::{codes, finding, findings_of, kpi, rezip, values, Run};

const GOOD: &str = "Date,KPI,Value\n2024-01-01,A,1\n2024-02-01,A,2\n";

/// The workbook with its formulas' saved results removed, as a generator that does not
/// calculate writes it (rust_xlsxwriter saves 0 as every formula's result).
fn without_formula_results(bytes: &[u8]) -> Vec<u8> {
    rezip(bytes, |name, text| {
        if name.starts_with("xl/worksheets/") {
            text.replace("</f><v>0</v>", "</f>")
        } else {
            text
        }
    })
}

fn long_sheet(wb: &mut Workbook) -> &mut rust_xlsxwriter::Worksheet {
    let ws = wb.add_worksheet();
    for (c, h) in ["Date", "KPI", "Value"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    ws
}

#[test]
fn cells_at_a1_and_xfd1048576_are_refused_not_allocated() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "Date").unwrap();
    ws.write(1_048_575, 16_383, 1).unwrap();
    let (o, _d) = Run::new()
        .file("huge.xlsx", wb.save_to_buffer().unwrap())
        .args(["report", "huge.xlsx"])
        .run();
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(
        o.stderr.contains("huge.xlsx")
            && o.stderr.contains("sheet 'Sheet1'")
            && o.stderr.contains("XFD1048576")
            && o.stderr.contains("budget"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_wrong_dimension_tag_does_not_matter() {
    let mut wb = Workbook::new();
    let ws = long_sheet(&mut wb);
    for (r, (d, v)) in [
        ("2024-01-01", 1.0),
        ("2024-02-01", 2.0),
        ("2024-03-01", 3.0),
    ]
    .iter()
    .enumerate()
    {
        ws.write(r as u32 + 1, 0, *d).unwrap();
        ws.write(r as u32 + 1, 1, "A").unwrap();
        ws.write(r as u32 + 1, 2, *v).unwrap();
    }
    let bytes = rezip(&wb.save_to_buffer().unwrap(), |name, text| {
        if name.ends_with("sheet1.xml") {
            text.replace("<dimension ref=\"A1:C4\"/>", "<dimension ref=\"A1:A1\"/>")
        } else {
            text
        }
    });
    let (json, _, _) = Run::new()
        .file("dim.xlsx", bytes)
        .report_json(&["dim.xlsx"], &[]);
    assert_eq!(values(&json, "A").len(), 3);
}

#[test]
fn a_1904_workbook_converts_serials_with_its_epoch() {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = long_sheet(&mut wb);
    // 43830 and 43861 in the 1904 system are 2024-01-01 and 2024-02-01.
    for (r, serial) in [43830.0, 43861.0].iter().enumerate() {
        ws.write_number_with_format(r as u32 + 1, 0, *serial, &date)
            .unwrap();
        ws.write(r as u32 + 1, 1, "A").unwrap();
        ws.write(r as u32 + 1, 2, r as f64 + 1.0).unwrap();
    }
    let bytes = rezip(&wb.save_to_buffer().unwrap(), |name, text| {
        if name == "xl/workbook.xml" {
            text.replace("<workbookPr ", "<workbookPr date1904=\"1\" ")
        } else {
            text
        }
    });
    let (json, _, _) = Run::new()
        .file("mac.xlsx", bytes)
        .report_json(&["mac.xlsx"], &[]);
    let got: Vec<String> = values(&json, "A").into_iter().map(|(p, _)| p).collect();
    assert_eq!(got, ["2024-01-01", "2024-02-01"]);
}

#[test]
fn absurd_serials_in_date_cells_are_bad_dates_naming_the_cell() {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = long_sheet(&mut wb);
    for (r, serial) in [45292.0, 45323.0, 0.0, -1.0, 1e300, 45352.0]
        .iter()
        .enumerate()
    {
        ws.write_number_with_format(r as u32 + 1, 0, *serial, &date)
            .unwrap();
        ws.write(r as u32 + 1, 1, "A").unwrap();
        ws.write(r as u32 + 1, 2, 1.0).unwrap();
    }
    let (json, _, _) = Run::new()
        .file("serials.xlsx", wb.save_to_buffer().unwrap())
        .report_json(&["serials.xlsx"], &[]);
    assert_eq!(values(&json, "A").len(), 3);
    let bad = findings_of(&json, "bad_date");
    assert_eq!(bad.len(), 3, "{bad:?}");
    assert_eq!(
        (
            bad[0]["row"].as_u64(),
            bad[0]["column"].as_str(),
            bad[0]["sheet"].as_str()
        ),
        (Some(4), Some("A"), Some("Sheet1"))
    );
}

#[test]
fn hidden_and_very_hidden_sheets_are_skipped_unless_named() {
    let mut wb = Workbook::new();
    let ws = long_sheet(&mut wb);
    ws.write(1, 0, "2024-01-01").unwrap();
    ws.write(1, 1, "Visible").unwrap();
    ws.write(1, 2, 1).unwrap();
    for (name, very) in [("Hidden", false), ("Secret", true)] {
        let ws = long_sheet(&mut wb);
        ws.set_name(name).unwrap();
        ws.write(1, 0, "2024-01-01").unwrap();
        ws.write(1, 1, name).unwrap();
        ws.write(1, 2, 1).unwrap();
        if very {
            ws.set_very_hidden(true);
        } else {
            ws.set_hidden(true);
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let (json, _, _) = Run::new()
        .file("h.xlsx", bytes.clone())
        .report_json(&["h.xlsx"], &[]);
    assert_eq!(json["kpis"].as_array().unwrap().len(), 1);
    assert_eq!(
        codes(&json)
            .iter()
            .filter(|c| *c == "hidden_sheet_skipped")
            .count(),
        2
    );
    let (json, _, _) = Run::new()
        .file("h.xlsx", bytes.clone())
        .report_json(&["h.xlsx"], &["--sheet", "hidden"]);
    assert_eq!(kpi(&json, "Hidden")["n"], 1);
    // A sheet that is not there: the error says which sheets there are.
    let (o, _d) = Run::new()
        .file("h.xlsx", bytes)
        .args(["report", "h.xlsx", "--sheet", "Nope"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("--sheet 'Nope' is not in h.xlsx; its sheets are: "),
        "{}",
        o.stderr
    );
}

#[test]
fn merged_title_and_cached_formula_errors() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.merge_range(0, 0, 0, 3, "Quarterly pack", &Format::new())
        .unwrap();
    for (c, h) in ["KPI", "Q1 2024", "Q2 2024", "Q3 2024"].iter().enumerate() {
        ws.write(1, c as u16, *h).unwrap();
    }
    ws.write(2, 0, "Yield").unwrap();
    ws.write(2, 1, 0.5).unwrap();
    ws.write_formula(
        2,
        2,
        rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!"),
    )
    .unwrap();
    ws.write(2, 3, 0.7).unwrap();
    let (json, _, _) = Run::new()
        .file("m.xlsx", wb.save_to_buffer().unwrap())
        .report_json(&["m.xlsx"], &[]);
    assert_eq!(
        values(&json, "Yield"),
        vec![
            ("2024-01-01".to_string(), 0.5),
            ("2024-07-01".to_string(), 0.7)
        ]
    );
    assert_eq!(kpi(&json, "Yield")["grain"], "quarter");
    let f = finding(&json, "excel_error_cell");
    assert!(
        f["message"].as_str().unwrap().contains("#DIV/0! at C3"),
        "{}",
        f["message"]
    );
}

#[test]
fn formulas_without_a_saved_result_are_named_not_read_as_values() {
    let mut wb = Workbook::new();
    let ws = long_sheet(&mut wb);
    for (r, month) in [(1, "2024-01-01"), (2, "2024-02-01"), (3, "2024-03-01")] {
        ws.write(r, 0, month).unwrap();
        ws.write(r, 1, "Yield").unwrap();
    }
    ws.write(1, 2, 0.5).unwrap();
    ws.write_formula(2, 2, "=C2+0.1").unwrap();
    ws.write(3, 2, 0.7).unwrap();
    let bytes = without_formula_results(&wb.save_to_buffer().unwrap());
    let (json, _, _) = Run::new()
        .file("f.xlsx", bytes)
        .report_json(&["f.xlsx"], &[]);
    assert_eq!(
        values(&json, "Yield"),
        vec![
            ("2024-01-01".to_string(), 0.5),
            ("2024-03-01".to_string(), 0.7)
        ]
    );
    let f = finding(&json, "formula_without_value");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["file"], "f.xlsx");
    assert_eq!(f["sheet"], "Sheet1");
    assert_eq!(
        (f["row"].as_u64(), f["column"].as_str()),
        (Some(3), Some("C"))
    );
    assert_eq!(
        f["message"],
        "1 formula cell(s) have no saved result and were read as missing: C3; open the \
         file in Excel or LibreOffice, save it (which calculates the formulas) and run again"
    );
}

#[test]
fn zip_bomb_is_refused() {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    out.start_file("xl/workbook.xml", opts).unwrap();
    out.write_all(b"<workbook/>").unwrap();
    out.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..80 {
        out.write_all(&zeros).unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    assert!(bytes.len() < 1 << 20);
    let (o, _d) = Run::new()
        .file("bomb.xlsx", bytes)
        .args(["report", "bomb.xlsx"])
        .run();
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(
        o.stderr.contains("bomb.xlsx") && o.stderr.contains("zip bomb"),
        "{}",
        o.stderr
    );
}

#[test]
fn encrypted_workbook_says_encrypted() {
    // An OLE compound file holding an EncryptedPackage stream is how Office stores a
    // password-protected xlsx; the header and stream name are what is detected.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend(vec![0u8; 504]);
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.extend(vec![0u8; 512]);
    let (o, _d) = Run::new()
        .file("locked.xlsx", bytes)
        .args(["report", "locked.xlsx"])
        .run();
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(
        o.stderr.contains("locked.xlsx") && o.stderr.contains("encrypted"),
        "{}",
        o.stderr
    );
}

#[test]
fn messy_text_files() {
    // CR-only line endings, NUL and control characters, a quoted field with a newline,
    // rows longer and shorter than the header.
    let cr = "Date,KPI,Value\r2024-01-01,A,1\r2024-02-01,A,2\r";
    let nul = "Date,KPI,Value\n2024-01-01,B\u{0},3\n2024-02-01,B,\u{1}4\n";
    let quoted = "Date,KPI,Value,Comment\n2024-01-01,C,5,\"two\nlines\"\n2024-02-01,C,6,ok,extra\n2024-03-01,C\n";
    let (json, _, _) = Run::new()
        .file("cr.csv", cr)
        .file("nul.csv", nul)
        .file("quoted.csv", quoted)
        .report_json(&["cr.csv", "nul.csv", "quoted.csv"], &[]);
    assert_eq!(values(&json, "A").len(), 2);
    assert_eq!(
        values(&json, "B"),
        vec![
            ("2024-01-01".to_string(), 3.0),
            ("2024-02-01".to_string(), 4.0)
        ]
    );
    assert_eq!(
        values(&json, "C"),
        vec![
            ("2024-01-01".to_string(), 5.0),
            ("2024-02-01".to_string(), 6.0)
        ]
    );
    assert!(
        codes(&json).contains(&"ragged_row".to_string()),
        "{:?}",
        codes(&json)
    );
}

#[test]
fn a_50_mb_field_is_cut_with_a_finding() {
    let mut csv = String::from("Date,KPI,Value,Note\n2024-01-01,A,1,");
    csv.push_str(&"x".repeat(50 << 20));
    csv.push_str("\n2024-02-01,A,2,ok\n");
    let (json, _, _) = Run::new()
        .file("big.csv", csv)
        .report_json(&["big.csv"], &[]);
    assert_eq!(values(&json, "A").len(), 2);
    // Said once: a file read whole in its first chunk used to repeat it.
    let cut = findings_of(&json, "text_truncated");
    assert_eq!(cut.len(), 1, "{cut:?}");
    assert_eq!(
        cut[0]["message"],
        "1 field(s) longer than 32767 characters were cut"
    );
    assert_eq!(cut[0]["file"], "big.csv");
}

#[test]
fn invalid_utf8_falls_back_to_windows_1252_with_a_finding() {
    let mut bytes = GOOD.as_bytes().to_vec();
    bytes.extend(b"2024-03-01,Caf\xE9,3\n");
    let (json, _, _) = Run::new().file("w.csv", bytes).report_json(&["w.csv"], &[]);
    assert_eq!(values(&json, "Café").len(), 1);
    let f = finding(&json, "encoding_used");
    assert!(
        f["message"].as_str().unwrap().contains("windows-1252"),
        "{}",
        f["message"]
    );
}

#[test]
fn series_edge_cases() {
    // one date only → monthly; a constant series; two KPIs with no overlap
    let csv = "Date,KPI,Value\n2024-05-17,Once,4\n2024-01-01,Flat,3\n2024-02-01,Flat,3\n2024-03-01,Flat,3\n";
    let (json, _, _) = Run::new().file("e.csv", csv).report_json(&["e.csv"], &[]);
    assert_eq!(kpi(&json, "Once")["grain"], "month");
    assert_eq!(values(&json, "Once"), vec![("2024-05-01".to_string(), 4.0)]);
    assert_eq!(kpi(&json, "Flat")["n"], 3);
}

#[test]
fn a_row_of_formulas_without_results_is_named_not_skipped_as_a_note() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["KPI", "2024-01", "2024-02"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    ws.write(1, 0, "Revenue").unwrap();
    ws.write(1, 1, 10.0).unwrap();
    ws.write(1, 2, 12.0).unwrap();
    ws.write(2, 0, "Cost ratio").unwrap();
    ws.write_formula(2, 1, "=B2/100").unwrap();
    ws.write_formula(2, 2, "=C2/100").unwrap();
    let bytes = without_formula_results(&wb.save_to_buffer().unwrap());
    let (json, _, _) = Run::new()
        .file("f.xlsx", bytes)
        .report_json(&["f.xlsx"], &[]);
    assert_eq!(kpi(&json, "Cost ratio")["n"], 0);
    let f = finding(&json, "formula_without_value");
    assert_eq!(
        (f["row"].as_u64(), f["column"].as_str()),
        (Some(3), Some("B"))
    );
    assert!(f["message"]
        .as_str()
        .unwrap()
        .starts_with("2 formula cell(s)"));
    assert!(!codes(&json).contains(&"footer_rows_skipped".to_string()));
}

#[test]
fn years_mistyped_far_apart_cost_their_values_not_every_day_between() {
    // Daily values of 2024 with one dated in year 1 and one in 9999: the report is
    // made as for any data (the span of 3.65 million days is never filled in).
    let mut csv = String::from("Date,KPI,Value\n0001-01-01,Calls,7\n");
    for d in 1..=28 {
        writeln!(csv, "2024-02-{d:02},Calls,{d}").unwrap();
    }
    csv.push_str("9999-12-31,Calls,5\n");
    let (json, _, _) = Run::new()
        .file("calls.csv", csv)
        .report_json(&["calls.csv"], &["--period", "day"]);
    let k = kpi(&json, "Calls");
    assert_eq!(k["n"], 30);
    assert_eq!(k["first_period"], "0001-01-01");
    assert_eq!(k["last_period"], "9999-12-31");
    let series = k["series"].as_array().unwrap();
    assert_eq!(series.len(), 24);
    assert_eq!(series[0]["period"], "9999-12-08");
    let observed: Vec<&serde_json::Value> =
        series.iter().filter(|p| !p["value"].is_null()).collect();
    assert_eq!(observed.len(), 1);
    assert_eq!(json["as_of"], "9999-12-31");
}

#[test]
fn a_column_of_bad_values_lists_a_hundred_and_counts_the_rest() {
    // 24 good months, then 250 rows whose value is text.
    let mut csv = String::from("Date,KPI,Value\n");
    for m in 0..24 {
        writeln!(
            csv,
            "{}-{:02}-01,Sales,{}",
            2023 + m / 12,
            m % 12 + 1,
            10 + m
        )
        .unwrap();
    }
    for i in 0..250 {
        writeln!(csv, "2024-12-01,Sales,n/a{i}").unwrap();
    }
    let (json, _, _) = Run::new()
        .file("sales.csv", &csv)
        .report_json(&["sales.csv"], &[]);
    let bad = findings_of(&json, "bad_value");
    assert_eq!(bad.len(), 101);
    assert_eq!(bad[0]["row"], 26);
    assert_eq!(
        bad[0]["message"],
        "'n/a0' is not a number; the cell was read as missing"
    );
    let closing = bad[100];
    assert_eq!(
        closing["message"],
        "150 more like the 100 above in column C (rows 126 to 275), not listed one by one"
    );
    assert_eq!(
        (
            &closing["severity"],
            &closing["row"],
            &closing["column"],
            &closing["kpi"]
        ),
        (&"error".into(), &126.into(), &"C".into(), &"Sales".into())
    );
    // `check` judges the file as before: error findings, exit 3.
    let (o, _d) = Run::new()
        .file("sales.csv", &csv)
        .args(["check", "sales.csv"])
        .run();
    assert_eq!(o.code, 3);
    assert!(
        o.stdout.contains("150 more like the 100 above"),
        "{}",
        o.stdout
    );
}

#[test]
fn an_export_read_twice_lists_a_hundred_duplicates_per_kpi() {
    // 150 months of two KPIs, the same file twice in the input folder.
    let mut csv = String::from("Date,KPI,Value\n");
    for m in 0..150 {
        for k in ["A", "B"] {
            writeln!(csv, "{}-{:02}-01,{k},{m}", 2010 + m / 12, m % 12 + 1).unwrap();
        }
    }
    let (json, _, _) = Run::new()
        .file("in/jan.csv", &csv)
        .file("in/jan-copy.csv", &csv)
        .report_json(&["in"], &[]);
    let dups = findings_of(&json, "duplicate_observation");
    assert_eq!(dups.len(), 2 * 101);
    let closing: Vec<_> = dups
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("not listed"))
        .collect();
    assert_eq!(closing.len(), 2);
    assert_eq!(closing[0]["kpi"], "A");
    assert_eq!(
        closing[0]["message"],
        "50 more like the 100 above, not listed one by one"
    );
    assert_eq!(closing[0]["severity"], "warning");
    // The values themselves are combined as before (the mean of two equal values).
    assert_eq!(kpi(&json, "A")["latest"]["value"], 149.0);
}

#[test]
fn a_kpi_column_of_order_numbers_keeps_the_first_fifty_thousand() {
    // 50,003 names, each an order number with one value in January 2024; the last
    // three are past the limit of 50,000, one of them dated years later and one named
    // by the config.
    let mut csv = String::from("Date,KPI,Value\n");
    for k in 0..50_000 {
        writeln!(csv, "2024-01-01,ORD{k},1").unwrap();
    }
    csv.push_str("2024-01-01,ORD50000,x\n2030-06-01,ORD50001,2\n2024-01-01,ORD50002,3\n");
    let (o, _d) = Run::new()
        .file("orders.csv", &csv)
        .file("kpis.toml", "[[kpi]]\nname = \"ORD50001\"\n")
        .args(["check", "orders.csv", "-c", "kpis.toml"])
        .run();
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(o.stdout.contains("  error   too_many_kpis            50,003 KPIs were found, more than one report analyses (50,000): the first 50,000, in the order the inputs name them, are analysed and the other 3 ('ORD50000' to 'ORD50002') are left out. A column of order, customer or product IDs read as the KPI name makes every row a KPI: check which column names the KPI, or split the export\n"), "{}", o.stdout);
    // The table counts every name; a KPI left out is still read (its bad value is a
    // finding naming it), is not "missing" from the inputs, and does not set the as-of.
    assert!(
        o.stdout
            .contains("orders.csv: long, header row 1, 50,003 KPIs, 50,002 values"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("bad_value") && o.stdout.contains("[ORD50000]"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("kpi_not_found"), "{}", o.stdout);
    assert!(
        o.stdout.contains("KPIs (as of 2024-01-01):"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("ORD50001 "), "{}", o.stdout);
}
