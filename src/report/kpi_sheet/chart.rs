/*!
The two charts of a KPI sheet, drawn from the table's columns so they always agree with
the numbers below them: a process behaviour chart (values with markers, the target or
its band, the centre line and dashed natural process limits — per row, so a rebased
segment shows as a step — the signal points as orange markers, and one period past the
window the forecast as a diamond between dashes at its natural range) and a small chart
of the moving ranges with their upper range limit. Empty cells are gaps, never zeros.
*/
use rust_xlsxwriter::{
    Chart, ChartAxisDateUnitType, ChartEmptyCells, ChartFont, ChartFormat, ChartLegendPosition,
    ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType, ChartSolidFill, ChartType,
    Worksheet, XlsxError,
};

use super::table::{Col, Table};
use crate::analysis::KpiResult;
use crate::model::period::Grain;
use crate::report::styles::chart_color;
use crate::report::{value_format, Styles};

/// Chart sizes in pixels.
const MAIN: (u32, u32) = (900, 360);
const RANGES: (u32, u32) = (900, 220);
/// Rows between the top of the main chart and the top of the moving-range chart
/// (rows are 20 pixels).
const RANGES_OFFSET: u32 = 19;
/// Rows the two charts take, with a blank row under them.
pub(super) const ROWS: u32 = RANGES_OFFSET + 12;

/// How a series is drawn.
#[derive(Clone, Copy)]
enum Look {
    /// A line with markers.
    Values,
    /// A plain line.
    Line(u32, ChartLineDashType),
    /// Markers only.
    Points,
    /// One marker only, of a kind and colour (the forecast and its range).
    Marker(ChartMarkerType, u8, u32),
}

/// Insert both charts with their top-left corner at (`row`, `col`).
pub(super) fn insert(
    ws: &mut Worksheet,
    sheet: &str,
    k: &KpiResult,
    table: &Table,
    st: &Styles,
    row: u32,
    col: u16,
) -> Result<(), XlsxError> {
    let vf = value_format(st, k);
    let number = st.chart_number(vf);
    let plot = Plot {
        sheet,
        k,
        table,
        st,
    };

    let mut main = Chart::new(ChartType::Line);
    if !plot.add(&mut main, Col::Value, Look::Values) {
        // No value, no chart (rust_xlsxwriter refuses a chart without series).
        return Ok(());
    }
    let solid = ChartLineDashType::Solid;
    let dash = ChartLineDashType::Dash;
    for target in [Col::Target, Col::TargetMin, Col::TargetMax] {
        plot.add(&mut main, target, Look::Line(chart_color::TARGET, solid));
    }
    // An adjusted KPI is judged against limits that follow its seasons.
    let (cl, unpl, lnpl) = if k.adjusted() {
        (Col::SeasonalCl, Col::SeasonalUnpl, Col::SeasonalLnpl)
    } else {
        (Col::Cl, Col::Unpl, Col::Lnpl)
    };
    plot.add(&mut main, cl, Look::Line(chart_color::CENTRE, solid));
    plot.add(&mut main, unpl, Look::Line(chart_color::LIMIT, dash));
    plot.add(&mut main, lnpl, Look::Line(chart_color::LIMIT, dash));
    plot.add(&mut main, Col::SignalValue, Look::Points);
    // The next period: the forecast as a diamond between dashes at its natural range.
    let forecast = chart_color::FORECAST;
    plot.add(
        &mut main,
        Col::Forecast,
        Look::Marker(ChartMarkerType::Diamond, 9, forecast),
    );
    for range in [Col::ForecastHigh, Col::ForecastLow] {
        plot.add(
            &mut main,
            range,
            Look::Marker(ChartMarkerType::LongDash, 9, forecast),
        );
    }
    plot.finish(&mut main, "Process behaviour chart", number, MAIN);
    if let Some(min) = axis_floor(k) {
        main.y_axis().set_min(min);
    }
    ws.insert_chart(row, col, &main)?;

    // A single observation has no moving range: then there is no second chart.
    let mut ranges = Chart::new(ChartType::Line);
    if plot.add(&mut ranges, Col::Mr, Look::Values) {
        plot.add(&mut ranges, Col::Url, Look::Line(chart_color::LIMIT, dash));
        plot.finish(&mut ranges, "Moving ranges", number, RANGES);
        ws.insert_chart(row + RANGES_OFFSET, col, &ranges)?;
    }
    Ok(())
}

/// What every series of one sheet's charts shares.
struct Plot<'a> {
    sheet: &'a str,
    k: &'a KpiResult,
    table: &'a Table,
    st: &'a Styles,
}

impl Plot<'_> {
    /// Are the categories text labels? Quarters and years are named, not dated, and
    /// there are few of them; days, weeks and months go on a date axis.
    fn labelled(&self) -> bool {
        matches!(self.k.grain, Grain::Quarter | Grain::Year) && self.table.col(Col::Label).is_some()
    }

    /// The category column: the period dates or their labels.
    fn categories(&self) -> Option<u16> {
        if self.labelled() {
            self.table.col(Col::Label)
        } else {
            self.table.col(Col::Period)
        }
    }

    /// Does the column hold any number? Series of empty columns are left out, so the
    /// legend lists only what is drawn.
    fn has_data(&self, col: Col) -> bool {
        let k = self.k;
        let any = |f: &dyn Fn(&crate::analysis::Point) -> Option<f64>| {
            k.series.iter().any(|p| f(p).is_some_and(f64::is_finite))
        };
        let seg = |p: &crate::analysis::Point,
                   f: fn(&crate::analysis::process::Segment) -> Option<f64>| {
            k.spc.segment_at(p.period).and_then(f)
        };
        match col {
            Col::Value => any(&|p| p.value),
            Col::Target => any(&|p| p.target),
            Col::TargetMin => any(&|p| p.target_min),
            Col::TargetMax => any(&|p| p.target_max),
            Col::Cl => any(&|p| seg(p, |s| s.cl)),
            Col::Unpl => any(&|p| seg(p, |s| s.unpl)),
            Col::Lnpl => any(&|p| seg(p, |s| s.lnpl)),
            Col::Url => any(&|p| seg(p, |s| s.url)),
            Col::SeasonalCl => any(&|p| p.seasonal.and_then(|s| s.cl)),
            Col::SeasonalUnpl => any(&|p| p.seasonal.and_then(|s| s.unpl)),
            Col::SeasonalLnpl => any(&|p| p.seasonal.and_then(|s| s.lnpl)),
            Col::Mr => any(&|p| p.mr),
            Col::SignalValue => any(&|p| p.value.filter(|_| !p.rules.is_empty())),
            Col::Forecast => k.forecast.value.is_some_and(f64::is_finite),
            Col::ForecastLow => k.forecast.low.is_some_and(f64::is_finite),
            Col::ForecastHigh => k.forecast.high.is_some_and(f64::is_finite),
            _ => false,
        }
    }

    /// Add the series of column `col`, when the table has it and it holds numbers;
    /// say whether it was added.
    fn add(&self, chart: &mut Chart, col: Col, look: Look) -> bool {
        let (Some(c), Some(cat)) = (self.table.col(col), self.categories()) else {
            return false;
        };
        if !self.has_data(col) {
            return false;
        }
        let (first, last, header) = (
            self.table.first_row(),
            self.table.last_row(),
            self.table.header_row,
        );
        let series = chart
            .add_series()
            .set_name((self.sheet, header, c))
            .set_categories((self.sheet, first, cat, last, cat))
            .set_values((self.sheet, first, c, last, c));
        match look {
            Look::Values => {
                series
                    .set_format(
                        ChartLine::new()
                            .set_color(chart_color::VALUE)
                            .set_width(1.75),
                    )
                    .set_marker(&marker(ChartMarkerType::Circle, 5, chart_color::VALUE));
            }
            Look::Line(color, dash) => {
                series
                    .set_format(
                        ChartLine::new()
                            .set_color(color)
                            .set_width(1.25)
                            .set_dash_type(dash),
                    )
                    .set_marker(ChartMarker::new().set_none());
            }
            Look::Points => {
                series
                    .set_format(ChartFormat::new().set_no_line())
                    .set_marker(&marker(ChartMarkerType::Circle, 9, chart_color::SIGNAL));
            }
            Look::Marker(kind, size, color) => {
                series
                    .set_format(ChartFormat::new().set_no_line())
                    .set_marker(&marker(kind, size, color));
            }
        }
        true
    }

    /// Title, axes, legend, gaps and size.
    fn finish(&self, chart: &mut Chart, title: &str, number: &str, size: (u32, u32)) {
        chart
            .title()
            .set_name(title)
            .set_font(ChartFont::new().set_size(11).set_bold());
        chart.y_axis().set_num_format(number);
        let x = chart.x_axis();
        if self.labelled() {
            // About a dozen labels: week labels side by side would overlap.
            let every = u16::try_from(self.k.series.len().div_ceil(12).max(1)).unwrap_or(1);
            x.set_text_axis(true)
                .set_label_interval(every)
                .set_tick_interval(every);
        } else {
            x.set_date_axis(true)
                .set_num_format(self.st.chart_date(self.k.grain));
            // About a dozen labels, on whole periods.
            let every = self.k.series.len().div_ceil(12).max(1);
            let (unit, kind) = match self.k.grain {
                Grain::Day => (every, ChartAxisDateUnitType::Days),
                Grain::Week => (every * 7, ChartAxisDateUnitType::Days),
                _ => (every, ChartAxisDateUnitType::Months),
            };
            x.set_major_unit(u32::try_from(unit).unwrap_or(u32::MAX))
                .set_major_unit_date_type(kind);
        }
        chart.legend().set_position(ChartLegendPosition::Bottom);
        chart
            .show_empty_cells_as(ChartEmptyCells::Gaps)
            .set_width(size.0)
            .set_height(size.1);
    }
}

/// Where the value axis of the main chart starts when zero would squash the picture:
/// for positive numbers whose spread is small next to their size (1.2M ± 0.3M, 95% ±
/// 3%), a round number a little below everything drawn. `None` keeps Excel's automatic
/// axis, which starts at zero.
fn axis_floor(k: &KpiResult) -> Option<f64> {
    let mut drawn: Vec<f64> = Vec::new();
    for p in &k.series {
        drawn.extend(
            [p.value, p.target, p.target_min, p.target_max]
                .into_iter()
                .flatten(),
        );
    }
    if k.adjusted() {
        for p in &k.series {
            if let Some(s) = p.seasonal {
                drawn.extend([s.cl, s.unpl, s.lnpl].into_iter().flatten());
            }
        }
    } else {
        for s in &k.spc.segments {
            drawn.extend([s.cl, s.unpl, s.lnpl].into_iter().flatten());
        }
    }
    drawn.extend(
        [k.forecast.value, k.forecast.low, k.forecast.high]
            .into_iter()
            .flatten(),
    );
    let (lo, hi) = drawn
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    let spread = hi - lo;
    if !(lo > 0.0 && spread > 0.0 && spread < 0.5 * hi) {
        return None;
    }
    // A round step of the spread's order of magnitude, and a margin of a tenth of it.
    let step = 10f64.powf(spread.log10().floor());
    Some(((lo - 0.1 * spread) / step).floor() * step).filter(|m| *m > 0.0)
}

fn marker(kind: ChartMarkerType, size: u8, color: u32) -> ChartMarker {
    let mut m = ChartMarker::new();
    m.set_type(kind).set_size(size).set_format(
        ChartFormat::new()
            .set_solid_fill(ChartSolidFill::new().set_color(color))
            .set_border(ChartLine::new().set_color(color)),
    );
    m
}

#[cfg(test)]
mod tests;
