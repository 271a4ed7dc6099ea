#!/usr/bin/env python3
"""Generate the scale inputs of the benchmark (README "Speed and memory"), seeded, as
long CSVs with the columns `date,kpi,value,target`:

    python3 scripts/make_scale_data.py OUT_DIR [--cases monthly_1000,daily_10m,daily_200]

- monthly_1000: 1,000 KPIs x 120 months (120,000 rows), month-end dates;
- daily_10m:    1,000 KPIs x 10,000 days (10,000,000 rows, about 420 MB);
- daily_200:    200 KPIs x 3,650 days (730,000 rows).

Values are random walks around 100 with a weekly pattern; targets are constant per KPI.
Run kpilens on the daily files with `--period month`. Needs numpy only.
"""
import argparse
import datetime as dt
from pathlib import Path

import numpy as np

CASES = {
    "monthly_1000": (1000, 120, "month"),
    "daily_10m": (1000, 10_000, "day"),
    "daily_200": (200, 3650, "day"),
}


def dates(n, grain):
    if grain == "day":
        start = dt.date(1999, 1, 1)
        return [(start + dt.timedelta(days=i)).isoformat() for i in range(n)]
    out = []
    y, m = 2016, 1
    for _ in range(n):
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        out.append((nxt - dt.timedelta(days=1)).isoformat())
        y, m = nxt.year, nxt.month
    return out


def write(path, kpis, periods, grain, seed):
    rng = np.random.default_rng(seed)
    days = dates(periods, grain)
    weekly = np.tile([0.0, 1.0, 1.5, 1.2, 0.8, -2.0, -2.5], periods // 7 + 1)[:periods]
    with open(path, "w", newline="\n") as f:
        f.write("date,kpi,value,target\n")
        for k in range(kpis):
            walk = 100 + np.cumsum(rng.normal(0, 0.5, periods)) + weekly
            target = round(100 + rng.normal(0, 3), 1)
            name = f"KPI {k:04d}"
            lines = [f"{d},{name},{v:.3f},{target}\n" for d, v in zip(days, walk)]
            f.writelines(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--cases", default=",".join(CASES))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(args.cases.split(",")):
        kpis, periods, grain = CASES[name]
        path = args.out / f"{name}.csv"
        write(path, kpis, periods, grain, seed=1000 + i)
        print(f"{path}: {kpis * periods:,} rows")


if __name__ == "__main__":
    main()
