//! Pipeline benchmark: the three scale cases of the README's "Speed and memory" table,
//! each timed and measured for read + analyse and for writing the workbook and JSON.
//!
//! Run with `cargo bench --bench pipeline` (a release build). It writes its inputs,
//! seeded, to a temporary folder, as long CSVs `date,kpi,value,target`:
//!
//! - `monthly_1000`: 1,000 KPIs × 120 months (120,000 rows);
//! - `daily_200`: 200 KPIs × 3,650 days (730,000 rows), analysed at `--period month`;
//! - `daily_10m`: 1,000 KPIs × 10,000 days (10,000,000 rows, about 400 MB), at
//!   `--period month`. Set `KPILENS_BENCH_SMALL=1` to leave this one out.
//!
//! Each case prints the wall time and the peak resident memory of the process (VmHWM,
//! reset before each phase) of read + analyse and of writing the outputs (the workbook
//! and the JSON, as `kpilens report -o r.xlsx --json r.json` writes them).
//! `scripts/make_scale_data.py` writes the same kind of files for running the binary
//! itself under `/usr/bin/time -v`. Nothing here asserts a time (speed goals
//! live in benchmarks, not in timed tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kpilens::model::period::Grain;

/// The process's peak resident memory (VmHWM) in MB, from /proc (Linux).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Run `f`, returning its result, seconds and the process's peak resident memory during
/// it: the peak is reset first (writing 5 to /proc/self/clear_refs, Linux ≥ 4.0).
fn measure<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let t = Instant::now();
    let out = f();
    let secs = t.elapsed().as_secs_f64();
    (out, secs, peak_rss_mb())
}

/// A deterministic pseudo-random step (xorshift; no rand dependency for a benchmark).
fn noise(seed: &mut u64) -> f64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed % 10_000) as f64 / 10_000.0 - 0.5
}

/// `kpis` KPIs × `periods` days or month ends, long, as `scripts/make_scale_data.py`
/// writes them: random walks around 100 with a weekly pattern, constant targets.
fn long_csv(dir: &Path, name: &str, kpis: usize, periods: usize, daily: bool) -> PathBuf {
    let path = dir.join(format!("{name}.csv"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "date,kpi,value,target").unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(if daily { 1999 } else { 2016 }, 1, 1).unwrap();
    let dates: Vec<String> = (0..periods)
        .map(|i| {
            let d = if daily {
                start + chrono::Duration::days(i as i64)
            } else {
                start
                    .checked_add_months(chrono::Months::new(i as u32 + 1))
                    .unwrap()
                    .pred_opt()
                    .unwrap()
            };
            d.format("%Y-%m-%d").to_string()
        })
        .collect();
    let mut seed = 42u64;
    for k in 0..kpis {
        let mut level = 100.0;
        let target = 100.0 + (k % 7) as f64;
        for (i, date) in dates.iter().enumerate() {
            level += noise(&mut seed);
            let weekly = if daily {
                [0.0, 1.0, 2.0, 1.5, 1.0, -2.0, -3.5][i % 7]
            } else {
                0.0
            };
            writeln!(out, "{date},KPI {k:04},{:.3},{target}", level + weekly).unwrap();
        }
    }
    // On disk before the case runs: 300 MB still being written back would slow the
    // read it is measuring.
    out.into_inner().unwrap().sync_all().unwrap();
    path
}

/// The cases: name, KPIs, periods, daily, report period.
const CASES: [(&str, usize, usize, bool, Option<Grain>); 3] = [
    ("monthly_1000", 1000, 120, false, None),
    ("daily_200", 200, 3650, true, Some(Grain::Month)),
    ("daily_10m", 1000, 10_000, true, Some(Grain::Month)),
];

/// Generate the inputs and run each case in a process of its own (this program again,
/// with `--case NAME FILE`), so each peak is that case's alone.
fn main() {
    // As the binary's `main` sets it up.
    kpilens::memory::configure();
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        let (Some(name), Some(file)) = (args.get(i + 1), args.get(i + 2)) else {
            panic!("--case NAME FILE");
        };
        run_case(name, Path::new(file));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let small = std::env::var_os("KPILENS_BENCH_SMALL").is_some();
    let me = std::env::current_exe().unwrap();
    println!(
        "case                 rows   KPIs | read+analyse   peak RSS | workbook+JSON  peak RSS"
    );
    for (name, kpis, periods, daily, _) in CASES {
        if small && name == "daily_10m" {
            continue;
        }
        let path = long_csv(dir.path(), name, kpis, periods, daily);
        let status = std::process::Command::new(&me)
            .args(["--case", name])
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success(), "case {name} failed");
        std::fs::remove_file(&path).ok();
    }
}

/// One case: read + analyse, then the workbook and JSON, each timed with its peak memory.
fn run_case(name: &str, path: &Path) {
    let Some(&(_, kpis, periods, _, period)) = CASES.iter().find(|c| c.0 == name) else {
        panic!("no case {name}");
    };
    let flags = kpilens::config::Flags {
        period: period.map(Some),
        ..kpilens::config::Flags::default()
    };
    let cfg = kpilens::config::load(&flags).unwrap();
    let inputs = vec![path.to_path_buf()];
    let (results, secs, peak) = measure(|| kpilens::analyse(&inputs, &cfg).unwrap());
    let created = results.as_of.and_hms_opt(0, 0, 0).unwrap();
    kpilens::memory::release_freed();
    // As `kpilens report -o r.xlsx --json r.json` writes them: the JSON made while the
    // workbook is saved, both staged and then put in place.
    let out = tempfile::tempdir().unwrap();
    let (book, json) = (out.path().join("r.xlsx"), out.path().join("r.json"));
    let ((), wsecs, wpeak) = measure(|| {
        let (written, staged) = kpilens::report::write_workbook_alongside(
            &results,
            &cfg.report,
            &book,
            created,
            || kpilens::report::json::prepare(&results, Some(&json)),
        );
        written.unwrap();
        staged.unwrap().unwrap().finish().unwrap();
    });
    let size = |p: &Path| std::fs::metadata(p).unwrap().len() as f64 / 1e6;
    println!(
        "{name:<14} {:>10} {:>6} | {secs:>7.2} s {peak:>7.0} MB | {wsecs:>7.2} s {wpeak:>7.0} MB  ({:.1} MB workbook, {:.1} MB JSON)",
        kpis * periods,
        results.kpis.len(),
        size(&book),
        size(&json)
    );
}
