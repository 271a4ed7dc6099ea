/*!
One sheet per KPI (docs/report.md, "KPI sheets"): everything a reader needs to judge one KPI without
the rest of the workbook. From the top: a link back to the Summary, the KPI's name and
why its status is what it is; the definition beside the headline numbers; then the
process behaviour chart and the moving-range chart; then the data table they are drawn
from (its header repeated on every printed page when it runs over one). Top to bottom, so the sheet reads
like a page and prints one page wide at a readable size.

Sheet names are decided in `names` (Excel's rules, unique ignoring case), the table in
`table`, the signal notes in `signals`, the charts in `chart` and the two blocks above
the table in `blocks`. Past `max_charts` KPIs the sheets keep their tables and say why
they have no charts, so a workbook of thousands of KPIs stays quick to write and open.
*/
mod blocks;
mod chart;
mod names;
mod season;
mod signals;
mod table;

use rayon::prelude::*;
use rust_xlsxwriter::{Url, Worksheet, XlsxError};

use super::cells::{merge_text, span_text, write_date, write_num, write_text, Columns, Covered};
use super::{words, Styles};
use crate::analysis::{KpiResult, Results};
use crate::model::period::Calendar;
use blocks::{Item, Value};
pub use names::{sheet_names, MAX_KPI_SHEETS};
pub(super) use table::column_guide;
use table::Table;

/// Row of the block headings; the blocks' items follow.
const BLOCK_ROW: u32 = 4;
/// The definition block: labels in column A, values over B:E.
const LEFT: (u16, u16, u16) = (0, 1, 4);
/// The headline block: labels in column F (running into the empty G), values from H.
const RIGHT_LABEL: u16 = 5;
const RIGHT_VALUES: u16 = 7;
/// Width of column A, so the block labels fit beside the dates below them.
const LABEL_WIDTH: f64 = 14.0;

/// One sheet per KPI, in the order of `r.kpis`, charts for the first
/// `max_charts` of them. The sheets are independent, so they are built in parallel
/// and added in order: the file is the same whatever the number of threads.
pub(super) fn build_all(
    r: &Results,
    st: &Styles,
    max_charts: usize,
) -> Result<Vec<Worksheet>, XlsxError> {
    let cal = Calendar {
        fiscal_year_start: r.fiscal_year_start,
    };
    let names = sheet_names(r);
    let sheets: Vec<Worksheet> = r
        .kpis
        .par_iter()
        .zip(names.par_iter())
        .enumerate()
        .map(|(i, (k, name))| {
            let mut ws = Worksheet::new();
            ws.set_name(name)?;
            let charts = if i < max_charts {
                Charts::Draw
            } else {
                Charts::OverLimit(max_charts)
            };
            let sheet = Sheet {
                name,
                charts,
                lead: lead_line(r, k),
                repeat_headers: r.kpis.len() <= super::cells::REPEAT_HEADERS_MAX_KPIS,
            };
            write(&mut ws, &sheet, k, st, &cal)?;
            Ok(ws)
        })
        .collect::<Result<_, XlsxError>>()?;
    Ok(sheets)
}

/// The best-lag relationship of the pairs this KPI leads, in one line (Lead-Lag sheet).
fn lead_line(r: &Results, k: &KpiResult) -> Option<String> {
    let pairs: Vec<&crate::analysis::leadlag::Correlation> = r
        .correlations
        .iter()
        .filter(|c| c.leading == k.def.name && (c.declared || c.significant))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let parts: Vec<String> = pairs
        .iter()
        .map(
            |c| match (super::leadlag::pair_sentence(c), c.significant) {
                (Some(s), true) => s,
                _ => format!(
                    "no significant lead on {} ({}).",
                    c.lagging,
                    c.r.map_or("no usable lag".to_string(), |r| format!(
                        "best r = {r:.2} at lag {}, q = {}",
                        c.best_lag.unwrap_or(0),
                        c.q.map_or("n/a".into(), super::reasons::fmt_p)
                    ))
                ),
            },
        )
        .collect();
    Some(parts.join(" "))
}

/// Whether a sheet gets its charts.
#[derive(Clone, Copy)]
enum Charts {
    Draw,
    /// Beyond `--max-charts`: the limit.
    OverLimit(usize),
}

/// One KPI sheet's name and what it gets besides its KPI.
struct Sheet<'a> {
    name: &'a str,
    charts: Charts,
    /// The best-lag line of the pairs the KPI leads (Lead-Lag sheet).
    lead: Option<String>,
    /// The workbook is small enough to repeat table headers on printed pages.
    repeat_headers: bool,
}

fn write(
    ws: &mut Worksheet,
    sheet: &Sheet,
    k: &KpiResult,
    st: &Styles,
    cal: &Calendar,
) -> Result<(), XlsxError> {
    let link = Url::new("internal:'Summary'!A1")
        .set_text("← Summary")
        .set_tip("Back to the Summary");
    ws.write_url_with_format(0, 0, link, &st.link)?;
    super::cells::write_title(ws, 1, &k.def.name, st)?;
    write_text(ws, 2, 0, &words::status_reason(k), &st.subtitle)?;

    let mut definition = blocks::definition(k, st, cal);
    if let Some(line) = sheet.lead.clone() {
        definition.push(blocks::extra("Lead-lag", line));
    }
    let headline = blocks::headline(k, st, cal);
    let block_len = definition.len().max(headline.len());
    let why_row = BLOCK_ROW + 1 + u32::try_from(block_len).unwrap_or(0) + 1;
    let why_len =
        u32::try_from(headline.iter().filter(|it| it.note.is_some()).count()).unwrap_or(0);
    // The charts sit under the blocks and the reasons, the table under the charts:
    // read top-down on screen and printed one page wide at a size people can read.
    let charts_top = why_row + 1 + why_len + 1;
    let no_values = k.series.iter().all(|p| p.value.is_none());
    let drawn = matches!(sheet.charts, Charts::Draw) && !no_values;
    let season_top = charts_top + if drawn { chart::ROWS } else { 2 };
    let header_row = season_top + season::rows(k, drawn);
    let table = Table::new(k, header_row);
    let cols = table.write(ws, k, st, cal)?;
    cols.apply_widths(ws)?;
    ws.set_column_width(0, LABEL_WIDTH.max(cols.width(0) as f64 + 2.5))?;

    let right_end = u16::try_from(table.cols.len().saturating_sub(1)).unwrap_or(RIGHT_VALUES);
    write_blocks(ws, st, &cols, &definition, &headline, right_end)?;
    write_why(ws, st, &cols, why_row, &headline, right_end)?;
    season::write(ws, sheet.name, k, st, &cols, (season_top, right_end), drawn)?;

    match sheet.charts {
        _ if no_values => write_text(
            ws,
            charts_top,
            0,
            "No values in the analysis window, so there is no chart.",
            &st.subtitle,
        )?,
        Charts::Draw => chart::insert(ws, sheet.name, k, &table, st, charts_top, 0)?,
        Charts::OverLimit(max) => write_text(
            ws,
            charts_top,
            0,
            &format!(
                "No charts on this sheet: charts are drawn for the first {} only (--max-charts {max}). The table has every number.",
                words::plural(max, "KPI", "KPIs")
            ),
            &st.subtitle,
        )?,
    }
    // The table starts below the blocks and charts, so even a short one may run onto
    // a second printed page: its header repeats there.
    super::cells::print_setup(ws, sheet.repeat_headers.then_some(header_row))?;
    Ok(())
}

/// The definition beside the headline numbers, each row as tall as its wrapped text.
fn write_blocks(
    ws: &mut Worksheet,
    st: &Styles,
    cols: &Columns,
    definition: &[Item],
    headline: &[Item],
    right_end: u16,
) -> Result<(), XlsxError> {
    let mut heights = vec![None::<f64>; definition.len().max(headline.len())];
    heading(ws, st, BLOCK_ROW, "Definition", (LEFT.0, LEFT.2))?;
    heading(
        ws,
        st,
        BLOCK_ROW,
        "Headline numbers",
        (RIGHT_LABEL, right_end),
    )?;
    let left = Span {
        label: LEFT.0,
        first: LEFT.1,
        last: LEFT.2,
    };
    let right = Span {
        label: RIGHT_LABEL,
        first: RIGHT_VALUES,
        last: right_end,
    };
    for (items, span) in [(definition, left), (headline, right)] {
        for (i, it) in items.iter().enumerate() {
            let row = BLOCK_ROW + 1 + u32::try_from(i).unwrap_or(0);
            let h = write_item(ws, st, cols, row, span, it)?;
            if let (Some(slot), Some(h)) = (heights.get_mut(i), h) {
                *slot = Some(slot.map_or(h, |s| s.max(h)));
            }
        }
    }
    for (i, h) in heights.iter().enumerate() {
        if let Some(h) = h {
            ws.set_row_height(BLOCK_ROW + 1 + u32::try_from(i).unwrap_or(0), *h)?;
        }
    }
    Ok(())
}

/// "Why": the reason behind each headline judgement, in words, one row each under the
/// blocks — visible and printed, where a cell note would be neither.
fn write_why(
    ws: &mut Worksheet,
    st: &Styles,
    cols: &Columns,
    row: u32,
    headline: &[Item],
    right_end: u16,
) -> Result<(), XlsxError> {
    heading(ws, st, row, "Why", (LEFT.0, right_end))?;
    let span = Span {
        label: LEFT.0,
        first: LEFT.1,
        last: right_end,
    };
    // Column A holds the short form of the headline's longer labels.
    let short = |label: &'static str| match label {
        "Forecast next period" => "Forecast",
        "Suggested targets" => "Targets",
        "Suggested rebase" => "Rebase",
        other => other,
    };
    let reasons = headline
        .iter()
        .filter_map(|it| Some((short(it.label), it.note.clone()?)));
    for (i, (label, reason)) in reasons.enumerate() {
        let row = row + 1 + u32::try_from(i).unwrap_or(0);
        let it = Item {
            label,
            value: Value::Text(reason),
            note: None,
        };
        if let Some(h) = write_item(ws, st, cols, row, span, &it)? {
            ws.set_row_height(row, h)?;
        }
    }
    Ok(())
}

/// Where one block's items go.
#[derive(Clone, Copy)]
struct Span {
    label: u16,
    first: u16,
    last: u16,
}

/// A block heading filled across the block's columns.
fn heading(
    ws: &mut Worksheet,
    st: &Styles,
    row: u32,
    text: &str,
    (first, last): (u16, u16),
) -> Result<(), XlsxError> {
    // The text's cell first: it and the blanks beside it share the fill.
    write_text(ws, row, first, text, &st.group)?;
    for c in first + 1..=last {
        ws.write_blank(row, c, &st.group)?;
    }
    Ok(())
}

/// Write one label–value pair; return the row height its wrapped text needs.
fn write_item(
    ws: &mut Worksheet,
    st: &Styles,
    cols: &Columns,
    row: u32,
    span: Span,
    it: &Item,
) -> Result<Option<f64>, XlsxError> {
    write_text(ws, row, span.label, it.label, &st.label)?;
    let mut height = None;
    match &it.value {
        Value::Text(text) => {
            // Column widths count digits; text in a proportional font fits about a
            // tenth more characters.
            let width: usize = (span.first..=span.last)
                .map(|c| cols.width(usize::from(c)) + 2)
                .sum();
            height = span_text(ws, row, (span.first, span.last), width * 11 / 10, text, st)?;
        }
        Value::Badge(text, fmt) => {
            merge_text(
                ws,
                row,
                (span.first, span.first + 1),
                text,
                fmt,
                Covered::Formatted,
            )?;
        }
        Value::Num(v, fmt) => write_num(ws, row, span.first, *v, fmt)?,
        Value::Date(d, fmt) => write_date(ws, row, span.first, *d, fmt)?,
    }
    Ok(height)
}
