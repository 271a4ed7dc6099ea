/*!
`[[kpi]]` blocks become checked `KpiDef`s: numbers finite, bands the right way up,
closed sets parsed (role, transform), periods read in every form the data accepts, and
each KPI configured once. Each check is one function returning the key at fault and the
message, so the error can point at the key's line.
*/
use chrono::NaiveDate;

use super::raw::{RawKpi, RawStep, Section};
use super::{check_max_lag, check_tolerance, parse_seasonal, parse_transform, Source};
use crate::error::Result;
use crate::ingest::dates::parse_date_text;
use crate::model::kpi::{
    name_key, Direction, KpiDef, KpiRole, SeasonalMode, TargetStep, Transform,
};
use crate::model::period::Calendar;

/// A config error: the key at fault (to find its line) and the message.
type KeyError = (&'static str, String);

/// Every `[[kpi]]` block, in order; a name given twice is an error at its second block.
pub(super) fn definitions(
    raw: Vec<RawKpi>,
    calendar: &Calendar,
    src: &Source,
) -> Result<Vec<KpiDef>> {
    let mut kpis: Vec<KpiDef> = Vec::with_capacity(raw.len());
    let mut seen = std::collections::HashSet::with_capacity(raw.len());
    for (i, k) in raw.into_iter().enumerate() {
        let def = kpi_def(k, calendar)
            .map_err(|(key, message)| src.err(Section::Kpi(i), key, message))?;
        if !seen.insert(name_key(&def.name)) {
            return Err(src.err(
                Section::Kpi(i),
                "name",
                format!(
                    "[[kpi]] name = \"{}\" appears twice; each KPI may be configured once",
                    def.name
                ),
            ));
        }
        kpis.push(def);
    }
    Ok(kpis)
}

/// How a message names a key of this KPI: `[[kpi]] "Revenue": target`.
struct At<'a>(&'a str);

impl At<'_> {
    fn key(&self, key: &str) -> String {
        format!("[[kpi]] \"{}\": {key}", self.0)
    }
}

pub(super) fn kpi_def(k: RawKpi, calendar: &Calendar) -> Result<KpiDef, KeyError> {
    let name = k.name.trim().to_string();
    if name.is_empty() {
        return Err(("name", "[[kpi]] name must not be empty".into()));
    }
    let at = At(&name);
    numbers(&k, &at)?;
    bands(&k, &at)?;
    if let Some(t) = k.tolerance {
        check_tolerance(t).map_err(|m| ("tolerance", format!("{} {m}", at.key("tolerance"))))?;
    }
    let transform = match k.transform.as_deref() {
        Some(t) => Some(
            parse_transform(t)
                .map_err(|m| ("transform", format!("{} {m}", at.key("transform"))))?,
        ),
        None => None,
    };
    if let Some(m) = k.max_lag {
        check_max_lag(m).map_err(|m| ("max_lag", format!("{} {m}", at.key("max_lag"))))?;
    }
    let seasonal = match &k.seasonal {
        Some(v) => Some(
            parse_seasonal(v).map_err(|m| ("seasonal", format!("{} {m}", at.key("seasonal"))))?,
        ),
        None => None,
    };
    if k.direction == Some(Direction::Range) && (k.target_min.is_none() != k.target_max.is_none()) {
        return Err((
            "direction",
            format!(
                "{} a range KPI needs both target_min and target_max",
                at.key("direction")
            ),
        ));
    }
    let targets = target_steps(&k.targets, calendar, &at)?;
    let rebase = rebases(&k.rebase, calendar, &at)?;
    let role = role(k.role.as_deref(), &at)?;
    counts(&k, &at)?;
    Ok(assemble(
        k,
        name,
        role,
        (transform, seasonal),
        targets,
        rebase,
    ))
}

/// The definition from a checked block.
fn assemble(
    k: RawKpi,
    name: String,
    role: Option<KpiRole>,
    (transform, seasonal): (Option<Transform>, Option<SeasonalMode>),
    targets: Vec<TargetStep>,
    rebase: Vec<NaiveDate>,
) -> KpiDef {
    KpiDef {
        name,
        direction: k.direction,
        unit: k.unit,
        aggregation: k.aggregation,
        owner: k.owner,
        target: k.target,
        target_min: k.target_min,
        target_max: k.target_max,
        targets,
        tolerance: k.tolerance,
        lower_bound: k.lower_bound,
        upper_bound: k.upper_bound,
        role,
        leads: k.leads,
        rebase,
        freeze_after: k.freeze_after,
        run_length: k.run_length,
        max_lag: k.max_lag,
        transform,
        min_pairs: k.min_pairs,
        seasonal,
        perspective: k.perspective,
        description: k.description,
    }
}

/// Every number finite.
fn numbers(k: &RawKpi, at: &At) -> Result<(), KeyError> {
    for (key, v) in [
        ("target", k.target),
        ("target_min", k.target_min),
        ("target_max", k.target_max),
        ("tolerance", k.tolerance),
        ("lower_bound", k.lower_bound),
        ("upper_bound", k.upper_bound),
    ] {
        if let Some(v) = v.filter(|v| !v.is_finite()) {
            return Err((
                key,
                format!("{} must be a finite number, got {v}", at.key(key)),
            ));
        }
    }
    Ok(())
}

/// The target band and the natural bounds the right way up.
fn bands(k: &RawKpi, at: &At) -> Result<(), KeyError> {
    if let (Some(a), Some(b)) = (k.target_min, k.target_max) {
        if a > b {
            return Err((
                "target_min",
                format!(
                    "{}: target_min ({a}) is greater than target_max ({b})",
                    at.key("target_min")
                ),
            ));
        }
    }
    if let (Some(a), Some(b)) = (k.lower_bound, k.upper_bound) {
        if a > b {
            return Err((
                "lower_bound",
                format!(
                    "{}: lower_bound ({a}) is greater than upper_bound ({b})",
                    at.key("lower_bound")
                ),
            ));
        }
    }
    Ok(())
}

/// `targets = [{from, value}]`, in period order.
fn target_steps(
    steps: &[RawStep],
    calendar: &Calendar,
    at: &At,
) -> Result<Vec<TargetStep>, KeyError> {
    let mut targets = Vec::with_capacity(steps.len());
    for step in steps {
        if !step.value.is_finite() {
            return Err((
                "targets",
                format!("{} value must be finite", at.key("targets")),
            ));
        }
        let from = parse_period(&step.from, calendar).ok_or_else(|| {
            (
                "targets",
                format!(
                    "{}: from = \"{}\" is not a date or period (e.g. \"2026-01\", \"2026-Q1\", \"2026\")",
                    at.key("targets"),
                    step.from
                ),
            )
        })?;
        targets.push(TargetStep {
            from,
            value: step.value,
        });
    }
    targets.sort_by_key(|s| s.from);
    Ok(targets)
}

/// `rebase = [...]`, in order.
fn rebases(periods: &[String], calendar: &Calendar, at: &At) -> Result<Vec<NaiveDate>, KeyError> {
    let mut rebase = Vec::with_capacity(periods.len());
    for r in periods {
        rebase.push(parse_period(r, calendar).ok_or_else(|| {
            (
                "rebase",
                format!(
                    "{}: \"{r}\" is not a date or period (e.g. \"2025-07\", \"2025-Q3\", \"2025\")",
                    at.key("rebase")
                ),
            )
        })?);
    }
    rebase.sort();
    Ok(rebase)
}

fn role(role: Option<&str>, at: &At) -> Result<Option<KpiRole>, KeyError> {
    match role {
        None => Ok(None),
        Some(text) => KpiRole::parse(text).map(Some).ok_or_else(|| {
            (
                "role",
                format!(
                    "{} = \"{text}\" is not one of leading, lagging",
                    at.key("role")
                ),
            )
        }),
    }
}

/// Counts that must be at least 1.
fn counts(k: &RawKpi, at: &At) -> Result<(), KeyError> {
    for (key, v) in [
        ("freeze_after", k.freeze_after),
        ("run_length", k.run_length),
        ("min_pairs", k.min_pairs),
    ] {
        if v == Some(0) {
            return Err((key, format!("{} must be at least 1", at.key(key))));
        }
    }
    Ok(())
}

/// A period named in the config (`rebase`, a target step's `from`): every date and
/// period form the data accepts (docs/methods.md §1), and any four-digit year — the config
/// names a period on purpose, so `"1898"` is the year 1898 even where a data cell of
/// 1898 might be a value. The KPI's grain maps it to its period later.
fn parse_period(s: &str, calendar: &Calendar) -> Option<NaiveDate> {
    if let Ok(p) = parse_date_text(s, None, calendar) {
        return Some(p.date);
    }
    let t = s.trim();
    let year = (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse::<i32>().ok())
        .flatten()?;
    calendar.fiscal_year(year)
}
