/*!
What calamine's xls reader will allocate for a workbook's sheets, read from the
records of its Workbook stream before calamine opens it. calamine reads every sheet
when it opens the file, and:

- reserves room for every cell of the area a sheet's `DIMENSIONS` record declares: a
  12 KB file declaring 50 million rows aborted the process;
- gives each cell that names a shared string (a `LABELSST` record, 10 bytes) its own
  copy of that string: a 7 MB file whose cells all name one 8,000-character string
  asked for gigabytes and aborted. So the shared-string table (`SST` and the
  `CONTINUE` records after it) is read for the length of each string, and the lengths
  of the strings the cells name are added up.

Record layouts: MS-XLS 2.4.90 (Dimensions), 2.4.265 (SST), 2.5.293
(XLUnicodeRichExtendedString), 2.4.149 (LabelSst), 2.4.58 (Continue).
*/

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUND_SHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
const LABEL_SST: u16 = 0x00FD;

/// What the records of a Workbook stream ask calamine for.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Demands {
    /// The most cells one sheet's `DIMENSIONS` has calamine reserve room for.
    pub(super) reserved_cells: u64,
    /// The largest sheet calamine lays its cells out in: rows × columns from its
    /// first to its last cell (a grid of that many values is allocated).
    pub(super) extent: (u64, u64),
    /// Characters the `LABELSST` cells name, all copies counted (a string's UTF-8
    /// bytes are at most three times as many).
    pub(super) text: u64,
}

/// Read the records of a Workbook stream for what they demand, as calamine reads
/// them: the globals from the start to their EOF (the sheets' offsets, the shared
/// strings), then each sheet from its offset to its EOF, nested substreams (charts)
/// skipped. A sheet named twice is read twice. A shared-string table that cannot be
/// read to the end counts its strings read so far: calamine refuses what is left.
pub(super) fn demands(stream: &[u8]) -> Demands {
    let mut lengths: Vec<u64> = Vec::new();
    let mut sheets: Vec<usize> = Vec::new();
    let mut records = Records { rest: stream }.peekable();
    while let Some((kind, data)) = records.next() {
        match kind {
            EOF => break,
            BOUND_SHEET if data.len() >= 4 => {
                sheets.push(u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize);
            }
            SST => {
                let mut parts = vec![data];
                while let Some((_, more)) = records.next_if(|&(k, _)| k == CONTINUE) {
                    parts.push(more);
                }
                lengths = string_lengths(&parts);
            }
            _ => {}
        }
    }
    let mut demands = Demands::default();
    for at in sheets {
        let Some(rest) = stream.get(at..) else {
            continue;
        };
        let (mut seen_bof, mut nested) = (false, 0_u32);
        let mut span = Span::default();
        for (kind, data) in (Records { rest }) {
            if nested > 0 {
                match kind {
                    BOF => nested += 1,
                    EOF => nested -= 1,
                    _ => {}
                }
                continue;
            }
            match kind {
                BOF if seen_bof => nested += 1,
                BOF => seen_bof = true,
                EOF => break,
                DIMENSIONS => {
                    let cells = reserved(data).unwrap_or(0);
                    demands.reserved_cells = demands.reserved_cells.max(cells);
                }
                LABEL_SST if data.len() >= 10 => {
                    span.cell(data, None);
                    let index = u32::from_le_bytes([data[6], data[7], data[8], data[9]]);
                    let length = lengths.get(index as usize).copied().unwrap_or(0);
                    demands.text = demands.text.saturating_add(length);
                }
                MUL_RK if data.len() >= 6 => {
                    let last = u16::from_le_bytes([data[data.len() - 2], data[data.len() - 1]]);
                    span.cell(data, Some(last));
                }
                kind if CELLS.contains(&kind) => span.cell(data, None),
                _ => {}
            }
        }
        let (rows, cols) = span.size();
        if rows.saturating_mul(cols) > demands.extent.0.saturating_mul(demands.extent.1) {
            demands.extent = (rows, cols);
        }
    }
    demands
}

/// Records that put a cell where their first four bytes say (row, column), besides
/// LABELSST and MULRK: FORMULA, NUMBER, LABEL, BOOLERR, RK, RSTRING.
const CELLS: [u16; 6] = [0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6];
const MUL_RK: u16 = 0x00BD;

/// The rows and columns a sheet's cells reach, first to last.
#[derive(Default)]
struct Span {
    rows: Option<(u16, u16)>,
    cols: Option<(u16, u16)>,
}

impl Span {
    /// A cell record: its row and column, and (MULRK) the last column of its run.
    fn cell(&mut self, data: &[u8], last_col: Option<u16>) {
        let Some(head) = data.get(..4) else {
            return;
        };
        let row = u16::from_le_bytes([head[0], head[1]]);
        let col = u16::from_le_bytes([head[2], head[3]]);
        let widen = |range: &mut Option<(u16, u16)>, lo: u16, hi: u16| {
            *range = Some(range.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
        };
        widen(&mut self.rows, row, row);
        widen(&mut self.cols, col, last_col.unwrap_or(col).max(col));
    }

    fn size(&self) -> (u64, u64) {
        let len = |r: Option<(u16, u16)>| r.map_or(0, |(a, b)| u64::from(b - a) + 1);
        (len(self.rows), len(self.cols))
    }
}

/// The cells calamine 0.38 reserves for a `DIMENSIONS` record (`parse_dimensions`
/// and the reserve after it, with its unsigned arithmetic); `None` for a record it
/// refuses.
fn reserved(r: &[u8]) -> Option<u64> {
    let u16_at = |o: usize| u32::from(u16::from_le_bytes([r[o], r[o + 1]]));
    let u32_at = |o: usize| u32::from_le_bytes([r[o], r[o + 1], r[o + 2], r[o + 3]]);
    let (first_row, last_row, mut first_col, last_col) = match r.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return None,
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    if last_row == 0 || last_col == 0 {
        return Some(1);
    }
    // end - start + 1 in u32, wrapping as calamine's release build does.
    let span = |first: u32, last: u32| u64::from((last - 1).wrapping_sub(first).wrapping_add(1));
    Some(span(first_row, last_row).saturating_mul(span(first_col, last_col)))
}

/// The records of a BIFF stream: type and data; a record cut short ends them.
struct Records<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let head = self.rest.get(..4)?;
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let data = self.rest.get(4..4 + len)?;
        self.rest = &self.rest[4 + len..];
        Some((kind, data))
    }
}

/// The length in characters of each string of a shared-string table split over
/// `parts` (the SST record's data, then each CONTINUE record's).
fn string_lengths(parts: &[&[u8]]) -> Vec<u64> {
    let mut at = Cursor {
        parts,
        part: 0,
        pos: 0,
    };
    let mut lengths = Vec::new();
    // cstTotal and cstUnique are skipped: like calamine, the strings are read until the
    // table's bytes run out, whatever the counts say.
    if at.skip(8).is_none() {
        return lengths;
    }
    while at.settle() {
        match at.string() {
            Some(chars) => lengths.push(chars),
            None => break,
        }
    }
    lengths
}

/// A position in a byte stream split into parts.
struct Cursor<'a> {
    parts: &'a [&'a [u8]],
    part: usize,
    pos: usize,
}

impl Cursor<'_> {
    /// Bytes left in the current part.
    fn left(&self) -> usize {
        self.parts
            .get(self.part)
            .map_or(0, |p| p.len().saturating_sub(self.pos))
    }

    /// Move to the next part when this one is used up; false at the end.
    fn settle(&mut self) -> bool {
        while self.left() == 0 {
            if self.part + 1 >= self.parts.len() {
                return false;
            }
            self.part += 1;
            self.pos = 0;
        }
        true
    }

    /// The next `n` bytes (at most 8), read across parts.
    fn bytes(&mut self, n: usize) -> Option<[u8; 8]> {
        let mut out = [0u8; 8];
        for slot in out.iter_mut().take(n) {
            if !self.settle() {
                return None;
            }
            *slot = self.parts[self.part][self.pos];
            self.pos += 1;
        }
        Some(out)
    }

    /// Skip `n` bytes across parts.
    fn skip(&mut self, mut n: u64) -> Option<()> {
        while n > 0 {
            if !self.settle() {
                return None;
            }
            let step = (self.left() as u64).min(n);
            self.pos += step as usize;
            n -= step;
        }
        Some(())
    }

    /// One XLUnicodeRichExtendedString: its character count, the cursor after it.
    /// Characters cut by a part boundary go on after a new flags byte that says
    /// whether they are one byte or two.
    fn string(&mut self) -> Option<u64> {
        let head = self.bytes(3)?;
        let chars = u64::from(u16::from_le_bytes([head[0], head[1]]));
        let flags = head[2];
        let runs = if flags & 0x08 != 0 {
            let b = self.bytes(2)?;
            u64::from(u16::from_le_bytes([b[0], b[1]]))
        } else {
            0
        };
        let ext = if flags & 0x04 != 0 {
            let b = self.bytes(4)?;
            u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        } else {
            0
        };
        let mut width: u64 = if flags & 0x01 != 0 { 2 } else { 1 };
        let mut left = chars;
        while left > 0 {
            if self.left() == 0 {
                if !self.settle() {
                    return None;
                }
                width = if self.bytes(1)?[0] & 0x01 != 0 { 2 } else { 1 };
                continue;
            }
            let here = (self.left() as u64 / width).min(left);
            if here == 0 {
                // Half a character before the boundary: a damaged table.
                return None;
            }
            self.skip(here * width)?;
            left -= here;
        }
        self.skip(runs * 4)?;
        self.skip(ext)?;
        Some(chars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    fn label_sst(row: u16, index: u32) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend([0, 0, 15, 0]);
        d.extend(index.to_le_bytes());
        record(LABEL_SST, &d)
    }

    /// A compressed (one byte per character) string.
    fn narrow(s: &str) -> Vec<u8> {
        let mut d = (s.len() as u16).to_le_bytes().to_vec();
        d.push(0);
        d.extend(s.as_bytes());
        d
    }

    /// A Workbook stream: globals (a BOUNDSHEET per entry of `sheets`, naming the
    /// sheet of that index, then `tables`, then EOF), then each sheet: BOF, its
    /// records, EOF.
    fn book(tables: &[u8], sheets: &[usize], bodies: &[&[u8]]) -> Vec<u8> {
        let bof = record(BOF, &[0; 16]);
        let globals_len = sheets.len() * 12 + tables.len() + 4;
        let mut starts = Vec::new();
        let mut at = globals_len;
        for body in bodies {
            starts.push(at);
            at += bof.len() + body.len() + 4;
        }
        let mut stream = Vec::new();
        for &index in sheets {
            let mut d = (starts[index] as u32).to_le_bytes().to_vec();
            d.extend([0, 0, 1, 0, b'S']);
            d.truncate(8);
            stream.extend(record(BOUND_SHEET, &d));
        }
        stream.extend(tables);
        stream.extend(record(EOF, &[]));
        for body in bodies {
            stream.extend(&bof);
            stream.extend(*body);
            stream.extend(record(EOF, &[]));
        }
        stream
    }

    #[test]
    fn cells_naming_shared_strings_count_a_copy_each() {
        let mut sst = vec![0, 0, 0, 0, 3, 0, 0, 0];
        sst.extend(narrow("Month"));
        // A rich string with 2 runs and 3 bytes of extended data, wide characters.
        sst.extend([2, 0, 0x01 | 0x08 | 0x04, 2, 0, 3, 0, 0, 0]);
        sst.extend("ab".encode_utf16().flat_map(u16::to_le_bytes));
        sst.extend([0; 8 + 3]);
        // The third string is cut by a CONTINUE, after which it goes on wide.
        let mut third = narrow("xxxxxxxxxx");
        let tail = third.split_off(3 + 4);
        sst.extend(&third);
        let mut cont = vec![0x01];
        cont.extend(
            std::str::from_utf8(&tail)
                .unwrap()
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let tables = [record(SST, &sst), record(CONTINUE, &cont)].concat();
        let mut cells = Vec::new();
        for (row, index) in [(0, 0), (1, 1), (2, 2), (3, 2), (4, 2), (5, 9)] {
            cells.extend(label_sst(row, index));
        }
        // Month (5) + ab (2) + three copies of ten x's; an index past the table is 0.
        let stream = book(&tables, &[0], &[&cells]);
        assert_eq!(demands(&stream).text, 5 + 2 + 30);
        // A sheet named twice is read twice.
        let twice = book(&tables, &[0, 0], &[&cells]);
        assert_eq!(demands(&twice).text, 2 * 37);
        // A table after the globals' EOF is not the one calamine reads, cells in the
        // globals are no sheet's, and a chart inside a sheet is skipped.
        let decoy = [record(SST, &[0; 8]), label_sst(9, 2)].concat();
        let chart = [record(BOF, &[0; 16]), label_sst(9, 2), record(EOF, &[])].concat();
        let body = [decoy.clone(), chart, cells.clone()].concat();
        let stream = book(&[tables.clone(), label_sst(8, 2)].concat(), &[0], &[&body]);
        assert_eq!(demands(&stream).text, 10 + 37);
    }

    #[test]
    fn a_table_cut_short_counts_the_strings_read() {
        // Its count of strings says none: the strings there are are read all the same.
        let mut sst = vec![0; 8];
        sst.extend(narrow("abc"));
        sst.extend([200, 0, 0, b'x']);
        let tables = record(SST, &sst);
        // A record cut short ends the sheet.
        let cells = [
            label_sst(0, 0),
            label_sst(1, 1),
            label_sst(2, 0)[..8].to_vec(),
        ]
        .concat();
        let stream = book(&tables, &[0], &[&cells]);
        assert_eq!(demands(&stream).text, 3);
    }

    #[test]
    fn the_cells_of_a_sheet_span_first_to_last() {
        let number = |row: u16, col: u16| {
            let mut d = [row, col, 15].map(u16::to_le_bytes).concat();
            d.extend(1f64.to_le_bytes());
            record(0x0203, &d)
        };
        // A MULRK at row 7 runs from column 2 to column 9.
        let mul_rk = record(MUL_RK, &[7, 0, 2, 0, 0, 0, 0, 0, 0, 0, 9, 0]);
        let body = [number(3, 1), number(10, 4), mul_rk, label_sst(0, 0)].concat();
        assert_eq!(demands(&book(&[], &[0], &[&body])).extent, (11, 10));
        // A stray cell at the last row and column spans the whole grid.
        let stray = [number(0, 0), number(u16::MAX, u16::MAX)].concat();
        assert_eq!(
            demands(&book(&[], &[0], &[&stray])).extent,
            (65_536, 65_536)
        );
    }

    #[test]
    fn dimensions_reserve_what_calamine_reserves() {
        let dims = |first_row: u32, last_row: u32, first_col: u16, last_col: u16| {
            let mut d = [first_row, last_row].map(u32::to_le_bytes).concat();
            d.extend([first_col, last_col, 0].map(u16::to_le_bytes).concat());
            let body = record(DIMENSIONS, &d);
            demands(&book(&[], &[0], &[&body])).reserved_cells
        };
        // Rows 0-110 and columns 0-5: the real extent.
        assert_eq!(dims(0, 111, 0, 6), 111 * 6);
        assert_eq!(dims(0, 50_000_000, 0, 255), 50_000_000 * 255);
        // A first column past 255 counts from 0; an empty sheet reserves one cell.
        assert_eq!(dims(0, 10, 300, 400), 10 * 400);
        assert_eq!(dims(5, 0, 0, 0), 1);
        // A first row past the last wraps round to four billion rows.
        assert_eq!(dims(10, 5, 0, 1), (1 << 32) - 5);
        // The 10-byte form of older files, and a length calamine refuses.
        let short = [0u16, 20, 0, 3, 0].map(u16::to_le_bytes).concat();
        let reserved = |body: Vec<u8>| demands(&book(&[], &[0], &[&body])).reserved_cells;
        assert_eq!(reserved(record(DIMENSIONS, &short)), 20 * 3);
        assert_eq!(reserved(record(DIMENSIONS, &[0; 12])), 0);
        // Outside every sheet it reserves nothing.
        assert_eq!(demands(&record(DIMENSIONS, &short)).reserved_cells, 0);
    }
}
