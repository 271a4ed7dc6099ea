/*!
HTML tables saved as `.xls` — the "Excel export" of many web systems. Every `<tr>` of
the document, in order, becomes a row of one text table (exports hold one table; a
title table above it reads as title rows), cells from `<td>`/`<th>` (honouring
`colspan`), tags stripped and the common entities decoded. This is a small,
forgiving scanner, not an HTML parser: exports are machine-written and regular.
*/
use super::{text, Cell, ReadOptions, Table};
use crate::error::Result;
use crate::model::finding::Finding;

pub(super) fn read(
    bytes: Vec<u8>,
    file: &str,
    opts: &ReadOptions,
    findings: &mut Vec<Finding>,
) -> Result<Vec<Table>> {
    let html = text::decode(bytes, file, opts.encoding, findings)?;
    let lower = html.to_ascii_lowercase();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut pos = 0;
    while let Some(tr) = find_tag(&lower, "tr", pos) {
        let end = lower[tr..].find("</tr").map_or(lower.len(), |e| tr + e);
        let mut row = Vec::new();
        let mut cpos = tr;
        while let Some(cell_start) = next_cell(&lower, cpos, end) {
            let open_end = lower[cell_start..]
                .find('>')
                .map_or(end, |e| cell_start + e + 1);
            let close = ["</td", "</th", "<td", "<th", "</tr"]
                .iter()
                .filter_map(|t| lower[open_end..end].find(t).map(|i| open_end + i))
                .min()
                .unwrap_or(end);
            let span = colspan(&lower[cell_start..open_end]);
            let content = clean(&html[open_end..close]);
            row.push(if content.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(content.into())
            });
            for _ in 1..span {
                row.push(Cell::Empty);
            }
            cpos = close.max(open_end);
            if cpos >= end {
                break;
            }
        }
        rows.push(row);
        pos = end.max(tr + 3);
    }
    Ok(vec![Table {
        file: file.to_string(),
        sheet: None,
        cells: rows.into(),
        first_row: 0,
        from_text: true,
        is_1904: false,
        decimal_comma: opts.decimal_comma,
    }])
}

/// Position of the next `<tag` (followed by `>` or whitespace) at or after `from`.
fn find_tag(lower: &str, tag: &str, from: usize) -> Option<usize> {
    let pat = format!("<{tag}");
    let mut at = from;
    while let Some(i) = lower.get(at..)?.find(&pat) {
        let p = at + i;
        let next = lower.as_bytes().get(p + pat.len()).copied();
        if matches!(next, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')) {
            return Some(p);
        }
        at = p + pat.len();
    }
    None
}

fn next_cell(lower: &str, from: usize, end: usize) -> Option<usize> {
    let td = find_tag(lower, "td", from).filter(|&p| p < end);
    let th = find_tag(lower, "th", from).filter(|&p| p < end);
    match (td, th) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn colspan(open_tag: &str) -> usize {
    open_tag
        .find("colspan")
        .and_then(|i| {
            let rest = &open_tag[i + 7..];
            let digits: String = rest
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .unwrap_or(1)
        .clamp(1, 1000)
}

/// Strip tags, decode common entities, collapse whitespace.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&#160;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
