/*!
The command line as clap sees it: plain structs, no validation beyond types. Turning
these into a checked `RunConfig` (together with `kpis.toml`) is `config.rs`'s job.
*/
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kpilens",
    version,
    about = "KPI analysis from Excel/CSV exports into an annotated Excel workbook"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read, analyse and write the workbook (the main job).
    Report(ReportArgs),
    /// Read and validate only: detected layouts, KPIs found, data-quality findings.
    Check(CheckArgs),
    /// Write a starter kpis.toml listing every KPI found.
    Init(InitArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    Auto,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesArg {
    Wheeler,
    Nhs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "utf-16")]
    Utf16,
    #[value(name = "windows-1252")]
    Windows1252,
}

/// Flags that control how inputs are read; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Input files or folders (csv, tsv, txt, xlsx, xlsm, xls, xlsb, ods, parquet), or - for
    /// standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Only read these sheets (repeatable).
    #[arg(long = "sheet", value_name = "NAME")]
    pub sheets: Vec<String>,
    /// Date format for text dates, chrono syntax (e.g. %d/%m/%Y).
    #[arg(long, value_name = "FMT")]
    pub date_format: Option<String>,
    /// Numbers in text use a decimal comma (1.234,5).
    #[arg(long)]
    pub decimal_comma: bool,
    /// Field delimiter for text files (default: sniffed).
    #[arg(long, value_name = "C")]
    pub delimiter: Option<String>,
    /// Text encoding (default: UTF-8/UTF-16 by BOM, else Windows-1252 when not UTF-8).
    #[arg(long, value_enum)]
    pub encoding: Option<EncodingArg>,
    /// Fiscal year start month (1-12).
    #[arg(long, value_name = "1-12")]
    pub fiscal_year_start: Option<u32>,
}

#[derive(Debug, Clone, Args)]
pub struct AnalysisArgs {
    /// Configuration file.
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report grain: auto keeps each KPI's own grain.
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// Number of periods in the analysis window.
    #[arg(long)]
    pub window: Option<usize>,
    /// Ignore observations after this date (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Signal rules preset.
    #[arg(long, value_enum)]
    pub rules: Option<RulesArg>,
    /// Write results as JSON to FILE, or '-' for stdout.
    #[arg(long, value_name = "FILE|-")]
    pub json: Option<PathBuf>,
    /// No progress bar or terminal summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// More detail on the terminal.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// Output workbook.
    #[arg(short, long, default_value = "kpi-report.xlsx", value_name = "FILE")]
    pub output: PathBuf,
    /// Write an e-mail body (Markdown, or HTML for .html).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Write a complete e-mail message with the workbook attached.
    #[arg(long, value_name = "FILE")]
    pub eml: Option<PathBuf>,
    /// Write suggested targets as a kpis.toml fragment (.toml) or a table (.csv).
    #[arg(long, value_name = "FILE")]
    pub suggest_targets: Option<PathBuf>,
    /// Charts are drawn for at most this many KPIs.
    #[arg(long, default_value_t = 200)]
    pub max_charts: usize,
    /// Compare with an earlier results file written by --json (may be the --json file itself).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
    /// After every output is written, deliver the e-mail (as --eml writes it) over SMTP
    /// with the [email] settings of the config.
    #[arg(long)]
    pub send: bool,
    /// With --send: connect, log in and check the recipients, but send nothing.
    #[arg(long, requires = "send")]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// Replace an existing --json file that kpilens did not write.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where to write the starter config.
    #[arg(short, long, default_value = "kpis.toml", value_name = "FILE")]
    pub output: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}
