/*!
Delimited text: decode to UTF-8 (BOM, UTF-16, Windows-1252 with a finding — never a
silent replacement), sniff the delimiter from the first lines with a consistency check,
then split records with the `csv` crate (quotes, embedded newlines, ragged rows). Cells
stay text; layout detection parses numbers and dates per column.
*/
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::{numbers, Cell, ReadOptions, Table};
use crate::analysis::Finding;
use crate::cli::EncodingArg;
use crate::error::{Error, Result};

/// Longest field kept; longer text is cut (it cannot be a KPI value or name).
const MAX_FIELD: usize = 32_767;

pub fn read(
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
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut cells: Vec<Vec<Cell>> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut truncated = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                findings.push(
                    Finding::error("bad_value", format!("could not split line {line}: {e}"))
                        .file(file)
                        .row(line as u32),
                );
                continue;
            }
        }
        // Records are stored by physical record index; with embedded newlines the record
        // number is still what a spreadsheet would show as the row.
        let row: Vec<Cell> = record
            .iter()
            .map(|f| {
                let clean: String = f
                    .chars()
                    .filter(|c| !c.is_control() || *c == '\t' || *c == '\n')
                    .collect();
                if clean.len() > MAX_FIELD {
                    truncated += 1;
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
            })
            .collect();
        cells.push(row);
    }
    if truncated > 0 {
        findings.push(
            Finding::warning(
                "text_truncated",
                format!("{truncated} field(s) longer than {MAX_FIELD} characters were cut"),
            )
            .file(file),
        );
    }
    let decimal_comma = opts.decimal_comma
        || (delimiter == b';'
            && numbers::detect_decimal_comma(cells.iter().take(200).flat_map(|r| {
                r.iter().filter_map(|c| match c {
                    Cell::Text(s) => Some(s.as_str()),
                    _ => None,
                })
            })));
    Ok(vec![Table {
        file: file.to_string(),
        sheet: None,
        cells,
        from_text: true,
        is_1904: false,
        decimal_comma,
    }])
}

/// Decode bytes to text. BOMs win; otherwise UTF-8 when valid, else Windows-1252 with
/// an `encoding_used` finding. An explicit `--encoding` is obeyed.
pub fn decode(
    bytes: &[u8],
    file: &str,
    forced: Option<EncodingArg>,
    findings: &mut Vec<Finding>,
) -> Result<String> {
    let (enc, body): (&'static Encoding, &[u8]) =
        if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            (UTF_8, rest)
        } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
            (UTF_16LE, rest)
        } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
            (UTF_16BE, rest)
        } else {
            match forced {
                Some(EncodingArg::Windows1252) => (WINDOWS_1252, bytes),
                Some(EncodingArg::Utf16) => (UTF_16LE, bytes),
                Some(EncodingArg::Utf8) => (UTF_8, bytes),
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
                "encoding_used",
                format!("{file} was decoded as {}", enc.name()),
            )
            .file(file),
        );
        if enc == WINDOWS_1252 && forced.is_none() {
            if let Some(f) = findings.last_mut() {
                f.message.push_str(" because its bytes are not valid UTF-8");
                f.severity = crate::analysis::Severity::Warning;
            }
        }
    }
    Ok(text.into_owned())
}

/// Pick the delimiter whose per-line field count is most consistent over the first
/// lines (quotes respected). Fails when no candidate is convincing and the text has
/// more than one column's worth of separators.
fn sniff_delimiter(text: &str, file: &str) -> Result<u8> {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    if lines.is_empty() {
        return Ok(b',');
    }
    let mut best: Option<(u8, f64)> = None;
    for &d in &CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let with = counts.iter().filter(|&&c| c > 0).count();
        if with == 0 {
            continue;
        }
        // The most common non-zero count and how many lines share it.
        let mut freq = std::collections::BTreeMap::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *freq.entry(c).or_insert(0usize) += 1;
        }
        let (&mode, &share) = freq
            .iter()
            .max_by_key(|(c, n)| (**n, **c))
            .unwrap_or((&0, &0));
        let score = share as f64 / lines.len() as f64 + (mode as f64).ln_1p() * 0.01;
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((d, score));
        }
    }
    match best {
        Some((d, score)) if score >= 0.5 => Ok(d),
        Some(_) => Err(Error::read(
            file,
            "could not tell the field delimiter from the first lines; give it with --delimiter",
        )),
        None => Ok(b','),
    }
}

fn count_outside_quotes(line: &str, delim: u8) -> usize {
    let mut inside = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            inside = !inside;
        } else if b == delim && !inside {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
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
    fn decodes_boms_and_1252() {
        let mut f = Vec::new();
        assert_eq!(
            decode(b"\xEF\xBB\xBFa,b", "f", None, &mut f).unwrap(),
            "a,b"
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a\tb".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16, "f", None, &mut f).unwrap(), "a\tb");
        assert_eq!(decode(b"caf\xE9", "f", None, &mut f).unwrap(), "café");
        assert_eq!(f.last().unwrap().code, "encoding_used");
    }
}
