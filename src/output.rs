/*!
Output safety, decided before any work is done: the output must not be an input (paths
compared after resolving symlinks and `..`), must not be a folder, and an existing file
is replaced only with `--force` or when kpilens wrote it. Violations are exit 5 with
nothing touched.
*/
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Resolve a path that may not exist yet: canonical parent + file name.
pub fn resolve(path: &Path) -> PathBuf {
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
pub fn guard(
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
    if target.is_dir() {
        return Err(Error::write(
            output.display(),
            "it is a folder; give a file name such as kpi-report.xlsx",
        ));
    }
    if target.exists() && !force && !ours(&target) {
        return Err(Error::write(
            output.display(),
            "the file exists and was not written by kpilens; use --force to replace it",
        ));
    }
    Ok(())
}

/// Would a file at this path be picked up as an input when its folder is read?
fn is_input_file(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "xlsb", "ods"]
            .contains(&e.to_ascii_lowercase().as_str())
    })
}
