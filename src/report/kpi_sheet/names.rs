/*!
Sheet names for the KPI sheets. Excel allows at most 31 characters (UTF-16 units), none
of `[]:*?/\`, no apostrophe at either end, not the reserved "History", and names must
be unique ignoring case — KPI names from exports break every one of these rules. The
names are decided once, here, so the Summary's links and the sheets themselves agree.
*/
use std::collections::{HashMap, HashSet};

use crate::analysis::Results;
use crate::report::cells::{cut_utf16, is_xml_char};

/// Excel's limit on a sheet name, in UTF-16 code units.
const MAX_NAME: usize = 31;

/// KPIs that get a sheet of their own, in order; the others are on Summary, Targets,
/// Re-evaluation and Data and in the JSON. A sheet takes about 150 KB of memory while
/// the workbook is built, and LibreOffice takes about 20 s to open every thousand
/// sheets (more than 10 minutes for 10,000): 2,000 sheets keep a wide export of
/// 200,000 columns under about 300 MB of sheets and a workbook anyone can open.
pub const MAX_KPI_SHEETS: usize = 2_000;

/// The workbook's fixed sheets (docs/report.md), which KPI sheets must not take.
pub(super) const FIXED_SHEETS: [&str; 7] = [
    "Summary",
    "Targets",
    "Lead-Lag",
    "Re-evaluation",
    "Data Quality",
    "Data",
    "Method",
];

/// The sheet name of each KPI of `results` that gets a sheet (the first
/// [`MAX_KPI_SHEETS`]), in the same order: cleaned to Excel's rules, unique ignoring
/// case and distinct from the fixed sheets (and the Data sheet's continuations).
/// Clashes get " (2)", " (3)", … within the length limit.
pub fn sheet_names(results: &Results) -> Vec<String> {
    let mut taken: HashSet<String> = FIXED_SHEETS.iter().map(|s| s.to_lowercase()).collect();
    taken.insert("history".into());
    if results.changes.is_some() {
        taken.insert("changes".into());
    }
    let reserved = taken.clone();
    // Per base name, the next " (n)" to try: the ones below it are taken already, so
    // KPIs sharing their first 31 characters ("Customer satisfaction score - Region
    // 001", "… 002", …) do not each try every number again.
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(results.kpis.len().min(MAX_KPI_SHEETS));
    for k in results.kpis.iter().take(MAX_KPI_SHEETS) {
        let mut base = clean(&k.def.name);
        if is_reserved(&reserved, &base) {
            // "Summary (KPI)" reads better than "Summary (2)", and "Data (2)" would
            // be a continuation of the Data sheet.
            let suffix = " (KPI)";
            base = format!(
                "{}{suffix}",
                trim_edges(cut_utf16(&base, MAX_NAME - suffix.len()))
            );
        }
        let mut name = base.clone();
        let n = next.entry(base.clone()).or_insert(2);
        while taken.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            let room = MAX_NAME.saturating_sub(suffix.len());
            name = format!("{}{suffix}", trim_edges(cut_utf16(&base, room)));
            *n += 1;
        }
        taken.insert(name.to_lowercase());
        out.push(name);
    }
    out
}

/// Is `name` one of the workbook's own sheet names (`fixed` holds them in lower case)?
fn is_reserved(fixed: &HashSet<String>, name: &str) -> bool {
    let lower = name.to_lowercase();
    fixed.contains(&lower) || is_data_continuation(&lower)
}

/// "data (2)", "data (3)", …: the Data sheet's continuation sheets.
fn is_data_continuation(lower: &str) -> bool {
    lower
        .strip_prefix("data (")
        .and_then(|rest| rest.strip_suffix(')'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `name` within Excel's rules: brackets become parentheses, the other forbidden
/// characters dashes (`?`, `*` and `|` are dropped), control characters, characters
/// XML does not allow (U+FFFE, U+FFFF) and runs of whitespace one space; cut to 31 units; no apostrophe or space at either end. A
/// name that reads like a formula (`=HYPERLINK(…`, `+1`, `@x`) loses those leading
/// characters: a sheet name, and the print-titles name that carries it, is never
/// where such text belongs (the KPI's name in cells keeps it, quote-prefixed).
fn clean(name: &str) -> String {
    let name = name.trim_start_matches(|c: char| {
        matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r') || c.is_whitespace()
    });
    let mut out = String::with_capacity(name.len());
    for ch in name.chars() {
        let mapped = match ch {
            '[' => Some('('),
            ']' => Some(')'),
            ':' | '/' | '\\' => Some('-'),
            '?' | '*' | '|' => None,
            c if c.is_control() || c.is_whitespace() || !is_xml_char(c) => Some(' '),
            c => Some(c),
        };
        if let Some(c) = mapped {
            if !(c == ' ' && out.ends_with(' ')) {
                out.push(c);
            }
        }
    }
    let cut = trim_edges(cut_utf16(trim_edges(&out), MAX_NAME));
    if cut.is_empty() {
        "KPI".into()
    } else {
        cut.to_string()
    }
}

/// Without spaces or apostrophes at either end.
fn trim_edges(s: &str) -> &str {
    s.trim_matches(|c: char| c == '\'' || c.is_whitespace())
}

#[cfg(test)]
mod tests;
