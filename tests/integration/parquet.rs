//! Parquet input: read like the CSV holding the same rows (layouts detected the same
//! way), and a damaged file refused with exit 4 naming it.
use std::fmt::Write as _;

use polars_core::prelude::{Column, DataFrame, DataType, NamedFrom, Series};
use polars_io::prelude::ParquetWriter;

use crate::support::Run;

/// 30 months of two KPIs, long: as CSV text and as Parquet bytes (dates as a Date
/// column, values as floats with one missing).
fn long_table() -> (String, Vec<u8>) {
    let mut csv = String::from("date,kpi,value,target\n");
    let (mut days, mut names, mut values, mut targets) = (vec![], vec![], vec![], vec![]);
    for m in 0..30u32 {
        let (y, mo) = (2024 + (m / 12) as i32, m % 12 + 1);
        let day = chrono::NaiveDate::from_ymd_opt(y, mo, 1).unwrap();
        let since = (day - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32;
        for (k, base) in [("Orders", 100.0), ("Returns", 7.0)] {
            let v = (m != 17 || k == "Orders").then_some(base + f64::from(m * 3 % 11) * 0.5);
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

/// Columns of types polars is built here without (decimals, as warehouses write money;
/// pandas categoricals) are named with their types and what to export instead, not
/// called damaged (`scripts/parquet_fixtures.py` wrote the files with pyarrow).
#[test]
fn columns_of_types_not_read_are_named_with_what_to_export() {
    for (file, want) in [
        (
            "decimal_value.parquet",
            "could not read decimal_value.parquet: its column 'Value' (decimal(18, 2)) is of a type kpilens does not read (decimal, 8- or 16-bit integer, half float, categorical or nested); export it as double, integer, text or date columns",
        ),
        (
            "categorical.parquet",
            "could not read categorical.parquet: its columns 'Month' (categorical), 'KPI' (categorical) are of a type kpilens does not read (decimal, 8- or 16-bit integer, half float, categorical or nested); export them as double, integer, text or date columns",
        ),
    ] {
        let bytes = std::fs::read(format!(
            "{}/tests/fixtures/parquet/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture");
        let (o, _d) = Run::new()
            .file(file, bytes)
            .args(["report", file, "-q"])
            .run();
        assert_eq!(o.code, 4, "{}", o.stderr);
        assert!(o.stderr.contains(want), "{}", o.stderr);
    }
}
