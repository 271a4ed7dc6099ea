/*!
The JSON results (`--json`), with the stable field names of docs/interface.md. Numbers are
JSON numbers; missing values — and non-finite ones, which JSON cannot carry — are
`null`; periods are ISO dates (`YYYY-MM-DD`, the period's first day).

The shape is built here field by field rather than derived from the analysis structs,
so renaming a Rust field can never silently change the published names. Each block has
its own function; a new block (`trend`, `spc`, `forecast`, `targets`, `health`) is one
more function and one more line in [`kpi`].
*/
use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map, Value};

use crate::analysis::attainment::Summary;
use crate::analysis::change::Change;
use crate::analysis::leadlag::Correlation;
use crate::analysis::process::Spc;
use crate::analysis::seasonality::Seasonality;
use crate::analysis::trend::Trend;
use crate::analysis::{Finding, InputInfo, KpiResult, Latest, Point, Results};
use crate::error::{Error, Result};

mod changes;

/// The whole results object.
pub fn to_json(results: &Results) -> Value {
    // Each KPI's object on its own, in parallel, in the KPIs' order.
    top(results, results.kpis.par_iter().map(kpi).collect())
}

/// The results object around the given KPI objects.
fn top(results: &Results, kpis: Vec<Value>) -> Value {
    let mut top = json!({
        "tool": {"name": "kpilens", "version": crate::VERSION},
        "as_of": date(Some(results.as_of)),
        "rules": rules(results),
        "inputs": results.inputs.iter().map(input).collect::<Vec<_>>(),
        "kpis": [],
        "correlations": results.correlations.iter().map(correlation).collect::<Vec<_>>(),
        "findings": results.findings.iter().map(finding).collect::<Vec<_>>(),
    });
    if let Value::Object(o) = &mut top {
        o.insert("kpis".into(), Value::Array(kpis));
        if let Some(c) = &results.changes {
            o.insert("changes".into(), changes::changes(c));
        }
    }
    top
}

/// The JSON text, pretty-printed, ending in a newline (see [`write_json_to`]).
pub fn json_text(results: &Results) -> Result<String> {
    let failed =
        |e: &dyn std::fmt::Display| Error::Internal(format!("serialising the JSON results: {e}"));
    let mut text = Vec::new();
    write_json_to(results, &mut text).map_err(|e| failed(&e))?;
    String::from_utf8(text).map_err(|e| failed(&e))
}

/// KPI objects printed at once (in parallel) before they are written out: enough to
/// keep both cores busy, few enough that the text never sits in memory whole.
const KPIS_AT_ONCE: usize = 64;

/// Write the JSON text to `out`: the bytes of
/// `serde_json::to_string_pretty(&to_json(results))` and a newline, made without
/// holding the whole tree or text at once. Each KPI's object is printed on its own,
/// indented to its place in the `kpis` array, between the two halves of the rest of
/// the object, which is printed with an empty array there. Strings in JSON text hold
/// no raw line breaks, so the `kpis` line of the outer object is found exactly.
pub fn write_json_to(results: &Results, out: &mut dyn Write) -> std::io::Result<()> {
    const EMPTY: &str = "\n  \"kpis\": [],\n";
    let outer = serde_json::to_string_pretty(&top(results, Vec::new()))?;
    match outer.find(EMPTY).filter(|_| !results.kpis.is_empty()) {
        None => out.write_all(outer.as_bytes())?,
        Some(at) => {
            out.write_all(&outer.as_bytes()[..at])?;
            out.write_all(b"\n  \"kpis\": [\n")?;
            for (i, chunk) in results.kpis.chunks(KPIS_AT_ONCE).enumerate() {
                let texts: Vec<String> = chunk
                    .par_iter()
                    .map(|k| {
                        let object = KpiObject {
                            blocks: kpi_blocks(k),
                            series: series(k),
                        };
                        serde_json::to_string_pretty(&object).map(|t| indent(&t))
                    })
                    .collect::<std::result::Result<_, _>>()?;
                for (j, text) in texts.iter().enumerate() {
                    if i + j > 0 {
                        out.write_all(b",\n")?;
                    }
                    out.write_all(text.as_bytes())?;
                }
            }
            out.write_all(b"\n  ],\n")?;
            out.write_all(&outer.as_bytes()[at + EMPTY.len()..])?;
        }
    }
    out.write_all(b"\n")
}

/// A KPI object printed at the top level, moved to its depth in the array (two levels,
/// four spaces).
fn indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}

/// Write the JSON to `dest` atomically (missing folders created), or to standard
/// output when `dest` is `None` or `-`.
pub fn write_json(results: &Results, dest: Option<&Path>) -> Result<()> {
    prepare(results, dest)?.finish().map(|_| ())
}

/// The JSON results made for where they go, not there yet: a file written and synced
/// beside its destination, or the text for standard output.
#[derive(Debug)]
pub enum Prepared {
    File(super::Staged),
    Text(String),
}

/// The file the JSON goes to: `None` for standard output (no destination, or `-`).
pub fn file(dest: Option<&Path>) -> Option<&Path> {
    dest.filter(|p| p.as_os_str() != "-")
}

/// The JSON for `dest` (standard output when `None` or `-`), made but not yet put in
/// place or printed: see [`Prepared::finish`].
pub fn prepare(results: &Results, dest: Option<&Path>) -> Result<Prepared> {
    match file(dest) {
        None => json_text(results).map(Prepared::Text),
        Some(path) => super::stage(path, |out| {
            write_json_to(results, out).map_err(|e| super::write_error(path, &e))
        })
        .map(Prepared::File),
    }
}

impl Prepared {
    /// Put the file in place, or print the text; returns the file written, if any.
    pub fn finish(self) -> Result<Option<std::path::PathBuf>> {
        match self {
            Prepared::File(file) => {
                let path = file.path().to_path_buf();
                file.commit()?;
                Ok(Some(path))
            }
            Prepared::Text(text) => {
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes())
                    .and_then(|()| out.flush())
                    .map_err(|e| Error::write("standard output", e))?;
                Ok(None)
            }
        }
    }
}

/// One KPI's object without its series.
fn kpi_blocks(k: &KpiResult) -> Map<String, Value> {
    let d = &k.def;
    let mut o = Map::new();
    o.insert("name".into(), json!(d.name));
    o.insert("unit".into(), json!(d.unit));
    o.insert("direction".into(), json!(d.direction().as_str()));
    o.insert("grain".into(), json!(k.grain.as_str()));
    o.insert("aggregation".into(), json!(d.aggregation().as_str()));
    o.insert("owner".into(), json!(d.owner));
    o.insert("n".into(), json!(k.n));
    o.insert("first_period".into(), date(k.first_period));
    o.insert("last_period".into(), date(k.last_period));
    o.insert("latest".into(), latest(&k.latest));
    o.insert("change".into(), change(&k.change));
    o.insert("trend".into(), trend(&k.trend));
    o.insert("spc".into(), spc(&k.spc));
    o.insert("attainment".into(), attainment(&k.attainment));
    o.insert(
        "forecast".into(),
        json!({
            "period": date(k.forecast.period),
            "value": num(k.forecast.value),
            "low": num(k.forecast.low),
            "high": num(k.forecast.high),
        }),
    );
    let t = &k.targets;
    o.insert(
        "targets".into(),
        json!({
            "baseline": num(t.baseline),
            "median": num(t.median),
            "conservative": num(t.conservative),
            "realistic": num(t.realistic),
            "stretch": num(t.stretch),
            "realism": t.realism.as_str(),
            "rationale": t.rationale,
        }),
    );
    o.insert(
        "health".into(),
        json!({
            "flags": k.health.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            "action": k.health.action.as_str(),
        }),
    );
    o.insert(
        "seasonality".into(),
        k.seasonality.as_ref().map_or(Value::Null, seasonality),
    );
    o
}

/// One KPI: its definition, then one block per analysis, then the series.
fn kpi(k: &KpiResult) -> Value {
    let mut o = kpi_blocks(k);
    let series = serde_json::to_value(series(k)).unwrap_or(Value::Null);
    o.insert("series".into(), series);
    Value::Object(o)
}

/// A KPI object as [`kpi`] builds it, printed with its series straight from the points:
/// the series is most of the JSON (a point object per period), and building each point
/// as a map of owned keys only to print and free it took most of the JSON's time.
struct KpiObject<'a> {
    blocks: Map<String, Value>,
    series: Series<'a>,
}

impl Serialize for KpiObject<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        // The keys in the order a `Map` keeps them (sorted), the series in its place.
        let mut m = s.serialize_map(Some(self.blocks.len() + 1))?;
        let mut pending = Some(&self.series);
        for (key, value) in &self.blocks {
            if key.as_str() > SERIES {
                if let Some(series) = pending.take() {
                    m.serialize_entry(SERIES, series)?;
                }
            }
            m.serialize_entry(key, value)?;
        }
        if let Some(series) = pending {
            m.serialize_entry(SERIES, series)?;
        }
        m.end()
    }
}

const SERIES: &str = "series";

/// The periods of a KPI's window, as the `series` array.
struct Series<'a> {
    points: &'a [Point],
    adjusted: bool,
}

fn series(k: &KpiResult) -> Series<'_> {
    Series {
        points: &k.series,
        adjusted: k.adjusted(),
    }
}

impl Serialize for Series<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.points.iter().map(|p| PointObject {
            p,
            adjusted: self.adjusted,
        }))
    }
}

/// The `seasonality` block (docs/methods.md §10).
fn seasonality(x: &Seasonality) -> Value {
    let indices = x.indices.as_ref().map_or(Value::Null, |ix| {
        Value::Array(
            ix.iter()
                .enumerate()
                .map(|(i, v)| {
                    json!({"season": i + 1, "label": x.seasons.label(i + 1), "index": num(Some(*v))})
                })
                .collect(),
        )
    });
    json!({
        "length": x.length(),
        "n": x.n,
        "kw_h": num(x.kw_h),
        "kw_p": num(x.kw_p),
        "seasonal": x.seasonal,
        "amplitude": num(x.amplitude),
        "indices": indices,
        "adjusted": x.adjusted,
    })
}

fn latest(l: &Latest) -> Value {
    json!({
        "period": date(l.period),
        "value": num(l.value),
        "target": num(l.target),
        "target_min": num(l.target_min),
        "target_max": num(l.target_max),
        "gap": num(l.gap),
        "gap_pct": num(l.gap_pct),
        "attainment": num(l.attainment),
        "met": l.met,
        "status": l.status.map(super::super::analysis::Status::as_str),
    })
}

fn change(c: &Change) -> Value {
    json!({
        "prev_value": num(c.prev_value),
        "pop_abs": num(c.pop_abs),
        "pop_pct": num(c.pop_pct),
        "yoy_value": num(c.yoy_value),
        "yoy_abs": num(c.yoy_abs),
        "yoy_pct": num(c.yoy_pct),
        "ytd_value": num(c.ytd_value),
        "ytd_target": num(c.ytd_target),
        "ytd_met": c.ytd_met,
    })
}

fn correlation(c: &Correlation) -> Value {
    let by_lag: Vec<Value> = c
        .r_by_lag
        .iter()
        .map(|l| json!({"lag": l.lag, "r": num(l.r), "n": l.n}))
        .collect();
    json!({
        "leading": c.leading,
        "lagging": c.lagging,
        "grain": c.grain.as_str(),
        "transform": c.transform.as_str(),
        "best_lag": c.best_lag,
        "r": num(c.r),
        "n": c.n,
        "p": num(c.p),
        "p_lag_adj": num(c.p_lag_adj),
        "q": num(c.q),
        "spearman": num(c.spearman),
        "strength": c.strength,
        "significant": c.significant,
        "r_by_lag": by_lag,
        "note": c.note,
    })
}

fn trend(t: &Trend) -> Value {
    json!({
        "window_start": date(t.window_start),
        "n": t.n,
        "ols_slope": num(t.ols_slope),
        "ols_intercept": num(t.ols_intercept),
        "r2": num(t.r2),
        "ols_p": num(t.ols_p),
        "sen_slope": num(t.sen_slope),
        "sen_intercept": num(t.sen_intercept),
        "mk_s": num(t.mk_s),
        "mk_var_s": num(t.mk_var_s),
        "mk_z": num(t.mk_z),
        "mk_p": num(t.mk_p),
        "mk_tau": num(t.mk_tau),
        "direction": t.direction.map(super::super::analysis::trend::TrendDirection::as_str),
        "assessment": t.assessment.map(super::super::analysis::trend::Assessment::as_str),
    })
}

fn spc(s: &Spc) -> Value {
    let segments: Vec<Value> = s
        .segments
        .iter()
        .map(|g| {
            json!({
                "start": date(Some(g.start)),
                "end": date(Some(g.end)),
                "baseline_n": g.baseline_n,
                "cl": num(g.cl),
                "mr_bar": num(g.mr_bar),
                "unpl": num(g.unpl),
                "lnpl": num(g.lnpl),
                "url": num(g.url),
            })
        })
        .collect();
    let signals: Vec<Value> = s
        .signals
        .iter()
        .map(|g| json!({"rule": g.rule.as_str(), "period": date(Some(g.period)), "side": g.side.as_str()}))
        .collect();
    json!({
        "segments": segments,
        "signals": signals,
        "variation": s.variation.map(super::super::analysis::spc::Variation::as_str),
        "assurance": s.assurance.map(super::super::analysis::spc::Assurance::as_str),
        "suggested_rebase": date(s.suggested_rebase),
    })
}

fn attainment(a: &Summary) -> Value {
    json!({
        "periods_with_target": a.periods_with_target,
        "hits": a.hits,
        "hit_rate": num(a.hit_rate),
        "streak": a.streak,
    })
}

/// One period of the window; an adjusted KPI's periods also carry their season index
/// and seasonal limits (null where the period has no value). Its keys are printed in
/// the sorted order of a `Map`, like every other object of the JSON.
struct PointObject<'a> {
    p: &'a Point,
    adjusted: bool,
}

impl Serialize for PointObject<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let p = self.p;
        let mut m = s.serialize_map(Some(if self.adjusted { 14 } else { 10 }))?;
        m.serialize_entry("gap", &finite(p.gap))?;
        m.serialize_entry("met", &p.met)?;
        m.serialize_entry("mr", &finite(p.mr))?;
        m.serialize_entry("period", &Iso(p.period))?;
        m.serialize_entry("rules", &Rules(&p.rules))?;
        if self.adjusted {
            let x = p.seasonal;
            m.serialize_entry("season_index", &finite(x.map(|x| x.index)))?;
            m.serialize_entry("seasonal_cl", &finite(x.and_then(|x| x.cl)))?;
            m.serialize_entry("seasonal_lnpl", &finite(x.and_then(|x| x.lnpl)))?;
            m.serialize_entry("seasonal_unpl", &finite(x.and_then(|x| x.unpl)))?;
        }
        m.serialize_entry("status", p.status.as_str())?;
        m.serialize_entry("target", &finite(p.target))?;
        m.serialize_entry("target_max", &finite(p.target_max))?;
        m.serialize_entry("target_min", &finite(p.target_min))?;
        m.serialize_entry("value", &finite(p.value))?;
        m.end()
    }
}

/// A point's rules by name.
struct Rules<'a>(&'a [crate::analysis::spc::Rule]);

impl Serialize for Rules<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|r| r.as_str()))
    }
}

/// A date as its ISO text, printed without an intermediate string: chrono's `Display`
/// of a date, documented as the same as `%Y-%m-%d` (what [`date`] gives), without
/// parsing a format for each date.
struct Iso(NaiveDate);

impl Serialize for Iso {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

fn input(i: &InputInfo) -> Value {
    json!({"path": i.path, "sheets": i.sheets})
}

fn finding(f: &Finding) -> Value {
    json!({
        "severity": f.severity.as_str(),
        "code": f.code.as_str(),
        "kpi": f.kpi,
        "file": f.file,
        "sheet": f.sheet,
        "row": f.row,
        "column": f.column,
        "message": f.message,
    })
}

fn rules(r: &Results) -> Value {
    // The preset's config spelling ("wheeler", "nhs").
    json!(r.rules.as_str())
}

/// A finite number, else `null`.
fn num(v: Option<f64>) -> Value {
    finite(v).map_or(Value::Null, |x| json!(x))
}

/// A finite number, else `None` (printed as `null`).
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

fn date(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Null, |d| json!(d.format("%Y-%m-%d").to_string()))
}

#[cfg(test)]
mod tests;
