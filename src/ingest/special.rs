/*!
Sheets that describe KPIs rather than measure them: a `KPIs`/`Definitions`/`Metadata`
sheet (config keys as columns) and a `Targets` sheet (kpi, period, target — or steps:
kpi, from, target). Also the one place that turns an attribute text (direction,
aggregation, owner…) into a `KpiDef` field, shared with the data layouts.
*/
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::Arc;

use super::cells::{self, ValueCell};
use super::headers::{header_role, norm, Role};
use super::{Cell, ReadOptions, Table};
use crate::error::Result;
use crate::model::dataset::{Dataset, Layout, LayoutInfo};
use crate::model::finding::{Finding, FindingCode, Listing};
use crate::model::kpi::{name_key, Aggregation, Direction, KpiDef, KpiRole, Transform, MAX_LAG};
use crate::model::series::{SourceRef, TargetRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Definitions,
    Targets,
}

pub fn kind_of(sheet: &str) -> Option<Kind> {
    match norm(sheet).as_str() {
        "kpis" | "kpi" | "definitions" | "kpi definitions" | "metadata" => Some(Kind::Definitions),
        "targets" | "target" => Some(Kind::Targets),
        _ => None,
    }
}

/// Set one attribute from text; unknown directions/aggregations are ignored here and
/// reported by the caller's validation.
pub fn set_attribute(def: &mut KpiDef, role: Role, text: &str) -> bool {
    let text = text.trim();
    match role {
        Role::Owner => def.owner = Some(text.into()),
        Role::Unit => def.unit = Some(text.into()),
        Role::Perspective => def.perspective = Some(text.into()),
        Role::Description => def.description = Some(text.into()),
        Role::Direction => match Direction::parse(text) {
            Some(d) => def.direction = Some(d),
            None => return false,
        },
        Role::Aggregation => match Aggregation::parse(text) {
            Some(a) => def.aggregation = Some(a),
            None => return false,
        },
        _ => return false,
    }
    true
}

pub fn read(kind: Kind, table: &Table, opts: &ReadOptions, out: &mut Dataset) -> Result<()> {
    // The header is the first row naming a KPI column.
    let header = (0..table.end().min(30)).find(|&r| {
        table
            .row(r)
            .iter()
            .any(|c| header_role(&c.text()) == Some(Role::Kpi))
    });
    let Some(header) = header else {
        out.findings.push(table.at(
            Finding::warning(
                FindingCode::LayoutNotDetected,
                "this sheet is named like a definitions/targets sheet but has no 'name' or 'kpi' column header; it was skipped",
            ),
            0,
            None,
        ));
        return Ok(());
    };
    let head: Vec<String> = table.row(header).iter().map(|c| norm(&c.text())).collect();
    let Some(name_col) = head.iter().position(|h| header_role(h) == Some(Role::Kpi)) else {
        return Ok(());
    };
    let targets_before = out.targets.len();
    // Each row may give a finding: a sheet of bad rows lists a hundred of each kind.
    let mut found = RowFindings {
        listed: &mut out.findings,
        listing: Listing::default(),
    };
    let count = match kind {
        Kind::Definitions => Ok(read_definitions(
            table,
            header,
            name_col,
            &head,
            &mut out.sheet_defs,
            &mut found,
        )),
        Kind::Targets => targets_sheet(
            table,
            opts,
            header,
            name_col,
            &head,
            &mut out.targets,
            &mut found,
        ),
    };
    found.close();
    let count = count?;
    out.layouts.push(LayoutInfo {
        file: table.file.clone(),
        sheet: table.sheet.clone(),
        layout: match kind {
            Kind::Definitions => Layout::Definitions,
            Kind::Targets => Layout::Targets,
        },
        header_row: Some(header as u32 + 1),
        kpis: match kind {
            Kind::Definitions => count,
            Kind::Targets => {
                let mut names: Vec<String> = out.targets[targets_before..]
                    .iter()
                    .map(|t| name_key(&t.kpi))
                    .collect();
                names.sort();
                names.dedup();
                names.len()
            }
        },
        values: if kind == Kind::Targets { count } else { 0 },
        data_rows: table
            .rows_below(header)
            .filter(|&r| table.row(r).iter().any(|c| !c.is_empty()))
            .count(),
        kpi_names: Vec::new(),
    });
    Ok(())
}

/// The findings of a sheet's rows as they are made: a hundred of each kind listed, the
/// rest counted into one closing finding. A sheet of a million bad rows (a 1 KB ods can
/// repeat one row a million times) never holds a million findings.
struct RowFindings<'a> {
    listed: &'a mut Vec<Finding>,
    listing: Listing,
}

impl RowFindings<'_> {
    fn push(&mut self, f: Finding) {
        if let Some(f) = self.listing.admit(f) {
            self.listed.push(f);
        }
    }

    /// The closing findings after the listed ones.
    fn close(self) {
        self.listed.extend(self.listing.closing());
    }
}

/// A Targets sheet's rows, when it has the columns they need (else a finding).
fn targets_sheet(
    table: &Table,
    opts: &ReadOptions,
    header: usize,
    name_col: usize,
    head: &[String],
    targets: &mut Vec<TargetRow>,
    found: &mut RowFindings,
) -> Result<usize> {
    let col = |names: &[&str]| head.iter().position(|h| names.contains(&h.as_str()));
    let period_col = col(&["period", "date", "month", "quarter", "week", "year", "from"]);
    let target_col = col(&["target", "value", "goal", "plan", "budget"]);
    let (Some(period), Some(target)) = (period_col, target_col) else {
        found.push(table.at(
            Finding::warning(
                FindingCode::LayoutNotDetected,
                "a Targets sheet needs columns kpi, period (or from) and target; it was skipped",
            ),
            header,
            None,
        ));
        return Ok(0);
    };
    let columns = TargetColumns {
        name: name_col,
        period,
        target,
        is_step: head[period] == "from",
    };
    read_targets(table, opts, header, columns, targets, found)
}

/// The columns of a Targets sheet.
#[derive(Clone, Copy)]
struct TargetColumns {
    name: usize,
    period: usize,
    target: usize,
    /// The period column is `from`: each target holds from its period on.
    is_step: bool,
}

fn number(table: &Table, r: usize, c: usize) -> Option<f64> {
    match cells::value_of(table.get(r, c), table.decimal_comma) {
        ValueCell::Value { value, .. } => Some(value),
        _ => None,
    }
}

/// Each row's definition: a name given again in a later row fills in only what its
/// first row left empty (as definitions from several places merge), so a sheet holds
/// one definition per name however many rows repeat it. Returns the rows read.
fn read_definitions(
    table: &Table,
    header: usize,
    name_col: usize,
    head: &[String],
    defs: &mut Vec<KpiDef>,
    found: &mut RowFindings,
) -> usize {
    let mut n = 0;
    let mut at: HashMap<String, usize> = HashMap::new();
    for r in table.rows_below(header) {
        let name = table.get(r, name_col).text();
        if name.is_empty() {
            continue;
        }
        let mut def = KpiDef::new(&name);
        for (c, h) in head.iter().enumerate() {
            let cell = table.get(r, c);
            if c == name_col || cell.is_empty() {
                continue;
            }
            let text = cell.text();
            if !set_key(&mut def, h, &text, number(table, r, c)) {
                found.push(
                    table.at(
                        Finding::warning(
                            FindingCode::BadValue,
                            format!("'{text}' is not a valid {h}; it was ignored"),
                        )
                        .kpi(&name),
                        r,
                        Some(c),
                    ),
                );
            }
        }
        if let Some(f) = upside_down_band(&mut def) {
            let col = head.iter().position(|h| h == "target min");
            found.push(table.at(f.kpi(&name), r, col));
        }
        match at.entry(name_key(&name)) {
            Entry::Occupied(first) => defs[*first.get()].fill_from(&def),
            Entry::Vacant(slot) => {
                slot.insert(defs.len());
                defs.push(def);
            }
        }
        n += 1;
    }
    n
}

/// Set the definition's key named by header `h` from a cell's text (or number); false
/// when the text is no valid value for it. Unknown columns are notes for people.
fn set_key(def: &mut KpiDef, h: &str, text: &str, number: Option<f64>) -> bool {
    match h {
        "target" => set_num(&mut def.target, number),
        "target min" => set_num(&mut def.target_min, number),
        "target max" => set_num(&mut def.target_max, number),
        "tolerance" => set_num(&mut def.tolerance, number),
        "lower bound" => set_num(&mut def.lower_bound, number),
        "upper bound" => set_num(&mut def.upper_bound, number),
        "role" => {
            def.role = KpiRole::parse(text);
            def.role.is_some()
        }
        "leads" => {
            def.leads = text
                .split([',', ';'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            true
        }
        "freeze after" => set_u32(&mut def.freeze_after, number),
        "run length" => set_u32(&mut def.run_length, number),
        "max lag" => set_u32(
            &mut def.max_lag,
            number.filter(|v| *v <= f64::from(MAX_LAG)),
        ),
        "min pairs" => set_u32(&mut def.min_pairs, number),
        "transform" => {
            def.transform = Transform::parse(text);
            def.transform.is_some()
        }
        other => match header_role(other) {
            Some(role) => set_attribute(def, role, text),
            None => true,
        },
    }
}

/// A band with its minimum above its maximum is dropped, with an error finding.
fn upside_down_band(def: &mut KpiDef) -> Option<Finding> {
    let (lo, hi) = (def.target_min?, def.target_max?);
    if lo <= hi {
        return None;
    }
    def.target_min = None;
    def.target_max = None;
    Some(Finding::error(
        FindingCode::BadTargetRange,
        format!(
            "target_min {} is greater than target_max {}; the KPI has no target range from this sheet",
            super::format_number(lo),
            super::format_number(hi)
        ),
    ))
}

fn set_num(slot: &mut Option<f64>, v: Option<f64>) -> bool {
    *slot = v;
    v.is_some()
}

fn set_u32(slot: &mut Option<u32>, v: Option<f64>) -> bool {
    match v {
        Some(x) if x >= 1.0 && x.fract() == 0.0 && x < 1e6 => {
            *slot = Some(x as u32);
            true
        }
        _ => false,
    }
}

#[allow(clippy::too_many_arguments)]
fn read_targets(
    table: &Table,
    opts: &ReadOptions,
    header: usize,
    columns: TargetColumns,
    targets: &mut Vec<TargetRow>,
    found: &mut RowFindings,
) -> Result<usize> {
    let (name_col, period_col, target_col) = (columns.name, columns.period, columns.target);
    let is_step = columns.is_step;
    let rows = table.rows_below(header);
    let order = cells::column_order(
        table,
        rows.clone()
            .map(|r| (r, period_col, table.get(r, period_col))),
        opts,
        "the period column",
    )?;
    let file: Arc<str> = Arc::from(table.file.as_str());
    let sheet = table.sheet.as_deref().map(Arc::from);
    let mut n = 0;
    for r in rows {
        let name = table.get(r, name_col).text();
        if name.is_empty() || table.get(r, period_col) == &Cell::Empty {
            continue;
        }
        let period = match cells::date_of(table.get(r, period_col), order, opts, table.is_1904) {
            Ok(p) => p,
            Err(why) => {
                found.push(
                    table.at(
                        Finding::error(
                            FindingCode::BadDate,
                            format!("{why}; the target was skipped"),
                        )
                        .kpi(&name),
                        r,
                        Some(period_col),
                    ),
                );
                continue;
            }
        };
        match cells::value_of(table.get(r, target_col), table.decimal_comma) {
            ValueCell::Value { value, .. } => {
                targets.push(TargetRow {
                    kpi: name,
                    period: period.date,
                    label_grain: period.grain,
                    target: value,
                    is_step,
                    source: SourceRef {
                        file: file.clone(),
                        sheet: sheet.clone(),
                        row: r as u32 + 1,
                    },
                });
                n += 1;
            }
            ValueCell::Missing => {}
            ValueCell::NoResult => found.push(
                table.at(
                    Finding::warning(
                        FindingCode::FormulaWithoutValue,
                        format!(
                            "the target is a formula with no saved result; it was skipped ({})",
                            cells::RECALCULATE
                        ),
                    )
                    .kpi(&name),
                    r,
                    Some(target_col),
                ),
            ),
            ValueCell::ExcelError(e) | ValueCell::Bad(e) => found.push(
                table.at(
                    Finding::error(FindingCode::BadValue, format!("target {e}; it was skipped"))
                        .kpi(&name),
                    r,
                    Some(target_col),
                ),
            ),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests;
