/*!
The JSON `changes` object (`--previous`, docs/interface.md §8), field by field with the
published names. Present only when the run was compared with an earlier one.
*/
use serde_json::{json, Value};

use super::{date, num};
use crate::analysis::changes::{
    Changes, KpiChange, PairChange, Restatement, Retargeting, SignalKey, TargetValue,
};

pub(super) fn changes(c: &Changes) -> Value {
    json!({
        "previous": {
            "path": c.previous.path,
            "as_of": date(c.previous.as_of),
            "version": c.previous.version,
        },
        "settings_differ": c.settings_differ.iter().map(|d| d.setting.as_str()).collect::<Vec<_>>(),
        "new_kpis": c.new_kpis,
        "dropped_kpis": c.dropped_kpis,
        "kpis": c.kpis.iter().map(kpi).collect::<Vec<_>>(),
        "correlations": c.correlations.iter().map(pair).collect::<Vec<_>>(),
    })
}

fn kpi(k: &KpiChange) -> Value {
    json!({
        "name": k.name,
        "previous_period": date(k.previous_period),
        "period": date(k.period),
        "previous_status": k.previous_status,
        "status": k.status.map(crate::analysis::Status::as_str),
        "status_change": k.status_change.map(crate::analysis::changes::StatusChange::as_str),
        "previous_variation": k.previous_variation,
        "variation": k.variation.map(crate::analysis::spc::Variation::as_str),
        "previous_assurance": k.previous_assurance,
        "assurance": k.assurance.map(crate::analysis::spc::Assurance::as_str),
        "previous_action": k.previous_action,
        "action": k.action.as_str(),
        "previous_realism": k.previous_realism,
        "realism": k.realism.as_str(),
        "new_signals": k.new_signals.iter().map(signal).collect::<Vec<_>>(),
        "cleared_signals": k.cleared_signals.iter().map(signal).collect::<Vec<_>>(),
        "restated": k.restated.iter().map(restated).collect::<Vec<_>>(),
        "retargeted": k.retargeted.iter().map(retargeted).collect::<Vec<_>>(),
        "new_periods": k.new_periods.iter().map(|p| date(Some(*p))).collect::<Vec<_>>(),
    })
}

fn signal(s: &SignalKey) -> Value {
    json!({"rule": s.rule, "period": date(Some(s.period)), "side": s.side})
}

fn restated(s: &Restatement) -> Value {
    json!({
        "period": date(Some(s.period)),
        "previous": num(s.previous),
        "current": num(s.current),
    })
}

fn retargeted(t: &Retargeting) -> Value {
    json!({
        "period": date(Some(t.period)),
        "previous": target(t.previous),
        "current": target(t.current),
    })
}

/// A target, a `[min, max]` pair for a band; `null` when there is none.
fn target(t: TargetValue) -> Value {
    match t {
        TargetValue::Single(v) => num(v),
        TargetValue::Band(None, None) => Value::Null,
        TargetValue::Band(a, b) => json!([num(a), num(b)]),
    }
}

fn pair(p: &PairChange) -> Value {
    json!({
        "leading": p.leading,
        "lagging": p.lagging,
        "previous_significant": p.previous_significant,
        "significant": p.significant,
        "previous_best_lag": p.previous_best_lag,
        "best_lag": p.best_lag,
    })
}
