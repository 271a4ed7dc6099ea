/*!
The two grouping passes of series building (docs/methods.md §1, "Combining values"),
for one KPI: its kept observations grouped by period at the KPI's own grain (several
values there are a `duplicate_observation`), then the own-grain values rolled up to the
report grain. Each column — value, target, target min, target max — is combined with the
KPI's aggregation over the values present; `last` takes the latest-dated one (the later
row on a tie). Plain Rust over the store's columns: per KPI a sort of its observations
and one walk, which at ten million rows is several times faster than building polars
frames of them (README, "Speed and memory").
*/
use chrono::NaiveDate;

use crate::model::kpi::Aggregation;
use crate::model::period::{Calendar, Grain};
use crate::model::series::{KpiObservations, Observations, Origin, Provenance};

/// One period of the report-grain series: the four columns and the rows behind them
/// (made a [`Provenance`] only for the periods that keep one, those of the window).
pub(super) struct Period {
    pub(super) start: NaiveDate,
    pub(super) columns: [Option<f64>; 4],
    pub(super) rows: Rows,
}

/// An own-grain period holding several values.
pub(super) struct Duplicate {
    pub(super) period: NaiveDate,
    /// How many values it holds.
    pub(super) values: usize,
    /// Its rows, in input order.
    pub(super) sources: Provenance,
}

/// What to combine and how.
pub(super) struct Grouping<'a> {
    pub(super) obs: &'a KpiObservations,
    pub(super) store: &'a Observations,
    /// Indices of the observations kept (after as-of and subtotals), in input order.
    pub(super) kept: &'a [usize],
    pub(super) own: Grain,
    pub(super) report: Grain,
    pub(super) aggregation: Aggregation,
    pub(super) cal: &'a Calendar,
}

/// Combine with `agg` the values present, given in date order. One value is itself,
/// whatever the aggregation, so the common case allocates nothing.
fn pick(agg: Aggregation, values: &[f64]) -> Option<f64> {
    match values {
        [] => None,
        [one] => Some(*one),
        many => agg.apply(many),
    }
}

/// Buffers for one group's present values, per column, reused across groups.
#[derive(Default)]
struct Columns([Vec<f64>; 4]);

impl Columns {
    fn clear(&mut self) {
        for c in &mut self.0 {
            c.clear();
        }
    }

    fn push(&mut self, values: [Option<f64>; 4]) {
        for (c, v) in self.0.iter_mut().zip(values) {
            c.extend(v);
        }
    }

    fn pick(&self, agg: Aggregation) -> [Option<f64>; 4] {
        [0, 1, 2, 3].map(|c| pick(agg, &self.0[c]))
    }
}

/// The rows behind one value while it is being combined: the first few origins, the
/// count and the tables, as plain numbers held in place. A series at day grain has a
/// period a day, and only its window's periods turn these into a [`Provenance`] (a
/// vector of rows and one of tables, each row naming its file): built for every period,
/// with vectors of their own here too, that was most of the time ten million daily
/// rows took to analyse.
pub(super) struct Rows {
    first: [Origin; Provenance::KEPT],
    kept: usize,
    count: u32,
    /// The distinct tables of the rows, in order of first appearance: the first
    /// [`TABLES_IN_PLACE`] here, any more (rare) in `more`.
    tables: [u32; TABLES_IN_PLACE],
    distinct: usize,
    more: Vec<u32>,
}

/// Distinct tables a period's rows name that [`Rows`] holds in place.
const TABLES_IN_PLACE: usize = 4;

impl Default for Rows {
    fn default() -> Self {
        Rows {
            first: [Origin { table: 0, row: 0 }; Provenance::KEPT],
            kept: 0,
            count: 0,
            tables: [0; TABLES_IN_PLACE],
            distinct: 0,
            more: Vec::new(),
        }
    }
}

impl Rows {
    fn add(&mut self, o: Origin) {
        self.count = self.count.saturating_add(1);
        if let Some(slot) = self.first.get_mut(self.kept) {
            *slot = o;
            self.kept += 1;
        }
        if self.tables[..self.distinct].contains(&o.table) || self.more.contains(&o.table) {
            return;
        }
        match self.tables.get_mut(self.distinct) {
            Some(slot) => {
                *slot = o.table;
                self.distinct += 1;
            }
            None => self.more.push(o.table),
        }
    }

    pub(super) fn provenance(&self, store: &Observations) -> Provenance {
        Provenance {
            rows: self.first[..self.kept]
                .iter()
                .map(|&o| store.source(o))
                .collect(),
            count: self.count,
            tables: self.tables[..self.distinct]
                .iter()
                .chain(&self.more)
                .map(|&t| store.table(t))
                .collect(),
        }
    }
}

impl Grouping<'_> {
    /// The report-grain periods in order, and the own-grain periods that held several
    /// values.
    pub(super) fn run(&self) -> (Vec<Period>, Vec<Duplicate>) {
        let o = self.obs;
        // Own-grain period of each kept observation; sorted by period, then date, then
        // input order (a stable sort), which is the order `last` needs.
        let mut order: Vec<(NaiveDate, usize)> = self
            .kept
            .iter()
            .map(|&i| (self.cal.period_start(o.dates[i], self.own), i))
            .collect();
        order.sort_by_key(|&(p, i)| (p, o.dates[i]));
        let mut periods: Vec<Period> = Vec::new();
        let mut duplicates = Vec::new();
        let (mut own, mut report) = (Columns::default(), Columns::default());
        let mut rows = Rows::default();
        let mut current: Option<NaiveDate> = None;
        let mut start = 0;
        while start < order.len() {
            let p = order[start].0;
            let end = start + order[start..].iter().take_while(|(q, _)| *q == p).count();
            let group = &order[start..end];
            own.clear();
            for &(_, i) in group {
                own.push(o.columns(i));
            }
            if own.0[0].len() > 1 {
                let mut dup = Rows::default();
                self.add_rows(&mut dup, group);
                duplicates.push(Duplicate {
                    period: p,
                    values: own.0[0].len(),
                    sources: dup.provenance(self.store),
                });
            }
            let rp = self.cal.period_start(p, self.report);
            if current != Some(rp) {
                if let Some(done) = current {
                    periods.push(self.period(done, &report, std::mem::take(&mut rows)));
                }
                report.clear();
                current = Some(rp);
            }
            report.push(own.pick(self.aggregation));
            self.add_rows(&mut rows, group);
            start = end;
        }
        if let Some(done) = current {
            periods.push(self.period(done, &report, rows));
        }
        (periods, duplicates)
    }

    fn period(&self, period: NaiveDate, report: &Columns, rows: Rows) -> Period {
        Period {
            start: period,
            columns: report.pick(self.aggregation),
            rows,
        }
    }

    /// Add the rows of one own-grain group, in input order.
    fn add_rows(&self, rows: &mut Rows, group: &[(NaiveDate, usize)]) {
        if let [(_, i)] = group {
            rows.add(self.obs.origins[*i]);
            return;
        }
        let mut idx: Vec<usize> = group.iter().map(|&(_, i)| i).collect();
        idx.sort_unstable();
        for i in idx {
            rows.add(self.obs.origins[i]);
        }
    }
}
