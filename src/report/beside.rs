/*!
When the work done beside the workbook's save (the JSON) may start.

rust_xlsxwriter's save has three stretches: it prepares the formats and strings on one
thread, then assembles every sheet's XML on a thread per sheet (both cores busy), then
deflates and writes the parts one after another on one thread again. Work run beside
the save only slows the middle stretch down and has the second core to itself in the
last, which on a 1,000-KPI report is twice as long as the JSON takes. So that work
waits for the last stretch: the moment the save writes the first sheet's part into the
package, which a [`Watch`] on the output sees by its name in the part's header (a
ZIP local file header carries the name as it is).

Nothing depends on seeing it but the timing: the [`Gate`] also opens when the save
ends, however it ends (an [`Opener`] opens it when dropped, even in a panic), so the
waiting work runs then at the latest.
*/
use std::io::Write;
use std::sync::{Condvar, Mutex, PoisonError};

/// The name every sheet part of the package starts with; rust_xlsxwriter writes them
/// once it has assembled them all.
const SHEET_PART: &[u8] = b"xl/worksheets/sheet";

/// A gate the work beside the save waits at; opened once, never closed again.
#[derive(Default)]
pub(super) struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    /// Wait until the gate is open (at once if it is).
    pub(super) fn wait(&self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        while !*open {
            open = self
                .opened
                .wait(open)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    pub(super) fn open(&self) {
        *self.open.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.opened.notify_all();
    }

    /// Something that opens the gate when it is dropped.
    pub(super) fn opener(&self) -> Opener<'_> {
        Opener(self)
    }
}

/// Opens its gate when dropped: however the save ends, nothing waits for ever.
pub(super) struct Opener<'a>(&'a Gate);

impl Drop for Opener<'_> {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// The save's output, passed through unchanged, opening `gate` when the first sheet
/// part's name goes by (also when it is split between two writes).
pub(super) struct Watch<'a, W: Write + ?Sized> {
    inner: &'a mut W,
    gate: &'a Gate,
    seen: bool,
    /// The end of the last write, too short to hold the name.
    carry: Vec<u8>,
}

impl<'a, W: Write + ?Sized> Watch<'a, W> {
    pub(super) fn new(inner: &'a mut W, gate: &'a Gate) -> Self {
        Watch {
            inner,
            gate,
            seen: false,
            carry: Vec::with_capacity(2 * SHEET_PART.len()),
        }
    }

    fn look(&mut self, buf: &[u8]) {
        let found = if buf.len() >= SHEET_PART.len() {
            self.carry.extend_from_slice(&buf[..SHEET_PART.len() - 1]);
            let found = contains(&self.carry) || contains(buf);
            self.carry.clear();
            self.carry
                .extend_from_slice(&buf[buf.len() - (SHEET_PART.len() - 1)..]);
            found
        } else {
            self.carry.extend_from_slice(buf);
            let found = contains(&self.carry);
            let keep = self.carry.len().min(SHEET_PART.len() - 1);
            self.carry.drain(..self.carry.len() - keep);
            found
        };
        if found {
            self.seen = true;
            self.gate.open();
        }
    }
}

fn contains(bytes: &[u8]) -> bool {
    bytes.windows(SHEET_PART.len()).any(|w| w == SHEET_PART)
}

impl<W: Write + ?Sized> Write for Watch<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if !self.seen {
            self.look(&buf[..n]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests;
