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

#[test]
fn kpis_past_the_limit_are_counted_not_kept() {
    let mut s = Observations::with_limit(2);
    let t = s.add_table("a.csv", None);
    let u = s.add_table("b.csv", None);
    assert_eq!(s.kpi_in("A", t), (0, false));
    assert_eq!(s.kpi_in("B", t), (1, false));
    // Past the limit: C and D are new to table t once each, then C again in u.
    assert_eq!(s.kpi_in("C", t), (LEFT_OUT, true));
    assert_eq!(s.kpi_in(" c ", t), (LEFT_OUT, false));
    assert_eq!(s.kpi_in("D", t), (LEFT_OUT, true));
    assert_eq!(s.kpi_in("C", u), (LEFT_OUT, true));
    assert_eq!(s.kpi_in("a", u), (0, false));
    assert_eq!(s.kpis().len(), 2);
    assert_eq!(s.kpi_count(), 4);
    assert_eq!(s.left_out(), Some((2, "C", "D")));
    assert!(s.names("d") && s.names("A") && !s.names("E"));
    assert!(s.find("C").is_none());
    assert!(s.keeps(&name_key(" a")) && !s.keeps(&name_key("C")) && !s.keeps("e"));
    // A KPI left out holds its latest observation only, with its name, so a reader
    // can set and check its target; every row and value is counted.
    s.kpi("C");
    let i = s.push(LEFT_OUT, ym(2024, 1), None, Some(5.0), origin(2));
    s.get_mut(LEFT_OUT).set_target(i, Some(7.0));
    let j = s.push(LEFT_OUT, ym(2024, 2), None, None, origin(3));
    let k = s.get_mut(LEFT_OUT);
    assert_eq!((i, j, k.len(), k.name.as_str()), (0, 0, 1, "C"));
    assert_eq!(k.columns(0), [None, None, None, None]);
    assert_eq!((s.len(), s.values(), s.is_empty()), (2, 1, false));
}

#[test]
fn a_store_within_its_limit_leaves_nothing_out() {
    let mut s = Observations::with_limit(2);
    s.kpi("A");
    assert!(s.keeps("e"));
    s.kpi("B");
    assert_eq!((s.kpi_count(), s.left_out(), s.is_empty()), (2, None, true));
    assert_eq!(Observations::default().limit(), MAX_KPIS);
}
