/*!
The three subcommands as a user sees them: `report` (analyse and write), `check`
(validate and describe the inputs) and `init` (a starter config). Each turns arguments
into a `RunConfig`, runs the pipeline and prints what the user needs on the terminal.
*/
use std::fmt::Write as _;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};

use crate::analysis::{Results, Severity};
use crate::cli::{CheckArgs, InitArgs, ReportArgs};
use crate::config::toml_str;
use crate::error::{Error, Result};
use crate::{config, output, report};

/// How kpilens recognises the text files it wrote before (see `output::has_marker`).
const JSON_MARKER: &[&str] = &["\"name\": \"kpilens\""];
const SUGGEST_MARKERS: &[&str] = &[
    "# Suggested targets from kpilens",
    "kpi,direction,current_target,realism,baseline",
];
const SUMMARY_MARKERS: &[&str] = &[report::email::SUMMARY_MARK];
const EML_MARKER: &[&str] = &["@kpilens.local>"];
const CONFIG_MARKER: &[&str] = &["# kpilens configuration"];

/// The inputs and the config file: what no output may replace.
fn protected_paths(
    inputs: &[std::path::PathBuf],
    config: Option<&Path>,
) -> Vec<std::path::PathBuf> {
    let mut paths = inputs.to_vec();
    paths.extend(config.map(Path::to_path_buf));
    paths
}

/// `kpilens report`.
pub fn report(args: &ReportArgs) -> Result<u8> {
    let cfg = config::load(&args.input, Some(&args.analysis))?;
    // The config is an input too: no output may replace it.
    let protected = protected_paths(&args.input.inputs, args.analysis.config.as_deref());
    output::guard(
        &args.output,
        &protected,
        args.force,
        report::written_by_kpilens,
    )?;
    let json = args
        .analysis
        .json
        .as_deref()
        .filter(|p| p.as_os_str() != "-");
    let extras = [
        ("--json", json, JSON_MARKER),
        (
            "--suggest-targets",
            args.suggest_targets.as_deref(),
            SUGGEST_MARKERS,
        ),
        ("--summary", args.summary.as_deref(), SUMMARY_MARKERS),
        ("--eml", args.eml.as_deref(), EML_MARKER),
    ];
    let mut outputs = vec![("-o", args.output.as_path())];
    for (flag, path, markers) in extras {
        let Some(path) = path else { continue };
        output::guard(path, &protected, args.force, |p| {
            markers.iter().any(|m| output::has_marker(p, m))
        })?;
        outputs.push((flag, path));
    }
    output::distinct(&outputs)?;
    if args.eml.is_some() && cfg.email.to.is_empty() {
        return Err(Error::Usage(
            "--eml needs recipients: add `to = [\"someone@example.com\"]` under [email] in kpis.toml".into(),
        ));
    }
    let extras = [
        args.analysis.json.as_ref(),
        args.suggest_targets.as_ref(),
        args.summary.as_ref(),
        args.eml.as_ref(),
    ];
    let stages = 3 + u64::from(extras.iter().any(Option::is_some));
    let progress = Progress::new(args.analysis.quiet, stages);
    progress.step(&format!(
        "reading {}",
        words_count(args.input.inputs.len(), "input")
    ));
    let ingested = crate::ingest::read_inputs(&args.input.inputs, &cfg.read)?;
    progress.step("analysing the series");
    let results = crate::analysis::analyse(ingested, &cfg)?;
    progress.step(&format!(
        "writing the workbook ({})",
        words_count(results.kpis.len(), "KPI sheet")
    ));
    let created = created(results.as_of);
    let options = report::ReportOptions {
        max_charts: args.max_charts,
    };
    report::write_workbook_with(&results, &args.output, created, &options)?;
    let mut written = vec![args.output.clone()];
    if stages > 3 {
        progress.step("writing the other outputs");
    }
    if let Some(json) = &args.analysis.json {
        let dest = (json.as_os_str() != "-").then_some(json.as_path());
        report::json::write_json(&results, dest)?;
        written.extend(dest.map(Path::to_path_buf));
    }
    if let Some(path) = &args.suggest_targets {
        report::suggest::write(&results, path)?;
        written.push(path.clone());
    }
    if let Some(path) = &args.summary {
        report::email::write_summary(&results, path)?;
        written.push(path.clone());
    }
    if let Some(path) = &args.eml {
        let workbook =
            std::fs::read(&args.output).map_err(|e| Error::write(args.output.display(), e))?;
        let name = args.output.file_name().map_or_else(
            || "kpi-report.xlsx".into(),
            |n| n.to_string_lossy().into_owned(),
        );
        let bytes = report::email::message(&results, &cfg.email, &workbook, &name, created)?;
        report::save_atomically(path, &bytes)?;
        written.push(path.clone());
    }
    progress.done();
    if !args.analysis.quiet {
        to_stderr(&terminal_summary(&results, &written));
    }
    Ok(0)
}

/// Print what the user asked for on standard output; a failure (a closed pipe, a full
/// disk behind a redirect) is "cannot write the output", not a panic.
fn to_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::write("standard output", e))
}

/// Progress notes and summaries on standard error, best effort: the outputs are
/// written by then, so a terminal that cannot take the text changes nothing.
fn to_stderr(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// "1 input", "3 inputs".
fn words_count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

const PROGRESS_TEMPLATE: &str = "{spinner} [{bar:20}] {pos}/{len} {msg} ({elapsed})";

/// A progress bar on stderr over the run's stages (reading, analysis, writing), with
/// a spinner and the elapsed time — only on a terminal and without `--quiet`, so logs
/// and pipes stay clean.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new(quiet: bool, stages: u64) -> Progress {
        use std::io::IsTerminal;
        Progress((!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(stages);
            // The template is a constant, checked by the test below.
            if let Ok(style) = indicatif::ProgressStyle::with_template(PROGRESS_TEMPLATE) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        }))
    }
    /// Start the next stage (the previous one is done).
    fn step(&self, what: &str) {
        if let Some(bar) = &self.0 {
            if !bar.message().is_empty() {
                bar.inc(1);
            }
            bar.set_message(what.to_string());
        }
    }
    fn done(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Document time: `SOURCE_DATE_EPOCH` when set, else midnight of the as-of date, so
/// identical inputs give identical bytes.
fn created(as_of: NaiveDate) -> NaiveDateTime {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|dt| dt.naive_utc())
        .unwrap_or_else(|| as_of.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn terminal_summary(results: &Results, written: &[std::path::PathBuf]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "kpilens {} — as of {}", crate::VERSION, results.as_of);
    let _ = writeln!(s, "{}", report::counts_line(results));
    let _ = writeln!(
        s,
        "  {:<32} {:<9} {:<7} {:<13} {:<14} action",
        "KPI", "status", "signals", "variation", "assurance"
    );
    for k in &results.kpis {
        let name: String = k.def.name.chars().take(32).collect();
        let status = k.latest.status.map_or("no data", |st| st.as_str());
        let variation = k.spc.variation.map_or("-", |v| v.as_str());
        let assurance = k.spc.assurance.map_or("-", |a| a.as_str());
        let _ = writeln!(
            s,
            "  {name:<32} {status:<9} {:<7} {variation:<13} {assurance:<14} {}",
            k.spc.signals.len(),
            k.health.action.as_str()
        );
    }
    for f in results
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .take(5)
    {
        let _ = writeln!(s, "  error {}: {} ({})", f.code, f.message, f.place());
    }
    for path in written {
        let _ = writeln!(s, "wrote {}", path.display());
    }
    s
}

/// `kpilens check`: exit 3 when any error-severity finding exists.
pub fn check(args: &CheckArgs) -> Result<u8> {
    let cfg = config::load(&args.input, Some(&args.analysis))?;
    let json = args
        .analysis
        .json
        .as_deref()
        .filter(|p| p.as_os_str() != "-");
    if let Some(json) = json {
        let protected = protected_paths(&args.input.inputs, args.analysis.config.as_deref());
        output::guard(json, &protected, args.force, |p| {
            output::has_marker(p, JSON_MARKER[0])
        })?;
    }
    let results = crate::analyse(&args.input.inputs, &cfg)?;
    let mut s = String::new();
    let _ = writeln!(s, "Layouts:");
    for l in &results.layouts {
        let place = match &l.sheet {
            Some(sh) => format!("{} [{}]", l.file, sh),
            None => l.file.clone(),
        };
        let header = l
            .header_row
            .map(|h| format!(", header row {h}"))
            .unwrap_or_default();
        let what = if l.layout == "targets" {
            "targets"
        } else {
            "values"
        };
        let _ = writeln!(
            s,
            "  {place}: {}{header}, {} KPIs, {} {what}",
            l.layout, l.kpis, l.values
        );
    }
    let _ = writeln!(s, "\nKPIs (as of {}):", results.as_of);
    for k in &results.kpis {
        let span = match (k.first_period, k.last_period) {
            (Some(a), Some(b)) => format!("{a} … {b}"),
            _ => "no values".into(),
        };
        let _ = writeln!(
            s,
            "  {:<40} {:<8} {:>5} values  {span}",
            k.def.name,
            k.grain.as_str(),
            k.n
        );
    }
    let _ = writeln!(s, "\nFindings: {}", report::findings_line(&results));
    for f in &results.findings {
        let place = f.place();
        let _ = writeln!(
            s,
            "  {:<7} {:<24} {}{}{}",
            f.severity.as_str(),
            f.code,
            f.kpi
                .as_deref()
                .map(|k| format!("[{k}] "))
                .unwrap_or_default(),
            f.message,
            if place.is_empty() {
                String::new()
            } else {
                format!(" ({place})")
            }
        );
    }
    // With `--json -` the JSON owns stdout; the description goes to stderr.
    let json_to_stdout = args
        .analysis
        .json
        .as_deref()
        .is_some_and(|p| p.as_os_str() == "-");
    if json_to_stdout {
        to_stderr(&s);
    } else {
        to_stdout(&s)?;
    }
    if let Some(json) = &args.analysis.json {
        let dest = (json.as_os_str() != "-").then_some(json.as_path());
        report::json::write_json(&results, dest)?;
    }
    Ok(if results.count_findings(Severity::Error) > 0 {
        3
    } else {
        0
    })
}

/// `kpilens init`: a commented starter config listing every KPI found.
pub fn init(args: &InitArgs) -> Result<u8> {
    let cfg = config::load(&args.input, None)?;
    output::guard(&args.output, &args.input.inputs, args.force, |p| {
        output::has_marker(p, CONFIG_MARKER[0])
    })?;
    let results = crate::analyse(&args.input.inputs, &cfg)?;
    let text = starter_config(&results);
    report::save_atomically(&args.output, text.as_bytes())?;
    to_stderr(&format!(
        "wrote {} with {} KPIs; fill in direction, owner, target and leads\n",
        args.output.display(),
        results.kpis.len()
    ));
    Ok(0)
}

fn starter_config(results: &Results) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# kpilens configuration — generated by `kpilens init` from {} input(s).",
        results.inputs.len()
    );
    let _ = writeln!(
        s,
        "# Defaults are written out; edit what differs. Reference: docs/methods.md.\n"
    );
    let _ = writeln!(s, "[report]");
    let _ = writeln!(s, "title = \"KPI report\"");
    let _ = writeln!(
        s,
        "period = \"auto\"        # auto | day | week | month | quarter | year"
    );
    let _ = writeln!(
        s,
        "window = 24             # periods analysed, ending at each KPI's latest value"
    );
    let _ = writeln!(s, "rules = \"wheeler\"       # wheeler | nhs signal rules");
    let _ = writeln!(s, "fiscal_year_start = 1   # month the fiscal year starts");
    let _ = writeln!(
        s,
        "tolerance = 0.05        # amber band: within 5% of target"
    );
    let _ = writeln!(
        s,
        "transform = \"diff\"      # lead-lag on changes (diff), levels (none) or detrended"
    );
    let _ = writeln!(
        s,
        "min_pairs = 8           # fewest (lead, lag) pairs a lag needs"
    );
    let _ = writeln!(
        s,
        "# max_lag = 6          # lead-lag lags tried; default by grain: day 14, week 8, month 6, quarter 4, year 2\n"
    );
    for k in &results.kpis {
        let d = &k.def;
        let _ = writeln!(s, "[[kpi]]");
        let _ = writeln!(s, "name = {}", toml_str(&d.name));
        let _ = writeln!(
            s,
            "# grain found: {}; {} values from {} to {}",
            k.grain,
            k.n,
            k.first_period.map(|p| p.to_string()).unwrap_or_default(),
            k.last_period.map(|p| p.to_string()).unwrap_or_default()
        );
        let _ = writeln!(
            s,
            "direction = \"{}\"   # higher | lower | range (range needs target_min/target_max)",
            d.direction().as_str()
        );
        let _ = writeln!(
            s,
            "aggregation = \"{}\"   # sum | mean | last | min | max",
            d.aggregation().as_str()
        );
        match &d.unit {
            Some(u) => {
                let _ = writeln!(s, "unit = {}", toml_str(u));
            }
            None => {
                let _ = writeln!(s, "# unit = \"\"");
            }
        }
        match &d.owner {
            Some(o) => {
                let _ = writeln!(s, "owner = {}", toml_str(o));
            }
            None => {
                let _ = writeln!(s, "# owner = \"\"");
            }
        }
        match k.latest.target.or(d.target) {
            Some(t) => {
                let _ = writeln!(s, "target = {t}");
            }
            None => {
                let _ = writeln!(s, "# target = 0");
            }
        }
        if let Some(p) = &d.perspective {
            let _ = writeln!(s, "perspective = {}", toml_str(p));
        }
        let _ = writeln!(s, "# leads = []           # KPIs this one should lead\n");
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_progress_template_is_valid() {
        assert!(indicatif::ProgressStyle::with_template(super::PROGRESS_TEMPLATE).is_ok());
    }
}
