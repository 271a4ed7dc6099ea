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
    let texts = || {
        cells.iter().take(200).flat_map(|r| {
            r.iter().filter_map(|c| match c {
                Cell::Text(s) => Some(s.as_str()),
                _ => None,
            })
        })
    };
    // Where the comma is not the delimiter (';', tab — Excel's "Unicode Text" from a
    // comma-decimal locale — or '|'), numbers may use it as the decimal mark.
    let decimal_comma =
        opts.decimal_comma || (delimiter != b',' && numbers::detect_decimal_comma(texts()));
    if delimiter == b';' && !decimal_comma {
        if let Some(example) = numbers::dot_thousands_example(texts()) {
            findings.push(
                Finding::warning(
                    "ambiguous_number",
                    format!(
                        "numbers such as '{}' were read with '.' as the decimal point; in a ';'-separated export the dot often separates thousands — if it does here, run again with --decimal-comma",
                        example.trim()
                    ),
                )
                .file(file),
            );
        }
    }
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

/// Pick the delimiter whose records (quotes and embedded newlines respected) most
/// consistently share one field count over the first records. Fails when no candidate
/// is convincing, asking for `--delimiter`.
fn sniff_delimiter(text: &str, file: &str) -> Result<u8> {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut best: Option<(u8, f64, usize)> = None;
    for &d in &CANDIDATES {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(d)
            .from_reader(text.as_bytes());
        let counts: Vec<usize> = reader
            .records()
            .filter_map(std::result::Result::ok)
            .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
            .take(30)
            .map(|r| r.len())
            .collect();
        if counts.is_empty() {
            continue;
        }
        let mut freq = std::collections::BTreeMap::new();
        for &c in counts.iter().filter(|&&c| c > 1) {
            *freq.entry(c).or_insert(0usize) += 1;
        }
        let Some((&mode, &share)) = freq.iter().max_by_key(|(c, n)| (**n, **c)) else {
            continue;
        };
        let score = share as f64 / counts.len() as f64;
        if best.is_none_or(|(_, s, m)| score > s || (score == s && mode > m)) {
            best = Some((d, score, mode));
        }
    }
    match best {
        Some((d, score, _)) if score >= 0.5 => Ok(d),
        Some(_) => Err(Error::read(
            file,
            "could not tell the field delimiter from the first lines; give it with --delimiter",
        )),
        None => Ok(b','),
    }
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
