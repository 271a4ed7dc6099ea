/*!
Parquet input (warehouse and Spark exports), read with polars' eager Parquet reader into
the same grid of typed cells every other format gives, so the layouts (long, wide,
periods across) are detected as for a CSV: the column names are the header row.

A Parquet file describes itself in a footer the reader trusts: row counts, column
chunk sizes, page offsets. Before polars sees the file its footer is checked against
the file (the footer length, the declared rows × columns against the cell budget), and
the read runs behind a panic guard, so a damaged or forged file is a clear "could not
read" naming it rather than an abort.
*/
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{Datelike, NaiveDate};
use polars_buffer::Buffer;
use polars_core::prelude::{AnyValue, ArrowDataType, DataFrame, DataType, TimeUnit};
use polars_io::prelude::{ParquetReader, SerReader};
use polars_parquet::parquet::page::{CompressedPage, DataPageHeader};
use polars_parquet::parquet::read::{get_page_iterator, read_metadata};

use super::{Cell, Rows, Table};

/// Most cells a Parquet file may hold (rows × columns): polars holds the whole file
/// while it is read (8 to 20 bytes a value), so this keeps it within about 1 GB. A long
/// export of 10 million rows in five columns fits.
pub(super) const PARQUET_CELL_BUDGET: u64 = 50_000_000;
use crate::error::{Error, Result};
use crate::model::finding::{Finding, FindingCode};

/// Most bytes a Parquet file's pages may inflate to: polars holds them all while the
/// file is read. The 10 million records of the scale test take 84 MB; a page of one
/// text repeated compresses a thousandfold, so a file of kilobytes could otherwise ask
/// for gigabytes.
const PARQUET_INFLATED_BUDGET: u64 = 1 << 30;

/// The magic bytes a Parquet file starts and ends with.
pub(super) const MAGIC: &[u8; 4] = b"PAR1";

/// Is this a Parquet file (magic at both ends)?
pub(super) fn is_parquet(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && bytes.starts_with(MAGIC) && bytes.ends_with(MAGIC)
}

/// Why a Parquet file was not read.
enum Refusal {
    Damaged(String),
    TooBig {
        rows: usize,
        columns: usize,
    },
    /// Columns of types polars is built here without (each "'name' (type)").
    Types(Vec<String>),
    /// The pages would inflate to this many bytes, over [`PARQUET_INFLATED_BUDGET`].
    Inflated(u64),
    /// The text cells would hold more than [`super::TEXT_BUDGET`] bytes.
    Text,
}

impl Refusal {
    /// The refusal in words, naming the file (exit 4).
    fn into_error(self, display: &str) -> Error {
        let why = match self {
            Refusal::Damaged(why) => format!("damaged Parquet file ({why})"),
            Refusal::TooBig { rows, columns } => format!(
                "{rows} rows × {columns} columns is over the budget of {PARQUET_CELL_BUDGET} cells for one Parquet file; aggregate it to one row per KPI per day, or split it, first"
            ),
            Refusal::Types(columns) => format!(
                "its {} {} of a type kpilens does not read (half float, 256-bit decimal, categorical of anything but text, struct or map); export {} as double, decimal, integer, text or date columns",
                if columns.len() == 1 { "column" } else { "columns" },
                if columns.len() == 1 {
                    format!("{} is", columns[0])
                } else {
                    format!("{} are", columns.join(", "))
                },
                if columns.len() == 1 { "it" } else { "them" }
            ),
            Refusal::Inflated(bytes) => format!(
                "its pages inflate to {} MB, over the budget of {} MB for one Parquet file; aggregate it to one row per KPI per day, or split it, first",
                bytes >> 20,
                PARQUET_INFLATED_BUDGET >> 20
            ),
            Refusal::Text => return super::over_text_budget(display, "would hold", "once read"),
        };
        Error::read(display, why)
    }
}

/// Read the file's single table: column names as the header row, one row per record;
/// the first chunk of rows as cells, and the records after it to take a chunk at a
/// time.
pub(super) fn read(bytes: Vec<u8>, display: &str) -> Result<(Table, Rest)> {
    check_footer(&bytes).map_err(|why| Refusal::Damaged(why).into_error(display))?;
    let bytes = Buffer::from(bytes);
    let frame = catch_unwind(AssertUnwindSafe(move || decode(bytes)))
        .unwrap_or_else(|_| {
            Err(Refusal::Damaged(
                "its metadata does not match its data".into(),
            ))
        })
        .map_err(|refusal| refusal.into_error(display))?;
    let mut rest = Rest {
        chunk_rows: super::CHUNK_MIN_ROWS.max(super::CHUNK_CELLS / frame.width().max(1)),
        frame,
        next: 0,
        file: display.to_string(),
        findings: Vec::new(),
    };
    let first = rest.chunk(Rows::default());
    if !rest.findings.is_empty() {
        // Not even the first records became cells: the file is unreadable, not empty.
        return Err(Refusal::Damaged("its records could not be read".into()).into_error(display));
    }
    Ok((first, rest))
}

/// The file's records as polars holds them, once its pages, column types and sizes
/// are checked; the text its cells would hold checked after.
fn decode(bytes: Buffer<u8>) -> std::result::Result<DataFrame, Refusal> {
    let inflated = check_pages(&bytes).map_err(Refusal::Damaged)?;
    if inflated > PARQUET_INFLATED_BUDGET {
        return Err(Refusal::Inflated(inflated));
    }
    let failed = |e: polars_core::error::PolarsError| Refusal::Damaged(e.to_string());
    let mut reader = ParquetReader::new(Cursor::new(bytes));
    let rows = reader.num_rows().map_err(failed)?;
    let schema = reader.schema().map_err(failed)?;
    let unread: Vec<String> = schema
        .iter_values()
        .filter(|f| !readable(&f.dtype))
        .map(|f| format!("'{}' ({})", f.name, type_name(&f.dtype)))
        .collect();
    if !unread.is_empty() {
        return Err(Refusal::Types(unread));
    }
    let columns = schema.len();
    if (rows as u64).saturating_mul(columns.max(1) as u64) > PARQUET_CELL_BUDGET {
        return Err(Refusal::TooBig { rows, columns });
    }
    let frame = reader.finish().map_err(failed)?;
    if text_bytes(&frame) > super::TEXT_BUDGET {
        return Err(Refusal::Text);
    }
    Ok(frame)
}

/// The records of a Parquet file not yet turned into cells. polars holds them a column
/// at a time (about 20 bytes a number or a date); as cells they would take some 32
/// bytes each, so a file of ten million records becomes cells a chunk at a time, as a
/// text file does.
pub(super) struct Rest {
    frame: DataFrame,
    /// The next record to read (the header row comes before record 0).
    next: usize,
    /// Records in a chunk.
    chunk_rows: usize,
    file: String,
    findings: Vec<Finding>,
}

impl Rest {
    /// Are there records after those read?
    pub(super) fn has_more(&self) -> bool {
        self.next < self.frame.height()
    }

    /// The next chunk of records in the memory of `spare`, or `None` at the end.
    pub(super) fn next_chunk_in(&mut self, spare: Rows) -> Option<Table> {
        self.has_more().then(|| self.chunk(spare))
    }

    /// A finding if the records could not all be turned into cells.
    pub(super) fn finish(self) -> Vec<Finding> {
        self.findings
    }

    /// The next chunk: the header row first (the column names), then the records,
    /// the columns read side by side. Taken behind a panic guard (a categorical's text
    /// is looked up in the mapping polars built from the file): a chunk that fails
    /// ends the file with an error finding naming the row.
    fn chunk(&mut self, mut cells: Rows) -> Table {
        cells.clear();
        let start = self.next;
        let len = self.chunk_rows.min(self.frame.height() - start);
        let header = start == 0;
        self.next += len;
        let frame = &self.frame;
        let taken = catch_unwind(AssertUnwindSafe(|| {
            let columns = frame.columns();
            cells.reserve(len + usize::from(header), (len + 1) * columns.len());
            if header {
                cells.push(columns.iter().map(|c| Cell::Text(c.name().as_str().into())));
            }
            let slices: Vec<_> = columns
                .iter()
                .map(|c| c.slice(start as i64, len).take_materialized_series())
                .collect();
            let mut values: Vec<_> = slices.iter().map(|s| s.iter()).collect();
            for _ in 0..len {
                cells.push(
                    values
                        .iter_mut()
                        .filter_map(Iterator::next)
                        .map(|v| cell_of(&v)),
                );
            }
            cells
        }));
        let cells = taken.unwrap_or_else(|_| {
            self.next = self.frame.height();
            self.findings.push(
                Finding::error(
                    FindingCode::UnreadableFile,
                    format!(
                        "the records from row {} on could not be read; they were left out",
                        start + 2
                    ),
                )
                .file(&self.file)
                .row(start as u32 + 2),
            );
            Rows::default()
        });
        Table {
            file: self.file.clone(),
            sheet: None,
            cells,
            // Sheet rows: the header is row 0, record i row i + 1.
            first_row: if header { 0 } else { start + 1 },
            from_text: false,
            is_1904: false,
            decimal_comma: false,
        }
    }
}

/// Can polars, built with the features kpilens uses, read a column of this type?
/// Decimals (up to 38 digits, as warehouses and Spark write money), 8- and 16-bit
/// integers and categoricals of text (a pandas `category`) are read; half floats,
/// 256-bit decimals, categoricals of anything but text, structs and maps make polars
/// fail or panic.
fn readable(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    match dtype {
        A::Null
        | A::Boolean
        | A::Int8
        | A::Int16
        | A::Int32
        | A::Int64
        | A::UInt8
        | A::UInt16
        | A::UInt32
        | A::UInt64
        | A::Float32
        | A::Float64
        | A::Decimal(..)
        | A::Timestamp(..)
        | A::Date32
        | A::Date64
        | A::Time32(_)
        | A::Time64(_)
        | A::Duration(_)
        | A::Binary
        | A::LargeBinary
        | A::BinaryView
        | A::Utf8
        | A::LargeUtf8
        | A::Utf8View => true,
        A::Dictionary(_, values, _) => {
            matches!(values.as_ref(), A::Utf8 | A::LargeUtf8 | A::Utf8View)
        }
        A::List(inner) | A::LargeList(inner) => readable(&inner.dtype),
        _ => false,
    }
}

/// A column type in a reader's words.
fn type_name(dtype: &ArrowDataType) -> String {
    use ArrowDataType as A;
    match dtype {
        A::Decimal(p, s) => format!("decimal({p}, {s})"),
        A::Decimal256(p, s) => format!("256-bit decimal({p}, {s})"),
        A::Float16 => "half float".into(),
        A::Dictionary(_, values, _) => format!("categorical of {}", type_name(values)),
        A::Struct(_) => "struct".into(),
        A::Map(..) => "map".into(),
        A::List(inner) | A::LargeList(inner) | A::FixedSizeList(inner, _) => {
            format!("list of {}", type_name(&inner.dtype))
        }
        other => format!("{other:?}").to_lowercase(),
    }
}

/// The footer: a little-endian length and the magic; the length must fit in the file.
fn check_footer(bytes: &[u8]) -> std::result::Result<(), String> {
    let n = bytes.len();
    if n < 12 {
        return Err("too short".into());
    }
    let len_bytes: [u8; 4] = bytes[n - 8..n - 4]
        .try_into()
        .map_err(|_| "no footer length".to_string())?;
    let footer = u32::from_le_bytes(len_bytes) as usize;
    if footer == 0 || footer > n - 12 {
        return Err(format!(
            "its footer claims {footer} bytes in a file of {n} bytes"
        ));
    }
    Ok(())
}

/// Largest page polars may be asked to read or inflate (the reader's own default limit).
const MAX_PAGE_BYTES: usize = 1 << 30;

/// Every data page header of every column chunk, checked against its chunk before any
/// page is decoded: the page's value count within the chunk's (a negative count, read
/// as an unsigned one, would have polars reserve exabytes and abort), and no page over
/// [`MAX_PAGE_BYTES`] compressed or inflated. Returns how many bytes the pages take
/// once inflated: the data pages' own sizes, or the column chunks' declared sizes
/// (which count the dictionary pages too) where those are larger.
fn check_pages(bytes: &Buffer<u8>) -> std::result::Result<u64, String> {
    let mut cursor = Cursor::new(bytes.clone());
    let metadata = read_metadata(&mut cursor).map_err(|e| e.to_string())?;
    let (mut pages_inflated, mut chunks_inflated) = (0u64, 0u64);
    for group in &metadata.row_groups {
        for chunk in group.parquet_columns() {
            chunks_inflated = chunks_inflated
                .saturating_add(u64::try_from(chunk.uncompressed_size()).unwrap_or(0));
            let values = usize::try_from(chunk.num_values())
                .map_err(|_| format!("a column claims {} values", chunk.num_values()))?;
            let pages = get_page_iterator(
                chunk,
                Cursor::new(bytes.clone()),
                Vec::new(),
                MAX_PAGE_BYTES,
            )
            .map_err(|e| e.to_string())?;
            for page in pages {
                // A dictionary page's count and size are polars' own to check (they
                // are not public, and a negative count is already refused).
                let CompressedPage::Data(page) = page.map_err(|e| e.to_string())? else {
                    continue;
                };
                let count = page_values(page.header());
                if usize::try_from(count).map_or(true, |n| n > values) {
                    return Err(format!(
                        "a page claims {count} values in a column of {values}"
                    ));
                }
                if page.uncompressed_size() > MAX_PAGE_BYTES {
                    return Err(format!(
                        "a page claims {} bytes once inflated",
                        page.uncompressed_size()
                    ));
                }
                pages_inflated = pages_inflated.saturating_add(page.uncompressed_size() as u64);
            }
        }
    }
    Ok(pages_inflated.max(chunks_inflated))
}

/// A data page header's value count, as written (it may be negative in a forged file).
fn page_values(header: &DataPageHeader) -> i64 {
    match header {
        DataPageHeader::V1(h) => i64::from(h.num_values),
        DataPageHeader::V2(h) => i64::from(h.num_values),
    }
}

/// The bytes of text the frame's cells would hold. A text column's values may share
/// their bytes in polars (a dictionary page's text, decoded once, is named by every row
/// that uses it), but each becomes a cell of its own: a file of kilobytes naming one
/// long text in many rows would otherwise become gigabytes of cells.
fn text_bytes(frame: &DataFrame) -> u64 {
    frame
        .columns()
        .iter()
        .map(|c| {
            let s = c.as_materialized_series();
            match s.dtype() {
                DataType::String => s.str().map_or(0, |t| {
                    t.downcast_iter().map(|a| a.total_bytes_len() as u64).sum()
                }),
                DataType::Binary => s.binary().map_or(0, |b| {
                    b.downcast_iter().map(|a| a.total_bytes_len() as u64).sum()
                }),
                DataType::Categorical(..) | DataType::Enum(..) => s
                    .iter()
                    .map(|v| v.get_str().map_or(0, |t| t.len() as u64))
                    .sum(),
                _ => 0,
            }
        })
        .fold(0u64, u64::saturating_add)
}

/// 1970-01-01, the day Parquet dates count from.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// One value as a cell: numbers as numbers, text as text (parsed later like a CSV's),
/// dates and date-times as the calendar date they name — within the years 1 to 9999
/// that text and Excel dates can name, else a bad date showing it.
fn cell_of(value: &AnyValue) -> Cell {
    let days =
        |d: i64| match chrono::Duration::try_days(d).and_then(|d| epoch().checked_add_signed(d)) {
            Some(date) if (1..=9999).contains(&date.year()) => Cell::Date(date),
            Some(date) => Cell::BadDate(format!(
                "date {date} is outside the years 1 to 9999 a date may have"
            )),
            None => Cell::BadDate(format!(
                "date {d} days after 1970-01-01 is beyond any calendar"
            )),
        };
    match value {
        AnyValue::Null => Cell::Empty,
        AnyValue::Boolean(b) => Cell::Bool(*b),
        AnyValue::String(s) => Cell::Text((*s).into()),
        AnyValue::StringOwned(s) => Cell::Text(s.as_str().into()),
        AnyValue::Decimal(unscaled, _, scale) => decimal(*unscaled, *scale),
        AnyValue::Categorical(..)
        | AnyValue::CategoricalOwned(..)
        | AnyValue::Enum(..)
        | AnyValue::EnumOwned(..) => Cell::Text(value.get_str().unwrap_or_default().into()),
        AnyValue::Date(d) => days(i64::from(*d)),
        AnyValue::Datetime(v, unit, _) | AnyValue::DatetimeOwned(v, unit, _) => {
            let per_day: i64 = match unit {
                TimeUnit::Nanoseconds => 86_400_000_000_000,
                TimeUnit::Microseconds => 86_400_000_000,
                TimeUnit::Milliseconds => 86_400_000,
            };
            days(v.div_euclid(per_day))
        }
        other => match other.extract::<f64>() {
            Some(v) => Cell::Number {
                value: v,
                percent: false,
            },
            None => Cell::Text(other.to_string().into()),
        },
    }
}

/// A decimal, `unscaled` × 10^−`scale`, as the number nearest to it: its digits with an
/// exponent, parsed (correctly rounded; polars' own conversion divides in floating
/// point, which rounds twice for the 19- to 38-digit decimals Spark writes).
fn decimal(unscaled: i128, scale: usize) -> Cell {
    let text = format!("{unscaled}e-{scale}");
    match text.parse() {
        Ok(value) => Cell::Number {
            value,
            percent: false,
        },
        // Digits with an exponent always parse; the text would be read as a CSV's.
        Err(_) => Cell::Text(text.into()),
    }
}

#[cfg(test)]
mod tests;
