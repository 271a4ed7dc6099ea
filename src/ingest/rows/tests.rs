//! The row readers, table-driven, through layout detection as a CSV reaches them: each
//! case is a grid of text cells and what reading it must give — the layout and header
//! row, every observation (KPI, date, value, target, 1-based source row) and the
//! finding codes. Expected values follow docs/methods.md §1 and docs/interface.md
//! (layouts).
use crate::ingest::layout::read_table;
use crate::ingest::{ReadOptions, Table};
use crate::model::dataset::{Dataset, Layout};
use crate::model::finding::FindingCode;
use crate::testkit::table;

/// KPI, period start, value, target, source row.
type Obs = (&'static str, &'static str, Option<f64>, Option<f64>, u32);

/// An observation as read, in the same shape.
type Read = (String, String, Option<f64>, Option<f64>, u32);

struct Case {
    name: &'static str,
    cells: &'static [&'static [&'static str]],
    layout: Layout,
    header_row: u32,
    observations: &'static [Obs],
    findings: &'static [FindingCode],
}

const CASES: &[Case] = &[
    Case {
        name: "long: date, KPI, value and target columns",
        cells: &[
            &["Date", "KPI", "Value", "Target"],
            &["2024-01-31", "Revenue", "10", "12"],
            &["2024-01-31", "Cost", "4", ""],
            &["2024-02-29", "Revenue", "11", "12"],
        ],
        layout: Layout::Long,
        header_row: 1,
        observations: &[
            ("Revenue", "2024-01-31", Some(10.0), Some(12.0), 2),
            ("Cost", "2024-01-31", Some(4.0), None, 3),
            ("Revenue", "2024-02-29", Some(11.0), Some(12.0), 4),
        ],
        findings: &[],
    },
    Case {
        name: "long under a title: the header is found below it and rows keep their numbers",
        cells: &[
            &["Monthly KPI export"],
            &[],
            &["Period", "Metric", "Actual"],
            &["2024-01", "NPS", "31"],
            &["2024-02", "NPS", "33"],
        ],
        layout: Layout::Long,
        header_row: 3,
        observations: &[
            ("NPS", "2024-01-01", Some(31.0), None, 4),
            ("NPS", "2024-02-01", Some(33.0), None, 5),
        ],
        findings: &[FindingCode::TitleRowsSkipped],
    },
    Case {
        name: "long: a footer row is skipped, a value that is not a number is named",
        cells: &[
            &["Date", "KPI", "Value"],
            &["2024-01-31", "Revenue", "10"],
            &["2024-02-29", "Revenue", "ten"],
            &["Total", "", "10"],
        ],
        layout: Layout::Long,
        header_row: 1,
        observations: &[
            ("Revenue", "2024-01-31", Some(10.0), None, 2),
            ("Revenue", "2024-02-29", None, None, 3),
        ],
        findings: &[FindingCode::BadValue, FindingCode::FooterRowsSkipped],
    },
    Case {
        name: "wide: one column per KPI, its target column beside it, a unit in brackets",
        cells: &[
            &["Month", "Revenue (USD)", "Revenue target", "Cost"],
            &["2024-01", "10", "12", "4"],
            &["2024-02", "11", "12", ""],
        ],
        layout: Layout::Wide,
        header_row: 1,
        observations: &[
            ("Revenue", "2024-01-01", Some(10.0), Some(12.0), 2),
            ("Cost", "2024-01-01", Some(4.0), None, 2),
            ("Revenue", "2024-02-01", Some(11.0), Some(12.0), 3),
            ("Cost", "2024-02-01", None, None, 3),
        ],
        findings: &[],
    },
    Case {
        name: "wide: a text column is not a KPI",
        cells: &[
            &["Date", "Revenue", "Comment"],
            &["2024-01-31", "10", "quiet month"],
            &["2024-02-29", "11", "launch"],
        ],
        layout: Layout::Wide,
        header_row: 1,
        observations: &[
            ("Revenue", "2024-01-31", Some(10.0), None, 2),
            ("Revenue", "2024-02-29", Some(11.0), None, 3),
        ],
        findings: &[FindingCode::TextColumnSkipped],
    },
    Case {
        name: "periods across: a target row, and the quarter subtotal column skipped",
        cells: &[
            &["KPI", "Jan 2024", "Feb 2024", "Mar 2024", "Q1 2024"],
            &["Revenue", "1", "2", "3", "6"],
            &["Revenue target", "2", "2", "2", "6"],
            &["Cost", "5", "", "4", "9"],
        ],
        layout: Layout::PeriodsAcross,
        header_row: 1,
        observations: &[
            ("Revenue", "2024-01-01", Some(1.0), Some(2.0), 2),
            ("Revenue", "2024-02-01", Some(2.0), Some(2.0), 2),
            ("Revenue", "2024-03-01", Some(3.0), Some(2.0), 2),
            ("Cost", "2024-01-01", Some(5.0), None, 4),
            ("Cost", "2024-02-01", None, None, 4),
            ("Cost", "2024-03-01", Some(4.0), None, 4),
        ],
        findings: &[FindingCode::SubtotalColumnsSkipped],
    },
    Case {
        name: "periods across: a year row above month names completes them",
        cells: &[
            &["", "2024", "", "2025"],
            &["KPI", "Nov", "Dec", "Jan"],
            &["Churn", "0.1", "0.2", "0.3"],
        ],
        layout: Layout::PeriodsAcross,
        header_row: 2,
        observations: &[
            ("Churn", "2024-11-01", Some(0.1), None, 3),
            ("Churn", "2024-12-01", Some(0.2), None, 3),
            ("Churn", "2025-01-01", Some(0.3), None, 3),
        ],
        findings: &[],
    },
];

#[test]
fn layout_cases() {
    for case in CASES {
        let mut ds = Dataset::default();
        read_table(
            &table("data.csv", case.cells),
            &ReadOptions::default(),
            &mut ds,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(ds.layouts.len(), 1, "{}", case.name);
        assert_eq!(ds.layouts[0].layout, case.layout, "{}", case.name);
        assert_eq!(
            ds.layouts[0].header_row,
            Some(case.header_row),
            "{}",
            case.name
        );
        let mut got: Vec<Read> = ds
            .observations
            .iter()
            .map(|o| {
                (
                    o.kpi.clone(),
                    o.date.to_string(),
                    o.value,
                    o.target,
                    o.source.row,
                )
            })
            .collect();
        let mut want: Vec<Read> = case
            .observations
            .iter()
            .map(|(k, d, v, t, r)| ((*k).to_string(), (*d).to_string(), *v, *t, *r))
            .collect();
        // The readers' order (row by row or column by column) is not part of the contract.
        let key = |o: &Read| (o.0.clone(), o.1.clone());
        got.sort_by_key(key);
        want.sort_by_key(key);
        assert_eq!(got, want, "{}", case.name);
        let codes: Vec<FindingCode> = ds.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, case.findings, "{}", case.name);
    }
}

#[test]
fn a_unit_in_brackets_becomes_the_kpi_unit() {
    let mut ds = Dataset::default();
    let cells: &[&[&str]] = &[&["Month", "AHT [min]"], &["2024-01", "4.5"]];
    read_table(&table("data.csv", cells), &ReadOptions::default(), &mut ds).unwrap();
    assert_eq!(ds.observations.kpis()[0].name, "AHT");
    let def = ds.data_defs.iter().find(|d| d.name == "AHT").unwrap();
    assert_eq!(def.unit.as_deref(), Some("min"));
}

#[test]
fn kpis_past_the_store_limit_are_read_counted_and_dropped() {
    let mut ds = Dataset {
        observations: crate::model::series::Observations::with_limit(2),
        ..Dataset::default()
    };
    // Long: ORD-3 and ORD-4 come after the store holds two KPIs. ORD-3's bad value
    // and ORD-4's upside-down band are still findings naming them; ORD-4's owner is
    // not kept.
    let long: &[&[&str]] = &[
        &["Date", "KPI", "Value", "Target min", "Target max", "Owner"],
        &["2024-01", "ORD-1", "1", "", "", "Ann"],
        &["2024-01", "ORD-2", "2", "", "", ""],
        &["2024-01", "ORD-3", "x", "", "", ""],
        &["2024-02", "ORD-4", "4", "9", "5", "Bob"],
        &["2024-02", "ORD-1", "5", "", "", ""],
        &["2024-03", "ord-3", "6", "", "", ""],
    ];
    read_table(&table("long.csv", long), &ReadOptions::default(), &mut ds).unwrap();
    // Periods across, another table: ORD-3 again and a new ORD-5.
    let across: &[&[&str]] = &[
        &["KPI", "Owner", "2024-01", "2024-02"],
        &["ORD-3", "Cy", "7", "8"],
        &["ORD-5", "Di", "9", ""],
        &["ORD-2", "Ed", "10", "11"],
    ];
    read_table(
        &table("across.csv", across),
        &ReadOptions::default(),
        &mut ds,
    )
    .unwrap();
    let o = &ds.observations;
    let kept: Vec<&str> = o.kpis().iter().map(|k| k.name.as_str()).collect();
    assert_eq!(kept, ["ORD-1", "ORD-2"]);
    assert_eq!(o.kpis()[1].len(), 3);
    assert_eq!(o.left_out(), Some((3, "ORD-3", "ORD-5")));
    assert_eq!((ds.kpi_count(), o.len(), o.values()), (5, 12, 10));
    let per_table: Vec<usize> = ds.layouts.iter().map(|l| l.kpis).collect();
    assert_eq!(per_table, [4, 3]);
    let owners: Vec<(&str, Option<&str>)> = ds
        .data_defs
        .iter()
        .map(|d| (d.name.as_str(), d.owner.as_deref()))
        .collect();
    assert_eq!(owners, [("ORD-1", Some("Ann")), ("ORD-2", Some("Ed"))]);
    let findings: Vec<(FindingCode, Option<&str>)> = ds
        .findings
        .iter()
        .map(|f| (f.code, f.kpi.as_deref()))
        .collect();
    assert_eq!(
        findings,
        [
            (FindingCode::BadValue, Some("ORD-3")),
            (FindingCode::BadTargetRange, Some("ORD-4")),
        ]
    );
}

#[test]
fn a_table_with_no_header_is_skipped_with_a_finding() {
    let mut ds = Dataset::default();
    let cells: &[&[&str]] = &[&["hello", "world"], &["foo", "bar"]];
    read_table(&table("notes.csv", cells), &ReadOptions::default(), &mut ds).unwrap();
    assert_eq!(ds.layouts[0].layout, Layout::Unknown);
    assert!(ds.observations.is_empty());
    assert_eq!(ds.findings[0].code, FindingCode::LayoutNotDetected);
    assert_eq!(ds.findings[0].file.as_deref(), Some("notes.csv"));
}

/// A table read in chunks (as a long text file is) gives exactly what it gives whole:
/// the same observations, findings and description.
#[test]
fn chunks_read_like_the_whole_table() {
    for case in CASES {
        let whole = table("data.csv", case.cells);
        let mut expected = Dataset::default();
        read_table(&whole, &ReadOptions::default(), &mut expected).unwrap();
        // The header and one row first, then one row per chunk.
        let split = (case.header_row as usize + 1).min(whole.cells.len());
        let got = read_in_chunks(&whole, split).unwrap();
        let obs = |d: &Dataset| d.observations.iter().collect::<Vec<_>>();
        assert_eq!(obs(&got), obs(&expected), "{}", case.name);
        assert_eq!(got.findings, expected.findings, "{}", case.name);
        assert_eq!(got.layouts, expected.layouts, "{}", case.name);
    }
}

/// `whole` read as a long text file is: its first `split` rows, then one row per chunk.
fn read_in_chunks(whole: &Table, split: usize) -> crate::error::Result<Dataset> {
    use crate::ingest::layout::read_chunks;
    let first = Table {
        cells: whole
            .cells
            .iter()
            .take(split)
            .map(<[_]>::to_vec)
            .collect::<Vec<_>>()
            .into(),
        ..whole.clone()
    };
    let mut rest = (split..whole.cells.len()).map(|r| Table {
        cells: vec![whole.cells[r].to_vec()].into(),
        first_row: r,
        ..whole.clone()
    });
    let mut got = Dataset::default();
    read_chunks(
        &first,
        &mut rest,
        &mut drop,
        &ReadOptions::default(),
        &mut got,
    )
    .map(|()| got)
}

/// ISO dates settle no day/month order; a later chunk's `03/04/2024` still stops the
/// read, naming its row, as it would in the first chunk.
#[test]
fn an_ambiguous_date_after_chunks_of_iso_dates_stops_the_read() {
    let cells: &[&[&str]] = &[
        &["Date", "KPI", "Value"],
        &["2024-01-31", "Revenue", "10"],
        &["2024-02-29", "Revenue", "11"],
        &["03/04/2024", "Revenue", "12"],
    ];
    let err = read_in_chunks(&table("data.csv", cells), 2)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "data.csv, the date column (column A, from row 4): dates like '03/04/2024' could be \
         day/month or month/day and no value settles it; give the order with --date-format \
         '%d/%m/%Y' or --date-format '%m/%d/%Y'"
    );
}

/// A later chunk that settles the order (13/04 is day-first) is read in that order.
#[test]
fn a_later_chunk_settles_the_day_month_order() {
    let cells: &[&[&str]] = &[
        &["Date", "KPI", "Value"],
        &["2024-01-31", "Revenue", "10"],
        &["2024-02-29", "Revenue", "11"],
        &["13/04/2024", "Revenue", "12"],
        &["03/05/2024", "Revenue", "13"],
    ];
    let ds = read_in_chunks(&table("data.csv", cells), 2).unwrap();
    let dates: Vec<String> = ds.observations.iter().map(|o| o.date.to_string()).collect();
    assert_eq!(
        dates,
        ["2024-01-31", "2024-02-29", "2024-04-13", "2024-05-03"]
    );
}

/// A later chunk whose dates read the other way round than the first chunk's stops
/// the read, naming the row where the chunk starts; ISO dates and labels between them
/// change nothing.
#[test]
fn a_later_chunk_read_the_other_way_round_stops_the_read() {
    let cells: &[&[&str]] = &[
        &["Date", "KPI", "Value"],
        &["13/04/2024", "Revenue", "10"],
        &["2024-05-31", "Revenue", "11"],
        &["04/14/2024", "Revenue", "12"],
    ];
    let err = read_in_chunks(&table("data.csv", cells), 2)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "data.csv, the date column: the dates read day-first in the rows before row 4 and \
         month-first from there; fix the column or give --date-format"
    );
}

/// The same long rows sorted by KPI and sorted by date give the same observations and
/// KPIs (a reader remembers the row before's KPI and date to skip lookups).
#[test]
fn long_rows_read_alike_in_any_order() {
    let by_kpi: &[&[&str]] = &[
        &["Date", "KPI", "Value"],
        &["2024-01-31", "Revenue", "10"],
        &["2024-02-29", "Revenue", "11"],
        &["2024-03-31", "Revenue", "12"],
        &["2024-01-31", "revenue ", "13"],
        &["2024-01-31", "Cost", "4"],
        &["2024-02-29", "Cost", "5"],
        &["2024-03-31", "Cost", "6"],
    ];
    let by_date: &[&[&str]] = &[
        &["Date", "KPI", "Value"],
        &["2024-01-31", "Cost", "4"],
        &["2024-01-31", "Revenue", "10"],
        &["2024-01-31", "revenue ", "13"],
        &["2024-02-29", "Cost", "5"],
        &["2024-02-29", "Revenue", "11"],
        &["2024-03-31", "Cost", "6"],
        &["2024-03-31", "Revenue", "12"],
    ];
    let read = |cells: &[&[&str]]| {
        let ds = read_in_chunks(&table("data.csv", cells), 2).unwrap();
        let mut obs: Vec<(String, String, Option<f64>)> = ds
            .observations
            .iter()
            .map(|o| (o.kpi.clone(), o.date.to_string(), o.value))
            .collect();
        obs.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let mut kpis: Vec<String> = ds
            .observations
            .kpis()
            .iter()
            .map(|k| k.name.clone())
            .collect();
        kpis.sort();
        (obs, kpis)
    };
    let (obs, kpis) = read(by_kpi);
    assert_eq!((obs.clone(), kpis.clone()), read(by_date));
    assert_eq!(kpis, ["Cost", "Revenue"]);
    assert_eq!(
        obs.iter().filter(|o| o.0 == "Revenue").count(),
        4,
        "'revenue ' is Revenue"
    );
}

/// A long text table counts its rows as it reads them: the rows that hold something
/// (not the blank one), and the ragged ones in one finding that comes before the
/// table's other findings, the same read whole or a row per chunk.
#[test]
fn a_long_tables_rows_and_ragged_rows_are_counted_as_they_are_read() {
    let cells: &[&[&str]] = &[
        &["Date", "KPI", "Value"],
        &["2024-01-01", "A", "1"],
        &["2024-02-01", "A", "2", "extra"],
        &["", "", ""],
        &["someday", "A", "3"],
        &["2024-03-01", "A"],
        &["2024-04-01", "A", "4"],
    ];
    let whole = table("data.csv", cells);
    let mut expected = Dataset::default();
    read_table(&whole, &ReadOptions::default(), &mut expected).unwrap();
    let got = read_in_chunks(&whole, 2).unwrap();
    for ds in [&expected, &got] {
        assert_eq!(ds.layouts[0].data_rows, 5);
        let codes: Vec<FindingCode> = ds.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, [FindingCode::RaggedRow, FindingCode::BadDate]);
        assert_eq!(
            ds.findings[0].message,
            "2 row(s) have a different number of fields than the header's 3 (row 3 has 4); extra fields were ignored and missing ones read as empty"
        );
    }
    assert_eq!(got.findings, expected.findings);
}
