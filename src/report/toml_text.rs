/*!
TOML written line by line for the files kpilens hands back to the analyst (the starter
config of `init`, the `--suggest-targets` fragment): tables, comments and `key = value`
lines whose values the `toml` crate renders, so any name stays valid TOML however many
quotes or backslashes it holds. Comments are what serde cannot write, hence the lines.
*/
use std::fmt::Write as _;

/// A TOML document built line by line: tables, `key = value` (the value rendered by
/// `toml`) and comments.
#[derive(Default)]
pub(crate) struct TomlText(String);

/// Where a key's comment goes.
#[derive(Clone, Copy)]
pub(crate) enum Comment<'a> {
    None,
    /// Aligned at this column (the `[report]` keys).
    At(usize, &'a str),
    /// Three spaces after the value (the `[[kpi]]` keys).
    After(&'a str),
}

impl TomlText {
    pub(crate) fn line(&mut self, text: &str) {
        self.0.push_str(text);
        self.0.push('\n');
    }

    pub(crate) fn comment(&mut self, text: &str) {
        self.line(&format!("# {text}"));
    }

    pub(crate) fn key(&mut self, key: &str, value: impl Into<toml::Value>, comment: Comment) {
        let mut text = format!("{key} = {}", value.into());
        match comment {
            Comment::None => {}
            Comment::At(column, c) => {
                let pad = column.saturating_sub(text.chars().count()).max(1);
                let _ = write!(text, "{}# {c}", " ".repeat(pad));
            }
            Comment::After(c) => {
                let _ = write!(text, "   # {c}");
            }
        }
        self.line(&text);
    }

    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

/// A number as TOML: whole numbers as integers (`target = 1450000`), others as floats.
pub(crate) fn number(v: f64) -> toml::Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        // Whole and well inside i64: the cast is exact.
        toml::Value::Integer(v as i64)
    } else {
        toml::Value::Float(v)
    }
}

#[cfg(test)]
mod tests;
