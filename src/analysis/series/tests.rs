//! The series builder, table-driven: each case is a handful of observations and
//! settings, the window one KPI gets (period, value, target) and the finding codes
//! the run raises. Expected values are worked out by hand from docs/methods.md §1.
use super::*;
use crate::model::kpi::TargetStep;
use crate::model::series::TargetRow;
use crate::testkit::{obs, source, ym};

/// `YYYY-MM` is a month label, `YYYY-Qn` a quarter label, `YYYY-MM-DD` a date.
fn dated(text: &str) -> (NaiveDate, Option<Grain>) {
    if let Some((y, q)) = text.split_once("-Q") {
        let (y, q): (i32, u32) = (y.parse().unwrap(), q.parse().unwrap());
        return (ym(y, 3 * q - 2), Some(Grain::Quarter));
    }
    match text.len() {
        7 => (
            ym(text[..4].parse().unwrap(), text[5..].parse().unwrap()),
            Some(Grain::Month),
        ),
        _ => (text.parse().unwrap(), None),
    }
}

/// One input row: KPI, date or label, value, target.
type Row = (&'static str, &'static str, Option<f64>, Option<f64>);

struct Case {
    name: &'static str,
    rows: &'static [Row],
    settings: fn(&mut Settings),
    /// Targets sheet rows: KPI, period label, target.
    sheet_targets: &'static [(&'static str, &'static str, f64)],
    kpi: &'static str,
    grain: Grain,
    /// The KPI's window, every period of it: period (ISO date), value, target. (The
    /// cases are shorter than the default window of 24.)
    window: &'static [(&'static str, Option<f64>, Option<f64>)],
    findings: &'static [FindingCode],
}

fn no_settings(_: &mut Settings) {}

fn with_def(s: &mut Settings, name: &str, set: fn(&mut KpiDef)) {
    let mut d = KpiDef::new(name);
    set(&mut d);
    s.kpis.push(d);
}

const CASES: &[Case] = &[
    Case {
        name: "daily dates keep their grain; a missing day is filled as missing",
        rows: &[
            ("Calls", "2024-01-01", Some(1.0), None),
            ("Calls", "2024-01-02", Some(2.0), None),
            ("Calls", "2024-01-04", Some(4.0), None),
        ],
        settings: no_settings,
        sheet_targets: &[],
        kpi: "Calls",
        grain: Grain::Day,
        window: &[
            ("2024-01-01", Some(1.0), None),
            ("2024-01-02", Some(2.0), None),
            ("2024-01-03", None, None),
            ("2024-01-04", Some(4.0), None),
        ],
        findings: &[],
    },
    Case {
        name: "--period month rolls days up with the default mean",
        rows: &[
            ("Calls", "2024-01-30", Some(1.0), None),
            ("Calls", "2024-01-31", Some(2.0), None),
            ("Calls", "2024-02-01", Some(6.0), None),
            ("Calls", "2024-02-02", Some(10.0), None),
        ],
        settings: |s| s.period = Some(Grain::Month),
        sheet_targets: &[],
        kpi: "Calls",
        grain: Grain::Month,
        window: &[
            ("2024-01-01", Some(1.5), None),
            ("2024-02-01", Some(8.0), None),
        ],
        findings: &[],
    },
    Case {
        name: "last takes the latest-dated value that is present",
        rows: &[
            ("Stock", "2024-01-29", Some(4.0), None),
            ("Stock", "2024-01-30", Some(6.0), None),
            ("Stock", "2024-01-31", None, None),
            ("Stock", "2024-02-01", Some(8.0), None),
            ("Stock", "2024-02-02", Some(9.0), None),
        ],
        settings: |s| {
            s.period = Some(Grain::Month);
            with_def(s, "Stock", |d| d.aggregation = Some(Aggregation::Last));
        },
        sheet_targets: &[],
        kpi: "Stock",
        grain: Grain::Month,
        window: &[
            ("2024-01-01", Some(6.0), None),
            ("2024-02-01", Some(9.0), None),
        ],
        findings: &[],
    },
    Case {
        name: "two values for one month are summed and flagged as a duplicate",
        rows: &[
            ("Revenue", "2024-01", Some(10.0), None),
            ("Revenue", "2024-01", Some(5.0), None),
            ("Revenue", "2024-02", Some(7.0), None),
        ],
        settings: |s| with_def(s, "Revenue", |d| d.aggregation = Some(Aggregation::Sum)),
        sheet_targets: &[],
        kpi: "Revenue",
        grain: Grain::Month,
        window: &[
            ("2024-01-01", Some(15.0), None),
            ("2024-02-01", Some(7.0), None),
        ],
        findings: &[FindingCode::DuplicateObservation],
    },
    Case {
        name: "values after --as-of are left out and counted",
        rows: &[
            ("Revenue", "2024-01", Some(1.0), None),
            ("Revenue", "2024-02", Some(2.0), None),
            ("Revenue", "2024-03", Some(3.0), None),
            ("Revenue", "2024-04", Some(4.0), None),
        ],
        settings: |s| s.as_of = Some(NaiveDate::from_ymd_opt(2024, 2, 15).unwrap()),
        sheet_targets: &[],
        kpi: "Revenue",
        grain: Grain::Month,
        window: &[
            ("2024-01-01", Some(1.0), None),
            ("2024-02-01", Some(2.0), None),
        ],
        findings: &[FindingCode::AfterAsOf],
    },
    Case {
        name: "targets: data column, then Targets sheet, then config target, then its steps",
        rows: &[
            ("NPS", "2024-01", Some(1.0), Some(5.0)),
            ("NPS", "2024-02", Some(2.0), None),
            ("NPS", "2024-03", Some(3.0), None),
            ("NPS", "2024-04", Some(4.0), None),
        ],
        settings: |s| {
            with_def(s, "NPS", |d| {
                d.target = Some(9.0);
                d.targets = vec![TargetStep {
                    from: NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
                    value: 11.0,
                }];
            });
        },
        sheet_targets: &[("NPS", "2024-02", 7.0), ("NPS", "2024-01", 99.0)],
        kpi: "NPS",
        grain: Grain::Month,
        window: &[
            ("2024-01-01", Some(1.0), Some(5.0)),
            ("2024-02-01", Some(2.0), Some(7.0)),
            ("2024-03-01", Some(3.0), Some(9.0)),
            ("2024-04-01", Some(4.0), Some(11.0)),
        ],
        findings: &[],
    },
    Case {
        name: "dates a week apart are weekly, named by their Monday",
        rows: &[
            ("Tickets", "2024-01-03", Some(3.0), None),
            ("Tickets", "2024-01-10", Some(4.0), None),
            ("Tickets", "2024-01-17", Some(5.0), None),
        ],
        settings: no_settings,
        sheet_targets: &[],
        kpi: "Tickets",
        grain: Grain::Week,
        window: &[
            ("2024-01-01", Some(3.0), None),
            ("2024-01-08", Some(4.0), None),
            ("2024-01-15", Some(5.0), None),
        ],
        findings: &[],
    },
    Case {
        name: "a quarterly KPI stays quarterly under --period month",
        rows: &[
            ("Churn", "2024-Q1", Some(0.1), None),
            ("Churn", "2024-Q2", Some(0.2), None),
        ],
        settings: |s| s.period = Some(Grain::Month),
        sheet_targets: &[],
        kpi: "Churn",
        grain: Grain::Quarter,
        window: &[
            ("2024-01-01", Some(0.1), None),
            ("2024-04-01", Some(0.2), None),
        ],
        findings: &[FindingCode::CoarserThanPeriod],
    },
    Case {
        name: "spacing that fits no grain is monthly and flagged",
        rows: &[
            ("Audit", "2024-01-01", Some(1.0), None),
            ("Audit", "2024-01-11", Some(2.0), None),
            ("Audit", "2024-01-23", Some(3.0), None),
            ("Audit", "2024-02-04", Some(4.0), None),
        ],
        settings: no_settings,
        sheet_targets: &[],
        kpi: "Audit",
        grain: Grain::Month,
        window: &[
            ("2024-01-01", Some(2.0), None),
            ("2024-02-01", Some(4.0), None),
        ],
        findings: &[
            FindingCode::IrregularSpacing,
            FindingCode::DuplicateObservation,
        ],
    },
    Case {
        name: "months and their quarter subtotal: the months are kept",
        rows: &[
            ("Sales", "2024-01", Some(1.0), None),
            ("Sales", "2024-02", Some(2.0), None),
            ("Sales", "2024-03", Some(3.0), None),
            ("Sales", "2024-Q1", Some(6.0), None),
        ],
        settings: no_settings,
        sheet_targets: &[],
        kpi: "Sales",
        grain: Grain::Month,
        window: &[
            ("2024-01-01", Some(1.0), None),
            ("2024-02-01", Some(2.0), None),
            ("2024-03-01", Some(3.0), None),
        ],
        findings: &[FindingCode::SubtotalPeriodsSkipped],
    },
    Case {
        name: "names differing only in case and spaces are one KPI, named as first written",
        rows: &[
            ("Revenue", "2024-01", Some(1.0), None),
            ("revenue ", "2024-02", Some(2.0), None),
        ],
        settings: no_settings,
        sheet_targets: &[],
        kpi: "Revenue",
        grain: Grain::Month,
        window: &[
            ("2024-01-01", Some(1.0), None),
            ("2024-02-01", Some(2.0), None),
        ],
        findings: &[],
    },
];

fn dataset(case: &Case) -> Dataset {
    let mut ds = Dataset::default();
    for (i, (kpi, date, value, target)) in case.rows.iter().enumerate() {
        let (date, label_grain) = dated(date);
        let mut o = obs(kpi, date, *value, i as u32 + 2);
        o.label_grain = label_grain;
        o.target = *target;
        ds.observations.push_one(&o);
    }
    for (i, (kpi, period, target)) in case.sheet_targets.iter().enumerate() {
        let (period, label_grain) = dated(period);
        ds.targets.push(TargetRow {
            kpi: (*kpi).to_string(),
            period,
            label_grain,
            target: *target,
            is_step: false,
            source: source("targets.csv", None, i as u32 + 2),
        });
    }
    ds
}

#[test]
fn series_cases() {
    for case in CASES {
        let mut settings = Settings::default();
        (case.settings)(&mut settings);
        let built = build(&dataset(case), &settings).unwrap();
        let k = built
            .kpis
            .iter()
            .find(|k| k.def.name == case.kpi)
            .unwrap_or_else(|| panic!("{}: no KPI {}", case.name, case.kpi));
        assert_eq!(k.grain, case.grain, "{}", case.name);
        let got: Vec<(String, Option<f64>, Option<f64>)> = k
            .series
            .iter()
            .map(|p| (p.period.to_string(), p.value, p.target))
            .collect();
        let want: Vec<(String, Option<f64>, Option<f64>)> = case
            .window
            .iter()
            .map(|(p, v, t)| ((*p).to_string(), *v, *t))
            .collect();
        assert_eq!(got, want, "{}", case.name);
        // The history is the window's periods that have a value, the window being all.
        let observed: Vec<Observed> = k.series.iter().filter_map(Observed::of).collect();
        assert_eq!(k.history, observed, "{}", case.name);
        let mut codes: Vec<FindingCode> = built.findings.iter().map(|f| f.code).collect();
        let mut expected = case.findings.to_vec();
        codes.sort_by_key(ToString::to_string);
        expected.sort_by_key(ToString::to_string);
        assert_eq!(codes, expected, "{}", case.name);
    }
}

#[test]
fn the_window_is_the_last_periods_and_latest_is_the_last_observed() {
    let ds = dataset(&CASES[4]);
    let settings = Settings {
        window: 2,
        ..Settings::default()
    };
    let built = build(&ds, &settings).unwrap();
    let k = &built.kpis[0];
    let periods: Vec<String> = k.series.iter().map(|p| p.period.to_string()).collect();
    assert_eq!(periods, ["2024-03-01", "2024-04-01"]);
    assert_eq!(k.history.len(), 4);
    assert_eq!(k.n, 4);
    assert_eq!(k.latest.period, Some(ym(2024, 4)));
    assert_eq!(k.latest.value, Some(4.0));
    assert_eq!(built.as_of, ym(2024, 4));
}

#[test]
fn a_gap_against_a_band_is_the_distance_to_the_nearer_edge() {
    let mut ds = Dataset::default();
    for (i, v) in [4.0, 7.0, 12.0].into_iter().enumerate() {
        ds.observations
            .push_one(&obs("Temp", ym(2024, i as u32 + 1), Some(v), i as u32 + 2));
    }
    let mut settings = Settings::default();
    with_def(&mut settings, "Temp", |d| {
        d.direction = Some(Direction::Range);
        d.target_min = Some(5.0);
        d.target_max = Some(10.0);
    });
    let built = build(&ds, &settings).unwrap();
    let gaps: Vec<Option<f64>> = built.kpis[0].series.iter().map(|p| p.gap).collect();
    assert_eq!(gaps, [Some(-1.0), Some(0.0), Some(2.0)]);
}

#[test]
fn no_value_at_all_is_nothing_usable() {
    let mut ds = Dataset::default();
    ds.observations
        .push_one(&obs("Empty", ym(2024, 1), None, 2));
    let err = build(&ds, &Settings::default()).err().unwrap();
    assert_eq!(err.to_string(), "nothing usable: no KPI has any value");
}

#[test]
fn an_as_of_before_every_value_names_the_first() {
    let mut ds = Dataset::default();
    ds.observations
        .push_one(&obs("Revenue", ym(2024, 5), Some(1.0), 2));
    ds.inputs.push(crate::model::dataset::InputInfo {
        path: "data.csv".into(),
        sheets: vec![],
    });
    let settings = Settings {
        as_of: Some(ym(2023, 1)),
        ..Settings::default()
    };
    let err = build(&ds, &settings).err().unwrap();
    assert_eq!(
        err.to_string(),
        "nothing usable in data.csv: no value is dated on or before the as-of date 2023-01-01 (the first is 2024-05-01); give a later --as-of"
    );
}

#[test]
fn a_mistyped_year_far_ahead_costs_its_value_not_every_day_between() {
    // Sixty daily values of 2024 and one dated 9999 (a slip of the keyboard): the
    // history holds the 61 values, the window the last 24 days up to the far one.
    let mut ds = Dataset::default();
    let day = |i: i64| ym(2024, 1) + chrono::Duration::days(i);
    for i in 0..60 {
        ds.observations
            .push_one(&obs("Calls", day(i), Some(i as f64), i as u32 + 2));
    }
    let far = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    ds.observations.push_one(&obs("Calls", far, Some(5.0), 62));
    let built = build(&ds, &Settings::default()).unwrap();
    let k = &built.kpis[0];
    assert_eq!(k.grain, Grain::Day);
    assert_eq!((k.n, k.history.len()), (61, 61));
    assert_eq!(k.first_period, Some(day(0)));
    assert_eq!(k.last_period, Some(far));
    assert_eq!(k.series.len(), 24);
    assert_eq!(k.series[0].period, far - chrono::Duration::days(23));
    let observed: Vec<NaiveDate> = k
        .series
        .iter()
        .filter(|p| p.value.is_some())
        .map(|p| p.period)
        .collect();
    assert_eq!(observed, [far]);
    assert_eq!(built.as_of, far);
}

#[test]
fn kpis_beyond_the_limit_are_left_out_with_an_error_naming_them() {
    let read = |limit: usize| {
        let mut ds = Dataset {
            observations: Observations::with_limit(limit),
            ..Dataset::default()
        };
        for (i, kpi) in ["ORD-1", "ORD-2", "ORD-3", "ORD-4", "ORD-2"]
            .iter()
            .enumerate()
        {
            ds.observations
                .push_one(&obs(kpi, ym(2024, 1), Some(i as f64), i as u32 + 2));
        }
        ds
    };
    let ds = read(4);
    assert_eq!(ds.observations.kpis().len(), 4);
    assert!(left_out(&ds.observations).is_none());
    assert_eq!(
        left_out(&read(3).observations).unwrap().message,
        "4 KPIs were found, more than one report analyses (3): the first 3, in the order the inputs name them, are analysed and the other one ('ORD-4') is left out. A column of order, customer or product IDs read as the KPI name makes every row a KPI: check which column names the KPI, or split the export"
    );
    let mut ds = read(2);
    let names: Vec<&str> = ds
        .observations
        .kpis()
        .iter()
        .map(|k| k.name.as_str())
        .collect();
    assert_eq!(names, ["ORD-1", "ORD-2"]);
    // The KPIs left out do not set the as-of date: ORD-4's later month is not it.
    ds.observations
        .push_one(&obs("ORD-4", ym(2024, 6), Some(1.0), 7));
    assert_eq!(
        as_of(&ds, ds.observations.kpis(), &Settings::default()).unwrap(),
        ym(2024, 1)
    );
    let f = left_out(&ds.observations).unwrap();
    assert_eq!(f.code, FindingCode::TooManyKpis);
    assert_eq!(f.severity, crate::model::finding::Severity::Error);
    assert_eq!(
        f.message,
        "4 KPIs were found, more than one report analyses (2): the first 2, in the order the inputs name them, are analysed and the other 2 ('ORD-3' to 'ORD-4') are left out. A column of order, customer or product IDs read as the KPI name makes every row a KPI: check which column names the KPI, or split the export"
    );
    // Counts in thousands are written as a reader writes them.
    let mut o = Observations::with_limit(1000);
    for i in 0..1002 {
        o.kpi(&format!("K{i}"));
    }
    assert!(left_out(&o).unwrap().message.starts_with(
        "1,002 KPIs were found, more than one report analyses (1,000): the first 1,000, in the order the inputs name them, are analysed and the other 2 ('K1000' to 'K1001') are left out."
    ));
    // Every row is counted, those of the KPIs left out too.
    assert_eq!((ds.observations.len(), ds.observations.values()), (6, 6));
    assert_eq!(ds.kpi_count(), 4);
}

/// A month combined from rows of six files (five more than the first) names its first
/// five rows, counts all seven and lists the six files in the order the rows met them,
/// past the four a period holds in place.
#[test]
fn a_period_from_many_files_names_them_all_in_order() {
    let mut ds = Dataset::default();
    let files = [
        "f.csv", "a.csv", "e.csv", "a.csv", "b.csv", "d.csv", "c.csv",
    ];
    for (day, file) in files.iter().enumerate() {
        let mut o = obs(
            "Calls",
            NaiveDate::from_ymd_opt(2024, 3, day as u32 + 1).unwrap(),
            Some(1.0),
            day as u32 + 10,
        );
        o.source = source(file, None, day as u32 + 10);
        ds.observations.push_one(&o);
    }
    let settings = Settings {
        period: Some(Grain::Month),
        ..Settings::default()
    };
    let built = build(&ds, &settings).unwrap();
    let sources = &built.kpis[0].series[0].sources;
    assert_eq!(sources.count, 7);
    let rows: Vec<(String, u32)> = sources
        .rows
        .iter()
        .map(|r| (r.file.to_string(), r.row))
        .collect();
    assert_eq!(
        rows,
        [
            ("f.csv", 10),
            ("a.csv", 11),
            ("e.csv", 12),
            ("a.csv", 13),
            ("b.csv", 14)
        ]
        .map(|(f, r)| (f.to_string(), r))
    );
    let tables: Vec<String> = sources.tables.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        tables,
        ["f.csv", "a.csv", "e.csv", "b.csv", "d.csv", "c.csv"]
    );
}
