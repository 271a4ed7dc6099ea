use super::axis_floor;
use crate::model::kpi::Direction;
use crate::testkit::{def, kpi, some};

#[test]
fn the_value_axis_starts_near_the_data_only_when_zero_would_squash_it() {
    // CL 1,241,667, mR̄ 40,000: limits 1,135,267 … 1,348,067 hold every value.
    // Spread 212,800 → step 100,000; 1,135,267 − 21,280 = 1,113,987 → 1,100,000.
    let tight = kpi(
        &some(&[1.20e6, 1.25e6, 1.22e6, 1.28e6, 1.24e6, 1.26e6]),
        def("Revenue", Direction::Higher),
        None,
    );
    assert_eq!(axis_floor(&tight), Some(1_100_000.0));
    // From 1 to 13 the spread is most of the top: the axis stays at zero.
    let wide = kpi(
        &some(&[1.0, 13.0, 4.0, 7.0, 2.0, 9.0]),
        def("Calls", Direction::Higher),
        None,
    );
    assert_eq!(axis_floor(&wide), None);
}
