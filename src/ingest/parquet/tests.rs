use polars_core::prelude::{Column, DataFrame, NamedFrom, Series};
use polars_io::prelude::ParquetWriter;

use super::*;

/// A long table written as Parquet by polars itself.
fn parquet_bytes() -> Vec<u8> {
    let dates = Series::new("date".into(), &[19_723i32, 19_754, 19_783])
        .cast(&polars_core::prelude::DataType::Date)
        .expect("dates");
    let mut df = DataFrame::new_infer_height(vec![
        Column::from(dates),
        Column::new("kpi".into(), &["Revenue", "Revenue", "Revenue"]),
        Column::new("value".into(), &[Some(1.5f64), None, Some(3.25)]),
    ])
    .expect("frame");
    let mut out = Vec::new();
    ParquetWriter::new(&mut out)
        .finish(&mut df)
        .expect("parquet");
    out
}

/// Every chunk of a Parquet file, the first one first.
fn read_all(bytes: Vec<u8>) -> Result<Vec<Table>> {
    let (first, mut rest) = read(bytes, "k.parquet")?;
    let mut tables = vec![first];
    while let Some(chunk) = rest.next_chunk_in(Rows::default()) {
        tables.push(chunk);
    }
    assert!(rest.finish().is_empty());
    Ok(tables)
}

#[test]
fn a_parquet_file_becomes_a_table_of_cells() {
    let bytes = parquet_bytes();
    assert!(is_parquet(&bytes));
    let tables = read_all(bytes).expect("read");
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_eq!(
        t.row(0),
        [
            Cell::Text("date".into()),
            Cell::Text("kpi".into()),
            Cell::Text("value".into())
        ]
    );
    // 19 723 days after 1970-01-01 is 2024-01-01.
    assert_eq!(
        t.row(1)[0],
        Cell::Date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
    );
    assert_eq!(
        t.row(1)[2],
        Cell::Number {
            value: 1.5,
            percent: false
        }
    );
    assert_eq!(t.row(2)[2], Cell::Empty);
    assert_eq!(t.row(3)[1], Cell::Text("Revenue".into()));
}

#[test]
fn a_long_file_becomes_cells_a_chunk_at_a_time_numbered_as_sheet_rows() {
    let (_, mut rest) = read(parquet_bytes(), "k.parquet").expect("read");
    // Read again from the start, two records a chunk.
    rest.next = 0;
    rest.chunk_rows = 2;
    let first = rest.next_chunk_in(Rows::default()).expect("first chunk");
    assert_eq!((first.first_row, first.cells.len()), (0, 3));
    assert_eq!(first.row(0)[2], Cell::Text("value".into()));
    assert_eq!(first.row(2)[2], Cell::Empty);
    let second = rest.next_chunk_in(first.cells).expect("second chunk");
    // Record 2 is the sheet's row 3 (the header is row 0).
    assert_eq!((second.first_row, second.cells.len()), (3, 1));
    assert_eq!(second.row(2), []);
    assert_eq!(
        second.row(3)[2],
        Cell::Number {
            value: 3.25,
            percent: false
        }
    );
    assert!(!rest.has_more());
    assert!(rest.next_chunk_in(second.cells).is_none());
}

#[test]
fn a_damaged_footer_is_refused_naming_the_file() {
    let mut bytes = parquet_bytes();
    let n = bytes.len();
    // The footer length claims more than the file holds.
    bytes[n - 8..n - 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let err = read_all(bytes).expect_err("damaged");
    assert_eq!(err.exit_code(), 4);
    assert!(err.to_string().contains("k.parquet"), "{err}");
    assert!(
        err.to_string()
            .contains("damaged Parquet file (its footer claims"),
        "{err}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    /// Any byte of a Parquet file changed: a table or a clear error, never a panic.
    #[test]
    fn a_forged_byte_never_panics(at in 0usize..10_000, byte in 0u8..=255) {
        let mut bytes = parquet_bytes();
        let i = at % bytes.len();
        bytes[i] = byte;
        let _ = read_all(bytes);
    }
}

#[test]
fn a_page_with_a_negative_value_count_is_refused_before_it_is_decoded() {
    // Byte 46 is in the first data page's header: set to 1 it makes the page's value
    // count negative, which polars would read as an exabyte reservation and abort.
    let mut bytes = parquet_bytes();
    bytes[46] = 1;
    let err = read_all(bytes).unwrap_err().to_string();
    assert!(
        err.starts_with("could not read k.parquet: damaged Parquet file (a page claims -"),
        "{err}"
    );
}

#[test]
fn every_byte_forged_to_a_few_values_is_a_table_or_a_clear_error() {
    // Exhaustive over positions (the proptest above samples them): an abort here kills
    // the whole test run, which is how the case above was found.
    let base = parquet_bytes();
    for i in 0..base.len() {
        for byte in [0u8, 1, 0x3f, 0x40, 0x7f, 0x80, 0xc0, 0xfe, 0xff] {
            let mut bytes = base.clone();
            bytes[i] = byte;
            if let Err(e) = read_all(bytes) {
                assert!(
                    e.to_string().starts_with("could not read k.parquet: "),
                    "{e}"
                );
            }
        }
    }
}

#[test]
fn dates_beyond_the_years_1_to_9999_are_bad_dates_showing_what_they_name() {
    let cell = |days: i32| cell_of(&AnyValue::Date(days));
    assert_eq!(
        cell(2_932_896),
        Cell::Date(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap())
    );
    assert_eq!(
        cell(2_932_897),
        Cell::BadDate("date +10000-01-01 is outside the years 1 to 9999 a date may have".into())
    );
    assert_eq!(
        cell(-719_162),
        Cell::Date(NaiveDate::from_ymd_opt(1, 1, 1).unwrap())
    );
    assert_eq!(
        cell(-719_163),
        Cell::BadDate("date 0000-12-31 is outside the years 1 to 9999 a date may have".into())
    );
    // Beyond what a calendar date can hold at all: the count itself.
    let far = AnyValue::Datetime(i64::MAX, TimeUnit::Milliseconds, None);
    assert_eq!(
        cell_of(&far),
        Cell::BadDate(format!(
            "date {} days after 1970-01-01 is beyond any calendar",
            i64::MAX / 86_400_000
        ))
    );
}

/// The number a decimal cell holds, or the cell itself.
fn number(cell: &Cell) -> f64 {
    match cell {
        Cell::Number { value, .. } => *value,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn decimals_become_the_double_nearest_to_them() {
    assert_eq!(number(&decimal(12_345, 2)), 123.45);
    assert_eq!(number(&decimal(-5, 2)), -0.05);
    assert_eq!(number(&decimal(7, 0)), 7.0);
    assert_eq!(number(&decimal(0, 4)), 0.0);
    // 38 digits, scale 18: dividing in floating point would round twice; the nearest
    // double to 12345678901234567890.123456789012345678 is 12345678901234567168
    // (Python: float(Decimal("12345678901234567890.123456789012345678"))).
    assert_eq!(
        number(&decimal(
            12_345_678_901_234_567_890_123_456_789_012_345_678,
            18
        )),
        12_345_678_901_234_567_168.0
    );
    // 0.1 + 6e-18 is nearer 0.1 than any other double.
    assert_eq!(number(&decimal(-100_000_000_000_000_006, 18)), -0.1);
    assert_eq!(number(&decimal(i128::MIN, 0)), -1.7014118346046923e38);
    // A forged scale: every decimal is then nearest to zero, and no text is sized by it.
    assert_eq!(number(&decimal(i128::MAX, usize::MAX)), 0.0);
}
