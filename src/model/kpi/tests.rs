use super::*;

#[test]
fn aggregations() {
    let v = [3.0, 1.0, 2.0];
    assert_eq!(Aggregation::Sum.apply(&v), Some(6.0));
    assert_eq!(Aggregation::Mean.apply(&v), Some(2.0));
    // A plain sum gives 2.0999999999999996 / 3 = 0.6999999999999998.
    assert_eq!(Aggregation::Mean.apply(&[0.7, 0.7, 0.7]), Some(0.7));
    assert_eq!(mean(&[1e6 + 0.1; 7]), 1e6 + 0.1);
    assert!(mean(&[]).is_nan());
    // Order does not change the mean: a tie between two periods stays a tie.
    assert_eq!(mean(&[1.0, 0.0, 1.0]), mean(&[0.0, 1.0, 1.0]));
    assert_eq!(mean(&[0.1, 0.2, 0.3]), mean(&[0.3, 0.2, 0.1]));
    assert_eq!(exact_sum(&[1e16, 1.0, -1e16]), 1.0);
    assert_eq!(Aggregation::Last.apply(&v), Some(2.0));
    assert_eq!(Aggregation::Min.apply(&v), Some(1.0));
    assert_eq!(Aggregation::Max.apply(&v), Some(3.0));
    assert_eq!(Aggregation::Max.apply(&[]), None);
}

#[test]
fn names_match_loosely() {
    assert_eq!(name_key("  Net  Revenue "), name_key("net revenue"));
}
