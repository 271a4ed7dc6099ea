/*!
`kpis.toml` plus the command-line flags become each stage's settings: how to read
(`ingest::ReadOptions`), how to analyse (`analysis::Settings`) and what to write
(`report::Settings`). This is the only module that knows the command line (`cli`):
[`flags`] copies the clap structs into plain [`Flags`], and [`load`] takes those, so the
benchmark and the tests build a run without fabricating command-line arguments.

The raw serde structs (`raw.rs`) mirror the file exactly; everything after this module
works with checked values only, closed sets already parsed into enums. CLI flags win
over `[report]`. Errors name the key and its line (docs/interface.md, "Config").
*/
mod email;
mod kpi;
mod raw;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::analysis::spc::Rules;
use crate::analysis::{Defaults, Settings};
use crate::cli::{AnalysisArgs, EncodingArg, InputArgs, PeriodArg, RulesArg};
use crate::error::{Error, Result};
use crate::ingest::{Encoding, InputOverride, ReadOptions};
use crate::model::dataset::Layout;
use crate::model::kpi::{SeasonalMode, Transform, MAX_LAG};
use crate::model::period::{Calendar, Grain};
use crate::report::Settings as ReportSettings;
pub use email::delivery;
use raw::{line_of, RawConfig, RawInput, RawReport, Section};

/// The run's flags as plain values: what the command line said, before the config file
/// fills the gaps. `None` means the flag was not given.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub config: Option<PathBuf>,
    pub sheets: Vec<String>,
    pub date_format: Option<String>,
    pub decimal_comma: bool,
    pub delimiter: Option<String>,
    pub encoding: Option<Encoding>,
    pub fiscal_year_start: Option<u32>,
    /// `Some(None)` is `--period auto`.
    pub period: Option<Option<Grain>>,
    pub window: Option<usize>,
    pub as_of: Option<String>,
    pub rules: Option<Rules>,
}

/// The flags of a subcommand; `analysis` is absent for `init`.
pub fn flags(input: &InputArgs, analysis: Option<&AnalysisArgs>) -> Flags {
    Flags {
        config: analysis.and_then(|a| a.config.clone()),
        sheets: input.sheets.clone(),
        date_format: input.date_format.clone(),
        decimal_comma: input.decimal_comma,
        delimiter: input.delimiter.clone(),
        encoding: input.encoding.map(|e| match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Utf16 => Encoding::Utf16,
            EncodingArg::Windows1252 => Encoding::Windows1252,
        }),
        fiscal_year_start: input.fiscal_year_start,
        period: analysis.and_then(|a| a.period).map(|p| match p {
            PeriodArg::Auto => None,
            PeriodArg::Day => Some(Grain::Day),
            PeriodArg::Week => Some(Grain::Week),
            PeriodArg::Month => Some(Grain::Month),
            PeriodArg::Quarter => Some(Grain::Quarter),
            PeriodArg::Year => Some(Grain::Year),
        }),
        window: analysis.and_then(|a| a.window),
        as_of: analysis.and_then(|a| a.as_of.clone()),
        rules: analysis.and_then(|a| a.rules).map(|r| match r {
            RulesArg::Wheeler => Rules::Wheeler,
            RulesArg::Nhs => Rules::Nhs,
        }),
    }
}

/// Everything a run needs, validated, one part per stage.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub config_path: Option<PathBuf>,
    pub read: ReadOptions,
    pub analysis: Settings,
    /// `max_charts` is the report default; `report` sets the flag's value.
    pub report: ReportSettings,
}

const DEFAULT_TITLE: &str = "KPI report";

/// Where config errors point: the file and its text (to find a key's line).
struct Source<'a> {
    path: Option<&'a Path>,
    text: &'a str,
}

impl Source<'_> {
    /// An error about `key` in `section`, at the line that sets it.
    fn err(&self, section: Section, key: &str, message: String) -> Error {
        Error::Config {
            path: self.path.map(Path::to_path_buf).unwrap_or_default(),
            line: line_of(self.text, section, key),
            message,
        }
    }
    fn report_err(&self, key: &str, message: String) -> Error {
        self.err(Section::Report, key, message)
    }
}

/// Build the run configuration from the flags and the optional config file.
pub fn load(flags: &Flags) -> Result<RunConfig> {
    let (raw, text) = match &flags.config {
        Some(p) => raw::parse_file(p)?,
        None => (RawConfig::default(), String::new()),
    };
    let src = Source {
        path: flags.config.as_deref(),
        text: &text,
    };
    let report = raw.report.unwrap_or_default();
    // In the order of the checks, so the first problem is the one reported.
    let calendar = Calendar {
        fiscal_year_start: fiscal_year_start(flags, &report, &src)?,
    };
    let period = period(flags, &report, &src)?;
    let date_format = date_format(flags)?;
    let analysis = Settings {
        period,
        window: window(flags, &report, &src)?,
        rules: rules(flags, &report, &src)?,
        calendar,
        as_of: as_of(flags, &report, &src)?,
        defaults: defaults(&report, &src)?,
        kpis: kpi::definitions(raw.kpi, &calendar, &src)?,
    };
    let read = ReadOptions {
        sheets: flags.sheets.clone(),
        date_format,
        decimal_comma: flags.decimal_comma,
        delimiter: delimiter(flags)?,
        encoding: flags.encoding,
        calendar,
        overrides: overrides(raw.input, &src)?,
    };
    let email = email::settings(raw.email.unwrap_or_default(), &src)?;
    Ok(RunConfig {
        config_path: flags.config.clone(),
        read,
        analysis,
        report: ReportSettings {
            title: report.title.unwrap_or_else(|| DEFAULT_TITLE.into()),
            email,
            ..ReportSettings::default()
        },
    })
}

fn fiscal_year_start(flags: &Flags, report: &RawReport, src: &Source) -> Result<u32> {
    match flags.fiscal_year_start {
        Some(m) if !(1..=12).contains(&m) => Err(Error::Usage(format!(
            "--fiscal-year-start must be a month number 1-12, got {m}"
        ))),
        Some(m) => Ok(m),
        None => match report.fiscal_year_start {
            Some(m) if !(1..=12).contains(&m) => Err(src.report_err(
                "fiscal_year_start",
                format!("[report] fiscal_year_start must be 1-12, got {m}"),
            )),
            Some(m) => Ok(m),
            None => Ok(1),
        },
    }
}

fn period(flags: &Flags, report: &RawReport, src: &Source) -> Result<Option<Grain>> {
    if let Some(p) = flags.period {
        return Ok(p);
    }
    match report.period.as_deref() {
        None | Some("auto") => Ok(None),
        Some(s) => Grain::parse(s).map(Some).ok_or_else(|| {
            src.report_err(
                "period",
                format!(
                    "[report] period = \"{s}\" is not one of auto, day, week, month, quarter, year"
                ),
            )
        }),
    }
}

/// The longest analysis window: 27 years of days. The trend's Theil–Sen slope weighs
/// every pair of the window's values (50 million pairs at this length, 400 MB while a
/// KPI's trend is computed), and each KPI sheet lists the window row by row.
pub const MAX_WINDOW: usize = 10_000;

fn window(flags: &Flags, report: &RawReport, src: &Source) -> Result<usize> {
    let range = |what: &str| {
        format!("{what} must be between 1 and {MAX_WINDOW} periods (27 years of days)")
    };
    match flags.window {
        Some(w) if w == 0 || w > MAX_WINDOW => Err(Error::Usage(range("--window"))),
        Some(w) => Ok(w),
        None => match report.window {
            Some(w) if w == 0 || w > MAX_WINDOW => {
                Err(src.report_err("window", range("[report] window")))
            }
            Some(w) => Ok(w),
            None => Ok(24),
        },
    }
}

fn rules(flags: &Flags, report: &RawReport, src: &Source) -> Result<Rules> {
    if let Some(r) = flags.rules {
        return Ok(r);
    }
    match report.rules.as_deref() {
        None | Some("wheeler") => Ok(Rules::Wheeler),
        Some("nhs") => Ok(Rules::Nhs),
        Some(s) => Err(src.report_err(
            "rules",
            format!("[report] rules = \"{s}\" is not one of wheeler, nhs"),
        )),
    }
}

fn as_of(flags: &Flags, report: &RawReport, src: &Source) -> Result<Option<NaiveDate>> {
    match flags.as_of.as_deref() {
        Some(s) => parse_iso_date(s).map(Some).ok_or_else(|| {
            Error::Usage(format!(
                "--as-of '{s}' is not a valid date; use YYYY-MM-DD, e.g. 2026-10-31"
            ))
        }),
        None => match report.as_of.as_deref() {
            Some(s) => parse_iso_date(s).map(Some).ok_or_else(|| {
                src.report_err(
                    "as_of",
                    format!("[report] as_of = \"{s}\" is not a valid YYYY-MM-DD date"),
                )
            }),
            None => Ok(None),
        },
    }
}

/// `[report]` defaults for the per-KPI settings.
fn defaults(report: &RawReport, src: &Source) -> Result<Defaults> {
    if let Some(t) = report.tolerance {
        check_tolerance(t)
            .map_err(|m| src.report_err("tolerance", format!("[report] tolerance {m}")))?;
    }
    let transform = match report.transform.as_deref() {
        Some(t) => Some(
            parse_transform(t)
                .map_err(|m| src.report_err("transform", format!("[report] transform {m}")))?,
        ),
        None => None,
    };
    if let Some(m) = report.max_lag {
        check_max_lag(m).map_err(|m| src.report_err("max_lag", format!("[report] max_lag {m}")))?;
    }
    let seasonal = match &report.seasonal {
        Some(v) => parse_seasonal(v)
            .map_err(|m| src.report_err("seasonal", format!("[report] seasonal {m}")))?,
        None => SeasonalMode::Off,
    };
    for (key, v) in [
        ("run_length", report.run_length),
        ("min_pairs", report.min_pairs),
    ] {
        if v == Some(0) {
            return Err(src.report_err(key, format!("[report] {key} must be at least 1")));
        }
    }
    Ok(Defaults {
        tolerance: report.tolerance.unwrap_or(0.05),
        max_lag: report.max_lag,
        transform: transform.unwrap_or_default(),
        min_pairs: report.min_pairs.unwrap_or(8),
        run_length: report.run_length,
        seasonal,
    })
}

fn date_format(flags: &Flags) -> Result<Option<String>> {
    if let Some(fmt) = flags.date_format.as_deref() {
        check_date_format(fmt).map_err(Error::Usage)?;
    }
    Ok(flags.date_format.clone())
}

fn delimiter(flags: &Flags) -> Result<Option<u8>> {
    match flags.delimiter.as_deref() {
        None => Ok(None),
        Some("\\t" | "tab") => Ok(Some(b'\t')),
        Some(s) if s.len() == 1 => Ok(Some(s.as_bytes()[0])),
        Some(s) => Err(Error::Usage(format!(
            "--delimiter must be a single character (or \\t), got '{s}'"
        ))),
    }
}

/// `[[input]]` blocks, their layout names parsed.
fn overrides(raw: Vec<RawInput>, src: &Source) -> Result<Vec<InputOverride>> {
    raw.into_iter()
        .enumerate()
        .map(|(i, o)| {
            let layout = match o.layout.as_deref() {
                None => None,
                Some(name) => Some(parse_layout(name).ok_or_else(|| {
                    src.err(
                        Section::Input(i),
                        "layout",
                        format!(
                            "[[input]] \"{}\": layout = \"{name}\" is not one of long, wide, periods_across",
                            o.file
                        ),
                    )
                })?),
            };
            Ok(InputOverride {
                file: o.file,
                sheet: o.sheet,
                layout,
                header_row: o.header_row,
                date: o.date,
                kpi: o.kpi,
                value: o.value,
                target: o.target,
            })
        })
        .collect()
}

/// `long`, `wide`, `periods_across` (or `periods across`, any case).
fn parse_layout(name: &str) -> Option<Layout> {
    match name.trim().to_lowercase().replace(['_', '-'], " ").as_str() {
        "long" => Some(Layout::Long),
        "wide" => Some(Layout::Wide),
        "periods across" => Some(Layout::PeriodsAcross),
        _ => None,
    }
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

fn check_max_lag(m: u32) -> Result<(), String> {
    if m <= MAX_LAG {
        Ok(())
    } else {
        Err(format!(
            "= {m} is more lags than kpilens tests (at most {MAX_LAG}); each lag needs min_pairs pairs of periods, so choose a lag the history can support"
        ))
    }
}

/// `seasonal = true | false | "auto"` (docs/methods.md §10).
fn parse_seasonal(v: &toml::Value) -> Result<SeasonalMode, String> {
    match v {
        toml::Value::Boolean(true) => Ok(SeasonalMode::On),
        toml::Value::Boolean(false) => Ok(SeasonalMode::Off),
        toml::Value::String(s) if s.trim().eq_ignore_ascii_case("auto") => Ok(SeasonalMode::Auto),
        other => Err(format!(
            "= {other} is not one of true, false, \"auto\" (true: judge the KPI against its season; \"auto\": only when a seasonal pattern is found)"
        )),
    }
}

fn parse_transform(t: &str) -> Result<Transform, String> {
    Transform::parse(t).ok_or_else(|| format!("= \"{t}\" is not one of {}", Transform::NAMES))
}

#[cfg(test)]
mod tests;
