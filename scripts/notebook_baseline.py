#!/usr/bin/env python3
"""The "notebook" column of README "Speed and memory": the same job as kpilens, done the
way an analyst would do it in a pandas + scipy + pymannkendall + xlsxwriter notebook,
kept as a script so the side-by-side comparison can be rerun.

    python3 scripts/notebook_baseline.py INPUT.csv OUT_DIR [--period auto|month]
                                         [--window 24] [--max-charts 200]
    /usr/bin/time -v python3 scripts/notebook_baseline.py /tmp/scale/monthly_1000.csv out/

Needs: pip install pandas scipy pymannkendall XlsxWriter (and numpy).

It mirrors kpilens' job (read, aggregate, trend and XmR per KPI, one sheet per KPI,
200 charted KPIs, JSON) on the long CSVs of scripts/make_scale_data.py (`date,kpi,value,
target`, ISO dates): `--period month` takes the mean of value and target per KPI and
calendar month, `auto` keeps the file's grain (monthly dates named by the 1st). Per KPI,
on the last `window` periods, it computes change, gap, status and hit rate, trend (OLS,
Theil-Sen, Mann-Kendall), XmR limits and signals (outside, run of 8, jump), variation,
assurance and suggested targets as docs/methods.md sections 2-6 define them (one
segment, higher is better, 5% tolerance). It writes OUT_DIR/report.xlsx (Summary; per KPI
a sheet with its window table and, for the first `max_charts` KPIs, a value chart and a
moving-range chart; Data) and OUT_DIR/results.json, and prints each stage's seconds.
None of kpilens' messy-input handling (layouts, delimiters, date forms, gaps, duplicates,
findings) is here: it assumes a clean file with one grain and no missing periods.
"""
import argparse
import datetime as dt
import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pymannkendall as mk
import xlsxwriter
from scipy import stats

TOLERANCE = 0.05
RUN_LENGTH = 8
STATUS_FILL = {"green": "#C6EFCE", "amber": "#FFEB9C", "red": "#FFC7CE"}


def read(path):
    return pd.read_csv(path, parse_dates=["date"])


def aggregate(df, period):
    if period == "auto":
        gaps = pd.Series(np.sort(df["date"].unique())).diff().dt.days.median()
        period = "month" if 27 <= gaps <= 32 else "day"
    if period == "month":
        df["period"] = df["date"].dt.to_period("M").dt.to_timestamp()
    else:
        df["period"] = df["date"]
    return df.groupby(["kpi", "period"])[["value", "target"]].mean().reset_index()


def xmr(v):
    mr = np.abs(np.diff(v))
    mr_bar, cl = mr.mean(), v.mean()
    unpl, lnpl, url = cl + 2.66 * mr_bar, cl - 2.66 * mr_bar, 3.268 * mr_bar
    side = np.sign(v - cl)
    run_id = np.cumsum(np.r_[True, side[1:] != side[:-1]])
    run_len = np.bincount(run_id)[run_id]
    signals = [[] for _ in v]
    for i, x in enumerate(v):
        if x > unpl or x < lnpl:
            signals[i].append("outside " + ("high" if x > unpl else "low"))
        if side[i] != 0 and run_len[i] >= RUN_LENGTH:
            signals[i].append("run " + ("high" if side[i] > 0 else "low"))
        if i > 0 and mr[i - 1] > url:
            signals[i].append("jump " + ("high" if x > v[i - 1] else "low"))
    return dict(cl=cl, mr_bar=mr_bar, unpl=unpl, lnpl=lnpl, url=url,
                mr=np.r_[np.nan, mr], signals=signals)


def analyse_kpi(name, w):
    v, tgt = w["value"].to_numpy(), w["target"].to_numpy()
    n, t = len(v), np.arange(len(v))
    value, target = v[-1], tgt[-1]
    prev = v[-2] if n > 1 else np.nan
    gap = value - target
    status = (None if np.isnan(target) else "green" if value >= target
              else "amber" if gap >= -TOLERANCE * abs(target) else "red")
    has_t = ~np.isnan(tgt)
    hits = int((v[has_t] >= tgt[has_t]).sum())
    k = dict(name=name, period=w["period"].iloc[-1].date().isoformat(), n=n,
             latest=dict(value=value, prev_value=prev, pop_abs=value - prev,
                         pop_pct=(value - prev) / abs(prev) if prev else None,
                         target=target, gap=gap,
                         gap_pct=gap / abs(target) if target else None, status=status),
             attainment=dict(hits=hits, periods_with_target=int(has_t.sum()),
                             hit_rate=hits / has_t.sum() if has_t.any() else None),
             trend=None, xmr=None, targets=None)
    x = xmr(v) if n >= 6 else dict(mr=[None] * n, signals=[[]] * n)
    k["series"] = [dict(period=p.date().isoformat(), value=a, target=b, mr=r, signals=s)
                   for p, a, b, r, s in zip(w["period"], v, tgt, x["mr"], x["signals"])]
    if n < 6:  # trend and limits need 6 observations
        return k, None
    ols = stats.linregress(t, v)
    sen = stats.theilslopes(v, t, method="separate")
    m = mk.original_test([float(f"{x:.12g}") for x in v])  # ties as typed (methods §9)
    direction = "up" if m.p < 0.05 and m.s > 0 else "down" if m.p < 0.05 and m.s < 0 else "flat"
    k["trend"] = dict(ols_slope=ols.slope, ols_intercept=ols.intercept, r2=ols.rvalue ** 2,
                      ols_p=ols.pvalue, sen_slope=sen.slope, sen_intercept=sen.intercept,
                      mk_s=m.s, mk_var_s=m.var_s, mk_z=m.z, mk_p=m.p, mk_tau=m.Tau,
                      direction=direction)
    latest = x["signals"][-1]
    variation = ("improvement" if any(s.endswith("high") for s in latest)
                 else "concern" if latest else "common_cause")
    assurance = ("pass" if target < x["lnpl"] else "fail" if target > x["unpl"]
                 else "hit_and_miss") if not np.isnan(target) else None
    k["xmr"] = dict(cl=x["cl"], mr_bar=x["mr_bar"], unpl=x["unpl"], lnpl=x["lnpl"],
                    url=x["url"], variation=variation, assurance=assurance)
    realistic = np.quantile(v, 0.75)
    if direction == "up":  # improving: the forecast (Theil-Sen line, t = n) if higher
        realistic = max(realistic, sen.intercept + sen.slope * n)
    k["targets"] = dict(baseline=v.mean(), median=np.median(v), conservative=v.mean(),
                        realistic=realistic, stretch=max(np.quantile(v, 0.90), realistic))
    return k, x


def analyse(agg, window):
    windows = agg.groupby("kpi").tail(window)
    results = [analyse_kpi(name, w) for name, w in windows.groupby("kpi", sort=True)]
    return windows, results


def sheet_name(name, used):
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'")[:31] or "KPI"
    candidate, i = base, 2
    while candidate.lower() in used or candidate.lower() == "history":
        suffix = f" ({i})"
        candidate, i = base[:31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def cell(ws, r, c, x, fmt=None):
    if x is None or (isinstance(x, float) and np.isnan(x)):
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write(r, c, x, fmt)


def write_workbook(path, windows, results, max_charts):
    wb = xlsxwriter.Workbook(path)
    bold = wb.add_format({"bold": True})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    num = wb.add_format({"num_format": "#,##0.00"})
    pct = wb.add_format({"num_format": "0.0%"})
    fills = {s: wb.add_format({"bg_color": c}) for s, c in STATUS_FILL.items()}
    summary = wb.add_worksheet("Summary")
    used = {"summary", "data"}
    summary.write_row(0, 0, ["KPI", "Period", "Actual", "Target", "Gap %", "Status", "Trend",
                             "Variation", "Assurance", "Realistic target"], bold)
    summary.set_column(0, 0, 28)
    summary.set_column(1, 9, 13)
    for i, (k, x) in enumerate(results):
        lt, r = k["latest"], i + 1
        summary.write_string(r, 0, k["name"])
        summary.write_datetime(r, 1, dt.date.fromisoformat(k["period"]), day)
        cell(summary, r, 2, lt["value"], num)
        cell(summary, r, 3, lt["target"], num)
        cell(summary, r, 4, lt["gap_pct"], pct)
        cell(summary, r, 5, lt["status"], fills.get(lt["status"]))
        cell(summary, r, 6, k["trend"] and k["trend"]["direction"])
        cell(summary, r, 7, k["xmr"] and k["xmr"]["variation"])
        cell(summary, r, 8, k["xmr"] and k["xmr"]["assurance"])
        cell(summary, r, 9, k["targets"] and k["targets"]["realistic"], num)
    for i, (k, x) in enumerate(results):
        name = sheet_name(k["name"], used)
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, ["Period", "Value", "Target", "CL", "UNPL", "LNPL", "mR", "URL",
                         "Signals"], bold)
        ws.set_column(0, 7, 12)
        ws.set_column(8, 8, 28)
        for j, p in enumerate(k["series"]):
            r = j + 1
            ws.write_datetime(r, 0, dt.date.fromisoformat(p["period"]), day)
            cell(ws, r, 1, p["value"], num)
            cell(ws, r, 2, p["target"], num)
            for c, key in ((3, "cl"), (4, "unpl"), (5, "lnpl")):
                cell(ws, r, c, x and x[key], num)
            cell(ws, r, 6, p["mr"], num)
            cell(ws, r, 7, x and x["url"], num)
            ws.write_string(r, 8, ", ".join(p["signals"]))
        if i >= max_charts or x is None:
            continue
        last = len(k["series"])
        cats = [name, 1, 0, last, 0]
        chart = wb.add_chart({"type": "line"})
        for c in range(1, 6):
            chart.add_series({"name": [name, 0, c], "categories": cats,
                              "values": [name, 1, c, last, c],
                              "marker": {"type": "circle"} if c == 1 else {"type": "none"},
                              "line": {"dash_type": "solid" if c < 3 else "dash"}})
        chart.set_title({"name": k["name"]})
        chart.set_x_axis({"date_axis": True, "num_format": "mmm yy"})
        ws.insert_chart("J2", chart)
        mr_chart = wb.add_chart({"type": "line"})
        for c in (6, 7):
            mr_chart.add_series({"name": [name, 0, c], "categories": cats,
                                 "values": [name, 1, c, last, c],
                                 "line": {"dash_type": "solid" if c == 6 else "dash"}})
        mr_chart.set_title({"name": "Moving range"})
        ws.insert_chart("J18", mr_chart)
    data = wb.add_worksheet("Data")
    data.write_row(0, 0, ["KPI", "Period", "Value", "Target"], bold)
    for r, row in enumerate(windows.itertuples(index=False), start=1):
        data.write_string(r, 0, row.kpi)
        data.write_datetime(r, 1, row.period.to_pydatetime(), day)
        cell(data, r, 2, row.value)
        cell(data, r, 3, row.target)
    wb.close()


def to_json(o):
    if isinstance(o, dict):
        return {k: to_json(v) for k, v in o.items()}
    if isinstance(o, list):
        return [to_json(v) for v in o]
    if isinstance(o, (float, np.floating)):
        return None if np.isnan(o) else float(o)
    return int(o) if isinstance(o, np.integer) else o


def write_json(path, results):
    with open(path, "w") as f:
        json.dump({"kpis": [to_json(k) for k, _ in results]}, f, indent=2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--period", choices=["auto", "month"], default="auto")
    ap.add_argument("--window", type=int, default=24)
    ap.add_argument("--max-charts", type=int, default=200)
    args = ap.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    clock = [time.perf_counter()]
    times = {}

    def lap(stage):
        clock.append(time.perf_counter())
        times[stage] = clock[-1] - clock[-2]

    df = read(args.input)
    lap("read")
    agg = aggregate(df, args.period)
    del df
    lap("aggregate")
    windows, results = analyse(agg, args.window)
    lap("analyse")
    write_workbook(str(args.out_dir / "report.xlsx"), windows, results, args.max_charts)
    lap("workbook")
    write_json(args.out_dir / "results.json", results)
    lap("json")
    times["total"] = clock[-1] - clock[0]
    print(" ".join(f"{s} {v:.2f}s" for s, v in times.items()) + f" ({len(results)} KPIs)")


if __name__ == "__main__":
    main()
