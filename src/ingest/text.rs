/*!
Delimited text: decode to UTF-8 (BOM, UTF-16, Windows-1252 with a finding — never a
silent replacement), sniff the delimiter from the first lines with a consistency check,
then split records with the `csv` crate (quotes, embedded newlines, ragged rows). Cells
stay text; layout detection parses numbers and dates per column.
*/
use encoding_rs::{UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::{numbers, Cell, Encoding, ReadOptions, Table};
use crate::error::{Error, Result};
use crate::model::finding::{Finding, FindingCode};

/// Longest field kept; longer text is cut (it cannot be a KPI value or name).
const MAX_FIELD: usize = 32_767;

pub(super) fn read(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    findings: &mut Vec<Finding>,
) -> Result<Vec<Table>> {
    let text = decode(bytes, file, opts.encoding, findings)?;
    let delimiter = match opts.delimiter {
        Some(d) => d,
        None => sniff_delimiter(&text, file)?,
    };
    let cells = records(&text, delimiter, file, findings);
    let decimal_comma = decimal_comma(&cells, delimiter, opts, file, findings);
    Ok(vec![Table {
        file: file.to_string(),
        sheet: None,
        cells,
        first_row: 0,
        from_text: true,
        is_1904: false,
        decimal_comma,
    }])
}

/// The records of delimited text as rows of cells: quotes and embedded newlines
/// respected, control characters dropped, overlong fields cut (with one finding), and
/// lines that cannot be split named in error findings.
fn records(text: &str, delimiter: u8, file: &str, findings: &mut Vec<Finding>) -> Vec<Vec<Cell>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut cells: Vec<Vec<Cell>> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut truncated = 0usize;
    // Where the reader stood after the last record: blank lines from there on are
    // rows the csv crate skips but a spreadsheet shows.
    let mut after: usize = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                findings.push(
                    Finding::error(
                        FindingCode::BadValue,
                        format!("could not split line {line}: {e}"),
                    )
                    .file(file)
                    .row(line as u32),
                );
                // The line is still a row of the sheet, an empty one.
                cells.push(Vec::new());
                after = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
                continue;
            }
        }
        // A row is what a spreadsheet shows: a blank line is an empty row, a record
        // with embedded newlines one row.
        for _ in 0..blank_lines(text.as_bytes(), after) {
            cells.push(Vec::new());
        }
        cells.push(record.iter().map(|f| field(f, &mut truncated)).collect());
        after = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
    }
    if truncated > 0 {
        findings.push(
            Finding::warning(
                FindingCode::TextTruncated,
                format!("{truncated} field(s) longer than {MAX_FIELD} characters were cut"),
            )
            .file(file),
        );
    }
    cells
}

/// How many empty lines (`\n`, `\r\n` or `\r` alone) start at byte `at`. The csv
/// reader stops after the `\r` of a record's `\r\n`: that `\n` ends the record, not an
/// empty line.
fn blank_lines(text: &[u8], mut at: usize) -> usize {
    if at > 0 && text.get(at - 1) == Some(&b'\r') && text.get(at) == Some(&b'\n') {
        at += 1;
    }
    let mut n = 0;
    loop {
        match text.get(at) {
            Some(b'\n') => at += 1,
            Some(b'\r') => {
                at += if text.get(at + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                }
            }
            _ => return n,
        }
        n += 1;
    }
}

/// One field as a cell: control characters (but tab and newline) dropped, cut at
/// `MAX_FIELD` bytes on a character boundary, blank as empty.
fn field(f: &str, truncated: &mut usize) -> Cell {
    // Most fields are short and clean: one copy, no per-character pass. (DEL and the
    // C1 controls, U+0080–U+009F behind the lead byte 0xC2, take the slow path.)
    let clean = |b: u8| (b >= 0x20 && b != 0x7F && b != 0xC2) || b == b'\t' || b == b'\n';
    if f.len() <= MAX_FIELD && f.bytes().all(clean) {
        return if f.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(f.to_string())
        };
    }
    let clean: String = f
        .chars()
        .filter(|c| !c.is_control() || *c == '\t' || *c == '\n')
        .collect();
    if clean.len() > MAX_FIELD {
        *truncated += 1;
        let mut cut = MAX_FIELD;
        while !clean.is_char_boundary(cut) {
            cut -= 1;
        }
        Cell::Text(clean[..cut].to_string())
    } else if clean.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(clean)
    }
}

/// Whether the table's text numbers use a decimal comma. Where the comma is not the
/// delimiter (';', tab — Excel's "Unicode Text" from a comma-decimal locale — or '|'),
/// numbers may use it; a ';' file whose numbers all look like dot-grouped thousands
/// gets a warning instead of a guess.
fn decimal_comma(
    cells: &[Vec<Cell>],
    delimiter: u8,
    opts: &ReadOptions,
    file: &str,
    findings: &mut Vec<Finding>,
) -> bool {
    let texts = || {
        cells.iter().take(200).flat_map(|r| {
            r.iter().filter_map(|c| match c {
                Cell::Text(s) => Some(s.as_str()),
                _ => None,
            })
        })
    };
    let decimal_comma =
        opts.decimal_comma || (delimiter != b',' && numbers::detect_decimal_comma(texts()));
    if delimiter == b';' && !decimal_comma {
        if let Some(example) = numbers::dot_thousands_example(texts()) {
            findings.push(
                Finding::warning(
                    FindingCode::AmbiguousNumber,
                    format!(
                        "numbers such as '{}' were read with '.' as the decimal point; in a ';'-separated export the dot often separates thousands — if it does here, run again with --decimal-comma",
                        example.trim()
                    ),
                )
                .file(file),
            );
        }
    }
    decimal_comma
}

/// Decode bytes to text. BOMs win; otherwise UTF-8 when valid, else Windows-1252 with
/// an `encoding_used` finding. An explicit `--encoding` is obeyed.
pub(super) fn decode(
    bytes: &[u8],
    file: &str,
    forced: Option<Encoding>,
    findings: &mut Vec<Finding>,
) -> Result<String> {
    let (enc, body): (&'static encoding_rs::Encoding, &[u8]) =
        if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            (UTF_8, rest)
        } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
            (UTF_16LE, rest)
        } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
            (UTF_16BE, rest)
        } else {
            match forced {
                Some(Encoding::Windows1252) => (WINDOWS_1252, bytes),
                Some(Encoding::Utf16) => (UTF_16LE, bytes),
                Some(Encoding::Utf8) => (UTF_8, bytes),
                None if std::str::from_utf8(bytes).is_ok() => (UTF_8, bytes),
                None => (WINDOWS_1252, bytes),
            }
        };
    let (text, had_errors) = enc.decode_without_bom_handling(body);
    if had_errors {
        return Err(Error::read(
            file,
            format!(
                "the text is not valid {}; give the right --encoding (utf-8, utf-16, windows-1252)",
                enc.name()
            ),
        ));
    }
    if enc != UTF_8 {
        findings.push(
            Finding::info(
                FindingCode::EncodingUsed,
                format!("{file} was decoded as {}", enc.name()),
            )
            .file(file),
        );
        if enc == WINDOWS_1252 && forced.is_none() {
            if let Some(f) = findings.last_mut() {
                f.message.push_str(" because its bytes are not valid UTF-8");
                f.severity = crate::model::finding::Severity::Warning;
            }
        }
    }
    Ok(text.into_owned())
}

/// Pick the delimiter under which the first records agree on one field count *and*
/// read as a table: the share of records with the most common field count, plus the
/// share of cells below the first record that parse as numbers or dates. Counting
/// characters is not enough — a ';' export whose text fields hold commas has more
/// commas than semicolons — but only the right delimiter gives columns of values.
/// Fails when no candidate is convincing, asking for `--delimiter`.
fn sniff_delimiter(text: &str, file: &str) -> Result<u8> {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    const SAMPLE: usize = 30;
    let mut best: Option<(u8, f64, f64, usize)> = None;
    for &d in &CANDIDATES {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(d)
            .from_reader(text.as_bytes());
        let records: Vec<csv::StringRecord> = reader
            .records()
            .filter_map(std::result::Result::ok)
            .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
            .take(SAMPLE)
            .collect();
        if records.is_empty() {
            continue;
        }
        let mut freq = std::collections::BTreeMap::new();
        for r in records.iter().filter(|r| r.len() > 1) {
            *freq.entry(r.len()).or_insert(0usize) += 1;
        }
        let Some((&mode, &share)) = freq.iter().max_by_key(|(c, n)| (**n, **c)) else {
            continue;
        };
        let consistency = share as f64 / records.len() as f64;
        let score = consistency + typed_share(&records[1..], d);
        if best.is_none_or(|(_, s, c, m)| {
            score > s || (score == s && (consistency > c || (consistency == c && mode > m)))
        }) {
            best = Some((d, score, consistency, mode));
        }
    }
    match best {
        Some((d, _, consistency, _)) if consistency >= 0.5 => Ok(d),
        Some(_) => Err(Error::read(
            file,
            "could not tell the field delimiter from the first lines; give it with --delimiter",
        )),
        None => Ok(b','),
    }
}

/// The share of non-empty cells of `records` that read as a number or a date when the
/// fields are split at `delimiter` (a comma decimal mark where the comma does not
/// separate fields).
fn typed_share(records: &[csv::StringRecord], delimiter: u8) -> f64 {
    let style = numbers::NumberStyle {
        decimal_comma: delimiter != b',',
    };
    let calendar = crate::model::period::Calendar::default();
    let (mut cells, mut typed) = (0usize, 0usize);
    for field in records.iter().flat_map(|r| r.iter()) {
        let f = field.trim();
        if f.is_empty() {
            continue;
        }
        cells += 1;
        let number = matches!(numbers::parse_number(f, style), Ok(Some(_)));
        let date = || {
            super::dates::parse_date_text(f, Some(super::dates::DateOrder::DayFirst), &calendar)
                .is_ok()
        };
        if number || date() {
            typed += 1;
        }
    }
    if cells == 0 {
        0.0
    } else {
        typed as f64 / cells as f64
    }
}

#[cfg(test)]
mod tests;
