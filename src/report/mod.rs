/*!
The workbook and the other outputs. Sheets are written in the order of report.md, one
module per sheet; all of them take their numbers from `Results` (nothing is computed
here beyond wording) and their formats from `styles`. The file is built in memory and
written atomically, so a failed run never leaves a damaged report behind.
*/
mod data;
pub mod json;
mod quality;
mod styles;
mod summary;
#[cfg(test)]
mod tests;

use std::io::{Read, Write};
use std::path::Path;

use chrono::NaiveDateTime;
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};

use crate::analysis::Results;
use crate::error::{Error, Result};
pub use styles::Styles;

/// Name of the custom document property that marks our own output.
const GENERATOR: &str = "Generator";
/// Excel's cell text limit.
pub const MAX_TEXT: usize = 32_767;

pub fn write_workbook(results: &Results, path: &Path, created: NaiveDateTime) -> Result<()> {
    let bytes = build_workbook(results, created).map_err(|e| Error::write(path.display(), e))?;
    save_atomically(path, &bytes)
}

/// The workbook's bytes.
pub fn build_workbook(results: &Results, created: NaiveDateTime) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_title(&results.title)
        .set_subject(format!("KPI report as of {}", results.as_of))
        .set_author("kpilens")
        .set_comment(format!(
            "Written by kpilens {} from {} input(s)",
            crate::VERSION,
            results.inputs.len()
        ))
        .set_creation_datetime(&created)
        .set_custom_property(GENERATOR, format!("kpilens {}", crate::VERSION).as_str());
    wb.set_properties(&props);
    let st = Styles::new();
    summary::write(wb.add_worksheet(), results, &st)?;
    quality::write(wb.add_worksheet(), results, &st)?;
    data::write(&mut wb, results, &st)?;
    wb.save_to_buffer()
}

/// Write bytes to a temporary file beside `path`, then rename it into place.
pub fn save_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let err = |e: &dyn std::fmt::Display| Error::write(path.display(), e);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".kpilens-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| err(&e))?;
    tmp.write_all(bytes).map_err(|e| err(&e))?;
    tmp.as_file().sync_all().map_err(|e| err(&e))?;
    tmp.persist(path).map_err(|e| err(&e.error))?;
    Ok(())
}

/// Was the file at `path` written by kpilens? (Its custom document properties say so.)
pub fn written_by_kpilens(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return false;
    };
    let Ok(mut entry) = zip.by_name("docProps/custom.xml") else {
        return false;
    };
    if entry.size() > 1 << 20 {
        return false;
    }
    let mut xml = String::new();
    if entry.read_to_string(&mut xml).is_err() {
        return false;
    }
    xml.contains(&format!("name=\"{GENERATOR}\"")) && xml.contains(">kpilens ")
}

/// Write text that came from an input: formula-like text keeps Excel's quote prefix so
/// no edit turns it into a formula, and over-long text is cut to Excel's limit.
pub fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    fmt: &Format,
) -> Result<(), XlsxError> {
    let mut cut = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let text = &text[..cut];
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        ws.write_string_with_format(row, col, text, &fmt.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, text, fmt)?;
    }
    Ok(())
}

/// Write a number, or nothing for a missing or non-finite value.
pub fn write_num(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    fmt: &Format,
) -> Result<(), XlsxError> {
    match v {
        Some(x) if x.is_finite() => {
            ws.write_number_with_format(row, col, x, fmt)?;
        }
        _ => {
            ws.write_blank(row, col, fmt)?;
        }
    }
    Ok(())
}

/// Page setup shared by every sheet: landscape, one page wide, header rows repeated.
pub fn print_setup(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_footer("&L&8kpilens&C&8&A&R&8Page &P of &N");
    Ok(())
}
