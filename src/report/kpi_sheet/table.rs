/*!
The data table of a KPI sheet: one row per period of the analysis window with its
value, target, gap, status, the limits of the segment it belongs to, its moving range
and its signals. The charts draw from these columns, so a rebased segment shows as a
step in the CL/UNPL/LNPL lines, and the "Signal value" column — the value only where a
rule flagged the point — gives the signal markers their gaps. When there is a forecast,
one more row after the window holds the next period with its forecast and natural range
(status "Forecast"), so the chart can place them one period on.
*/
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::signals;
use crate::analysis::spc::rule_list;
use crate::analysis::{KpiResult, Point, Status};
use crate::model::kpi::Direction;
use crate::model::period::{Calendar, Grain};
use crate::report::cells::{row_index, Cell, Columns};
use crate::report::{value_format, words, Styles};

/// A column of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Col {
    Period,
    /// A text label ("2024-W10", "2024-Q2") for grains whose date alone reads poorly.
    Label,
    Value,
    Target,
    TargetMin,
    TargetMax,
    Gap,
    Status,
    Cl,
    Unpl,
    Lnpl,
    /// An adjusted KPI's season index and the limits plus that index (docs/methods.md §10).
    SeasonIndex,
    SeasonalCl,
    SeasonalUnpl,
    SeasonalLnpl,
    Mr,
    Url,
    Signals,
    /// Why the rules flagged the point, in words.
    Detail,
    SignalValue,
    /// The next-period forecast and its natural range, on the row after the window.
    Forecast,
    ForecastLow,
    ForecastHigh,
}

impl Col {
    /// Header and maximum width in characters.
    fn spec(self) -> (&'static str, usize) {
        match self {
            Col::Period => ("Period", 12),
            Col::Label => ("Label", 10),
            Col::Value => ("Value", 14),
            Col::Target => ("Target", 14),
            Col::TargetMin => ("Target min", 14),
            Col::TargetMax => ("Target max", 14),
            Col::Gap => ("Gap", 12),
            Col::Status => ("Status", 10),
            Col::Cl => ("CL", 14),
            Col::Unpl => ("UNPL", 14),
            Col::Lnpl => ("LNPL", 14),
            Col::SeasonIndex => ("Season index", 14),
            Col::SeasonalCl => ("Seasonal CL", 14),
            Col::SeasonalUnpl => ("Seasonal UNPL", 14),
            Col::SeasonalLnpl => ("Seasonal LNPL", 14),
            Col::Mr => ("mR", 12),
            Col::Url => ("URL", 12),
            Col::Signals => ("Signals", 28),
            Col::Detail => ("Signal detail", 60),
            Col::SignalValue => ("Signal value", 14),
            Col::Forecast => ("Forecast", 14),
            Col::ForecastLow => ("Forecast low", 14),
            Col::ForecastHigh => ("Forecast high", 14),
        }
    }

    /// The format every cell of the column has, which the column then carries: a
    /// number format, or text without fill or border (the Status column's colours
    /// differ from row to row).
    fn format<'a>(self, k: &KpiResult, st: &'a Styles, vf: &'a Format) -> Option<&'a Format> {
        match self {
            Col::Period => Some(st.date(k.grain)),
            Col::Label => Some(&st.text),
            Col::Status => None,
            Col::Signals => Some(&st.text_indent),
            Col::Detail => Some(&st.wrap),
            // Every number of the table is in the KPI's value format.
            _ => Some(vf),
        }
    }

    fn is_number(self) -> bool {
        !matches!(
            self,
            Col::Period | Col::Label | Col::Status | Col::Signals | Col::Detail
        )
    }

    /// What the abbreviated headers mean (the Method sheet lists them).
    fn explanation(self) -> Option<&'static str> {
        Some(match self {
            Col::Gap => "Value minus target; for a band, the distance outside it (0 inside).",
            Col::Cl => "Centre line: the mean of the segment's baseline values.",
            Col::Unpl => "Upper natural process limit: CL + 2.66 × the average moving range. Values above it are a signal.",
            Col::Lnpl => "Lower natural process limit: CL − 2.66 × the average moving range. Values below it are a signal.",
            Col::SeasonIndex => "For a KPI judged against its season: how far this period's season runs above (+) or below (−) the trend, in the KPI's unit. CL, UNPL, LNPL and mR are then on the values less their season index.",
            Col::SeasonalCl | Col::SeasonalUnpl | Col::SeasonalLnpl => "For a KPI judged against its season: CL, UNPL or LNPL plus the period's season index (limits inside the KPI's bounds), the lines the chart draws. A value outside the seasonal limits is a signal.",
            Col::Mr => "Moving range: the absolute change from the previous observation in the same segment (for a KPI judged against its season, of the values less their season index).",
            Col::Url => "Upper range limit: 3.268 × the average moving range. A moving range above it is a jump.",
            Col::Signals => "The signal rules that flagged this point; Signal detail says why.",
            Col::SignalValue => "The value again, only at points with a signal (the chart's signal markers).",
            Col::Forecast => "The next period's forecast (on the row after the window): the Theil–Sen trend line carried one period on, or the centre line when there is no trend.",
            Col::ForecastLow | Col::ForecastHigh => "The forecast's natural range: forecast ∓ 2.66 × the average moving range, inside the KPI's bounds. A value outside it next period would be a signal.",
            _ => return None,
        })
    }
}

/// The headers of a KPI sheet's table that need explaining, with what they mean.
pub(in crate::report) fn column_guide() -> Vec<(&'static str, &'static str)> {
    [
        Col::Gap,
        Col::Cl,
        Col::Unpl,
        Col::Lnpl,
        Col::SeasonIndex,
        Col::SeasonalCl,
        Col::Mr,
        Col::Url,
        Col::Signals,
        Col::SignalValue,
        Col::Forecast,
        Col::ForecastLow,
    ]
    .into_iter()
    .filter_map(|c| Some((c.spec().0, c.explanation()?)))
    .collect()
}

/// Where the table sits and which columns it has.
pub(super) struct Table {
    pub cols: Vec<Col>,
    pub header_row: u32,
    /// Number of data rows: one per period of the window, and the forecast row.
    pub len: u32,
    /// The period and value of the forecast row, when there is a forecast.
    forecast: Option<(NaiveDate, f64)>,
}

impl Table {
    pub(super) fn new(k: &KpiResult, header_row: u32) -> Table {
        let mut cols = vec![Col::Period];
        if matches!(k.grain, Grain::Week | Grain::Quarter | Grain::Year) {
            cols.push(Col::Label);
        }
        cols.push(Col::Value);
        if k.def.direction() == Direction::Range {
            cols.extend([Col::TargetMin, Col::TargetMax]);
        } else {
            cols.push(Col::Target);
        }
        cols.extend([Col::Gap, Col::Status, Col::Cl, Col::Unpl, Col::Lnpl]);
        if k.adjusted() {
            cols.extend([
                Col::SeasonIndex,
                Col::SeasonalCl,
                Col::SeasonalUnpl,
                Col::SeasonalLnpl,
            ]);
        }
        cols.extend([
            Col::Mr,
            Col::Url,
            Col::Signals,
            Col::Detail,
            Col::SignalValue,
        ]);
        let forecast = k.forecast.period.zip(k.forecast.value);
        if forecast.is_some() {
            cols.push(Col::Forecast);
            if k.forecast.low.is_some() || k.forecast.high.is_some() {
                cols.extend([Col::ForecastLow, Col::ForecastHigh]);
            }
        }
        Table {
            cols,
            header_row,
            len: row_index(k.series.len() + usize::from(forecast.is_some())),
            forecast,
        }
    }

    /// The column index of `col`, if the table has it.
    pub(super) fn col(&self, col: Col) -> Option<u16> {
        self.cols
            .iter()
            .position(|c| *c == col)
            .and_then(|i| u16::try_from(i).ok())
    }

    pub(super) fn first_row(&self) -> u32 {
        self.header_row + 1
    }

    /// The last data row (the header row when there are none).
    pub(super) fn last_row(&self) -> u32 {
        self.header_row + self.len
    }

    /// Write the header and one row per period; return the column widths seen.
    pub(super) fn write<'s>(
        &self,
        ws: &mut Worksheet,
        k: &KpiResult,
        st: &'s Styles,
        cal: &Calendar,
    ) -> Result<Columns<'s>, XlsxError> {
        let spec: Vec<(&'static str, usize)> = self.cols.iter().map(|c| c.spec()).collect();
        let mut cols = Columns::new(&spec);
        // One number format for the whole table (it looks at every value).
        let vf = value_format(st, k);
        cols.set_formats(ws, self.cols.iter().map(|c| c.format(k, st, vf)))?;
        // Each header once, in the format of its column's alignment (Period's, the
        // first, is the plain header's).
        for (c, col) in self.cols.iter().enumerate() {
            let Ok(c) = u16::try_from(c) else { continue };
            let header = match col {
                Col::Status | Col::Signals => &st.header_indent,
                _ if col.is_number() => &st.header_number,
                _ => &st.header,
            };
            ws.write_string_with_format(self.header_row, c, col.spec().0, header)?;
        }
        let details = signals::notes(k, cal);
        // Why each flagged point was flagged, beside its rules.
        let detail = |p: &Point| -> String {
            if p.rules.is_empty() {
                return String::new();
            }
            details
                .get(&p.period)
                .cloned()
                .unwrap_or_else(|| format!("{}: flagged here", rule_list(&p.rules)))
        };
        for (i, p) in k.series.iter().enumerate() {
            let row = self.first_row() + row_index(i);
            let cells: Vec<Cell> = self
                .cols
                .iter()
                .map(|c| match c {
                    Col::Detail if !p.rules.is_empty() => Cell::text(detail(p), &st.wrap),
                    _ => Self::cell(*c, k, p, st, cal, vf),
                })
                .collect();
            cols.write_row(ws, row, &cells)?;
        }
        // Rows whose detail wraps get the height it needs (widths are known now).
        if let Some(c) = self.col(Col::Detail) {
            for (i, p) in k.series.iter().enumerate() {
                let text = detail(p);
                if !text.is_empty() {
                    cols.fit_row(ws, self.first_row() + row_index(i), usize::from(c), &text)?;
                }
            }
        }
        if let Some((period, _)) = self.forecast {
            let row = self.first_row() + row_index(k.series.len());
            let cells: Vec<Cell> = self
                .cols
                .iter()
                .map(|c| match c {
                    Col::Period => Cell::Date(Some(period), st.date(k.grain)),
                    Col::Label => Cell::text(cal.label(period, k.grain), &st.text),
                    Col::Status => Cell::text("Forecast", &st.forecast),
                    Col::Forecast => Cell::Num(k.forecast.value, vf),
                    Col::ForecastLow => Cell::Num(k.forecast.low, vf),
                    Col::ForecastHigh => Cell::Num(k.forecast.high, vf),
                    _ => Cell::Num(None, vf),
                })
                .collect();
            cols.write_row(ws, row, &cells)?;
        }
        Ok(cols)
    }

    fn cell<'a>(
        col: Col,
        k: &'a KpiResult,
        p: &'a Point,
        st: &'a Styles,
        cal: &Calendar,
        vf: &'a Format,
    ) -> Cell<'a> {
        let seg = k.spc.segment_at(p.period);
        match col {
            Col::Period => Cell::Date(Some(p.period), st.date(k.grain)),
            Col::Label => Cell::text(cal.label(p.period, k.grain), &st.text),
            Col::Value => Cell::Num(p.value, vf),
            Col::Target => Cell::Num(p.target, vf),
            Col::TargetMin => Cell::Num(p.target_min, vf),
            Col::TargetMax => Cell::Num(p.target_max, vf),
            Col::Gap => Cell::Num(p.gap, vf),
            Col::Status => match p.value {
                None => Cell::text(words::status_label(None), st.status(Status::None)),
                Some(_) => Cell::text(words::status_label(Some(p.status)), st.status(p.status)),
            },
            Col::Cl => Cell::Num(seg.and_then(|s| s.cl), vf),
            Col::Unpl => Cell::Num(seg.and_then(|s| s.unpl), vf),
            Col::Lnpl => Cell::Num(seg.and_then(|s| s.lnpl), vf),
            Col::SeasonIndex => Cell::Num(p.seasonal.map(|s| s.index), vf),
            Col::SeasonalCl => Cell::Num(p.seasonal.and_then(|s| s.cl), vf),
            Col::SeasonalUnpl => Cell::Num(p.seasonal.and_then(|s| s.unpl), vf),
            Col::SeasonalLnpl => Cell::Num(p.seasonal.and_then(|s| s.lnpl), vf),
            Col::Mr => Cell::Num(p.mr, vf),
            Col::Url => Cell::Num(seg.and_then(|s| s.url), vf),
            Col::Signals => Cell::text(rule_list(&p.rules), &st.text_indent),
            // Only flagged points have a signal value and detail (the table writes the
            // detail, which knows every signal's words), only the forecast row a
            // forecast: the other rows leave these cells out.
            Col::SignalValue if !p.rules.is_empty() => Cell::Num(p.value, vf),
            Col::Detail
            | Col::SignalValue
            | Col::Forecast
            | Col::ForecastLow
            | Col::ForecastHigh => Cell::None,
        }
    }
}
