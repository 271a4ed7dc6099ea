/*!
`kpis.toml` plus the command-line flags become one validated `RunConfig`. The raw serde
structs mirror the file exactly (unknown keys rejected, with the nearest valid key
suggested); everything after this module works with checked values only. CLI flags win
over `[report]`.
*/
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::analysis::spc::Rules;
use crate::cli::{AnalysisArgs, InputArgs, PeriodArg, RulesArg};
use crate::error::{Error, Result};
use crate::ingest::dates::parse_date_text;
use crate::ingest::ReadOptions;
use crate::model::kpi::{Aggregation, Direction, KpiDef, TargetStep};
use crate::model::period::{Calendar, Grain};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    report: Option<RawReport>,
    email: Option<EmailConfig>,
    #[serde(default)]
    kpi: Vec<RawKpi>,
    #[serde(default)]
    input: Vec<InputOverride>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    period: Option<String>,
    window: Option<usize>,
    rules: Option<String>,
    fiscal_year_start: Option<u32>,
    as_of: Option<String>,
    title: Option<String>,
    tolerance: Option<f64>,
    max_lag: Option<u32>,
    transform: Option<String>,
    min_pairs: Option<u32>,
    run_length: Option<u32>,
}

/// `[email]`: addresses and subject for `--eml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    pub from: Option<String>,
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    pub subject: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    from: String,
    value: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKpi {
    name: String,
    direction: Option<Direction>,
    unit: Option<String>,
    aggregation: Option<Aggregation>,
    owner: Option<String>,
    target: Option<f64>,
    target_min: Option<f64>,
    target_max: Option<f64>,
    #[serde(default)]
    targets: Vec<RawStep>,
    tolerance: Option<f64>,
    lower_bound: Option<f64>,
    upper_bound: Option<f64>,
    role: Option<String>,
    #[serde(default)]
    leads: Vec<String>,
    #[serde(default)]
    rebase: Vec<String>,
    freeze_after: Option<u32>,
    run_length: Option<u32>,
    max_lag: Option<u32>,
    transform: Option<String>,
    min_pairs: Option<u32>,
    perspective: Option<String>,
    description: Option<String>,
}

/// `[[input]]`: force the layout and column names of one file or sheet.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InputOverride {
    /// File name (or path suffix) the override applies to.
    pub file: String,
    pub sheet: Option<String>,
    /// long | wide | periods_across
    pub layout: Option<String>,
    /// 1-based header row.
    pub header_row: Option<u32>,
    pub date: Option<String>,
    pub kpi: Option<String>,
    pub value: Option<String>,
    pub target: Option<String>,
}

/// Defaults for per-KPI settings, from `[report]` then the built-ins.
#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    pub tolerance: f64,
    pub max_lag: Option<u32>,
    pub transform: String,
    pub min_pairs: u32,
    pub run_length: Option<u32>,
}

/// Everything a run needs, validated.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub config_path: Option<PathBuf>,
    pub title: String,
    pub period: Option<Grain>,
    pub window: usize,
    pub rules: Rules,
    pub calendar: Calendar,
    pub as_of: Option<NaiveDate>,
    pub defaults: Defaults,
    pub kpis: Vec<KpiDef>,
    pub email: EmailConfig,
    pub read: ReadOptions,
}

const DEFAULT_TITLE: &str = "KPI report";

/// Build the run configuration from flags and the optional config file.
pub fn load(input: &InputArgs, analysis: Option<&AnalysisArgs>) -> Result<RunConfig> {
    let config_path = analysis.and_then(|a| a.config.clone());
    let (raw, text) = match &config_path {
        Some(p) => parse_file(p)?,
        None => (RawConfig::default(), String::new()),
    };
    let report = raw.report.unwrap_or_default();
    // An error about `key` in `section`, at the line that sets it.
    let cfg_err_at = |section: Section, key: &str, message: String| Error::Config {
        path: config_path.clone().unwrap_or_default(),
        line: line_of(&text, section, key),
        message,
    };
    let cfg_err = |key: &str, message: String| cfg_err_at(Section::Report, key, message);

    let fys = match input.fiscal_year_start {
        Some(m) if !(1..=12).contains(&m) => {
            return Err(Error::Usage(format!(
                "--fiscal-year-start must be a month number 1-12, got {m}"
            )))
        }
        Some(m) => m,
        None => match report.fiscal_year_start {
            Some(m) if !(1..=12).contains(&m) => {
                return Err(cfg_err(
                    "fiscal_year_start",
                    format!("[report] fiscal_year_start must be 1-12, got {m}"),
                ))
            }
            Some(m) => m,
            None => 1,
        },
    };
    let calendar = Calendar {
        fiscal_year_start: fys,
    };

    let period = match analysis.and_then(|a| a.period) {
        Some(PeriodArg::Auto) => None,
        Some(PeriodArg::Day) => Some(Grain::Day),
        Some(PeriodArg::Week) => Some(Grain::Week),
        Some(PeriodArg::Month) => Some(Grain::Month),
        Some(PeriodArg::Quarter) => Some(Grain::Quarter),
        Some(PeriodArg::Year) => Some(Grain::Year),
        None => match report.period.as_deref() {
            None | Some("auto") => None,
            Some(s) => Some(Grain::parse(s).ok_or_else(|| {
                cfg_err(
                    "period",
                    format!(
                        "[report] period = \"{s}\" is not one of auto, day, week, month, quarter, year"
                    ),
                )
            })?),
        },
    };

    if let Some(fmt) = input.date_format.as_deref() {
        check_date_format(fmt).map_err(Error::Usage)?;
    }

    let window = match analysis.and_then(|a| a.window) {
        Some(0) => return Err(Error::Usage("--window must be at least 1".into())),
        Some(w) => w,
        None => match report.window {
            Some(0) => {
                return Err(cfg_err(
                    "window",
                    "[report] window must be at least 1".into(),
                ))
            }
            Some(w) => w,
            None => 24,
        },
    };

    let rules = match analysis.and_then(|a| a.rules) {
        Some(RulesArg::Wheeler) => Rules::Wheeler,
        Some(RulesArg::Nhs) => Rules::Nhs,
        None => match report.rules.as_deref() {
            None | Some("wheeler") => Rules::Wheeler,
            Some("nhs") => Rules::Nhs,
            Some(s) => {
                return Err(cfg_err(
                    "rules",
                    format!("[report] rules = \"{s}\" is not one of wheeler, nhs"),
                ))
            }
        },
    };

    let as_of = match analysis.and_then(|a| a.as_of.as_deref()) {
        Some(s) => Some(parse_iso_date(s).ok_or_else(|| {
            Error::Usage(format!(
                "--as-of '{s}' is not a valid date; use YYYY-MM-DD, e.g. 2026-10-31"
            ))
        })?),
        None => match report.as_of.as_deref() {
            Some(s) => Some(parse_iso_date(s).ok_or_else(|| {
                cfg_err(
                    "as_of",
                    format!("[report] as_of = \"{s}\" is not a valid YYYY-MM-DD date"),
                )
            })?),
            None => None,
        },
    };

    if let Some(t) = report.tolerance {
        check_tolerance(t).map_err(|m| cfg_err("tolerance", format!("[report] tolerance {m}")))?;
    }
    if let Some(t) = report.transform.as_deref() {
        check_transform(t).map_err(|m| cfg_err("transform", format!("[report] transform {m}")))?;
    }
    if let Some(m) = report.max_lag {
        check_max_lag(m).map_err(|m| cfg_err("max_lag", format!("[report] max_lag {m}")))?;
    }
    let defaults = Defaults {
        tolerance: report.tolerance.unwrap_or(0.05),
        max_lag: report.max_lag,
        transform: report.transform.unwrap_or_else(|| "diff".into()),
        min_pairs: report.min_pairs.unwrap_or(8),
        run_length: report.run_length,
    };

    let mut kpis: Vec<KpiDef> = Vec::with_capacity(raw.kpi.len());
    for (i, k) in raw.kpi.into_iter().enumerate() {
        let def = kpi_def(k, &calendar)
            .map_err(|(key, message)| cfg_err_at(Section::Kpi(i), key, message))?;
        let key = crate::model::kpi::name_key(&def.name);
        if kpis
            .iter()
            .any(|o| crate::model::kpi::name_key(&o.name) == key)
        {
            return Err(cfg_err_at(
                Section::Kpi(i),
                "name",
                format!(
                    "[[kpi]] name = \"{}\" appears twice; each KPI may be configured once",
                    def.name
                ),
            ));
        }
        kpis.push(def);
    }

    let delimiter = match input.delimiter.as_deref() {
        None => None,
        Some("\\t") | Some("tab") => Some(b'\t'),
        Some(s) if s.len() == 1 => Some(s.as_bytes()[0]),
        Some(s) => {
            return Err(Error::Usage(format!(
                "--delimiter must be a single character (or \\t), got '{s}'"
            )))
        }
    };

    Ok(RunConfig {
        config_path,
        title: report.title.unwrap_or_else(|| DEFAULT_TITLE.into()),
        period,
        window,
        rules,
        calendar,
        as_of,
        defaults,
        kpis,
        email: raw.email.unwrap_or_default(),
        read: ReadOptions {
            sheets: input.sheets.clone(),
            date_format: input.date_format.clone(),
            decimal_comma: input.decimal_comma,
            delimiter,
            encoding: input.encoding,
            calendar,
            overrides: raw.input,
        },
    })
}

/// A string as a TOML literal (quoted and escaped), for the config text we write.
pub fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// `--date-format` must be a chrono format that names at least a year or a month.
fn check_date_format(fmt: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    let items: Vec<Item> = StrftimeItems::new(fmt).collect();
    let bad = items.iter().any(|i| matches!(i, Item::Error));
    let dated = ["%Y", "%y", "%m", "%b", "%B", "%d", "%F", "%D"]
        .iter()
        .any(|s| fmt.contains(s));
    if bad || !dated {
        return Err(format!(
            "--date-format '{fmt}' is not a date format; use chrono's codes, e.g. '%d/%m/%Y' or '%Y-%m-%d'"
        ));
    }
    Ok(())
}

fn check_tolerance(t: f64) -> Result<(), String> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(format!("must be a number ≥ 0, got {t}"))
    }
}

/// Most lags lead-lag tests. Each lag needs `min_pairs` pairs of changes, so a lag of
/// 1,000 periods needs years of daily history already; beyond it a value is a typo, and
/// it would fill the Lead-Lag grid with lags that cannot be evaluated.
pub const MAX_LAG: u32 = 1000;

fn check_max_lag(m: u32) -> Result<(), String> {
    if m <= MAX_LAG {
        Ok(())
    } else {
        Err(format!(
            "= {m} is more lags than kpilens tests (at most {MAX_LAG}); each lag needs min_pairs pairs of periods, so choose a lag the history can support"
        ))
    }
}

fn check_transform(t: &str) -> Result<(), String> {
    match t {
        "diff" | "none" | "detrend" => Ok(()),
        _ => Err(format!("= \"{t}\" is not one of diff, none, detrend")),
    }
}

/// A period named in the config (`rebase`, a target step's `from`): every date and
/// period form the data accepts (methods.md §1), and any four-digit year — the config
/// names a period on purpose, so `"1898"` is the year 1898 even where a data cell of
/// 1898 might be a value. The KPI's grain maps it to its period later.
fn parse_period(s: &str, calendar: &Calendar) -> Option<NaiveDate> {
    if let Ok(p) = parse_date_text(s, None, calendar) {
        return Some(p.date);
    }
    let t = s.trim();
    let year = (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse::<i32>().ok())
        .flatten()?;
    calendar.fiscal_year(year)
}

/// A config error: the key at fault (to find its line) and the message.
type KeyError = (&'static str, String);

fn kpi_def(k: RawKpi, calendar: &Calendar) -> Result<KpiDef, KeyError> {
    let name = k.name.trim().to_string();
    let at = |key: &str| format!("[[kpi]] \"{name}\": {key}");
    if name.is_empty() {
        return Err(("name", "[[kpi]] name must not be empty".into()));
    }
    for (key, v) in [
        ("target", k.target),
        ("target_min", k.target_min),
        ("target_max", k.target_max),
        ("tolerance", k.tolerance),
        ("lower_bound", k.lower_bound),
        ("upper_bound", k.upper_bound),
    ] {
        if let Some(v) = v {
            if !v.is_finite() {
                return Err((key, format!("{} must be a finite number, got {v}", at(key))));
            }
        }
    }
    if let (Some(a), Some(b)) = (k.target_min, k.target_max) {
        if a > b {
            return Err((
                "target_min",
                format!(
                    "{}: target_min ({a}) is greater than target_max ({b})",
                    at("target_min")
                ),
            ));
        }
    }
    if let (Some(a), Some(b)) = (k.lower_bound, k.upper_bound) {
        if a > b {
            return Err((
                "lower_bound",
                format!(
                    "{}: lower_bound ({a}) is greater than upper_bound ({b})",
                    at("lower_bound")
                ),
            ));
        }
    }
    if let Some(t) = k.tolerance {
        check_tolerance(t).map_err(|m| ("tolerance", format!("{} {m}", at("tolerance"))))?;
    }
    if let Some(t) = k.transform.as_deref() {
        check_transform(t).map_err(|m| ("transform", format!("{} {m}", at("transform"))))?;
    }
    if k.direction == Some(Direction::Range) && (k.target_min.is_none() != k.target_max.is_none()) {
        return Err((
            "direction",
            format!(
                "{} a range KPI needs both target_min and target_max",
                at("direction")
            ),
        ));
    }
    let mut targets = Vec::with_capacity(k.targets.len());
    for step in k.targets {
        if !step.value.is_finite() {
            return Err(("targets", format!("{} value must be finite", at("targets"))));
        }
        let from = parse_period(&step.from, calendar).ok_or_else(|| {
            (
                "targets",
                format!(
                    "{}: from = \"{}\" is not a date or period (e.g. \"2026-01\", \"2026-Q1\", \"2026\")",
                    at("targets"),
                    step.from
                ),
            )
        })?;
        targets.push(TargetStep {
            from,
            value: step.value,
        });
    }
    targets.sort_by_key(|s| s.from);
    let mut rebase = Vec::with_capacity(k.rebase.len());
    for r in &k.rebase {
        rebase.push(parse_period(r, calendar).ok_or_else(|| {
            (
                "rebase",
                format!(
                    "{}: \"{r}\" is not a date or period (e.g. \"2025-07\", \"2025-Q3\", \"2025\")",
                    at("rebase")
                ),
            )
        })?);
    }
    rebase.sort();
    if let Some(role) = k.role.as_deref() {
        if !matches!(role.trim().to_lowercase().as_str(), "leading" | "lagging") {
            return Err((
                "role",
                format!("{} = \"{role}\" is not one of leading, lagging", at("role")),
            ));
        }
    }
    if let Some(m) = k.max_lag {
        check_max_lag(m).map_err(|m| ("max_lag", format!("{} {m}", at("max_lag"))))?;
    }
    if k.freeze_after == Some(0) {
        return Err((
            "freeze_after",
            format!("{} must be at least 1", at("freeze_after")),
        ));
    }
    if k.run_length == Some(0) {
        return Err((
            "run_length",
            format!("{} must be at least 1", at("run_length")),
        ));
    }
    Ok(KpiDef {
        name,
        direction: k.direction,
        unit: k.unit,
        aggregation: k.aggregation,
        owner: k.owner,
        target: k.target,
        target_min: k.target_min,
        target_max: k.target_max,
        targets,
        tolerance: k.tolerance,
        lower_bound: k.lower_bound,
        upper_bound: k.upper_bound,
        role: k.role,
        leads: k.leads,
        rebase,
        freeze_after: k.freeze_after,
        run_length: k.run_length,
        max_lag: k.max_lag,
        transform: k.transform,
        min_pairs: k.min_pairs,
        perspective: k.perspective,
        description: k.description,
    })
}

/// A table of the config file.
#[derive(Clone, Copy)]
enum Section {
    Report,
    /// The i-th `[[kpi]]` (0-based).
    Kpi(usize),
}

/// The 1-based line where `key` is set in `section` of the config text, if it is set
/// on a line of its own there (`key = …`).
fn line_of(text: &str, section: Section, key: &str) -> Option<usize> {
    let mut current = None;
    let mut kpis = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("[[kpi]]") {
            current = Some(Section::Kpi(kpis));
            kpis += 1;
        } else if line.starts_with("[report]") {
            current = Some(Section::Report);
        } else if line.starts_with('[') {
            current = None;
        } else if let Some(rest) = line.strip_prefix(key) {
            let here = match (current, section) {
                (Some(Section::Report), Section::Report) => true,
                (Some(Section::Kpi(a)), Section::Kpi(b)) => a == b,
                _ => false,
            };
            if here && rest.trim_start().starts_with('=') {
                return Some(n + 1);
            }
        }
    }
    None
}

fn parse_file(path: &Path) -> Result<(RawConfig, String)> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::read(
            path.display(),
            format!("{e} (the config file given with -c)"),
        )
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
fn parse_str(text: &str) -> Result<RawConfig, (Option<usize>, String)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_nearest() {
        let (line, msg) = parse_str("[[kpi]]\nname = \"A\"\ntragte = 5\n").unwrap_err();
        assert_eq!(line, Some(3));
        assert!(msg.contains("unknown field `tragte`"), "{msg}");
        assert!(msg.ends_with("did you mean `target`?"), "{msg}");
    }

    #[test]
    fn full_example_parses() {
        let raw = parse_str(
            r#"
[report]
period = "auto"
window = 24
rules = "wheeler"
fiscal_year_start = 1
as_of = "2026-10-31"
title = "ACME"
tolerance = 0.05
max_lag = 6
transform = "diff"
min_pairs = 8
[email]
from = "a@example.com"
to = ["b@example.com"]
subject = "KPI review {as_of}"
[[kpi]]
name = "Revenue"
direction = "higher"
unit = "USD"
aggregation = "sum"
owner = "Sales"
target = 1_200_000
targets = [{from="2026-01", value=1.3e6}]
tolerance = 0.05
lower_bound = 0
role = "lagging"
leads = ["Revenue"]
rebase = ["2025-07"]
freeze_after = 12
run_length = 8
max_lag = 6
perspective = "Financial"
description = "..."
"#,
        )
        .unwrap();
        let def = kpi_def(raw.kpi.into_iter().next().unwrap(), &Calendar::default()).unwrap();
        assert_eq!(
            def.targets[0].from,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
        );
        assert_eq!(def.rebase[0], NaiveDate::from_ymd_opt(2025, 7, 1).unwrap());
        assert_eq!(def.aggregation, Some(Aggregation::Sum));
    }

    #[test]
    fn min_above_max_is_an_error() {
        let raw = parse_str("[[kpi]]\nname = \"A\"\ntarget_min = 5\ntarget_max = 2\n").unwrap();
        let (key, err) =
            kpi_def(raw.kpi.into_iter().next().unwrap(), &Calendar::default()).unwrap_err();
        assert_eq!(key, "target_min");
        assert!(
            err.contains("target_min (5) is greater than target_max (2)"),
            "{err}"
        );
    }

    #[test]
    fn semantic_errors_find_the_line_of_their_key() {
        let text = "[report]\nwindow = 0\n\n[[kpi]]\nname = \"A\"\ntarget_min = 1\n\n\
                    [[kpi]]\nname = \"B\"\n  target_min = 5 # too high\ntarget_max = 2\n\
                    [email]\ntarget_min = 3\n";
        assert_eq!(line_of(text, Section::Report, "window"), Some(2));
        assert_eq!(line_of(text, Section::Kpi(0), "target_min"), Some(6));
        assert_eq!(line_of(text, Section::Kpi(1), "target_min"), Some(10));
        assert_eq!(line_of(text, Section::Kpi(1), "target_max"), Some(11));
        // A key that starts like another is not it; a key set nowhere has no line.
        assert_eq!(line_of(text, Section::Kpi(1), "target"), None);
        assert_eq!(line_of(text, Section::Kpi(2), "name"), None);
    }
}
