use super::{decimals_of, rounded};
use crate::model::kpi::Direction;
use crate::testkit::{def, kpi, some};

#[test]
fn suggestions_are_rounded_one_place_past_the_data() {
    assert_eq!(decimals_of(0.3512), 4);
    assert_eq!(decimals_of(40.0), 0);
    let whole = kpi(
        &some(&[40.0, 42.0, 39.0]),
        def("NPS", Direction::Higher),
        None,
    );
    assert_eq!(rounded(42.900_000_000_000_006, &whole), 42.9);
    let ratio = kpi(
        &some(&[0.3512, 0.35, 0.349]),
        def("Margin", Direction::Higher),
        None,
    );
    assert_eq!(rounded(0.358_075_155_279_503_1, &ratio), 0.35808);
}
