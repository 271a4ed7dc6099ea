/*!
The JSON results (`--json`), with the stable field names of interface.md. Numbers are
JSON numbers, missing values `null` (non-finite values too), periods ISO dates. One
function per block keeps the shape easy to compare with the spec.
*/
use std::io::Write;
use std::path::Path;

use serde_json::{json, Map, Value};

use crate::analysis::{KpiResult, Point, Results};
use crate::error::{Error, Result};

fn num(v: Option<f64>) -> Value {
    match v {
        Some(x) if x.is_finite() => json!(x),
        _ => Value::Null,
    }
}

fn date(d: Option<chrono::NaiveDate>) -> Value {
    d.map_or(Value::Null, |d| json!(d.format("%Y-%m-%d").to_string()))
}

fn point(p: &Point) -> Value {
    json!({
        "period": date(Some(p.period)),
        "value": num(p.value),
        "target": num(p.target),
        "target_min": num(p.target_min),
        "target_max": num(p.target_max),
        "met": p.met,
        "status": p.status.as_str(),
        "mr": num(p.mr),
        "rules": p.rules,
    })
}

fn kpi(k: &KpiResult) -> Value {
    let d = &k.def;
    let l = &k.latest;
    let mut obj = Map::new();
    obj.insert("name".into(), json!(d.name));
    obj.insert("unit".into(), json!(d.unit));
    obj.insert("direction".into(), json!(d.direction().as_str()));
    obj.insert("grain".into(), json!(k.grain.as_str()));
    obj.insert("aggregation".into(), json!(d.aggregation().as_str()));
    obj.insert("owner".into(), json!(d.owner));
    obj.insert("n".into(), json!(k.n));
    obj.insert("first_period".into(), date(k.first_period));
    obj.insert("last_period".into(), date(k.last_period));
    obj.insert(
        "latest".into(),
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
            "status": l.status.map(|s| s.as_str()),
        }),
    );
    let c = &k.change;
    obj.insert(
        "change".into(),
        json!({
            "prev_value": num(c.prev_value), "pop_abs": num(c.pop_abs), "pop_pct": num(c.pop_pct),
            "yoy_value": num(c.yoy_value), "yoy_abs": num(c.yoy_abs), "yoy_pct": num(c.yoy_pct),
            "ytd_value": num(c.ytd_value), "ytd_target": num(c.ytd_target), "ytd_met": c.ytd_met,
        }),
    );
    let a = &k.attainment;
    obj.insert(
        "attainment".into(),
        json!({
            "periods_with_target": a.periods_with_target,
            "hits": a.hits,
            "hit_rate": num(a.hit_rate),
            "streak": a.streak,
        }),
    );
    obj.insert(
        "series".into(),
        Value::Array(k.series.iter().map(point).collect()),
    );
    Value::Object(obj)
}

pub fn to_json(results: &Results) -> Value {
    json!({
        "tool": {"name": "kpilens", "version": crate::VERSION},
        "as_of": date(Some(results.as_of)),
        "rules": results.rules,
        "inputs": results.inputs,
        "kpis": results.kpis.iter().map(kpi).collect::<Vec<_>>(),
        "correlations": [],
        "findings": results.findings,
    })
}

/// Write the JSON to a file (atomically) or, with `None`, to stdout.
pub fn write_json(results: &Results, dest: Option<&Path>) -> Result<()> {
    let mut text = serde_json::to_string_pretty(&to_json(results))
        .map_err(|e| Error::Internal(format!("serialising results: {e}")))?;
    text.push('\n');
    match dest {
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| Error::write("standard output", e)),
        Some(path) => super::save_atomically(path, text.as_bytes()),
    }
}
