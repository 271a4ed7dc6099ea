/*!
The seasonality block of a KPI sheet (docs/report.md): shown when the KPI's history has
a significant seasonal pattern or the KPI is judged against its season. One sentence
says how far the peak and trough seasons run from the trend and whether the report
adjusts for them; below it the seasonal indices, as a row of cells and as a small
column chart drawn from those cells.
*/
use std::fmt::Write as _;

use rust_xlsxwriter::{
    Chart, ChartFont, ChartFormat, ChartSolidFill, ChartType, Worksheet, XlsxError,
};

use crate::analysis::seasonality::{p_words, Seasonality};
use crate::analysis::KpiResult;
use crate::model::units::fmt_value;
use crate::report::cells::{span_text, write_num, write_text, Columns};
use crate::report::styles::chart_color;
use crate::report::{value_format, Styles};

/// Rows of the block without its chart: heading, sentence, season labels, indices and a
/// blank row.
const TEXT_ROWS: u32 = 5;
/// Rows the chart takes (rows are 20 pixels) and its size in pixels.
const CHART_ROWS: u32 = 11;
const CHART: (u32, u32) = (520, 210);

/// The pattern to show, when there is one to show.
fn shown(k: &KpiResult) -> Option<&Seasonality> {
    k.seasonality
        .as_ref()
        .filter(|s| s.indices.is_some() && (s.adjusted || s.seasonal == Some(true)))
}

/// Rows the block takes on this KPI's sheet (0 when it has none).
pub(super) fn rows(k: &KpiResult, chart: bool) -> u32 {
    match shown(k) {
        None => 0,
        Some(_) if chart => TEXT_ROWS + CHART_ROWS,
        Some(_) => TEXT_ROWS,
    }
}

/// "Revenue runs 18% above its trend in Dec and 12% below in Feb (Kruskal–Wallis p <
/// 0.0001); judged against its season: …" — `None` without a pattern to show.
pub(in crate::report) fn sentence(k: &KpiResult) -> Option<String> {
    let s = shown(k)?;
    let (peak, trough) = s.peak_trough()?;
    let level = mean_level(k);
    let amount = |index: f64| match level {
        Some(m) => format!("{:.0}%", (index.abs() / m * 100.0)),
        None => fmt_value(index.abs(), k.def.unit.as_deref()),
    };
    let seasons = s.seasons;
    let mut text = format!(
        "{} runs {} above its trend in {} and {} below in {}",
        k.def.name,
        amount(s.index_at_season(peak)),
        seasons.label(peak),
        amount(s.index_at_season(trough)),
        seasons.label(trough)
    );
    if let Some(p) = s.kw_p {
        let _ = write!(text, " (Kruskal–Wallis {})", p_words(p));
    }
    text.push_str(if s.adjusted {
        "; judged against its season: limits, signals, trend, forecast and suggested targets use the values less their season index."
    } else {
        "; set seasonal = true in the config to judge it against its season."
    });
    Some(text)
}

/// The mean of the history's values when all are positive (so a percentage reads
/// naturally), else `None`.
fn mean_level(k: &KpiResult) -> Option<f64> {
    let v: Vec<f64> = k.history.iter().map(|p| p.value).collect();
    (!v.is_empty() && v.iter().all(|x| *x > 0.0))
        .then(|| crate::analysis::trend::mean(&v))
        .filter(|m| m.is_finite() && *m > 0.0)
}

/// Write the block from row `top`; with `chart`, the column chart of the indices.
pub(super) fn write(
    ws: &mut Worksheet,
    sheet: &str,
    k: &KpiResult,
    st: &Styles,
    cols: &Columns,
    (top, last_col): (u32, u16),
    chart: bool,
) -> Result<(), XlsxError> {
    let (Some(s), Some(text)) = (shown(k), sentence(k)) else {
        return Ok(());
    };
    let Some(indices) = s.indices.as_ref() else {
        return Ok(());
    };
    super::heading(ws, st, top, "Seasonality", (0, last_col))?;
    let width: usize = (0..=last_col).map(|c| cols.width(usize::from(c)) + 2).sum();
    if let Some(h) = span_text(ws, top + 1, (0, last_col), width * 11 / 10, &text, st)? {
        ws.set_row_height(top + 1, h)?;
    }
    let (labels, values) = (top + 2, top + 3);
    write_text(ws, labels, 0, "Season", &st.label)?;
    write_text(ws, values, 0, "Index", &st.label)?;
    let vf = value_format(st, k);
    for (i, v) in indices.iter().enumerate() {
        let Ok(c) = u16::try_from(i + 1) else { break };
        write_text(ws, labels, c, &s.seasons.label(i + 1), &st.header_number)?;
        write_num(ws, values, c, Some(*v), vf)?;
    }
    if chart {
        let last = u16::try_from(indices.len()).unwrap_or(1);
        let mut ch = Chart::new(ChartType::Column);
        ch.add_series()
            .set_name("Season index")
            .set_categories((sheet, labels, 1, labels, last))
            .set_values((sheet, values, 1, values, last))
            .set_format(
                ChartFormat::new()
                    .set_solid_fill(ChartSolidFill::new().set_color(chart_color::VALUE)),
            );
        ch.title()
            .set_name("Seasonal indices (above or below the trend)")
            .set_font(ChartFont::new().set_size(10).set_bold());
        ch.y_axis().set_num_format(st.chart_number(vf));
        ch.legend().set_hidden();
        ch.set_width(CHART.0).set_height(CHART.1);
        ws.insert_chart(top + TEXT_ROWS - 1, 0, &ch)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
