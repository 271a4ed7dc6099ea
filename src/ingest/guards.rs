/*!
Structural checks on a workbook before calamine opens it. calamine trusts counts and
chains that a damaged or forged file can set to anything, and some of its answers to
them cannot be caught: an allocation of terabytes aborts the process, a looping chain
allocates until the machine kills it. So the structures calamine would follow are
checked here first, and a file that would set off one of these traps is refused as a
damaged workbook (exit 4, or a finding when other inputs remain):

- zipped workbooks (xlsx, xlsb, ods): the uncompressed sizes and ratio (zip bombs);
  the `uniqueCount` of `sharedStrings.xml`, which calamine reserves up front, against
  the part's size; the cells an ods `content.xml` expands to through its repeat
  counts, against the cell budget, and the text they then hold (a repeated cell's
  text, a `<text:s text:c>` run of spaces), against the text budget: calamine
  expands every sheet at open, a copy of the text in every cell;
- OLE/CFB containers (xls): the sector size, the FAT and directory chains and the
  chains of the streams calamine reads, for loops and for sectors past the end of the
  file, exactly as calamine walks them (`cfb.rs` of calamine 0.38). A general CFB
  crate would judge the container by its own rules, not by what calamine will do.
  Then what its records have calamine allocate (`biff`): the cells a sheet's
  declared dimensions reserve, against the cell budget, and the text its cells would
  hold, a copy of a shared string in each cell that names it, against the text budget.

docs/reliability.md lists each trap with its guard.
*/
use std::io::Read;
use std::path::Path;

use quick_xml::events::Event;

mod biff;

use super::{Format, CELL_BUDGET, TEXT_BUDGET};
use crate::error::{Error, Result};

/// Largest total uncompressed size of a zipped workbook.
const UNZIPPED_BUDGET: u64 = 2 << 30;
/// Compression ratio above which a large archive is treated as a zip bomb.
const ZIP_RATIO_LIMIT: u64 = 200;
/// The smallest shared string an xlsx can hold, `<si/>`, in bytes.
const MIN_SHARED_STRING: u64 = 5;
/// How much of a part is read to find its first element.
const HEAD_BYTES: u64 = 64 * 1024;
/// A sheet has at most this many rows and columns (calamine caps ods repeats there).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;
/// Most cells the sheets of an ods may expand to, together. calamine expands them all
/// when it opens the file, each cell twice (its value and its formula) before a cell
/// is read, some 170 bytes a cell with the table made from them: one row of four
/// numbers and texts repeated a million times (a 1 KB file) took 706 MB. A tenth of
/// the budget of the other formats keeps any ods under about 350 MB; an ods export of
/// two million cells would be some 200 MB of XML, beyond what a spreadsheet program
/// writes in reasonable time.
const ODS_CELL_BUDGET: u64 = 2_000_000;

fn damaged(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::read(path.display(), format!("damaged workbook ({why})"))
}

/// Decide which zipped format this is, refusing zip bombs and forged counts before
/// any reader inflates it.
pub(super) fn zip_format(bytes: &[u8], path: &Path) -> Result<Format> {
    let bad = |why: String| Error::read(path.display(), why);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        bad(format!(
            "the workbook is damaged or truncated ({e}); re-export it from the source system"
        ))
    })?;
    let mut total: u64 = 0;
    let mut compressed: u64 = 0;
    let mut format = None;
    let mut shared_strings = Vec::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| bad(format!("the workbook is damaged ({e})")))?;
        total = total.saturating_add(entry.size());
        compressed = compressed.saturating_add(entry.compressed_size());
        let name = entry.name().unwrap_or_default().to_string();
        match name.as_str() {
            "xl/workbook.xml" => format = Some(Format::Xlsx),
            "xl/workbook.bin" => format = Some(Format::Xlsb),
            "content.xml" if format.is_none() => format = Some(Format::Ods),
            _ => {}
        }
        // calamine finds parts ignoring case.
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            shared_strings.push(i);
        }
    }
    if total > UNZIPPED_BUDGET || (total > 50 << 20 && total / compressed.max(1) > ZIP_RATIO_LIMIT)
    {
        return Err(bad(format!(
            "the workbook would expand to {} MB ({}× its size): refusing a possible zip bomb",
            total >> 20,
            total / compressed.max(1)
        )));
    }
    let format = format.ok_or_else(|| {
        bad("the file is a zip archive but not an xlsx, xlsm, xlsb or ods workbook".into())
    })?;
    if format == Format::Xlsx {
        for i in shared_strings {
            shared_string_count(&mut archive, i, path)?;
        }
    }
    if format == Format::Ods {
        ods_extent(&mut archive, path)?;
    }
    Ok(format)
}

/// The `<sst uniqueCount>` of a shared-strings part must fit the part: every string
/// takes at least `<si/>`. calamine reserves that many strings before reading one.
fn shared_string_count<R: std::io::Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    path: &Path,
) -> Result<()> {
    let mut entry = archive
        .by_index(index)
        .map_err(|e| damaged(path, format!("its shared strings cannot be read: {e}")))?;
    let size = entry.size();
    let name = entry.name().unwrap_or_default().to_string();
    let mut head = Vec::new();
    // A read error here is left to calamine, which reports it as an error.
    let _ = (&mut entry).take(HEAD_BYTES).read_to_end(&mut head);
    let mut reader = quick_xml::Reader::from_reader(head.as_slice());
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                let declared = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "uniqueCount")
                    .and_then(|a| a.value.trim().parse::<u64>().ok());
                if let Some(n) = declared {
                    if n > size / MIN_SHARED_STRING + 1 {
                        return Err(damaged(
                            path,
                            format!(
                                "{name} declares {n} unique strings in {size} bytes, which cannot hold more than {}",
                                size / MIN_SHARED_STRING + 1
                            ),
                        ));
                    }
                }
                return Ok(());
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => buf.clear(),
        }
    }
}

/// The cells calamine's ods reader would expand `content.xml` to, sheet by sheet,
/// from its row and column repeat counts: the cells each row pushes (up to its last
/// value) and the rectangle from the first to the last row and column with a value;
/// and the text those cells would hold, each repeat a copy.
fn ods_extent<R: std::io::Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    path: &Path,
) -> Result<()> {
    let Ok(entry) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(entry));
    // As calamine reads it: an end tag need not match its start.
    reader.config_mut().check_end_names = false;
    let mut scan = OdsScan {
        path,
        sheet: OdsSheet::default(),
        total: 0,
        text_before: 0,
        open: None,
        in_annotation: false,
        in_table: false,
        in_row: false,
    };
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            // calamine reads a sheet until its end tag, and a cell's note until its
            // own, without stopping at the end of the file: one left open never
            // finishes.
            Ok(Event::Eof) if scan.in_table || scan.in_annotation => {
                return Err(damaged(
                    path,
                    format!(
                        "sheet '{}' of content.xml is not closed: the file ends inside it",
                        scan.sheet.name
                    ),
                ))
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(e) => e,
        };
        scan.event(&event)?;
        buf.clear();
    }
}

/// The ods pre-scan's state: the sheet being read, the cells and text of the sheets
/// before it, the cell element open, and where in the document the reader is.
struct OdsScan<'p> {
    path: &'p Path,
    sheet: OdsSheet,
    total: u64,
    text_before: u64,
    /// The string cell whose content is being read.
    open: Option<OdsCell>,
    in_annotation: bool,
    in_table: bool,
    in_row: bool,
}

/// Is this a cell element's tag (covered cells included)?
fn is_cell(tag: &str) -> bool {
    matches!(tag, "table:table-cell" | "table:covered-table-cell")
}

/// The name of a start, empty or end tag ("" for any other event).
fn tag<'e>(event: &'e Event) -> &'e str {
    match event {
        Event::Start(e) | Event::Empty(e) => e.name().into_inner(),
        Event::End(e) => e.name().into_inner(),
        _ => "",
    }
}

impl OdsScan<'_> {
    /// One event, seen where calamine would see it: a sheet's rows inside a sheet, a
    /// row's cells inside a row, a string cell's text inside the cell, and nothing
    /// inside a note but its end.
    fn event(&mut self, event: &Event) -> Result<()> {
        let is_end = matches!(event, Event::End(_));
        let tag = tag(event);
        if self.in_annotation {
            self.in_annotation = !(is_end && tag == "office:annotation");
        } else if self.open.is_some() {
            self.cell_content(event, tag, is_end);
        } else if self.in_row {
            match event {
                Event::Start(e) | Event::Empty(e) if is_cell(tag) => {
                    let cell = OdsCell::of(e);
                    let repeats = self
                        .sheet
                        .cell(repeats(e, "table:number-columns-repeated"), cell.valued);
                    if cell.content && matches!(event, Event::Start(_)) {
                        self.open = Some(OdsCell { repeats, ..cell });
                    } else {
                        self.sheet.add_text(cell.text, repeats);
                    }
                }
                Event::End(_) if tag == "table:table-row" => self.end_row()?,
                _ => {}
            }
        } else if self.in_table {
            match event {
                Event::Start(e) | Event::Empty(e) if tag == "table:table-row" => {
                    self.sheet
                        .start_row(repeats(e, "table:number-rows-repeated"));
                    if matches!(event, Event::Start(_)) {
                        self.in_row = true;
                    } else {
                        self.sheet.end_row();
                    }
                }
                Event::End(_) if tag == "table:table" => self.end_sheet()?,
                _ => {}
            }
        } else if let Event::Start(e) = event {
            if tag == "table:table" {
                self.in_table = true;
                self.sheet = OdsSheet {
                    name: attr(e, "table:name").unwrap_or_default(),
                    ..OdsSheet::default()
                };
            }
        }
        Ok(())
    }

    /// Inside a string cell: its text (a run of spaces is `text:c` of them, one by
    /// default; an entity up to four bytes), a note skipped, until the cell's end.
    fn cell_content(&mut self, event: &Event, tag: &str, is_end: bool) {
        if is_end && is_cell(tag) {
            if let Some(cell) = self.open.take() {
                self.sheet.add_text(cell.text, cell.repeats);
            }
            return;
        }
        let added = match event {
            Event::Start(_) if tag == "office:annotation" => {
                self.in_annotation = true;
                0
            }
            Event::Text(t) => t.len() as u64,
            Event::GeneralRef(_) => 4,
            Event::Start(e) | Event::Empty(e) => match tag {
                "text:s" => attr(e, "text:c").map_or(1, |c| c.trim().parse::<u64>().unwrap_or(0)),
                "text:p" | "text:tab" | "text:line-break" => 1,
                _ => 0,
            },
            _ => 0,
        };
        if let Some(cell) = self.open.as_mut() {
            cell.text = cell.text.saturating_add(added);
        }
    }

    /// A row's end: its cells and text kept, the text checked against the budget.
    fn end_row(&mut self) -> Result<()> {
        self.in_row = false;
        self.sheet.end_row();
        if self.text_before.saturating_add(self.sheet.text) > TEXT_BUDGET {
            return Err(super::over_text_budget(
                self.path.display(),
                "would hold",
                &format!(
                    "through their repeat counts (sheet '{}' passes it)",
                    self.sheet.name
                ),
            ));
        }
        Ok(())
    }

    /// A sheet's end: its cells checked against the budgets.
    fn end_sheet(&mut self) -> Result<()> {
        self.in_table = false;
        self.text_before = self.text_before.saturating_add(self.sheet.text);
        let cells = self.sheet.cells();
        self.total = self.total.saturating_add(cells);
        self.sheet.check(cells, self.path)?;
        if self.total > ODS_CELL_BUDGET {
            return Err(Error::read(
                self.path.display(),
                format!("its sheets expand to more than {ODS_CELL_BUDGET} cells together, over the budget of an ods workbook; export only the data ranges"),
            ));
        }
        Ok(())
    }
}

fn attr(e: &quick_xml::events::BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.into_owned())
}

fn repeats(e: &quick_xml::events::BytesStart, key: &str) -> u64 {
    attr(e, key)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
}

/// One ods cell element as calamine's reader reads it.
#[derive(Default)]
struct OdsCell {
    /// Whether it holds a value (it is then pushed, with its repeats).
    valued: bool,
    /// Its text once read (bytes): value and formula attributes, then the content.
    text: u64,
    /// Whether its content is its value (a string cell without `office:string-value`).
    content: bool,
    /// How many times it is pushed (`table:number-columns-repeated`, capped).
    repeats: u64,
}

impl OdsCell {
    /// A cell element's attributes as calamine's `get_datatype` reads them: the first
    /// value attribute is the value; the content is read when the cell is a string
    /// without one, or an error whose string value is empty.
    fn of(e: &quick_xml::events::BytesStart) -> Self {
        let mut cell = OdsCell::default();
        let (mut value_set, mut string_type, mut error, mut empty_string) =
            (false, false, false, false);
        for a in e.attributes().flatten() {
            let key = a.key.as_ref();
            cell.valued |= matches!(
                key,
                "office:value"
                    | "office:string-value"
                    | "office:date-value"
                    | "office:time-value"
                    | "office:boolean-value"
                    | "office:value-type"
                    | "table:formula"
            );
            match key {
                "office:value" | "office:boolean-value" => value_set = true,
                "office:string-value" | "office:date-value" | "office:time-value" if !value_set => {
                    value_set = true;
                    empty_string = key == "office:string-value" && a.value.is_empty();
                    cell.text = cell.text.saturating_add(a.value.len() as u64);
                }
                "table:formula" => cell.text = cell.text.saturating_add(a.value.len() as u64),
                "office:value-type" if !value_set => string_type = a.value.as_ref() == "string",
                "calcext:value-type" => error = a.value.as_ref() == "error",
                _ => {}
            }
        }
        cell.content = (!value_set && string_type) || (error && empty_string);
        cell
    }
}

/// One ods sheet as calamine's reader will hold it.
#[derive(Default)]
struct OdsSheet {
    name: String,
    /// Rows so far, repeats included (capped like calamine's).
    rows: u64,
    /// The current row: its repeat count, cells pushed, pending empty cells.
    row_repeats: u64,
    pushed: u64,
    pending_empty: u64,
    first_value_col: Option<u64>,
    /// Cells pushed by all row elements so far (kept before any expansion).
    row_cells: u64,
    /// The rectangle of values: rows (with repeats) and columns.
    first_value_row: Option<u64>,
    last_value_row_end: u64,
    col_min: u64,
    col_max: u64,
    /// Text of the current row's cells (bytes, column repeats included), and of the
    /// sheet's rows so far (row repeats included).
    row_text: u64,
    text: u64,
}

impl OdsSheet {
    fn start_row(&mut self, repeats: u64) {
        self.row_repeats = repeats.min(MAX_ROWS.saturating_sub(self.rows));
        self.pushed = 0;
        self.pending_empty = 0;
        self.first_value_col = None;
    }

    /// A cell repeated `repeats` times; how many times calamine keeps it.
    fn cell(&mut self, repeats: u64, valued: bool) -> u64 {
        let room = |pushed: u64| MAX_COLUMNS.saturating_sub(pushed);
        self.pushed += self.pending_empty.min(room(self.pushed));
        self.pending_empty = 0;
        let repeats = repeats.min(room(self.pushed));
        if valued {
            self.first_value_col.get_or_insert(self.pushed);
            self.pushed += repeats;
        } else {
            self.pending_empty = repeats;
        }
        repeats
    }

    /// A cell's text, kept `repeats` times in the row.
    fn add_text(&mut self, text: u64, repeats: u64) {
        self.row_text = self.row_text.saturating_add(text.saturating_mul(repeats));
    }

    fn end_row(&mut self) {
        self.text = self
            .text
            .saturating_add(self.row_text.saturating_mul(self.row_repeats));
        self.row_text = 0;
        self.row_cells = self.row_cells.saturating_add(self.pushed);
        if let Some(first) = self.first_value_col {
            if self.first_value_row.is_none() {
                self.first_value_row = Some(self.rows);
                self.col_min = first;
            }
            self.col_min = self.col_min.min(first);
            self.col_max = self.col_max.max(self.pushed.saturating_sub(1));
            self.last_value_row_end = self.rows + self.row_repeats;
        }
        self.rows = self.rows.saturating_add(self.row_repeats);
        self.pushed = 0;
    }

    /// What the sheet costs: the larger of the cells its rows push and the rectangle
    /// it is expanded to.
    fn cells(&self) -> u64 {
        let rect = self.first_value_row.map_or(0, |first| {
            (self.last_value_row_end - first).saturating_mul(self.col_max + 1 - self.col_min)
        });
        rect.max(self.row_cells)
    }

    fn check(&self, cells: u64, path: &Path) -> Result<()> {
        if cells <= ODS_CELL_BUDGET {
            return Ok(());
        }
        let rows = self
            .first_value_row
            .map_or(0, |first| self.last_value_row_end - first);
        Err(Error::read(
            path.display(),
            format!(
                "sheet '{}' expands to {rows} rows × {} columns through its repeat counts, over the budget of {ODS_CELL_BUDGET} cells of an ods workbook; delete the stray cells far from the data or export only the data range",
                self.name,
                self.col_max + 1 - self.col_min.min(self.col_max + 1)
            ),
        ))
    }
}

/// Sector numbers at and above this are markers, not sectors (MS-CFB).
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Streams smaller than this live in the mini stream, in 64-byte mini sectors.
const MINI_STREAM_CUTOFF: u64 = 4096;
/// The streams calamine's xls reader opens.
const XLS_STREAMS: [&str; 4] = [
    "Workbook",
    "Book",
    "\u{5}SummaryInformation",
    "\u{5}DocumentSummaryInformation",
];

/// Check the OLE/CFB container of an xls the way calamine will walk it: the DIFAT,
/// the FAT, the directory chain, the mini stream and mini FAT, and the streams it
/// reads. A chain that loops, or names a sector past the end of the file or past the
/// FAT, makes calamine allocate without end or fail inside; it is refused here.
pub(super) fn cfb_chains(bytes: &[u8], path: &Path) -> Result<()> {
    let bad = |why: String| damaged(path, why);
    let cfb = Container::new(bytes).map_err(bad)?;
    let fat = cfb.fat().map_err(bad)?;
    let unit = cfb.sector_size as u64;
    let dir_bytes =
        walk(cfb.dir_start, u64::MAX, &fat, unit, cfb.max_id, "directory").map_err(bad)?;
    let entries = cfb.directory(&fat, dir_bytes);
    let Some(&(_, root_start, root_len)) = entries.first() else {
        return Ok(()); // calamine reports an empty root directory itself.
    };
    if cfb.version != 3 && root_start == END_OF_CHAIN {
        return Ok(());
    }
    let mini = if cfb.mini_fat_len > 0 {
        walk(root_start, root_len, &fat, unit, cfb.max_id, "mini stream").map_err(bad)?;
        let fat_bytes = (cfb.mini_fat_len as u64).saturating_mul(unit);
        walk(
            cfb.mini_fat_start,
            fat_bytes,
            &fat,
            unit,
            cfb.max_id,
            "mini FAT",
        )
        .map_err(bad)?;
        Some((cfb.mini_fat(&fat), cfb.max_id.saturating_mul(8)))
    } else {
        None
    };
    for name in XLS_STREAMS {
        let Some(&(_, start, len)) = entries
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        else {
            continue;
        };
        let what = format!("{name} stream");
        if len < MINI_STREAM_CUTOFF {
            if let Some((mini_fat, limit)) = &mini {
                walk(start, len, mini_fat, 64, *limit, &what).map_err(bad)?;
            }
        } else {
            walk(start, len, &fat, unit, cfb.max_id, &what).map_err(bad)?;
        }
    }
    // The stream calamine reads, "Workbook" or else "Book", from the FAT or, under
    // 4 KB, from the mini stream.
    let stream = ["Workbook", "Book"].iter().find_map(|name| {
        entries
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
    });
    if let Some(&(_, start, len)) = stream {
        let bytes = if len < MINI_STREAM_CUTOFF {
            mini.as_ref().map_or_else(Vec::new, |(mini_fat, _)| {
                let mini_stream = cfb.stream(&fat, root_start, root_len);
                mini_chain(&mini_stream, mini_fat, start, len)
            })
        } else {
            cfb.stream(&fat, start, len)
        };
        within_demands(&biff::demands(&bytes), path)?;
    }
    Ok(())
}

/// What an xls's records ask calamine for, against the budgets.
fn within_demands(demands: &biff::Demands, path: &Path) -> Result<()> {
    if demands.reserved_cells > CELL_BUDGET {
        return Err(damaged(
            path,
            format!(
                "a sheet declares dimensions of {} cells, more than an xls sheet can hold",
                demands.reserved_cells
            ),
        ));
    }
    let (rows, cols) = demands.extent;
    if rows.saturating_mul(cols) > CELL_BUDGET {
        return Err(Error::read(
            path.display(),
            format!(
                "a sheet's cells span {rows} rows × {cols} columns, over the budget of {CELL_BUDGET} cells; delete the stray cells far from the data or export only the data range"
            ),
        ));
    }
    if demands.text > TEXT_BUDGET {
        return Err(super::over_text_budget(
            path.display(),
            "would hold",
            "(shared strings named by many cells)",
        ));
    }
    Ok(())
}

/// The bytes of a small stream of `len` bytes: its chain of 64-byte mini sectors in
/// `mini_stream` (a chain already walked), from `start`.
fn mini_chain(mini_stream: &[u8], mini_fat: &[u32], start: u32, len: u64) -> Vec<u8> {
    chain_bytes(start, len, (mini_fat, 64), mini_stream.len(), |id| {
        let at = id as usize * 64;
        mini_stream.get(at..(at + 64).min(mini_stream.len()))
    })
}

/// The first `len` bytes (at most `available`) of a chain already walked, from
/// `start`: each (mini) sector's bytes as `sector` gives them, the next sector from
/// the chain's `table`, sectors of `unit` bytes. Never more sectors than the walk
/// checked for loops; a sector missing or empty ends it.
fn chain_bytes<'s>(
    start: u32,
    len: u64,
    (table, unit): (&[u32], usize),
    available: usize,
    sector: impl Fn(u32) -> Option<&'s [u8]>,
) -> Vec<u8> {
    let len = usize::try_from(len).unwrap_or(usize::MAX).min(available);
    let mut out = Vec::with_capacity(len);
    let mut id = start;
    let mut steps = len / unit + 1;
    while id != END_OF_CHAIN && out.len() < len && steps > 0 {
        steps -= 1;
        let Some(s) = sector(id).filter(|s| !s.is_empty()) else {
            break;
        };
        out.extend_from_slice(&s[..s.len().min(len - out.len())]);
        id = table.get(id as usize).copied().unwrap_or(END_OF_CHAIN);
    }
    out
}

/// An OLE/CFB container's header and sectors, read as calamine reads them.
struct Container<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    version: u16,
    dir_start: u32,
    mini_fat_start: u32,
    mini_fat_len: usize,
    difat_start: u32,
    /// calamine numbers the sectors of the whole file (header included) from 0; the
    /// highest number it accepts.
    max_id: u32,
}

/// Walk a chain of `len` bytes (or up to its end) through `table`, with `limit` the
/// highest (mini) sector number that exists; the bytes covered.
fn walk(
    start: u32,
    len: u64,
    table: &[u32],
    unit: u64,
    limit: u32,
    what: &str,
) -> Result<u64, String> {
    let mut seen = vec![false; limit as usize + 1];
    let mut id = start;
    let mut got: u64 = 0;
    while id != END_OF_CHAIN && got < len {
        if id > limit {
            return Err(format!(
                "the {what} chain points past the end of the file (sector {id})"
            ));
        }
        if std::mem::replace(&mut seen[id as usize], true) {
            return Err(format!("the {what} chain loops back to sector {id}"));
        }
        got = got.saturating_add(unit);
        if got >= len {
            break;
        }
        id = *table.get(id as usize).ok_or_else(|| {
            format!("the {what} chain leaves the allocation table at sector {id}")
        })?;
    }
    Ok(got)
}

/// Little-endian words of a sector.
fn words(s: &[u8]) -> Vec<u32> {
    s.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl<'a> Container<'a> {
    fn new(bytes: &'a [u8]) -> Result<Self, String> {
        if bytes.len() < 512 {
            return Err(format!(
                "an OLE container needs at least 512 bytes, this file has {}",
                bytes.len()
            ));
        }
        let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]);
        let u32_at =
            |o: usize| u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
        let sector_size: usize = match u16_at(30) {
            9 => 512,
            12 => 4096,
            s => return Err(format!("sector shift {s:#x} is neither 9 nor 12")),
        };
        Ok(Container {
            bytes,
            sector_size,
            version: u16_at(26),
            dir_start: u32_at(48),
            mini_fat_start: u32_at(60),
            mini_fat_len: u32_at(64) as usize,
            difat_start: u32_at(68),
            max_id: (bytes.len() / sector_size) as u32,
        })
    }

    /// Sector `id`, which starts after the header (one sector long); short at the end
    /// of the file, `None` past it.
    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        if id > self.max_id {
            return None;
        }
        let start = (id as usize + 1) * self.sector_size;
        self.bytes
            .get(start..(start + self.sector_size).min(self.bytes.len()))
    }

    /// The FAT: the DIFAT's 109 header entries and its chain (whose last word links
    /// on), each FAT sector once and none past the end of the file — a forged DIFAT
    /// naming one sector a million times makes calamine copy it as often.
    fn fat(&self) -> Result<Vec<u32>, String> {
        let mut difat: Vec<u32> = words(&self.bytes[76..512]);
        let mut id = self.difat_start;
        let mut seen = vec![false; self.max_id as usize + 2];
        while id < MAX_REGULAR_SECTOR {
            if std::mem::replace(&mut seen[id.min(self.max_id + 1) as usize], true)
                || id > self.max_id
            {
                return Err(format!(
                    "its DIFAT chain loops or leaves the file at sector {id}"
                ));
            }
            difat.extend(words(self.sector(id).unwrap_or_default()));
            id = difat.pop().unwrap_or(END_OF_CHAIN);
        }
        let fat_ids: Vec<u32> = difat.into_iter().filter(|&id| id < 0xFFFF_FFFC).collect();
        let mut listed = vec![false; self.max_id as usize + 1];
        for &id in &fat_ids {
            if id > self.max_id {
                return Err(format!("a FAT sector ({id}) lies past the end of the file"));
            }
            if std::mem::replace(&mut listed[id as usize], true) {
                return Err(format!("its DIFAT names FAT sector {id} more than once"));
            }
        }
        let mut fat = Vec::new();
        for id in fat_ids {
            let s = self
                .sector(id)
                .ok_or_else(|| format!("a FAT sector ({id}) lies past the end of the file"))?;
            fat.extend(words(s));
        }
        Ok(fat)
    }

    /// Directory entries (name, start sector, stream length), read as calamine reads
    /// them, from the first `dir_bytes` of the directory chain.
    fn directory(&self, fat: &[u32], dir_bytes: u64) -> Vec<(String, u32, u64)> {
        let mut entries = Vec::new();
        let mut id = self.dir_start;
        let mut read: u64 = 0;
        while id != END_OF_CHAIN && read < dir_bytes {
            let Some(s) = self.sector(id) else { break };
            entries.extend(s.chunks_exact(128).map(|e| self.entry(e)));
            read += self.sector_size as u64;
            id = fat.get(id as usize).copied().unwrap_or(END_OF_CHAIN);
        }
        entries
    }

    fn entry(&self, chunk: &[u8]) -> (String, u32, u64) {
        let name: Vec<u16> = chunk[..64]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        let start = u32::from_le_bytes([chunk[116], chunk[117], chunk[118], chunk[119]]);
        let len = if self.sector_size == 512 {
            u64::from(u32::from_le_bytes([
                chunk[120], chunk[121], chunk[122], chunk[123],
            ]))
        } else {
            u64::from_le_bytes([
                chunk[120], chunk[121], chunk[122], chunk[123], chunk[124], chunk[125], chunk[126],
                chunk[127],
            ])
        };
        (String::from_utf16_lossy(&name), start, len)
    }

    /// The bytes of a stream of `len` bytes in the FAT's sectors, from `start` (a chain
    /// already walked); short when the chain is.
    fn stream(&self, fat: &[u32], start: u32, len: u64) -> Vec<u8> {
        chain_bytes(
            start,
            len,
            (fat, self.sector_size),
            self.bytes.len(),
            |id| self.sector(id),
        )
    }

    /// The mini FAT, to follow the small streams.
    fn mini_fat(&self, fat: &[u32]) -> Vec<u32> {
        let mut mini_fat = Vec::new();
        let mut id = self.mini_fat_start;
        let mut left = self.mini_fat_len;
        while id != END_OF_CHAIN && left > 0 {
            let Some(s) = self.sector(id) else { break };
            mini_fat.extend(words(s));
            left -= 1;
            id = fat.get(id as usize).copied().unwrap_or(END_OF_CHAIN);
        }
        mini_fat
    }
}
