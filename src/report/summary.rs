/*!
The Summary sheet: the one page people look at. A title block with the run's facts and
a counts line, then one row per KPI (grouped by balanced-scorecard perspective when the
config gives perspectives), each status with a note saying why in plain words.
*/
use rust_xlsxwriter::{Note, Worksheet, XlsxError};

use super::{print_setup, write_num, write_text, Styles};
use crate::analysis::{KpiResult, Results, Severity, Status};
use crate::model::kpi::Direction;
use crate::model::period::Calendar;

const HEADERS: [(&str, f64); 15] = [
    ("KPI", 30.0),
    ("Owner", 14.0),
    ("Unit", 8.0),
    ("Grain", 9.0),
    ("Period", 11.0),
    ("Actual", 12.0),
    ("Target", 12.0),
    ("Gap %", 8.0),
    ("Attainment", 10.0),
    ("Status", 9.0),
    ("vs previous %", 10.0),
    ("YoY %", 8.0),
    ("Observations", 11.0),
    ("First period", 11.0),
    ("Last period", 11.0),
];

pub fn write(ws: &mut Worksheet, r: &Results, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Summary")?;
    let cal = Calendar {
        fiscal_year_start: r.fiscal_year_start,
    };
    write_text(ws, 0, 0, &r.title, &st.title)?;
    let period = match r.period {
        None => "auto (each KPI at its own grain)".to_string(),
        Some(g) => g.as_str().to_string(),
    };
    let lines = [
        format!(
            "As of {}  ·  period: {}  ·  window: {} periods  ·  rules: {}",
            r.as_of,
            period,
            r.window,
            rules_name(r)
        ),
        format!(
            "Inputs: {}",
            r.inputs
                .iter()
                .map(|i| i.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        counts_line(r),
        format!("kpilens {}", crate::VERSION),
    ];
    for (i, line) in lines.iter().enumerate() {
        write_text(ws, 1 + i as u32, 0, line, &st.subtitle)?;
    }
    let header_row = 6u32;
    for (c, (h, w)) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, *h, &st.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    let mut row = header_row + 1;
    let grouped = r.kpis.iter().any(|k| k.def.perspective.is_some());
    for (group, kpis) in groups(r) {
        if grouped {
            let name = group.unwrap_or("Other");
            write_text(ws, row, 0, name, &st.group)?;
            for c in 1..HEADERS.len() as u16 {
                ws.write_blank(row, c, &st.group)?;
            }
            row += 1;
        }
        for k in kpis {
            kpi_row(ws, row, k, st, &cal)?;
            row += 1;
        }
    }
    ws.set_freeze_panes(header_row + 1, 1)?;
    ws.autofilter(
        header_row,
        0,
        row.saturating_sub(1).max(header_row),
        HEADERS.len() as u16 - 1,
    )?;
    ws.set_row_height(header_row, 30)?;
    print_setup(ws, header_row)?;
    Ok(())
}

fn rules_name(r: &Results) -> &'static str {
    match r.rules {
        crate::analysis::spc::Rules::Wheeler => "Wheeler (Western Electric)",
        crate::analysis::spc::Rules::Nhs => "NHS Making Data Count",
    }
}

/// "14 KPIs: 6 green, 3 amber, 4 red, 1 no target; 5 data findings (…)".
pub fn counts_line(r: &Results) -> String {
    let count = |s: Status| r.kpis.iter().filter(|k| k.latest.status == Some(s)).count();
    format!(
        "{} KPIs: {} green, {} amber, {} red, {} no target; {} data findings ({} errors, {} warnings, {} info)",
        r.kpis.len(),
        count(Status::Green),
        count(Status::Amber),
        count(Status::Red),
        count(Status::None),
        r.findings.len(),
        r.count_findings(Severity::Error),
        r.count_findings(Severity::Warning),
        r.count_findings(Severity::Info),
    )
}

/// KPIs grouped by perspective in order of first appearance; no perspective last.
fn groups(r: &Results) -> Vec<(Option<&str>, Vec<&KpiResult>)> {
    let mut out: Vec<(Option<&str>, Vec<&KpiResult>)> = Vec::new();
    for k in &r.kpis {
        let p = k.def.perspective.as_deref();
        match out.iter_mut().find(|(g, _)| *g == p) {
            Some((_, v)) => v.push(k),
            None => out.push((p, vec![k])),
        }
    }
    out.sort_by_key(|(g, _)| g.is_none());
    out
}

fn kpi_row(
    ws: &mut Worksheet,
    row: u32,
    k: &KpiResult,
    st: &Styles,
    cal: &Calendar,
) -> Result<(), XlsxError> {
    let d = &k.def;
    let l = &k.latest;
    let vf = st.value(d.unit.as_deref());
    write_text(ws, row, 0, &d.name, &st.text)?;
    write_text(ws, row, 1, d.owner.as_deref().unwrap_or(""), &st.text)?;
    write_text(ws, row, 2, d.unit.as_deref().unwrap_or(""), &st.text)?;
    write_text(ws, row, 3, k.grain.as_str(), &st.text)?;
    if let Some(p) = l.period {
        write_text(ws, row, 4, &cal.label(p, k.grain), &st.text)?;
    }
    write_num(ws, row, 5, l.value, vf)?;
    if d.direction() == Direction::Range {
        if let (Some(a), Some(b)) = (l.target_min, l.target_max) {
            write_text(
                ws,
                row,
                6,
                &format!(
                    "{} – {}",
                    fmt_value(a, d.unit.as_deref()),
                    fmt_value(b, d.unit.as_deref())
                ),
                &st.text,
            )?;
        }
    } else {
        write_num(ws, row, 6, l.target, vf)?;
    }
    write_num(ws, row, 7, l.gap_pct, &st.signed_percent)?;
    write_num(ws, row, 8, l.attainment, &st.percent)?;
    let status = l.status.unwrap_or(Status::None);
    let label = match status {
        Status::None => "no target",
        s => s.as_str(),
    };
    ws.write_string_with_format(row, 9, label, st.status(status))?;
    ws.insert_note(row, 9, &Note::new(status_reason(k)).set_author("kpilens"))?;
    write_num(ws, row, 10, k.change.pop_pct, &st.signed_percent)?;
    write_num(ws, row, 11, k.change.yoy_pct, &st.signed_percent)?;
    ws.write_number_with_format(row, 12, k.n as f64, &st.integer)?;
    for (c, p) in [(13u16, k.first_period), (14, k.last_period)] {
        if let Some(p) = p {
            ws.write_date_with_format(row, c, p, st.date(k.grain))?;
        }
    }
    Ok(())
}

/// A number as the reader sees it, in the KPI's unit.
pub fn fmt_value(v: f64, unit: Option<&str>) -> String {
    if unit.map(str::trim) == Some("%") {
        return format!("{:.1}%", v * 100.0);
    }
    if v.abs() >= 1000.0 {
        let s = format!("{:.0}", v.abs());
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        return if v < 0.0 { format!("-{out}") } else { out };
    }
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Why the latest status is what it is, in one plain sentence.
pub fn status_reason(k: &KpiResult) -> String {
    let l = &k.latest;
    let unit = k.def.unit.as_deref();
    let tol = k.def.tolerance.unwrap_or(0.05);
    let (Some(v), Some(status)) = (l.value, l.status) else {
        return "No value in the window.".into();
    };
    let actual = fmt_value(v, unit);
    match (k.def.direction(), status) {
        (_, Status::None) => {
            format!("{actual}: no target is set for this period, so there is no status.")
        }
        (Direction::Range, s) => {
            let (a, b) = (
                l.target_min.unwrap_or(f64::NAN),
                l.target_max.unwrap_or(f64::NAN),
            );
            let band = format!("{} – {}", fmt_value(a, unit), fmt_value(b, unit));
            match s {
                Status::Green => format!("{actual} is inside the band {band} → green"),
                Status::Amber => format!("{actual} is outside the band {band} by {}, within the {:.0}% tolerance of the band width → amber", fmt_value(l.gap.unwrap_or(0.0).abs(), unit), tol * 100.0),
                _ => format!("{actual} is outside the band {band} by {}, beyond the {:.0}% tolerance → red", fmt_value(l.gap.unwrap_or(0.0).abs(), unit), tol * 100.0),
            }
        }
        (dir, s) => {
            let t = l.target.unwrap_or(f64::NAN);
            let gap = l.gap.unwrap_or(0.0);
            let pct = l
                .gap_pct
                .map(|p| format!(" ({:+.1}%)", p * 100.0))
                .unwrap_or_default();
            let better = if dir == Direction::Lower {
                "at or below"
            } else {
                "at or above"
            };
            let miss = if dir == Direction::Lower {
                "above"
            } else {
                "short of"
            };
            match s {
                Status::Green => format!("{actual} vs target {}: {better} target → green", fmt_value(t, unit)),
                Status::Amber => format!("{actual} vs target {}: {} {miss} target{pct}, inside the {:.0}% tolerance → amber", fmt_value(t, unit), fmt_value(gap.abs(), unit), tol * 100.0),
                _ => format!("{actual} vs target {}: {} {miss} target{pct}, beyond the {:.0}% tolerance → red", fmt_value(t, unit), fmt_value(gap.abs(), unit), tol * 100.0),
            }
        }
    }
}
