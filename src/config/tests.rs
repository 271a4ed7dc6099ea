use super::kpi::kpi_def;
use super::raw::parse_str;
use super::*;

#[test]
fn full_example_parses() {
    let raw = parse_str(
        r#"
[report]
period = "auto"
window = 24
rules = "wheeler"
fiscal_year_start = 1
as_of = "2026-10-31"
title = "ACME"
tolerance = 0.05
max_lag = 6
transform = "diff"
min_pairs = 8
[email]
from = "a@example.com"
to = ["b@example.com"]
subject = "KPI review {as_of}"
[[kpi]]
name = "Revenue"
direction = "higher"
unit = "USD"
aggregation = "sum"
owner = "Sales"
target = 1_200_000
targets = [{from="2026-01", value=1.3e6}]
tolerance = 0.05
lower_bound = 0
role = "lagging"
leads = ["Revenue"]
rebase = ["2025-07"]
freeze_after = 12
run_length = 8
max_lag = 6
perspective = "Financial"
description = "..."
"#,
    )
    .unwrap();
    let def = kpi_def(raw.kpi.into_iter().next().unwrap(), &Calendar::default()).unwrap();
    assert_eq!(
        def.targets[0].from,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    );
    assert_eq!(def.rebase[0], NaiveDate::from_ymd_opt(2025, 7, 1).unwrap());
    assert_eq!(def.aggregation, Some(crate::model::kpi::Aggregation::Sum));
    assert_eq!(def.role, Some(crate::model::kpi::KpiRole::Lagging));
}

#[test]
fn min_above_max_is_an_error() {
    let raw = parse_str("[[kpi]]\nname = \"A\"\ntarget_min = 5\ntarget_max = 2\n").unwrap();
    let (key, err) =
        kpi_def(raw.kpi.into_iter().next().unwrap(), &Calendar::default()).unwrap_err();
    assert_eq!(key, "target_min");
    assert!(
        err.contains("target_min (5) is greater than target_max (2)"),
        "{err}"
    );
}

#[test]
fn closed_sets_are_parsed_at_the_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kpis.toml");
    let load_text = |text: &str| {
        std::fs::write(&path, text).unwrap();
        load(&Flags {
            config: Some(path.clone()),
            ..Flags::default()
        })
    };
    let cfg = load_text("[report]\ntransform = \"detrend\"\n[[input]]\nfile = \"a.csv\"\nlayout = \"periods_across\"\n").unwrap();
    assert_eq!(cfg.analysis.defaults.transform, Transform::Detrend);
    assert_eq!(cfg.read.overrides[0].layout, Some(Layout::PeriodsAcross));
    let err = load_text("[[input]]\nfile = \"a.csv\"\nlayout = \"tall\"\n").unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(
        err.to_string().ends_with(
            "kpis.toml, line 3: [[input]] \"a.csv\": layout = \"tall\" is not one of long, wide, periods_across"
        ),
        "{err}"
    );
}

#[test]
fn flags_win_over_the_report_section() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kpis.toml");
    std::fs::write(
        &path,
        "[report]\nwindow = 12\nrules = \"nhs\"\nperiod = \"month\"\n",
    )
    .unwrap();
    let from_file = load(&Flags {
        config: Some(path.clone()),
        ..Flags::default()
    })
    .unwrap();
    assert_eq!(from_file.analysis.window, 12);
    assert_eq!(from_file.analysis.rules, Rules::Nhs);
    assert_eq!(from_file.analysis.period, Some(Grain::Month));
    let flagged = load(&Flags {
        config: Some(path),
        window: Some(6),
        rules: Some(Rules::Wheeler),
        period: Some(None),
        ..Flags::default()
    })
    .unwrap();
    assert_eq!(flagged.analysis.window, 6);
    assert_eq!(flagged.analysis.rules, Rules::Wheeler);
    assert_eq!(flagged.analysis.period, None);
}

#[test]
fn counts_of_zero_are_errors_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kpis.toml");
    for (text, line, message) in [
        (
            "[report]\nrun_length = 0\n",
            2,
            "[report] run_length must be at least 1",
        ),
        (
            "[report]\nmin_pairs = 0\n",
            2,
            "[report] min_pairs must be at least 1",
        ),
        (
            "[[kpi]]\nname = \"A\"\nmin_pairs = 0\n",
            3,
            "[[kpi]] \"A\": min_pairs must be at least 1",
        ),
    ] {
        std::fs::write(&path, text).unwrap();
        let err = load(&Flags {
            config: Some(path.clone()),
            ..Flags::default()
        })
        .unwrap_err();
        assert!(
            err.to_string()
                .ends_with(&format!("kpis.toml, line {line}: {message}")),
            "{err}"
        );
    }
}
