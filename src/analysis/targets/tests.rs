//! Suggested targets, forecast and realism (docs/methods.md §6). Expected quantiles are
//! numpy's linear (type 7) ones, worked by hand in the comments.
use super::*;
use crate::model::kpi::Direction;
use crate::model::period::Calendar;
use crate::testkit::{def, kpi, month, some};

/// 12 values without trend; sorted: 10 10 11 11 11 11 12 12 12 12 13 13.
const STABLE: [f64; 12] = [
    10.0, 12.0, 11.0, 13.0, 12.0, 11.0, 10.0, 12.0, 11.0, 13.0, 12.0, 11.0,
];

fn run(k: &crate::analysis::KpiResult) -> (Forecast, Suggestions) {
    let f = forecast(&k.judged(), &Calendar::default());
    let s = suggest(&k.judged(), &f, &Calendar::default());
    (f, s)
}

#[test]
fn stable_higher_is_better() {
    let k = kpi(&some(&STABLE), def("A", Direction::Higher), Some(11.0));
    assert_eq!(
        k.trend.direction,
        Some(crate::analysis::trend::TrendDirection::Flat)
    );
    let (f, s) = run(&k);
    // mean 138/12 = 11.5; q.75: h = 8.25 → 12; q.90: h = 9.9 → 12 + 0.9 = 12.9
    assert_eq!(s.baseline, Some(11.5));
    assert_eq!(s.median, Some(11.5));
    assert_eq!(s.conservative, Some(11.5));
    assert_eq!(s.realistic, Some(12.0));
    assert!((s.stretch.unwrap() - 12.9).abs() < 1e-12);
    // Flat: the forecast is the centre line, ± 2.66 mR̄ (moving ranges sum to 15: mR̄ = 15/11).
    assert_eq!(f.period, Some(month(12)));
    assert_eq!(f.value, Some(11.5));
    assert!((f.high.unwrap() - (11.5 + 2.66 * 15.0 / 11.0)).abs() < 1e-12);
    assert!(s.rationale.contains("75th percentile"), "{}", s.rationale);
    // Each number says which rule produced it.
    let why = &s.reasons;
    assert_eq!(why.baseline, "Mean of the 12 months of the window: 11.5.");
    assert_eq!(why.median, "Median of the 12 months of the window: 11.5.");
    assert_eq!(
        why.conservative,
        "The baseline (mean of the 12 months of the window): 11.5, what the process delivers now."
    );
    assert_eq!(
        why.realistic,
        "75th percentile of the 12 months of the window: 12."
    );
    assert_eq!(
        why.stretch,
        "90th percentile of the 12 months of the window: 12.9."
    );
}

#[test]
fn lower_is_better_uses_the_low_quantiles_and_bounds_clamp() {
    let mut d = def("B", Direction::Lower);
    d.lower_bound = Some(10.5);
    let k = kpi(&some(&STABLE), d, None);
    let (f, s) = run(&k);
    // q.25: h = 2.75 → 11; q.10: h = 1.1 → 10.1, clamped to the bound 10.5
    assert_eq!(s.realistic, Some(11.0));
    assert_eq!(s.stretch, Some(10.5));
    assert_eq!(f.low, Some(10.5));
    assert_eq!(s.realism, Realism::None);
    assert_eq!(
        s.reasons.stretch,
        "10th percentile of the 12 months of the window: 10.1; clamped to the KPI's lower bound 10.5."
    );
    assert_eq!(
        s.reasons.realistic,
        "25th percentile of the 12 months of the window: 11."
    );
}

#[test]
fn improving_trend_takes_the_forecast() {
    let y: Vec<f64> = (1..=12).map(f64::from).collect();
    let mut d = def("C", Direction::Higher);
    d.upper_bound = Some(100.0);
    let k = kpi(&some(&y), d, Some(5.0));
    let (f, s) = run(&k);
    // Sen slope 1, intercept median(y) − median(t) = 6.5 − 5.5 = 1 → t = 12 gives 13.
    assert_eq!(f.value, Some(13.0));
    assert_eq!(s.realistic, Some(13.0));
    assert_eq!(s.stretch, Some(13.0));
    assert!(s.rationale.contains("forecast 13"), "{}", s.rationale);
    // q.75 of 1..12: h = 8.25 → 9.25; q.90: h = 9.9 → 10.9, below the realistic 13.
    assert_eq!(
        s.reasons.realistic,
        "75th percentile of the 12 months of the window: 9.25; the trend is improving, so the forecast 13 was used instead."
    );
    assert_eq!(
        s.reasons.stretch,
        "90th percentile of the 12 months of the window: 10.9; the realistic target 13 is more ambitious, so it is used."
    );
}

#[test]
fn range_kpis_get_a_baseline_but_no_suggestions() {
    let mut d = def("D", Direction::Range);
    d.target_min = Some(9.0);
    d.target_max = Some(14.0);
    let k = kpi(&some(&STABLE), d, None);
    let (_, s) = run(&k);
    assert_eq!(s.baseline, Some(11.5));
    assert_eq!((s.conservative, s.realistic, s.stretch), (None, None, None));
}

#[test]
fn fewer_than_six_points() {
    let k = kpi(
        &some(&[1.0, 2.0, 3.0]),
        def("E", Direction::Higher),
        Some(2.0),
    );
    let (f, s) = run(&k);
    assert_eq!((s.baseline, s.realistic), (None, None));
    assert_eq!(s.realism, Realism::Unknown);
    assert_eq!(f.value, Some(2.0)); // the window mean, no range without limits
    assert_eq!((f.low, f.high), (None, None));
}

#[test]
fn realism_verdicts() {
    // limits of STABLE: 11.5 ± 2.66·15/11 = 7.873 … 15.127
    let verdict = |t: f64| {
        suggest(
            &kpi(&some(&STABLE), def("F", Direction::Higher), Some(t)).judged(),
            &Forecast::default(),
            &Calendar::default(),
        )
        .realism
    };
    assert_eq!(verdict(20.0), Realism::Unrealistic); // above UNPL: fail
    assert_eq!(verdict(5.0), Realism::TooEasy); // below LNPL: pass
    assert_eq!(verdict(12.5), Realism::Stretching); // hit 2 of 12
    assert_eq!(verdict(11.0), Realism::Achievable); // hit 10 of 12, not all
}
