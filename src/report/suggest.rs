/*!
`--suggest-targets FILE`: the suggested targets as something the analyst can review and
paste back — a `kpis.toml` fragment (`[[kpi]]` blocks with `target` set to the
realistic suggestion and the alternatives in comments), or a CSV table for a
spreadsheet. This closes the loop from the quarterly review back to monitoring.
*/
use std::path::Path;

use super::toml_text::{number, Comment, TomlText};
use crate::analysis::{KpiResult, Results};
use crate::error::{Error, Result};
use crate::model::kpi::Direction;

fn num(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map(|x| format!("{x}"))
        .unwrap_or_default()
}

/// `v` to one decimal more than the KPI's own values carry (42.9 for a score recorded
/// in whole points, 0.35808 for a ratio recorded to four places; at most 7), so the
/// fragment reads like a config an analyst wrote. The JSON and CSV keep every digit.
fn rounded(v: f64, k: &KpiResult) -> f64 {
    let decimals = k
        .history
        .iter()
        .map(|p| decimals_of(p.value))
        .max()
        .unwrap_or(1)
        .min(6)
        + 1;
    let scale = 10f64.powi(i32::try_from(decimals).unwrap_or(7));
    let r = (v * scale).round() / scale;
    if r.is_finite() {
        r
    } else {
        v
    }
}

/// Decimal places of `v` as written in its shortest form (`0.3512` → 4, `40` → 0).
fn decimals_of(v: f64) -> usize {
    format!("{v}").split_once('.').map_or(0, |(_, d)| d.len())
}

/// The TOML fragment.
pub fn toml_fragment(r: &Results) -> String {
    let mut t = TomlText::default();
    t.comment(&format!(
        "Suggested targets from kpilens {}, as of {}.",
        crate::VERSION,
        r.as_of
    ));
    t.comment("`target` is the realistic suggestion; review each one, then merge these");
    t.comment("lines into the matching [[kpi]] blocks of kpis.toml for next quarter.");
    for k in &r.kpis {
        kpi_block(&mut t, k);
    }
    t.into_string()
}

/// One KPI's block: its name, what stands now and the suggestion.
fn kpi_block(t: &mut TomlText, k: &KpiResult) {
    let s = &k.targets;
    t.line("");
    t.line("[[kpi]]");
    t.key("name", k.def.name.as_str(), Comment::None);
    let current = match (k.latest.target, k.latest.target_min, k.latest.target_max) {
        (Some(v), _, _) => format!("{v}"),
        (None, Some(a), Some(b)) => format!("{a} – {b}"),
        _ => "none".into(),
    };
    t.comment(&format!(
        "current target: {current}; realism: {}",
        s.realism.as_str()
    ));
    t.comment(&s.rationale.replace('\n', " "));
    match (k.def.direction(), s.realistic) {
        (Direction::Range, _) => t.comment(&format!(
            "range KPI: keep or revise the band (target_min/target_max); baseline {}",
            num(s.baseline)
        )),
        (_, Some(realistic)) => {
            let round = |v: Option<f64>| num(v.map(|x| rounded(x, k)));
            t.comment(&format!(
                "conservative = {}, stretch = {}",
                round(s.conservative),
                round(s.stretch)
            ));
            t.key("target", number(rounded(realistic, k)), Comment::None);
        }
        (_, None) => t.comment("too little history for a suggestion"),
    }
}

/// The CSV table, one row per KPI.
pub fn csv_table(r: &Results) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "kpi",
        "direction",
        "current_target",
        "realism",
        "baseline",
        "median",
        "conservative",
        "realistic",
        "stretch",
        "forecast_period",
        "forecast",
        "forecast_low",
        "forecast_high",
        "rationale",
    ];
    // Writing to memory cannot fail; a record is written whole or not at all.
    let _ = w.write_record(header);
    for k in &r.kpis {
        let t = &k.targets;
        let f = &k.forecast;
        let _ = w.write_record([
            k.def.name.clone(),
            k.def.direction().as_str().to_string(),
            num(k.latest.target),
            t.realism.as_str().to_string(),
            num(t.baseline),
            num(t.median),
            num(t.conservative),
            num(t.realistic),
            num(t.stretch),
            f.period.map(|p| p.to_string()).unwrap_or_default(),
            num(f.value),
            num(f.low),
            num(f.high),
            t.rationale.clone(),
        ]);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Write the suggestions: CSV for a `.csv` file, otherwise the TOML fragment.
pub fn write(r: &Results, path: &Path) -> Result<()> {
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let text = if is_csv {
        csv_table(r)
    } else {
        toml_fragment(r)
    };
    if path.is_dir() {
        return Err(Error::write(
            path.display(),
            "it is a folder; give a file name such as targets.toml",
        ));
    }
    super::save_atomically(path, text.as_bytes())
}

#[cfg(test)]
mod tests;
