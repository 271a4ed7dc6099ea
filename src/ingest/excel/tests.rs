//! The spreadsheet reader on workbooks written here with rust_xlsxwriter: typed cells
//! (dates through the workbook's date system, percent formats, booleans, errors), hidden
//! sheets and `--sheet`. Each case writes one workbook and reads it back.
use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format as XlFormat, Workbook};

use super::*;

fn xlsx(build: impl FnOnce(&mut Workbook)) -> Vec<u8> {
    let mut wb = Workbook::new();
    build(&mut wb);
    wb.save_to_buffer().expect("an in-memory workbook")
}

fn read_xlsx(bytes: Vec<u8>, opts: &ReadOptions) -> (Vec<Table>, Vec<Finding>) {
    let mut findings = Vec::new();
    let tables = read(bytes, Format::Xlsx, "book.xlsx", opts, &mut findings).unwrap();
    (tables, findings)
}

#[test]
fn cells_keep_their_types() {
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet().set_name("Data").unwrap();
        let date = XlFormat::new().set_num_format("yyyy-mm-dd");
        let pct = XlFormat::new().set_num_format("0.0%");
        ws.write_string(0, 0, "Month").unwrap();
        let jan = ExcelDateTime::from_ymd(2024, 1, 31).unwrap();
        ws.write_datetime_with_format(1, 0, &jan, &date).unwrap();
        ws.write_number_with_format(1, 1, 0.25, &pct).unwrap();
        ws.write_number(1, 2, 12.5).unwrap();
        ws.write_boolean(1, 3, true).unwrap();
        ws.write_formula(1, 4, "=1/0").unwrap();
    });
    let (tables, findings) = read_xlsx(bytes, &ReadOptions::default());
    assert!(findings.is_empty(), "{findings:?}");
    let t = &tables[0];
    assert_eq!(t.sheet.as_deref(), Some("Data"));
    assert!(!t.from_text);
    assert_eq!(t.get(0, 0), &Cell::Text("Month".into()));
    assert_eq!(
        t.get(1, 0),
        &Cell::Date(NaiveDate::from_ymd_opt(2024, 1, 31).unwrap())
    );
    assert_eq!(
        t.get(1, 1),
        &Cell::Number {
            value: 0.25,
            percent: true
        }
    );
    assert_eq!(
        t.get(1, 2),
        &Cell::Number {
            value: 12.5,
            percent: false
        }
    );
    assert_eq!(t.get(1, 3), &Cell::Bool(true));
    // rust_xlsxwriter saves 0 as the formula's result; a cell past the row is empty.
    assert_eq!(
        t.get(1, 4),
        &Cell::Number {
            value: 0.0,
            percent: false
        }
    );
    assert_eq!(t.get(5, 9), &Cell::Empty);
}

#[test]
fn hidden_sheets_are_reported_unless_named_with_sheet() {
    let bytes = xlsx(|wb| {
        wb.add_worksheet()
            .set_name("Visible")
            .unwrap()
            .write_string(0, 0, "a")
            .unwrap();
        let hidden = wb.add_worksheet().set_name("Scratch").unwrap();
        hidden.write_string(0, 0, "b").unwrap();
        hidden.set_hidden(true);
    });
    let (tables, findings) = read_xlsx(bytes.clone(), &ReadOptions::default());
    let names: Vec<Option<&str>> = tables.iter().map(|t| t.sheet.as_deref()).collect();
    assert_eq!(names, [Some("Visible")]);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, FindingCode::HiddenSheetSkipped);
    assert_eq!(
        findings[0].message,
        "hidden sheet 'Scratch' was not read (name it with --sheet to read it)"
    );

    let opts = ReadOptions {
        sheets: vec!["scratch".into(), "Missing".into()],
        ..ReadOptions::default()
    };
    let (tables, findings) = read_xlsx(bytes, &opts);
    let names: Vec<Option<&str>> = tables.iter().map(|t| t.sheet.as_deref()).collect();
    assert_eq!(names, [Some("Scratch")]);
    assert_eq!(
        findings[0].message,
        "--sheet 'Missing' is not in book.xlsx; its sheets are: Visible, Scratch"
    );
}

#[test]
fn excel_errors_and_out_of_range_serials_become_findable_cells() {
    let cases = [
        (
            Data::Error(calamine::CellErrorType::NA),
            Cell::Error("#N/A".into()),
        ),
        (Data::Float(f64::INFINITY), Cell::Error("inf".into())),
        (
            Data::Int(3),
            Cell::Number {
                value: 3.0,
                percent: false,
            },
        ),
        (Data::String("x".into()), Cell::Text("x".into())),
        (Data::Empty, Cell::Empty),
    ];
    for (data, want) in cases {
        assert_eq!(convert(data.clone(), false, false), want, "{data:?}");
    }
}

/// The cells read become rows as the sheet shows them, whatever order they came in:
/// each row as long as its last cell, gaps and empty rows empty, a cell given twice
/// its later value.
#[test]
fn sparse_cells_become_rows_in_sheet_order() {
    let mut sparse = Sparse::new("f.xlsx", "S", 0);
    let text = |s: &str| Cell::Text(s.into());
    for (r, c, cell) in [
        (2, 1, text("c")),
        (0, 0, text("a")),
        (2, 0, text("b")),
        (0, 2, text("x")),
        (0, 2, text("y")),
        (3, 0, Cell::Empty),
    ] {
        sparse.push(r, c, cell).unwrap();
    }
    let t = sparse.into_table(false);
    let rows: Vec<Vec<Cell>> = t.cells.iter().map(<[Cell]>::to_vec).collect();
    assert_eq!(
        rows,
        [
            vec![text("a"), Cell::Empty, text("y")],
            vec![],
            vec![text("b"), text("c")],
        ]
    );
    assert_eq!(
        Sparse::new("f.xlsx", "S", 0).into_table(false).cells.len(),
        0
    );
}

/// The text of a workbook's cells is counted across its sheets and refused past the
/// budget, naming the cell that passes it; numbers do not count.
#[test]
fn text_past_the_budget_is_refused_at_the_cell_that_passes_it() {
    let mut sparse = Sparse::new("f.xlsx", "Data", TEXT_BUDGET - 10);
    sparse.push(0, 0, Cell::Text("0123456789".into())).unwrap();
    sparse
        .push(
            0,
            1,
            Cell::Number {
                value: 1.0,
                percent: false,
            },
        )
        .unwrap();
    assert_eq!(sparse.text, TEXT_BUDGET);
    let err = sparse.push(6, 1, Cell::Text("x".into())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "could not read f.xlsx: its cells hold more than 256 MB of text together (sheet 'Data' passes it at B7), over the budget of a workbook; export only the data range, without long texts repeated in many cells"
    );
    assert_eq!(err.exit_code(), 4);
}
