/*!
Output safety, decided before any work is done: the output must not be an input (paths
compared after resolving symlinks and `..`), must not be a folder or a disk, and an
existing file is replaced only with `--force` or when kpilens wrote it. A stream
(`/dev/null`, `/dev/stdout`, a pipe) replaces nothing, so it needs no `--force`.
Violations are exit 5 with nothing touched.
*/
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::files::{self, Kind};

/// Resolve a path that may not exist yet: canonical parent + file name.
pub(crate) fn resolve(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (parent.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Check that `output` may be written. `ours` tells whether an existing file was
/// written by kpilens (and so may be replaced without `--force`).
pub(crate) fn guard(
    output: &Path,
    inputs: &[PathBuf],
    force: bool,
    ours: impl Fn(&Path) -> bool,
) -> Result<()> {
    let target = resolve(output);
    for input in inputs {
        let input = resolve(input);
        let clash = if input.is_dir() {
            target.starts_with(&input) && is_input_file(&target)
        } else {
            input == target
        };
        if clash {
            return Err(Error::write(
                output.display(),
                format!(
                    "it is one of the inputs ({}); choose another output with -o",
                    input.display()
                ),
            ));
        }
    }
    let refuse = |why: &str| Err(Error::write(output.display(), why));
    // `out/` names a folder even where none exists yet.
    let folder = output
        .as_os_str()
        .to_string_lossy()
        .ends_with(std::path::is_separator);
    match files::kind(&target) {
        _ if folder => refuse("it names a folder; give a file name such as kpi-report.xlsx"),
        Kind::Folder => refuse("it is a folder; give a file name such as kpi-report.xlsx"),
        Kind::OtherDevice => {
            refuse("it is a device, not a file; give a file name such as kpi-report.xlsx")
        }
        Kind::File if !force && !ours(&target) => {
            refuse("the file exists and was not written by kpilens; use --force to replace it")
        }
        // A stream (`/dev/null`, a pipe) is written into and replaces nothing.
        _ => Ok(()),
    }
}

/// Would a file at this path be picked up as an input when its folder is read?
fn is_input_file(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "xlsb", "ods"]
            .contains(&e.to_ascii_lowercase().as_str())
    })
}

/// Does the start or the end of the file at `path` hold `marker`? kpilens marks the
/// text files it writes (the JSON's tool name, the summary's footer, the fragment's
/// first line), so a later run may replace them without `--force`, as it does its
/// workbooks. The JSON's keys are sorted, so its `tool` object comes last: a results
/// file of many KPIs has its marker in the tail.
pub(crate) fn has_marker(path: &Path, marker: &str) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    const PART: u64 = 64 * 1024;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if (&mut file).take(PART).read_to_end(&mut head).is_err() {
        return false;
    }
    if String::from_utf8_lossy(&head).contains(marker) {
        return true;
    }
    let len = file.metadata().map_or(0, |m| m.len());
    if len <= PART {
        return false;
    }
    let mut tail = Vec::new();
    file.seek(SeekFrom::Start(len - PART)).is_ok()
        && file.take(PART).read_to_end(&mut tail).is_ok()
        && String::from_utf8_lossy(&tail).contains(marker)
}

/// Refuse two outputs that name the same file (after resolving paths): the second
/// would replace the first.
pub(crate) fn distinct(outputs: &[(&str, &Path)]) -> Result<()> {
    for (i, (flag, path)) in outputs.iter().enumerate() {
        if let Some((first, _)) = outputs[..i]
            .iter()
            .find(|(_, p)| resolve(p) == resolve(path))
        {
            return Err(Error::write(
                path.display(),
                format!("{first} and {flag} name the same file; give each output its own"),
            ));
        }
    }
    Ok(())
}
