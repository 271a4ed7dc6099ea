//! Pipeline benchmark: how long kpilens takes to read and analyse large inputs.
//!
//! Run with `cargo bench --bench pipeline` (release build; the first one compiles
//! polars in release and takes a while). It generates its data in a temporary folder:
//!
//! - `long_100k`: a 100,000-row long-format CSV (100 KPIs × 1,000 days);
//! - `wide_1000x120`: 1,000 monthly KPIs × 120 months in a periods-across CSV;
//! - `pairs_40x120`: 40 KPIs × 120 months, so all 1,560 ordered pairs are tested for
//!   lead-lag at lags 0–6.
//!
//! Each case runs a few times and prints the best and median wall time of
//! read + analyse, and of writing the workbook. Compare runs by eye or keep the output
//! as a baseline; nothing here asserts a time (speed goals live in benchmarks, not in
//! timed tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A deterministic pseudo-random walk (no rand dependency needed for a benchmark).
fn noise(seed: &mut u64) -> f64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed % 10_000) as f64 / 10_000.0 - 0.5
}

fn long_csv(dir: &Path) -> PathBuf {
    let mut s = String::from("Date,KPI,Value,Target\n");
    let mut seed = 42u64;
    let start = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    for k in 0..100 {
        let mut level = 100.0;
        for d in 0..1000 {
            level += noise(&mut seed);
            let date = start + chrono::Duration::days(d);
            let _ = writeln!(s, "{date},KPI {k:03},{level:.3},100");
        }
    }
    let p = dir.join("long_100k.csv");
    std::fs::write(&p, s).unwrap();
    p
}

fn wide_csv(dir: &Path) -> PathBuf {
    periods_across_csv(dir, "wide_1000x120.csv", 1000)
}

/// `kpis` monthly KPIs × 120 months in a periods-across CSV.
fn periods_across_csv(dir: &Path, file: &str, kpis: usize) -> PathBuf {
    let mut s = String::from("KPI");
    let start = chrono::NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
    for m in 0..120 {
        let d = start.checked_add_months(chrono::Months::new(m)).unwrap();
        let _ = write!(s, ",{}", d.format("%Y-%m"));
    }
    s.push('\n');
    let mut seed = 7u64;
    for k in 0..kpis {
        let _ = write!(s, "Metric {k:04}");
        let mut level = 50.0;
        for _ in 0..120 {
            level += noise(&mut seed);
            let _ = write!(s, ",{level:.3}");
        }
        s.push('\n');
    }
    let p = dir.join(file);
    std::fs::write(&p, s).unwrap();
    p
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[0], times[times.len() / 2])
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    for (name, path) in [
        ("long_100k", long_csv(dir.path())),
        ("wide_1000x120", wide_csv(dir.path())),
        (
            "pairs_40x120",
            periods_across_csv(dir.path(), "pairs_40x120.csv", 40),
        ),
    ] {
        let inputs = vec![path.clone()];
        let cfg = kpilens::config::load(&kpilens::config::Flags::default()).unwrap();
        let (best, median) = time(5, || kpilens::analyse(&inputs, &cfg).unwrap());
        let results = kpilens::analyse(&inputs, &cfg).unwrap();
        let created = results.as_of.and_hms_opt(0, 0, 0).unwrap();
        let (wbest, wmedian) = time(3, || {
            kpilens::report::build_workbook(&results, &cfg.report, created).unwrap()
        });
        println!(
            "{name:<16} {:>5} KPIs  read+analyse best {:>8.1} ms, median {:>8.1} ms | workbook best {:>8.1} ms, median {:>8.1} ms",
            results.kpis.len(),
            best.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3,
            wbest.as_secs_f64() * 1e3,
            wmedian.as_secs_f64() * 1e3
        );
    }
}
