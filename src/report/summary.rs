/*!
The Summary sheet: the one page people look at in the review meeting. A title block
with the facts of the run and one line of counts, then one row per KPI — grouped by
balanced-scorecard perspective when any KPI has one — with its latest value, target and
status. Each status cell is filled red/amber/green/grey; the Why column says why, and
why the action when there is more to do than keep the KPI.
*/
use std::borrow::Cow;
use std::collections::HashMap;

use rust_xlsxwriter::{Sparkline, SparklineType, Url, Worksheet, XlsxError};

use super::cells::{print_setup, write_text, Cell, Columns};
use super::{data, plans, reasons, value_format, words, Styles, MAX_KPI_SHEETS};
use crate::analysis::changes::{Changes, StatusChange};
use crate::analysis::series::TOO_MANY_KPIS_ADVICE;
use crate::analysis::spc::{Rules, Variation};
use crate::analysis::{KpiResult, Results, Severity, Status};
use crate::model::finding::FindingCode;
use crate::model::kpi::Direction;
use crate::model::period::Calendar;

/// The KPI table's columns: header and maximum width in characters (docs/report.md, "Summary").
const COLUMNS: [(&str, usize); 22] = [
    ("KPI", 40),
    ("Owner", 20),
    ("Unit", 10),
    ("Period", 10),
    ("Actual", 14),
    ("Target", 20),
    ("Gap %", 9),
    ("Attainment", 11),
    ("Status", 10),
    ("vs previous %", 10),
    ("YoY %", 9),
    ("Trend", 16),
    ("Variation", 14),
    ("Assurance", 13),
    ("Sparkline", 18),
    ("Action", 42),
    ("Why", 60),
    ("Grain", 8),
    ("Observations", 12),
    ("First period", 12),
    ("Last period", 12),
    ("Seasonality", 24),
];
const SPARKLINE_COL: u16 = 14;
/// The last column printed.
const WHY_COL: u16 = 16;
/// With `--previous`, the "Since last report" column follows Status.
const SINCE_AT: usize = 9;
const SINCE_COLUMN: (&str, usize) = ("Since last report", 30);

/// The table's columns, with "Since last report" when the run was compared with an
/// earlier one; and how far that moves the columns after Status.
fn columns(r: &Results) -> (Vec<(&'static str, usize)>, u16) {
    let mut cols = COLUMNS.to_vec();
    if r.changes.is_some() {
        cols.insert(SINCE_AT, SINCE_COLUMN);
        (cols, 1)
    } else {
        (cols, 0)
    }
}

/// Write the Summary; the title block says when `--max-charts` left some KPI sheets
/// without charts.
pub(super) fn write(
    ws: &mut Worksheet,
    r: &Results,
    settings: &super::Settings,
    st: &Styles,
) -> Result<(), XlsxError> {
    let max_charts = settings.max_charts;
    ws.set_name("Summary")?;
    super::cells::write_title(ws, 0, &settings.title, st)?;
    let lines = title_block(r, max_charts);
    let mut row = 1;
    for line in &lines {
        write_text(ws, row, 0, line, &st.subtitle)?;
        row += 1;
    }
    let header_row = row + 1;
    let (spec, shift) = columns(r);
    let mut cols = Columns::new(&spec);
    cols.write_headers(ws, header_row, &st.header)?;
    row = header_row + 1;
    let grouped = r.kpis.iter().any(|k| k.def.perspective.is_some());
    let cal = Calendar {
        fiscal_year_start: r.fiscal_year_start,
    };
    let data_rows = data::rows_of(r);
    let sheets = super::sheet_names(r);
    let mut written: Vec<(u32, &KpiResult)> = Vec::new();
    for (perspective, kpis) in by_perspective(r) {
        if grouped {
            let heading = Cell::text(perspective.unwrap_or("Other"), &st.group);
            let mut cells = vec![heading];
            cells.extend(std::iter::repeat_with(|| Cell::Blank(&st.group)).take(spec.len() - 1));
            cols.write_row(ws, row, &cells)?;
            row += 1;
        }
        for (index, k) in kpis {
            written.push((row, k));
            let mut cells = kpi_cells(k, st, &cal);
            if let Some(c) = &r.changes {
                cells.insert(SINCE_AT, since_cell(c, index, st));
            }
            cols.write_row(ws, row, &cells)?;
            if let Some(name) = sheets.get(index) {
                // The KPI name links to its sheet (quotes in sheet names are doubled).
                let target = format!("internal:'{}'!A1", name.replace('\'', "''"));
                let text = super::cells::link_text(&k.def.name);
                // A name like '=SUM(A1)' keeps the quote prefix on its link too.
                let link = if super::cells::looks_like_formula(&text) {
                    st.link.clone().set_quote_prefix()
                } else {
                    st.link.clone()
                };
                ws.write_url_with_format(row, 0, Url::new(target).set_text(text.as_ref()), &link)?;
            }
            if let Some((first, last)) = data_rows.get(&k.def.name).copied() {
                let spark = Sparkline::new()
                    .set_range(("Data", first, data::VALUE_COL, last, data::VALUE_COL))
                    .set_type(SparklineType::Line)
                    .show_markers(false)
                    .show_last_point(true);
                ws.add_sparkline(row, SPARKLINE_COL + shift, &spark)?;
            }
            row += 1;
        }
    }
    let last_row = (row - 1).max(header_row + 1);
    // Rows are as tall as their Why needs (widths are known now).
    for (r, k) in written {
        cols.fit_row(ws, r, usize::from(WHY_COL + shift), &why(k))?;
    }
    cols.finish(ws, st)?;
    ws.set_freeze_panes(header_row + 1, 1)?;
    ws.autofilter(header_row, 0, last_row, cols.last())?;
    print_setup(ws, super::cells::repeat_header(r, header_row))?;
    // Printed, the page holds the columns docs/report.md names (KPI … Why); grain,
    // observations and span stay on screen for filtering. Twenty-one columns on one
    // page width would print too small to read.
    ws.set_print_area(0, 0, last_row, WHY_COL + shift)?;
    Ok(())
}

/// The lines under the title: as-of, period, rules, inputs, tool, counts, and
/// whether some KPI sheets have no charts.
fn title_block(r: &Results, max_charts: usize) -> Vec<String> {
    let period = match r.period {
        None => "auto: each KPI at its own grain".to_string(),
        Some(g) => g.as_str().to_string(),
    };
    let inputs: Vec<String> = r
        .inputs
        .iter()
        .map(|i| {
            if i.sheets.is_empty() {
                i.path.clone()
            } else {
                format!("{} ({})", i.path, i.sheets.join(", "))
            }
        })
        .collect();
    let mut lines = vec![
        format!("As of {}", r.as_of.format("%Y-%m-%d")),
        format!(
            "Period: {period}; window: {}",
            words::plural(r.window, "period", "periods")
        ),
        format!("Rules: {}", rules_name(r.rules)),
        format!("Inputs: {}", inputs.join("; ")),
        format!("kpilens {}", crate::VERSION),
    ];
    lines.extend(r.changes.as_ref().map(super::since::sentence));
    lines.push(counts_line(r));
    // KPIs left out as IDs: said here, where a reader counts the KPIs, not only on
    // Data Quality.
    let left_out = r
        .findings
        .iter()
        .find(|f| f.code == FindingCode::TooManyKpis);
    lines.extend(left_out.map(|f| {
        let what = f
            .message
            .strip_suffix(TOO_MANY_KPIS_ADVICE)
            .unwrap_or(&f.message);
        format!(
            "Not every KPI is in this report: {} See Data Quality.",
            what.trim_end()
        )
    }));
    if r.kpis.len() > MAX_KPI_SHEETS {
        let left = r.kpis.len() - MAX_KPI_SHEETS;
        lines.push(format!(
            "KPI sheets are written for the first {} of {}; the other {} {} on this sheet, Targets, Re-evaluation and Data, and in the JSON.",
            words::plural(MAX_KPI_SHEETS, "KPI", "KPIs"),
            words::count(r.kpis.len()),
            words::plural(left, "KPI", "KPIs"),
            if left == 1 { "is" } else { "are" },
        ));
    }
    let sheets = r.kpis.len().min(MAX_KPI_SHEETS);
    if sheets > max_charts {
        lines.push(format!(
            "Charts are drawn for the first {} of {} (--max-charts {max_charts}); the other {} {} only.",
            words::plural(max_charts, "KPI", "KPIs"),
            words::count(sheets),
            words::plural(sheets - max_charts, "KPI sheet", "KPI sheets"),
            if sheets - max_charts == 1 {
                "has its table"
            } else {
                "have their tables"
            },
        ));
    }
    lines
}

fn rules_name(rules: Rules) -> &'static str {
    match rules {
        Rules::Wheeler => "Wheeler (Western Electric)",
        Rules::Nhs => "NHS Making Data Count",
    }
}

/// "14 KPIs: 6 green, 3 amber, 4 red, 1 no target; 2 special-cause concerns; 5 data
/// findings (1 error, 2 warnings, 2 info)" (docs/report.md, "Summary"). KPIs with no value in the
/// window add ", 1 no data"; a concern is a KPI whose latest point signals in the wrong
/// direction.
pub fn counts_line(r: &Results) -> String {
    let count = |s: Option<Status>| r.kpis.iter().filter(|k| k.latest.status == s).count();
    let concerns = r
        .kpis
        .iter()
        .filter(|k| k.spc.variation == Some(Variation::Concern))
        .count();
    let no_data = count(None);
    let no_data = if no_data > 0 {
        format!(", {} no data", words::count(no_data))
    } else {
        String::new()
    };
    format!(
        "{}: {} green, {} amber, {} red, {} no target{no_data}; {}; {}",
        words::plural(r.kpis.len(), "KPI", "KPIs"),
        words::count(count(Some(Status::Green))),
        words::count(count(Some(Status::Amber))),
        words::count(count(Some(Status::Red))),
        words::count(count(Some(Status::None))),
        words::plural(concerns, "special-cause concern", "special-cause concerns"),
        findings_line(r),
    )
}

/// "5 data findings (1 error, 2 warnings, 2 info)".
pub fn findings_line(r: &Results) -> String {
    format!(
        "{} ({}, {}, {} info)",
        words::plural(r.findings.len(), "data finding", "data findings"),
        words::plural(r.count_findings(Severity::Error), "error", "errors"),
        words::plural(r.count_findings(Severity::Warning), "warning", "warnings"),
        words::count(r.count_findings(Severity::Info)),
    )
}

/// A perspective (or none) and its KPIs, each with its index in the results.
type Group<'a> = (Option<&'a str>, Vec<(usize, &'a KpiResult)>);

/// KPIs grouped by perspective in order of first appearance; those without one last.
fn by_perspective(r: &Results) -> Vec<Group<'_>> {
    let mut groups: Vec<Group> = Vec::new();
    let mut at: HashMap<Option<&str>, usize> = HashMap::new();
    for (i, k) in r.kpis.iter().enumerate() {
        let p = k.def.perspective.as_deref();
        let g = *at.entry(p).or_insert_with(|| {
            groups.push((p, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push((i, k));
    }
    // Stable: the named perspectives keep their order.
    groups.sort_by_key(|(g, _)| g.is_none());
    groups
}

fn kpi_cells<'a>(k: &'a KpiResult, st: &'a Styles, cal: &Calendar) -> Vec<Cell<'a>> {
    let d = &k.def;
    let l = &k.latest;
    let vf = value_format(st, k);
    let date = st.date(k.grain);
    let target = match (d.direction(), l.target_min, l.target_max) {
        // A band has two ends: shown as words, the numbers are on the Data sheet.
        (Direction::Range, Some(_), _) | (Direction::Range, _, Some(_)) => Cell::text(
            band(l.target_min, l.target_max, d.unit.as_deref()),
            &st.text_right,
        ),
        _ => Cell::Num(l.target, vf),
    };
    let status = l.status.unwrap_or(Status::None);
    let period = l.period.map(|p| cal.label(p, k.grain)).unwrap_or_default();
    vec![
        Cell::text(d.name.as_str(), &st.text),
        Cell::text(d.owner.as_deref().unwrap_or(""), &st.text),
        Cell::text(d.unit.as_deref().unwrap_or(""), &st.text),
        Cell::text(period, &st.text),
        Cell::Num(l.value, vf),
        target,
        Cell::Num(l.gap_pct, &st.signed_percent),
        Cell::Num(l.attainment, &st.percent),
        Cell::text(words::status_label(l.status), st.status(status)),
        Cell::Num(k.change.pop_pct, &st.signed_percent),
        Cell::Num(k.change.yoy_pct, &st.signed_percent),
        Cell::text(reasons::trend_label(k), &st.text_indent),
        Cell::text(
            reasons::variation_label(k.spc.variation),
            st.variation(k.spc.variation),
        ),
        Cell::text(reasons::assurance_label(k), st.assurance(k.spc.assurance)),
        Cell::Blank(&st.text),
        Cell::text(plans::action_words(k.health.action), &st.text),
        Cell::text(why(k), &st.wrap),
        Cell::text(k.grain.as_str(), &st.text),
        Cell::count(k.n, &st.integer),
        Cell::Date(k.first_period, date),
        Cell::Date(k.last_period, date),
        Cell::text(season_mark(k), &st.text),
    ]
}

/// "adjusted (Dec peak)", "pattern (Oct peak)" or empty: seasonal KPIs marked,
/// whether the report judges them against their season or not.
fn season_mark(k: &KpiResult) -> String {
    let Some(s) = k.seasonality.as_ref() else {
        return String::new();
    };
    let peak = s
        .peak_trough()
        .map(|(p, _)| format!(" ({} peak)", s.seasons.label(p)))
        .unwrap_or_default();
    if s.adjusted {
        format!("adjusted{peak}")
    } else if s.seasonal == Some(true) {
        format!("pattern{peak}, not adjusted")
    } else {
        String::new()
    }
}

/// "▼ green → red; 2 new signals", filled red when the status got worse and green
/// when it got better.
fn since_cell<'a>(c: &Changes, index: usize, st: &'a Styles) -> Cell<'a> {
    let fmt = match super::since::change_of(c, index).and_then(|k| k.status_change) {
        Some(StatusChange::Worse) => &st.status_red,
        Some(StatusChange::Better) => &st.status_green,
        _ => &st.text,
    };
    Cell::text(super::since::summary_cell(c, index), fmt)
}

fn band(min: Option<f64>, max: Option<f64>, unit: Option<&str>) -> Cow<'static, str> {
    let v = |x: f64| words::fmt_value(x, unit);
    match (min, max) {
        (Some(a), Some(b)) => format!("{} – {}", v(a), v(b)).into(),
        (Some(a), None) => format!("≥ {}", v(a)).into(),
        (None, Some(b)) => format!("≤ {}", v(b)).into(),
        (None, None) => Cow::Borrowed(""),
    }
}

/// Why the status is what it is and, when there is more to do than keep the KPI, why
/// the action. The KPI's sheet has the reason for every other judgement.
fn why(k: &KpiResult) -> String {
    let status = words::status_reason(k);
    let mut text = match action_reason(k) {
        Some(action) => format!("{}. {action}", status.trim_end_matches('.')),
        None => status,
    };
    if k.adjusted() {
        text.push_str(" Judged against its season (seasonal limits, trend and targets).");
    }
    text
}

/// The action with the flags that led to it; `None` without flags (keep it as it is).
fn action_reason(k: &KpiResult) -> Option<String> {
    if k.health.flags.is_empty() {
        return None;
    }
    let flags: Vec<&str> = k
        .health
        .flags
        .iter()
        .map(|f| plans::flag_words(*f))
        .collect();
    Some(format!(
        "{} — because: {}.",
        plans::action_words(k.health.action),
        flags.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_block_says_which_kpis_have_sheets_and_charts() {
        let mut r = crate::report::tests::sample();
        let template = r.kpis[0].clone();
        r.kpis = vec![template; MAX_KPI_SHEETS + 5];
        let lines = title_block(&r, 200);
        assert!(lines.contains(&"KPI sheets are written for the first 2,000 KPIs of 2,005; the other 5 KPIs are on this sheet, Targets, Re-evaluation and Data, and in the JSON.".to_string()), "{lines:?}");
        assert!(lines.contains(&"Charts are drawn for the first 200 KPIs of 2,000 (--max-charts 200); the other 1,800 KPI sheets have their tables only.".to_string()), "{lines:?}");
        r.kpis.truncate(MAX_KPI_SHEETS + 1);
        let lines = title_block(&r, 200);
        assert!(lines.contains(&"KPI sheets are written for the first 2,000 KPIs of 2,001; the other 1 KPI is on this sheet, Targets, Re-evaluation and Data, and in the JSON.".to_string()), "{lines:?}");
        r.kpis.truncate(300);
        let lines = title_block(&r, 200);
        assert!(!lines.iter().any(|l| l.starts_with("KPI sheets are")));
        assert!(lines.contains(&"Charts are drawn for the first 200 KPIs of 300 (--max-charts 200); the other 100 KPI sheets have their tables only.".to_string()), "{lines:?}");
        let lines = title_block(&r, 299);
        assert!(lines.contains(&"Charts are drawn for the first 299 KPIs of 300 (--max-charts 299); the other 1 KPI sheet has its table only.".to_string()), "{lines:?}");
        // Counts of a thousand or more are written with separators.
        assert!(
            counts_line(&r).starts_with("300 KPIs: "),
            "{}",
            counts_line(&r)
        );
        let mut green = r.kpis[0].clone();
        green.latest.status = Some(Status::Green);
        r.kpis = vec![green; 1200];
        assert!(
            counts_line(&r).starts_with("1,200 KPIs: 1,200 green, 0 amber, 0 red, 0 no target; "),
            "{}",
            counts_line(&r)
        );
    }

    #[test]
    fn the_title_block_says_when_kpis_were_left_out() {
        let mut r = crate::report::tests::sample();
        assert!(!title_block(&r, 200)
            .iter()
            .any(|l| l.starts_with("Not every KPI")));
        let message = format!("60,000 KPIs were found, more than one report analyses (50,000): the first 50,000, in the order the inputs name them, are analysed and the other 10,000 ('No. 50000' to 'No. 59999') are left out. {TOO_MANY_KPIS_ADVICE}");
        r.findings.push(crate::model::finding::Finding::error(
            FindingCode::TooManyKpis,
            message,
        ));
        let lines = title_block(&r, 200);
        assert!(lines.contains(&"Not every KPI is in this report: 60,000 KPIs were found, more than one report analyses (50,000): the first 50,000, in the order the inputs name them, are analysed and the other 10,000 ('No. 50000' to 'No. 59999') are left out. See Data Quality.".to_string()), "{lines:?}");
    }
}
