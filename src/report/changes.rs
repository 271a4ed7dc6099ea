/*!
The Changes sheet (`--previous`, right after Summary): what changed since the earlier
results file, in the order a reader asks about it — status changes, the other
judgements, new and cleared signals, restated values and changed targets, new and
dropped KPIs, run settings that differ, lead-lag pairs that changed. One table per kind
of change; each row names its KPI (a link to its sheet) and says in words what changed,
the numbers beside it. The same content is the JSON `changes` object.

All tables share their first two columns (KPI, what changed), so the sheet reads as one
list and prints one page wide; the details follow in columns sized to the widest table.
*/
use std::collections::HashMap;

use rust_xlsxwriter::{Format, Url, Worksheet, XlsxError};

use super::cells::{print_setup, wrapped_height, write_text, Cell, Columns};
use super::since::{self, calendar, status_of};
use super::{value_format, words, Styles};
use crate::analysis::changes::{report_of, Changes, KpiChange, StatusChange};
use crate::analysis::{KpiResult, Results};
use crate::model::period::Calendar;

/// Widths in characters: the KPI, the note in words (wrapping), the details.
const KPI_WIDTH: usize = 32;
const NOTE_WIDTH: usize = 70;
const DETAIL_WIDTH: usize = 16;
const NOTE_COL: u16 = 1;

/// One table: a heading, its column headers and its rows.
struct Table<'a> {
    heading: &'static str,
    headers: Vec<&'static str>,
    rows: Vec<Row<'a>>,
}

/// A row: the KPI it is about (an index into `Results::kpis` to link its sheet, or a
/// name only), the note, the detail cells.
struct Row<'a> {
    kpi: Option<usize>,
    name: String,
    note: String,
    details: Vec<Cell<'a>>,
}

pub(super) fn write(
    ws: &mut Worksheet,
    r: &Results,
    c: &Changes,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Changes")?;
    super::cells::write_title(
        ws,
        0,
        &format!("Changes since {}", report_of(c.previous.as_of)),
        st,
    )?;
    let version = c
        .previous
        .version
        .as_deref()
        .map(|v| format!(", written by kpilens {v}"))
        .unwrap_or_default();
    write_text(
        ws,
        1,
        0,
        &format!("Compared with {}{version}.", c.previous.path),
        &st.subtitle,
    )?;
    write_text(ws, 2, 0, &since::sentence(c), &st.subtitle)?;
    let cal = calendar(r);
    let tables = [
        status_table(r, c, st),
        judgement_table(c, st),
        signal_table(r, c, st, true),
        signal_table(r, c, st, false),
        restated_table(r, c, st, &cal),
        retargeted_table(r, c, st, &cal),
        kpi_table(r, c),
        settings_table(c),
        pair_table(r, c, st),
    ];
    // At least room for a short name and a short sentence when every table is empty.
    let mut widths = vec![12, 40];
    let mut notes = Vec::new();
    let mut row = 4;
    for t in tables {
        row = write_table(ws, r, t, row, st, &mut widths, &mut notes)?;
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(u16::try_from(c).unwrap_or(u16::MAX), *w as f64 + 2.5)?;
    }
    let note_width = widths[usize::from(NOTE_COL)];
    for (row, note) in notes {
        if let Some(h) = wrapped_height(&note, (note_width + 2) * 11 / 10) {
            ws.set_row_height(row, h)?;
        }
    }
    print_setup(ws, None)
}

/// One table at `row`; returns the row after it (and a blank line). Widths grow to the
/// table's contents; the notes are kept for the row heights.
fn write_table(
    ws: &mut Worksheet,
    r: &Results,
    t: Table,
    row: u32,
    st: &Styles,
    widths: &mut Vec<usize>,
    notes: &mut Vec<(u32, String)>,
) -> Result<u32, XlsxError> {
    let spec: Vec<(&'static str, usize)> = t
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            (
                *h,
                [KPI_WIDTH, NOTE_WIDTH]
                    .get(i)
                    .copied()
                    .unwrap_or(DETAIL_WIDTH),
            )
        })
        .collect();
    let mut cols = Columns::new(&spec);
    write_text(ws, row, 0, t.heading, &st.group)?;
    for c in 1..spec.len() {
        ws.write_blank(row, u16::try_from(c).unwrap_or(u16::MAX), &st.group)?;
    }
    if t.rows.is_empty() {
        write_text(ws, row + 1, 0, "None.", &st.text)?;
        return Ok(row + 3);
    }
    cols.write_headers(ws, row + 1, &st.header)?;
    let sheets = super::sheet_names(r);
    let mut at = row + 2;
    for line in t.rows {
        let mut cells = vec![
            Cell::text(line.name.as_str(), &st.text),
            Cell::text(line.note.as_str(), &st.wrap),
        ];
        cells.extend(line.details);
        cols.write_row(ws, at, &cells)?;
        if let Some(sheet) = line.kpi.and_then(|i| sheets.get(i)) {
            link(ws, at, &line.name, sheet, st)?;
        }
        notes.push((at, line.note));
        at += 1;
    }
    cols.finish(ws, st)?;
    for c in 0..spec.len() {
        if widths.len() <= c {
            widths.push(0);
        }
        widths[c] = widths[c].max(cols.width(c));
    }
    Ok(at + 1)
}

/// The KPI's name as a link to its sheet (quotes in sheet names are doubled).
fn link(
    ws: &mut Worksheet,
    row: u32,
    name: &str,
    sheet: &str,
    st: &Styles,
) -> Result<(), XlsxError> {
    let target = format!("internal:'{}'!A1", sheet.replace('\'', "''"));
    let text = super::cells::link_text(name);
    let fmt = if super::cells::looks_like_formula(&text) {
        st.link.clone().set_quote_prefix()
    } else {
        st.link.clone()
    };
    ws.write_url_with_format(row, 0, Url::new(target).set_text(text.as_ref()), &fmt)?;
    Ok(())
}

fn kpi_row<'a>(k: &KpiChange, note: String, details: Vec<Cell<'a>>) -> Row<'a> {
    Row {
        kpi: Some(k.kpi),
        name: k.name.clone(),
        note,
        details,
    }
}

/// The fill of a status cell, for an earlier run's word too.
fn status_format(st: &Styles, s: Option<crate::analysis::Status>) -> &Format {
    st.status(s.unwrap_or(crate::analysis::Status::None))
}

fn status_table<'a>(r: &Results, c: &'a Changes, st: &'a Styles) -> Table<'a> {
    let cal = calendar(r);
    let rows = c
        .kpis
        .iter()
        .filter(|k| {
            matches!(
                k.status_change,
                Some(StatusChange::Better | StatusChange::Worse)
            ) || (k.previous_status.is_some()
                && status_of(k.previous_status.as_deref()) != k.status)
        })
        .map(|k| {
            let grain = r.kpis[k.kpi].grain;
            let when = |p: Option<chrono::NaiveDate>| {
                p.map(|p| format!(" ({})", cal.label(p, grain)))
                    .unwrap_or_default()
            };
            let before = status_of(k.previous_status.as_deref());
            let verdict = k
                .status_change
                .map(|s| format!(": {}", s.as_str()))
                .unwrap_or_default();
            let note = format!(
                "{} went from {}{} to {}{}{verdict}",
                k.name,
                words::status_label(before),
                when(k.previous_period),
                words::status_label(k.status),
                when(k.period)
            );
            let details = vec![
                Cell::text(words::status_label(before), status_format(st, before)),
                Cell::text(words::status_label(k.status), status_format(st, k.status)),
                Cell::text(k.status_change.map_or("", |s| s.as_str()), &st.text),
            ];
            kpi_row(k, note, details)
        })
        .collect();
    Table {
        heading: "Status changes",
        headers: vec!["KPI", "What changed", "Before", "Now", "Change"],
        rows,
    }
}

/// Variation, assurance, action and realism that differ (when the earlier file has them).
fn judgement_table<'a>(c: &'a Changes, st: &'a Styles) -> Table<'a> {
    let mut rows = Vec::new();
    for k in &c.kpis {
        let pairs = [
            (
                "variation",
                k.previous_variation.as_deref(),
                k.variation.map(crate::analysis::spc::Variation::as_str),
            ),
            (
                "assurance",
                k.previous_assurance.as_deref(),
                k.assurance.map(crate::analysis::spc::Assurance::as_str),
            ),
            (
                "action",
                k.previous_action.as_deref(),
                Some(k.action.as_str()),
            ),
            (
                "realism",
                k.previous_realism.as_deref(),
                Some(k.realism.as_str()),
            ),
        ];
        for (what, before, now) in pairs {
            if before.is_none() || before == now {
                continue;
            }
            let note = format!(
                "{}'s {what} was {} in {}, now {}",
                k.name,
                since::word(before),
                report_of(c.previous.as_of),
                since::word(now)
            );
            let details = vec![
                Cell::text(what, &st.text),
                Cell::text(since::word(before), &st.text),
                Cell::text(since::word(now), &st.text),
            ];
            rows.push(kpi_row(k, note, details));
        }
    }
    Table {
        heading: "Other judgements that changed",
        headers: vec!["KPI", "What changed", "Judgement", "Before", "Now"],
        rows,
    }
}

/// New signals (`new`) or cleared ones.
fn signal_table<'a>(r: &Results, c: &'a Changes, st: &'a Styles, new: bool) -> Table<'a> {
    let cal = calendar(r);
    let mut rows = Vec::new();
    for k in &c.kpis {
        let result = &r.kpis[k.kpi];
        let list = if new {
            &k.new_signals
        } else {
            &k.cleared_signals
        };
        for s in list {
            let period = cal.label(s.period, result.grain);
            let rule = since::word(Some(s.rule.as_str()));
            let note = if new {
                format!("{} {period}: a new {rule} signal ({} side)", k.name, s.side)
            } else {
                format!(
                    "{} {period}: the {rule} signal ({} side) of {} is gone",
                    k.name,
                    s.side,
                    report_of(c.previous.as_of)
                )
            };
            let details = vec![
                Cell::Date(Some(s.period), st.date(result.grain)),
                Cell::text(rule, &st.text),
                Cell::text(s.side.as_str(), &st.text),
            ];
            rows.push(kpi_row(k, note, details));
        }
    }
    Table {
        heading: if new {
            "New signals"
        } else {
            "Cleared signals (periods still in this window)"
        },
        headers: vec!["KPI", "What changed", "Period", "Rule", "Side"],
        rows,
    }
}

fn restated_table<'a>(r: &'a Results, c: &'a Changes, st: &'a Styles, cal: &Calendar) -> Table<'a> {
    let mut rows = Vec::new();
    for k in &c.kpis {
        let result: &KpiResult = &r.kpis[k.kpi];
        let vf = value_format(st, result);
        for s in &k.restated {
            let details = vec![
                Cell::Date(Some(s.period), st.date(result.grain)),
                Cell::Num(s.previous, vf),
                Cell::Num(s.current, vf),
                Cell::Num(s.relative_change(), &st.signed_percent),
            ];
            rows.push(kpi_row(k, since::restated_note(s, result, c, cal), details));
        }
    }
    Table {
        heading: "Restated values (periods in both reports)",
        headers: vec!["KPI", "What changed", "Period", "Before", "Now", "Change %"],
        rows,
    }
}

fn retargeted_table<'a>(
    r: &'a Results,
    c: &'a Changes,
    st: &'a Styles,
    cal: &Calendar,
) -> Table<'a> {
    let mut rows = Vec::new();
    for k in &c.kpis {
        let result: &KpiResult = &r.kpis[k.kpi];
        let vf = value_format(st, result);
        let cell = |t| match t {
            crate::analysis::changes::TargetValue::Single(v) => Cell::Num(v, vf),
            band @ crate::analysis::changes::TargetValue::Band(..) => {
                Cell::text(since::target_text(band, result), &st.text_right)
            }
        };
        for t in &k.retargeted {
            let details = vec![
                Cell::Date(Some(t.period), st.date(result.grain)),
                cell(t.previous),
                cell(t.current),
            ];
            rows.push(kpi_row(
                k,
                since::retargeted_note(t, result, c, cal),
                details,
            ));
        }
    }
    Table {
        heading: "Changed targets",
        headers: vec!["KPI", "What changed", "Period", "Before", "Now"],
        rows,
    }
}

fn kpi_table<'a>(r: &Results, c: &Changes) -> Table<'a> {
    let then = report_of(c.previous.as_of);
    // Each KPI's index by name, the first of a name as a search from the start finds
    // it (a search per new KPI was quadratic: every KPI is new against a file of others).
    let mut by_name: HashMap<&str, usize> = HashMap::with_capacity(r.kpis.len());
    for (i, k) in r.kpis.iter().enumerate() {
        by_name.entry(k.def.name.as_str()).or_insert(i);
    }
    let new = c.new_kpis.iter().map(|n| Row {
        kpi: by_name.get(n.as_str()).copied(),
        name: n.clone(),
        note: format!("New: {n} was not in {then}"),
        details: vec![],
    });
    let dropped = c.dropped_kpis.iter().map(|n| Row {
        kpi: None,
        name: n.clone(),
        note: format!("Dropped: {n} was in {then} but is not in this one"),
        details: vec![],
    });
    Table {
        heading: "New and dropped KPIs",
        headers: vec!["KPI", "What changed"],
        rows: new.chain(dropped).collect(),
    }
}

fn settings_table<'a>(c: &Changes) -> Table<'a> {
    let rows = c
        .settings_differ
        .iter()
        .map(|d| Row {
            kpi: None,
            name: d.setting.as_str().to_string(),
            note: format!(
                "{}: {}; some changes may come from the settings rather than the data",
                d.setting.as_str(),
                d.detail
            ),
            details: vec![],
        })
        .collect();
    Table {
        heading: "Run settings that differ",
        headers: vec!["Setting", "What changed"],
        rows,
    }
}

fn pair_table<'a>(r: &Results, c: &Changes, st: &'a Styles) -> Table<'a> {
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    let lag = |l: Option<u32>| l.map(f64::from);
    let rows = c
        .correlations
        .iter()
        .map(|p| {
            let mut what = Vec::new();
            if p.significance_changed {
                what.push(
                    if p.significant {
                        "now significant (was not)"
                    } else {
                        "no longer significant"
                    }
                    .to_string(),
                );
            }
            if p.lag_changed {
                let show = |l: Option<u32>| l.map_or_else(|| "none".into(), |l| l.to_string());
                what.push(format!(
                    "best lag {} → {}",
                    show(p.previous_best_lag),
                    show(p.best_lag)
                ));
            }
            Row {
                kpi: r.kpis.iter().position(|k| k.def.name == p.leading),
                name: p.leading.clone(),
                note: format!("{} → {}: {}", p.leading, p.lagging, what.join("; ")),
                details: vec![
                    Cell::text(p.lagging.clone(), &st.text),
                    Cell::text(yes_no(p.previous_significant), &st.text),
                    Cell::text(yes_no(Some(p.significant)), &st.text),
                    Cell::Num(lag(p.previous_best_lag), &st.integer),
                    Cell::Num(lag(p.best_lag), &st.integer),
                ],
            }
        })
        .collect();
    Table {
        heading: "Lead-lag pairs that changed",
        headers: vec![
            "Leading",
            "What changed",
            "Lagging",
            "Significant before",
            "Significant now",
            "Best lag before",
            "Best lag now",
        ],
        rows,
    }
}
