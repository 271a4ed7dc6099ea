use super::*;
use crate::analysis::Point;
use crate::testkit::{point, ym};

fn history(values: &[f64]) -> Vec<Point> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| Point {
            value: Some(*v),
            ..point(Calendar::default().step(ym(2020, 1), Grain::Month, i as i64))
        })
        .collect()
}

/// `values` as the history holds them.
fn observed(values: &[f64]) -> Vec<Observed> {
    history(values).iter().filter_map(Observed::of).collect()
}

fn monthly() -> Seasons {
    Seasons::of(Grain::Month, Calendar::default()).expect("months have seasons")
}

#[test]
fn seasons_by_grain() {
    let fy7 = Calendar {
        fiscal_year_start: 7,
    };
    let q = Seasons::of(Grain::Quarter, fy7).expect("quarters");
    assert_eq!(q.length(), 4);
    assert_eq!(q.season(ym(2024, 7)), 1);
    assert_eq!(q.season(ym(2025, 4)), 4);
    assert_eq!(q.label(4), "Q4");
    let d = Seasons::of(Grain::Day, fy7).expect("days");
    // 2024-01-01 was a Monday.
    assert_eq!(d.season(ym(2024, 1)), 1);
    assert_eq!(d.label(7), "Sun");
    assert_eq!(monthly().label(12), "Dec");
    assert!(Seasons::of(Grain::Week, fy7).is_none());
    assert!(Seasons::of(Grain::Year, fy7).is_none());
}

#[test]
fn kruskal_wallis_matches_scipy() {
    // scipy.stats.kruskal([1, 2, 3], [4, 5, 6], [2, 2, 9]):
    // H = 4.6222222222222222 with ties (2 twice) corrected, p = 0.09917970...
    let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 2.0, 2.0, 9.0];
    let g = [1, 1, 1, 2, 2, 2, 3, 3, 3];
    let (h, p) = kruskal_wallis(&v, &g, 3).expect("not all equal");
    // By hand: ranks 1, 3, 3 (2, 2, 2 tie at ranks 2–4), 5 …; see the comment below.
    // Sorted: 1(1) 2,2,2(3) 3(5) 4(6) 5(7) 6(8) 9(9). Group sums: 1+3+5 = 9,
    // 6+7+8 = 21, 3+3+9 = 15. H0 = 12/90 · (81 + 441 + 225)/3 − 30 = 3.2;
    // ties: one group of 3 → C = 1 − 24/720 = 0.9666…; H = 3.2 / C = 3.3103448275862…
    assert!((h - 3.2 / (1.0 - 24.0 / 720.0)).abs() < 1e-12, "{h}");
    // χ² with 2 df: p = exp(−H/2).
    assert!((p - (-h / 2.0).exp()).abs() < 1e-12, "{p}");
    assert!(kruskal_wallis(&[5.0; 6], &[1, 1, 2, 2, 3, 3], 3).is_none());
}

#[test]
fn indices_sum_to_zero_and_ignore_a_linear_trend() {
    // A palindromic year: uncorrelated with t over whole cycles, so the OLS line of the
    // flat series is level and each index is the shape less its mean (8/12).
    let shape = [
        5.0, -3.0, 0.0, 1.0, -1.0, 2.0, 2.0, -1.0, 1.0, 0.0, -3.0, 5.0,
    ];
    let flat: Vec<f64> = (0..48).map(|i| 100.0 + shape[i % 12]).collect();
    let trending: Vec<f64> = flat
        .iter()
        .enumerate()
        .map(|(i, v)| v + 7.0 + 2.5 * i as f64)
        .collect();
    let a = detect(&observed(&flat), monthly(), SeasonalMode::Auto);
    let b = detect(&observed(&trending), monthly(), SeasonalMode::Auto);
    let ia = a.indices.clone().expect("indices");
    let ib = b.indices.clone().expect("indices");
    assert!(ia.iter().sum::<f64>().abs() < 1e-9);
    for (x, y) in ia.iter().zip(&ib) {
        assert!((x - y).abs() < 1e-9, "{x} vs {y}");
    }
    for (i, v) in shape.iter().enumerate() {
        assert!((ia[i] - (v - 8.0 / 12.0)).abs() < 1e-9, "{i}: {}", ia[i]);
    }
    assert_eq!(
        a.kw_h.map(|h| (h * 1e6).round()),
        b.kw_h.map(|h| (h * 1e6).round())
    );
    assert_eq!(a.seasonal, Some(true));
    assert!(a.adjusted);
    // Jan and Dec share the peak (the first is named), Feb the trough.
    assert_eq!(a.peak_trough(), Some((1, 2)));
    assert!((a.amplitude.unwrap_or(0.0) - 8.0).abs() < 1e-9);
}

#[test]
fn too_little_history_gives_only_length_and_n() {
    let x = detect(&observed(&[1.0; 35]), monthly(), SeasonalMode::On);
    assert_eq!((x.length(), x.n), (12, 35));
    assert_eq!(
        (x.kw_p, x.indices.clone(), x.seasonal, x.adjusted),
        (None, None, None, false)
    );
    let f = findings("Bookings", SeasonalMode::On, Grain::Month, Some(&x));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, FindingCode::TooFewPointsForSeasonality);
    assert_eq!(
        f[0].message,
        "seasonal = true, but the history has 35 observations: seasonal adjustment needs at least 36 (3 full cycles of 12 seasons) with 2 of every season; judged without seasonal adjustment"
    );
}

#[test]
fn a_constant_kpi_has_zero_indices_and_no_test() {
    let x = detect(&observed(&[5.0; 36]), monthly(), SeasonalMode::Auto);
    assert_eq!(
        (x.kw_h, x.kw_p, x.seasonal, x.adjusted),
        (None, None, Some(false), false)
    );
    assert_eq!(x.indices, Some(vec![0.0; 12]));
}

#[test]
fn p_in_words() {
    assert_eq!(p_words(0.00002), "p < 0.0001");
    assert_eq!(p_words(0.0021), "p = 0.0021");
    assert_eq!(p_words(0.25), "p = 0.25");
    assert_eq!(p_words(0.5), "p = 0.5");
}

/// A monthly KPI of `values` analysed end to end with `seasonal = true`.
fn analysed(values: &[f64]) -> crate::analysis::KpiResult {
    let mut def = crate::testkit::def("Sales", crate::model::kpi::Direction::Higher);
    def.seasonal = Some(SeasonalMode::On);
    let s = crate::analysis::series::KpiSeries::new(def, Grain::Month, history(values), 24, 0.05);
    let cfg = crate::analysis::Settings::default();
    crate::analysis::analyse_kpi(s, &cfg).0
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Adding a + b·t to the history leaves the indices and the Kruskal–Wallis
    /// result unchanged (the detrending takes any straight line out).
    #[test]
    fn a_linear_trend_changes_neither_indices_nor_test(
        noise in proptest::collection::vec(-50.0f64..50.0, 36..60),
        a in -1000.0f64..1000.0,
        b in -20.0f64..20.0,
    ) {
        let base: Vec<f64> = noise.iter().enumerate().map(|(i, e)| 500.0 + 80.0 * ((i % 12) as f64).sin() + e).collect();
        let shifted: Vec<f64> = base.iter().enumerate().map(|(i, v)| v + a + b * i as f64).collect();
        let x = detect(&observed(&base), monthly(), SeasonalMode::Auto);
        let y = detect(&observed(&shifted), monthly(), SeasonalMode::Auto);
        let (ix, iy) = (x.indices.unwrap_or_default(), y.indices.unwrap_or_default());
        proptest::prop_assert_eq!(ix.len(), 12);
        for (p, q) in ix.iter().zip(&iy) {
            proptest::prop_assert!((p - q).abs() <= 1e-7 * (1.0 + p.abs()), "{} vs {}", p, q);
        }
        let (hx, hy) = (x.kw_h.unwrap_or(f64::NAN), y.kw_h.unwrap_or(f64::NAN));
        proptest::prop_assert!((hx - hy).abs() <= 1e-9 * hx.abs().max(1.0), "H {} vs {}", hx, hy);
    }

    /// Adding a constant to an adjusted KPI shifts its limits by it and leaves its
    /// signals unchanged (no bounds).
    #[test]
    fn a_constant_shifts_the_limits_and_keeps_the_signals(
        noise in proptest::collection::vec(-30.0f64..30.0, 40..60),
        c in -500.0f64..500.0,
    ) {
        let base: Vec<f64> = noise.iter().enumerate().map(|(i, e)| 1000.0 + 120.0 * ((i % 12) as f64 / 2.0).cos() + e).collect();
        let moved: Vec<f64> = base.iter().map(|v| v + c).collect();
        let (x, y) = (analysed(&base), analysed(&moved));
        proptest::prop_assert!(x.adjusted() && y.adjusted());
        proptest::prop_assert_eq!(&x.spc.signals, &y.spc.signals);
        for (p, q) in x.series.iter().zip(&y.series) {
            let (Some(sp), Some(sq)) = (p.seasonal, q.seasonal) else { continue };
            for (u, v) in [(sp.cl, sq.cl), (sp.unpl, sq.unpl), (sp.lnpl, sq.lnpl)] {
                let (u, v) = (u.unwrap_or(f64::NAN), v.unwrap_or(f64::NAN));
                proptest::prop_assert!((u + c - v).abs() <= 1e-7 * v.abs().max(1.0), "{} + {} vs {}", u, c, v);
            }
        }
    }
}
