use super::*;

/// Whether the gate is open, without waiting.
fn is_open(gate: &Gate) -> bool {
    *gate.open.lock().unwrap()
}

/// A stand-in for a ZIP local file header naming `name`.
fn header(name: &str) -> Vec<u8> {
    let mut h = b"PK\x03\x04".to_vec();
    h.extend_from_slice(&[0; 26]);
    h.extend_from_slice(name.as_bytes());
    h
}

#[test]
fn the_first_sheet_part_opens_the_gate_and_every_byte_passes() {
    let gate = Gate::default();
    let mut out = Vec::new();
    let mut watch = Watch::new(&mut out, &gate);
    watch.write_all(&header("xl/workbook.xml")).unwrap();
    watch
        .write_all(b"deflated bytes of the workbook part")
        .unwrap();
    assert!(!is_open(&gate));
    watch
        .write_all(&header("xl/worksheets/sheet1.xml"))
        .unwrap();
    assert!(is_open(&gate));
    drop(watch);
    let mut expected = header("xl/workbook.xml");
    expected.extend_from_slice(b"deflated bytes of the workbook part");
    expected.extend_from_slice(&header("xl/worksheets/sheet1.xml"));
    assert_eq!(out, expected);
}

#[test]
fn a_name_split_between_writes_is_seen() {
    let bytes = header("xl/worksheets/sheet1.xml");
    let at = bytes.len() - "sheet1.xml".len();
    // Cut inside the name at every place, and written a byte at a time.
    for cut in at - 15..bytes.len() {
        let gate = Gate::default();
        let mut out = Vec::new();
        let mut watch = Watch::new(&mut out, &gate);
        watch.write_all(&bytes[..cut]).unwrap();
        watch.write_all(&bytes[cut..]).unwrap();
        assert!(is_open(&gate), "cut at {cut}");
    }
    let gate = Gate::default();
    let mut out = Vec::new();
    let mut watch = Watch::new(&mut out, &gate);
    for b in &bytes {
        watch.write_all(std::slice::from_ref(b)).unwrap();
    }
    assert!(is_open(&gate));
}

#[test]
fn other_parts_leave_it_shut_and_the_opener_opens_it_when_dropped() {
    let gate = Gate::default();
    let mut out = Vec::new();
    let mut watch = Watch::new(&mut out, &gate);
    for name in [
        "[Content_Types].xml",
        "xl/worksheets/_rels/",
        "xl/workbook.xml",
    ] {
        watch.write_all(&header(name)).unwrap();
    }
    assert!(!is_open(&gate));
    let waiter = std::thread::scope(|s| {
        let waiter = s.spawn(|| gate.wait());
        drop(gate.opener());
        waiter.join()
    });
    assert!(waiter.is_ok());
    assert!(is_open(&gate));
}

#[test]
fn a_saved_workbook_opens_it_at_its_first_sheet() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    for name in ["One", "Two"] {
        wb.add_worksheet()
            .set_name(name)
            .unwrap()
            .write(0, 0, name)
            .unwrap();
    }
    let whole = wb.save_to_buffer().unwrap();
    let gate = Gate::default();
    let mut out = Vec::new();
    wb.save_to_writer(Watch::new(&mut out, &gate)).unwrap();
    assert!(is_open(&gate));
    assert_eq!(out, whole);
    // Only the sheet's own header names it: the package up to the last byte of that
    // name's first part leaves the gate shut, that byte opens it.
    let name = b"xl/worksheets/sheet1.xml";
    let at = whole.windows(name.len()).position(|w| w == name).unwrap();
    assert_eq!(&whole[at - 30..at - 26], b"PK\x03\x04");
    let shut = Gate::default();
    let mut sink = Vec::new();
    let mut watch = Watch::new(&mut sink, &shut);
    watch
        .write_all(&whole[..at + SHEET_PART.len() - 1])
        .unwrap();
    assert!(!is_open(&shut));
    watch
        .write_all(&whole[at + SHEET_PART.len() - 1..])
        .unwrap();
    assert!(is_open(&shut));
}
