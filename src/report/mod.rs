/*!
The outputs: the workbook (one module per sheet, in the order of docs/report.md) and the
JSON results. Sheets take every number from `Results` — nothing is computed here beyond
wording and layout — and every format from `styles`, and write cells only through
`cells`, which keeps input text literal and numbers finite.

The workbook's sheets are built in memory and saved straight into a temporary file
beside the target that is then renamed into place, so a failed run never leaves a
half-written report and the previous one stays intact. Document times come from the
caller, so identical inputs give byte-identical files; a custom document property marks the file as ours, so a
later run may replace it without `--force`.
*/
mod beside;
mod cells;
mod changes;
mod data;
pub mod email;
pub mod json;
mod kpi_sheet;
mod leadlag;
mod method;
mod plans;
mod quality;
mod reasons;
pub mod send;
pub mod since;
mod styles;
pub mod suggest;
mod summary;
#[cfg(test)]
mod tests;
pub mod toml_text;
mod words;

use std::io::{Read, Write};
use std::path::Path;

use chrono::NaiveDateTime;
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};

use crate::analysis::{KpiResult, Results};
use crate::error::{Error, Result};
pub use cells::{write_date, write_num, write_text, MAX_CELL_TEXT};
pub use kpi_sheet::{sheet_names, MAX_KPI_SHEETS};
pub use styles::Styles;
pub use summary::{counts_line, findings_line};

/// The custom document property that marks a workbook written by kpilens; its value
/// is "kpilens <version>".
pub const GENERATOR_PROPERTY: &str = "generator";

/// Our own `docProps/custom.xml` is a few hundred bytes; refuse to inflate more.
const MAX_CUSTOM_XML: u64 = 1 << 20;

/// Charts are drawn for at most this many KPIs unless the caller says otherwise.
pub const DEFAULT_MAX_CHARTS: usize = 200;

/// What to write, beyond the analysis: the report's title, the e-mail's addresses and
/// how many KPI sheets get charts.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub title: String,
    pub email: EmailSettings,
    /// KPI sheets beyond this many keep their tables but get no charts
    /// (`--max-charts`).
    pub max_charts: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            title: "KPI report".into(),
            email: EmailSettings::default(),
            max_charts: DEFAULT_MAX_CHARTS,
        }
    }
}

/// `[email]`: who the message is from and to, and its subject (`{as_of}` and `{title}`
/// are filled in); `smtp`, the server `--send` delivers to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmailSettings {
    pub from: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: Option<String>,
    pub smtp: send::SmtpSettings,
}

/// Write the workbook for `results` to `path` (atomically; missing folders created).
/// `created` becomes the document's creation time. Any failure is `Error::Write`.
pub fn write_workbook(
    results: &Results,
    settings: &Settings,
    path: &Path,
    created: NaiveDateTime,
) -> Result<()> {
    write_workbook_alongside(results, settings, path, created, || ()).0
}

/// [`write_workbook`], running `alongside` on the other core while the finished
/// sheets are saved: rust_xlsxwriter assembles each sheet's XML on a thread of its
/// own and then deflates the parts one after another, which leaves a core idle;
/// `alongside` starts when that last stretch does (`beside`).
/// `alongside`'s result is `None` when the workbook failed before the save (it then
/// never runs) or when the save panicked (its result is then dropped).
pub fn write_workbook_alongside<R: Send>(
    results: &Results,
    settings: &Settings,
    path: &Path,
    created: NaiveDateTime,
    alongside: impl FnOnce() -> R + Send,
) -> (Result<()>, Option<R>) {
    let mut side = None;
    let staged = guarded(path, || {
        let mut wb = prepare_workbook(results, settings, created)
            .map_err(|e| Error::write(path.display(), e))?;
        // `alongside` waits for the save's last stretch (see `beside`).
        let gate = beside::Gate::default();
        let (staged, r) = rayon::join(
            || {
                let _open = gate.opener();
                stage(path, |out| {
                    wb.save_to_writer(beside::Watch::new(out, &gate))
                        .map_err(|e| xlsx_error(path, e))
                })
            },
            || {
                gate.wait();
                alongside()
            },
        );
        side = Some(r);
        // A thousand sheets take a while to free; nothing waits for it (an `--eml`
        // written next may briefly hold the file's bytes beside them).
        rayon::spawn(move || drop(wb));
        staged
    });
    (staged.and_then(Staged::commit), side)
}

/// A failed save of the workbook to `path` as `Error::Write`; a failed write of the
/// file itself (a full disk, a file-size limit) in [`write_reason`]'s words.
fn xlsx_error(path: &Path, e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(io) | XlsxError::ZipError(zip::result::ZipError::Io(io)) => {
            write_error(path, &io)
        }
        other => Error::write(path.display(), other),
    }
}

/// What `build` returns, a panic of rust_xlsxwriter's XML writer becoming an
/// `Error::Write` naming `path`.
fn guarded<T>(path: &Path, build: impl FnOnce() -> Result<T>) -> Result<T> {
    // rust_xlsxwriter writes the sheets' XML to temporary files and panics, rather
    // than returning an error, when such a write fails (a full disk, a file-size
    // limit): that is "cannot write the output", not a bug.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(build)) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic_text(panic.as_ref());
            if what.starts_with(XML_WRITE_ERROR) {
                Err(Error::write(
                    path.display(),
                    format!(
                        "{} while writing the workbook's sheets to temporary files; {KEPT}",
                        io_message(&what)
                    ),
                ))
            } else if what.starts_with(THREAD_START_ERROR) {
                Err(Error::write(
                    path.display(),
                    format!(
                        "the system would not start the threads that assemble the workbook's sheets (one per sheet, all at once): its limit on threads or on memory was reached ({}); raise it (ulimit -u, ulimit -v, a container's pids limit) or report fewer KPIs; {KEPT}",
                        what.trim_start_matches(THREAD_START_ERROR).trim_start_matches(": ")
                    ),
                ))
            } else {
                std::panic::resume_unwind(panic)
            }
        }
    }
}

/// How rust_xlsxwriter's writer panics when a write fails.
const XML_WRITE_ERROR: &str = "Couldn't write to xml file";
/// How the standard library panics when a scoped thread cannot start (rust_xlsxwriter
/// starts one per sheet while it saves).
const THREAD_START_ERROR: &str = "failed to spawn thread";

/// The text of a panic payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_default()
}

/// What a debug-printed `io::Error` inside a panic message says, in the words
/// [`write_reason`] uses (`Os { code: 27, kind: FileTooLarge, … }` → "the file-size
/// limit was reached").
fn io_message(text: &str) -> String {
    let kind = text.split_once("kind: ").map_or("", |(_, rest)| {
        rest.split([',', ' ', '}']).next().unwrap_or("")
    });
    match kind {
        "StorageFull" => "the disk is full".into(),
        "FileTooLarge" => "the file-size limit was reached".into(),
        "QuotaExceeded" => "the disk quota is exceeded".into(),
        _ => format!(
            "a write failed ({})",
            text.trim_start_matches(XML_WRITE_ERROR)
                .trim_start_matches(": ")
        ),
    }
}

/// The workbook's bytes.
pub fn build_workbook(
    results: &Results,
    settings: &Settings,
    created: NaiveDateTime,
) -> Result<Vec<u8>, XlsxError> {
    prepare_workbook(results, settings, created)?.save_to_buffer()
}

/// The workbook with every sheet, ready to save.
fn prepare_workbook(
    results: &Results,
    settings: &Settings,
    created: NaiveDateTime,
) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&properties(results, &settings.title, created));
    // Deflate is most of the time a large workbook takes to save; level 2 saves it
    // about a third faster than the default 6 for a file about a seventh larger.
    wb.set_zip_compression_level(2);
    add_sheets(&mut wb, results, settings, &Styles::new())?;
    Ok(wb)
}

/// Every sheet, in the order docs/report.md describes.
fn add_sheets(
    wb: &mut Workbook,
    r: &Results,
    settings: &Settings,
    st: &Styles,
) -> Result<(), XlsxError> {
    // The KPI sheets (in parallel among themselves), the review sheets and the Data
    // sheets are independent: built side by side, then put in order. (The Data
    // sheets stream their rows through the workbook, so they are the workbook's
    // until the others join them.)
    let (kpi_sheets, (review, data)) = rayon::join(
        || kpi_sheet::build_all(r, st, settings.max_charts),
        || {
            rayon::join(
                || -> Result<Vec<Worksheet>, XlsxError> {
                    // Summary, [Changes,] Targets, Lead-Lag, Re-evaluation, Data Quality.
                    let mut s: Vec<Worksheet> = (0..5).map(|_| Worksheet::new()).collect();
                    summary::write(&mut s[0], r, settings, st)?;
                    plans::write_targets(&mut s[1], r, st)?;
                    leadlag::write(&mut s[2], r, st)?;
                    plans::write_reevaluation(&mut s[3], r, st)?;
                    quality::write(&mut s[4], r, st)?;
                    if let Some(c) = &r.changes {
                        let mut ws = Worksheet::new();
                        changes::write(&mut ws, r, c, st)?;
                        s.insert(1, ws);
                    }
                    Ok(s)
                },
                || data::write(wb, r, st),
            )
        },
    );
    data?;
    let mut review = review?;
    let summary = review.remove(0);
    let sheets = wb.worksheets_mut();
    let data_sheets = std::mem::take(sheets);
    sheets.push(summary);
    if r.changes.is_some() {
        // The Changes sheet follows Summary, before the KPI sheets.
        sheets.push(review.remove(0));
    }
    sheets.extend(kpi_sheets?);
    sheets.extend(review);
    sheets.extend(data_sheets);
    method::write(wb.add_worksheet(), r, st)?;
    Ok(())
}

fn properties(r: &Results, title: &str, created: NaiveDateTime) -> DocProperties {
    let generator = format!("kpilens {}", crate::VERSION);
    DocProperties::new()
        .set_title(cells::cut_utf16(title, 255))
        .set_subject(format!("KPI report as of {}", r.as_of.format("%Y-%m-%d")))
        .set_author("kpilens")
        .set_keywords("KPI, kpilens")
        .set_comment(format!(
            "Written by {generator} from {}.",
            words::plural(r.inputs.len(), "input", "inputs")
        ))
        .set_creation_datetime(&created)
        .set_custom_property(GENERATOR_PROPERTY, generator.as_str())
}

/// Write `bytes` to a temporary file beside `path`, then rename it into place. Missing
/// parent folders are created; every failure is `Error::Write` naming `path`.
pub(crate) fn save_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    stage(path, |out| {
        out.write_all(bytes).map_err(|e| write_error(path, &e))
    })?
    .commit()
}

/// A failed write to `path` as `Error::Write`, in [`write_reason`]'s words.
pub(crate) fn write_error(path: &Path, e: &std::io::Error) -> Error {
    // A stream (`/dev/full`, a pipe) is written into: it has no previous file to keep.
    let kept = !crate::files::kind(path).is_stream();
    Error::write(path.display(), write_reason(e, kept))
}

/// A file written in full and synced to a temporary file beside its destination, not
/// yet in place: [`Staged::commit`] renames it there, and dropping it instead deletes
/// it, so the previous file at the destination is only ever replaced whole. A stream
/// (`/dev/null`, `/dev/stdout`, a pipe) has no folder to stage in and must never be
/// replaced by a file: it is written straight into, and committing it does nothing.
#[derive(Debug)]
pub struct Staged {
    /// Where the file goes, as it was given.
    path: std::path::PathBuf,
    /// The temporary file and the file it replaces (through any symlink); `None` for
    /// a stream, already written.
    file: Option<(tempfile::NamedTempFile, std::path::PathBuf)>,
}

impl Staged {
    /// Where the file goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Put the file in place. A failure is `Error::Write` naming the destination.
    pub fn commit(self) -> Result<()> {
        if let Some((tmp, real)) = self.file {
            tmp.persist(&real)
                .map_err(|e| Error::write(self.path.display(), e.error))?;
        }
        Ok(())
    }
}

/// The file `write` produces, staged beside `path` (see [`Staged`]). Missing parent
/// folders are created; every failure is `Error::Write` naming `path`.
pub(crate) fn stage(
    path: &Path,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<()>,
) -> Result<Staged> {
    let fail = |e: &dyn std::fmt::Display| Error::write(path.display(), e);
    match crate::files::kind(path) {
        crate::files::Kind::Folder => return Err(fail(&"it is a folder")),
        kind if kind.is_stream() => {
            let stream = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| write_error(path, &e))?;
            buffered(path, &stream, write)?;
            return Ok(Staged {
                path: path.to_path_buf(),
                file: None,
            });
        }
        _ => {}
    }
    // A symlinked output is written where the link points; the link stays.
    let real = crate::files::destination(path);
    let dir = real
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kpilens-").suffix(".tmp");
    // Temporary files are private (0600); the report is an ordinary file, so ask for
    // 0666 and let the umask decide, as any newly created file would.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let tmp = builder
        .tempfile_in(dir)
        .map_err(|e| fail(&write_reason(&e, true)))?;
    // On any failure `tmp` is dropped, which deletes it.
    buffered(path, tmp.as_file(), write)?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| fail(&write_reason(&e, true)))?;
    Ok(Staged {
        path: path.to_path_buf(),
        file: Some((tmp, real)),
    })
}

/// `write` into `file` through a buffer, flushed; failures name `path`.
fn buffered(
    path: &Path,
    file: &std::fs::File,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<()>,
) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    write(&mut out)?;
    out.flush().map_err(|e| write_error(path, &e))
}

/// What a failed write leaves behind.
const KEPT: &str = "the previous file, if any, is untouched";

/// An output write error in a user's words: a full disk or a file-size limit says so,
/// and, for a file replaced whole (`kept`), that the previous one was kept.
fn write_reason(e: &std::io::Error, kept: bool) -> String {
    use std::io::ErrorKind;
    let what = match e.kind() {
        ErrorKind::StorageFull => "the disk is full",
        ErrorKind::FileTooLarge => "the file-size limit was reached",
        ErrorKind::QuotaExceeded => "the disk quota is exceeded",
        _ => return e.to_string(),
    };
    if kept {
        format!("{what}; {KEPT}")
    } else {
        what.to_string()
    }
}

/// Was the file at `path` written by kpilens? True when it is a zip whose
/// `docProps/custom.xml` holds our generator property; false for anything else,
/// including unreadable files.
pub fn written_by_kpilens(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    // Buffered: the zip reader reads the central directory a few bytes at a time (two
    // reads per part, some 4,000 for a workbook of 1,000 KPI sheets).
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return false;
    };
    let Ok(entry) = zip.by_name("docProps/custom.xml") else {
        return false;
    };
    if entry.size() > MAX_CUSTOM_XML {
        return false;
    }
    let mut xml = String::new();
    if entry.take(MAX_CUSTOM_XML).read_to_string(&mut xml).is_err() {
        return false;
    }
    generator_of(&xml).is_some_and(|g| g.starts_with("kpilens "))
}

/// The text value of the generator property in a `docProps/custom.xml`.
fn generator_of(xml: &str) -> Option<&str> {
    let at = xml.find(&format!("name=\"{GENERATOR_PROPERTY}\""))?;
    let property = &xml[at..];
    let property = &property[..property.find("</property>")?];
    let open = "<vt:lpwstr>";
    let start = property.find(open)? + open.len();
    let len = property[start..].find("</vt:lpwstr>")?;
    Some(&property[start..start + len])
}

/// The format for a KPI's values and targets, from its unit and its values.
pub(crate) fn value_format<'a>(st: &'a Styles, k: &KpiResult) -> &'a Format {
    let whole = |v: &f64| v.fract() == 0.0 && v.abs() < 1e15;
    let mut values = k
        .series
        .iter()
        .flat_map(|p| [p.value, p.target, p.target_min, p.target_max])
        .chain([k.latest.value, k.latest.target])
        .flatten()
        .filter(|v| v.is_finite())
        .peekable();
    let any = values.peek().is_some();
    st.value(k.def.unit.as_deref(), any && values.all(|v| whole(&v)))
}
