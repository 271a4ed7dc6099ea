/*!
How many findings of one kind are listed one by one.

A column of a million bad values, or an export read twice (every period of every KPI a
duplicate), would otherwise be a million findings: a JSON of hundreds of megabytes, a
Data Quality sheet no one reads to the end and gigabytes of memory to write them. Of
each code and severity, a table (or a KPI) lists its first [`Listing::LISTED`]
findings; the rest are counted into one closing finding that says how many more there
are, in which rows and columns, with the severity they have, so `check` and the counts
judge the data the same.
*/
use std::collections::HashMap;

use super::{Finding, FindingCode, Severity};

/// The findings of one table (or one KPI) as they are made: which to list, and how
/// many of each code went unlisted.
#[derive(Debug, Default)]
pub struct Listing {
    /// Per code and severity (one code may be an error for a value and a warning for
    /// a name): how many were made, and its entry in `unlisted` once over the limit.
    codes: HashMap<(FindingCode, Severity), (usize, Option<usize>)>,
    unlisted: Vec<Unlisted>,
}

/// The findings of one code beyond the listed ones.
#[derive(Debug)]
struct Unlisted {
    /// The first of them, whose place the closing finding takes.
    first: Finding,
    count: usize,
    last_row: Option<u32>,
    /// How many in each column, in the order the columns came, and where each is.
    columns: Vec<(Option<String>, usize)>,
    column_at: HashMap<Option<String>, usize>,
    /// Whether they name more than one KPI (the closing finding then names none).
    kpis_differ: bool,
}

/// Columns named one by one in a closing finding.
const COLUMNS_NAMED: usize = 5;

impl Listing {
    /// Findings of one code listed one by one.
    pub const LISTED: usize = 100;

    /// `f` when it is to be listed; otherwise it is counted and `None`.
    pub fn admit(&mut self, f: Finding) -> Option<Finding> {
        let (made, at) = self.codes.entry((f.code, f.severity)).or_insert((0, None));
        *made += 1;
        if *made <= Self::LISTED {
            return Some(f);
        }
        if let Some(u) = at.and_then(|i| self.unlisted.get_mut(i)) {
            u.count += 1;
            u.last_row = f.row;
            u.kpis_differ |= u.first.kpi != f.kpi;
            u.count_column(f.column);
        } else {
            *at = Some(self.unlisted.len());
            let mut u = Unlisted {
                last_row: f.row,
                columns: Vec::new(),
                column_at: HashMap::new(),
                first: f,
                count: 1,
                kpis_differ: false,
            };
            u.count_column(u.first.column.clone());
            self.unlisted.push(u);
        }
        None
    }

    /// `findings` with each code listed up to the limit and the rest counted.
    pub fn list(findings: Vec<Finding>) -> Vec<Finding> {
        let mut listing = Listing::default();
        let mut listed: Vec<Finding> = findings
            .into_iter()
            .filter_map(|f| listing.admit(f))
            .collect();
        listed.extend(listing.closing());
        listed
    }

    /// One finding per code that went over the limit, in the order they did: how many
    /// more there are, in which rows and columns.
    pub fn closing(self) -> Vec<Finding> {
        self.unlisted.into_iter().map(Unlisted::finding).collect()
    }
}

impl Unlisted {
    fn count_column(&mut self, column: Option<String>) {
        if let Some(&i) = self.column_at.get(&column) {
            self.columns[i].1 += 1;
        } else {
            self.column_at.insert(column.clone(), self.columns.len());
            self.columns.push((column, 1));
        }
    }

    fn finding(self) -> Finding {
        let mut f = self.first;
        if self.kpis_differ {
            f.kpi = None;
        }
        let rows = match (f.row, self.last_row) {
            (Some(a), Some(b)) if a < b => format!(" (rows {a} to {b})"),
            _ => String::new(),
        };
        let more = format!("{} more like the {} above", self.count, Listing::LISTED);
        f.message = match self.columns.as_slice() {
            [(Some(c), _)] => format!("{more} in column {c}{rows}, not listed one by one"),
            [(None, _)] => format!("{more}{rows}, not listed one by one"),
            many => {
                f.column = None;
                let mut named: Vec<String> = many
                    .iter()
                    .take(COLUMNS_NAMED)
                    .map(|(c, n)| match c {
                        Some(c) => format!("{n} in column {c}"),
                        None => format!("{n} about whole rows"),
                    })
                    .collect();
                if many.len() > COLUMNS_NAMED {
                    named.push(format!("{} more columns", many.len() - COLUMNS_NAMED));
                }
                format!("{more}{rows}: {}; not listed one by one", named.join(", "))
            }
        };
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(row: u32, col: u32, kpi: &str) -> Finding {
        Finding::error(FindingCode::BadValue, format!("bad at {row}"))
            .kpi(kpi)
            .file("a.csv")
            .row(row)
            .col(col)
    }

    #[test]
    fn each_kind_is_listed_up_to_the_limit_then_counted() {
        let mut l = Listing::default();
        let mut listed = Vec::new();
        // 250 bad values in column C, then 3 in column D, and 120 bad dates in column C.
        for r in 2..252 {
            listed.extend(l.admit(bad(r, 2, "A")));
        }
        for r in 300..303 {
            listed.extend(l.admit(bad(r, 3, "B")));
        }
        for r in 10..130 {
            listed.extend(
                l.admit(
                    Finding::error(FindingCode::BadDate, "no date")
                        .row(r)
                        .col(2),
                ),
            );
        }
        assert_eq!(listed.len(), 100 + 100);
        assert_eq!(listed[99].row, Some(101));
        assert_eq!(listed[100].code, FindingCode::BadDate);
        let closing = l.closing();
        assert_eq!(closing.len(), 2);
        let values = &closing[0];
        assert_eq!(values.code, FindingCode::BadValue);
        assert_eq!(values.severity, super::super::Severity::Error);
        assert_eq!(
            values.message,
            "153 more like the 100 above (rows 102 to 302): 150 in column C, 3 in column D; not listed one by one"
        );
        assert_eq!(
            (values.row, values.file.as_deref()),
            (Some(102), Some("a.csv"))
        );
        // Several columns: the closing finding names none, and KPIs A and B neither.
        assert_eq!(
            (values.column.as_deref(), values.kpi.as_deref()),
            (None, None)
        );
        let dates = &closing[1];
        assert_eq!(
            dates.message,
            "20 more like the 100 above in column C (rows 110 to 129), not listed one by one"
        );
        assert_eq!(dates.column.as_deref(), Some("C"));
    }

    #[test]
    fn unlisted_findings_of_one_kpi_name_it_and_many_columns_are_cut() {
        let mut l = Listing::default();
        for r in 0..102 {
            let _ = l.admit(bad(r + 2, 2, "A"));
        }
        assert_eq!(l.closing()[0].kpi.as_deref(), Some("A"));
        let mut l = Listing::default();
        for c in 0..110 {
            let _ = l.admit(bad(2, c, "A"));
        }
        assert_eq!(
            l.closing()[0].message,
            "10 more like the 100 above: 1 in column CW, 1 in column CX, 1 in column CY, 1 in column CZ, 1 in column DA, 5 more columns; not listed one by one"
        );
    }

    #[test]
    fn errors_are_not_counted_among_warnings_of_the_same_code() {
        // 100 rows without a KPI name (warnings), then 5 text values (errors).
        let mut l = Listing::default();
        let mut listed = 0;
        for r in 0..100 {
            let w = Finding::warning(FindingCode::BadValue, "no name")
                .row(r)
                .col(1);
            listed += usize::from(l.admit(w).is_some());
        }
        for r in 100..105 {
            listed += usize::from(l.admit(bad(r, 2, "A")).is_some());
        }
        assert_eq!(listed, 105);
        assert!(l.closing().is_empty());
    }

    #[test]
    fn one_more_names_its_row_only_and_nothing_over_gives_nothing() {
        let mut l = Listing::default();
        for r in 0..101 {
            let _ = l.admit(Finding::warning(FindingCode::DuplicateObservation, "twice").row(r));
        }
        let closing = l.closing();
        assert_eq!(closing.len(), 1);
        assert_eq!(closing[0].severity, super::super::Severity::Warning);
        assert_eq!(
            closing[0].message,
            "1 more like the 100 above, not listed one by one"
        );
        assert_eq!(closing[0].row, Some(100));
        let mut few = Listing::default();
        assert!(few.admit(bad(2, 0, "A")).is_some());
        assert!(few.closing().is_empty());
    }
}
