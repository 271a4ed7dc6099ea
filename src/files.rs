/*!
What a path the user gave names, for the few places that read or write one: inputs,
the config and its CA file, and every output. A path is not always a file. `/dev/zero`
and `/dev/urandom` never end, so reading one to its end would fill the memory; a pipe
(`<(…)`, a named pipe, `-` or `/dev/stdin` fed by another program) ends when its
writer does; `/dev/null`, `/dev/stdout` or a pipe as an output is a stream to write
into, which has no folder to stage a temporary file in and must never be replaced by
one; and a disk is neither read as an export nor written over with a report.
*/
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a path names, after following symlinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Nothing there (or nothing this process may look at).
    Missing,
    File,
    Folder,
    /// A pipe: read to its end, or written in order.
    Pipe,
    /// A character device: `/dev/null`, a terminal, `/dev/zero`.
    CharDevice,
    /// A disk (block device) or a socket.
    OtherDevice,
}

impl Kind {
    /// Is this an output written straight into, rather than a file replaced whole?
    pub(crate) fn is_stream(self) -> bool {
        matches!(self, Kind::Pipe | Kind::CharDevice)
    }
}

/// What `path` names.
pub(crate) fn kind(path: &Path) -> Kind {
    let Ok(meta) = std::fs::metadata(path) else {
        return Kind::Missing;
    };
    let t = meta.file_type();
    if t.is_file() {
        return Kind::File;
    }
    if t.is_dir() {
        return Kind::Folder;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Kind::Pipe;
        }
        if t.is_char_device() {
            return Kind::CharDevice;
        }
    }
    Kind::OtherDevice
}

/// Where a file written at `path` goes: through any symlinks to the file itself, even
/// when a link points at a file not written yet, so an output replaces what the link
/// names and the link stays.
pub(crate) fn destination(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    match std::fs::read_link(path) {
        // Relative to the link's folder (an absolute target replaces it whole).
        Ok(target) => path.parent().unwrap_or(Path::new("")).join(target),
        Err(_) => path.to_path_buf(),
    }
}

/// The most read from a pipe: more than any export kpilens is meant for, and a bound
/// on what a stream that never ends (`yes |`, say) can take.
pub(crate) const MAX_PIPE_BYTES: u64 = 4 << 30;

/// The input path that names standard input, as `--json -` names standard output.
pub(crate) const STDIN: &str = "-";

/// The whole of an input the user named: a file, or a pipe or standard input ([`STDIN`])
/// read to its end (at most [`MAX_PIPE_BYTES`]). A device, and standard input when it
/// is a terminal, are refused in words that say why, as `InvalidInput` errors; so is
/// a pipe that goes on past the limit.
pub(crate) fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    if path.as_os_str() == STDIN {
        use std::io::IsTerminal;
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            return Err(refuse(
                "standard input is a terminal; pipe the export in (… | kpilens report -) or name a file",
            ));
        }
        return read_to_limit(stdin.lock());
    }
    match kind(path) {
        Kind::CharDevice | Kind::OtherDevice => Err(refuse(
            "it is a device, not a file; give kpilens a file or a folder",
        )),
        Kind::Pipe => read_to_limit(std::fs::File::open(path)?),
        Kind::Missing | Kind::File | Kind::Folder => std::fs::read(path),
    }
}

/// A stream read to its end, unless it goes on past [`MAX_PIPE_BYTES`].
fn read_to_limit(stream: impl Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    stream.take(MAX_PIPE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_PIPE_BYTES {
        return Err(refuse(&format!(
            "more than {} GB came through the pipe; save the data to a file and give kpilens that",
            MAX_PIPE_BYTES >> 30
        )));
    }
    Ok(bytes)
}

fn refuse(why: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, why)
}

// The tests make pipes and read devices: Unix only.
#[cfg(all(test, unix))]
mod tests;
