/*!
What a file is, decided by its bytes rather than its name: zip containers are looked
into (xlsx, xlsb, ods), compound files are xls unless encrypted, HTML is recognised by
its tags, and text by the absence of binary bytes.
*/
use std::path::Path;

use super::guards;
use crate::error::{Error, Result};

/// What a file's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Xlsx,
    Xlsb,
    Ods,
    Xls,
    Parquet,
}

impl Format {
    pub(super) fn name(self) -> &'static str {
        match self {
            Format::Text => "delimited text",
            Format::Html => "an HTML table",
            Format::Xlsx => "an xlsx/xlsm workbook",
            Format::Xlsb => "an xlsb workbook",
            Format::Ods => "an OpenDocument spreadsheet",
            Format::Xls => "an xls workbook",
            Format::Parquet => "a Parquet file",
        }
    }
    pub(super) fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "txt" => Some(Format::Text),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xlsb" => Some(Format::Xlsb),
            "ods" => Some(Format::Ods),
            "xls" => Some(Format::Xls),
            "htm" | "html" => Some(Format::Html),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }
}

/// Sniff the format from the first bytes.
pub fn sniff(bytes: &[u8], path: &Path) -> Result<Format> {
    if super::parquet::is_parquet(bytes) {
        return Ok(Format::Parquet);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return guards::zip_format(bytes, path);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        if contains_utf16(bytes, "EncryptedPackage") {
            return Err(Error::read(
                path.display(),
                "the workbook is encrypted (password-protected); save an unprotected copy and try again",
            ));
        }
        return Ok(Format::Xls);
    }
    let head = &bytes[..bytes.len().min(4096)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let trimmed = lower.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || (trimmed.starts_with('<') && lower.contains("<table"))
    {
        return Ok(Format::Html);
    }
    if looks_like_text(head) {
        return Ok(Format::Text);
    }
    Err(Error::read(
        path.display(),
        "the content is not a supported format (CSV/TSV text, xlsx, xlsm, xls, xlsb, ods, Parquet)",
    ))
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pat: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(pat.len()).any(|w| w == pat.as_slice())
}

/// Text if it has a UTF-16 BOM, or no NUL bytes and few control characters.
fn looks_like_text(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    if head.is_empty() {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    controls * 20 < head.len()
}
