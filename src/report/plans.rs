/*!
The quarterly-review sheets. **Targets**: per KPI the current target, how it has fared
(hit rate, assurance, realism) and the targets the history suggests, with the
next-period forecast and the rationale. **Re-evaluation**: per KPI its health flags in
words and the one action that follows, decisions first, with the quarterly checklist.
*/
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{print_setup, row_index, write_text, Cell, Columns};
use super::{reasons, value_format, words, Styles};
use crate::analysis::health::{Action, Flag};
use crate::analysis::targets::Realism;
use crate::analysis::{KpiResult, Results};
use crate::model::kpi::Direction;

const TARGET_COLUMNS: [(&str, usize); 15] = [
    ("KPI", 36),
    ("Direction", 10),
    ("Current target", 16),
    ("Hit rate", 9),
    ("Assurance", 13),
    ("Realism", 12),
    ("Baseline", 14),
    ("Median", 14),
    ("Conservative", 14),
    ("Realistic", 14),
    ("Stretch", 14),
    ("Forecast", 14),
    ("Forecast low", 14),
    ("Forecast high", 14),
    ("Why", 70),
];
/// The realism verdict's reason and the suggestions' rule, in words.
const WHY_COL: usize = 14;

pub(super) fn realism_label(r: Realism) -> &'static str {
    match r {
        Realism::None => "no target",
        Realism::Unrealistic => "unrealistic",
        Realism::TooEasy => "too easy",
        Realism::Unknown => "unknown",
        Realism::Stretching => "stretching",
        Realism::Achievable => "achievable",
    }
}

fn realism_reason(k: &KpiResult) -> String {
    let a = &k.attainment;
    let hits = format!(
        "{} of {} periods with a target were met",
        a.hits, a.periods_with_target
    );
    match k.targets.realism {
        Realism::None => "The latest period has no target.".into(),
        Realism::Unrealistic => format!("The target lies beyond the natural process limits on the wrong side (assurance fail): the process as it runs cannot meet it; {hits}."),
        Realism::TooEasy => format!("The target is met without effort: {}; {hits}.", if k.spc.assurance == Some(crate::analysis::spc::Assurance::Pass) { "it lies beyond the natural process limits on the good side (assurance pass)" } else { "every period with a target was met" }),
        Realism::Unknown => format!("Too little to judge: no process limits and fewer than 6 periods with a target ({hits})."),
        Realism::Stretching => format!("Met less than half the time: {hits}."),
        Realism::Achievable => format!("Met more often than not, but not always: {hits}."),
    }
}

pub(super) fn write_targets(ws: &mut Worksheet, r: &Results, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Targets")?;
    super::cells::write_title(
        ws,
        0,
        "Targets: how realistic is each target, and what does the history suggest?",
        st,
    )?;
    write_text(ws, 1, 0, "Suggestions are for the next period, from the KPI's own baseline (the latest segment of its XmR chart, or the whole window). Review them before the next quarter; `kpilens report --suggest-targets FILE` writes them as a kpis.toml fragment.", &st.subtitle)?;
    let header = 3;
    let mut cols = Columns::new(&TARGET_COLUMNS);
    cols.write_headers(ws, header, &st.header)?;
    let mut row = header + 1;
    for k in &r.kpis {
        cols.write_row(ws, row, &target_cells(k, st))?;
        row += 1;
    }
    for (i, k) in r.kpis.iter().enumerate() {
        let row = header + 1 + row_index(i);
        cols.fit_row(ws, row, WHY_COL, &target_why(k))?;
    }
    cols.finish(ws, st)?;
    ws.set_freeze_panes(header + 1, 1)?;
    ws.autofilter(header, 0, (row - 1).max(header + 1), cols.last())?;
    print_setup(ws, super::cells::repeat_header(r, header))?;
    Ok(())
}

/// One KPI's row of the Targets sheet.
fn target_cells<'a>(k: &'a KpiResult, st: &'a Styles) -> Vec<Cell<'a>> {
    let vf = value_format(st, k);
    let t = &k.targets;
    let f = &k.forecast;
    let current = match (
        k.def.direction(),
        k.latest.target,
        k.latest.target_min,
        k.latest.target_max,
    ) {
        (Direction::Range, _, Some(a), Some(b)) => Cell::text(
            format!(
                "{} – {}",
                words::fmt_value(a, k.def.unit.as_deref()),
                words::fmt_value(b, k.def.unit.as_deref())
            ),
            &st.text_right,
        ),
        (_, t, _, _) => Cell::Num(t, vf),
    };
    let realism_fmt = match t.realism {
        Realism::Unrealistic | Realism::Stretching => &st.mdc_orange,
        Realism::TooEasy => &st.status_amber,
        Realism::Achievable => &st.status_green,
        Realism::None | Realism::Unknown => &st.mdc_grey,
    };
    vec![
        Cell::text(k.def.name.as_str(), &st.text),
        Cell::text(k.def.direction().as_str(), &st.text),
        current,
        Cell::Num(k.attainment.hit_rate, &st.percent),
        Cell::text(reasons::assurance_label(k), st.assurance(k.spc.assurance)),
        Cell::text(realism_label(t.realism), realism_fmt),
        Cell::Num(t.baseline, vf),
        Cell::Num(t.median, vf),
        Cell::Num(t.conservative, vf),
        Cell::Num(t.realistic, vf),
        Cell::Num(t.stretch, vf),
        Cell::Num(f.value, vf),
        Cell::Num(f.low, vf),
        Cell::Num(f.high, vf),
        Cell::text(target_why(k), &st.wrap_indent),
    ]
}

/// Why the realism verdict, and the rule the suggestions come from.
fn target_why(k: &KpiResult) -> String {
    format!("{} {}", realism_reason(k), k.targets.rationale)
}

pub(super) fn flag_words(flag: Flag) -> &'static str {
    match flag {
        Flag::NoTarget => "no target for the latest period",
        Flag::NoOwner => "no owner",
        Flag::Stale => "stale: no value for more than one period before the as-of date",
        Flag::ShortHistory => "short history: fewer than 12 values in the window",
        Flag::UnrealisticTarget => "unrealistic target: the process as it runs cannot meet it",
        Flag::TooEasyTarget => "too-easy target: met without effort",
        Flag::ConcernSignal => "special-cause concern at the latest point",
        Flag::DeterioratingTrend => "significant trend in the wrong direction",
        Flag::NotPredictive => "declared leading indicator that leads nothing significantly",
        Flag::Flatline => "all values in the window are equal",
        Flag::TooManyKpis => "its owner has more than 8 KPIs",
    }
}

pub(super) fn action_words(a: Action) -> &'static str {
    match a {
        Action::RetireOrFixData => "Retire, or fix the data feed",
        Action::Improve => "Improve: make it an improvement objective",
        Action::Retarget => "Retarget",
        Action::Review => "Review its definition and use",
        Action::Keep => "Keep: business as usual",
    }
}

const REVIEW_COLUMNS: [(&str, usize); 5] = [
    ("KPI", 36),
    ("Owner", 20),
    ("Action", 34),
    ("Flags", 80),
    ("Realism", 12),
];

const FLAGS_COL: usize = 3;

const CHECKLIST: [&str; 6] = [
    "Quarterly checklist for each KPI:",
    "1. Is it still tied to an objective someone cares about this year?",
    "2. Does it have an owner who can influence it?",
    "3. Is its target realistic (see Targets: realism and assurance)?",
    "4. If it is a leading indicator, does it really lead (see Lead-Lag)?",
    "5. Was it acted on last quarter? If nobody used it, retire it.",
];

pub(super) fn write_reevaluation(
    ws: &mut Worksheet,
    r: &Results,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Re-evaluation")?;
    super::cells::write_title(
        ws,
        0,
        "Re-evaluation: which KPIs need a decision this quarter",
        st,
    )?;
    for (i, line) in CHECKLIST.iter().enumerate() {
        write_text(ws, 1 + i as u32, 0, line, &st.subtitle)?;
    }
    let header = 1 + CHECKLIST.len() as u32 + 1;
    let mut cols = Columns::new(&REVIEW_COLUMNS);
    cols.write_headers(ws, header, &st.header)?;
    let mut kpis: Vec<&KpiResult> = r.kpis.iter().collect();
    // Decisions first (the action order of docs/methods.md §8), stable within an action.
    kpis.sort_by_key(|k| k.health.action as u8);
    let mut row = header + 1;
    let mut wrapped = Vec::new();
    for k in kpis {
        let flags: Vec<&str> = k.health.flags.iter().map(|f| flag_words(*f)).collect();
        let flags = if flags.is_empty() {
            "none".to_string()
        } else {
            flags.join("; ")
        };
        let action_fmt = match k.health.action {
            Action::RetireOrFixData | Action::Improve => &st.mdc_orange,
            Action::Retarget | Action::Review => &st.status_amber,
            Action::Keep => &st.status_green,
        };
        let cells = vec![
            Cell::text(k.def.name.as_str(), &st.text),
            Cell::text(k.def.owner.as_deref().unwrap_or(""), &st.text),
            Cell::text(action_words(k.health.action), action_fmt),
            Cell::text(flags.clone(), &st.wrap),
            Cell::text(realism_label(k.targets.realism), &st.text),
        ];
        cols.write_row(ws, row, &cells)?;
        wrapped.push((row, flags));
        row += 1;
    }
    for (row, flags) in &wrapped {
        cols.fit_row(ws, *row, FLAGS_COL, flags)?;
    }
    cols.finish(ws, st)?;
    ws.set_freeze_panes(header + 1, 1)?;
    ws.autofilter(header, 0, (row - 1).max(header + 1), cols.last())?;
    print_setup(ws, super::cells::repeat_header(r, header))?;
    Ok(())
}
