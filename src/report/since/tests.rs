use super::*;
use crate::analysis::changes::{PreviousInfo, SignalKey};
use crate::analysis::health::Action;
use crate::analysis::targets::Realism;
use crate::testkit::ym;

fn change(kpi: usize, status_change: Option<StatusChange>) -> KpiChange {
    KpiChange {
        name: format!("K{kpi}"),
        kpi,
        previous_period: None,
        period: None,
        previous_status: Some("green".into()),
        status: Some(Status::Red),
        status_change,
        previous_variation: None,
        variation: None,
        previous_assurance: None,
        assurance: None,
        previous_action: None,
        action: Action::Keep,
        previous_realism: None,
        realism: Realism::None,
        new_signals: vec![],
        cleared_signals: vec![],
        restated: vec![],
        retargeted: vec![],
        new_periods: vec![],
    }
}

fn changes(kpis: Vec<KpiChange>) -> Changes {
    Changes {
        previous: PreviousInfo {
            path: "p.json".into(),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 9, 30),
            version: None,
        },
        settings_differ: vec![],
        new_kpis: vec![],
        dropped_kpis: vec![],
        kpis,
        correlations: vec![],
    }
}

fn signal(m: u32) -> SignalKey {
    SignalKey {
        rule: "run".into(),
        period: ym(2026, m),
        side: "high".into(),
    }
}

fn restatement(m: u32) -> Restatement {
    Restatement {
        period: ym(2026, m),
        previous: Some(1.0),
        current: Some(2.0),
    }
}

#[test]
fn the_sentence_counts_what_changed() {
    let mut a = change(0, Some(StatusChange::Worse));
    a.new_signals = vec![signal(8), signal(9)];
    a.restated = vec![restatement(1), restatement(2), restatement(3)];
    let mut b = change(1, Some(StatusChange::Worse));
    b.new_signals = vec![signal(9)];
    b.restated = vec![restatement(4)];
    let c = change(2, Some(StatusChange::Better));
    let d = change(3, Some(StatusChange::Same));
    assert_eq!(
        sentence(&changes(vec![a, b, c, d])),
        "Since the report of 2026-09-30: 2 KPIs got worse, 1 better; 3 new signals; 4 values restated in 2 KPIs"
    );
}

#[test]
fn the_sentence_of_a_quiet_month() {
    let mut c = changes(vec![change(0, Some(StatusChange::Same))]);
    c.previous.as_of = None;
    assert_eq!(
        sentence(&c),
        "Since the previous report: no KPI changed status; 0 new signals; no values restated"
    );
    c.new_kpis = vec!["A".into()];
    c.dropped_kpis = vec!["B".into(), "C".into()];
    let mut one = change(0, Some(StatusChange::Worse));
    one.new_signals = vec![signal(1)];
    one.restated = vec![restatement(1)];
    c.kpis = vec![one];
    assert_eq!(
        sentence(&c),
        "Since the previous report: 1 KPI got worse, 0 better; 1 new signal; 1 value restated in 1 KPI; 1 KPI new, 2 dropped"
    );
}

#[test]
fn the_summary_cell_says_what_changed_in_a_few_words() {
    let mut a = change(0, Some(StatusChange::Worse));
    a.new_signals = vec![signal(8), signal(9)];
    a.restated = vec![restatement(1)];
    let mut b = change(1, Some(StatusChange::Better));
    b.previous_status = Some("amber".into());
    b.status = Some(Status::Green);
    b.cleared_signals = vec![signal(2)];
    b.retargeted = vec![Retargeting {
        period: ym(2026, 3),
        previous: TargetValue::Single(Some(1.0)),
        current: TargetValue::Single(Some(2.0)),
    }];
    let mut d = change(3, Some(StatusChange::Same));
    d.status = Some(Status::Green);
    let c = changes(vec![a, b, d]);
    assert_eq!(
        summary_cell(&c, 0),
        "▼ green → red; 2 new signals; restated"
    );
    assert_eq!(
        summary_cell(&c, 1),
        "▲ amber → green; 1 cleared signal; target changed"
    );
    assert_eq!(summary_cell(&c, 2), "new KPI");
    assert_eq!(summary_cell(&c, 3), "no change");
}

#[test]
fn restated_notes_in_words() {
    let k = crate::testkit::kpi(
        &[Some(1.0)],
        crate::model::kpi::KpiDef::new("Revenue"),
        None,
    );
    let c = changes(vec![]);
    let cal = Calendar::default();
    let s = |previous, current| Restatement {
        period: ym(2026, 9),
        previous,
        current,
    };
    assert_eq!(
        restated_note(&s(Some(1_210_400.0), Some(1_198_700.0)), &k, &c, &cal),
        "Revenue Sep 2026 was 1,210,400 in the report of 2026-09-30, now 1,198,700: −1.0%"
    );
    assert_eq!(
        restated_note(&s(Some(1_210_400.0), None), &k, &c, &cal),
        "Revenue Sep 2026 was 1,210,400 in the report of 2026-09-30, now blank"
    );
    assert_eq!(
        restated_note(&s(None, Some(5.0)), &k, &c, &cal),
        "Revenue Sep 2026 had no value in the report of 2026-09-30, now 5"
    );
    let t = Retargeting {
        period: ym(2026, 10),
        previous: TargetValue::Band(Some(30.0), Some(45.0)),
        current: TargetValue::Band(None, None),
    };
    assert_eq!(
        retargeted_note(&t, &k, &c, &cal),
        "Revenue's target for Oct 2026 was 30 – 45 in the report of 2026-09-30, now none"
    );
}
