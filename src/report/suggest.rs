/*!
`--suggest-targets FILE`: the suggested targets as something the analyst can review and
paste back — a `kpis.toml` fragment (`[[kpi]]` blocks with `target` set to the
realistic suggestion and the alternatives in comments), or a CSV table for a
spreadsheet. This closes the loop from the quarterly review back to monitoring.
*/
use std::fmt::Write as _;
use std::path::Path;

use crate::analysis::{KpiResult, Results};
use crate::config::toml_str;
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
        .filter_map(|p| p.value)
        .map(decimals_of)
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
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Suggested targets from kpilens {}, as of {}.",
        crate::VERSION,
        r.as_of
    );
    let _ = writeln!(
        s,
        "# `target` is the realistic suggestion; review each one, then merge these"
    );
    let _ = writeln!(
        s,
        "# lines into the matching [[kpi]] blocks of kpis.toml for next quarter."
    );
    for k in &r.kpis {
        let t = &k.targets;
        let _ = writeln!(s, "\n[[kpi]]\nname = {}", toml_str(&k.def.name));
        let current = match (k.latest.target, k.latest.target_min, k.latest.target_max) {
            (Some(t), _, _) => format!("{t}"),
            (None, Some(a), Some(b)) => format!("{a} – {b}"),
            _ => "none".into(),
        };
        let _ = writeln!(
            s,
            "# current target: {current}; realism: {}",
            t.realism.as_str()
        );
        let _ = writeln!(s, "# {}", t.rationale.replace('\n', " "));
        match (k.def.direction(), t.realistic) {
            (Direction::Range, _) => {
                let _ = writeln!(
                    s,
                    "# range KPI: keep or revise the band (target_min/target_max); baseline {}",
                    num(t.baseline)
                );
            }
            (_, Some(realistic)) => {
                let round = |v: Option<f64>| num(v.map(|x| rounded(x, k)));
                let _ = writeln!(
                    s,
                    "# conservative = {}, stretch = {}",
                    round(t.conservative),
                    round(t.stretch)
                );
                let _ = writeln!(s, "target = {}", rounded(realistic, k));
            }
            (_, None) => {
                let _ = writeln!(s, "# too little history for a suggestion");
            }
        }
    }
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The CSV table.
pub fn csv_table(r: &Results) -> String {
    let mut s = String::from("kpi,direction,current_target,realism,baseline,median,conservative,realistic,stretch,forecast_period,forecast,forecast_low,forecast_high,rationale\n");
    for k in &r.kpis {
        let t = &k.targets;
        let f = &k.forecast;
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&k.def.name),
            k.def.direction().as_str(),
            num(k.latest.target),
            t.realism.as_str(),
            num(t.baseline),
            num(t.median),
            num(t.conservative),
            num(t.realistic),
            num(t.stretch),
            f.period.map(|p| p.to_string()).unwrap_or_default(),
            num(f.value),
            num(f.low),
            num(f.high),
            csv_field(&t.rationale)
        );
    }
    s
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
mod tests {
    use super::{decimals_of, rounded};
    use crate::analysis::testkit::{def, kpi, some};
    use crate::model::kpi::Direction;

    #[test]
    fn suggestions_are_rounded_one_place_past_the_data() {
        assert_eq!(decimals_of(0.3512), 4);
        assert_eq!(decimals_of(40.0), 0);
        let whole = kpi(
            &some(&[40.0, 42.0, 39.0]),
            def("NPS", Direction::Higher),
            None,
        );
        assert_eq!(rounded(42.900_000_000_000_006, &whole), 42.9);
        let ratio = kpi(
            &some(&[0.3512, 0.35, 0.349]),
            def("Margin", Direction::Higher),
            None,
        );
        assert_eq!(rounded(0.358_075_155_279_503_1, &ratio), 0.35808);
    }
}
