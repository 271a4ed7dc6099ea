//! The observation store: names merged ignoring case and spacing, missing values and
//! targets kept apart from zeros, targets stored only once a KPI has one, and
//! provenance that names the first rows and counts the rest.
use super::*;
use crate::testkit::ym;

fn origin(row: u32) -> Origin {
    Origin { table: 0, row }
}

#[test]
fn kpis_are_merged_by_name_and_keep_their_first_spelling() {
    let mut s = Observations::default();
    s.add_table("a.csv", None);
    let a = s.kpi("Revenue");
    let b = s.kpi("  revenue ");
    let c = s.kpi("Cost");
    assert_eq!((a, b, c), (0, 0, 1));
    assert_eq!(s.kpis()[0].name, "Revenue");
    assert_eq!(s.find("REVENUE").map(|k| k.name.as_str()), Some("Revenue"));
    assert!(s.find("Margin").is_none());
}

#[test]
fn missing_values_and_targets_stay_missing() {
    let mut s = Observations::default();
    let t = s.add_table("a.csv", Some("Data"));
    let k = s.kpi("NPS");
    let first = s.push(k, ym(2024, 1), None, Some(0.0), origin(2));
    let second = s.push(k, ym(2024, 2), Some(Grain::Month), None, origin(3));
    assert_eq!((first, second), (0, 1));
    // No target yet: none is stored.
    assert_eq!(s.kpis()[0].target(0), None);
    s.get_mut(k).set_target(second, Some(40.0));
    s.get_mut(k).set_band(first, 1, Some(50.0));
    let o = &s.kpis()[0];
    assert_eq!(o.columns(0), [Some(0.0), None, None, Some(50.0)]);
    assert_eq!(o.columns(1), [None, Some(40.0), None, None]);
    assert_eq!(o.label_grains, [None, Some(Grain::Month)]);
    assert_eq!((s.len(), s.values()), (2, 1));
    let src = s.source(o.origins[1]);
    assert_eq!(
        (&*src.file, src.sheet.as_deref(), src.row),
        ("a.csv", Some("Data"), 3)
    );
    assert_eq!(t, 0);
}

#[test]
fn provenance_names_the_first_rows_and_counts_all() {
    let src = |file: &str, row| SourceRef {
        file: Arc::from(file),
        sheet: None,
        row,
    };
    let mut p = Provenance::default();
    for row in 1..=7 {
        p.add(src("a.csv", row));
    }
    let mut q = Provenance::default();
    q.add(src("b.csv", 9));
    p.extend(&q);
    assert_eq!(p.count, 8);
    let rows: Vec<u32> = p.rows.iter().map(|s| s.row).collect();
    assert_eq!(rows, [1, 2, 3, 4, 5]);
    let files: Vec<&str> = p.tables.iter().map(|(f, _)| &**f).collect();
    assert_eq!(files, ["a.csv", "b.csv"]);
}
