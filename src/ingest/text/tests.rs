use super::*;

#[test]
fn sniffs_common_delimiters() {
    assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n", "f").unwrap(), b',');
    assert_eq!(sniff_delimiter("a;b;c\n1,5;2,5;3\n", "f").unwrap(), b';');
    assert_eq!(sniff_delimiter("a\tb\n1\t2\n", "f").unwrap(), b'\t');
    assert_eq!(
        sniff_delimiter("\"x,y\";b\n\"1,2\";3\n", "f").unwrap(),
        b';'
    );
}

#[test]
fn rows_are_numbered_as_a_spreadsheet_shows_them() {
    // A blank line is an empty row; a quoted field over two lines stays one row.
    let mut f = Vec::new();
    let text = "a,b\n\nc,\"x\ny\"\n\r\nd,e\r\nf,g\r\n\r\nh,i";
    let (first, rest) = read(
        text.as_bytes().to_vec(),
        "f",
        &ReadOptions::default(),
        &mut f,
    )
    .unwrap();
    assert!(!rest.has_more());
    let texts: Vec<Vec<String>> = first
        .cells
        .iter()
        .map(|r| r.iter().map(Cell::text).collect())
        .collect();
    assert_eq!(
        texts,
        [
            vec!["a", "b"],
            vec![],
            vec!["c", "x\ny"],
            vec![],
            vec!["d", "e"],
            vec!["f", "g"],
            vec![],
            vec!["h", "i"]
        ]
    );
}

#[test]
fn commas_in_text_fields_of_a_semicolon_file_do_not_win() {
    // Every line has more commas (in unquoted text) than semicolons, in the same
    // number on every line, so field counts alone would pick ','.
    let text = "Date;KPI;Value;Comment\n\
                2024-01-01;Revenue;100;up, as planned, good\n\
                2024-02-01;Revenue;110;flat, as planned, fine\n\
                2024-03-01;Revenue;120;down, not planned, bad\n";
    assert_eq!(sniff_delimiter(text, "f").unwrap(), b';');
    // A plain comma file with text in one column stays a comma file.
    let csv = "Date,KPI,Value\n2024-01-01,Revenue; EMEA,1.5\n2024-02-01,Revenue; EMEA,2.5\n";
    assert_eq!(sniff_delimiter(csv, "f").unwrap(), b',');
}

#[test]
fn decodes_boms_and_1252() {
    let mut f = Vec::new();
    assert_eq!(
        decode(b"\xEF\xBB\xBFa,b".to_vec(), "f", None, &mut f).unwrap(),
        "a,b"
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("a\tb".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(decode(utf16.clone(), "f", None, &mut f).unwrap(), "a\tb");
    assert_eq!(
        decode(b"caf\xE9".to_vec(), "f", None, &mut f).unwrap(),
        "café"
    );
    assert_eq!(f.last().unwrap().code, FindingCode::EncodingUsed);
}

/// A long file is read in chunks that number their rows as the whole file does, blank
/// lines across a chunk's edge included.
#[test]
fn chunks_number_rows_as_the_whole_file_does() {
    let text = "date,kpi,value\n2024-01-01,A,1\n\n2024-01-02,A,2\n2024-01-03,A,3\n";
    let mut f = Vec::new();
    let (first, mut rest) = read(
        text.as_bytes().to_vec(),
        "f",
        &ReadOptions::default(),
        &mut f,
    )
    .unwrap();
    assert_eq!((first.first_row, first.cells.len()), (0, 5));
    assert!(rest.next_chunk_in(Rows::default()).is_none());
    // The same file in chunks of two rows, each chunk in fresh memory or in the memory
    // of the chunk before (as the reading thread gets it back).
    for reuse in [false, true] {
        let mut rest = Rest::new(text.as_bytes().to_vec(), b',', "f");
        rest.chunk_rows = 2;
        rest.chunk_cells = 1;
        let mut got = Vec::new();
        let mut spare = Rows::default();
        while let Some(t) = rest.next_chunk_in(std::mem::take(&mut spare)) {
            let firsts: Vec<String> = t
                .cells
                .iter()
                .map(|r| r.first().map(Cell::text).unwrap_or_default())
                .collect();
            got.push((t.first_row, firsts));
            if reuse {
                spare = t.cells;
            }
        }
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
        assert_eq!(
            got,
            [
                (0, s(&["date", "2024-01-01"])),
                (2, s(&["", "2024-01-02"])),
                (4, s(&["2024-01-03"])),
            ],
            "reuse: {reuse}"
        );
    }
}

/// The sample the delimiter is chosen from, split by the csv reader itself.
fn sample_by_csv(text: &str, d: u8, n: usize) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(d)
        .from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
        .take(n)
        .map(|r| r.iter().map(String::from).collect())
        .collect()
}

fn sample(text: &str, d: u8, n: usize) -> Vec<Vec<String>> {
    sample_records(text, d, n)
        .iter()
        .map(|r| r.iter().map(String::from).collect())
        .collect()
}

#[test]
fn the_sample_is_split_as_the_csv_reader_splits_it() {
    let cases = [
        "a,b;c\n1,2;3\r\n\r\n  \n4,5;6\r7,8;9\n,\n",
        "x\ty|z\n\n\n1\t2|3",
        // From the first quote on, the csv reader splits: quoted delimiters and a
        // field over two lines.
        "a,b\n1,2\n\"x,y\",3\n\"p\nq\",4\n5,6\n",
        "",
        "\n\r\n",
    ];
    for text in cases {
        for d in [b',', b';', b'\t', b'|'] {
            for n in [1, 2, 30] {
                assert_eq!(
                    sample(text, d, n),
                    sample_by_csv(text, d, n),
                    "{text:?} {d} {n}"
                );
            }
        }
    }
}

proptest::proptest! {
    #[test]
    fn any_sample_is_split_as_the_csv_reader_splits_it(
        text in "[a1 ,;\t|\"\r\n.-]{0,120}",
        n in 1usize..8,
    ) {
        for d in [b',', b';', b'\t', b'|'] {
            proptest::prop_assert_eq!(sample(&text, d, n), sample_by_csv(&text, d, n));
        }
    }
}
