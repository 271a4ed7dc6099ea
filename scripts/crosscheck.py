#!/usr/bin/env python3
"""Independent cross-check of kpilens' numbers against a from-the-spec Python model.

What it does
  For each seed it generates a random but realistic long-layout CSV (`date,kpi,value,target`;
  monthly, weekly, quarterly, some daily and yearly KPIs, as ISO dates or period labels
  (2024-03, 2024-Q1, Q1 2024, 2024-W05, FY2024); gaps, NA cells, duplicate observations,
  ties, constant series, level shifts, trends, lagged copies of other KPIs, negative values,
  targets that change over time) and a kpis.toml (direction higher/lower/range, tolerance,
  bounds, rebase, freeze_after, run_length, aggregation, owner, targets steps, leads,
  max_lag, min_pairs; sometimes [report] rules = "nhs", window, as_of, period,
  fiscal_year_start, transform, ...), runs

      KPILENS report data.csv -c kpis.toml -o out.xlsx --json out.json --force -q

  and recomputes every numeric field it can independently from /work/shared/spec/methods.md
  (numpy / scipy / pymannkendall / statsmodels), comparing field by field (floats to 1e-9
  relative).  Each discrepancy is printed as
      DIFF [family] seed=<s> kpi=<name> field=<path> kpilens=<v> expected=<v>
  (family: a rough tag of known defect families - constant-KPI, mr_bar=0, best-lag-tie?,
  other - so new kinds stand out).  Minimal reproductions of confirmed kpilens defects
  are in tests/fixtures/crosscheck/ (found.txt in each says what kpilens did and what the spec says; the integration tests in tests/integration/values.rs hold them).
  Decisions at exact ties (signals, met, constant checks) use the values exactly as
  written (decimal), and means are correctly rounded.  Mann-Kendall signs and tie groups
  and Spearman ranks compare the values rounded to 12 significant digits (round12;
  methods.md §9 "Ties"); the statistics themselves use the values unrounded.  A
  difference that disappears when means are taken as naive float sums (what numpy.mean
  does) is printed as ROUNDOFF instead of DIFF: a float round-off effect, not a formula
  error.
  Points where the spec leaves room are computed under every plausible reading; kpilens
  matching any of them counts as agreement (they are tallied under "ambiguous").

How to run
      python3 scripts/crosscheck.py [--bin target/release/kpilens] [--seeds 200] [--start 0]
                                    [--seed N] [--keep DIR] [-v]
  --seed N runs one seed; --keep DIR keeps the generated files (DIR/<seed>/).
  Exit status 1 when any discrepancy was found.
"""
import argparse
import datetime as dt
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from fractions import Fraction


def Fr(x):
    """Exact value of a number as the user wrote it: floats through their shortest repr, so
    0.1 is 1/10 (the data are decimal text), strings such as "2.66" exactly."""
    if isinstance(x, float):
        return Fraction(repr(x))
    return Fraction(x)


NAIVE = False  # True: means as a running float sum / n (what numpy and most code do)


def round12(x):
    """x rounded to 12 significant digits: the value ties are decided on (methods.md §9,
    "Ties"; Rust `format!("{:.11e}", x).parse::<f64>()`). 0.3 - 0.1 and 0.5 - 0.3 tie."""
    return float(f"{x:.11e}")

import numpy as np
import pymannkendall as mk
from scipy import stats
from statsmodels.stats.multitest import multipletests

D = dt.date
EPOCH_MON = D(1970, 1, 5)


# ----------------------------------------------------------------------------- helpers
class Amb:
    """An expected value the spec leaves open: any of `options` is accepted.
    `labels` name the readings, to tally which one kpilens follows."""

    def __init__(self, options, note, labels=None):
        self.options = list(options)
        self.note = note
        self.labels = labels


SKIP = object()


def fnum(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def close(a, b, rel=1e-9, abs_=1e-12):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        if not (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))) or len(a) != len(b):
            return False
        return all(close(x, y, rel, abs_) for x, y in zip(a, b))
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


# ----------------------------------------------------------------------------- periods
def month_idx(d):
    return d.year * 12 + d.month - 1


def from_month_idx(i):
    return D(i // 12, i % 12 + 1, 1)


def pidx(d, grain, fys=1):
    if grain == "month":
        return month_idx(d)
    if grain == "week":
        return (d - EPOCH_MON).days // 7
    if grain == "quarter":
        return (month_idx(d) - (fys - 1) % 3) // 3
    if grain == "year":
        return (month_idx(d) - (fys - 1)) // 12
    if grain == "day":
        return d.toordinal()
    raise ValueError(grain)


def pdate(i, grain, fys=1):
    if grain == "month":
        return from_month_idx(i)
    if grain == "week":
        return EPOCH_MON + dt.timedelta(days=7 * i)
    if grain == "quarter":
        return from_month_idx(i * 3 + (fys - 1) % 3)
    if grain == "year":
        return from_month_idx(i * 12 + fys - 1)
    if grain == "day":
        return D.fromordinal(i)
    raise ValueError(grain)


GRAIN_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}
YOY_BACK = {"month": 12, "quarter": 4, "week": 52, "year": 1}
DEFAULT_MAX_LAG = {"day": 14, "week": 8, "month": 6, "quarter": 4, "year": 2}


def fiscal_year_start_date(d, fys):
    y = d.year if d.month >= fys else d.year - 1
    return D(y, fys, 1)


def agg(vals, how):
    vals = list(vals)
    if not vals:
        return None
    if how == "sum":
        if NAIVE:
            acc = 0.0
            for v in vals:
                acc += v
            return acc
        return float(math.fsum(vals))
    if how == "mean":
        if NAIVE:
            acc = 0.0
            for v in vals:
                acc += v
            return acc / len(vals)
        # correctly rounded: the mean of equal values is that value
        return float(sum(Fr(v) for v in vals) / len(vals))
    if how == "last":
        return float(vals[-1])
    if how == "min":
        return float(min(vals))
    if how == "max":
        return float(max(vals))
    raise ValueError(how)


def q(vals, p):
    return float(np.quantile(np.asarray(vals, dtype=float), p))


# ----------------------------------------------------------------------------- generator
def gen_dataset(seed, folder):
    rng = random.Random(seed)
    nrs = np.random.default_rng(seed)
    fys = rng.choice([1] * 6 + [4, 7, 10])
    style = rng.choice(["iso", "iso", "label"])
    nk = rng.randint(2, 6) if rng.random() > 0.07 else rng.randint(9, 10)
    many = nk >= 9
    rperiod = rng.choice(["month", "quarter"]) if rng.random() < 0.1 else None
    dup_p = rng.choice([0, 0, 0, 0.15])
    end_month = month_idx(D(2025, rng.randint(1, 12), 1))
    kpis = []
    rows = []
    names = []
    for k in range(nk):
        name = rng.choice(["Revenue", "Churn", "NPS", "Tickets", "Margin", "Leads", "Defects",
                           "Cost", "Uptime", "Backlog", "Visits", "Orders"]) + f" {k}"
        names.append(name)
        grain = rng.choices(["month", "week", "quarter", "year", "day"], [6, 2, 2, 0.5, 0.5])[0]
        length = rng.randint(3, 40)
        if rng.random() < 0.25:
            length = rng.randint(3, 9)
        if grain == "week" and rng.random() < 0.3:
            length = rng.randint(50, 70)  # long enough for year-over-year (52 weeks)
        if grain == "day":
            length = rng.choice([rng.randint(10, 60), rng.randint(360, 420)])
        if grain == "year":
            length = min(length, rng.randint(3, 12))
        date_shift = 0  # days after the period's first day the observations are dated
        if style == "iso" and grain == "month" and rng.random() < 0.2:
            date_shift = -1  # month end
        if style == "iso" and grain == "week" and rng.random() < 0.3:
            date_shift = 4  # Fridays
        stale = rng.random() < 0.15
        if grain == "month":
            last_i = end_month - (rng.randint(2, 5) if stale else rng.choice([0, 0, 0, 1]))
        elif grain == "quarter":
            last_i = pidx(from_month_idx(end_month), "quarter", fys) - (rng.randint(2, 3) if stale else 0)
        elif grain == "year":
            last_i = pidx(from_month_idx(end_month), "year", fys) - (2 if stale else 0)
        elif grain == "day":
            last_i = pidx(from_month_idx(end_month), "day") + rng.choice([0, 27, 30, 59]) - (rng.randint(2, 9) if stale else 0)
        else:
            last_i = pidx(from_month_idx(end_month), "week") + 3 - (rng.randint(3, 8) if stale else 0)
        first_i = last_i - length + 1
        # values
        src = None
        if kpis and rng.random() < 0.3:
            cand = [kp for kp in kpis if kp["grain"] == grain]
            if cand:
                src = rng.choice(cand)
        base = rng.choice([rng.uniform(-50, 50), rng.uniform(0, 200), rng.uniform(1000, 5000), rng.uniform(0, 1)])
        sd = abs(base) * rng.uniform(0.02, 0.2) + rng.uniform(0.01, 1) * (1 if abs(base) > 1 else 0.05)
        slope = rng.choice([0, 0, 0, rng.uniform(-1, 1) * sd * 0.3])
        shift_at = rng.randint(0, length) if rng.random() < 0.3 else None
        shift = rng.choice([-1, 1]) * sd * rng.uniform(1.5, 4)
        const = rng.random() < 0.08
        rounding = rng.choice([0, 0, 1, 2, None])
        gap_p = rng.choice([0, 0, 0.1, 0.2])
        vals = {}
        lag_shift = rng.randint(0, 3)
        lag_scale = rng.choice([1, -1, 0.5])
        for j in range(length):
            v = base + slope * j + nrs.normal(0, sd)
            if shift_at is not None and j >= shift_at:
                v += shift
            if src is not None:
                lagk = lag_shift
                sv = src["vals"].get(first_i + j - lagk)
                if sv is not None:
                    v = sv * lag_scale + nrs.normal(0, sd * 0.3)
            if const:
                v = round(base, 1)
            if rounding is not None:
                v = round(v, rounding)
            vals[first_i + j] = float(v)
        # targets
        direction = rng.choices(["higher", "lower", "range"], [5, 3.5, 1.5])[0]
        cfg = {"name": name, "direction": direction}
        data_target = direction != "range" and rng.random() < 0.5
        tvals = {}
        if data_target:
            t0 = base + rng.choice([-1, 1]) * rng.uniform(0, 2) * sd
            tchange = rng.randint(0, length - 1) if rng.random() < 0.5 else None
            t1 = t0 + rng.choice([-1, 1]) * rng.uniform(0, 2) * sd
            for j in range(length):
                if rng.random() < 0.1:
                    continue
                tv = t1 if (tchange is not None and j >= tchange) else t0
                tvals[first_i + j] = round(tv, 2)
        if direction == "range":
            if rng.random() < 0.85:
                a = round(base - rng.uniform(0, 2) * sd, 2)
                b = round(a + rng.uniform(0, 4) * sd, 2)
                if rng.random() < 0.05:
                    a = 0.0
                    b = max(b, 0.0)
                cfg["target_min"] = a
                cfg["target_max"] = b
        else:
            r = rng.random()
            if r < 0.3:
                cfg["target"] = round(base + rng.uniform(-2, 2) * sd, 2)
            elif r < 0.5:
                steps = []
                for _ in range(rng.randint(1, 2)):
                    fi = rng.randint(first_i, last_i)
                    steps.append((fi, round(base + rng.uniform(-2, 2) * sd, 2)))
                steps = sorted(dict(steps).items())
                cfg["targets"] = steps
                if rng.random() < 0.5:
                    cfg["target"] = round(base + rng.uniform(-2, 2) * sd, 2)
            if rng.random() < 0.03:
                cfg["target"] = 0.0
        if rng.random() < 0.3:
            cfg["tolerance"] = rng.choice([0.0, 0.02, 0.1, 0.2])
        if rng.random() < 0.25:
            lo = min(vals.values())
            cfg["lower_bound"] = rng.choice([0.0, round(lo - sd, 2), round(lo + sd * 0.5, 2)])
        if rng.random() < 0.15:
            hi = max(vals.values())
            cfg["upper_bound"] = rng.choice([round(hi + sd, 2), round(hi - sd * 0.5, 2)])
        if "lower_bound" in cfg and "upper_bound" in cfg and cfg["lower_bound"] > cfg["upper_bound"]:
            del cfg["upper_bound"]
        if rng.random() < 0.25 and length > 4:
            rb = sorted({rng.randint(first_i + 1, last_i) for _ in range(rng.randint(1, 2))})
            cfg["rebase"] = rb
        if rng.random() < 0.2:
            cfg["freeze_after"] = rng.randint(6, 15)
        if rng.random() < 0.15:
            cfg["run_length"] = rng.randint(5, 9)
        if many and rng.random() < 0.9:
            cfg["owner"] = "Ops"
        elif rng.random() < 0.6:
            cfg["owner"] = rng.choice(["Sales", "Ops", "Finance"])
        if rng.random() < 0.4:
            cfg["aggregation"] = rng.choice(["sum", "mean", "last", "min", "max"])
        if rng.random() < 0.1:
            cfg["max_lag"] = rng.randint(1, 5)
        if rng.random() < 0.1:
            cfg["min_pairs"] = rng.randint(4, 9)
        if rperiod:
            cfg.pop("rebase", None)
            cfg.pop("targets", None)
        kpis.append(dict(cfg=cfg, grain=grain, vals=vals, tvals=tvals, first_i=first_i, last_i=last_i))
        # rows
        for i in range(first_i, last_i + 1):
            interior = first_i < i < last_i
            if interior and rng.random() < gap_p:
                if rng.random() < 0.5:
                    continue  # period absent
                v = rng.choice(["", "NA"])
            else:
                v = repr(vals[i])
            tv = tvals.get(i)
            d = pdate(i, grain, fys)
            if style == "label" and grain != "day":
                if grain == "month":
                    ds = f"{d.year}-{d.month:02d}"
                elif grain == "quarter":
                    if fys == 1 and k % 2 == 0:
                        ds = f"{d.year}-Q{(d.month - 1) // 3 + 1}"
                    elif fys in (1, 4, 7, 10):
                        ds = f"Q{(d.month - 1) // 3 + 1} {d.year}"  # calendar quarter label
                    else:
                        ds = d.isoformat()
                elif grain == "year":
                    ds = f"FY{d.year if fys == 1 else d.year + 1}"
                else:
                    iy, iw, _ = d.isocalendar()
                    ds = f"{iy}-W{iw:02d}"
            elif date_shift == -1:
                ds = (from_month_idx(month_idx(d) + 1) - dt.timedelta(days=1)).isoformat()
            else:
                ds = (d + dt.timedelta(days=date_shift)).isoformat()
            rows.append((ds, name, v, "" if tv is None else repr(tv)))
            if style == "iso" and grain == "month" and rng.random() < dup_p:
                # a second observation in the same month (duplicate_observation)
                v2 = rng.choice(["", repr(round(vals[i] + nrs.normal(0, sd), 2))])
                rows.append((d.replace(day=rng.choice([10, 15, 28])).isoformat(), name, v2,
                             "" if tv is None else repr(tv)))
    # leads
    if rng.random() < 0.5:
        for kp in kpis:
            if rng.random() < 0.4:
                others = [n for n in names if n != kp["cfg"]["name"]]
                kp["cfg"]["leads"] = rng.sample(others, rng.randint(1, min(2, len(others))))
    # lagged copies to get real correlations sometimes
    report = {}
    if rperiod:
        report["period"] = rperiod
    if rng.random() < 0.3:
        report["rules"] = "nhs"
    if rng.random() < 0.3:
        report["window"] = rng.randint(6, 30)
    if fys != 1:
        report["fiscal_year_start"] = fys
    if rng.random() < 0.2:
        report["as_of"] = from_month_idx(end_month - rng.randint(0, 8)).isoformat()
        if rng.random() < 0.5:
            report["as_of"] = (D.fromisoformat(report["as_of"]) + dt.timedelta(days=rng.randint(0, 27))).isoformat()
    if rng.random() < 0.15:
        report["tolerance"] = rng.choice([0.0, 0.1])
    if rng.random() < 0.15:
        report["max_lag"] = rng.randint(1, 6)
    if rng.random() < 0.25:
        report["min_pairs"] = rng.randint(4, 8)
    if rng.random() < 0.3:
        report["transform"] = rng.choice(["none", "detrend", "diff"])
    if rng.random() < 0.1:
        report["run_length"] = rng.randint(5, 9)
    rng.shuffle(rows)
    with open(os.path.join(folder, "data.csv"), "w") as f:
        f.write("date,kpi,value,target\n")
        for r in rows:
            f.write(",".join(r) + "\n")
    with open(os.path.join(folder, "kpis.toml"), "w") as f:
        f.write(toml_text(report, kpis, fys))
    return dict(fys=fys, style=style, kpis=kpis, report=report, rows=rows)


def tv(x):
    if isinstance(x, str):
        return json.dumps(x)
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return repr(x)
    return str(x)


def period_str(i, grain, fys):
    d = pdate(i, grain, fys)
    return f"{d.year}-{d.month:02d}" if grain == "month" else d.isoformat()


def toml_text(report, kpis, fys):
    out = []
    if report:
        out.append("[report]")
        for k, v in report.items():
            out.append(f"{k} = {tv(v)}")
        out.append("")
    for kp in kpis:
        c = kp["cfg"]
        g = kp["grain"]
        out.append("[[kpi]]")
        for k, v in c.items():
            if k == "targets":
                steps = ", ".join(f'{{from = "{period_str(i, g, fys)}", value = {tv(val)}}}' for i, val in v)
                out.append(f"targets = [{steps}]")
            elif k == "rebase":
                out.append("rebase = [" + ", ".join(f'"{period_str(i, g, fys)}"' for i in v) + "]")
            elif k == "leads":
                out.append("leads = [" + ", ".join(json.dumps(x) for x in v) + "]")
            else:
                out.append(f"{k} = {tv(v)}")
        out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------------------- model
def parse_date(s, fys=1):
    if s.startswith("FY"):
        y = int(s[2:])
        return D(y if fys == 1 else y - 1, fys, 1), "year"
    if s.startswith("Q") and " " in s:
        qq, y = s[1:].split(" ")
        return D(int(y), 3 * (int(qq) - 1) + 1, 1), "quarter"
    if "-Q" in s:
        y, qq = s.split("-Q")
        return D(int(y), 3 * (int(qq) - 1) + 1, 1), "quarter"
    if "-W" in s:
        y, w = s.split("-W")
        return D.fromisocalendar(int(y), int(w), 1), "week"
    if len(s) == 7:
        return D(int(s[:4]), int(s[5:7]), 1), "month"
    return D.fromisoformat(s), None


def grain_from_gaps(dates, median_fn):
    ds = sorted(set(dates))
    if len(ds) < 2:
        return "month"
    m = median_fn([(b - a).days for a, b in zip(ds, ds[1:])])
    if m <= 1.5:
        return "day"
    if 5 <= m <= 8:
        return "week"
    if 27 <= m <= 32:
        return "month"
    if 85 <= m <= 95:
        return "quarter"
    if 360 <= m <= 370:
        return "year"
    return "month"


def low_median(x):
    x = sorted(x)
    return x[(len(x) - 1) // 2]


class Model:
    """Everything methods.md defines, per dataset."""

    def __init__(self, ds):
        self.ds = ds
        self.fys = ds["fys"]
        self.report = ds["report"]
        self.rules = self.report.get("rules", "wheeler")
        self.window = self.report.get("window", 24)
        self.cfg = {kp["cfg"]["name"]: kp["cfg"] for kp in ds["kpis"]}
        # config periods (targets `from`, rebase) as the dates written in kpis.toml; they are
        # mapped to the KPI's grain as inferred here, which may differ from the generator's
        self.cfg_dates = {}
        for kp in ds["kpis"]:
            c, gg = kp["cfg"], kp["grain"]
            self.cfg_dates[c["name"]] = {
                "targets": [(pdate(fi, gg, ds["fys"]), v) for fi, v in c.get("targets", [])],
                "rebase": [pdate(i, gg, ds["fys"]) for i in c.get("rebase", [])]}
        obs = defaultdict(list)  # name -> [(date, label_grain, value|None, target|None)]
        for dstr, name, v, t in ds["rows"]:
            d, lg = parse_date(dstr, self.fys)
            vv = None if v in ("", "NA") else float(v)
            tt = None if t == "" else float(t)
            obs[name].append((d, lg, vv, tt))
        all_valued = [o[0] for os_ in obs.values() for o in os_ if o[2] is not None]
        if "as_of" in self.report:
            self.as_of = D.fromisoformat(self.report["as_of"])
        else:
            self.as_of = max(all_valued)
        self.obs = {}
        self.grain = {}
        self.amb_grain = set()
        for name, os_ in obs.items():
            kept = [o for o in os_ if o[0] <= self.as_of]
            if not any(o[2] is not None for o in kept):
                continue
            self.obs[name] = sorted(kept, key=lambda o: o[0])
            if os_[0][1] is not None:
                self.grain[name] = os_[0][1]
            else:
                cands = set()
                for sel in (os_, kept, [o for o in kept if o[2] is not None]):
                    for mf in (np.median, low_median):
                        cands.add(grain_from_gaps([o[0] for o in sel], mf))
                if len(cands) > 1:
                    self.amb_grain.add(name)
                self.grain[name] = grain_from_gaps([o[0] for o in kept], np.median)
        self.notes = set()
        self.own_grain = dict(self.grain)
        rp = self.report.get("period", "auto")
        if rp != "auto":
            for name, g in self.grain.items():
                if GRAIN_RANK[g] < GRAIN_RANK[rp]:
                    self.grain[name] = rp
        self.k = {}
        for name in self.obs:
            self.k[name] = self.kpi(name)
        self.corr = self.leadlag()
        for name in self.k:
            self.health(name)

    # -- config lookups
    def kget(self, name, key, default=None):
        c = self.cfg.get(name, {})
        if key in c:
            return c[key]
        if key in self.report:
            return self.report[key]
        return default

    def series_exact(self, name, grain):
        """series() in exact rational arithmetic (values as written, decimal)."""
        how = self.cfg[name].get("aggregation", "mean")
        og = self.own_grain[name]

        def ag(v):
            return {"sum": sum, "mean": lambda z: sum(z) / len(z), "last": lambda z: z[-1],
                    "min": min, "max": max}[how](v)
        vals = defaultdict(list)
        for d, _, v, t in self.obs[name]:
            if v is not None:
                vals[pidx(d, og, self.fys)].append(Fr(v))
        V = {i: ag(v) for i, v in vals.items()}
        if grain == og:
            return V
        v2 = defaultdict(list)
        for i in sorted(V):
            v2[pidx(pdate(i, og, self.fys), grain, self.fys)].append(V[i])
        return {i: ag(v) for i, v in v2.items()}

    def series(self, name, grain):
        """period index -> (value, target) at `grain`: observations are combined at the KPI's
        own grain first, then those periods aggregate to `grain` (methods.md §9)."""
        how = self.cfg[name].get("aggregation", "mean")
        og = self.own_grain[name]
        vals = defaultdict(list)
        tg = defaultdict(list)
        for d, _, v, t in self.obs[name]:  # sorted by date, so `last` is the latest-dated
            i = pidx(d, og, self.fys)
            if v is not None:
                vals[i].append(v)
            if t is not None:
                tg[i].append(t)
        V = {i: agg(v, how) for i, v in vals.items()}
        TG = {i: agg(t, how) for i, t in tg.items()}
        if grain == og:
            return V, TG
        v2 = defaultdict(list)
        t2 = defaultdict(list)
        for i in sorted(V):
            v2[pidx(pdate(i, og, self.fys), grain, self.fys)].append(V[i])
        for i in sorted(TG):
            t2[pidx(pdate(i, og, self.fys), grain, self.fys)].append(TG[i])
        return ({i: agg(v, how) for i, v in v2.items()}, {i: agg(t, how) for i, t in t2.items()})

    def cfg_target(self, name, i, grain):
        c = self.cfg[name]
        if c["direction"] == "range":
            if "target_min" in c:
                return (c["target_min"], c["target_max"])
            return None
        if "targets" in c:
            cur = None
            for fd, val in self.cfg_dates[name]["targets"]:
                if i >= pidx(fd, grain, self.fys):
                    cur = val
            if cur is not None:
                return cur
        return c.get("target")

    def kpi(self, name):
        c = self.cfg[name]
        g = self.grain[name]
        fys = self.fys
        direction = c["direction"]
        how = c.get("aggregation", "mean")
        tol = self.kget(name, "tolerance", 0.05)
        lb = c.get("lower_bound")
        ub = c.get("upper_bound")
        vals, dtg = self.series(name, g)
        obs_periods = sorted(vals)
        L = obs_periods[-1]
        first = obs_periods[0]
        ws = max(first, L - self.window + 1)
        periods = list(range(ws, L + 1))

        def target(i):
            if i in dtg:
                return dtg[i]
            return self.cfg_target(name, i, g)

        def evaluate(v, t):
            """gap, gap_pct, attainment, met, status"""
            if t is None or v is None:
                return None, None, None, None, ("none" if v is not None or t is None else None)
            if direction == "range":
                a, b = t
                if v < a:
                    gap, edge = v - a, a
                elif v > b:
                    gap, edge = v - b, b
                else:
                    gap = 0.0
                    edge = a if (v - a) < (b - v) else b if (v - a) > (b - v) else None
                if edge is None:
                    gp = Amb([0.0, None] if 0 in (a, b) else [0.0], "range: value at band middle, nearer edge undefined")
                else:
                    gp = None if edge == 0 else gap / abs(edge)
                met = a <= v <= b
                w = tol * (b - a)
                status = "green" if met else ("amber" if a - w <= v <= b + w else "red")
                return gap, gp, None, met, status
            gap = v - t
            gp = None if t == 0 else gap / abs(t)
            if direction == "higher":
                att = v / t if t > 0 else None
                met = v >= t
                amber = v >= t - tol * abs(t)
            else:
                att = t / v if v > 0 else None
                met = v <= t
                amber = v <= t + tol * abs(t)
            status = "green" if met else ("amber" if amber else "red")
            return gap, gp, att, met, status

        R = {"name": name, "grain": g, "direction": direction, "aggregation": how,
             "n": len(obs_periods), "first_period": pdate(first, g, fys).isoformat(),
             "last_period": pdate(L, g, fys).isoformat()}
        R["_L"] = L
        R["_ws"] = ws
        # latest
        tL = target(L)
        gap, gp, att, met, status = evaluate(vals[L], tL)
        lat = {"period": pdate(L, g, fys).isoformat(), "value": vals[L], "gap": gap, "gap_pct": gp,
               "attainment": att, "met": met, "status": status}
        if direction == "range":
            lat["target"] = None
            lat["target_min"] = tL[0] if tL else None
            lat["target_max"] = tL[1] if tL else None
        else:
            lat["target"] = tL
        R["latest"] = lat
        R["_has_target"] = tL is not None
        # change
        ch = {}
        pv = vals.get(L - 1)
        ch["prev_value"] = pv
        ch["pop_abs"] = None if pv is None else vals[L] - pv
        ch["pop_pct"] = None if pv is None or pv == 0 else (vals[L] - pv) / abs(pv)
        if g == "day":
            dL = pdate(L, g, fys)
            dY = D(dL.year - 1, dL.month, 28) if (dL.month, dL.day) == (2, 29) else dL.replace(year=dL.year - 1)
            yv = vals.get(pidx(dY, "day"))
        else:
            yv = vals.get(L - YOY_BACK[g])
        ch["yoy_value"] = yv
        ch["yoy_abs"] = None if yv is None else vals[L] - yv
        ch["yoy_pct"] = None if yv is None or yv == 0 else (vals[L] - yv) / abs(yv)
        def ytd(fy0, incl_straddle):
            if g == "year":
                ps = [L]
            else:
                ps = [i for i in obs_periods if i <= L and
                      (pdate(i, g, fys) >= fy0 or (incl_straddle and pdate(i + 1, g, fys) > fy0))]
            yv_ = agg([vals[i] for i in ps], how)
            yt = [target(i) for i in ps if target(i) is not None]
            if direction == "range":
                return yv_, None, None, False
            yt_ = agg(yt, how) if yt else None
            ym_ = None if yt_ is None else (yv_ >= yt_ if direction == "higher" else yv_ <= yt_)
            return yv_, yt_, ym_, bool(yt) and len(yt) != len(ps)
        # the fiscal year containing `latest`, by the latest period's first day
        fy0 = fiscal_year_start_date(pdate(L, g, fys), fys)
        readings = [ytd(fy0, False)]
        labels = ["weeks whose Monday is in the fiscal year"]
        if g == "week":
            # a week straddling the fiscal-year start: its Monday is in the old year
            fy_b = fiscal_year_start_date(pdate(L, g, fys) + dt.timedelta(days=6), fys)
            readings.append(ytd(fy_b, True))
            labels.append("the week containing the fiscal-year start counts")
            readings.append(ytd(fy_b, False))
            labels.append("fiscal year of the latest week's Sunday, Mondays inside it")
        for j_, kk in enumerate(("ytd_value", "ytd_target", "ytd_met")):
            opts = [r_[j_] for r_ in readings]
            if all(close(o, opts[0]) for o in opts):
                ch[kk] = opts[0]
            else:
                ch[kk] = Amb(opts, "YTD of a weekly KPI when a week straddles the fiscal-year start", labels)
        if direction == "range":
            ch["ytd_target"] = SKIP  # a band: the spec does not say what ytd_target is
            ch["ytd_met"] = SKIP
        elif any(r_[3] for r_ in readings):
            ch["ytd_target"] = Amb([ch["ytd_target"] if not isinstance(ch["ytd_target"], Amb) else ch["ytd_target"].options[0], None],
                                   "ytd_target when some YTD periods with a value have no target",
                                   ["aggregate the targets there are", "null"])
            ch["ytd_met"] = SKIP
        R["change"] = ch
        # window observations
        wobs = [(i - ws, i, vals[i]) for i in periods if i in vals]
        n = len(wobs)
        tt = np.array([o[0] for o in wobs], dtype=float)
        yy = np.array([o[2] for o in wobs], dtype=float)
        tr = {"window_start": pdate(ws, g, fys).isoformat(), "n": n}
        keys = ["ols_slope", "ols_intercept", "r2", "ols_p", "sen_slope", "sen_intercept", "mk_s",
                "mk_var_s", "mk_z", "mk_p", "mk_tau", "direction", "assessment"]
        for kk in keys:
            tr[kk] = None
        if n >= 6:
            if np.all(yy == yy[0]):
                tr.update(ols_slope=0.0, ols_intercept=float(yy[0]), r2=None, ols_p=1.0)
            else:
                lr = stats.linregress(tt, yy)
                tr.update(ols_slope=lr.slope, ols_intercept=lr.intercept, r2=lr.rvalue ** 2, ols_p=lr.pvalue)
            ts = stats.theilslopes(yy, tt, method="separate")
            tr.update(sen_slope=float(ts[0]), sen_intercept=float(ts[1]))
            # MK compares values only: on the rounded values it has the ties of §9
            m = mk.original_test(np.array([round12(v) for v in yy]))
            z = m.z
            p = 2 * stats.norm.sf(abs(z))
            tr.update(mk_s=float(m.s), mk_var_s=float(m.var_s), mk_z=float(z), mk_p=Amb([p, float(m.p)], "mk_p: 2*sf(|z|) vs 2*(1-cdf(|z|))", ["2*sf", "2*(1-cdf)"]), mk_tau=float(m.Tau))
            if p < 0.05 and m.s > 0:
                dirn = "up"
            elif p < 0.05 and m.s < 0:
                dirn = "down"
            else:
                dirn = "flat"
            tr["direction"] = dirn
            if direction == "range":
                tr["assessment"] = "neutral"
            elif dirn == "flat":
                tr["assessment"] = "stable"
            else:
                tr["assessment"] = "improving" if (dirn == "up") == (direction == "higher") else "deteriorating"
        R["trend"] = tr
        # segments
        rb = sorted(set(i for i in (pidx(d_, g, fys) for d_ in self.cfg_dates[name]["rebase"]) if ws < i <= L))
        bounds = [ws] + rb
        segs = []
        for si, s0 in enumerate(bounds):
            s1 = bounds[si + 1] - 1 if si + 1 < len(bounds) else L
            sobs = [(i, vals[i]) for i in range(s0, s1 + 1) if i in vals]
            fa = c.get("freeze_after")
            base = sobs[:fa] if fa else sobs
            seg = {"start": pdate(s0, g, fys).isoformat(), "end": pdate(s1, g, fys).isoformat(),
                   "_s0": s0, "_s1": s1, "_obs": sobs, "cl": None, "mr_bar": None, "unpl": None,
                   "lnpl": None, "url": None, "baseline_n": len(base)}
            if len(base) >= 6:
                x = np.array([b[1] for b in base])
                mr = np.abs(np.diff(x))
                mrb = float(np.mean(mr))
                if self.rules == "nhs":
                    keep = mr[mr < 3.267 * mrb]
                    if len(keep):
                        mrb = float(np.mean(keep))
                    else:  # mr_bar = 0: every mR (0) is >= 0 and would be dropped
                        mrb = 0.0
                        self.notes.add("nhs: all moving ranges 0, so every mR >= 3.267*0 would be dropped; 0 assumed")
                cl = float(np.mean(x))
                unpl_u = cl + 2.66 * mrb
                lnpl_u = cl - 2.66 * mrb

                def clamp(v):
                    if lb is not None:
                        v = max(v, lb)
                    if ub is not None:
                        v = min(v, ub)
                    return v
                seg.update(cl=cl, mr_bar=mrb, unpl=clamp(unpl_u), lnpl=clamp(lnpl_u), url=3.268 * mrb)
                # the same limits in exact rational arithmetic: every signal / assurance decision
                # uses these, so float noise (e.g. the mean of a constant series) cannot flip it
                X = [Fr(b[1]) for b in base]
                MR = [abs(b_ - a_) for a_, b_ in zip(X, X[1:])]
                MRB = sum(MR) / len(MR)
                if self.rules == "nhs":
                    KP = [m_ for m_ in MR if m_ < Fr("3.267") * MRB]
                    MRB = sum(KP) / len(KP) if KP else Fr(0)
                CL = sum(X) / len(X)

                def clampE(v):
                    if lb is not None:
                        v = max(v, Fr(lb))
                    if ub is not None:
                        v = min(v, Fr(ub))
                    return v
                seg["_ex"] = dict(cl=CL, mr_bar=MRB, unpl=clampE(CL + Fr("2.66") * MRB),
                                  lnpl=clampE(CL - Fr("2.66") * MRB), url=Fr("3.268") * MRB)
            else:
                seg["baseline_n"] = Amb([len(base), None, 0], "baseline_n of a segment without limits", ["count", "null", "0"])
            segs.append(seg)
        R["_segs"] = segs
        # mr per point, signals
        mrs = {}
        sig = set()
        rl_default = 8 if self.rules == "wheeler" else 7
        rlen = self.kget(name, "run_length", rl_default)
        trend_amb = self.rules == "nhs" and rlen != 7
        runs_at_end = []
        for seg in segs:
            so = seg["_obs"]
            for j, (i, v) in enumerate(so):
                mrs[i] = None if j == 0 else abs(v - so[j - 1][1])
            if seg["cl"] is None or not so:
                continue
            E = seg["_ex"]
            cl, mrb, unpl, lnpl, url = E["cl"], E["mr_bar"], E["unpl"], E["lnpl"], E["url"]
            so = [(i, Fr(v)) for i, v in so]
            xs = [v for _, v in so]
            ps = [i for i, _ in so]
            for i, v in so:
                if v > unpl:
                    sig.add(("outside", i, "high"))
                elif v < lnpl:
                    sig.add(("outside", i, "low"))
            side = [1 if v > cl else -1 if v < cl else 0 for v in xs]
            j = 0
            while j < len(xs):
                if side[j] == 0:
                    j += 1
                    continue
                k = j
                while k + 1 < len(xs) and side[k + 1] == side[j]:
                    k += 1
                if k - j + 1 >= rlen:
                    for m_ in range(j, k + 1):
                        sig.add(("run", ps[m_], "high" if side[j] > 0 else "low"))
                    if k == len(xs) - 1 and seg is segs[-1]:
                        runs_at_end.append((ps[j], seg))
                j = k + 1
            if self.rules == "wheeler":
                hi, lo = cl + Fr("1.33") * mrb, cl - Fr("1.33") * mrb
                for j in range(0, len(xs) - 3):
                    w = range(j, j + 4)
                    up = [m_ for m_ in w if xs[m_] > hi]
                    dn = [m_ for m_ in w if xs[m_] < lo]
                    if len(up) >= 3:
                        for m_ in up:
                            sig.add(("near_limit", ps[m_], "high"))
                    if len(dn) >= 3:
                        for m_ in dn:
                            sig.add(("near_limit", ps[m_], "low"))
                for j in range(1, len(xs)):
                    if abs(xs[j] - xs[j - 1]) > url:
                        sig.add(("jump", ps[j], "high" if xs[j] > xs[j - 1] else "low"))
            else:
                hi, lo = cl + Fr("1.7733") * mrb, cl - Fr("1.7733") * mrb
                # methods.md §4: beyond the 2σ line but not outside the limits (an
                # outside point counts only as `outside`), all 3 on that side of cl.
                for j in range(0, len(xs) - 2):
                    w = range(j, j + 3)
                    if all(xs[m_] > cl for m_ in w):
                        up = [m_ for m_ in w if hi < xs[m_] <= unpl]
                        if len(up) >= 2:
                            for m_ in up:
                                sig.add(("two_of_three", ps[m_], "high"))
                    if all(xs[m_] < cl for m_ in w):
                        dn = [m_ for m_ in w if lnpl <= xs[m_] < lo]
                        if len(dn) >= 2:
                            for m_ in dn:
                                sig.add(("two_of_three", ps[m_], "low"))
                for tl in sorted({7, rlen} if trend_amb else {7}):
                    for j in range(0, len(xs) - tl + 1):
                        w = xs[j:j + tl]
                        if all(b > a for a, b in zip(w, w[1:])):
                            for m_ in range(j, j + tl):
                                sig.add((f"trend{'' if tl == 7 else '@' + str(tl)}", ps[m_], "high"))
                        if all(b < a for a, b in zip(w, w[1:])):
                            for m_ in range(j, j + tl):
                                sig.add((f"trend{'' if tl == 7 else '@' + str(tl)}", ps[m_], "low"))
        R["_trend_amb"] = trend_amb
        R["_sig"] = sig
        R["_mrs"] = mrs
        latest_seg = segs[-1]
        has_limits = latest_seg["cl"] is not None
        sig_at_L = {s for s in sig if s[1] == L and not s[0].startswith("trend@")}
        sig_at_L_alt = {s for s in sig if s[1] == L and s[0] != "trend"}
        fav = "high" if direction == "higher" else "low"

        def variation(sl):
            if not has_limits:
                return None
            if not sl:
                return "common_cause"
            if direction == "range":
                return "neutral"
            if self.rules == "nhs":
                # methods.md §4: the first rule in the order outside, trend,
                # two_of_three, run decides (NHS England's reference labelling).
                order = ["outside", "trend", "two_of_three", "run"]
                rank = lambda r: order.index(r.split("@")[0]) if r.split("@")[0] in order else 99
                first = min(rank(s[0]) for s in sl)
                sl = [s for s in sl if rank(s[0]) == first]
            if any(s[2] == fav for s in sl):
                return "improvement"
            return "concern"
        var = variation(sig_at_L)
        if trend_amb and variation(sig_at_L_alt) != var:
            var = Amb([var, variation(sig_at_L_alt)], "nhs trend length under run_length")
        # assurance
        ass = None
        if has_limits and tL is not None:
            U, Lo = latest_seg["_ex"]["unpl"], latest_seg["_ex"]["lnpl"]
            if direction == "higher":
                ass = "pass" if Fr(tL) < Lo else "fail" if Fr(tL) > U else "hit_and_miss"
            elif direction == "lower":
                ass = "pass" if Fr(tL) > U else "fail" if Fr(tL) < Lo else "hit_and_miss"
            else:
                a, b = Fr(tL[0]), Fr(tL[1])
                ass = "pass" if (a < Lo and U < b) else "fail" if (U < a or Lo > b) else "hit_and_miss"
        srb = None
        for start_i, seg in runs_at_end:
            if start_i > seg["_s0"]:
                srb = pdate(start_i, g, fys).isoformat()
                if seg["_obs"][0][0] == start_i:
                    srb = Amb([srb, None], "run starting at the segment's first observation after a gap", ["reported", "null"])
        R["spc"] = {"variation": var, "assurance": ass, "suggested_rebase": srb}
        # attainment
        met_seq = []
        ser = []
        for i in periods:
            v = vals.get(i)
            t = target(i)
            gap_, gp_, att_, met_, st_ = evaluate(v, t)
            if v is not None and t is not None:
                met_seq.append(met_)
            row = {"period": pdate(i, g, fys).isoformat(), "value": v, "met": met_, "mr": mrs.get(i)}
            row["status"] = st_ if v is not None else Amb(["none", None], "status of a missing period", ["none", "null"])
            if direction == "range":
                row["target"] = None
                row["target_min"] = t[0] if t else None
                row["target_max"] = t[1] if t else None
            else:
                row["target"] = t if v is not None else Amb([t, None], "target shown for a missing period", ["target", "null"])
            ser.append(row)
        R["series"] = ser
        pwt = len(met_seq)
        hits = sum(met_seq)
        hr = hits / pwt if pwt else None
        if met_seq:
            last = met_seq[-1]
            s = 0
            for m_ in reversed(met_seq):
                if m_ != last:
                    break
                s += 1
            streak = s if last else -s
        else:
            streak = Amb([None, 0], "streak with no targeted periods", ["null", "0"])
        R["attainment"] = {"periods_with_target": pwt, "hits": hits, "hit_rate": hr, "streak": streak}
        # forecast
        def clampb(v):
            if v is None:
                return None
            if lb is not None:
                v = max(v, lb)
            if ub is not None:
                v = min(v, ub)
            return v
        tnext = L + 1 - ws
        if tr["direction"] in ("up", "down"):
            fv = tr["sen_intercept"] + tr["sen_slope"] * tnext
        elif has_limits:
            fv = latest_seg["cl"]
        else:
            fv = float(np.mean(yy))
        fv_raw = fv
        fv = clampb(fv)
        if has_limits:
            w_ = 2.66 * latest_seg["mr_bar"]
            flo = clampb(fv - w_)
            fhi = clampb(fv + w_)
            if fv != fv_raw:
                note = "forecast low/high: forecast clamped before or after adding 2.66*mr_bar"
                lab = ["clamp(clamped forecast -/+ w)", "clamp(raw forecast -/+ w)"]
                flo = Amb([flo, clampb(fv_raw - w_)], note, lab) if not close(flo, clampb(fv_raw - w_)) else flo
                fhi = Amb([fhi, clampb(fv_raw + w_)], note, lab) if not close(fhi, clampb(fv_raw + w_)) else fhi
        else:
            flo = fhi = None
        R["forecast"] = {"period": pdate(L + 1, g, fys).isoformat(), "value": fv, "low": flo, "high": fhi}
        # suggested targets
        if has_limits:
            basis = [v for _, v in latest_seg["_obs"]]
        else:
            basis = list(yy) if n >= 6 else None
        T = {}
        if basis is None:
            T = {"baseline": None, "median": None, "conservative": None, "realistic": None, "stretch": None}
        else:
            T["baseline"] = float(np.mean(basis))
            T["median"] = float(np.median(basis))
            if direction == "range":
                T.update(conservative=None, realistic=None, stretch=None)
            else:
                better = (lambda a, b: a > b) if direction == "higher" else (lambda a, b: a < b)
                real = q(basis, 0.75 if direction == "higher" else 0.25)
                if tr["assessment"] == "improving" and better(fv, real):
                    real = fv
                st = q(basis, 0.90 if direction == "higher" else 0.10)
                if better(real, st):
                    st = real
                T.update(conservative=clampb(T["baseline"]), realistic=clampb(real), stretch=clampb(st))
        # realism
        if tL is None:
            realism = "none"
        elif ass == "fail":
            realism = "unrealistic"
        elif ass == "pass" or (pwt >= 6 and hr == 1):
            realism = "too_easy"
        elif not has_limits and pwt < 6:
            realism = "unknown"
        elif hr is not None and hr < 0.5:
            realism = "stretching"
        else:
            realism = "achievable"
        T["realism"] = realism
        R["targets"] = T
        R["_wvals"] = list(yy)
        R["spc"]["segments"] = [{k: v for k, v in s.items() if not k.startswith("_")} for s in segs]
        return R

    # -- lead-lag
    def aligned(self, name, grain):
        vals, _ = self.series(name, grain)
        return vals

    def leadlag(self):
        names = list(self.k)
        self.n_pairs_alt = None
        declared = any(c.get("leads") for c in self.cfg.values())
        pairs = []
        if declared:
            for n in self.cfg:
                for m in self.cfg[n].get("leads", []):
                    pairs.append((n, m))
        elif len(names) <= 40:
            alln = list(self.cfg)
            pairs = [(a, b) for a in alln for b in alln if a != b]
            self.n_pairs_alt = len([1 for a, b in pairs if a in self.k and b in self.k])
        out = []
        for a, b in pairs:
            if a not in self.k or b not in self.k:  # no observation up to as-of
                out.append({"leading": a, "lagging": b, "_empty": True, "_variants": [
                    {"best_lag": None, "r": None, "p": None, "p_lag_adj": None, "spearman": None, "strength": None}]})
                continue
            ga, gb = self.grain[a], self.grain[b]
            g = ga if GRAIN_RANK[ga] >= GRAIN_RANK[gb] else gb
            transform = self.kget(a, "transform", "diff")
            min_pairs = self.kget(a, "min_pairs", 8)
            mls = []
            if "max_lag" in self.cfg[a]:
                mls = [self.cfg[a]["max_lag"]]
            elif "max_lag" in self.report:
                mls = [self.report["max_lag"]]
            else:
                mls = sorted({DEFAULT_MAX_LAG[g], DEFAULT_MAX_LAG[ga]})
            xa = self.aligned(a, g)
            xb = self.aligned(b, g)
            ea = self.series_exact(a, g)
            eb = self.series_exact(b, g)
            variants = []
            tvs = []  # (float lead, float lag, exact lead, exact lag)

            def diff(x):
                return {i: x[i] - x[i - 1] for i in x if i - 1 in x}

            def resid(x, keys):
                keys = sorted(keys)
                if len(keys) < 2:  # no regression line through one point
                    return {}
                t = np.array(keys, float)
                y = np.array([x[i] for i in keys])
                lr = stats.linregress(t, y) if np.ptp(y) > 0 else None
                if lr is None:
                    return {i: 0.0 for i in keys}
                return {i: x[i] - (lr.intercept + lr.slope * i) for i in keys}

            def resid_e(x, keys):
                keys = sorted(keys)
                if len(keys) < 2:
                    return {}
                n_ = len(keys)
                mt = Fraction(sum(keys), n_)
                my_ = sum(x[i] for i in keys) / n_
                b_ = sum((i - mt) * (x[i] - my_) for i in keys) / sum((i - mt) ** 2 for i in keys)
                return {i: x[i] - (my_ + b_ * (i - mt)) for i in keys}
            if transform == "diff":
                tvs.append((diff(xa), diff(xb), diff(ea), diff(eb)))
            elif transform == "none":
                tvs.append((xa, xb, ea, eb))
            else:
                tvs.append((resid(xa, xa), resid(xb, xb), resid_e(ea, ea), resid_e(eb, eb)))
                common = set(xa) & set(xb)
                tvs.append((resid(xa, common), resid(xb, common), resid_e(ea, common), resid_e(eb, common)))
            tlab = ["detrend on each series' own periods", "detrend on the periods both have"] if transform == "detrend" else [""]
            vlabels = []
            for ml in mls:
                for tj, (da, db, dae, dbe) in enumerate(tvs):
                    variants.append(self.pair_stats(da, db, dae, dbe, ml, min_pairs))
                    ml_lab = ""
                    if len(mls) > 1:
                        ml_lab = "default max_lag of the pair's grain" if ml == DEFAULT_MAX_LAG[g] else "default max_lag of the leader's own grain"
                    vlabels.append(", ".join(x for x in (ml_lab, tlab[tj]) if x))
            res = {"leading": a, "lagging": b, "grain": g, "transform": transform, "_variants": variants,
                   "_vlabels": vlabels}
            out.append(res)
        # BH over each variant index (variants are combined consistently when only one exists)
        nv = max((len(r["_variants"]) for r in out), default=0)
        for r in out:
            for v in r["_variants"]:
                v["q"] = None
        fam = [(r, v) for r in out for v in r["_variants"][:1] if v["p_lag_adj"] is not None]
        if fam:
            qs = multipletests([v["p_lag_adj"] for _, v in fam], method="fdr_bh")[1]
            for (r, v), qq in zip(fam, qs):
                v["q"] = float(qq)
        for r in out:
            if len(r["_variants"]) > 1:
                r["_amb"] = True
            v = r["_variants"][0]
            v["significant"] = v["q"] is not None and v["q"] < 0.05
        self._nv = nv
        return out

    @staticmethod
    def pair_stats(da, db, dae, dbe, max_lag, min_pairs):
        """float values for r and p; exact values (dae, dbe) decide "a side is constant" and
        ties of |r| between lags; Spearman ranks the float values rounded to 12 significant
        digits (methods.md §9), ties getting average ranks."""
        def avg_ranks(v):
            order = sorted(range(len(v)), key=lambda j: v[j])
            rk = [0.0] * len(v)
            j = 0
            while j < len(order):
                k_ = j
                while k_ + 1 < len(order) and v[order[k_ + 1]] == v[order[j]]:
                    k_ += 1
                for m_ in range(j, k_ + 1):
                    rk[order[m_]] = (j + k_) / 2 + 1
                j = k_ + 1
            return rk
        rbl = []
        best = None
        for k in range(0, max_lag + 1):
            ts = sorted(t for t in da if t + k in db)
            n = len(ts)
            x = np.array([da[t] for t in ts], float)
            y = np.array([db[t + k] for t in ts], float)
            X = [dae[t] for t in ts]
            Y = [dbe[t + k] for t in ts]
            if n < min_pairs or len(set(X)) == 1 or len(set(Y)) == 1:
                rbl.append({"lag": k, "r": None, "n": n})
                continue
            r = float(stats.pearsonr(x, y)[0])
            r = max(-1.0, min(1.0, r))
            if abs(r) >= 1:
                p = 0.0
            else:
                tstat = r * math.sqrt((n - 2) / (1 - r * r))
                p = float(2 * stats.t.sf(abs(tstat), n - 2))
            # r^2 in exact arithmetic, so that "ties -> smaller k" sees exact ties
            mx, my = sum(X) / n, sum(Y) / n
            sxy = sum((a - mx) * (b - my) for a, b in zip(X, Y))
            r2e = sxy * sxy / (sum((a - mx) ** 2 for a in X) * sum((b - my) ** 2 for b in Y))
            # Spearman: ranks of the values rounded to 12 significant digits (§9 "Ties"), so
            # 0.3 - 0.1 and 0.5 - 0.3 tie; the naive model rounds its naive float means
            xr = [round12(float(v)) for v in x]
            yr = [round12(float(v)) for v in y]
            sp = float(stats.pearsonr(avg_ranks(xr), avg_ranks(yr))[0]) if len(set(xr)) > 1 and len(set(yr)) > 1 else None
            rbl.append({"lag": k, "r": r, "n": n, "_p": p, "_sp": sp, "_r2e": r2e})
            # a tie is an exact tie of r^2, or |r| equal to 1e-12 relative (float round-off of
            # residuals under detrend); ties -> smaller k
            if best is None or (r2e > best["_r2e"] and abs(r) > abs(best["r"]) * (1 + 1e-12)):
                best = rbl[-1]
        Lc = sum(1 for e in rbl if e["r"] is not None)
        if best is None:
            return {"best_lag": None, "r": None, "n": Amb([None] + [e["n"] for e in rbl], "n of a pair without usable lag", ["null"] + [f"n at lag {e['lag']}" for e in rbl]),
                    "p": None, "p_lag_adj": None, "spearman": None, "strength": None,
                    "r_by_lag": [{"lag": e["lag"], "r": e["r"], "n": e["n"]} for e in rbl]}
        ar = abs(best["r"])
        strength = "strong" if ar >= 0.7 else "moderate" if ar >= 0.4 else "weak" if ar >= 0.2 else "negligible"
        return {"best_lag": best["lag"], "r": best["r"], "n": best["n"], "p": best["_p"],
                "p_lag_adj": min(1.0, best["_p"] * Lc), "spearman": best["_sp"], "strength": strength,
                "r_by_lag": [{"lag": e["lag"], "r": e["r"], "n": e["n"]} for e in rbl]}

    # -- health
    def health(self, name):
        R = self.k[name]
        c = self.cfg[name]
        g = R["grain"]
        flags = set()
        maybe = set()
        asof_p = pidx(self.as_of, g, self.fys)
        if asof_p - R["_L"] > 1:
            flags.add("stale")
        if not R["_has_target"]:
            flags.add("no_target")
        if "owner" not in c:
            flags.add("no_owner")
        if R["trend"]["n"] < 12:
            flags.add("short_history")
        if R["targets"]["realism"] == "unrealistic":
            flags.add("unrealistic_target")
        if R["targets"]["realism"] == "too_easy":
            flags.add("too_easy_target")
        var = R["spc"]["variation"]
        if isinstance(var, Amb):
            if "concern" in var.options:
                maybe.add("concern_signal")
        elif var == "concern":
            flags.add("concern_signal")
        if R["trend"]["assessment"] == "deteriorating":
            flags.add("deteriorating_trend")
        if c.get("leads"):
            mine = [r for r in self.corr if r["leading"] == name]
            sigs = [r["_variants"][0]["significant"] for r in mine]
            if any(r.get("_amb") for r in mine):
                maybe.add("not_predictive")
            elif not any(sigs):
                flags.add("not_predictive")
        wv = R["_wvals"]
        if len(wv) >= 2 and all(v == wv[0] for v in wv):
            flags.add("flatline")
        elif len(wv) == 1:
            maybe.add("flatline")
        owners = defaultdict(int)
        owners_all = defaultdict(int)
        for n_ in self.cfg:
            o = self.cfg[n_].get("owner")
            if o:
                owners_all[o] += 1
                if n_ in self.k:
                    owners[o] += 1
        if c.get("owner") and owners[c["owner"]] > 8:
            flags.add("too_many_kpis")
        elif c.get("owner") and owners_all[c["owner"]] > 8:
            maybe.add("too_many_kpis")  # counting KPIs with no observation up to as-of
        R["_flags"] = flags
        R["_maybe_flags"] = maybe

        def action(f):
            if "stale" in f:
                return "retire_or_fix_data"
            if f & {"concern_signal", "deteriorating_trend", "unrealistic_target"}:
                return "improve"
            if f & {"too_easy_target", "no_target"}:
                return "retarget"
            if f & {"not_predictive", "flatline", "short_history", "no_owner", "too_many_kpis"}:
                return "review"
            return "keep"
        acts = set()
        mb = sorted(maybe)
        for mask in range(1 << len(mb)):
            f = set(flags) | {mb[j] for j in range(len(mb)) if mask >> j & 1}
            acts.add(action(f))
        R["_actions"] = acts


# ----------------------------------------------------------------------------- compare
class Tally:
    def __init__(self):
        self.fields = 0
        self.amb = 0
        self.diffs = []
        self.kpis = 0
        self.seeds = 0
        self.amb_notes = defaultdict(int)
        self.skipped = defaultdict(int)
        self.roundoff = []
        self.amb_choice = defaultdict(int)
        self.families = defaultdict(int)
        self.kinds = defaultdict(int)


def kind(field):
    """series[2024-01-01].met -> series.met; spc.segments[0].cl -> spc.segments.cl"""
    import re
    return re.sub(r"\[[^]]*\]", "", field)


def cmp(T, seed, kpi, field, got, exp, abs_=1e-12):
    if exp is SKIP:
        T.skipped[field.split("[")[0]] += 1
        return
    T.fields += 1
    T.kinds[kind(field)] += 1
    if isinstance(exp, Amb):
        hits = [j for j, o in enumerate(exp.options) if close(got, o, abs_=abs_)]
        if hits:
            T.amb += 1
            T.amb_notes[exp.note] += 1
            if exp.labels and len(hits) < len(exp.options):
                T.amb_choice[exp.note + " -> kpilens follows: " + " / ".join(exp.labels[j] for j in hits)] += 1
            return
        T.diffs.append((seed, kpi, field, got, exp.options))
        return
    if not close(got, exp, abs_=abs_):
        T.diffs.append((seed, kpi, field, got, exp))


def compare(T, seed, model, out, naive=None):
    jk = {k["name"]: k for k in out["kpis"]}
    cmp(T, seed, "-", "as_of", out["as_of"], model.as_of.isoformat())
    cmp(T, seed, "-", "rules", out["rules"], model.rules)
    for n_ in model.notes:
        T.amb_notes[n_] += 1
    for name, R in model.k.items():
        if name not in jk:
            T.diffs.append((seed, name, "kpi", "missing", "present"))
            continue
        if name in model.amb_grain:
            T.skipped["ambiguous-grain kpi"] += 1
            continue
        T.kpis += 1
        J = jk[name]
        og = model.own_grain[name]
        for f in ("grain", "direction", "aggregation", "n", "first_period", "last_period"):
            exp = R[f]
            if og != R["grain"] and f in ("grain", "n", "first_period", "last_period"):
                vo, _ = model.series(name, og)
                alt = {"grain": og, "n": len(vo), "first_period": pdate(min(vo), og, model.fys).isoformat(),
                       "last_period": pdate(max(vo), og, model.fys).isoformat()}[f]
                exp = Amb([exp, alt], f"--period coarser than the KPI: KPI-level {f} at report or own grain", ["report grain", "own grain"])
            cmp(T, seed, name, f, J.get(f), exp)
        cmp(T, seed, name, "owner", J.get("owner"), model.cfg[name].get("owner"))
        for sec in ("latest", "change", "trend", "attainment", "forecast"):
            for f, v in R[sec].items():
                cmp(T, seed, name, f"{sec}.{f}", (J.get(sec) or {}).get(f), v)
        for f, v in R["targets"].items():
            cmp(T, seed, name, f"targets.{f}", (J.get("targets") or {}).get(f), v)
        for f in ("variation", "assurance", "suggested_rebase"):
            cmp(T, seed, name, f"spc.{f}", J["spc"].get(f), R["spc"][f])
        js = J["spc"]["segments"]
        es = R["spc"]["segments"]
        cmp(T, seed, name, "spc.segments.count", len(js), len(es))
        for i, (a, b) in enumerate(zip(js, es)):
            for f, v in b.items():
                cmp(T, seed, name, f"spc.segments[{i}].{f}", a.get(f), v)
        # findings about limits (counts per KPI)
        nb = [b["baseline_n"] if not isinstance(b["baseline_n"], Amb) else b["baseline_n"].options[0] for b in es]
        fc = defaultdict(int)
        for f_ in out["findings"]:
            if f_.get("kpi") == name:
                fc[f_["code"]] += 1
        cmp(T, seed, name, "findings.too_few_points_for_limits", fc["too_few_points_for_limits"], sum(1 for b in nb if b < 6))
        cmp(T, seed, name, "findings.provisional_limits", fc["provisional_limits"], sum(1 for b in nb if 6 <= b < 12))
        # signals
        got = {(s["rule"], s["period"], s["side"]) for s in J["spc"]["signals"]}
        g = R["grain"]
        exp = set()
        alt = set()
        for rule, i, side in R["_sig"]:
            p = pdate(i, g, model.fys).isoformat()
            if rule == "trend":
                exp.add((rule, p, side))
            elif rule.startswith("trend@"):
                alt.add(("trend", p, side))
            else:
                exp.add((rule, p, side))
                alt.add((rule, p, side))
        if R["_trend_amb"]:
            alt |= {s for s in exp if s[0] != "trend"}
        T.fields += 1
        if got != exp:
            if R["_trend_amb"] and got == alt:
                T.amb += 1
                T.amb_notes["nhs trend length under run_length"] += 1
            else:
                T.diffs.append((seed, name, "spc.signals", sorted(got - exp), "missing " + repr(sorted(exp - got))))
        # series
        jser = J["series"]
        cmp(T, seed, name, "series.len", len(jser), len(R["series"]))
        for i, (a, b) in enumerate(zip(jser, R["series"])):
            for f, v in b.items():
                cmp(T, seed, name, f"series[{b['period']}].{f}", a.get(f), v)
        # health
        gotf = set(J["health"]["flags"])
        T.fields += 1
        if not (R["_flags"] <= gotf <= R["_flags"] | R["_maybe_flags"]):
            T.diffs.append((seed, name, "health.flags", sorted(gotf), sorted(R["_flags"]) + ([f"maybe {sorted(R['_maybe_flags'])}"] if R["_maybe_flags"] else [])))
        elif R["_maybe_flags"]:
            T.amb += 1
        cmp(T, seed, name, "health.action", J["health"]["action"], Amb(R["_actions"], "action with ambiguous flags") if len(R["_actions"]) > 1 else next(iter(R["_actions"])))
    # correlations
    jc = {(c["leading"], c["lagging"]): c for c in out.get("correlations", [])}
    if model.n_pairs_alt is not None and model.n_pairs_alt != len(model.corr):
        cmp(T, seed, "-", "correlations.count", len(jc), Amb([len(model.corr), model.n_pairs_alt], "all-pairs: include KPIs with no observation up to as-of", ["included", "left out"]))
    else:
        cmp(T, seed, "-", "correlations.count", len(jc), len(model.corr))
    chosen = {}
    for r in model.corr:
        key = (r["leading"], r["lagging"])
        if key not in jc and r.get("_empty") and model.n_pairs_alt is not None:
            continue
        if key not in jc:
            T.diffs.append((seed, f"{key[0]}->{key[1]}", "correlation", "missing", "present"))
            continue
        if r["leading"] in model.amb_grain or r["lagging"] in model.amb_grain:
            continue
        c = jc[key]
        tag = f"{key[0]}->{key[1]}"
        if r.get("_empty"):
            for f in ("best_lag", "r", "p", "p_lag_adj", "spearman", "strength", "q"):
                cmp(T, seed, tag, f"corr.{f}", c.get(f), None)
            continue
        cmp(T, seed, tag, "corr.grain", c["grain"], r["grain"])
        cmp(T, seed, tag, "corr.transform", c["transform"], r["transform"])
        fields = ["best_lag", "r", "n", "p", "p_lag_adj", "spearman", "strength", "r_by_lag"]
        vs = r["_variants"]
        gr = [[e["lag"], e["r"], e["n"]] for e in c.get("r_by_lag", [])]
        match = [j for j, v in enumerate(vs) if close(gr, [[e["lag"], e["r"], e["n"]] for e in v["r_by_lag"]], abs_=1e-10)]
        if len(vs) > 1 and match and len(match) < len(vs):
            T.amb_choice["lead-lag variant -> kpilens follows: " + " / ".join(r["_vlabels"][j] for j in match)] += 1
        chosen[key] = vs[match[0]] if match else vs[0]
        for f in fields:
            opts = []
            for v in vs:
                x = v[f]
                if f == "r_by_lag":
                    x = [[e["lag"], e["r"], e["n"]] for e in x]
                opts.append(x)
            gotv = c.get(f)
            if f == "spearman" and naive is not None and len(vs) == 1:
                alt = [x for x in naive.corr if (x["leading"], x["lagging"]) == key]
                if alt and not close(gotv, opts[0]) and close(gotv, alt[0]["_variants"][0].get("spearman")):
                    T.fields += 1
                    T.amb += 1
                    T.amb_notes["spearman: ties decided by float round-off of aggregated means"] += 1
                    continue
            if f == "r_by_lag":
                gotv = [[e["lag"], e["r"], e["n"]] for e in gotv]
            # correlation coefficients live in [-1, 1]: 1e-10 absolute (a near-zero r after
            # detrending large values loses relative precision in any implementation)
            ab = 1e-10 if f in ("r", "r_by_lag", "spearman") else 1e-12
            if len(vs) == 1:
                cmp(T, seed, tag, f"corr.{f}", gotv, opts[0], ab)
            else:
                cmp(T, seed, tag, f"corr.{f}", gotv, Amb([o for op in opts for o in (op.options if isinstance(op, Amb) else [op])],
                                                         "lead-lag variant (detrend basis / default max_lag grain)"), ab)
    # Benjamini-Hochberg over the pairs' p_lag_adj, each pair under the reading kpilens followed
    fam = [(k_, v) for k_, v in chosen.items() if v.get("p_lag_adj") is not None]
    qs = multipletests([v["p_lag_adj"] for _, v in fam], method="fdr_bh")[1] if fam else []
    qmap = {k_: float(q_) for (k_, _), q_ in zip(fam, qs)}
    for k_ in chosen:
        c = jc[k_]
        tag = f"{k_[0]}->{k_[1]}"
        cmp(T, seed, tag, "corr.q", c["q"], qmap.get(k_))
        cmp(T, seed, tag, "corr.significant", c["significant"], k_ in qmap and qmap[k_] < 0.05)


def run_seed(seed, binpath, T, keep=None, verbose=False):
    folder = tempfile.mkdtemp(prefix=f"xc{seed}-")
    try:
        ds = gen_dataset(seed, folder)
        cmd = [binpath, "report", "data.csv", "-c", "kpis.toml", "-o", "out.xlsx", "--json", "out.json", "--force", "-q"]
        p = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            # methods.md §1 / interface.md: an as-of before every value is "nothing
            # usable" (exit 3); the generator sometimes draws one.
            if p.returncode == 3 and "no value is dated on or before the as-of date" in p.stderr:
                try:
                    m = Model(ds)
                    # Model.obs keeps the observations dated up to as-of: (date, _, value, target).
                    expected_empty = not any(o[2] is not None for k in m.obs.values() for o in k)
                except Exception:
                    expected_empty = False
                if expected_empty:
                    print(f"seed {seed}: exit 3 as expected (as-of before every value)")
                    return
            T.diffs.append((seed, "-", "exit_code", p.returncode, 0))
            print(f"seed {seed}: exit {p.returncode}: {p.stderr.strip()[:500]}")
            return
        out = json.load(open(os.path.join(folder, "out.json")))
        model = Model(ds)
        global NAIVE
        NAIVE = True
        try:
            naive = Model(ds)
        finally:
            NAIVE = False
        before = len(T.diffs)
        compare(T, seed, model, out, naive)
        T2 = Tally()  # the same comparison against means taken as naive float sums
        compare(T2, seed, naive, out, None)
        naive_diffs = {(d[1], d[2]) for d in T2.diffs}
        T.seeds += 1
        jk = {k["name"]: k for k in out["kpis"]}

        def family(d):
            """a rough tag of the known defect families, to spot new ones quickly"""
            names = d[1].split("->")
            if any(n in model.obs and len({o[2] for o in model.obs[n] if o[2] is not None}) == 1 for n in names):
                return "constant-KPI"
            if any(n in jk and any(g["mr_bar"] == 0 for g in jk[n]["spc"]["segments"]) for n in names):
                return "mr_bar=0"
            if d[2] == "corr.spearman":
                return "spearman-ties?"
            if d[2] in ("corr.best_lag", "corr.r"):
                return "best-lag-tie?"
            return "other"
        for d in T.diffs[before:]:
            fam = family(d)
            if (d[1], d[2]) not in naive_diffs:
                T.roundoff.append(d)
                print(f"ROUNDOFF [{fam}] seed={d[0]} kpi={d[1]} field={d[2]} kpilens={d[3]!r} expected={d[4]!r}")
            else:
                T.families[fam] += 1
                print(f"DIFF [{fam}] seed={d[0]} kpi={d[1]} field={d[2]} kpilens={d[3]!r} expected={d[4]!r}")
        T.diffs[before:] = [d for d in T.diffs[before:] if (d[1], d[2]) in naive_diffs]
        if verbose:
            print(f"seed {seed}: {len(T.diffs) - before} diffs")
    finally:
        if keep:
            dst = os.path.join(keep, str(seed))
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(folder, dst)
        shutil.rmtree(folder, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("KPILENS_BIN", "target/release/kpilens"))
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--keep")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    T = Tally()
    seeds = [a.seed] if a.seed is not None else range(a.start, a.start + a.seeds)
    for s in seeds:
        try:
            run_seed(s, a.bin, T, a.keep, a.verbose)
        except Exception as e:  # a crash in the model is a script bug: report and go on
            import traceback
            traceback.print_exc()
            print(f"seed {s}: script error {e!r}")
    print(f"\nseeds={T.seeds} kpis={T.kpis} fields_compared={T.fields} "
          f"ambiguous_accepted={T.amb} discrepancies={len(T.diffs)} "
          f"roundoff_only={len(T.roundoff)} (match kpilens when means are naive float sums)")
    print("discrepancies by family:", dict(T.families))
    bad = {kind(d[2]) for d in T.diffs} | {kind(d[2]) for d in T.roundoff}
    clean = sorted(k for k in T.kinds if k not in bad)
    print(f"field kinds compared: {len(T.kinds)}; with zero differences ({len(clean)}): "
          + ", ".join(f"{k}={T.kinds[k]}" for k in clean))
    by_field = defaultdict(int)
    for d in T.diffs:
        by_field[d[2].split("[")[0] if not d[2].startswith("series") else "series." + d[2].split(".")[-1]] += 1
    for f, n in sorted(by_field.items(), key=lambda x: -x[1]):
        print(f"  {f}: {n}")
    if T.amb_notes:
        print("ambiguous readings accepted:")
        for k, v in T.amb_notes.items():
            print(f"  {k}: {v}")
    if T.amb_choice:
        print("which reading kpilens follows (only where the readings differ):")
        for k, v in sorted(T.amb_choice.items()):
            print(f"  {k}: {v}")
    if T.skipped:
        print("skipped:", dict(T.skipped))
    sys.exit(1 if T.diffs else 0)


if __name__ == "__main__":
    main()
