/*!
The config file exactly as written: serde structs that mirror `kpis.toml` (unknown keys
rejected, with the nearest valid key suggested), and the parse with errors an analyst
can act on (the key in plain words and its line). Nothing here is validated beyond
types; `config::load` turns these into each stage's settings.
*/
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::kpi::{Aggregation, Direction};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) report: Option<RawReport>,
    pub(super) email: Option<RawEmail>,
    #[serde(default)]
    pub(super) kpi: Vec<RawKpi>,
    #[serde(default)]
    pub(super) input: Vec<RawInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReport {
    pub(super) period: Option<String>,
    pub(super) window: Option<usize>,
    pub(super) rules: Option<String>,
    pub(super) fiscal_year_start: Option<u32>,
    pub(super) as_of: Option<String>,
    pub(super) title: Option<String>,
    pub(super) tolerance: Option<f64>,
    pub(super) max_lag: Option<u32>,
    pub(super) transform: Option<String>,
    pub(super) min_pairs: Option<u32>,
    pub(super) run_length: Option<u32>,
    /// `true`, `false` or `"auto"`: checked by `config::parse_seasonal`.
    pub(super) seasonal: Option<toml::Value>,
}

/// `[email]`: addresses and subject for `--eml`, and the server `--send` delivers to.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEmail {
    pub(super) from: Option<String>,
    #[serde(default)]
    pub(super) to: Vec<String>,
    #[serde(default)]
    pub(super) cc: Vec<String>,
    pub(super) subject: Option<String>,
    pub(super) smtp: Option<String>,
    pub(super) security: Option<String>,
    pub(super) username: Option<String>,
    pub(super) password_env: Option<String>,
    pub(super) ca_file: Option<String>,
    /// Accepted by the parser only to be refused with a message of its own (a
    /// password is never read from a file); its value is never looked at or shown.
    pub(super) password: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStep {
    pub(super) from: String,
    pub(super) value: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKpi {
    pub(super) name: String,
    pub(super) direction: Option<Direction>,
    pub(super) unit: Option<String>,
    pub(super) aggregation: Option<Aggregation>,
    pub(super) owner: Option<String>,
    pub(super) target: Option<f64>,
    pub(super) target_min: Option<f64>,
    pub(super) target_max: Option<f64>,
    #[serde(default)]
    pub(super) targets: Vec<RawStep>,
    pub(super) tolerance: Option<f64>,
    pub(super) lower_bound: Option<f64>,
    pub(super) upper_bound: Option<f64>,
    pub(super) role: Option<String>,
    #[serde(default)]
    pub(super) leads: Vec<String>,
    #[serde(default)]
    pub(super) rebase: Vec<String>,
    pub(super) freeze_after: Option<u32>,
    pub(super) run_length: Option<u32>,
    pub(super) max_lag: Option<u32>,
    pub(super) transform: Option<String>,
    pub(super) min_pairs: Option<u32>,
    pub(super) seasonal: Option<toml::Value>,
    pub(super) perspective: Option<String>,
    pub(super) description: Option<String>,
}

/// `[[input]]`: force the layout and column names of one file or sheet.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInput {
    pub(super) file: String,
    pub(super) sheet: Option<String>,
    pub(super) layout: Option<String>,
    pub(super) header_row: Option<u32>,
    pub(super) date: Option<String>,
    pub(super) kpi: Option<String>,
    pub(super) value: Option<String>,
    pub(super) target: Option<String>,
}

/// Read and parse the config file; the text is kept to find the lines of keys later.
pub(super) fn parse_file(path: &Path) -> Result<(RawConfig, String)> {
    let bytes = crate::files::read(path).map_err(|e| {
        Error::read(
            path.display(),
            format!("{e} (the config file given with -c)"),
        )
    })?;
    // TOML is UTF-8 by definition; a file saved in another encoding is a config error
    // at the line of its first foreign byte, like any other.
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        Error::Config {
            path: path.to_path_buf(),
            line: Some(
                std::str::from_utf8(&bytes[..valid]).map_or(0, |t| t.matches('\n').count()) + 1,
            ),
            message: format!(
                "byte 0x{:02X} is not UTF-8 text; save the file as UTF-8",
                bytes.get(valid).copied().unwrap_or_default()
            ),
        }
    })?;
    let raw = parse_str(&text).map_err(|(line, message)| Error::Config {
        path: path.to_path_buf(),
        line,
        message,
    })?;
    Ok((raw, text))
}

/// Parse config text; on error returns the 1-based line and a message that names the
/// key and, for unknown keys, the nearest valid one.
pub(super) fn parse_str(text: &str) -> Result<RawConfig, (Option<usize>, String)> {
    toml::from_str::<RawConfig>(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        // Rust type names mean nothing to an analyst.
        let mut message = e
            .message()
            .trim()
            .replace("expected usize", "expected a whole number")
            .replace("expected u32", "expected a whole number")
            .replace("expected f64", "expected a number")
            .replace("expected i64", "expected a whole number");
        if let Some(hint) = unknown_key_hint(&message) {
            message.push_str(&hint);
        } else if let Some(key) = line
            .and_then(|l| text.lines().nth(l - 1))
            .and_then(|l| l.split_once('='))
            .map(|(key, _)| key.trim())
            .filter(|key| !key.is_empty() && !key.starts_with('['))
        {
            // serde names the expected type, not the key: say which key it is.
            message = format!("`{key}`: {message}");
        }
        (line, message)
    })
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" add "; did you mean `a`?".
fn unknown_key_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (bad, rest) = rest.split_once('`')?;
    let best = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .min_by_key(|cand| edit_distance(bad, cand))?;
    Some(format!("; did you mean `{best}`?"))
}

/// Optimal-string-alignment distance: edits plus adjacent swaps, so typos such as
/// `tragte` are closest to `target`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// A table of the config file.
#[derive(Clone, Copy)]
pub(super) enum Section {
    Report,
    /// The i-th `[[kpi]]` (0-based).
    Kpi(usize),
    /// The i-th `[[input]]` (0-based).
    Input(usize),
    Email,
}

/// The 1-based line where `key` is set in `section` of the config text, if it is set
/// on a line of its own there (`key = …`).
pub(super) fn line_of(text: &str, section: Section, key: &str) -> Option<usize> {
    let mut current = None;
    let (mut kpis, mut inputs) = (0, 0);
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("[[kpi]]") {
            current = Some(Section::Kpi(kpis));
            kpis += 1;
        } else if line.starts_with("[[input]]") {
            current = Some(Section::Input(inputs));
            inputs += 1;
        } else if line.starts_with("[report]") {
            current = Some(Section::Report);
        } else if line.starts_with("[email]") {
            current = Some(Section::Email);
        } else if line.starts_with('[') {
            current = None;
        } else if let Some(rest) = line.strip_prefix(key) {
            let here = match (current, section) {
                (Some(Section::Report), Section::Report)
                | (Some(Section::Email), Section::Email) => true,
                (Some(Section::Kpi(a)), Section::Kpi(b))
                | (Some(Section::Input(a)), Section::Input(b)) => a == b,
                _ => false,
            };
            if here && rest.trim_start().starts_with('=') {
                return Some(n + 1);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
