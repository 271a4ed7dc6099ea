/*!
The tidy observations: every value read from any input, before any aggregation, with
the file, sheet and row it came from. Ingestion fills an [`Observations`] store (and
`TargetRow`s from Targets sheets); analysis turns it into one regular series per KPI at
its report grain (docs/methods.md §1).

The store is built for millions of rows: KPI names and source tables are kept once and
referred to by index, and each KPI's observations are columns (date, value, target,
origin) rather than one struct per row — about 30 bytes an observation instead of 150.
*/
use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::model::kpi::name_key;
use crate::model::period::Grain;

/// Where a value came from, for the Data sheet and for findings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRef {
    pub file: Arc<str>,
    pub sheet: Option<Arc<str>>,
    /// 1-based row as a spreadsheet shows it.
    pub row: u32,
}

/// One value read from an input, as a plain value (the store keeps it in columns).
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// KPI name as written in the input (trimmed).
    pub kpi: String,
    /// The date, or the first day of the period label.
    pub date: NaiveDate,
    /// Set when the date came from a period label (`2024-03`, `Q1 2024`, …).
    pub label_grain: Option<Grain>,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub target_min: Option<f64>,
    pub target_max: Option<f64>,
    pub source: SourceRef,
}

/// A target stated in a Targets sheet or file, either for one period or as a step
/// that applies from `period` on.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    pub kpi: String,
    pub period: NaiveDate,
    pub label_grain: Option<Grain>,
    pub target: f64,
    pub is_step: bool,
    pub source: SourceRef,
}

/// The input rows behind one value of a series: the first few, how many in all, and
/// every file and sheet they came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    /// The first [`Provenance::KEPT`] rows, in input order.
    pub rows: Vec<SourceRef>,
    /// How many input rows were combined into the value.
    pub count: u32,
    /// The distinct files and sheets of all those rows, in order of first appearance.
    pub tables: Vec<(Arc<str>, Option<Arc<str>>)>,
}

impl Provenance {
    /// Rows named one by one; beyond them only the count is kept.
    pub const KEPT: usize = 5;

    pub fn add(&mut self, s: SourceRef) {
        self.count = self.count.saturating_add(1);
        if !self
            .tables
            .iter()
            .any(|(f, sh)| *f == s.file && *sh == s.sheet)
        {
            self.tables.push((s.file.clone(), s.sheet.clone()));
        }
        if self.rows.len() < Self::KEPT {
            self.rows.push(s);
        }
    }

    /// Add everything `other` holds (its rows after these).
    pub fn extend(&mut self, other: &Provenance) {
        let missing = other.count.saturating_sub(other.rows.len() as u32);
        for s in &other.rows {
            self.add(s.clone());
        }
        self.count = self.count.saturating_add(missing);
        for t in &other.tables {
            if !self.tables.contains(t) {
                self.tables.push(t.clone());
            }
        }
    }
}

/// Where one stored observation came from: its table (an index into the store's
/// tables) and 1-based row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub table: u32,
    pub row: u32,
}

/// Missing values are stored as NaN (a value read is never NaN: NaN cells are Excel
/// errors, reported and read as missing).
fn stored(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn read(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// The observations of one KPI, column by column, in input order.
#[derive(Debug, Clone, Default)]
pub struct KpiObservations {
    /// The name as the input first wrote it.
    pub name: String,
    pub dates: Vec<NaiveDate>,
    pub label_grains: Vec<Option<Grain>>,
    values: Vec<f64>,
    /// Allocated at the KPI's first target (most KPIs of big exports have none).
    targets: Option<Vec<f64>>,
    bands: Option<Vec<[f64; 2]>>,
    pub origins: Vec<Origin>,
}

impl KpiObservations {
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    pub fn value(&self, i: usize) -> Option<f64> {
        read(self.values[i])
    }

    pub fn target(&self, i: usize) -> Option<f64> {
        self.targets.as_ref().and_then(|t| read(t[i]))
    }

    pub fn target_min(&self, i: usize) -> Option<f64> {
        self.bands.as_ref().and_then(|b| read(b[i][0]))
    }

    pub fn target_max(&self, i: usize) -> Option<f64> {
        self.bands.as_ref().and_then(|b| read(b[i][1]))
    }

    /// Value, target, target min and max of observation `i`.
    pub fn columns(&self, i: usize) -> [Option<f64>; 4] {
        [
            self.value(i),
            self.target(i),
            self.target_min(i),
            self.target_max(i),
        ]
    }

    pub fn set_target(&mut self, i: usize, v: Option<f64>) {
        if v.is_none() && self.targets.is_none() {
            return;
        }
        let n = self.len();
        self.targets.get_or_insert_with(|| vec![f64::NAN; n])[i] = stored(v);
    }

    /// Set one end of observation `i`'s band: `end` 0 is the minimum, 1 the maximum.
    pub fn set_band(&mut self, i: usize, end: usize, v: Option<f64>) {
        if v.is_none() && self.bands.is_none() {
            return;
        }
        let n = self.len();
        self.bands.get_or_insert_with(|| vec![[f64::NAN; 2]; n])[i][end] = stored(v);
    }

    fn push(
        &mut self,
        date: NaiveDate,
        label_grain: Option<Grain>,
        value: Option<f64>,
        origin: Origin,
    ) {
        self.dates.push(date);
        self.label_grains.push(label_grain);
        self.values.push(stored(value));
        if let Some(t) = &mut self.targets {
            t.push(f64::NAN);
        }
        if let Some(b) = &mut self.bands {
            b.push([f64::NAN; 2]);
        }
        self.origins.push(origin);
    }
}

/// Every observation read, grouped by KPI in order of first appearance (KPIs whose
/// names differ only in case and spacing are one).
#[derive(Debug, Clone, Default)]
pub struct Observations {
    kpis: Vec<KpiObservations>,
    by_key: HashMap<String, usize>,
    tables: Vec<(Arc<str>, Option<Arc<str>>)>,
}

impl Observations {
    /// Register a table observations come from; returns its index for [`Origin`].
    pub fn add_table(&mut self, file: &str, sheet: Option<&str>) -> u32 {
        self.tables.push((Arc::from(file), sheet.map(Arc::from)));
        (self.tables.len() - 1) as u32
    }

    /// The index of the KPI named `name`, added if new.
    pub fn kpi(&mut self, name: &str) -> usize {
        let key = name_key(name);
        if let Some(&i) = self.by_key.get(&key) {
            return i;
        }
        self.kpis.push(KpiObservations {
            name: name.to_string(),
            ..KpiObservations::default()
        });
        self.by_key.insert(key, self.kpis.len() - 1);
        self.kpis.len() - 1
    }

    /// Add an observation of KPI `kpi` (from [`Observations::kpi`]); returns its
    /// position within the KPI, for targets set afterwards.
    pub fn push(
        &mut self,
        kpi: usize,
        date: NaiveDate,
        label_grain: Option<Grain>,
        value: Option<f64>,
        origin: Origin,
    ) -> usize {
        let k = &mut self.kpis[kpi];
        k.push(date, label_grain, value, origin);
        k.len() - 1
    }

    /// Add one observation given as a plain value (tests, small readers).
    pub fn push_one(&mut self, o: &Observation) {
        let table = match self
            .tables
            .iter()
            .position(|(f, s)| *f == o.source.file && *s == o.source.sheet)
        {
            Some(t) => t as u32,
            None => self.add_table(&o.source.file, o.source.sheet.as_deref()),
        };
        let kpi = self.kpi(&o.kpi);
        let origin = Origin {
            table,
            row: o.source.row,
        };
        let i = self.push(kpi, o.date, o.label_grain, o.value, origin);
        let k = &mut self.kpis[kpi];
        k.set_target(i, o.target);
        k.set_band(i, 0, o.target_min);
        k.set_band(i, 1, o.target_max);
    }

    pub fn get_mut(&mut self, kpi: usize) -> &mut KpiObservations {
        &mut self.kpis[kpi]
    }

    /// The KPIs in order of first appearance.
    pub fn kpis(&self) -> &[KpiObservations] {
        &self.kpis
    }

    /// The KPI whose name is `name` (ignoring case and spacing).
    pub fn find(&self, name: &str) -> Option<&KpiObservations> {
        self.by_key.get(&name_key(name)).map(|&i| &self.kpis[i])
    }

    /// How many observations there are.
    pub fn len(&self) -> usize {
        self.kpis.iter().map(KpiObservations::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.kpis.iter().all(KpiObservations::is_empty)
    }

    /// How many observations have a value.
    pub fn values(&self) -> usize {
        self.kpis
            .iter()
            .map(|k| k.values.iter().filter(|v| !v.is_nan()).count())
            .sum()
    }

    /// Every observation as a plain value, KPI by KPI (for tests and small tools: a
    /// large store is read through its columns).
    pub fn iter(&self) -> impl Iterator<Item = Observation> + '_ {
        self.kpis.iter().flat_map(move |k| {
            (0..k.len()).map(move |i| Observation {
                kpi: k.name.clone(),
                date: k.dates[i],
                label_grain: k.label_grains[i],
                value: k.value(i),
                target: k.target(i),
                target_min: k.target_min(i),
                target_max: k.target_max(i),
                source: self.source(k.origins[i]),
            })
        })
    }

    /// The file and sheet of table `t`.
    pub fn table(&self, t: u32) -> (Arc<str>, Option<Arc<str>>) {
        self.tables[t as usize].clone()
    }

    /// Where observation `origin` came from.
    pub fn source(&self, origin: Origin) -> SourceRef {
        let (file, sheet) = &self.tables[origin.table as usize];
        SourceRef {
            file: file.clone(),
            sheet: sheet.clone(),
            row: origin.row,
        }
    }
}

#[cfg(test)]
mod tests;
