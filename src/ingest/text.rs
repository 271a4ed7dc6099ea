/*!
Delimited text: decode to UTF-8 (BOM, UTF-16, Windows-1252 with a finding — never a
silent replacement), sniff the delimiter from the first lines with a consistency check,
then split records with the `csv` crate (quotes, embedded newlines, ragged rows). Cells
stay text; layout detection parses numbers and dates per column.
*/
use encoding_rs::{UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::{numbers, Cell, Encoding, ReadOptions, Rows, Table, CHUNK_CELLS, CHUNK_MIN_ROWS};
use crate::error::{Error, Result};
use crate::model::finding::{Finding, FindingCode};

/// Longest field kept; longer text is cut (it cannot be a KPI value or name).
const MAX_FIELD: usize = 32_767;

/// Read delimited text: the first chunk of rows as a table, and the rest of the file
/// to read chunk by chunk.
pub(super) fn read(
    bytes: Vec<u8>,
    file: &str,
    opts: &ReadOptions,
    findings: &mut Vec<Finding>,
) -> Result<(Table, Rest)> {
    let text = decode(bytes, file, opts.encoding, findings)?;
    let delimiter = match opts.delimiter {
        Some(d) => d,
        None => sniff_delimiter(&text, file)?,
    };
    let mut rest = Rest::new(text.into_bytes(), delimiter, file);
    let mut first = rest.chunk(Rows::default());
    findings.append(&mut rest.findings);
    if rest.done {
        findings.extend(rest.truncated_finding());
    }
    first.decimal_comma = decimal_comma(&first.cells, delimiter, opts, file, findings);
    rest.decimal_comma = first.decimal_comma;
    Ok((first, rest))
}

/// The rows of a text file not read yet. It owns the text, so another thread can read
/// the next chunk while this one's rows are turned into observations.
pub(super) struct Rest {
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    record: csv::StringRecord,
    /// Where the reader stood after the last record: blank lines from there on are
    /// rows the csv crate skips but a spreadsheet shows.
    after: usize,
    truncated: usize,
    /// The sheet row of the next record.
    row: usize,
    file: String,
    decimal_comma: bool,
    done: bool,
    /// Lines that could not be split, since the last look.
    findings: Vec<Finding>,
    /// A chunk's size: at least this many rows, and about this many cells.
    chunk_rows: usize,
    chunk_cells: usize,
}

impl Rest {
    pub(super) fn new(text: Vec<u8>, delimiter: u8, file: &str) -> Rest {
        Rest {
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(std::io::Cursor::new(text)),
            record: csv::StringRecord::new(),
            after: 0,
            truncated: 0,
            row: 0,
            file: file.to_string(),
            decimal_comma: false,
            done: false,
            findings: Vec::new(),
            chunk_rows: CHUNK_MIN_ROWS,
            chunk_cells: CHUNK_CELLS,
        }
    }

    /// Are there rows after those read?
    pub(super) fn has_more(&self) -> bool {
        !self.done
    }

    /// The next chunk of rows in the memory of `spare` (the rows of a chunk read
    /// before), or `None` at the end of the file.
    pub(super) fn next_chunk_in(&mut self, spare: Rows) -> Option<Table> {
        (!self.done).then(|| self.chunk(spare))
    }

    /// The findings about the rows read since the first chunk: lines that could not be
    /// split, and the fields cut.
    pub(super) fn finish(mut self) -> Vec<Finding> {
        let mut out = std::mem::take(&mut self.findings);
        out.extend(self.truncated_finding());
        out
    }

    fn truncated_finding(&self) -> Option<Finding> {
        (self.truncated > 0).then(|| {
            Finding::warning(
                FindingCode::TextTruncated,
                format!(
                    "{} field(s) longer than {MAX_FIELD} characters were cut",
                    self.truncated
                ),
            )
            .file(&self.file)
        })
    }

    /// Rows up to the chunk's size: quotes and embedded newlines respected, control
    /// characters dropped, overlong fields cut, and lines that cannot be split named
    /// in error findings. A row is what a spreadsheet shows: a blank line is an empty
    /// row, a record with embedded newlines one row.
    fn chunk(&mut self, mut cells: Rows) -> Table {
        let first_row = self.row;
        cells.clear();
        // Every cell takes at least a byte of the text (its delimiter or line end).
        let left = self
            .reader
            .get_ref()
            .get_ref()
            .len()
            .saturating_sub(self.after);
        cells.reserve(self.chunk_rows, self.chunk_cells.min(left + 1));
        let mut n_cells = 0usize;
        while cells.len() < self.chunk_rows || n_cells < self.chunk_cells {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    self.findings.push(
                        Finding::error(
                            FindingCode::BadValue,
                            format!("could not split line {line}: {e}"),
                        )
                        .file(&self.file)
                        .row(line as u32),
                    );
                    // The line is still a row of the sheet, an empty one.
                    cells.push([]);
                    self.after =
                        usize::try_from(self.reader.position().byte()).unwrap_or(usize::MAX);
                    continue;
                }
            }
            let text = self.reader.get_ref().get_ref();
            for _ in 0..blank_lines(text, self.after) {
                cells.push([]);
            }
            let truncated = &mut self.truncated;
            cells.push(self.record.iter().map(|f| field(f, truncated)));
            n_cells += self.record.len().max(1);
            self.after = usize::try_from(self.reader.position().byte()).unwrap_or(usize::MAX);
        }
        self.row += cells.len();
        Table {
            file: self.file.clone(),
            sheet: None,
            cells,
            first_row,
            from_text: true,
            is_1904: false,
            decimal_comma: self.decimal_comma,
        }
    }
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
            Cell::Text(f.into())
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
        Cell::Text(clean[..cut].into())
    } else if clean.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(clean.into())
    }
}

/// Whether the table's text numbers use a decimal comma. Where the comma is not the
/// delimiter (';', tab — Excel's "Unicode Text" from a comma-decimal locale — or '|'),
/// numbers may use it; a ';' file whose numbers all look like dot-grouped thousands
/// gets a warning instead of a guess.
fn decimal_comma(
    cells: &Rows,
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
    bytes: Vec<u8>,
    file: &str,
    forced: Option<Encoding>,
    findings: &mut Vec<Finding>,
) -> Result<String> {
    // UTF-8 (the common case) is used as it is, without a copy of the file.
    let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
    let plain = forced.is_none_or(|f| f == Encoding::Utf8)
        && (bom || !bytes.starts_with(&[0xFF, 0xFE]) && !bytes.starts_with(&[0xFE, 0xFF]));
    if plain {
        let mut bytes = bytes;
        if bom {
            bytes.drain(..3);
        }
        match String::from_utf8(bytes) {
            Ok(text) => return Ok(text),
            Err(_) if bom || forced.is_some() => {
                return Err(Error::read(
                    file,
                    "the text is not valid UTF-8; give the right --encoding (utf-8, utf-16, windows-1252)",
                ));
            }
            Err(e) => return decode_other(&e.into_bytes(), file, forced, findings),
        }
    }
    decode_other(&bytes, file, forced, findings)
}

/// Decode text that is not plain UTF-8.
fn decode_other(
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
        let records = sample_records(text, d, SAMPLE);
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

/// The first `n` records of `text` under `delimiter` that hold more than blanks, as the
/// csv reader splits them. Lines without a quote are simply split at the delimiter
/// (blank lines hold nothing either way): building a csv reader costs more than
/// splitting a few lines, and a folder of thousands of small exports would build four
/// per file. From the first quote on, the csv reader splits the sample.
fn sample_records(text: &str, delimiter: u8, n: usize) -> Vec<csv::StringRecord> {
    let holds_something = |r: &csv::StringRecord| r.iter().any(|f| !f.trim().is_empty());
    let mut records = Vec::new();
    let mut lines = text.split(['\r', '\n']);
    let quoted = loop {
        match lines.next() {
            _ if records.len() == n => break false,
            None => break false,
            Some(line) if line.contains('"') || line.starts_with('\u{feff}') => break true,
            Some(line) => {
                let record: csv::StringRecord = line.split(char::from(delimiter)).collect();
                if holds_something(&record) {
                    records.push(record);
                }
            }
        }
    };
    if !quoted {
        return records;
    }
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
        .records()
        .filter_map(std::result::Result::ok)
        .filter(holds_something)
        .take(n)
        .collect()
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
