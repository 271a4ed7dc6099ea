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
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

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

    /// Forget the observations (the name stays).
    fn clear(&mut self) {
        self.dates.clear();
        self.label_grains.clear();
        self.values.clear();
        self.targets = None;
        self.bands = None;
        self.origins.clear();
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

/// The most KPIs one report analyses. More names than this in a KPI column are IDs
/// (of orders, customers, products) rather than KPIs, and every KPI costs memory and
/// rows on every sheet: 400,000 single-value "KPIs" once took 54 s and 8 GB, and a
/// report of 100,000 KPIs still took 2–3 GB (README, "Speed and memory").
pub const MAX_KPIS: usize = 50_000;

/// The index [`Observations::kpi_in`] gives every KPI named after the store holds its
/// limit of KPIs.
pub const LEFT_OUT: usize = usize::MAX;

/// Every observation read, grouped by KPI in order of first appearance (KPIs whose
/// names differ only in case and spacing are one).
///
/// The store keeps the first [`MAX_KPIS`] KPIs the inputs name. Those named after them
/// are only counted (see [`LeftOut`]): a KPI column of order numbers names a KPI on
/// every row, and keeping them all only to leave them out later took 2.8 GB for five
/// million rows.
#[derive(Debug, Clone)]
pub struct Observations {
    kpis: Vec<KpiObservations>,
    by_key: HashMap<String, usize>,
    tables: Vec<(Arc<str>, Option<Arc<str>>)>,
    limit: usize,
    left_out: LeftOut,
}

impl Default for Observations {
    fn default() -> Self {
        Self::with_limit(MAX_KPIS)
    }
}

/// The KPIs named after the store was full: how many, the first and the last (for the
/// finding that names them), and how many rows and values they had.
#[derive(Debug, Clone, Default)]
struct LeftOut {
    /// A hash of each name key (8 bytes rather than the name), and the last table
    /// that named it: tables are read one after another, so each table counts each
    /// of its names once.
    keys: FxHashMap<u64, u32>,
    first: Option<String>,
    last: Option<String>,
    rows: usize,
    values: usize,
    /// The latest observation of a KPI left out, kept until the next one so that the
    /// readers set and check its target as for any other KPI (and name it in their
    /// findings).
    scratch: KpiObservations,
}

/// A name key's hash, the same in every run (std's SipHash with its fixed keys). Of ten
/// million names left out, two share a hash with a chance of about three in a
/// million; the count is then one short.
fn key_hash(key: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

impl LeftOut {
    /// Count `name` (whose key is `key`) as named by table `table`; is it the first
    /// time this table names it?
    fn named(&mut self, name: &str, key: &str, table: u32) -> bool {
        self.scratch.name.clear();
        self.scratch.name.push_str(name);
        if let Some(before) = self.keys.insert(key_hash(key), table) {
            return before != table;
        }
        self.first.get_or_insert_with(|| name.to_string());
        self.last = Some(name.to_string());
        true
    }
}

impl Observations {
    /// An empty store that keeps at most `limit` KPIs.
    pub fn with_limit(limit: usize) -> Self {
        Self {
            kpis: Vec::new(),
            by_key: HashMap::new(),
            tables: Vec::new(),
            limit,
            left_out: LeftOut::default(),
        }
    }

    /// Register a table observations come from; returns its index for [`Origin`].
    pub fn add_table(&mut self, file: &str, sheet: Option<&str>) -> u32 {
        self.tables.push((Arc::from(file), sheet.map(Arc::from)));
        (self.tables.len() - 1) as u32
    }

    /// The index of the KPI named `name`, added if new ([`LEFT_OUT`] past the limit).
    pub fn kpi(&mut self, name: &str) -> usize {
        self.kpi_in(name, u32::MAX).0
    }

    /// The index of the KPI named `name` by table `table`, added if new; past the
    /// limit, [`LEFT_OUT`] and whether `table` names that KPI for the first time (the
    /// flag is false for a KPI kept: a reader knows those by their index).
    pub fn kpi_in(&mut self, name: &str, table: u32) -> (usize, bool) {
        let key = name_key(name);
        if let Some(&i) = self.by_key.get(&key) {
            return (i, false);
        }
        if self.kpis.len() >= self.limit {
            return (LEFT_OUT, self.left_out.named(name, &key, table));
        }
        self.kpis.push(KpiObservations {
            name: name.to_string(),
            ..KpiObservations::default()
        });
        self.by_key.insert(key, self.kpis.len() - 1);
        (self.kpis.len() - 1, false)
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
        if kpi == LEFT_OUT {
            let l = &mut self.left_out;
            l.rows += 1;
            l.values += usize::from(value.is_some());
            l.scratch.clear();
            l.scratch.push(date, label_grain, value, origin);
            return 0;
        }
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
        let k = self.get_mut(kpi);
        k.set_target(i, o.target);
        k.set_band(i, 0, o.target_min);
        k.set_band(i, 1, o.target_max);
    }

    /// KPI `kpi` (for [`LEFT_OUT`], its latest observation only).
    pub fn get_mut(&mut self, kpi: usize) -> &mut KpiObservations {
        if kpi == LEFT_OUT {
            return &mut self.left_out.scratch;
        }
        &mut self.kpis[kpi]
    }

    /// The KPIs kept, in order of first appearance.
    pub fn kpis(&self) -> &[KpiObservations] {
        &self.kpis
    }

    /// The most KPIs the store keeps.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// How many distinct KPIs the inputs name, those left out included.
    pub fn kpi_count(&self) -> usize {
        self.kpis.len() + self.left_out.keys.len()
    }

    /// The KPIs named after the store was full: how many, and the first and last of
    /// them in order of first appearance.
    pub fn left_out(&self) -> Option<(usize, &str, &str)> {
        let l = &self.left_out;
        Some((l.keys.len(), l.first.as_deref()?, l.last.as_deref()?))
    }

    /// Does the store keep, or would it keep, the KPI whose name key is `key`?
    pub fn keeps(&self, key: &str) -> bool {
        self.kpis.len() < self.limit || self.by_key.contains_key(key)
    }

    /// The KPI whose name is `name` (ignoring case and spacing), if it was kept.
    pub fn find(&self, name: &str) -> Option<&KpiObservations> {
        self.by_key.get(&name_key(name)).map(|&i| &self.kpis[i])
    }

    /// Does any input name KPI `name`, kept or left out?
    pub fn names(&self, name: &str) -> bool {
        let key = name_key(name);
        if self.by_key.contains_key(&key) {
            return true;
        }
        self.left_out.keys.contains_key(&key_hash(&key))
    }

    /// How many observations were read, those of KPIs left out included.
    pub fn len(&self) -> usize {
        self.kpis.iter().map(KpiObservations::len).sum::<usize>() + self.left_out.rows
    }

    pub fn is_empty(&self) -> bool {
        self.left_out.rows == 0 && self.kpis.iter().all(KpiObservations::is_empty)
    }

    /// How many observations have a value, those of KPIs left out included.
    pub fn values(&self) -> usize {
        self.kpis
            .iter()
            .map(|k| k.values.iter().filter(|v| !v.is_nan()).count())
            .sum::<usize>()
            + self.left_out.values
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
