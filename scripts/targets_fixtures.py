#!/usr/bin/env python3
"""Expected forecasts, suggested targets and realism verdicts, computed independently.

    pip install numpy scipy pymannkendall
    python3 scripts/targets_fixtures.py

Writes tests/fixtures/targets/{series.csv, kpis.toml, expected.json}: nine monthly KPIs
over the 24-month window ending 2026-10 that each exercise one rule of methods.md §6
(improving trend taking the forecast, bounds clamping a percentage, lower-is-better
quantiles, a range KPI, fewer than 6 points, a rebase, freeze_after, gaps, a
deteriorating trend), and for each what the spec's definitions give when built from
numpy (mean, median, quantiles with linear interpolation), scipy.stats.theilslopes
(method='separate') and pymannkendall.original_test, with the XmR limits of §4 written
out here from their definition. Mann–Kendall runs on the values rounded to 12 significant
digits (round12; the ties ruling of methods.md §9), everything else on the values as they
are. The integration test (tests/integration/values.rs) runs `kpilens report --json` on
the CSV and compares field by field; neither Python nor this script is needed to run
`cargo test`.
"""
import json
from datetime import date
from pathlib import Path

import numpy as np
import pymannkendall as mk
from scipy import stats

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "targets"
MONTHS = [date(2024 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(24)]  # 2024-11 … 2026-10
rng = np.random.default_rng(11)


def round12(x):
    """x rounded to 12 significant digits: the value ties are decided on (methods.md §9,
    "Ties"; Rust `format!("{:.11e}", x).parse::<f64>()`). 0.1 + 0.2 and 0.3 tie."""
    return float(f"{x:.11e}")


def noise(n, sd):
    return [float(e) for e in rng.normal(0, sd, n)]


def rounded(xs, digits=4):
    return [None if x is None else round(x, digits) for x in xs]


# name → (config, values by month (None = missing), target by month or None)
KPIS = {
    # Improving trend: realistic takes the forecast when it is better.
    "Orders": (
        {"direction": "higher"},
        rounded([200 + 4 * i + e for i, e in enumerate(noise(24, 6))], 1),
        290.0,
    ),
    # A percentage near its ceiling, improving: everything clamped to upper_bound 1.
    "Uptime": (
        {"direction": "higher", "unit": "%", "upper_bound": 1.0, "lower_bound": 0.0},
        rounded([min(1.0, 0.955 + 0.0018 * i + e) for i, e in enumerate(noise(24, 0.004))], 4),
        0.97,
    ),
    # Lower is better, no trend: the low quantiles, a lower bound of 0.
    "Cycle time": (
        {"direction": "lower", "lower_bound": 0.0},
        rounded([5.0 + e for e in noise(24, 0.4)], 2),
        4.0,
    ),
    # Lower is better and rising: deteriorating, the forecast is not used.
    "Complaints": (
        {"direction": "lower"},
        rounded([30 + 0.9 * i + e for i, e in enumerate(noise(24, 2.0))], 0),
        35.0,
    ),
    # A band: baseline and median only.
    "Temperature": (
        {"direction": "range", "target_min": 18.0, "target_max": 22.0},
        rounded([20 + e for e in noise(24, 0.7)], 2),
        None,
    ),
    # Five observations: no limits, no suggestions, the forecast is the window mean.
    "New product": (
        {"direction": "higher"},
        [None] * 19 + [12.0, 15.0, 14.0, 18.0, 17.0],
        20.0,
    ),
    # A step up rebased at 2025-11: the basis is the latest segment only.
    "Margin": (
        {"direction": "higher", "rebase": ["2025-11"]},
        rounded([40 + e for e in noise(12, 1.0)] + [46 + e for e in noise(12, 1.0)], 2),
        45.0,
    ),
    # Limits frozen after 12 observations; the basis is still every observation of the
    # segment.
    "Calls": (
        {"direction": "higher", "freeze_after": 12},
        rounded([100 + e for e in noise(12, 3.0)] + [104 + e for e in noise(12, 3.0)], 1),
        95.0,
    ),
    # Gaps: missing months are skipped, not zeros.
    "Leads": (
        {"direction": "higher"},
        [None if i in (3, 4, 11, 17) else v for i, v in enumerate(rounded([60 + 0.3 * i + e for i, e in enumerate(noise(24, 4.0))], 1))],
        62.0,
    ),
}


def segments(obs, rebase, freeze_after):
    """Split (t, period, value) observations at the rebase periods; limits per segment."""
    starts = sorted(date.fromisoformat(r + "-01") for r in rebase)
    groups, current = [], []
    for o in obs:
        if current and any(current[-1][1] < s <= o[1] for s in starts):
            groups.append(current)
            current = []
        current.append(o)
    groups.append(current)
    out = []
    for g in groups:
        base = [v for _, _, v in g][: freeze_after or None]
        if len(base) < 6:
            out.append({"obs": g, "cl": None, "mr_bar": None})
            continue
        mr = np.abs(np.diff(base))
        out.append({"obs": g, "cl": float(np.mean(base)), "mr_bar": float(np.mean(mr))})
    return out


def clamp(v, lo, hi):
    if v is None:
        return None
    if lo is not None:
        v = max(v, lo)
    if hi is not None:
        v = min(v, hi)
    return v


def expected(cfg, values, target):
    direction = cfg["direction"]
    lo, hi = cfg.get("lower_bound"), cfg.get("upper_bound")
    obs = [(t, MONTHS[t], v) for t, v in enumerate(values) if v is not None]
    t_obs = np.array([o[0] for o in obs], float)
    y = np.array([o[2] for o in obs], float)

    # Trend (§3): Theil–Sen line and the Mann–Kendall direction.
    trend_dir, sen = "flat", None
    if len(y) >= 6:
        ts = stats.theilslopes(y, t_obs, method="separate")
        sen = (float(ts.slope), float(ts.intercept))
        # MK compares values only: on the rounded values it has the ties of methods.md §9.
        m = mk.original_test(np.array([round12(v) for v in y]))
        if m.p < 0.05:
            trend_dir = "up" if m.s > 0 else "down"
    if direction == "range":
        assessment = "neutral"
    elif trend_dir == "flat":
        assessment = "stable"
    else:
        improving = (trend_dir == "up") == (direction == "higher")
        assessment = "improving" if improving else "deteriorating"

    # Limits (§4) of the latest segment, clamped to the bounds.
    segs = segments(obs, cfg.get("rebase", []), cfg.get("freeze_after"))
    latest = segs[-1]
    has_limits = latest["cl"] is not None
    unpl = lnpl = None
    if has_limits:
        unpl = clamp(latest["cl"] + 2.66 * latest["mr_bar"], lo, hi)
        lnpl = clamp(latest["cl"] - 2.66 * latest["mr_bar"], lo, hi)

    # Forecast (§6).
    t_next = obs[-1][0] + 1
    if trend_dir != "flat":
        centre = sen[1] + sen[0] * t_next
    elif has_limits:
        centre = latest["cl"]
    else:
        centre = float(np.mean(y))
    forecast = {
        "period": date(2026, 11, 1).isoformat(),
        "value": clamp(centre, lo, hi),
        "low": clamp(centre - 2.66 * latest["mr_bar"], lo, hi) if has_limits else None,
        "high": clamp(centre + 2.66 * latest["mr_bar"], lo, hi) if has_limits else None,
    }

    # Suggestions (§6).
    basis = np.array([v for _, _, v in latest["obs"]] if has_limits else y, float)
    sugg = {k: None for k in ["baseline", "median", "conservative", "realistic", "stretch"]}
    if has_limits or len(basis) >= 6:
        sugg["baseline"] = float(np.mean(basis))
        sugg["median"] = float(np.median(basis))
        if direction != "range":
            lower = direction == "lower"
            better = min if lower else max
            realistic = float(np.quantile(basis, 0.25 if lower else 0.75))
            if assessment == "improving":
                realistic = better(realistic, forecast["value"])
            stretch = better(float(np.quantile(basis, 0.10 if lower else 0.90)), realistic)
            sugg["conservative"] = clamp(sugg["baseline"], lo, hi)
            sugg["realistic"] = clamp(realistic, lo, hi)
            sugg["stretch"] = clamp(stretch, lo, hi)

    # Realism (§6, §9): from the latest target, assurance and the hit rate.
    if direction == "range":
        t_min, t_max = cfg["target_min"], cfg["target_max"]
        met = [t_min <= v <= t_max for v in y]
        assurance = None
        if has_limits:
            if t_min < lnpl and unpl < t_max:
                assurance = "pass"
            elif unpl < t_min or lnpl > t_max:
                assurance = "fail"
            else:
                assurance = "hit_and_miss"
    elif target is None:
        met, assurance = [], None
    else:
        lower = direction == "lower"
        met = [(v <= target) if lower else (v >= target) for v in y]
        assurance = None
        if has_limits:
            good_side = (target > unpl) if lower else (target < lnpl)
            bad_side = (target < lnpl) if lower else (target > unpl)
            assurance = "pass" if good_side else "fail" if bad_side else "hit_and_miss"
    has_target = direction == "range" or target is not None
    n_target = len(met)
    hit_rate = sum(met) / n_target if n_target else None
    if not has_target:
        realism = "none"
    elif assurance == "fail":
        realism = "unrealistic"
    elif assurance == "pass" or (n_target >= 6 and hit_rate == 1.0):
        realism = "too_easy"
    elif not has_limits and n_target < 6:
        realism = "unknown"
    elif hit_rate is not None and hit_rate < 0.5:
        realism = "stretching"
    else:
        realism = "achievable"
    sugg["realism"] = realism
    return {"trend_direction": trend_dir, "assurance": assurance, "forecast": forecast, "targets": sugg}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rows = ["date,kpi,value,target"]
    toml = [
        "# Written by scripts/targets_fixtures.py: the KPIs whose forecasts and suggested",
        "# targets tests/integration/values.rs checks against expected.json.",
        "[report]",
        'as_of = "2026-10-31"',
        "window = 24",
        "",
    ]
    cases = {}
    for name, (cfg, values, target) in KPIS.items():
        for m, v in zip(MONTHS, values):
            if v is None:
                continue
            t = "" if target is None else repr(target)
            rows.append(f"{m.isoformat()},{name},{v!r},{t}")
        toml.append("[[kpi]]")
        toml.append(f'name = "{name}"')
        for key, value in cfg.items():
            toml.append(f"{key} = {json.dumps(value)}")
        toml.append("")
        cases[name] = expected(cfg, values, target)
    (OUT / "series.csv").write_text("\n".join(rows) + "\n")
    (OUT / "kpis.toml").write_text("\n".join(toml))
    (OUT / "expected.json").write_text(json.dumps(cases, indent=1, sort_keys=True) + "\n")
    for name, c in cases.items():
        print(f"{name:12} {c['trend_direction']:5} {c['targets']['realism']:12} realistic={c['targets']['realistic']}")


if __name__ == "__main__":
    main()
