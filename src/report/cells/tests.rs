//! Cell helpers: the width a number takes, and the format a column carries.
use super::*;

/// `v` as the `#,##0.00` format shows it: two decimals, thousands separated.
fn shown(v: f64) -> String {
    let printed = format!("{:.2}", v.abs());
    let (int, dec) = printed.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 { "-" } else { "" };
    format!("{sign}{grouped}.{dec}")
}

#[test]
fn number_width_is_the_shown_width() {
    let values = [
        0.0,
        -0.0,
        0.004,
        0.5,
        0.994,
        0.995,
        0.996,
        1.0,
        9.994,
        9.995,
        9.996,
        9.999,
        99.99,
        99.995,
        100.0,
        999.999,
        1234.5,
        -1234.5,
        99_999.996,
        999_999.995,
        1_000_000.0,
        123_456_789.123,
        1e14 + 0.5,
        999_999_999_999_999.0,
        1e15,
        1e20,
        -7.25e18,
    ];
    for v in values {
        assert_eq!(
            number_chars(v),
            shown(v).chars().count(),
            "{v} shown as {}",
            shown(v)
        );
    }
}

#[test]
fn most_common_counts_by_address() {
    let st = Styles::new();
    // `number` and `r` differ; two formats equal in value but apart in memory are two.
    let twin = st.number.clone();
    let pairs = [(&st.number, 3), (&twin, 2), (&st.r, 4), (&twin, 3)];
    assert!(std::ptr::eq(most_common(pairs).unwrap(), &raw const twin));
    assert!(most_common(std::iter::empty()).is_none());
    // Ties go to the first.
    let tied = [(&st.r, 2), (&st.number, 2)];
    assert!(std::ptr::eq(most_common(tied).unwrap(), &raw const st.r));
}
