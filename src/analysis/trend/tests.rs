//! Trend statistics against scipy, numpy and pymannkendall. The expected values come
//! from `scripts/stats_fixtures.py` (tests/fixtures/stats/trend_cases.json), with the
//! rulings of docs/methods.md §4 applied on top.
use proptest::prelude::*;
use serde_json::Value;

use super::*;

fn cases() -> serde_json::Map<String, Value> {
    let text = include_str!("../../../tests/fixtures/stats/trend_cases.json");
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => map,
        other => panic!("trend_cases.json is not an object: {other:?}"),
    }
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

/// 1e-9 relative, as the reference check; exact zeros must be exact.
fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs(),
        "{what}: got {got:e}, want {want:e}"
    );
}

fn check(got: Option<f64>, want: &Value, what: &str) {
    match want.as_f64() {
        Some(w) => close(got.unwrap_or_else(|| panic!("{what}: got null")), w, what),
        None => assert_eq!(got, None, "{what}"),
    }
}

#[test]
fn matches_the_reference_implementations() {
    let all = cases();
    assert!(all.len() >= 10, "fixture cases missing");
    for (name, c) in &all {
        let (t, y) = (floats(&c["t"]), floats(&c["y"]));
        let tr = trend(&t, &y, Direction::Higher);
        assert_eq!(tr.n, y.len(), "{name}");
        let got = [
            ("ols_slope", tr.ols_slope),
            ("ols_intercept", tr.ols_intercept),
            ("r2", tr.r2),
            ("ols_p", tr.ols_p),
            ("sen_slope", tr.sen_slope),
            ("sen_intercept", tr.sen_intercept),
            ("mk_s", tr.mk_s),
            ("mk_var_s", tr.mk_var_s),
            ("mk_z", tr.mk_z),
            ("mk_p", tr.mk_p),
            ("mk_tau", tr.mk_tau),
        ];
        for (key, value) in got {
            check(value, &c[key], &format!("{name} {key}"));
        }
        assert_eq!(
            tr.direction.map(TrendDirection::as_str),
            c["direction"].as_str(),
            "{name} direction"
        );
        check(Some(median(&y)), &c["median"], &format!("{name} median"));
        for (key, q) in [("q10", 0.10), ("q25", 0.25), ("q75", 0.75), ("q90", 0.90)] {
            check(Some(quantile(&y, q)), &c[key], &format!("{name} {key}"));
        }
    }
}

#[test]
fn fewer_than_six_points_give_only_n() {
    let tr = trend(
        &[0.0, 1.0, 2.0, 3.0, 4.0],
        &[1.0, 2.0, 3.0, 4.0, 5.0],
        Direction::Higher,
    );
    assert_eq!(
        tr,
        Trend {
            n: 5,
            ..Trend::default()
        }
    );
}

#[test]
fn all_equal_values_are_flat_with_no_r2() {
    let t: Vec<f64> = (0..8).map(f64::from).collect();
    let tr = trend(&t, &[0.1; 8], Direction::Lower);
    assert_eq!((tr.ols_slope, tr.ols_intercept), (Some(0.0), Some(0.1)));
    assert_eq!((tr.r2, tr.ols_p), (None, Some(1.0)));
    assert_eq!((tr.sen_slope, tr.sen_intercept), (Some(0.0), Some(0.1)));
    assert_eq!(
        (tr.mk_s, tr.mk_z, tr.mk_p),
        (Some(0.0), Some(0.0), Some(1.0))
    );
    assert_eq!(tr.direction, Some(TrendDirection::Flat));
    assert_eq!(tr.assessment, Some(Assessment::Stable));
}

#[test]
fn assessment_follows_the_kpi_direction() {
    let t: Vec<f64> = (0..10).map(f64::from).collect();
    let up: Vec<f64> = t.iter().map(|x| x * 2.0 + 1.0).collect();
    let down: Vec<f64> = up.iter().rev().copied().collect();
    let assessed = |y: &[f64], d| trend(&t, y, d).assessment;
    assert_eq!(
        assessed(&up, Direction::Higher),
        Some(Assessment::Improving)
    );
    assert_eq!(
        assessed(&up, Direction::Lower),
        Some(Assessment::Deteriorating)
    );
    assert_eq!(
        assessed(&down, Direction::Lower),
        Some(Assessment::Improving)
    );
    assert_eq!(
        assessed(&down, Direction::Higher),
        Some(Assessment::Deteriorating)
    );
    assert_eq!(assessed(&up, Direction::Range), Some(Assessment::Neutral));
    let flat = [1.0, 3.0, 2.0, 1.0, 3.0, 2.0, 1.0, 3.0, 2.0, 1.0];
    assert_eq!(assessed(&flat, Direction::Range), Some(Assessment::Neutral));
    assert_eq!(assessed(&flat, Direction::Higher), Some(Assessment::Stable));
    assert_eq!(trend(&t, &up, Direction::Higher).ols_p, Some(0.0));
}

#[test]
fn quantile_edges() {
    assert!(quantile(&[], 0.5).is_nan());
    assert_eq!(quantile(&[3.0], 0.9), 3.0);
    assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.0), 1.0);
    assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 1.0), 4.0);
    assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    assert_eq!(median(&[5.0, 1.0, 3.0]), 3.0);
}

proptest! {
    #[test]
    fn shifting_keeps_slopes_and_reversing_negates_them(
        y in prop::collection::vec(-1e3f64..1e3, 6..30),
        c in -1e3f64..1e3,
    ) {
        let t: Vec<f64> = (0..y.len()).map(|i| i as f64).collect();
        let base = trend(&t, &y, Direction::Higher);
        let tol = |v: Option<f64>| 1e-6 * (1.0 + v.unwrap_or(0.0).abs());
        let shifted: Vec<f64> = y.iter().map(|v| v + c).collect();
        let s = trend(&t, &shifted, Direction::Higher);
        prop_assert!((s.ols_slope.unwrap() - base.ols_slope.unwrap()).abs() <= tol(base.ols_slope));
        prop_assert_eq!(s.mk_s, base.mk_s);
        let rev: Vec<f64> = y.iter().rev().copied().collect();
        let r = trend(&t, &rev, Direction::Higher);
        prop_assert!((r.ols_slope.unwrap() + base.ols_slope.unwrap()).abs() <= tol(base.ols_slope));
        prop_assert!((r.sen_slope.unwrap() + base.sen_slope.unwrap()).abs() <= tol(base.sen_slope));
        prop_assert_eq!(r.mk_s.unwrap(), -base.mk_s.unwrap());
    }

    #[test]
    fn sen_and_ols_recover_a_line(a in -100f64..100.0, b in -10f64..10.0, n in 6usize..40) {
        let t: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let y: Vec<f64> = t.iter().map(|x| a + b * x).collect();
        let tr = trend(&t, &y, Direction::Higher);
        prop_assert!((tr.sen_slope.unwrap() - b).abs() <= 1e-6 * (1.0 + b.abs()));
        prop_assert!((tr.ols_slope.unwrap() - b).abs() <= 1e-6 * (1.0 + b.abs()));
    }

    #[test]
    fn p_values_are_probabilities(y in prop::collection::vec(-1e6f64..1e6, 6..30)) {
        let t: Vec<f64> = (0..y.len()).map(|i| i as f64).collect();
        let tr = trend(&t, &y, Direction::Higher);
        for p in [tr.ols_p.unwrap(), tr.mk_p.unwrap()] {
            prop_assert!((0.0..=1.0).contains(&p), "p = {p}");
        }
    }
}

/// Quantile as numpy defines it, from the whole slice sorted: what the selection in
/// [`quantile`] must agree with to the bit.
fn quantile_by_sorting(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let index = (s.len() - 1) as f64 * q;
    let lo = index.floor() as usize;
    let Some(&b) = s.get(lo + 1) else {
        return s[lo];
    };
    let (a, gamma) = (s[lo], index - index.floor());
    if gamma == 0.0 || a == b {
        a
    } else if gamma >= 0.5 {
        b - (b - a) * (1.0 - gamma)
    } else {
        a + (b - a) * gamma
    }
}

proptest! {
    #[test]
    fn selected_quantiles_are_the_sorted_ones(
        v in prop::collection::vec(prop_oneof![-5i32..5, -1000i32..1000], 1..200),
        q in prop_oneof![Just(0.0), Just(0.1), Just(0.25), Just(0.5), Just(0.75), Just(0.9), Just(1.0), 0.0f64..1.0],
    ) {
        let v: Vec<f64> = v.into_iter().map(|x| f64::from(x) / 8.0).collect();
        prop_assert_eq!(quantile(&v, q).to_bits(), quantile_by_sorting(&v, q).to_bits());
    }
}
