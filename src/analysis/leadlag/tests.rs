//! Lead-lag against scipy/statsmodels (`scripts/leadlag_fixtures.py` →
//! tests/fixtures/stats/leadlag_cases.json), plus alignment across grains.
use serde_json::Value;

use super::*;
use crate::model::kpi::Direction;
use crate::testkit::{def, defaults, kpi};

fn cases() -> Value {
    serde_json::from_str(include_str!(
        "../../../tests/fixtures/stats/leadlag_cases.json"
    ))
    .unwrap()
}

fn series(v: &Value) -> Vec<Option<f64>> {
    v.as_array().unwrap().iter().map(Value::as_f64).collect()
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1e-300),
        "{what}: got {got}, want {want}"
    );
}

fn run_case(c: &Value) -> Correlation {
    let mut lead = def("Lead", Direction::Higher);
    lead.leads = vec!["Lag".into()];
    lead.transform = crate::model::kpi::Transform::parse(c["transform"].as_str().unwrap());
    lead.max_lag = Some(c["max_lag"].as_u64().unwrap() as u32);
    lead.min_pairs = Some(c["min_pairs"].as_u64().unwrap() as u32);
    let kpis = vec![
        kpi(&series(&c["lead"]), lead, None),
        kpi(&series(&c["lag"]), def("Lag", Direction::Higher), None),
    ];
    let (out, findings) = analyse(&kpis, &Calendar::default(), &defaults());
    assert!(findings.is_empty());
    assert_eq!(out.len(), 1);
    out.into_iter().next().unwrap()
}

#[test]
fn matches_scipy_on_every_case() {
    let all = cases();
    for name in [
        "planted_lag3",
        "trending_diff",
        "trending_none",
        "gaps_ties",
        "spearman_ties_after_12_digit_rounding",
    ] {
        let c = &all[name];
        let got = run_case(c);
        for (g, w) in got.r_by_lag.iter().zip(c["r_by_lag"].as_array().unwrap()) {
            assert_eq!(
                g.n as u64,
                w["n"].as_u64().unwrap(),
                "{name} n at lag {}",
                g.lag
            );
            match (g.r, w["r"].as_f64()) {
                (Some(a), Some(b)) => close(a, b, &format!("{name} r at lag {}", g.lag)),
                (a, b) => assert_eq!(a, b, "{name} r at lag {}", g.lag),
            }
        }
        assert_eq!(
            got.best_lag.map(u64::from),
            c["best_lag"].as_u64(),
            "{name}"
        );
        close(
            got.r.unwrap(),
            c["r"].as_f64().unwrap(),
            &format!("{name} r"),
        );
        close(
            got.p.unwrap(),
            c["p"].as_f64().unwrap(),
            &format!("{name} p"),
        );
        close(
            got.p_lag_adj.unwrap(),
            c["p_lag_adj"].as_f64().unwrap(),
            &format!("{name} p_lag_adj"),
        );
        close(
            got.spearman.unwrap(),
            c["spearman"].as_f64().unwrap(),
            &format!("{name} spearman"),
        );
    }
}

#[test]
fn planted_lag_is_found_and_trending_levels_are_not_confused_with_leading() {
    let all = cases();
    let planted = run_case(&all["planted_lag3"]);
    assert_eq!(
        (planted.best_lag, planted.significant, planted.strength),
        (Some(3), true, Some("strong"))
    );
    let diff = run_case(&all["trending_diff"]);
    assert!(
        !diff.significant,
        "changes of two trending series are unrelated: {diff:?}"
    );
    let levels = run_case(&all["trending_none"]);
    assert!(
        levels.r.unwrap() > 0.95,
        "levels of two trending series correlate: {levels:?}"
    );
    // declared pair whose best lag is 0
    assert_eq!(
        levels.note.as_deref(),
        Some("moves together, does not lead")
    );
}

#[test]
fn bh_matches_statsmodels() {
    let c = &cases()["bh"];
    let p: Vec<f64> = c["p"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    for (got, want) in bh(&p).iter().zip(c["q"].as_array().unwrap()) {
        close(*got, want.as_f64().unwrap(), "q");
    }
}

#[test]
fn constant_and_short_series_are_skipped() {
    let mut lead = def("Lead", Direction::Higher);
    lead.leads = vec!["Flat".into(), "Short".into(), "Missing".into()];
    let x: Vec<Option<f64>> = (0..20).map(|i| Some(f64::from(i * i % 7))).collect();
    let kpis = vec![
        kpi(&x, lead, None),
        kpi(&[Some(1.0); 20], def("Flat", Direction::Higher), None),
        kpi(&x[..6], def("Short", Direction::Higher), None),
    ];
    let (out, findings) = analyse(&kpis, &Calendar::default(), &defaults());
    assert_eq!(out.len(), 2);
    for c in &out {
        assert_eq!((c.best_lag, c.r, c.q), (None, None, None), "{c:?}");
        assert!(c.note.as_deref().unwrap().contains("no lag had 8"), "{c:?}");
    }
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code.as_str(), "kpi_not_found");
}

#[test]
fn weekly_lead_is_aligned_to_a_monthly_lag() {
    use crate::analysis::Observed;
    let cal = Calendar::default();
    // Weekly lead: each week's value is its month number (mean per month = the month).
    let mut weekly = kpi(&[Some(1.0)], def("W", Direction::Higher), None);
    weekly.grain = Grain::Week;
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    weekly.history = (0..104)
        .map(|w| {
            let period = start + chrono::Duration::weeks(w);
            let m = cal.ordinal(start, cal.period_start(period, Grain::Month), Grain::Month) as f64;
            Observed {
                period,
                value: (m * 7.0) % 5.0 + m,
                target: None,
            }
        })
        .collect();
    let monthly = aligned(&weekly, Grain::Month, &cal);
    assert_eq!(monthly.len(), 24);
    assert_eq!(
        monthly[&NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()],
        (2.0 * 7.0) % 5.0 + 2.0
    );
    // The lagging KPI repeats the lead's monthly pattern one month later.
    let lag_values: Vec<Option<f64>> = (0..24)
        .map(|m| {
            Some(if m == 0 {
                0.0
            } else {
                (f64::from(m - 1) * 7.0) % 5.0 + f64::from(m - 1)
            })
        })
        .collect();
    let mut lead_def = def("W", Direction::Higher);
    lead_def.leads = vec!["M".into()];
    weekly.def = lead_def;
    let kpis = vec![weekly, kpi(&lag_values, def("M", Direction::Higher), None)];
    let (out, _) = analyse(&kpis, &cal, &defaults());
    assert_eq!(out[0].grain, Grain::Month);
    assert_eq!(out[0].best_lag, Some(1));
    assert!((out[0].r.unwrap() - 1.0).abs() < 1e-12);
}

#[test]
fn seasonal_diff_takes_one_cycle_of_seasons_back() {
    let cal = Calendar::default();
    let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    // 30 months of i², with 2024-03 missing: its own difference and the one a year
    // later have no partner.
    let series: BTreeMap<NaiveDate, f64> = (0..30)
        .map(|i| (cal.step(start, Grain::Month, i), (i * i) as f64))
        .filter(|(p, _)| *p != NaiveDate::from_ymd_opt(2024, 3, 1).unwrap())
        .collect();
    let d = transform(&series, Transform::SeasonalDiff, Grain::Month, &cal);
    // From 2024-01 (i = 12): i² − (i − 12)² = 24i − 144, except 2024-03 and 2025-03.
    assert_eq!(d.len(), 18 - 2);
    assert_eq!(d[&NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()], 144.0);
    assert_eq!(
        d[&NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()],
        24.0 * 29.0 - 144.0
    );
    assert!(!d.contains_key(&NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()));
    // Days go back a week, quarters four, years one.
    let days: BTreeMap<NaiveDate, f64> = (0..10)
        .map(|i| (start + chrono::Duration::days(i), i as f64))
        .collect();
    let dd = transform(&days, Transform::SeasonalDiff, Grain::Day, &cal);
    assert_eq!(dd.len(), 3);
    assert!(dd.values().all(|v| *v == 7.0));
    let years: BTreeMap<NaiveDate, f64> = (0..3)
        .map(|i| (cal.step(start, Grain::Year, i), [5.0, 8.0, 4.0][i as usize]))
        .collect();
    let dy = transform(&years, Transform::SeasonalDiff, Grain::Year, &cal);
    assert_eq!(dy.values().copied().collect::<Vec<_>>(), [3.0, -4.0]);
}
