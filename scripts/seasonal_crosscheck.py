#!/usr/bin/env python3
"""Seasonality (methods.md §10) on random series, against the independent reference of
scripts/seasonal_fixtures.py (scipy's Kruskal–Wallis, pymannkendall's seasonal test and
Sen slope, statsmodels' OLS, numpy's means and quantiles).

    pip install numpy scipy pymannkendall statsmodels
    python3 scripts/seasonal_crosscheck.py [--bin target/release/kpilens] [--seeds 200]
                                           [--first 1] [--keep DIR]

The fixtures hold twelve hand-made cases; this draws many more: per seed, a grain
(month, quarter with any fiscal-year start, day), a history of 2 to 7 cycles, and three
KPIs with random seasonal profiles (from none to strong against the noise), trends,
rounding (ties), missing periods, directions, bounds, targets, rebase periods,
`freeze_after`, `run_length`, `seasonal` (true, "auto" or false, per KPI or in
`[report]`) and a random window. Each case runs

    kpilens report data.csv -c kpis.toml --json out.json --period GRAIN --as-of END
                   --window W --fiscal-year-start FYS -q

and every field the reference gives is compared as tests/integration/seasonal.rs does
(numbers to 1e-9 relative, signals as a set, series entries by period, the two
seasonality findings exactly). A KPI whose decisions fall within float noise of a
threshold, or whose window leaves a segment without limits, is skipped and counted
(the reference refuses to call it). Prints one line per mismatch and a summary; exit
status 0 when nothing differed.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seasonal_fixtures as sf  # noqa: E402  (the reference, beside this script)

LENGTH = {"month": 12, "quarter": 4, "day": 7}


def period_end(p, grain):
    if grain == "day":
        return p
    return sf.shift(p, 1, grain) - timedelta(days=1)


def draw_case(rng):
    """One case: grain, fiscal-year start, report settings and three KPIs."""
    grain = str(rng.choice(["month", "month", "quarter", "day"]))
    L = LENGTH[grain]
    fys = int(rng.integers(1, 13)) if grain == "quarter" else 1
    cycles = float(rng.uniform(2.0, 7.0))
    n = max(8, int(cycles * L))
    if grain == "day":
        start = date(2025, 1, 6) + timedelta(days=int(rng.integers(0, 7)))
    elif grain == "quarter":
        m = fys - 1 + 3 * int(rng.integers(0, 4))
        start = date(2019 + m // 12, m % 12 + 1, 1)
    else:
        start = date(2019, int(rng.integers(1, 13)), 1)
    periods = [sf.shift(start, i, grain) for i in range(n)]
    window = int(rng.choice([2 * L, 3 * L, 24, 36, 48, n]))
    # [report] seasonal, which a KPI's own key overrides (sometimes with false).
    report = {}
    if rng.random() < 0.4:
        report["seasonal"] = bool(rng.random() < 0.5) or "auto"
    kpis = {}
    for k in range(3):
        kcfg, rows = draw_kpi(rng, periods, grain, fys, "seasonal" in report)
        kpis[f"KPI {k + 1}"] = (kcfg, rows)
    as_of = period_end(periods[-1], grain)
    return {"grain": grain, "fys": fys, "window": window, "as_of": as_of, "report": report,
            "kpis": kpis}


def draw_kpi(rng, periods, grain, fys, report_seasonal):
    L = LENGTH[grain]
    sd = float(rng.choice([0.5, 2.0, 10.0, 40.0]))
    strength = float(rng.choice([0.0, 0.3, 1.0, 2.5, 6.0]))
    profile = [float(x) for x in rng.normal(0, 1, L) * sd * strength]
    base = float(rng.choice([5.0, 100.0, 1000.0]))
    slope = float(rng.choice([0.0, 0.0, sd * 0.05, -sd * 0.08]))
    digits = int(rng.choice([0, 1, 2, 3]))
    kcfg = {"direction": str(rng.choice(["higher", "lower"]))}
    if not report_seasonal or rng.random() < 0.5:
        kcfg["seasonal"] = [True, True, "auto", False][int(rng.integers(0, 4))] \
            if report_seasonal else (bool(rng.random() < 0.6) or "auto")
    if rng.random() < 0.2:
        kcfg["run_length"] = int(rng.choice([5, 6, 7, 9]))
    if rng.random() < 0.2:
        kcfg["freeze_after"] = int(rng.integers(6, 20))
    lo = None
    if rng.random() < 0.2:
        lo = 0.0
        kcfg["lower_bound"] = 0.0
        base = sd * 1.5  # near the bound, so clamping happens
    vals = [float(v) for v in sf.gen(rng, periods, grain, fys, base, slope, profile, sd, digits, lo=lo)]
    if rng.random() < 0.25:  # repeated values (ties across and within seasons)
        for _ in range(int(rng.integers(1, 6))):
            i, j = rng.integers(0, len(vals), 2)
            vals[int(i)] = vals[int(j)]
    target = None
    if rng.random() < 0.7:
        target = round(float(np.mean(vals)) + float(rng.normal(0, sd)), digits)
    rows = [(p, v, target) for p, v in zip(periods, vals)]
    if rng.random() < 0.3:  # missing periods, never the first or the last
        drop = set(int(i) for i in rng.integers(1, len(rows) - 1, int(rng.integers(1, 5))))
        rows = [r for i, r in enumerate(rows) if i not in drop]
    if rng.random() < 0.15 and len(rows) >= 20:
        r = rows[int(rng.integers(len(rows) // 2, len(rows) - 6))][0]
        kcfg["rebase"] = [r.isoformat() if grain == "day" else r.isoformat()[:7]]
    return kcfg, rows


def write_case(c, folder):
    lines = ["date,kpi,value,target"]
    toml = ["[report]"] + [f"{k} = {json.dumps(v)}" for k, v in c["report"].items()] + [""]
    for name, (kcfg, rows) in c["kpis"].items():
        for p, v, tg in rows:
            lines.append(f"{p.isoformat()},{name},{v!r},{'' if tg is None else repr(float(tg))}")
        toml += ["[[kpi]]", f"name = {json.dumps(name)}"]
        toml += [f"{k} = {json.dumps(v)}" for k, v in kcfg.items()]
        toml.append("")
    (folder / "data.csv").write_text("\n".join(lines) + "\n")
    (folder / "kpis.toml").write_text("\n".join(toml))


def differences(what, got, want, out):
    """Every field of `want` present in `got`, as tests/integration/seasonal.rs compares."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            out.append(f"{what}: kpilens {got!r}, expected an object")
            return
        for key, wv in want.items():
            here = f"{what}.{key}"
            if key == "signals":
                k = lambda s: (s["rule"], s["period"], s["side"])
                g, w = sorted(map(k, got.get(key) or [])), sorted(map(k, wv))
                if g != w:
                    out.append(f"{here}: kpilens {g}, expected {w}")
            elif key == "series":
                by_period = {p["period"]: p for p in got.get(key) or []}
                for entry in wv:
                    if entry["period"] not in by_period:
                        out.append(f"{here}: no period {entry['period']}")
                    else:
                        differences(f"{here}[{entry['period']}]", by_period[entry["period"]], entry, out)
            elif key not in got:
                out.append(f"{here}: missing in kpilens' JSON")
            else:
                differences(here, got[key], wv, out)
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            out.append(f"{what}: kpilens {got!r}, expected {want!r}")
            return
        for i, (g, w) in enumerate(zip(got, want)):
            differences(f"{what}[{i}]", g, w, out)
    elif isinstance(want, (int, float)) and not isinstance(want, bool):
        if not isinstance(got, (int, float)) or isinstance(got, bool) \
                or abs(got - want) > 1e-9 * max(abs(want), 1.0):
            out.append(f"{what}: kpilens {got!r}, expected {want!r}")
    elif got != want:
        out.append(f"{what}: kpilens {got!r}, expected {want!r}")


def season_findings(js, name):
    return {f["code"]: f["severity"] for f in js["findings"]
            if f.get("kpi") == name and f["code"] in ("too_few_points_for_seasonality", "seasonal_pattern")}


def run_seed(seed, binary, keep):
    rng = np.random.default_rng(seed)
    c = draw_case(rng)
    report = dict(c["report"], window=c["window"])
    expected, skipped = {}, 0
    for name, (kcfg, rows) in c["kpis"].items():
        try:
            expected[name] = sf.analyse(f"seed {seed}", name, kcfg, report, c["grain"], c["fys"],
                                        c["as_of"], rows)
        except (SystemExit, AssertionError):
            skipped += 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(keep) / f"seed{seed}" if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        write_case(c, folder)
        args = [binary, "report", str(folder / "data.csv"), "-c", str(folder / "kpis.toml"),
                "-o", str(folder / "out.xlsx"), "--json", str(folder / "out.json"), "--force", "-q",
                "--period", c["grain"], "--as-of", c["as_of"].isoformat(),
                "--window", str(c["window"]), "--fiscal-year-start", str(c["fys"])]
        run = subprocess.run(args, capture_output=True, text=True)
        if run.returncode != 0:
            return [f"seed {seed}: exit {run.returncode}: {run.stderr.strip()}"], {}, skipped
        js = json.loads((folder / "out.json").read_text())
    out = []
    by_name = {k["name"]: k for k in js["kpis"]}
    for name, want in expected.items():
        got = by_name.get(name)
        if got is None:
            out.append(f"seed {seed} {name}: not in kpilens' JSON")
            continue
        for block, w in want.items():
            what = f"seed {seed} {c['grain']} fys={c['fys']} {name}: {block}"
            if block == "findings":
                g = season_findings(js, name)
                if g != w:
                    out.append(f"{what}: kpilens {g}, expected {w}")
            else:
                differences(what, got.get(block), w, out)
    return out, expected, skipped


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.environ.get("KPILENS_BIN", "target/release/kpilens"))
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--keep", help="keep each seed's files in DIR/seed<N>")
    a = ap.parse_args()
    checked = skipped = adjusted = 0
    failures = []
    for seed in range(a.first, a.first + a.seeds):
        out, expected, s = run_seed(seed, a.bin, a.keep)
        checked, skipped = checked + len(expected), skipped + s
        adjusted += sum(1 for k in expected.values() if k["seasonality"]["adjusted"])
        failures += out
        for line in out:
            print(line)
    print(f"{a.seeds} seeds: {checked} KPIs compared ({adjusted} seasonally adjusted), "
          f"{skipped} skipped (too close to call), {len(failures)} differences")
    if sf.SPEC_VS_LIBRARY:
        print(f"({len(sf.SPEC_VS_LIBRARY)} places where pymannkendall differs from the spec; "
              "the spec is used)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
