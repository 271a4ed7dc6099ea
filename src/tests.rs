/*!
Property tests of the whole pipeline on generated messy exports: text files built from
the cell styles real exports use (dates in a dozen forms, numbers with separators,
currency and percent signs, missing markers, stray words, formula-like text), with
ragged rows, random delimiters and line endings, and xlsx files with bytes damaged.
Whatever comes in, reading, analysis and both outputs must end in a result or a clear
error — never a panic, JSON that does not parse back, or a workbook that fails to build. (The fuzzing of docs/reliability.md, bounded so it runs with `cargo test`.)
*/
use std::path::{Path, PathBuf};

use proptest::prelude::*;

/// One cell of a generated export.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        // Dates and period labels in the forms docs/interface.md lists.
        (2019i32..2027, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        (2019i32..2027, 1u32..13).prop_map(|(y, m)| format!("{y}-{m:02}")),
        (1u32..13, 1u32..29, 2019i32..2027).prop_map(|(m, d, y)| format!("{m:02}/{d:02}/{y}")),
        (1u32..5, 2019i32..2027).prop_map(|(q, y)| format!("Q{q} {y}")),
        (2019i32..2027, 1u32..54).prop_map(|(y, w)| format!("{y}-W{w:02}")),
        prop::sample::select(vec!["Jan-24", "Feb 2025", "FY2024", "2024", "2024-13-45"])
            .prop_map(str::to_string),
        (1.0f64..60000.0).prop_map(|s| format!("{s:.0}")),
        // Numbers as exports write them.
        (-1e6f64..1e6).prop_map(|v| format!("{v:.2}")),
        (0.0f64..1e7).prop_map(|v| format!("\"{}\"", thousands(v))),
        (0.0f64..100.0).prop_map(|v| format!("{v:.1}%")),
        (0.0f64..1e5).prop_map(|v| format!("(${v:.0})")),
        prop::sample::select(vec![
            "", "NA", "-", "#N/A", "n/a", "null", "1e309", "NaN", "-0", "'123", " 7.5 ",
        ])
        .prop_map(str::to_string),
        // Names, headers and noise.
        prop::sample::select(vec![
            "Date",
            "KPI",
            "Value",
            "Target",
            "Owner",
            "Unit",
            "Revenue",
            "Churn %",
            "=SUM(A1)",
            "+1",
            "@x",
            "Total",
            "Source: ERP",
            "Ümlaut",
            "😀",
            "a\"b",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z ]{0,12}",
    ]
}

fn thousands(v: f64) -> String {
    let digits = format!("{v:.0}");
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A text export: a header that is sometimes a real one, then ragged rows.
fn text_file() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        Just("Date,KPI,Value,Target".to_string()),
        Just("KPI,Jan-24,Feb-24,Mar-24,Apr-24,May-24,Jun-24,Jul-24".to_string()),
        Just("Month,Revenue,Cost,Revenue target".to_string()),
        prop::collection::vec(cell(), 1..6).prop_map(|c| c.join(",")),
    ];
    let rows = prop::collection::vec(prop::collection::vec(cell(), 1..9), 0..40);
    let delimiter = prop::sample::select(vec![",", ";", "\t", "|"]);
    let newline = prop::sample::select(vec!["\n", "\r\n", "\r"]);
    (header, rows, delimiter, newline).prop_map(|(header, rows, delimiter, newline)| {
        let mut text = header.replace(',', delimiter);
        for row in rows {
            text.push_str(newline);
            text.push_str(&row.join(delimiter));
        }
        text.into_bytes()
    })
}

/// Read, analyse and build both outputs; a clear error is fine, a panic is not.
fn run_pipeline(path: &Path) -> Result<(), TestCaseError> {
    let cfg = crate::config::load(&crate::config::Flags::default())
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let results = match crate::analyse(&[path.to_path_buf()], &cfg) {
        Ok(r) => r,
        // Nothing usable, an ambiguous date column, an unreadable file: errors with a
        // message, as they should be.
        Err(e) => {
            prop_assert!(!e.to_string().is_empty());
            prop_assert!(e.exit_code() != 1, "internal error: {e}");
            return Ok(());
        }
    };
    // serde_json cannot hold a non-finite number: writing and reading it back proves
    // every number in it is a real one.
    let json = crate::report::json::to_json(&results).to_string();
    prop_assert!(
        serde_json::from_str::<serde_json::Value>(&json).is_ok(),
        "{json}"
    );
    let created = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    let bytes =
        crate::report::build_workbook(&results, &crate::report::Settings::default(), created);
    prop_assert!(bytes.is_ok(), "{:?}", bytes.err());
    Ok(())
}

fn written(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("temp file written");
    path
}

proptest! {
    // 48 cases in `cargo test`; PROPTEST_CASES=5000 for a longer hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn messy_text_exports_never_panic(bytes in text_file()) {
        let dir = tempfile::tempdir().expect("temp dir");
        run_pipeline(&written(&dir, "export.csv", &bytes))?;
    }

    #[test]
    fn damaged_workbooks_never_panic(
        damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
    ) {
        let mut bytes = sample_workbook();
        for (at, byte) in damage {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        run_pipeline(&written(&dir, "export.xlsx", &bytes))?;
    }
}

/// A small periods-across workbook, the seed the damage is done to.
fn sample_workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let header = [
        "KPI", "Jan-24", "Feb-24", "Mar-24", "Apr-24", "May-24", "Jun-24",
    ];
    for (c, h) in (0u16..).zip(header) {
        ws.write(0, c, h).expect("cell");
    }
    for (r, name) in (1u32..).zip(["Revenue", "Churn %", "Backlog"]) {
        ws.write(r, 0, name).expect("cell");
        for c in 1u16..7 {
            ws.write(r, c, f64::from(r) * 10.0 + f64::from(c))
                .expect("cell");
        }
    }
    wb.save_to_buffer().expect("workbook")
}
