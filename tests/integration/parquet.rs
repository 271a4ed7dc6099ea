//! Parquet input: read like the CSV holding the same rows (layouts detected the same
//! way), and a damaged file refused with exit 4 naming it.
use std::fmt::Write as _;

use polars_core::prelude::{Column, DataFrame, DataType, NamedFrom, Series};
use polars_io::prelude::ParquetWriter;

use crate::support::Run;

/// 30 months of two KPIs, long: as CSV text and as Parquet bytes (dates as a Date
/// column, values as floats with one missing).
fn long_table() -> (String, Vec<u8>) {
    long_table_of(2, 30)
}

/// `months` months of `kpis` KPIs, long, as [`long_table`] describes.
fn long_table_of(kpis: usize, months: u32) -> (String, Vec<u8>) {
    let mut csv = String::from("date,kpi,value,target\n");
    let (mut days, mut names, mut values, mut targets) = (vec![], vec![], vec![], vec![]);
    for m in 0..months {
        let (y, mo) = (2024 + (m / 12) as i32, m % 12 + 1);
        let day = chrono::NaiveDate::from_ymd_opt(y, mo, 1).unwrap();
        let since = (day - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32;
        for (i, (k, base)) in [("Orders".to_string(), 100.0), ("Returns".to_string(), 7.0)]
            .into_iter()
            .chain((2..kpis).map(|i| (format!("KPI {i:05}"), 50.0 + (i % 97) as f64)))
            .take(kpis)
            .enumerate()
        {
            let v = (m != 17 || i == 0).then_some(base + f64::from(m * 3 % 11) * 0.5);
            let _ = writeln!(
                csv,
                "{day},{k},{},{}",
                v.map(|v| v.to_string()).unwrap_or_default(),
                base * 1.05
            );
            days.push(since);
            names.push(k);
            values.push(v);
            targets.push(base * 1.05);
        }
    }
    let date = Series::new("date".into(), days)
        .cast(&DataType::Date)
        .unwrap();
    let mut df = DataFrame::new_infer_height(vec![
        Column::from(date),
        Column::new("kpi".into(), names),
        Column::new("value".into(), values),
        Column::new("target".into(), targets),
    ])
    .unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    (csv, bytes)
}

#[test]
fn a_parquet_export_reads_like_the_same_csv() {
    let (csv, parquet) = long_table();
    let (from_csv, _, _) = Run::new().file("k.csv", csv).report_json(&["k.csv"], &[]);
    let (from_parquet, o, _d) = Run::new()
        .file("k.parquet", parquet)
        .report_json(&["k.parquet"], &[]);
    assert_eq!(from_parquet["kpis"], from_csv["kpis"]);
    assert_eq!(from_parquet["inputs"][0]["path"], "k.parquet");
    let layout = Run::new()
        .file("k.parquet", long_table().1)
        .args(["check", "k.parquet"])
        .run()
        .0;
    assert_eq!(layout.code, 0, "{}", layout.stderr);
    assert!(layout.stdout.contains("long"), "{}", layout.stdout);
    drop(o);
}

/// A file of more than a million cells becomes cells a chunk at a time (the first
/// chunk, where the layout is found, is 250,000 records of its 252,000) and reads like
/// the same CSV.
#[test]
fn a_long_parquet_export_read_in_chunks_reads_like_the_same_csv() {
    let (csv, parquet) = long_table_of(100, 2_520);
    assert_eq!(csv.lines().count(), 252_001);
    let (from_csv, _, _) = Run::new().file("k.csv", csv).report_json(&["k.csv"], &[]);
    let (from_parquet, _, _) = Run::new()
        .file("k.parquet", parquet)
        .report_json(&["k.parquet"], &[]);
    assert_eq!(from_parquet["kpis"].as_array().map(Vec::len), Some(100));
    assert_eq!(from_parquet["kpis"], from_csv["kpis"]);
    // The same findings, each naming its own file (or none, like a KPI's own).
    let findings = |json: &serde_json::Value, file: &str| -> Vec<serde_json::Value> {
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                assert!(f["file"] == file || f["file"].is_null(), "{f}");
                let mut f = f.clone();
                f["file"] = serde_json::Value::Null;
                f
            })
            .collect()
    };
    assert_eq!(
        findings(&from_parquet, "k.parquet"),
        findings(&from_csv, "k.csv")
    );
}

#[test]
fn a_damaged_parquet_file_is_exit_4_naming_it() {
    let (_, mut parquet) = long_table();
    // Cut the file in the middle of its data, keeping the magic at both ends.
    let n = parquet.len();
    parquet.drain(n / 3..n - 8);
    let (o, _d) = Run::new()
        .file("broken.parquet", parquet)
        .args(["report", "broken.parquet", "-q"])
        .run();
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(
        o.stderr.contains("broken.parquet") && o.stderr.contains("damaged Parquet file"),
        "{}",
        o.stderr
    );
}

/// A fixture written by `scripts/parquet_fixtures.py` (pyarrow).
fn fixture(file: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/parquet/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

/// Each KPI's (period, value) pairs in the JSON of a report on `file`.
fn series(file: &str) -> Vec<(String, Vec<(String, f64)>)> {
    let (json, _o, _d) = Run::new()
        .file(file, fixture(file))
        .report_json(&[file], &[]);
    json["kpis"]
        .as_array()
        .expect("kpis")
        .iter()
        .map(|k| {
            let points = k["series"]
                .as_array()
                .expect("series")
                .iter()
                .map(|p| {
                    (
                        p["period"].as_str().expect("period").to_string(),
                        p["value"].as_f64().expect("value"),
                    )
                })
                .collect();
            (k["name"].as_str().expect("name").to_string(), points)
        })
        .collect()
}

/// A Spark-style export: the KPI a categorical, the value a decimal(38, 18) stored as
/// fixed-length bytes. Each value is the double nearest to the decimal, as Python's
/// `float(Decimal(text))` gives it (spark_types.expected.csv, written beside it).
#[test]
fn spark_decimals_and_categoricals_are_read_as_the_nearest_doubles() {
    let expected: Vec<(String, f64)> = std::fs::read_to_string(format!(
        "{}/tests/fixtures/parquet/spark_types.expected.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("expected")
    .lines()
    .skip(1)
    .map(|line| {
        let (date, value) = line.split_once(',').expect("two fields");
        (date.to_string(), value.parse().expect("number"))
    })
    .collect();
    assert_eq!(expected.len(), 12);
    assert_eq!(
        series("spark_types.parquet"),
        vec![("Net revenue".to_string(), expected)]
    );
}

/// Warehouse money (decimal(18, 2)), pandas categoricals, and a wide file of 16- and
/// 8-bit integers and a decimal(9, 4) read like the numbers and text they hold.
#[test]
fn decimals_small_integers_and_categoricals_are_read() {
    let months = |values: &[f64]| -> Vec<(String, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(m, v)| (format!("2024-{:02}-01", m + 1), *v))
            .collect()
    };
    let steps =
        |from: f64, by: f64| -> Vec<f64> { (0..12).map(|m| from + by * f64::from(m)).collect() };
    assert_eq!(
        series("decimal_value.parquet"),
        vec![("Revenue".to_string(), months(&steps(100.25, 1.0)))]
    );
    assert_eq!(
        series("categorical.parquet"),
        vec![("Revenue".to_string(), months(&steps(0.0, 1.0)))]
    );
    let margins: Vec<f64> = (0..12).map(|m| f64::from(1234 + m) / 10_000.0).collect();
    assert_eq!(
        series("small_types.parquet"),
        vec![
            ("Net change".to_string(), months(&steps(-300.0, 50.0))),
            ("Agents".to_string(), months(&steps(200.0, 1.0))),
            ("Fill".to_string(), months(&steps(-5.0, 1.0))),
            ("Margin".to_string(), months(&margins)),
        ]
    );
}

/// A report on the fixture `file` is exit 4 with `want` in its message.
fn refused(file: &str, want: &str) {
    let (o, _d) = Run::new()
        .file(file, fixture(file))
        .args(["report", file, "-q"])
        .run();
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(o.stderr.contains(want), "{}", o.stderr);
}

/// Columns of the types still not read (half floats, 256-bit decimals) are named with
/// their types and what to export instead, not called damaged.
#[test]
fn columns_of_types_not_read_are_named_with_what_to_export() {
    refused(
        "refused_types.parquet",
        "could not read refused_types.parquet: its columns 'Value' (half float), 'Target' (256-bit decimal(40, 2)) are of a type kpilens does not read (half float, 256-bit decimal, categorical of anything but text, struct or map); export them as double, decimal, integer, text or date columns",
    );
}

/// Files of kilobytes that would inflate to gigabytes are refused before their cells
/// are made (scripts/parquet_fixtures.py): a 60 MB text stored once and named by five
/// rows (300 MB of cells; it took 2 GB), and five pages of 250 MB (1.25 GB in polars).
#[test]
fn parquet_files_that_would_inflate_beyond_the_budgets_are_refused() {
    for (file, want) in [
        (
            "repeated_text.parquet",
            "could not read repeated_text.parquet: its cells would hold more than 256 MB of text together once read, over the budget of a workbook; export only the data range, without long texts repeated in many cells",
        ),
        (
            "inflating_pages.parquet",
            "could not read inflating_pages.parquet: its pages inflate to 1192 MB, over the budget of 1024 MB for one Parquet file; aggregate it to one row per KPI per day, or split it, first",
        ),
    ] {
        refused(file, want);
    }
}
