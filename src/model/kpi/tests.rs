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

#[test]
fn means_of_decimals_are_the_decimals_mean() {
    // Eight 0.1s and two 0.2s: 1.2 / 10 = 0.12, as a target of 0.12 reads; the doubles'
    // exact sum over n gives 0.12000000000000002 (crosscheck seed 7272).
    let v = [0.1, 0.1, 0.2, 0.1, 0.1, 0.1, 0.2, 0.1, 0.1, 0.1];
    assert_eq!(mean(&v), 0.12);
    assert_eq!(mean(&[0.1, 0.2]), 0.15);
    assert_eq!(mean(&[-0.1, -0.2]), -0.15);
    assert_eq!(mean(&[1.005, 2.5, -3.25]), 0.085);
    assert_eq!(mean(&[1.0, 2.0]), 1.5);
    // A repeating quotient rounds once: 0.1 + 0.2 + 0.2 = 0.5 over 3.
    assert_eq!(mean(&[0.1, 0.2, 0.2]), 0.5 / 3.0);
    // A value of fewer places after one of six places, too large for six places (10^15
    // millionths or more): read with its own places. Expected means from Python's
    // Fraction.
    assert_eq!(mean(&[0.000_001, 1_000_000_000.5]), 500_000_000.250_000_5);
    // (The doubles' mean of these is 5746572495.797284.)
    assert_eq!(
        mean(&[0.491_855, 8_464_978_683.0, 8_774_738_803.9]),
        5_746_572_495.797_285
    );
    // More than six places, or values too large for the scaled sum: the doubles' mean.
    assert_eq!(mean(&[1.0 / 3.0, 0.0]), 1.0 / 6.0);
    assert_eq!(mean(&[1e300, -1e300, 3.0]), 1.0);
    assert!(mean(&[f64::NAN, 1.0]).is_nan());
}

#[test]
fn means_match_the_exact_mean_of_the_decimals_as_written() {
    // 600 lists and their means from scripts/mean_fixtures.py (Python's Fraction of
    // each value's repr, summed, divided and rounded once): equal to the last bit. The
    // last 100 have scaled sums past 2^53, so both ways `decimal_mean` divides are met.
    let text = include_str!("../../../tests/fixtures/stats/decimal_means.txt");
    let mut checked = 0;
    for line in text.lines() {
        let (values, want) = line.split_once(" | ").unwrap();
        let v: Vec<f64> = values.split(' ').map(|x| x.parse().unwrap()).collect();
        let want: f64 = want.parse().unwrap();
        assert_eq!(mean(&v).to_bits(), want.to_bits(), "{line}");
        checked += 1;
    }
    assert_eq!(checked, 600);
}
