//! Health flags and the action that follows (docs/methods.md §8).
use std::collections::HashMap;

use chrono::NaiveDate;

use super::*;
use crate::analysis::targets;
use crate::model::kpi::Direction;
use crate::testkit::{def, kpi, some};

const STABLE: [f64; 12] = [
    10.0, 12.0, 11.0, 13.0, 12.0, 11.0, 10.0, 12.0, 11.0, 13.0, 12.0, 11.0,
];

fn with_targets(mut k: KpiResult) -> KpiResult {
    k.forecast = targets::forecast(&k.judged(), &Calendar::default());
    k.targets = targets::suggest(&k.judged(), &k.forecast, &Calendar::default());
    k
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn healthy_kpi_is_kept() {
    let mut ks = vec![with_targets(kpi(
        &some(&STABLE),
        def("A", Direction::Higher),
        Some(11.0),
    ))];
    assess_all(&mut ks, date(2024, 12, 15), &Calendar::default(), &None);
    assert_eq!(
        ks[0].health,
        Health {
            flags: vec![],
            action: Action::Keep
        }
    );
}

#[test]
fn stale_wins_over_everything() {
    // latest Dec 2024, as-of Feb 2025: two periods behind
    let mut ks = vec![with_targets(kpi(
        &some(&STABLE),
        def("A", Direction::Higher),
        None,
    ))];
    assess_all(&mut ks, date(2025, 2, 3), &Calendar::default(), &None);
    assert_eq!(ks[0].health.flags, [Flag::NoTarget, Flag::Stale]);
    assert_eq!(ks[0].health.action, Action::RetireOrFixData);
    // one period behind is not stale
    assess_all(&mut ks, date(2025, 1, 31), &Calendar::default(), &None);
    assert_eq!(ks[0].health.action, Action::Retarget);
}

#[test]
fn unrealistic_target_means_improve_and_too_easy_means_retarget() {
    let mut ks = vec![
        with_targets(kpi(
            &some(&STABLE),
            def("Hard", Direction::Higher),
            Some(20.0),
        )),
        with_targets(kpi(
            &some(&STABLE),
            def("Easy", Direction::Higher),
            Some(5.0),
        )),
    ];
    assess_all(&mut ks, date(2024, 12, 1), &Calendar::default(), &None);
    assert_eq!(ks[0].health.flags, [Flag::UnrealisticTarget]);
    assert_eq!(ks[0].health.action, Action::Improve);
    assert_eq!(ks[1].health.flags, [Flag::TooEasyTarget]);
    assert_eq!(ks[1].health.action, Action::Retarget);
}

#[test]
fn owner_with_nine_kpis_short_history_flatline_no_owner() {
    let mut ks: Vec<KpiResult> = (0..9)
        .map(|i| {
            with_targets(kpi(
                &some(&STABLE),
                def(&format!("K{i}"), Direction::Higher),
                Some(11.0),
            ))
        })
        .collect();
    let mut lonely = def("Flat", Direction::Higher);
    lonely.owner = None;
    ks.push(with_targets(kpi(&some(&[3.0; 8]), lonely, Some(3.0))));
    assess_all(&mut ks, date(2024, 12, 1), &Calendar::default(), &None);
    assert_eq!(ks[0].health.flags, [Flag::TooManyKpis]);
    assert_eq!(ks[0].health.action, Action::Review);
    // Eight months ending Aug 2024 are stale by December; a constant series that always
    // meets its target over ≥ 6 periods has a too-easy target.
    assert_eq!(
        ks[9].health.flags,
        [
            Flag::NoOwner,
            Flag::Stale,
            Flag::ShortHistory,
            Flag::TooEasyTarget,
            Flag::Flatline
        ]
    );
    assert_eq!(ks[9].health.action, Action::RetireOrFixData);
    assess_all(&mut ks, date(2024, 9, 1), &Calendar::default(), &None);
    assert_eq!(ks[9].health.action, Action::Retarget);
}

#[test]
fn deteriorating_trend_and_not_predictive() {
    let down: Vec<f64> = (0..12).map(|i| 50.0 - f64::from(i)).collect();
    let mut lead = def("Leads", Direction::Higher);
    lead.leads = vec!["Revenue".into()];
    let mut ks = vec![
        with_targets(kpi(
            &some(&down),
            def("Sales", Direction::Higher),
            Some(30.0),
        )),
        with_targets(kpi(&some(&STABLE), lead, Some(11.0))),
    ];
    let predictive: Predictive = Some(HashMap::from([("leads".to_string(), false)]));
    assess_all(
        &mut ks,
        date(2024, 12, 1),
        &Calendar::default(),
        &predictive,
    );
    assert!(
        ks[0].health.flags.contains(&Flag::DeterioratingTrend),
        "{:?}",
        ks[0].health.flags
    );
    assert_eq!(ks[0].health.action, Action::Improve);
    assert_eq!(ks[1].health.flags, [Flag::NotPredictive]);
    // without lead-lag results the flag is not judged
    assess_all(&mut ks, date(2024, 12, 1), &Calendar::default(), &None);
    assert_eq!(ks[1].health.flags, Vec::<Flag>::new());
}
