use super::*;
use crate::analysis::seasonality::Seasons;
use crate::model::period::{Calendar, Grain};
use crate::testkit::{def, kpi, some};

fn with_pattern(adjusted: bool, kw_p: Option<f64>) -> KpiResult {
    let values = some(&[100.0; 24]);
    let mut k = kpi(
        &values,
        def("Revenue", crate::model::kpi::Direction::Higher),
        None,
    );
    k.history = k
        .series
        .iter()
        .filter_map(crate::analysis::Observed::of)
        .collect();
    let mut indices = vec![0.0; 12];
    indices[11] = 18.0;
    indices[1] = -12.0;
    indices[0] = -6.0;
    k.seasonality = Some(Seasonality {
        seasons: Seasons::of(Grain::Month, Calendar::default()).expect("months"),
        n: 24,
        kw_h: kw_p.map(|_| 40.0),
        kw_p,
        seasonal: kw_p.map(|p| p < 0.01),
        amplitude: Some(30.0),
        indices: Some(indices),
        adjusted,
    });
    k
}

#[test]
fn the_sentence_names_peak_and_trough_against_the_level() {
    let k = with_pattern(false, Some(0.00001));
    assert_eq!(
        sentence(&k).as_deref(),
        Some("Revenue runs 18% above its trend in Dec and 12% below in Feb (Kruskal–Wallis p < 0.0001); set seasonal = true in the config to judge it against its season.")
    );
    assert_eq!(rows(&k, true), TEXT_ROWS + CHART_ROWS);
    let adjusted = with_pattern(true, Some(0.2));
    let text = sentence(&adjusted).unwrap_or_default();
    assert!(text.ends_with("(Kruskal–Wallis p = 0.2); judged against its season: limits, signals, trend, forecast and suggested targets use the values less their season index."), "{text}");
}

#[test]
fn no_block_without_a_pattern_or_an_adjustment() {
    let k = with_pattern(false, Some(0.2));
    assert_eq!(sentence(&k), None);
    assert_eq!(rows(&k, true), 0);
}
