use super::*;
use crate::analysis::process::Signal;
use crate::analysis::series::KpiSeries;
use crate::analysis::spc::{Rule, Rules, Side};
use crate::analysis::{Defaults, Point};
use crate::model::kpi::{KpiDef, Transform};
use crate::model::previous::PreviousPair;
use crate::testkit::{bare, point, ym};

/// A monthly KPI from January 2024: `(value, target)` per month, the whole history in
/// the window.
fn monthly(def: KpiDef, periods: &[(Option<f64>, Option<f64>)]) -> KpiResult {
    let points: Vec<Point> = periods
        .iter()
        .enumerate()
        .map(|(i, (v, t))| Point {
            value: *v,
            target: *t,
            ..point(ym(2024, 1 + i as u32))
        })
        .collect();
    let n = points.len();
    bare(KpiSeries::new(def, Grain::Month, points, n, 0.05))
}

fn results(kpis: Vec<KpiResult>) -> Results {
    Results {
        as_of: ym(2024, 4),
        rules: Rules::Wheeler,
        period: None,
        window: 24,
        fiscal_year_start: 1,
        inputs: vec![],
        layouts: vec![],
        kpis,
        correlations: vec![],
        findings: vec![],
        defaults: Defaults::default(),
        changes: None,
    }
}

fn prev_point(m: u32, value: Option<f64>, target: Option<f64>) -> PreviousPoint {
    PreviousPoint {
        period: ym(2024, m),
        value: Some(value),
        target: Some(target),
        target_min: Some(None),
        target_max: Some(None),
    }
}

fn signal(rule: &str, period: NaiveDate, side: &str) -> PreviousSignal {
    PreviousSignal {
        rule: rule.into(),
        period,
        side: side.into(),
    }
}

fn key(rule: &str, period: NaiveDate, side: &str) -> SignalKey {
    SignalKey {
        rule: rule.into(),
        period,
        side: side.into(),
    }
}

/// Revenue, Jan–Apr 2024: 10, 11, 12, 13 against 12, 12, 12.5, 14 (April: 13 vs 14 is
/// 7.1% short, beyond the 5% tolerance → red), an `outside` signal in April.
fn revenue() -> KpiResult {
    let mut k = monthly(
        KpiDef::new("Revenue"),
        &[
            (Some(10.0), Some(12.0)),
            (Some(11.0), Some(12.0)),
            (Some(12.0), Some(12.5)),
            (Some(13.0), Some(14.0)),
        ],
    );
    k.spc.signals = vec![Signal {
        rule: Rule::Outside,
        period: ym(2024, 4),
        side: Side::High,
    }];
    k
}

/// The earlier run (as of 2024-03-31): " revenue " (matched ignoring case and spaces)
/// green in February, March still blank, Feb 11.5 since restated to 11; a run signal in
/// February (in this window) and one in December 2023 (before it); "Old" since dropped.
fn previous() -> PreviousRun {
    PreviousRun {
        path: "prev.json".into(),
        version: Some("0.0.9".into()),
        as_of: NaiveDate::from_ymd_opt(2024, 3, 31),
        rules: Some("wheeler".into()),
        kpis: vec![
            PreviousKpi {
                name: " revenue ".into(),
                grain: Some("month".into()),
                period: Some(ym(2024, 2)),
                status: Some("green".into()),
                variation: Some("improvement".into()),
                action: Some("keep".into()),
                signals: Some(vec![
                    signal("run", ym(2024, 2), "high"),
                    signal("run", ym(2023, 12), "high"),
                    signal("outside", ym(2024, 4), "low"),
                ]),
                series: Some(vec![
                    prev_point(1, Some(10.0), Some(12.0)),
                    prev_point(2, Some(11.5), Some(12.0)),
                    prev_point(3, None, Some(12.0)),
                ]),
                ..PreviousKpi::default()
            },
            PreviousKpi {
                name: "Old".into(),
                ..PreviousKpi::default()
            },
        ],
        correlations: Some(vec![]),
    }
}

#[test]
fn status_ranks_red_below_amber_below_green() {
    let cases = [
        (Some("green"), Some(Status::Red), Some(StatusChange::Worse)),
        (Some("amber"), Some(Status::Red), Some(StatusChange::Worse)),
        (Some("red"), Some(Status::Green), Some(StatusChange::Better)),
        (Some("red"), Some(Status::Amber), Some(StatusChange::Better)),
        (Some("amber"), Some(Status::Amber), Some(StatusChange::Same)),
        (Some("none"), Some(Status::Green), None),
        (Some("green"), Some(Status::None), None),
        (None, Some(Status::Green), None),
        (Some("green"), None, None),
        (Some("purple"), Some(Status::Green), None),
    ];
    for (before, after, expected) in cases {
        assert_eq!(
            status_change(before, after),
            expected,
            "{before:?} → {after:?}"
        );
    }
}

#[test]
fn values_differ_beyond_a_relative_1e_9_or_on_one_side_only() {
    assert!(!differ(
        Some(1_210_400.0),
        Some(1_210_400.0 * (1.0 + 1e-12))
    ));
    assert!(differ(Some(1_210_400.0), Some(1_210_400.01)));
    assert!(!differ(Some(0.0), Some(0.0)));
    assert!(!differ(Some(0.0), Some(-0.0)));
    assert!(differ(Some(0.0), Some(1e-300)));
    assert!(differ(Some(5.0), None));
    assert!(differ(None, Some(5.0)));
    assert!(!differ(None, None));
}

#[test]
fn a_kpi_in_both_runs_gets_every_change() {
    let r = results(vec![
        revenue(),
        monthly(KpiDef::new("Tickets"), &[(Some(3.0), None)]),
    ]);
    let (c, _) = compare(&r, &previous());
    assert_eq!(
        c.previous,
        PreviousInfo {
            path: "prev.json".into(),
            as_of: NaiveDate::from_ymd_opt(2024, 3, 31),
            version: Some("0.0.9".into()),
        }
    );
    assert_eq!(c.new_kpis, vec!["Tickets".to_string()]);
    assert_eq!(c.dropped_kpis, vec!["Old".to_string()]);
    assert_eq!(c.settings_differ, vec![]);
    assert_eq!(c.kpis.len(), 1);
    let k = &c.kpis[0];
    assert_eq!(k.name, "Revenue");
    assert_eq!(k.kpi, 0);
    assert_eq!(
        (k.previous_period, k.period),
        (Some(ym(2024, 2)), Some(ym(2024, 4)))
    );
    assert_eq!(k.previous_status.as_deref(), Some("green"));
    assert_eq!(k.status, Some(Status::Red));
    assert_eq!(k.status_change, Some(StatusChange::Worse));
    assert_eq!(k.previous_variation.as_deref(), Some("improvement"));
    assert_eq!(k.variation, None);
    assert_eq!(k.previous_action.as_deref(), Some("keep"));
    // The same (rule, period) on the other side is another signal.
    assert_eq!(k.new_signals, vec![key("outside", ym(2024, 4), "high")]);
    assert_eq!(
        k.cleared_signals,
        vec![
            key("run", ym(2024, 2), "high"),
            key("outside", ym(2024, 4), "low")
        ]
    );
    assert_eq!(
        k.restated,
        vec![
            Restatement {
                period: ym(2024, 2),
                previous: Some(11.5),
                current: Some(11.0)
            },
            Restatement {
                period: ym(2024, 3),
                previous: None,
                current: Some(12.0)
            },
        ]
    );
    assert_eq!(
        k.retargeted,
        vec![Retargeting {
            period: ym(2024, 3),
            previous: TargetValue::Single(Some(12.0)),
            current: TargetValue::Single(Some(12.5)),
        }]
    );
    assert_eq!(k.new_periods, vec![ym(2024, 3), ym(2024, 4)]);
    assert_eq!(c.status_counts(), (1, 0));
    assert_eq!(c.new_signal_count(), 1);
    assert_eq!(c.restated_counts(), (2, 1));
    // (11 − 11.5) / 11.5
    assert_eq!(k.restated[0].relative_change(), Some(-0.5 / 11.5));
    assert_eq!(k.restated[1].relative_change(), None);
}

#[test]
fn restated_history_names_the_periods_with_both_values() {
    let r = results(vec![revenue()]);
    let (_, findings) = compare(&r, &previous());
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.severity, crate::analysis::Severity::Warning);
    assert_eq!(f.code, FindingCode::RestatedHistory);
    assert_eq!(f.kpi.as_deref(), Some("Revenue"));
    assert_eq!(f.file.as_deref(), Some("prev.json"));
    assert_eq!(
        f.message,
        "Revenue: 2 past values differ from the report of 2024-03-31 (prev.json): Feb 2024 was 11.5, now 11; Mar 2024 was blank, now 12. History that changes between exports should be explained."
    );
}

#[test]
fn at_most_five_restated_periods_are_named() {
    let values: Vec<(Option<f64>, Option<f64>)> =
        (0..7).map(|i| (Some(f64::from(i)), None)).collect();
    let r = results(vec![monthly(KpiDef::new("Calls"), &values)]);
    let prev = PreviousRun {
        path: "p.json".into(),
        kpis: vec![PreviousKpi {
            name: "Calls".into(),
            series: Some(
                (0..7)
                    .map(|i| prev_point(1 + i, Some(f64::from(i) + 100.0), None))
                    .collect(),
            ),
            ..PreviousKpi::default()
        }],
        ..PreviousRun::default()
    };
    let (c, findings) = compare(&r, &prev);
    assert_eq!(c.kpis[0].restated.len(), 7);
    assert_eq!(
        findings[0].message,
        "Calls: 7 past values differ from the previous report (p.json): Jan 2024 was 100, now 0; Feb 2024 was 101, now 1; Mar 2024 was 102, now 2; Apr 2024 was 103, now 3; May 2024 was 104, now 4; and 2 more. History that changes between exports should be explained."
    );
}

#[test]
fn an_older_file_compares_only_the_fields_it_has() {
    let r = results(vec![revenue()]);
    let mut prev = previous();
    prev.correlations = None;
    let k = &mut prev.kpis[0];
    k.signals = None;
    k.status = None;
    for p in k.series.as_mut().unwrap() {
        p.target = None;
    }
    let (c, _) = compare(&r, &prev);
    let k = &c.kpis[0];
    assert_eq!(k.new_signals, vec![]);
    assert_eq!(k.cleared_signals, vec![]);
    assert_eq!(k.retargeted, vec![]);
    assert_eq!(k.status_change, None);
    assert_eq!(k.restated.len(), 2);
    assert_eq!(c.correlations, vec![]);
}

#[test]
fn a_range_kpi_compares_its_band() {
    let def = KpiDef {
        direction: Some(Direction::Range),
        ..KpiDef::new("Inventory days")
    };
    let mut k = monthly(def, &[(Some(35.0), None), (Some(36.0), None)]);
    for p in &mut k.series {
        p.target_min = Some(30.0);
        p.target_max = Some(40.0);
    }
    let band = |m: u32, min: Option<f64>, max: Option<f64>| PreviousPoint {
        target_min: Some(min),
        target_max: Some(max),
        ..prev_point(m, Some(35.0 + f64::from(m - 1)), None)
    };
    let prev = PreviousRun {
        kpis: vec![PreviousKpi {
            name: "Inventory days".into(),
            series: Some(vec![
                band(1, Some(30.0), Some(45.0)),
                band(2, Some(30.0), Some(40.0)),
            ]),
            ..PreviousKpi::default()
        }],
        ..PreviousRun::default()
    };
    let (c, _) = compare(&results(vec![k]), &prev);
    assert_eq!(
        c.kpis[0].retargeted,
        vec![Retargeting {
            period: ym(2024, 1),
            previous: TargetValue::Band(Some(30.0), Some(45.0)),
            current: TargetValue::Band(Some(30.0), Some(40.0)),
        }]
    );
    assert_eq!(c.kpis[0].restated, vec![]);
}

#[test]
fn a_later_previous_as_of_is_a_warning() {
    let r = results(vec![revenue()]);
    let mut prev = previous();
    prev.as_of = NaiveDate::from_ymd_opt(2024, 6, 30);
    let (_, findings) = compare(&r, &prev);
    let f = findings
        .iter()
        .find(|f| f.code == FindingCode::PreviousAfterAsOf)
        .unwrap();
    assert_eq!(f.severity, crate::analysis::Severity::Warning);
    assert_eq!(
        f.message,
        "The previous results (prev.json) are as of 2024-06-30, later than this report's 2024-04-01; they were compared all the same. Check that --previous names the earlier report."
    );
}

#[test]
fn settings_that_differ_are_read_from_what_the_file_shows() {
    // This run: wheeler, window 24, fiscal year from January. The earlier file: nhs;
    // a series of 12 that starts after its KPI's first period (window 12); Revenue at
    // another grain; a quarterly KPI whose quarters began in February.
    let r = results(vec![
        revenue(),
        monthly(KpiDef::new("Survey"), &[(Some(1.0), None)]),
    ]);
    let prev = PreviousRun {
        path: "p.json".into(),
        as_of: NaiveDate::from_ymd_opt(2024, 3, 31),
        rules: Some("nhs".into()),
        kpis: vec![
            PreviousKpi {
                name: "Revenue".into(),
                grain: Some("week".into()),
                ..PreviousKpi::default()
            },
            PreviousKpi {
                name: "Calls".into(),
                grain: Some("month".into()),
                first_period: Some(ym(2022, 1)),
                series: Some((1..=12).map(|m| prev_point(m, Some(1.0), None)).collect()),
                ..PreviousKpi::default()
            },
            PreviousKpi {
                name: "Survey".into(),
                grain: Some("quarter".into()),
                series: Some(vec![prev_point(2, Some(1.0), None)]),
                ..PreviousKpi::default()
            },
        ],
        correlations: None,
        ..PreviousRun::default()
    };
    let (c, findings) = compare(&r, &prev);
    let names: Vec<&str> = c
        .settings_differ
        .iter()
        .map(|d| d.setting.as_str())
        .collect();
    assert_eq!(names, ["rules", "window", "period", "fiscal_year_start"]);
    let f = findings
        .iter()
        .find(|f| f.code == FindingCode::PreviousSettingsDiffer)
        .unwrap();
    assert_eq!(f.severity, crate::analysis::Severity::Info);
    assert_eq!(
        f.message,
        "Run settings differ from the report of 2024-03-31 (p.json): rules nhs → wheeler; window 12 → 24 periods; period grain of Revenue week → month, Survey quarter → month; fiscal_year_start quarter periods began in February, which this run's fiscal year start (January) does not give. Some changes may come from the settings rather than the data."
    );
}

#[test]
fn the_same_settings_make_no_finding() {
    // A series holding its KPI's whole history says nothing about the window; quarters
    // beginning in April fit a fiscal year from January.
    let r = results(vec![revenue()]);
    let prev = PreviousRun {
        rules: Some("wheeler".into()),
        kpis: vec![
            PreviousKpi {
                name: "Revenue".into(),
                grain: Some("month".into()),
                first_period: Some(ym(2024, 1)),
                series: Some(
                    (1..=3)
                        .map(|m| prev_point(m, Some(f64::from(m) + 9.0), Some(12.0)))
                        .collect(),
                ),
                ..PreviousKpi::default()
            },
            PreviousKpi {
                name: "Survey".into(),
                grain: Some("quarter".into()),
                series: Some(vec![prev_point(4, Some(1.0), None)]),
                ..PreviousKpi::default()
            },
        ],
        ..PreviousRun::default()
    };
    let (c, findings) = compare(&r, &prev);
    assert_eq!(c.settings_differ, vec![]);
    assert!(findings
        .iter()
        .all(|f| f.code != FindingCode::PreviousSettingsDiffer));
}

fn correlation(
    leading: &str,
    lagging: &str,
    best_lag: Option<u32>,
    significant: bool,
) -> Correlation {
    Correlation {
        leading: leading.into(),
        lagging: lagging.into(),
        grain: Grain::Month,
        transform: Transform::Diff,
        best_lag,
        r: None,
        n: None,
        p: None,
        p_lag_adj: None,
        q: None,
        spearman: None,
        strength: None,
        significant,
        r_by_lag: vec![],
        note: None,
        declared: true,
    }
}

#[test]
fn pairs_whose_significance_or_best_lag_changed() {
    let mut r = results(vec![]);
    r.correlations = vec![
        correlation("Leads", "Revenue", Some(2), true),
        correlation("Leads", "Churn", Some(1), false),
        correlation("Visits", "Revenue", Some(3), false),
        correlation("New", "Revenue", Some(1), true),
    ];
    let pair = |a: &str, b: &str, s: Option<bool>, l: Option<Option<u32>>| PreviousPair {
        leading: a.into(),
        lagging: b.into(),
        significant: s,
        best_lag: l,
    };
    let prev = PreviousRun {
        correlations: Some(vec![
            pair("LEADS", "revenue", Some(false), Some(Some(2))),
            pair("Leads", "Churn", Some(false), Some(Some(1))),
            pair("Visits", "Revenue", None, Some(None)),
        ]),
        ..PreviousRun::default()
    };
    let (c, _) = compare(&r, &prev);
    assert_eq!(
        c.correlations,
        vec![
            PairChange {
                leading: "Leads".into(),
                lagging: "Revenue".into(),
                previous_significant: Some(false),
                significant: true,
                previous_best_lag: Some(2),
                best_lag: Some(2),
                significance_changed: true,
                lag_changed: false,
            },
            PairChange {
                leading: "Visits".into(),
                lagging: "Revenue".into(),
                previous_significant: None,
                significant: false,
                previous_best_lag: None,
                best_lag: Some(3),
                significance_changed: false,
                lag_changed: true,
            },
        ]
    );
}
