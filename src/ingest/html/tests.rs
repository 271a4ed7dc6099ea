use super::*;

#[test]
fn reads_simple_export() {
    let html = b"<html><body><table><tr><th>Date</th><th>Sales &amp; Co</th></tr>\
        <tr><td>2024-01</td><td><b>1,200</b></td></tr><tr><td colspan=2>Total</td></tr></table></body></html>";
    let mut f = Vec::new();
    let t = read(html.to_vec(), "x.xls", &ReadOptions::default(), &mut f).unwrap();
    let cells = &t[0].cells;
    assert_eq!(cells.len(), 3);
    assert_eq!(cells[0][1], Cell::Text("Sales & Co".into()));
    assert_eq!(cells[1][1], Cell::Text("1,200".into()));
    assert_eq!(cells[2].len(), 2);
}
