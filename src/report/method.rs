/*!
The Method sheet: how to read the report and every definition it uses, in plain words,
with this run's parameters — so a reader who never ran kpilens can check what each
word and number means. The full text lives in docs/methods.md; this is its summary.
*/
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{print_setup, write_text};
use super::Styles;
use crate::analysis::spc::Rules;
use crate::analysis::Results;

const SECTIONS: [(&str, &[&str]); 9] = [
    ("How to read this report", &[
        "Summary: one row per KPI with its latest value against target, the trend, the process signals and the recommended action; the Why column says why the status is what it is, and the KPI's sheet (the name is a link) gives the reason for every other judgement.",
        "KPI sheets: the definition and headline numbers with the reason for each judgement (Why), the chart of each KPI with its centre line and natural process limits, and the table behind it; Signal detail says why each flagged point was flagged. One period past the data, a diamond marks the next-period forecast and two dashes its natural range.",
        "Targets, Lead-Lag and Re-evaluation are for the quarterly review; Data Quality lists every problem found in the inputs; Data shows every value analysed and the row it came from.",
    ]),
    ("Status (red / amber / green)", &[
        "Green: the target is met (at or above it for higher-is-better, at or below for lower-is-better, inside the band for range KPIs).",
        "Amber: missed by no more than the tolerance (a share of the target, or of the band width). Red: missed by more. Grey: no target.",
    ]),
    ("Trend", &[
        "Needs at least 6 values in the window. Direction comes from the Mann–Kendall test (p < 0.05); its size from the Theil–Sen slope, which one odd value cannot drag. Improving/deteriorating say whether the direction is the good one for the KPI.",
    ]),
    ("Natural process limits and signals (XmR charts)", &[
        "The centre line is the mean of the baseline; the natural process limits are the centre line ± 2.66 × the average moving range. Values inside them are routine (common-cause) variation.",
        "Signals: a value outside the limits; a long run on one side of the centre line; several values close to a limit; (NHS rules) a run of rising or falling values; (Wheeler rules) a jump larger than the upper range limit.",
        "Variation: improvement (a signal in the good direction), concern (in the wrong direction) or common cause. Signals are prompts to investigate, not verdicts.",
        "Assurance: pass when the target lies beyond the limits on the good side (met every period as the process runs), fail when it lies beyond them on the wrong side (never met without a change), hit and miss otherwise.",
    ]),
    ("Suggested targets", &[
        "From the KPI's own baseline (the latest segment of its chart, or the whole window): conservative = the mean, realistic = the 75th percentile (25th for lower-is-better), stretch = the 90th (10th). If the trend is improving, the realistic target is at least the forecast. All are kept within the KPI's natural bounds.",
        "Forecast of the next period: the Theil–Sen trend line carried one period on when the trend is significant, else the centre line of the latest segment (the window mean without limits); its natural range is the forecast ± 2.66 × the average moving range. The Targets sheet's Why column says how realistic the current target is and which rule produced the suggestions.",
        "Realism of the current target: unrealistic (assurance fail), too easy (assurance pass, or met in every one of at least 6 periods), stretching (met less than half the time), achievable, or unknown (too little history).",
    ]),
    ("Seasonality", &[
        "Monthly, quarterly and daily KPIs are checked for a seasonal pattern over their whole history: the straight-line trend is taken out, and a Kruskal–Wallis test asks whether what is left differs by calendar month, quarter of the fiscal year or weekday (seasonal when p < 0.01; at least three years, or weeks, of history with two values of every season). Each season's index is how far it runs above (+) or below (−) the trend, in the KPI's unit; the indices add up to zero.",
        "A KPI marked seasonal in the config is judged against its season: its limits, signals and moving ranges use the values less their season index, its trend compares each season only with itself (seasonal Mann–Kendall and Sen slope), and its forecast and suggested targets are for the next period's season. The chart draws the seasonal limits, which rise and fall with the seasons. Status, attainment and year-over-year changes always use the actual values.",
    ]),
    ("Leading and lagging indicators", &[
        "A leading KPI's changes should come before the lagging KPI's changes. r is the correlation of period-to-period changes at the best lag; q corrects for the number of lags and pairs tested; a pair is significant when q < 0.05. Correlation is not causation.",
    ]),
    ("Re-evaluation", &[
        "Each KPI gets health flags (stale, no target, no owner, short history, unrealistic or too-easy target, a concern signal, a deteriorating trend, a leading indicator that leads nothing, a flat line, an owner with too many KPIs) and one action, the first that applies: retire or fix the data, improve (make it an improvement objective), retarget, review, keep.",
    ]),
    ("Glossary", &[
        "Window: the recent periods analysed. Grain: day, week, month, quarter or year. Segment: a stretch of the chart with its own limits, starting at a rebase (a known process change). Baseline: the values the limits are computed from.",
    ]),
];

pub(super) fn write(ws: &mut Worksheet, r: &Results, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Method")?;
    ws.set_column_width(0, 120)?;
    super::cells::write_title(ws, 0, "Method: how this report was made", st)?;
    let d = &r.defaults;
    let params = [
        format!(
            "Rules: {}",
            match r.rules {
                Rules::Wheeler => "Wheeler (outside, run of 8, 3 of 4 near a limit, jump)",
                Rules::Nhs =>
                    "NHS Making Data Count (outside, run of 7, 2 of 3 beyond 2σ, trend of 7)",
            }
        ),
        format!(
            "Window: {} periods; as of {}; fiscal year starts in month {}",
            r.window, r.as_of, r.fiscal_year_start
        ),
        format!(
            "Default tolerance: {:.1}%; significance level α = 0.05",
            d.tolerance * 100.0
        ),
        format!(
            "Lead-lag: transform {}; at least {} pairs per lag; max lag {}",
            d.transform.as_str(),
            d.min_pairs,
            d.max_lag.map_or(
                "by grain (day 14, week 8, month 6, quarter 4, year 2)".to_string(),
                |m| m.to_string()
            )
        ),
        format!(
            "Written by kpilens {}; full definitions in docs/methods.md of the kpilens repository.",
            crate::VERSION
        ),
    ];
    let mut row = 2;
    write_text(ws, row, 0, "This run's parameters", &st.group)?;
    row += 1;
    for p in &params {
        write_text(ws, row, 0, p, &st.wrap)?;
        row += 1;
    }
    let columns: Vec<String> = super::kpi_sheet::column_guide()
        .into_iter()
        .map(|(header, meaning)| format!("{header}: {meaning}"))
        .collect();
    let sections = SECTIONS.iter().map(|(title, lines)| {
        (
            *title,
            lines.iter().map(|l| (*l).to_string()).collect::<Vec<_>>(),
        )
    });
    let guide = std::iter::once(("The columns of a KPI sheet's table", columns));
    for (title, lines) in sections.chain(guide) {
        row += 1;
        write_text(ws, row, 0, title, &st.group)?;
        row += 1;
        for line in &lines {
            write_text(ws, row, 0, line, &st.wrap)?;
            // Wrapped rows are not re-measured by every viewer: size them here
            // (about 110 characters per line at this column width).
            let lines = (line.chars().count() as f64 / 110.0).ceil().max(1.0);
            ws.set_row_height(row, 13.5 * lines)?;
            row += 1;
        }
    }
    print_setup(ws, None)?;
    Ok(())
}
