use std::fmt::Write as _;

use super::*;

/// A long CSV of `rows` data rows (one KPI, daily).
fn long_csv(rows: usize) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let mut text = String::from("date,kpi,value,target\n");
    for i in 0..rows {
        let day = start + chrono::Duration::days(i as i64);
        let _ = writeln!(text, "{day},Calls,{},100", i % 97);
    }
    text
}

#[test]
fn rows_are_counted_as_they_are_read_chunk_by_chunk() {
    // 300,000 rows of 4 cells: two chunks of text (a chunk is about a million cells).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.csv");
    std::fs::write(&path, long_csv(300_000)).unwrap();
    let rows = AtomicU64::new(0);
    let read = read_inputs_counting(&[path], &ReadOptions::default(), &rows).unwrap();
    // The header row is a row read too.
    assert_eq!(rows.load(Ordering::Relaxed), 300_001);
    assert_eq!(read.observations.values(), 300_000);
}

#[test]
fn a_count_adds_every_file_read() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    std::fs::write(&a, long_csv(10)).unwrap();
    std::fs::write(&b, long_csv(25).replace("Calls", "Tickets")).unwrap();
    let rows = AtomicU64::new(5);
    read_inputs_counting(&[a, b], &ReadOptions::default(), &rows).unwrap();
    assert_eq!(rows.load(Ordering::Relaxed), 5 + 11 + 26);
}
