//! Cell helpers: the width a number takes, and the format a column carries.
use super::*;

/// `v` as the `#,##0.00` format shows it: two decimals, thousands separated.
fn shown(v: f64) -> String {
    let printed = format!("{:.2}", v.abs());
    let (int, dec) = printed.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 { "-" } else { "" };
    format!("{sign}{grouped}.{dec}")
}

#[test]
fn number_width_is_the_shown_width() {
    let values = [
        0.0,
        -0.0,
        0.004,
        0.5,
        0.994,
        0.995,
        0.996,
        1.0,
        9.994,
        9.995,
        9.996,
        9.999,
        99.99,
        99.995,
        100.0,
        999.999,
        1234.5,
        -1234.5,
        99_999.996,
        999_999.995,
        1_000_000.0,
        123_456_789.123,
        1e14 + 0.5,
        999_999_999_999_999.0,
        1e15,
        1e20,
        -7.25e18,
    ];
    for v in values {
        assert_eq!(
            number_chars(v),
            shown(v).chars().count(),
            "{v} shown as {}",
            shown(v)
        );
    }
}

#[test]
fn most_common_counts_by_address() {
    let st = Styles::new();
    // `number` and `r` differ; two formats equal in value but apart in memory are two.
    let twin = st.number.clone();
    let pairs = [(&st.number, 3), (&twin, 2), (&st.r, 4), (&twin, 3)];
    assert!(std::ptr::eq(most_common(pairs).unwrap(), &raw const twin));
    assert!(most_common(std::iter::empty()).is_none());
    // Ties go to the first.
    let tied = [(&st.r, 2), (&st.number, 2)];
    assert!(std::ptr::eq(most_common(tied).unwrap(), &raw const st.r));
}

/// The cell formats of a styles part, in index order (what a cell's `s="N"` names).
fn cell_xfs(styles: &str) -> Vec<&str> {
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    xfs.split("<xf ").skip(1).collect()
}

/// The parts of a one-sheet workbook, saved to memory: (sheet XML, styles XML, shared
/// strings XML).
fn saved_parts(wb: &mut rust_xlsxwriter::Workbook) -> (String, String, String) {
    use std::io::Read as _;
    let bytes = wb.save_to_buffer().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    (
        read("xl/worksheets/sheet1.xml"),
        read("xl/styles.xml"),
        read("xl/sharedStrings.xml"),
    )
}

#[test]
fn merged_text_fills_the_merge_and_stays_literal() {
    let st = Styles::new();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    merge_text(ws, 0, (1, 3), "Plain words", &st.wrap, Covered::Formatted).unwrap();
    merge_text(ws, 1, (1, 2), "=SUM(A1)", &st.wrap, Covered::Formatted).unwrap();
    // One column: no merge, just the cell.
    merge_text(ws, 2, (4, 4), "alone", &st.wrap, Covered::Empty).unwrap();
    merge_text(
        ws,
        3,
        (0, 1),
        &"x".repeat(MAX_CELL_TEXT + 10),
        &st.wrap,
        Covered::Empty,
    )
    .unwrap();
    merge_text(
        ws,
        4,
        (1, 3),
        "=covered cells left out",
        &st.wrap,
        Covered::Empty,
    )
    .unwrap();
    let (sheet, styles, strings) = saved_parts(&mut wb);

    assert!(sheet.contains(r#"<mergeCells count="4"><mergeCell ref="B1:D1"/><mergeCell ref="B2:C2"/><mergeCell ref="A4:B4"/><mergeCell ref="B5:D5"/></mergeCells>"#), "{sheet}");
    // The text in the first cell, the rest of the merge blank with the format...
    assert!(
        sheet.contains(r#"<c r="B1" s="1" t="s"><v>0</v></c><c r="C1" s="1"/><c r="D1" s="1"/>"#),
        "{sheet}"
    );
    // ... or left out when the format shows nothing there.
    assert!(
        sheet.contains(r#"<row r="4" spans="1:5"><c r="A4" s="1" t="s"><v>3</v></c></row>"#),
        "{sheet}"
    );
    assert!(
        sheet.contains(r#"<row r="5" spans="1:5"><c r="B5" s="2" t="s"><v>4</v></c></row>"#),
        "{sheet}"
    );
    // Formula-like text keeps Excel's quote prefix, in the cell and across the merge.
    let xfs = cell_xfs(&styles);
    let quoted = |cell: &str| {
        let open = format!(r#"<c r="{cell}" s=""#);
        let at = sheet.find(&open).unwrap() + open.len();
        let xf: usize = sheet[at..at + sheet[at..].find('"').unwrap()]
            .parse()
            .unwrap();
        xfs[xf].contains(r#"quotePrefix="1""#)
    };
    assert!(quoted("B2") && quoted("C2") && quoted("B5") && !quoted("B1"));
    assert!(strings.contains("<t>=SUM(A1)</t>"), "{strings}");
    assert!(sheet.contains(r#"<c r="E3" s="1" t="s">"#), "{sheet}");
    // Text over Excel's limit is cut to it.
    let long = format!("<t>{}</t>", "x".repeat(MAX_CELL_TEXT));
    assert!(strings.contains(&long));
}

#[test]
fn span_text_merges_only_text_of_more_than_one_line() {
    let st = Styles::new();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    // 20 characters fit a span 20 wide on one line; 21 do not, nor do two lines.
    let one = "x".repeat(20);
    assert_eq!(span_text(ws, 0, (1, 3), 20, &one, &st).unwrap(), None);
    let long = "y".repeat(21);
    assert_eq!(
        span_text(ws, 1, (1, 3), 20, &long, &st).unwrap(),
        Some(28.0)
    );
    assert_eq!(
        span_text(ws, 2, (1, 3), 20, "a\nb", &st).unwrap(),
        Some(28.0)
    );
    let (sheet, styles, _) = saved_parts(&mut wb);

    // One line: the first cell alone, unwrapped, so it shows across the empty cells.
    assert!(
        sheet.contains(r#"<row r="1" spans="2:2"><c r="B1" s="1" t="s"><v>0</v></c></row>"#),
        "{sheet}"
    );
    // More: merged and wrapped, the covered cells left out.
    assert!(
        sheet.contains(
            r#"<mergeCells count="2"><mergeCell ref="B2:D2"/><mergeCell ref="B3:D3"/></mergeCells>"#
        ),
        "{sheet}"
    );
    assert!(
        sheet.contains(r#"<row r="2" spans="2:2"><c r="B2" s="2" t="s"><v>1</v></c></row>"#),
        "{sheet}"
    );
    let xfs = cell_xfs(&styles);
    assert!(
        !xfs[1].contains("wrapText") && xfs[2].contains(r#"wrapText="1""#),
        "{xfs:?}"
    );
}
