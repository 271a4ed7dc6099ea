/*!
Reading `--previous FILE`: the JSON results of an earlier `kpilens report --json`, read
into the tolerant [`PreviousRun`] the comparison needs (docs/interface.md §8).

The file is read before any output is written, because it may be the very file this
run's `--json` replaces. A missing or unreadable file is exit 4; bytes that are not
JSON, or JSON that is not a kpilens results object (no `"tool": {"name": "kpilens"}`),
exit 3 naming the file. Inside a results object nothing is required: an earlier
version's file is read for the fields it has, and a field of an unexpected type counts
as absent rather than failing the run.
*/
use std::path::Path;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::model::previous::{
    PreviousKpi, PreviousPair, PreviousPoint, PreviousRun, PreviousSignal,
};

/// What to do when the file is not what `--previous` needs.
const FIX: &str = "give --previous the JSON file an earlier `kpilens report --json` wrote";

/// Largest results file read: a run of thousands of KPIs writes tens of megabytes, and
/// the parsed tree takes several times the file's size. A report of about 20,000 KPIs
/// with the default window of 24 periods writes 256 MB (about 11 KB a KPI).
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Read and check the earlier results file.
pub fn read(path: &Path) -> Result<PreviousRun> {
    let shown = path.display().to_string();
    // Only a regular file of a sane size: not a folder, a device or a pipe.
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            return Err(Error::read(&shown, format!("not a regular file; {FIX}")));
        }
        if meta.len() > MAX_BYTES {
            // kpilens itself writes files this large for reports of tens of thousands of
            // KPIs: say what fits rather than that the file cannot be ours.
            return Err(Error::read(
                &shown,
                format!(
                    "{} MB is more than --previous reads (at most {} MB: the results of a report of about 20,000 KPIs with a window of 24 periods); compare reports of fewer KPIs or a shorter --window, or leave --previous out",
                    meta.len().div_ceil(1024 * 1024),
                    MAX_BYTES / (1024 * 1024)
                ),
            ));
        }
    }
    let bytes = std::fs::read(path).map_err(|e| {
        let reason = if e.kind() == std::io::ErrorKind::NotFound {
            format!("no such file; {FIX}, or leave --previous out for the first report")
        } else {
            format!("{e}; {FIX}")
        };
        Error::read(&shown, reason)
    })?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Error::Data(format!(
            "{shown} is not a kpilens results file: it is not JSON ({e}); {FIX}"
        ))
    })?;
    let top = value
        .as_object()
        .filter(|o| o.get("tool").and_then(|t| t.get("name")) == Some(&Value::from("kpilens")))
        .ok_or_else(|| {
            Error::Data(format!(
                "{shown} is not a kpilens results file: it has no \"tool\": {{\"name\": \"kpilens\"}}; {FIX}"
            ))
        })?;
    Ok(run(top, shown))
}

/// The results object, field by field.
fn run(top: &Map<String, Value>, path: String) -> PreviousRun {
    PreviousRun {
        path,
        version: top
            .get("tool")
            .and_then(|t| t.get("version"))
            .and_then(text),
        as_of: top.get("as_of").and_then(date),
        rules: top.get("rules").and_then(text),
        kpis: top
            .get("kpis")
            .and_then(Value::as_array)
            .map(|ks| ks.iter().filter_map(kpi).collect())
            .unwrap_or_default(),
        correlations: top
            .get("correlations")
            .and_then(Value::as_array)
            .map(|ps| ps.iter().filter_map(pair).collect()),
    }
}

/// One KPI; one without a name cannot be matched and is left out.
fn kpi(v: &Value) -> Option<PreviousKpi> {
    let name = v.get("name").and_then(text)?;
    let word = |block: &str, field: &str| v.get(block).and_then(|b| b.get(field)).and_then(text);
    Some(PreviousKpi {
        name,
        direction: v.get("direction").and_then(text),
        grain: v.get("grain").and_then(text),
        first_period: v.get("first_period").and_then(date),
        period: v.get("latest").and_then(|l| l.get("period")).and_then(date),
        status: word("latest", "status"),
        variation: word("spc", "variation"),
        assurance: word("spc", "assurance"),
        action: word("health", "action"),
        realism: word("targets", "realism"),
        signals: v
            .get("spc")
            .and_then(|s| s.get("signals"))
            .and_then(Value::as_array)
            .map(|ss| ss.iter().filter_map(signal).collect()),
        series: v
            .get("series")
            .and_then(Value::as_array)
            .map(|ps| ps.iter().filter_map(point).collect()),
    })
}

fn signal(v: &Value) -> Option<PreviousSignal> {
    Some(PreviousSignal {
        rule: v.get("rule").and_then(text)?,
        period: v.get("period").and_then(date)?,
        side: v.get("side").and_then(text)?,
    })
}

fn point(v: &Value) -> Option<PreviousPoint> {
    // `null` is a value that is missing; a field of another type counts as absent.
    let number = |field: &str| {
        v.get(field).and_then(|x| {
            if x.is_null() {
                Some(None)
            } else {
                x.as_f64().map(Some)
            }
        })
    };
    Some(PreviousPoint {
        period: v.get("period").and_then(date)?,
        value: number("value"),
        target: number("target"),
        target_min: number("target_min"),
        target_max: number("target_max"),
    })
}

fn pair(v: &Value) -> Option<PreviousPair> {
    Some(PreviousPair {
        leading: v.get("leading").and_then(text)?,
        lagging: v.get("lagging").and_then(text)?,
        significant: v.get("significant").and_then(Value::as_bool),
        best_lag: v.get("best_lag").and_then(|l| {
            if l.is_null() {
                Some(None)
            } else {
                l.as_u64().and_then(|n| u32::try_from(n).ok()).map(Some)
            }
        }),
    })
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// An ISO date (`YYYY-MM-DD`), as the results file writes periods.
fn date(v: &Value) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v.as_str()?.trim(), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests;
