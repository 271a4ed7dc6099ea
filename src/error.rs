/*!
One error type for the whole run. Each variant carries the context a user needs to fix
the problem (file, sheet, row, column, the offending text) and maps to one exit code of
docs/interface.md: 1 internal, 2 usage, 3 input data, 4 cannot read an input, 5 cannot write,
6 written but not delivered by e-mail.
*/
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag value out of range or contradictory flags (exit 2).
    #[error("{0}")]
    Usage(String),

    /// The config file exists but is not valid (exit 3).
    #[error("{path}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Config {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },

    /// The inputs were read but nothing usable remains, or the data cannot be
    /// interpreted safely (exit 3).
    #[error("{0}")]
    Data(String),

    /// An input (or the config) cannot be read at all (exit 4).
    #[error("could not read {path}: {reason}")]
    Read { path: String, reason: String },

    /// The output cannot be written (exit 5).
    #[error("could not write {path}: {reason}")]
    Write { path: String, reason: String },

    /// Every output was written but the e-mail could not be delivered (`--send`, exit 6).
    #[error("{0}")]
    Delivery(String),

    /// A bug (exit 1).
    #[error(
        "internal error: {0} — this is a bug in kpilens; please report it with the command you ran"
    )]
    Internal(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Internal(_) => 1,
            Error::Usage(_) => 2,
            Error::Config { .. } | Error::Data(_) => 3,
            Error::Read { .. } => 4,
            Error::Write { .. } => 5,
            Error::Delivery(_) => 6,
        }
    }

    pub fn write(path: impl std::fmt::Display, reason: impl std::fmt::Display) -> Error {
        Error::Write {
            path: path.to_string(),
            reason: reason.to_string(),
        }
    }

    pub fn read(path: impl std::fmt::Display, reason: impl std::fmt::Display) -> Error {
        Error::Read {
            path: path.to_string(),
            reason: reason.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
