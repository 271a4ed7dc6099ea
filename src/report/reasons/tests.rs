use super::rule_words;
use crate::analysis::spc::{Rule, Side};

#[test]
fn signal_rules_read_as_words() {
    assert_eq!(
        rule_words(Rule::Outside, Side::High),
        "a value above the upper natural process limit"
    );
    assert_eq!(
        rule_words(Rule::Run, Side::Low),
        "a run of values below the centre line"
    );
    assert_eq!(
        rule_words(Rule::Trend, Side::Low),
        "7 values in a row going down"
    );
}
