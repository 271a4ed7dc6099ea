//! Workbooks whose structure is forged — counts, chains and repeat factors that a
//! damaged or hostile file can set to anything — must be refused before calamine
//! follows them: "could not read FILE: damaged workbook (…)", exit 4, or a finding when
//! other inputs remain. Without the guards each of these aborts the process (a
//! terabyte allocation) or allocates until the machine kills it.
//!
//! The xls seed is a real BIFF8 file (`scripts/make_xls_fixture.py`): its Workbook
//! stream is sectors 0–23, the FAT sector 24, the directory sector 25.
use std::fmt::Write as _;

use proptest::prelude::*;

use crate::support::{kpi_names, rezip, zipped, Run};

const GOOD: &str = "Date,KPI,Value\n2024-01-01,A,1\n2024-02-01,A,2\n";

fn xls_seed() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/xls/long.xls"
    ))
    .expect("xls fixture")
}

/// File offset of FAT entry `i` (the FAT is sector 24) and of directory entry `e`.
fn fat_at(i: usize) -> usize {
    512 + 24 * 512 + 4 * i
}
fn dir_at(e: usize) -> usize {
    512 + 25 * 512 + 128 * e
}
fn put(bytes: &mut [u8], at: usize, v: u32) {
    bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// `report FILE` on its own: exit 4 and the damaged-workbook message.
fn refused(name: &str, bytes: Vec<u8>, why: &str) {
    let stderr = exit_4(
        name,
        bytes,
        &format!("could not read {name}: damaged workbook ("),
    );
    assert!(stderr.contains(why), "{name}: {stderr}");
}

/// `report FILE` on its own: exit 4 and a message containing `want`; the message.
fn exit_4(name: &str, bytes: Vec<u8>, want: &str) -> String {
    let (o, _d) = Run::new()
        .file(name, bytes)
        .args(["report", name, "-o", "out.xlsx"])
        .run();
    assert_eq!(o.code, 4, "{name}: {}", o.stderr);
    assert!(o.stderr.contains(want), "{name}: {}", o.stderr);
    o.stderr
}

/// An xls whose DIMENSIONS record (BIFF8, 14 bytes) declares `rows` rows.
fn declaring_rows(mut xls: Vec<u8>, rows: u32) -> Vec<u8> {
    let at = xls
        .windows(4)
        .position(|w| w == [0x00, 0x02, 14, 0])
        .expect("DIMENSIONS")
        + 4;
    xls[at + 4..at + 8].copy_from_slice(&rows.to_le_bytes());
    xls
}

#[test]
fn the_xls_seed_is_read() {
    let (json, _, _) = Run::new()
        .file("long.xls", xls_seed())
        .report_json(&["long.xls"], &[]);
    assert_eq!(kpi_names(&json), ["Revenue", "Orders"]);
    assert_eq!(json["kpis"][0]["n"], 24);
}

#[test]
fn a_looping_directory_chain_is_refused() {
    let mut b = xls_seed();
    put(&mut b, fat_at(25), 25);
    refused("loop.xls", b, "the directory chain loops back to sector 25");
}

#[test]
fn a_stream_chain_that_loops_back_is_refused() {
    // The Workbook stream claims 4 GB and its last sector links to its first: calamine
    // would copy the same 24 sectors until it had 4 GB.
    let mut b = xls_seed();
    put(&mut b, fat_at(23), 0);
    put(&mut b, dir_at(1) + 120, u32::MAX);
    refused(
        "stream.xls",
        b,
        "the Workbook stream chain loops back to sector 0",
    );
}

#[test]
fn a_chain_past_the_end_of_the_file_is_refused() {
    let mut b = xls_seed();
    put(&mut b, fat_at(10), 99_999);
    refused(
        "past.xls",
        b,
        "points past the end of the file (sector 99999)",
    );
}

#[test]
fn a_difat_naming_one_fat_sector_many_times_is_refused() {
    // 109 header slots all naming sector 24: calamine would copy it 109 times (and a
    // DIFAT chain could repeat it millions of times).
    let mut b = xls_seed();
    for slot in 0..109 {
        put(&mut b, 76 + 4 * slot, 24);
    }
    refused("difat.xls", b, "names FAT sector 24 more than once");
}

#[test]
fn a_damaged_xls_beside_a_good_file_is_a_finding() {
    let mut b = xls_seed();
    put(&mut b, fat_at(25), 25);
    let (json, _, _) = Run::new()
        .file("in/a.csv", GOOD)
        .file("in/b.xls", b)
        .report_json(&["in"], &[]);
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "unreadable_file")
        .expect("unreadable_file");
    assert_eq!(f["severity"], "error");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("damaged workbook (the directory chain loops"),
        "{f}"
    );
    assert_eq!(kpi_names(&json), ["A"]);
}

/// An xlsx with shared strings, to forge their count.
fn xlsx_with_strings() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Date", "KPI", "Value"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    for r in 1..4u32 {
        ws.write(r, 0, format!("2024-0{r}-01")).unwrap();
        ws.write(r, 1, "Revenue").unwrap();
        ws.write(r, 2, f64::from(r)).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn an_absurd_shared_string_count_is_refused_before_calamine_reserves_it() {
    let forged = rezip(&xlsx_with_strings(), |name, text| {
        if name == "xl/sharedStrings.xml" {
            let at = text.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = at + text[at..].find('"').unwrap();
            format!("{}2000000000000{}", &text[..at], &text[end..])
        } else {
            text
        }
    });
    refused(
        "sst.xlsx",
        forged,
        "xl/sharedStrings.xml declares 2000000000000 unique strings in",
    );
    // The honest file reads.
    let (json, _, _) = Run::new()
        .file("ok.xlsx", xlsx_with_strings())
        .report_json(&["ok.xlsx"], &[]);
    assert_eq!(kpi_names(&json), ["Revenue"]);
}

/// A BIFF record: type, length, data.
fn biff(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut r = kind.to_le_bytes().to_vec();
    r.extend(
        u16::try_from(data.len())
            .expect("record length")
            .to_le_bytes(),
    );
    r.extend(data);
    r
}

/// A cell naming shared string `index` (LABELSST) or holding a number (NUMBER).
fn label_sst(row: u16, col: u16, index: u32) -> Vec<u8> {
    let mut d = [row.to_le_bytes(), col.to_le_bytes(), 15u16.to_le_bytes()].concat();
    d.extend(index.to_le_bytes());
    biff(0x00FD, &d)
}
fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut d = [row.to_le_bytes(), col.to_le_bytes(), 15u16.to_le_bytes()].concat();
    d.extend(v.to_le_bytes());
    biff(0x0203, &d)
}

/// An xls of one sheet, "Data", whose cells are the `cells` records, with the shared
/// strings `strings` (one byte per character): BIFF8 in an OLE/CFB container.
fn xls_of(strings: &[String], cells: &[u8]) -> Vec<u8> {
    in_cfb(book_stream(strings, cells))
}

/// The Workbook stream of [`xls_of`]: globals, then the sheet.
fn book_stream(strings: &[String], cells: &[u8]) -> Vec<u8> {
    let bof = |kind: u16| {
        let mut d = [0x0600u16, kind, 0x0DBB, 0x07CC]
            .map(u16::to_le_bytes)
            .concat();
        d.extend([0u32, 6].map(u32::to_le_bytes).concat());
        biff(0x0809, &d)
    };
    let mut sst = [1_000_000u32, strings.len() as u32]
        .map(u32::to_le_bytes)
        .concat();
    for s in strings {
        sst.extend((s.len() as u16).to_le_bytes());
        sst.push(0);
        sst.extend(s.as_bytes());
    }
    // CODEPAGE 1200: BIFF8 text is Unicode.
    let head = [bof(0x0005), biff(0x0042, &1200u16.to_le_bytes())].concat();
    let tail = [biff(0x00FC, &sst), biff(0x000A, &[])].concat();
    let name = b"Data";
    // BOUNDSHEET: where the sheet's BOF is, visible worksheet, its name.
    let sheet_at = head.len() + 4 + 8 + name.len() + tail.len();
    let mut bound = (sheet_at as u32).to_le_bytes().to_vec();
    bound.extend([0, 0, name.len() as u8, 0]);
    bound.extend(name);
    let dims = [0u32, 70_000].map(u32::to_le_bytes).concat();
    let mut stream = [head, biff(0x0085, &bound), tail, bof(0x0010)].concat();
    stream.extend(biff(0x0200, &[dims, vec![0, 0, 0, 1, 0, 0]].concat()));
    stream.extend(cells);
    stream.extend(biff(0x000A, &[]));
    stream
}

/// `stream` as the Workbook stream of an OLE/CFB container of 512-byte sectors: the
/// stream first (padded to 4 KB), then the directory, then the FAT.
fn in_cfb(stream: Vec<u8>) -> Vec<u8> {
    container(stream, false)
}

/// The same container, or (`small`, for a stream under 4 KB) with the stream in the
/// mini stream: its 64-byte mini sectors first, then the mini FAT, the directory and
/// the FAT.
fn container(mut stream: Vec<u8>, small: bool) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    let chain = |first: u32, n: u32| {
        (first..first + n).map(move |i| if i + 1 == first + n { END } else { i + 1 })
    };
    let size = stream.len() as u64;
    let mini_sectors = stream.len().div_ceil(64) as u32;
    if small {
        stream.resize(mini_sectors as usize * 64, 0);
    }
    let root_size = if small { stream.len() as u64 } else { 0 };
    let least = if small { 0 } else { 4096 };
    stream.resize(stream.len().max(least).div_ceil(512) * 512, 0);
    let sectors = (stream.len() / 512) as u32;
    let mini_fat_sectors = u32::from(small);
    let dir = sectors + mini_fat_sectors;
    let mut fats = 1u32;
    while dir + 1 + fats > fats * 128 {
        fats += 1;
    }
    let mut fat: Vec<u32> = chain(0, sectors).collect();
    if small {
        fat.push(END); // the mini FAT
    }
    fat.push(END); // the directory
    fat.extend(std::iter::repeat_n(0xFFFF_FFFD, fats as usize));
    fat.resize(fats as usize * 128, 0xFFFF_FFFF);
    let entry = |name: &str, kind: u8, start: u32, size: u64, child: u32| {
        let mut e: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        let len = e.len() as u16;
        e.resize(64, 0);
        e.extend(len.to_le_bytes());
        e.extend([kind, 1]);
        e.extend(
            [0xFFFF_FFFF, 0xFFFF_FFFF, child]
                .map(u32::to_le_bytes)
                .concat(),
        );
        e.extend([0; 36]);
        e.extend(start.to_le_bytes());
        e.extend(size.to_le_bytes());
        e
    };
    let mut file = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    file.extend([0; 16]);
    file.extend([0x3E, 3, 0xFFFE, 9, 6].map(u16::to_le_bytes).concat());
    file.extend([0; 6]);
    let mini_fat_start = if small { sectors } else { END };
    file.extend(
        [
            0,
            fats,
            dir,
            0,
            4096,
            mini_fat_start,
            mini_fat_sectors,
            END,
            0,
        ]
        .map(u32::to_le_bytes)
        .concat(),
    );
    let difat = (0..109).map(|i| if i < fats { dir + 1 + i } else { 0xFFFF_FFFF });
    file.extend(difat.flat_map(u32::to_le_bytes));
    file.extend(stream);
    if small {
        let mut mini_fat: Vec<u32> = chain(0, mini_sectors).collect();
        mini_fat.resize(128, 0xFFFF_FFFF);
        file.extend(mini_fat.into_iter().flat_map(u32::to_le_bytes));
    }
    let root_start = if small { 0 } else { END };
    file.extend(entry("Root Entry", 5, root_start, root_size, 1));
    file.extend(entry("Workbook", 2, 0, size, 0xFFFF_FFFF));
    file.extend([0; 256]);
    file.extend(fat.into_iter().flat_map(u32::to_le_bytes));
    file
}

/// calamine reserves room for the cells a sheet's DIMENSIONS record declares, and
/// gives each xls cell that names a shared string its own copy of it, for every
/// sheet, when it opens the file: half a megabyte of cells naming one 8,000-character
/// string would ask for 320 MB (a 7 MB file, 5.8 GB and an abort). Both are read from
/// the records first.
#[test]
fn xls_dimensions_and_shared_text_past_the_budgets_are_refused() {
    let mut strings: Vec<String> = ["Month", "A"].map(String::from).to_vec();
    strings.extend((1..=12).map(|m| format!("2024-{m:02}")));
    strings.push("x".repeat(8000));
    let mut cells = [label_sst(0, 0, 0), label_sst(0, 1, 1)].concat();
    for m in 1..=12u16 {
        cells.extend(label_sst(m, 0, u32::from(m) + 1));
        cells.extend(number(m, 1, f64::from(m)));
    }
    let (json, _, _) = Run::new()
        .file("ok.xls", xls_of(&strings, &cells))
        .report_json(&["ok.xls"], &[]);
    assert_eq!(kpi_names(&json), ["A"]);
    assert_eq!(json["kpis"][0]["n"], 12);
    // A DIMENSIONS record that declares 50 million rows has calamine reserve room
    // for all of them (an abort): patched into the file above.
    refused(
        "declared.xls",
        declaring_rows(xls_of(&strings, &cells), 50_000_000),
        "a sheet declares dimensions of 12800000000 cells, more than an xls sheet can hold",
    );
    // One stray cell far to the right: calamine lays out rows × columns from the
    // first cell to the last (a fuzzed 12 KB file asked for 136 GB).
    let stray = [cells.clone(), number(60_000, 1000, 1.0)].concat();
    exit_4(
        "stray.xls",
        xls_of(&strings, &stray),
        "could not read stray.xls: a sheet's cells span 60001 rows × 1001 columns, over the budget of 20000000 cells",
    );
    // The same sheet in a stream under 4 KB, kept in the mini stream: read the same
    // way when honest, refused the same way when forged.
    let small = |cells: &[u8]| {
        let mut strings = strings.clone();
        strings.pop();
        container(book_stream(&strings, cells), true)
    };
    let (json, _, _) = Run::new()
        .file("small.xls", small(&cells))
        .report_json(&["small.xls"], &[]);
    assert_eq!(kpi_names(&json), ["A"]);
    refused(
        "declared_small.xls",
        declaring_rows(small(&cells), 50_000_000),
        "a sheet declares dimensions of 12800000000 cells, more than an xls sheet can hold",
    );
    for row in 20..40_020u16 {
        cells.extend(label_sst(row, 3, 14));
    }
    exit_4(
        "amplified.xls",
        xls_of(&strings, &cells),
        "could not read amplified.xls: its cells would hold more than 256 MB of text together (shared strings named by many cells), over the budget of a workbook",
    );
}

/// A minimal ods whose one sheet has `rows` of the given XML.
fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Data">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zipped(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_bytes()),
    ])
}

fn text_cell(t: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
    )
}

#[test]
fn ods_repeat_counts_that_expand_past_the_budget_are_refused() {
    let header = format!(
        "<table:table-row>{}{}{}</table:table-row>",
        text_cell("Date"),
        text_cell("KPI"),
        text_cell("Value")
    );
    // 2,000 rows, each one value repeated across all 16,384 columns: 33 million cells
    // that calamine would hold (about 2 GB) from a file of a few kilobytes.
    let wide = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
    let forged = ods(&format!("{header}{}", wide.repeat(2000)));
    let stderr = exit_4("wide.ods", forged, "sheet 'Data' expands to");
    assert!(stderr.contains("budget"), "{stderr}");
    // One row repeated a million times is refused the same way.
    let tall = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="100"/></table:table-row>"#;
    exit_4(
        "tall.ods",
        ods(&format!("{header}{tall}")),
        "1000001 rows × 100 columns",
    );
    // An honest ods with trailing empty repeats (as LibreOffice writes them) reads.
    let row = |d: &str, v: &str| {
        format!(
            r#"<table:table-row>{}{}<table:table-cell office:value-type="float" office:value="{v}"/><table:table-cell table:number-columns-repeated="16381"/></table:table-row>"#,
            text_cell(d),
            text_cell("Revenue")
        )
    };
    let honest = ods(&format!(
        "{header}{}{}<table:table-row table:number-rows-repeated=\"1048574\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>",
        row("2024-01-01", "1"),
        row("2024-02-01", "2")
    ));
    let (json, _, _) = Run::new()
        .file("ok.ods", honest)
        .report_json(&["ok.ods"], &[]);
    assert_eq!(kpi_names(&json), ["Revenue"]);
}

/// calamine copies a repeated cell's text into every cell it expands to, and a
/// `<text:s text:c>` into that many spaces: a few kilobytes of ods could ask for
/// gigabytes of text. The text they would hold is counted first, against a budget.
#[test]
fn ods_text_repeated_past_the_text_budget_is_refused() {
    let header = format!(
        "<table:table-row>{}{}{}</table:table-row>",
        text_cell("Date"),
        text_cell("KPI"),
        text_cell("Value")
    );
    let refused = |xml: &str, want: &str| {
        exit_4("t.ods", ods(&format!("{header}{xml}")), want);
    };
    let text_budget = "t.ods: its cells would hold more than 256 MB of text together through their repeat counts (sheet 'Data' passes it), over the budget of a workbook; export only the data range, without long texts repeated in many cells";
    // 300 characters in a row repeated a million times: 300 MB in a million cells.
    let long = format!(
        r#"<table:table-row table:number-rows-repeated="1000000">{}</table:table-row>"#,
        text_cell(&"x".repeat(300))
    );
    refused(&long, text_budget);
    // The same text in a cell repeated across 1,000 columns of 1,000 rows.
    let wide = format!(
        r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell office:value-type="string" table:number-columns-repeated="1000"><text:p>{}</text:p></table:table-cell></table:table-row>"#,
        "x".repeat(300)
    );
    refused(&wide, text_budget);
    // Two billion spaces in one cell.
    refused(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/>b</text:p></table:table-cell></table:table-row>"#,
        text_budget,
    );
    // A note left open in a number cell (calamine skips it) hides nothing after it.
    refused(
        &format!(
            r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"><office:annotation><text:p>note</text:p></table:table-cell></table:table-row>{long}"#
        ),
        text_budget,
    );
    // An error cell's content is its text (its string value is empty).
    refused(
        r#"<table:table-row><table:table-cell office:value-type="string" office:string-value="" calcext:value-type="error"><text:p><text:s text:c="300000000"/></text:p></table:table-cell></table:table-row>"#,
        text_budget,
    );
    // One row of four cells repeated a million times (a 1 KB file): 4.2 million
    // cells, which took 2 GB (706 MB of it calamine's).
    refused(
        r#"<table:table-row table:number-rows-repeated="1048575"><table:table-cell office:value-type="string"><text:p>99999</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Date</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="99.89"/><table:table-cell office:value-type="percentage" office:value="71.47"/></table:table-row>"#,
        "sheet 'Data' expands to 1048576 rows × 4 columns through its repeat counts, over the budget of 2000000 cells of an ods workbook",
    );
    // Six million numbers: over the cells an ods may expand to.
    refused(
        r#"<table:table-row table:number-rows-repeated="100000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="60"/></table:table-row>"#,
        "sheet 'Data' expands to 100001 rows × 60 columns through its repeat counts, over the budget of 2000000 cells of an ods workbook",
    );
    // Spaces, a note and a repeated KPI name of an honest sheet are read.
    let row = |d: &str, v: &str| {
        format!(
            r#"<table:table-row>{}<table:table-cell office:value-type="string"><office:annotation><text:p>{}</text:p></office:annotation><text:p>Net<text:s text:c="2"/>sales</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="{v}"/></table:table-row>"#,
            text_cell(d),
            "a note ".repeat(100)
        )
    };
    let (json, _, _) = Run::new()
        .file(
            "ok.ods",
            ods(&format!(
                "{header}{}{}",
                row("2024-01-01", "1"),
                row("2024-02-01", "2")
            )),
        )
        .report_json(&["ok.ods"], &[]);
    assert_eq!(kpi_names(&json).len(), 1);
}

/// calamine reads an ods sheet until its end tag, and a string cell's note until its
/// own, past the end of the file: an 800-byte file with a misspelled end tag never
/// finished.
#[test]
fn an_ods_sheet_or_row_left_open_is_refused() {
    for (name, rows) in [
        ("sheet.ods", "</tabble>"),
        (
            "row.ods",
            "<table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\"/>",
        ),
        // A sheet's end tag inside a string cell or its note is none for calamine.
        (
            "in_cell.ods",
            "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>a</table:table>",
        ),
        (
            "in_note.ods",
            "<table:table-row><table:table-cell office:value-type=\"string\"><office:annotation><text:p>a</text:p></table:table>",
        ),
    ] {
        // ods() closes the sheet after `rows`: cut that end tag from content.xml.
        let forged = rezip(&ods(rows), |part, text| match text.rfind("</table:table>") {
            Some(at) if part == "content.xml" => {
                format!("{}{}", &text[..at], &text[at + "</table:table>".len()..])
            }
            _ => text,
        });
        refused(
            name,
            forged,
            "sheet 'Data' of content.xml is not closed: the file ends inside it",
        );
    }
}

/// A repeat count: mostly small, sometimes a sheet's width, sometimes forged.
fn repeat_count() -> impl Strategy<Value = u64> {
    prop_oneof![
        6 => 1u64..5,
        1 => Just(16_384u64),
        1 => any::<u32>().prop_map(|v| u64::from(v) + 2_000_000_000),
    ]
}

/// Read and analyse in-process; the outcome must be a result or an error that is not
/// an internal one. An abort or a runaway allocation ends the test binary.
fn survives(bytes: &[u8], name: &str) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let cfg = kpilens::config::load(&kpilens::config::Flags::default()).unwrap();
    if let Err(e) = kpilens::analyse(&[path], &cfg) {
        prop_assert!(e.exit_code() != 1, "internal error: {e}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    /// Any FAT entries, directory starts and lengths, DIFAT slots and header counts.
    #[test]
    fn forged_xls_containers_never_abort(
        fat in prop::collection::vec((0usize..40, prop_oneof![0u32..40, Just(u32::MAX - 1), Just(u32::MAX), any::<u32>()]), 0..6),
        dirs in prop::collection::vec((0usize..4, prop_oneof![0u32..40, Just(u32::MAX - 1), any::<u32>()], prop_oneof![Just(0u32), 1u32..20_000, Just(u32::MAX)]), 0..3),
        header in prop::collection::vec((prop::sample::select(vec![44usize, 48, 60, 64, 68, 72, 76, 80]), any::<u32>()), 0..3),
    ) {
        let mut b = xls_seed();
        for (i, v) in fat { put(&mut b, fat_at(i), v); }
        for (e, start, len) in dirs {
            put(&mut b, dir_at(e) + 116, start);
            put(&mut b, dir_at(e) + 120, len);
        }
        for (at, v) in header { put(&mut b, at, v); }
        survives(&b, "forged.xls")?;
    }

    /// Any shared-string counts and sheet dimensions.
    #[test]
    fn forged_xlsx_counts_never_abort(
        unique in prop_oneof![0u64..10, any::<u64>(), Just(u64::MAX)],
        count in any::<u64>(),
        dimension in "[A-Z]{1,3}[0-9]{1,7}",
    ) {
        let forged = rezip(&xlsx_with_strings(), |name, text| {
            if name == "xl/sharedStrings.xml" {
                let open = text.find("<sst ").unwrap();
                let close = open + text[open..].find('>').unwrap();
                format!(
                    "{}<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{count}\" uniqueCount=\"{unique}\">{}",
                    &text[..open],
                    &text[close + 1..]
                )
            } else if name.starts_with("xl/worksheets/") {
                text.replace("<dimension ref=\"A1:C4\"/>", &format!("<dimension ref=\"A1:{dimension}\"/>"))
            } else {
                text
            }
        });
        survives(&forged, "forged.xlsx")?;
    }

    /// Row and column repeat counts in an ods, small or forged. (Counts that stay
    /// inside the cell budget but make large sheets are honest, just slow to test.)
    #[test]
    fn forged_ods_repeats_never_abort(
        rows in prop::collection::vec((repeat_count(), prop::collection::vec((repeat_count(), any::<bool>()), 1..4)), 1..6),
    ) {
        let mut xml = format!(
            "<table:table-row>{}{}{}</table:table-row>",
            text_cell("Date"), text_cell("KPI"), text_cell("Value")
        );
        for (r, cells) in rows {
            let _ = write!(xml, "<table:table-row table:number-rows-repeated=\"{r}\">");
            if r > 1_048_576 {
                // A forged row count over a row of values wider than the budget allows
                // (a million rows of a few columns is an honest, if slow, sheet).
                xml.push_str("<table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"64\"/>");
            }
            for (c, valued) in cells {
                if valued {
                    let _ = write!(xml, "<table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"{c}\"/>");
                } else {
                    let _ = write!(xml, "<table:table-cell table:number-columns-repeated=\"{c}\"/>");
                }
            }
            xml.push_str("</table:table-row>");
        }
        survives(&ods(&xml), "forged.ods")?;
    }
}
