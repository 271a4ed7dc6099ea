use super::*;

const FY4: Calendar = Calendar {
    fiscal_year_start: 4,
};

/// `want` is `yyyy-mm-dd [grain]`, `ambiguous`, `not a date` or `impossible: <reason part>`.
fn expect(got: &Result<ParsedDate, DateError>, want: &str, ctx: &str) {
    match want {
        "not a date" => assert_eq!(*got, Err(DateError::NotADate), "{ctx}"),
        "ambiguous" => assert_eq!(*got, Err(DateError::Ambiguous), "{ctx}"),
        _ => {
            if let Some(why) = want.strip_prefix("impossible: ") {
                assert!(
                    matches!(&got, Err(DateError::Impossible(w)) if w.contains(why)),
                    "{ctx}: got {got:?}, want Impossible(…{why}…)"
                );
            } else {
                let (date, grain) = want.split_once(' ').unwrap_or((want, ""));
                let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
                let want = ParsedDate {
                    date,
                    grain: Grain::parse(grain),
                };
                assert_eq!(*got, Ok(want), "{ctx}");
            }
        }
    }
}

/// One case a line: `text | expected`.
fn table(cases: &str, order: Option<DateOrder>, cal: &Calendar) {
    for line in cases.lines().filter(|l| !l.trim().is_empty()) {
        let (text, want) = line.rsplit_once('|').unwrap();
        let got = parse_date_text(text, order, cal);
        expect(&got, want.trim(), &format!("{line} ({order:?}, {cal:?})"));
    }
}

#[test]
fn full_dates_and_datetimes_keep_the_written_date() {
    table(
        "2024-03-15                  | 2024-03-15
         2024/03/15                  | 2024-03-15
         2024.03.15                  | 2024-03-15
         2024-3-5                    | 2024-03-05
         2024-02-29                  | 2024-02-29
         2024-03-15T10:00:00         | 2024-03-15
         2024-03-15 10:00            | 2024-03-15
         2024-03-15T23:30:00+05:00   | 2024-03-15
         2024-03-31T23:30:00-05:00   | 2024-03-31
         2024-03-15T10:00:00.123Z    | 2024-03-15
         2024-03-15t10:00z           | 2024-03-15
         2024-03-15 10:00:00 UTC     | 2024-03-15
         2024-03-15 9:05 pm          | 2024-03-15
         15 March 2024               | 2024-03-15
         March 15, 2024              | 2024-03-15
         15-Mar-2024                 | 2024-03-15
         15 Mar 2024                 | 2024-03-15
         15-mar-24                   | 2024-03-15
         2024 Mar 15                 | 2024-03-15
         15 Mar 2024 10:30           | 2024-03-15
         2024-13-45                  | impossible: month 13 does not exist
         2024-13-45 10:00            | impossible: month 13
         2024-00-10                  | impossible: month 0
         2024-02-30                  | impossible: day 30 does not exist in 2024-02
         2023-02-29                  | impossible: day 29
         31 Feb 2024                 | impossible: day 31
         2024-03-15 garbage          | not a date
         2024-03-15-01               | not a date
         123 Mar 2024                | not a date",
        None,
        &Calendar::default(),
    );
}

#[test]
fn period_labels() {
    let cases = "
        2024-03      | 2024-03-01 month
        2024/03      | 2024-03-01 month
        2024.03      | 2024-03-01 month
        2024-3       | 2024-03-01 month
        Mar 2024     | 2024-03-01 month
        MAR 2024     | 2024-03-01 month
        March 2024   | 2024-03-01 month
        Mar-2024     | 2024-03-01 month
        Mar-24       | 2024-03-01 month
        Mar 24       | 2024-03-01 month
        Mar'24       | 2024-03-01 month
        Jan-24       | 2024-01-01 month
        Sept 1999    | 1999-09-01 month
        Dec-99       | 1999-12-01 month
        Jan-69       | 2069-01-01 month
        Jan-70       | 1970-01-01 month
        Jan-00       | 2000-01-01 month
        2024 Mar     | 2024-03-01 month
        2024-13      | impossible: month 13
        2024.5       | not a date
        1234.5       | not a date
        Ma 2024      | not a date
        Mar 5        | not a date
        24 Mar       | not a date
        Mar 2024 10:00 | not a date
        2024-Q1      | 2024-01-01 quarter
        2024-Q2      | 2024-04-01 quarter
        2024Q3       | 2024-07-01 quarter
        2024 q4      | 2024-10-01 quarter
        Q1 2024      | 2024-01-01 quarter
        Q2-2024      | 2024-04-01 quarter
        Q3/2024      | 2024-07-01 quarter
        Q4 24        | 2024-10-01 quarter
        2024-Q5      | impossible: quarter 5
        Q0 2024      | impossible: quarter 0
        Q1           | not a date
        Q12 2024     | not a date
        2024-W05     | 2024-01-29 week
        2024W05      | 2024-01-29 week
        2024-w5      | 2024-01-29 week
        2024-W01     | 2024-01-01 week
        2025-W01     | 2024-12-30 week
        2020-W53     | 2020-12-28 week
        2026-W53     | 2026-12-28 week
        2021-W53     | impossible: ISO week 53 does not exist in 2021
        2024-W00     | impossible: week 0
        2024-W123    | not a date
        FY2024       | 2024-01-01 year
        FY24         | 2024-01-01 year
        FY 2024      | 2024-01-01 year
        FY-2024      | 2024-01-01 year
        fy2024       | 2024-01-01 year
        FY2023-24    | 2024-01-01 year
        2023/24      | 2024-01-01 year
        2023-24      | 2024-01-01 year
        2024-05      | 2024-05-01 month
        2024         | 2024-01-01 year
        1900         | 1900-01-01 year
        1898         | 1898-01-01 year
        1700         | 1700-01-01 year
        2200         | 2200-01-01 year
        FY2023-25    | impossible: 2023–2025
        1699         | not a date
        2201         | not a date
        20240315     | not a date
        FY           | not a date";
    table(cases, None, &Calendar::default());
    // Quarters stay calendar quarters under a fiscal calendar; fiscal years move.
    table(
        "Q1 2024   | 2024-01-01 quarter
         FY2024    | 2023-04-01 year
         FY24      | 2023-04-01 year
         FY 2024   | 2023-04-01 year
         FY2023-24 | 2023-04-01 year
         FY23/24   | 2023-04-01 year
         2024      | 2023-04-01 year",
        None,
        &FY4,
    );
}

#[test]
fn numeric_day_month_order() {
    let cal = Calendar::default();
    table(
        "01/02/2024  | ambiguous
         1/2/24      | ambiguous
         15/02/2024  | 2024-02-15
         02/15/2024  | 2024-02-15
         05/05/2024  | 2024-05-05
         13/13/2024  | impossible: month 13
         1/2/3       | not a date
         01/02/202   | not a date",
        None,
        &cal,
    );
    table(
        "01/02/2024        | 2024-02-01
         1/2/24            | 2024-02-01
         01.02.2024        | 2024-02-01
         01-02-2024        | 2024-02-01
         01/02/2024 10:00  | 2024-02-01
         31/02/2024        | impossible: day 31
         02/15/2024        | impossible: month 15 does not exist (read as day/month/year)",
        Some(DateOrder::DayFirst),
        &cal,
    );
    table(
        "01/02/2024  | 2024-01-02
         1.2.24      | 2024-01-02
         15/02/2024  | impossible: month 15 does not exist (read as month/day/year)",
        Some(DateOrder::MonthFirst),
        &cal,
    );
}

#[test]
fn order_inference_per_column() {
    let (df, mf) = (Some(DateOrder::DayFirst), Some(DateOrder::MonthFirst));
    assert_eq!(infer_order(["01/02/2024", "13/02/2024"]), Ok(df));
    assert_eq!(infer_order(["01/02/2024", "02/13/2024"]), Ok(mf));
    assert_eq!(infer_order(["1.2.24", "25.12.24 08:00"]), Ok(df));
    assert_eq!(infer_order(["01/02/2024", "03/04/2024"]), Ok(None));
    assert_eq!(infer_order(["2024-01-02", "Mar 2024", "x", ""]), Ok(None));
    assert_eq!(infer_order(["13/13/2024", "01/02/2024"]), Ok(None));
    assert_eq!(infer_order(Vec::<&str>::new()), Ok(None));
    let mixed = infer_order(["13/01/2024", "01/13/2024", "14/01/2024"]);
    let why = "mixed day/month order: '13/01/2024' is day-first but '01/13/2024' is month-first";
    assert_eq!(mixed, Err(DateError::Impossible(why.into())));
    for yes in [
        "01/02/2024",
        "1.2.24",
        "01-02-2024",
        "13/01/2024",
        "01/02/2024 10:00",
        " 1/2/2024 ",
        "1/12/24",
        "12.1.2024",
        "01/02/2024T10:00",
    ] {
        assert!(is_order_sensitive(yes), "{yes}");
    }
    let long = "1".repeat(1000);
    for no in [
        "2024-01-02",
        "05/05/2024",
        "Mar 2024",
        "1/2/3",
        "1.5",
        "",
        "/01/02/2024",
        "123/01/2024",
        "1x/02/2024",
        "Q1/02/2024",
        &long,
    ] {
        assert!(!is_order_sensitive(no), "{no}");
    }
}

#[test]
fn junk_is_not_a_date() {
    for s in [
        "", "  ", "Revenue", "Target", "total: 5", "12:30", "-5", "1e5", "NaN",
    ] {
        expect(&parse_date_text(s, None, &FY4), "not a date", s);
    }
    let huge = "2024-01-01".repeat(1000);
    expect(&parse_date_text(&huge, None, &FY4), "not a date", "huge");
    assert_eq!(DateError::NotADate.to_string(), "is not a date");
    let amb = "is ambiguous: day/month order unknown (use --date-format)";
    assert_eq!(DateError::Ambiguous.to_string(), amb);
    let bad = DateError::Impossible("x".into()).to_string();
    assert_eq!(bad, "is not a valid date: x");
}

#[test]
fn excel_serials() {
    for (serial, is_1904, want) in [
        (1.0, false, "1900-01-01"),
        (59.0, false, "1900-02-28"),
        (
            60.0,
            false,
            "impossible: Excel serial 60 is the non-existent 29 Feb 1900",
        ),
        (61.0, false, "1900-03-01"),
        (45292.0, false, "2024-01-01"),
        (45292.75, false, "2024-01-01"),
        (2_958_465.0, false, "9999-12-31"),
        (43830.0, true, "2024-01-01"),
        (1.0, true, "1904-01-02"),
        (60.0, true, "1904-03-01"),
        (2_958_465.0, true, "impossible: after 9999-12-31"),
        (
            1e300,
            false,
            "impossible: Excel date serial 1e300 is outside 1..2958465",
        ),
        (-1.0, false, "impossible: Excel date serial -1 is outside"),
    ] {
        let got = excel_serial_to_date(serial, is_1904).map(full);
        expect(&got, want, &format!("{serial} 1904={is_1904}"));
    }
    let absurd = [
        0.0,
        0.5,
        -1.0,
        1e300,
        -1e300,
        f64::NAN,
        f64::INFINITY,
        -f64::INFINITY,
    ];
    for bad in absurd.into_iter().chain([2_958_466.0]) {
        for is_1904 in [false, true] {
            let got = excel_serial_to_date(bad, is_1904).map(full);
            expect(&got, "impossible: outside 1..2958465", &format!("{bad}"));
        }
    }
}

#[test]
fn explicit_format() {
    for (text, fmt, want) in [
        ("01/02/2024", "%d/%m/%Y", "2024-02-01"),
        (" 01/02/2024 ", "%m/%d/%Y", "2024-01-02"),
        ("1.2.24", "%-d.%-m.%y", "2024-02-01"),
        ("2024-03-15 10:00", "%Y-%m-%d %H:%M", "2024-03-15"),
        (
            "2024-03-15T23:30:00+05:00",
            "%Y-%m-%dT%H:%M:%S%z",
            "2024-03-15",
        ),
        ("2024.03", "%Y.%m", "2024-03-01 month"),
        ("Mar 2024", "%b %Y", "2024-03-01 month"),
        (
            "31/02/2024",
            "%d/%m/%Y",
            "impossible: for format '%d/%m/%Y'",
        ),
        (
            "32/01/2024",
            "%d/%m/%Y",
            "impossible: for format '%d/%m/%Y'",
        ),
        ("x", "%d/%m/%Y", "not a date"),
        ("2024-03-15", "%d/%m/%Y", "not a date"),
        (
            "01/01/0000",
            "%d/%m/%Y",
            "impossible: year 0 is outside the years 1 to 9999",
        ),
        (
            "0000-01",
            "%Y-%m",
            "impossible: year 0 is outside the years 1 to 9999",
        ),
        ("12/31/0001", "%m/%d/%Y", "0001-12-31"),
    ] {
        expect(
            &parse_with_format(text, fmt),
            want,
            &format!("{text} {fmt}"),
        );
    }
    assert!(names_a_day("%-d.%-m.%Y") && names_a_day("%F") && names_a_day("%e %b"));
    assert!(!names_a_day("%Y-%m") && !names_a_day("%B %Y") && !names_a_day("%%d %Y"));
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "[0-9/.:T Zqw+-]{0,24}|[A-Za-z0-9 ,'/-]{0,24}|\\PC{0,40}", v: f64) {
        let _ = parse_date_text(&s, None, &FY4);
        let _ = parse_date_text(&s, Some(DateOrder::MonthFirst), &Calendar::default());
        let _ = (is_order_sensitive(&s), infer_order([s.as_str()]));
        let _ = parse_with_format(&s, "%d/%m/%Y %H:%M");
        let _ = (excel_serial_to_date(v, false), excel_serial_to_date(v, true));
    }
}

/// A spreadsheet's dates (and the workbook's own dates) run from year 1 to 9999: year
/// 0000, a placeholder in some exports, is no date.
#[test]
fn year_zero_is_not_a_date() {
    table(
        "0000-01-01 | impossible: year 0 is outside the years 1 to 9999 a date may have
         0000-01    | not a date
         0001-01-01 | 0001-01-01
         9999-12-31 | 9999-12-31",
        None,
        &Calendar::default(),
    );
}
