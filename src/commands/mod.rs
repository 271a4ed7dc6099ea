/*!
The three subcommands as a user sees them: `report` (analyse and write), `check`
(validate and describe the inputs) and `init` (a starter config). Each turns its
arguments into the stages' settings (`config`), runs the stages in order — ingest,
analysis, report — and prints what the user needs on the terminal (`terminal`).
*/
mod starter;
mod terminal;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};

use crate::analysis::{Results, Severity};
use crate::cli::{CheckArgs, InitArgs, ReportArgs};
use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::report::json::file as json_file;
use crate::{config, output, report};
use terminal::{to_stderr, to_stdout, Progress};

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
fn protected_paths(inputs: &[PathBuf], config: Option<&Path>) -> Vec<PathBuf> {
    let mut paths = inputs.to_vec();
    paths.extend(config.map(Path::to_path_buf));
    paths
}

/// `kpilens report`.
pub(crate) fn report(args: &ReportArgs) -> Result<u8> {
    let mut cfg = config::load(&config::flags(&args.input, Some(&args.analysis)))?;
    cfg.report.max_charts = args.max_charts;
    guard_outputs(args)?;
    if (args.eml.is_some() || args.send) && crate::files::kind(&args.output).is_stream() {
        return Err(Error::Usage(format!(
            "--eml and --send attach the workbook, so -o must name a file, not {}",
            args.output.display()
        )));
    }
    if args.eml.is_some() && cfg.report.email.to.is_empty() {
        return Err(Error::Usage(
            "--eml needs recipients: add `to = [\"someone@example.com\"]` under [email] in kpis.toml".into(),
        ));
    }
    // A send that cannot succeed is refused now, before any work.
    let mailer = if args.send {
        Some(report::send::Mailer::new(&config::delivery(&cfg)?)?)
    } else {
        None
    };
    // Read before any output is written: it may be the very file `--json` replaces.
    let previous = args
        .previous
        .as_deref()
        .map(crate::ingest::previous::read)
        .transpose()?;
    let extras = [
        args.analysis.json.as_ref(),
        args.suggest_targets.as_ref(),
        args.summary.as_ref(),
        args.eml.as_ref(),
    ];
    let has_extras = extras.iter().any(Option::is_some);
    let stages = 3 + u64::from(has_extras) + u64::from(args.send);
    let mut progress = Progress::new(args.analysis.quiet, args.analysis.verbose, stages);
    progress.step(&format!(
        "reading {}",
        terminal::words_count(args.input.inputs.len(), "input")
    ));
    let rows = std::sync::atomic::AtomicU64::new(0);
    let dataset = progress.counting(&rows, "row", || {
        crate::ingest::read_inputs_counting(&args.input.inputs, &cfg.read, &rows)
    })?;
    progress.ended(&terminal::read_counts(&dataset));
    progress.step(&format!(
        "analysing {}",
        terminal::words_count(dataset.kpi_count(), "KPI")
    ));
    let mut results = crate::analysis::analyse(dataset, &cfg.analysis)?;
    if let Some(previous) = &previous {
        crate::analysis::changes::compare_with_previous(&mut results, previous);
    }
    progress.ended(&format!(
        "analysed {} and {}",
        terminal::words_count(results.kpis.len(), "KPI"),
        terminal::words_count(results.correlations.len(), "lead-lag pair")
    ));
    // What the reading freed is no use to the workbook's threads: give it back.
    crate::memory::release_freed();
    let created = created(results.as_of);
    let written = write_outputs(args, &cfg, &results, created, has_extras, &mut progress)?;
    let sent = match &mailer {
        Some(mailer) => Some(deliver(
            args,
            mailer,
            &cfg,
            &results,
            created,
            &mut progress,
        )?),
        None => None,
    };
    progress.done();
    if !args.analysis.quiet {
        to_stderr(&terminal::summary(&results, &written));
        to_stderr(&sent.as_ref().map(terminal::sent_line).unwrap_or_default());
    }
    // Freeing a thousand KPIs' results takes a while and nothing waits for it: done on
    // another thread, which the end of the process may cut short.
    rayon::spawn(move || drop(results));
    Ok(0)
}

/// The workbook, then the other outputs, in that order. The JSON is made while the
/// workbook is saved (both only read the results), into a temporary file put in place
/// after the workbook. Returns every file written.
fn write_outputs(
    args: &ReportArgs,
    cfg: &RunConfig,
    results: &Results,
    created: NaiveDateTime,
    has_extras: bool,
    progress: &mut Progress,
) -> Result<Vec<PathBuf>> {
    progress.step(&format!(
        "writing the workbook ({})",
        terminal::words_count(results.kpis.len(), "KPI sheet")
    ));
    let (book, json) =
        report::write_workbook_alongside(results, &cfg.report, &args.output, created, || {
            args.analysis
                .json
                .as_deref()
                .map(|dest| report::json::prepare(results, Some(dest)))
                .transpose()
        });
    book?;
    // The workbook was saved, so the JSON was made (or failed).
    let json = json.unwrap_or(Ok(None))?;
    progress.ended(&format!("wrote {}", args.output.display()));
    if has_extras {
        progress.step("writing the other outputs");
    }
    let mut written = vec![args.output.clone()];
    written.extend(write_extras(args, cfg, results, json, created)?);
    if has_extras {
        progress.ended("wrote the other outputs");
    }
    Ok(written)
}

/// `--send`: the `--eml` message, delivered (or, with `--dry-run`, only rehearsed)
/// once every output is written.
fn deliver(
    args: &ReportArgs,
    mailer: &report::send::Mailer,
    cfg: &RunConfig,
    results: &Results,
    created: NaiveDateTime,
    progress: &mut Progress,
) -> Result<report::send::Sent> {
    progress.step(if args.dry_run {
        "checking the mail server (dry run)"
    } else {
        "sending the e-mail"
    });
    let result = message(args, cfg, results, created).and_then(|bytes| {
        if args.dry_run {
            mailer.check(&args.output)
        } else {
            mailer.send(&bytes, &args.output)
        }
    });
    if result.is_err() {
        progress.done();
    }
    let sent = result?;
    progress.ended(&format!("{}: {}", sent.server, sent.reply));
    Ok(sent)
}

/// The message `--eml` writes and `--send` delivers: the workbook as written, attached.
fn message(
    args: &ReportArgs,
    cfg: &RunConfig,
    results: &Results,
    created: NaiveDateTime,
) -> Result<Vec<u8>> {
    let workbook =
        std::fs::read(&args.output).map_err(|e| Error::write(args.output.display(), e))?;
    let name = args.output.file_name().map_or_else(
        || "kpi-report.xlsx".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    report::email::message(
        results,
        &cfg.report.title,
        &cfg.report.email,
        &workbook,
        &name,
        created,
    )
}

/// Refuse, before any work, every output that would replace an input, a folder, a
/// file kpilens did not write (without `--force`), or another output.
fn guard_outputs(args: &ReportArgs) -> Result<()> {
    // The config is an input too: no output may replace it.
    let protected = protected_paths(&args.input.inputs, args.analysis.config.as_deref());
    // The earlier results may be replaced by this run's `--json` only.
    let mut with_previous = protected.clone();
    with_previous.extend(args.previous.clone());
    output::guard(
        &args.output,
        &with_previous,
        args.force,
        report::written_by_kpilens,
    )?;
    let extras = [
        (
            "--json",
            json_file(args.analysis.json.as_deref()),
            JSON_MARKER,
        ),
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
        let protected = if flag == "--json" {
            &protected
        } else {
            &with_previous
        };
        output::guard(path, protected, args.force, |p| {
            markers.iter().any(|m| output::has_marker(p, m))
        })?;
        outputs.push((flag, path));
    }
    output::distinct(&outputs)
}

/// The outputs beside the workbook, in order; returns the files written.
fn write_extras(
    args: &ReportArgs,
    cfg: &RunConfig,
    results: &Results,
    json: Option<report::json::Prepared>,
    created: NaiveDateTime,
) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    if let Some(json) = json {
        written.extend(json.finish()?);
    }
    if let Some(path) = &args.suggest_targets {
        report::suggest::write(results, path)?;
        written.push(path.clone());
    }
    if let Some(path) = &args.summary {
        report::email::write_summary(results, &cfg.report.title, path)?;
        written.push(path.clone());
    }
    if let Some(path) = &args.eml {
        let bytes = message(args, cfg, results, created)?;
        report::save_atomically(path, &bytes)?;
        written.push(path.clone());
    }
    Ok(written)
}

/// Document time: `SOURCE_DATE_EPOCH` when set, else midnight of the as-of date, so
/// identical inputs give identical bytes.
fn created(as_of: NaiveDate) -> NaiveDateTime {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map_or_else(
            || as_of.and_hms_opt(0, 0, 0).unwrap_or_default(),
            |dt| dt.naive_utc(),
        )
}

/// `kpilens check`: exit 3 when any error-severity finding exists.
pub(crate) fn check(args: &CheckArgs) -> Result<u8> {
    let cfg = config::load(&config::flags(&args.input, Some(&args.analysis)))?;
    let json = args.analysis.json.as_deref();
    if let Some(json) = json_file(json) {
        let protected = protected_paths(&args.input.inputs, args.analysis.config.as_deref());
        output::guard(json, &protected, args.force, |p| {
            output::has_marker(p, JSON_MARKER[0])
        })?;
    }
    let results = crate::analyse(&args.input.inputs, &cfg)?;
    let text = terminal::check_text(&results);
    // With `--json -` the JSON owns stdout; the description goes to stderr.
    if json.is_some_and(|p| p.as_os_str() == "-") {
        to_stderr(&text);
    } else {
        to_stdout(&text)?;
    }
    if let Some(json) = json {
        report::json::write_json(&results, json_file(Some(json)))?;
    }
    Ok(if results.count_findings(Severity::Error) > 0 {
        3
    } else {
        0
    })
}

/// `kpilens init`: a commented starter config listing every KPI found.
pub(crate) fn init(args: &InitArgs) -> Result<u8> {
    let cfg = config::load(&config::flags(&args.input, None))?;
    output::guard(&args.output, &args.input.inputs, args.force, |p| {
        output::has_marker(p, CONFIG_MARKER[0])
    })?;
    let results = crate::analyse(&args.input.inputs, &cfg)?;
    let text = starter::config(&results);
    report::save_atomically(&args.output, text.as_bytes())?;
    to_stderr(&format!(
        "wrote {} with {} KPIs; fill in direction, owner, target and leads\n",
        args.output.display(),
        results.kpis.len()
    ));
    Ok(0)
}
