/*!
Reading inputs. Every file, whatever its format, is first turned into `Table`s — a grid
of typed cells per sheet, with positions as a spreadsheet shows them — and then one
layout detector (`layout.rs`) turns tables into observations. Formats are decided by the
bytes, not the extension (a CSV named `.xlsx` or an HTML table named `.xls` is read for
what it is, with a finding). Each file is read behind a panic guard so one bad file
becomes a finding, not a crashed run.
*/
mod cells;
pub mod dates;
mod excel;
mod format;
mod guards;
mod headers;
mod html;
pub mod layout;
pub mod numbers;
mod parquet;
pub mod previous;
mod rows;
pub mod special;
mod table;
mod text;

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

pub use format::{sniff, Format};
pub(crate) use table::format_number;
pub use table::{Cell, Rows, Table};

use crate::error::{Error, Result};
use crate::model::dataset::{Dataset, InputInfo, Layout, LayoutInfo};
use crate::model::finding::{Finding, FindingCode, Severity};
use crate::model::period::Calendar;

/// Largest sheet (rows × columns of its real extent) we agree to read.
pub const CELL_BUDGET: u64 = 20_000_000;

/// Most text (bytes, once read) the cells of one workbook may hold together. A shared
/// string, or an ods repeat count, lets a file of a few kilobytes put one long text in
/// millions of cells, each read as a copy of its own; a KPI export holds far less.
pub const TEXT_BUDGET: u64 = 256 << 20;

/// The error for a workbook whose cells hold, or would hold, more text than
/// [`TEXT_BUDGET`]: "its cells `verb` more than 256 MB of text together `how`, …".
pub(crate) fn over_text_budget(file: impl std::fmt::Display, verb: &str, how: &str) -> Error {
    Error::read(
        file,
        format!(
            "its cells {verb} more than {} MB of text together {how}, over the budget of a workbook; export only the data range, without long texts repeated in many cells",
            TEXT_BUDGET >> 20
        ),
    )
}

/// How to read inputs (from flags and config).
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Only these sheets (and the Definitions and Targets sheets); empty: every visible one.
    pub sheets: Vec<String>,
    /// A chrono format for text dates (`--date-format`).
    pub date_format: Option<String>,
    /// Numbers in text use a decimal comma.
    pub decimal_comma: bool,
    /// The field delimiter of text files; `None` sniffs it.
    pub delimiter: Option<u8>,
    /// The text encoding; `None` decides by BOM, else UTF-8, else Windows-1252.
    pub encoding: Option<Encoding>,
    pub calendar: Calendar,
    pub overrides: Vec<InputOverride>,
}

/// A text encoding the user can force (`--encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Windows1252,
}

/// `[[input]]`: the layout and column names of one file or sheet, forced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputOverride {
    /// File name (or path suffix) the override applies to.
    pub file: String,
    pub sheet: Option<String>,
    /// One of `Long`, `Wide`, `PeriodsAcross`.
    pub layout: Option<Layout>,
    /// 1-based header row.
    pub header_row: Option<u32>,
    pub date: Option<String>,
    pub kpi: Option<String>,
    pub value: Option<String>,
    pub target: Option<String>,
}

const EXTENSIONS: &[&str] = &[
    "csv", "tsv", "txt", "xlsx", "xlsm", "xls", "xlsb", "ods", "parquet",
];

/// Expand folders into their supported files (sorted by name); files, and `-` for
/// standard input, are kept as given.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.as_os_str() == crate::files::STDIN {
            files.push(input.clone());
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| {
            Error::read(
                input.display(),
                format!("{} — check the path", io_reason(&e)),
            )
        })?;
        if meta.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(|e| Error::read(input.display(), io_reason(&e)))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
                })
                .filter(|p| {
                    // Excel's lock files (~$book.xlsx) are not data.
                    !p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("~$"))
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Read every input. Files that cannot be read become `unreadable_file` findings when
/// something else is usable; if nothing is usable the first such problem is the error.
pub fn read_inputs(inputs: &[PathBuf], opts: &ReadOptions) -> Result<Dataset> {
    read_inputs_counting(inputs, opts, &AtomicU64::new(0))
}

/// [`read_inputs`], adding to `rows` the rows of every table as they are read (a text
/// file a chunk at a time, header rows included), for a progress display to show
/// while the reading goes on.
pub fn read_inputs_counting(
    inputs: &[PathBuf],
    opts: &ReadOptions,
    rows: &AtomicU64,
) -> Result<Dataset> {
    let files = expand_inputs(inputs)?;
    let mut out = Dataset::default();
    let mut read_errors: Vec<Error> = Vec::new();
    let mut ambiguous: Option<Error> = None;
    for path in &files {
        let display = path.display().to_string();
        let FileTables {
            tables,
            mut rest,
            findings,
        } = match guarded_read(path, opts) {
            Ok(read) => read,
            Err(e) => {
                out.findings.push(
                    Finding::error(FindingCode::UnreadableFile, e.to_string()).file(&display),
                );
                read_errors.push(e);
                continue;
            }
        };
        out.findings.extend(findings);
        let more = rest.as_ref().is_some_and(Rest::has_more);
        if !more
            && tables
                .iter()
                .all(|t| t.cells.iter().all(|r| r.iter().all(Cell::is_empty)))
        {
            out.findings.push(
                Finding::warning(
                    FindingCode::EmptyFile,
                    "the file has no data; it was skipped",
                )
                .file(&display),
            );
        }
        let mut sheets = Vec::new();
        for table in &tables {
            sheets.extend(table.sheet.clone());
            // A file read whole in its first chunk needs no reading thread: its
            // findings, the cut fields among them, are the file's already.
            let result = match rest.take().filter(Rest::has_more) {
                Some(rest) => read_streamed(table, rest, opts, &mut out, rows),
                None => read_table(table, opts, &mut out, rows),
            };
            match result {
                Ok(()) => {}
                Err(e @ Error::Data(_)) => {
                    ambiguous.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        out.inputs.push(InputInfo {
            path: display,
            sheets,
        });
    }
    if let Some(e) = ambiguous {
        return Err(e);
    }
    if out.observations.values() == 0 {
        return Err(match read_errors.into_iter().next() {
            Some(e) => e,
            None => nothing_usable(inputs, &files, &out),
        });
    }
    Ok(out)
}

/// Read one file behind a panic guard: a reader that panics on a damaged file becomes
/// "could not read FILE: …", not a crashed run.
fn guarded_read(path: &Path, opts: &ReadOptions) -> Result<FileTables> {
    match catch_unwind(AssertUnwindSafe(|| read_tables(path, opts))) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| {
                    panic
                        .downcast_ref::<&str>()
                        .map(std::string::ToString::to_string)
                })
                .unwrap_or_else(|| "the reader failed".into());
            Err(Error::read(
                path.display(),
                format!("the file is damaged or unusual ({what})"),
            ))
        }
    }
}

/// Read a text or Parquet file's first chunk and then the rest, chunk by chunk: one
/// thread makes the next chunk's cells (splitting a text file's lines) while this one
/// turns the last into observations. The findings about the later rows (lines that
/// could not be split) go where the file's own findings are.
fn read_streamed(
    first: &Table,
    rest: Rest,
    opts: &ReadOptions,
    out: &mut Dataset,
    rows: &AtomicU64,
) -> Result<()> {
    let at = out.findings.len();
    count(rows, first);
    let (result, late) = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Table>(1);
        // Chunks whose rows are read come back to hold later ones: a few chunks' memory
        // serves the whole file, written over rather than freed and faulted in again,
        // and clearing it (freeing the odd long text) is the reading thread's work.
        let (back, spare) = std::sync::mpsc::channel::<Rows>();
        let reader = s.spawn(move || {
            let mut rest = rest;
            while let Some(chunk) = rest.next_chunk_in(spare.try_recv().unwrap_or_default()) {
                count(rows, &chunk);
                if tx.send(chunk).is_err() {
                    break;
                }
            }
            rest.finish()
        });
        let mut done = |chunk: Table| {
            // The reader may have ended: the chunk is then simply freed.
            let _ = back.send(chunk.cells);
        };
        let result = read_chunks(first, &mut rx.iter(), &mut done, opts, out);
        // Stop the reader if the table was abandoned (an error) before its end.
        drop(rx);
        (result, reader.join())
    });
    let late = late.map_err(|_| {
        Error::Internal(format!("the reader of {} stopped unexpectedly", first.file))
    })?;
    out.findings.splice(at..at, late);
    result
}

/// Add a table's (or chunk's) rows to the count of rows read.
fn count(rows: &AtomicU64, table: &Table) {
    rows.fetch_add(table.cells.len() as u64, Ordering::Relaxed);
}

/// Read one table's layout into `out`; a data table without values is a `no_values`
/// finding naming it.
fn read_table(
    table: &Table,
    opts: &ReadOptions,
    out: &mut Dataset,
    rows: &AtomicU64,
) -> Result<()> {
    count(rows, table);
    read_chunks(table, &mut std::iter::empty(), &mut drop, opts, out)
}

/// Read a table given as its first chunk of rows and the chunks after it.
fn read_chunks(
    table: &Table,
    more: &mut dyn Iterator<Item = Table>,
    done: &mut dyn FnMut(Table),
    opts: &ReadOptions,
    out: &mut Dataset,
) -> Result<()> {
    let before = out.layouts.len();
    let result = layout::read_chunks(table, more, done, opts, out);
    let empty: Vec<Finding> = out.layouts[before..]
        .iter()
        .filter(|l| l.layout.holds_values() && l.values == 0)
        .map(|l| {
            Finding::warning(
                FindingCode::NoValues,
                format!("{}; nothing was read from it", describe(l)),
            )
            .file(&l.file)
            .sheet(l.sheet.as_deref())
            .row(l.header_row.unwrap_or(1))
        })
        .collect();
    out.findings.extend(empty);
    result
}

/// "nothing usable" naming every file and sheet looked at and what was found there,
/// and the first problem met.
fn nothing_usable(inputs: &[PathBuf], files: &[PathBuf], out: &Dataset) -> Error {
    let detail = if files.is_empty() {
        let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        format!(
            "no .csv/.tsv/.txt/.xlsx/.xlsm/.xls/.xlsb/.ods files were found in {}",
            names.join(", ")
        )
    } else {
        let mut looked: Vec<String> = out.layouts.iter().take(5).map(describe).collect();
        if out.layouts.len() > 5 {
            looked.push(format!("and {} more tables", out.layouts.len() - 5));
        }
        let mut d = format!("no KPI values were found: {}", looked.join("; "));
        let problem = out
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
            .or_else(|| {
                out.findings
                    .iter()
                    .find(|f| f.severity == Severity::Warning && f.code != FindingCode::NoValues)
            });
        if let Some(f) = problem {
            let _ = write!(d, "; first problem: {} ({})", f.message, f.place());
        }
        d
    };
    Error::Data(format!(
        "nothing usable: {detail}. Check that the file has a header row with a date/period column and KPI values (run `kpilens check` to see what was detected)"
    ))
}

/// What was found in one table, for messages about tables without values:
/// "a.csv: a long table with its header at row 1 and no rows below it".
fn describe(l: &LayoutInfo) -> String {
    let place = match &l.sheet {
        Some(sheet) => format!("{}, sheet '{sheet}'", l.file),
        None => l.file.clone(),
    };
    let layout = l.layout.as_str().replace('_', " ");
    let header = l
        .header_row
        .map(|h| format!(" with its header at row {h}"))
        .unwrap_or_default();
    let names = || {
        let mut shown: Vec<String> = l.kpi_names.iter().map(|n| format!("'{n}'")).collect();
        if l.kpis > shown.len() {
            shown.push(format!("{} more", l.kpis - shown.len()));
        }
        shown.join(", ")
    };
    match l.layout {
        Layout::Empty => format!("{place}: no cells with data"),
        Layout::Unknown => format!(
            "{place}: no header row with a date/period column or with periods across in the first 30 rows"
        ),
        Layout::Definitions | Layout::Targets => {
            format!("{place}: a {layout} sheet (no KPI values)")
        }
        _ if l.data_rows == 0 => format!("{place}: a {layout} table{header} and no rows below it"),
        _ if l.kpis == 0 => format!(
            "{place}: a {layout} table{header} whose {} row(s) below name no KPI",
            l.data_rows
        ),
        _ => format!(
            "{place}: a {layout} table{header} with {} ({}) but no value in any of its {} row(s)",
            if l.kpis == 1 { "1 KPI" } else { "KPIs" },
            names(),
            l.data_rows
        ),
    }
}

/// A chunk of a long text or Parquet file holds about this many cells (some 60 MB),
/// and at least [`CHUNK_MIN_ROWS`] rows: a file of ten million rows is read a chunk at
/// a time, never held as cells all at once. Layouts are detected in the first chunk.
const CHUNK_CELLS: usize = 1_000_000;
const CHUNK_MIN_ROWS: usize = 1_000;

/// One file read: its tables (a text or Parquet file's first chunk of rows), the rest
/// of such a file still to read, and the findings about the file.
struct FileTables {
    tables: Vec<Table>,
    rest: Option<Rest>,
    findings: Vec<Finding>,
}

/// The rows of a file after its first chunk, turned into cells a chunk at a time: a
/// text file's lines, or a Parquet file's records (held compactly by polars until
/// then).
enum Rest {
    Text(text::Rest),
    Parquet(parquet::Rest),
}

impl Rest {
    fn has_more(&self) -> bool {
        match self {
            Rest::Text(r) => r.has_more(),
            Rest::Parquet(r) => r.has_more(),
        }
    }

    /// The next chunk of rows in the memory of `spare`, or `None` at the end.
    fn next_chunk_in(&mut self, spare: Rows) -> Option<Table> {
        match self {
            Rest::Text(r) => r.next_chunk_in(spare),
            Rest::Parquet(r) => r.next_chunk_in(spare),
        }
    }

    /// The findings about the rows read after the first chunk.
    fn finish(self) -> Vec<Finding> {
        match self {
            Rest::Text(r) => r.finish(),
            Rest::Parquet(r) => r.finish(),
        }
    }
}

/// Read one file into tables, with format findings.
fn read_tables(path: &Path, opts: &ReadOptions) -> Result<FileTables> {
    let display = path.display().to_string();
    let bytes = crate::files::read(path).map_err(|e| Error::read(&display, io_reason(&e)))?;
    let mut findings = Vec::new();
    let format = sniff(&bytes, path)?;
    if format == Format::Xls {
        guards::cfb_chains(&bytes, path)?;
    }
    let by_ext = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension);
    let mismatch = match (by_ext, format) {
        (Some(e), f) if e == f => false,
        (Some(Format::Xlsx), Format::Xlsx) => false,
        (Some(Format::Xls), Format::Xlsx | Format::Xlsb) => true,
        (Some(_), _) => true,
        (None, _) => false,
    };
    if mismatch {
        findings.push(
            Finding::warning(
                FindingCode::ExtensionMismatch,
                format!(
                    "{display} is named like {} but contains {}; it was read as {}",
                    by_ext.map_or("another format", Format::name),
                    format.name(),
                    format.name()
                ),
            )
            .file(&display),
        );
    }
    let (tables, rest) = match format {
        Format::Text => {
            let (first, rest) = text::read(bytes, &display, opts, &mut findings)?;
            (vec![first], Some(Rest::Text(rest)))
        }
        Format::Html => (html::read(bytes, &display, opts, &mut findings)?, None),
        Format::Parquet => {
            let (first, rest) = parquet::read(bytes, &display)?;
            (vec![first], Some(Rest::Parquet(rest)))
        }
        Format::Xlsx | Format::Xlsb | Format::Ods | Format::Xls => (
            excel::read(bytes, format, &display, opts, &mut findings)?,
            None,
        ),
    };
    Ok(FileTables {
        tables,
        rest,
        findings,
    })
}

#[cfg(test)]
mod tests;
