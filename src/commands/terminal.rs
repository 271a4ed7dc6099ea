/*!
What the subcommands print: the progress bar over the stages, the summary after a
report, the description `check` gives of its inputs, and fallible writes to the
standard streams (a closed pipe or a full disk behind a redirect is "cannot write the
output", never a panic).
*/
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::RecvTimeoutError;

use crate::analysis::{Results, Severity};
use crate::error::{Error, Result};
use crate::model::dataset::Layout;
use crate::model::units::thousands;
use crate::report;

/// Print what the user asked for on standard output. A reader that stops early
/// (`kpilens check … | head`) is no failure: the rest is not printed, and the exit
/// code still says what `check` found.
pub(super) fn to_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::write("standard output", e))
        }
        _ => Ok(()),
    }
}

/// Progress notes and summaries on standard error, best effort: the outputs are
/// written by then, so a terminal that cannot take the text changes nothing.
pub(super) fn to_stderr(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// "1 input", "3 inputs", "120,000 values".
pub(super) fn words_count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{} {what}s", thousands(n as f64))
    }
}

/// "read 120,000 values of 1,000 KPIs from 1 file".
pub(super) fn read_counts(d: &crate::model::dataset::Dataset) -> String {
    format!(
        "read {} of {} from {}",
        words_count(d.observations.len(), "value"),
        words_count(d.kpi_count(), "KPI"),
        words_count(d.inputs.len(), "file")
    )
}

/// How often a growing count is redrawn.
const TICK: std::time::Duration = std::time::Duration::from_millis(150);

/// A stage with its count so far: "reading 1 input: 2,400,000 rows".
fn counted(stage: &str, n: u64, unit: &str) -> String {
    if n == 0 {
        stage.to_string()
    } else {
        format!(
            "{stage}: {}",
            words_count(usize::try_from(n).unwrap_or(usize::MAX), unit)
        )
    }
}

const PROGRESS_TEMPLATE: &str = "{spinner} [{bar:20}] {pos}/{len} {msg} ({elapsed})";

/// A progress bar on stderr over the run's stages (reading, analysis, writing), with
/// a spinner and the elapsed time — only on a terminal and without `--quiet`, so logs
/// and pipes stay clean. With `--verbose`, each stage's counts and time are printed as a
/// line when it ends, terminal or not.
pub(super) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    verbose: bool,
    started: std::time::Instant,
}

impl Progress {
    pub(super) fn new(quiet: bool, verbose: bool, stages: u64) -> Progress {
        use std::io::IsTerminal;
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(stages);
            // The template is a constant, checked by the test below.
            if let Ok(style) = indicatif::ProgressStyle::with_template(PROGRESS_TEMPLATE) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            verbose,
            started: std::time::Instant::now(),
        }
    }

    /// Start the next stage (the previous one is done).
    pub(super) fn step(&mut self, what: &str) {
        if let Some(bar) = &self.bar {
            if !bar.message().is_empty() {
                bar.inc(1);
            }
            bar.set_message(what.to_string());
        }
        self.started = std::time::Instant::now();
    }

    /// Run `work`, the current stage, showing `count` beside the stage's name as it
    /// grows ("reading 1 input: 2,400,000 rows") while the bar is shown.
    pub(super) fn counting<T>(&self, count: &AtomicU64, unit: &str, work: impl FnOnce() -> T) -> T {
        let Some(bar) = &self.bar else {
            return work();
        };
        let stage = bar.message();
        let (done, wait) = std::sync::mpsc::channel::<()>();
        std::thread::scope(|s| {
            let stage = &stage;
            s.spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(TICK) {
                    bar.set_message(counted(stage, count.load(Ordering::Relaxed), unit));
                }
            });
            let out = work();
            drop(done);
            out
        })
    }

    /// The stage that just ended, in counts: printed with its time under `--verbose`.
    pub(super) fn ended(&self, what: &str) {
        if self.verbose {
            let line = format!("{what} ({:.2} s)\n", self.started.elapsed().as_secs_f64());
            match &self.bar {
                Some(bar) => bar.suspend(|| to_stderr(&line)),
                None => to_stderr(&line),
            }
        }
    }

    pub(super) fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The summary after `report`: the counts line, one line per KPI, the first errors
/// and every file written.
pub(super) fn summary(results: &Results, written: &[PathBuf]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "kpilens {} — as of {}", crate::VERSION, results.as_of);
    if let Some(c) = &results.changes {
        let _ = writeln!(s, "{}", report::since::sentence(c));
    }
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

/// To whom `--send` delivered and what the server answered (or, for `--dry-run`, what
/// it would take).
pub(super) fn sent_line(sent: &report::send::Sent) -> String {
    let to = sent.recipients.join(", ");
    if sent.dry_run {
        format!(
            "dry run: {} accepted the sender and the recipients {to} (last reply: {}); nothing was sent\n",
            sent.server, sent.reply
        )
    } else {
        format!(
            "sent the e-mail to {to} via {} (server's reply: {})\n",
            sent.server, sent.reply
        )
    }
}

/// What `check` prints: the layout of every file and sheet, the KPIs with grain,
/// count and span, and every finding.
pub(super) fn check_text(results: &Results) -> String {
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
        let what = if l.layout == Layout::Targets {
            "targets"
        } else {
            "values"
        };
        let _ = writeln!(
            s,
            "  {place}: {}{header}, {} KPIs, {} {what}",
            l.layout.as_str(),
            thousands(l.kpis as f64),
            thousands(l.values as f64)
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
    let _ = writeln!(s, "\nFindings: {}", report::findings_line(results));
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
    s
}

#[cfg(test)]
mod tests;
