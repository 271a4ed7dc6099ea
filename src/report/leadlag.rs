/*!
The Lead-Lag sheet: which leading indicators really lead. The pairs table (most
convincing first, by q), a plain-words note on each significant pair, and beside it the
r-by-lag grid coloured red–white–blue from −1 to +1, with a short guide to reading it.
*/
use rust_xlsxwriter::{ConditionalFormat3ColorScale, ConditionalFormatType, Worksheet, XlsxError};

use super::cells::{print_setup, write_text, Cell, Columns};
use super::reasons::fmt_p;
use super::Styles;
use crate::analysis::leadlag::Correlation;
use crate::analysis::Results;
use crate::model::kpi::Transform;

const COLUMNS: [(&str, usize); 13] = [
    ("Leading", 28),
    ("Lagging", 28),
    ("Grain", 8),
    ("Transform", 10),
    ("Best lag", 8),
    ("r", 8),
    ("Spearman", 9),
    ("n", 6),
    ("p", 9),
    ("q", 9),
    ("Strength", 11),
    ("Significant", 11),
    ("Note", 40),
];

const GUIDE: [&str; 5] = [
    "How to read this sheet:",
    "• Each pair asks: does a change in the leading KPI come before a change in the lagging one? r is the correlation at the best lag (periods later); by default it is computed on period-to-period changes, not levels, so two KPIs that merely both grow do not look related.",
    "• q corrects p for the number of lags and pairs tested (Bonferroni across lags, Benjamini–Hochberg across pairs): a pair is significant when q < 0.05.",
    "• Correlation is not causation: a significant lead is a reason to look closer, not proof. A declared pair whose best lag is 0 moves together but does not lead.",
    "• The grid on the right shows r at every lag: blue positive, red negative, white none.",
];

/// Excel's last column (XFD), 0-based.
const LAST_COLUMN: u16 = 16_383;

fn unit_word(c: &Correlation) -> &'static str {
    c.grain.as_str()
}

/// "A rise in X is followed 2 months later by a rise in Y: r = 0.61 on month-to-month
/// changes, q = 0.003".
pub(super) fn pair_sentence(c: &Correlation) -> Option<String> {
    let (k, r, q) = (c.best_lag?, c.r?, c.q?);
    let follow = if r >= 0.0 { "a rise" } else { "a fall" };
    let when = match k {
        0 => "in the same period".to_string(),
        1 => format!("1 {} later", unit_word(c)),
        k => format!("{k} {}s later", unit_word(c)),
    };
    let basis = match c.transform {
        Transform::Levels => "levels".to_string(),
        Transform::Detrend => "detrended levels".to_string(),
        Transform::Diff => format!("{}-to-{} changes", unit_word(c), unit_word(c)),
        Transform::SeasonalDiff => "year-over-year changes".to_string(),
    };
    let q = if q < 0.001 {
        "q < 0.001".to_string()
    } else {
        format!("q = {}", fmt_p(q))
    };
    Some(format!(
        "A rise in {} is followed {when} by {follow} in {}: r = {r:.2} on {basis}, {q}.",
        c.leading, c.lagging
    ))
}

pub(super) fn write(ws: &mut Worksheet, r: &Results, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Lead-Lag")?;
    super::cells::write_title(
        ws,
        0,
        "Lead-Lag: do the leading indicators really lead?",
        st,
    )?;
    for (i, line) in GUIDE.iter().enumerate() {
        write_text(ws, 1 + i as u32, 0, line, &st.subtitle)?;
    }
    let header = 1 + GUIDE.len() as u32 + 1;
    let mut cols = Columns::new(&COLUMNS);
    cols.write_headers(ws, header, &st.header)?;
    let grid = Grid::new(r);
    grid.headers(ws, header, st)?;
    let mut row = header + 1;
    for c in &r.correlations {
        cols.write_row(ws, row, &pair_cells(c, st))?;
        if c.significant {
            if let Some(s) = pair_sentence(c) {
                ws.insert_note(row, 11, &super::cells::note(&s))?;
            }
        }
        grid.row(ws, row, c, st)?;
        row += 1;
    }
    if r.correlations.is_empty() {
        write_text(ws, row, 0, "No pairs were tested: declare `leads = [\"…\"]` on leading KPIs in kpis.toml, or give at most 40 KPIs to test all pairs.", &st.text)?;
        row += 1;
    } else {
        grid.colour(ws, header + 1, row - 1)?;
    }
    cols.finish(ws, st)?;
    ws.set_freeze_panes(header + 1, 2)?;
    ws.autofilter(header, 0, (row - 1).max(header + 1), cols.last())?;
    print_setup(ws, super::cells::repeat_header(r, header))?;
    Ok(())
}

/// One pair's row of the table.
fn pair_cells<'a>(c: &'a Correlation, st: &'a Styles) -> Vec<Cell<'a>> {
    vec![
        Cell::text(c.leading.as_str(), &st.text),
        Cell::text(c.lagging.as_str(), &st.text),
        Cell::text(c.grain.as_str(), &st.text),
        Cell::text(c.transform.as_str(), &st.text),
        Cell::Num(c.best_lag.map(f64::from), &st.integer),
        Cell::Num(c.r, &st.r),
        Cell::Num(c.spearman, &st.r),
        Cell::Num(c.n.map(|n| n as f64), &st.integer),
        Cell::Num(c.p, &st.p),
        Cell::Num(c.q, &st.p),
        Cell::text(c.strength.unwrap_or(""), &st.text_indent),
        Cell::text(
            if c.significant { "yes" } else { "no" },
            if c.significant {
                &st.mdc_blue
            } else {
                &st.text
            },
        ),
        Cell::text(c.note.as_deref().unwrap_or(""), &st.text),
    ]
}

/// The r-by-lag grid beside the table: one column per lag, coloured red–white–blue
/// from −1 to +1. A sheet has 16,384 columns: lags beyond what fits are in the JSON
/// only (at most 1,000 lags are tested, so this never bites in practice).
struct Grid {
    first: u16,
    /// The last lag shown, when there is any.
    max_lag: Option<u32>,
    fits: u32,
}

impl Grid {
    fn new(r: &Results) -> Grid {
        let first = COLUMNS.len() as u16 + 1;
        let fits = u32::from(LAST_COLUMN - first);
        let max_lag = r
            .correlations
            .iter()
            .flat_map(|c| c.r_by_lag.iter().map(|l| l.lag))
            .max()
            .map(|m| m.min(fits));
        Grid {
            first,
            max_lag,
            fits,
        }
    }

    fn col(&self, lag: u32) -> u16 {
        self.first + u16::try_from(lag).unwrap_or(0)
    }

    fn headers(&self, ws: &mut Worksheet, header: u32, st: &Styles) -> Result<(), XlsxError> {
        let Some(m) = self.max_lag else {
            return Ok(());
        };
        for lag in 0..=m {
            ws.write_string_with_format(
                header,
                self.col(lag),
                format!("lag {lag}"),
                &st.header_number,
            )?;
            ws.set_column_width(self.col(lag), 7)?;
        }
        Ok(())
    }

    fn row(
        &self,
        ws: &mut Worksheet,
        row: u32,
        c: &Correlation,
        st: &Styles,
    ) -> Result<(), XlsxError> {
        for l in c.r_by_lag.iter().filter(|l| l.lag <= self.fits) {
            if let Some(v) = l.r.filter(|v| v.is_finite()) {
                ws.write_number_with_format(row, self.col(l.lag), v, &st.r)?;
            }
        }
        Ok(())
    }

    fn colour(&self, ws: &mut Worksheet, first_row: u32, last_row: u32) -> Result<(), XlsxError> {
        let Some(m) = self.max_lag else {
            return Ok(());
        };
        let scale = ConditionalFormat3ColorScale::new()
            .set_minimum(ConditionalFormatType::Number, -1)
            .set_midpoint(ConditionalFormatType::Number, 0)
            .set_maximum(ConditionalFormatType::Number, 1)
            .set_minimum_color(0xF8696B)
            .set_midpoint_color(0xFFFFFF)
            .set_maximum_color(0x5A8AC6);
        ws.add_conditional_format(first_row, self.first, last_row, self.col(m), &scale)?;
        Ok(())
    }
}
