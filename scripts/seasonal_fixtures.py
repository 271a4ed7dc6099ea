#!/usr/bin/env python3
"""Expected seasonality results (methods.md §10), computed independently of kpilens.

    pip install numpy scipy pymannkendall statsmodels
    python3 scripts/seasonal_fixtures.py

Writes tests/fixtures/seasonal/<case>/{data.csv, kpis.toml} for every case below and a
single tests/fixtures/seasonal/expected.json:

    {case: {"args": [extra CLI args], "csv": "seasonal/<case>/data.csv",
            "config": "seasonal/<case>/kpis.toml",
            "kpis": {name: {"seasonality": {...}, "findings": {code: severity},
                            "trend": {...}, "spc": {...}, "series": [...],
                            "forecast": {...}, "targets": {...}}}}}

The integration test runs `kpilens report <csv> -c <config> --json out.json <args>`
and compares every field present here (numbers to 1e-9 relative; `signals` as a set;
`series` entries matched by period, only the keys given). Non-adjusted KPIs carry only
`seasonality` and `findings`. `findings` lists, for the two seasonality codes
(`too_few_points_for_seasonality`, `seasonal_pattern`), exactly those the KPI must get.

Built from: scipy.stats.kruskal (Kruskal–Wallis, checked against the H formula),
pymannkendall.seasonal_test / seasonal_sens_slope (seasonal Mann–Kendall and Sen
slope, checked against the spec's formulas written out here; where they differ the
spec wins, see SPEC_VS_LIBRARY), statsmodels OLS (checked against the closed form),
scipy.stats.linregress, numpy means, medians and linear quantiles, and the XmR limits
and signal rules of §4 written out here from their definition. Every decision (signal
rule comparisons, kw_p < 0.01, mk_p < 0.05, MK signs) is checked to be at least 1e-9
(relative) away from its threshold, so float round-off in either implementation cannot
flip it. Neither Python nor this script is needed to run `cargo test`.
"""
import json
import math
import warnings
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pymannkendall as mk
import statsmodels.api as sm
from scipy import stats

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seasonal"
SEASON_LENGTH = {"month": 12, "quarter": 4, "day": 7}
MONTH_LABELS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAY_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MARGIN = 1e-9
# Observations where the spec and a library give different numbers (printed at the end).
SPEC_VS_LIBRARY = []


def r12(x):
    """§9 Ties: values compared for equality are rounded to 12 significant digits."""
    return float(f"{x:.11e}")


def check_margin(what, a, b, allow_equal=False):
    """A decision compares a with b: make sure it is not within float noise. Exact
    equality is allowed where both sides are numbers read from the files (never
    computed), since then every implementation sees the same two doubles."""
    scale = max(1.0, abs(a), abs(b))
    if abs(a - b) < MARGIN * scale and not (allow_equal and a == b):
        raise SystemExit(f"decision too close to call: {what}: {a!r} vs {b!r} (change the seed)")


# ---------------------------------------------------------------- periods (§1, §10)

def month_index(d):
    return d.year * 12 + d.month - 1


def ordinal(d, grain, fys):
    if grain == "day":
        return d.toordinal()
    if grain == "month":
        return month_index(d)
    if grain == "quarter":
        return (month_index(d) - (fys - 1)) // 3
    raise ValueError(grain)


def period_key(d, grain, fys):
    if grain == "day":
        return d
    if grain == "month":
        return date(d.year, d.month, 1)
    m = (month_index(d) - (fys - 1)) // 3 * 3 + (fys - 1)
    return date(m // 12, m % 12 + 1, 1)


def shift(d, k, grain):
    """The period k periods after period key d."""
    if grain == "day":
        return d + timedelta(days=k)
    step = {"month": 1, "quarter": 3}[grain]
    m = month_index(d) + k * step
    return date(m // 12, m % 12 + 1, 1)


def season_of(d, grain, fys):
    if grain == "month":
        return d.month
    if grain == "quarter":  # position in the fiscal year
        return (d.month - fys) % 12 // 3 + 1
    return d.isoweekday()


def season_label(s, grain):
    if grain == "month":
        return MONTH_LABELS[s - 1]
    if grain == "quarter":
        return f"Q{s}"
    return DAY_LABELS[s - 1]


def clamp(v, lo, hi):
    if v is None:
        return None
    if lo is not None:
        v = max(v, lo)
    if hi is not None:
        v = min(v, hi)
    return v


# ---------------------------------------------------------------- detection (§10)

def ols_closed_form(t, y):
    tm, ym = t.mean(), y.mean()
    b = float(np.sum((t - tm) * (y - ym)) / np.sum((t - tm) ** 2))
    return float(ym - b * tm), b


def detect(obs, grain, fys):
    """obs: [(ordinal, period, value)] of the whole history up to as-of."""
    L = SEASON_LENGTH[grain]
    n = len(obs)
    out = {"length": L, "n": n, "kw_h": None, "kw_p": None, "seasonal": None,
           "amplitude": None, "indices": None}
    seasons = np.array([season_of(p, grain, fys) for _, p, _ in obs])
    counts = Counter(seasons.tolist())
    if n < 3 * L or any(counts.get(s, 0) < 2 for s in range(1, L + 1)):
        return out, None
    t = np.array([o - obs[0][0] for o, _, _ in obs], float)
    x = np.array([v for _, _, v in obs], float)
    a, b = ols_closed_form(t, x)
    fit = sm.OLS(x, sm.add_constant(t)).fit()
    assert abs(fit.params[0] - a) <= 1e-9 * max(1, abs(a)) and abs(fit.params[1] - b) <= 1e-9 * max(1, abs(b))
    resid = x - (a + b * t)
    rounded = np.array([r12(r) for r in resid])
    if np.all(rounded == rounded[0]):
        out.update(kw_h=None, kw_p=None, seasonal=False)
    else:
        groups = [rounded[seasons == s] for s in range(1, L + 1)]
        h, p = stats.kruskal(*groups)
        # The H statistic written out (average ranks, tie correction) agrees with scipy.
        ranks = stats.rankdata(rounded)
        N = len(rounded)
        h0 = 12 / (N * (N + 1)) * sum(ranks[seasons == s].sum() ** 2 / (seasons == s).sum()
                                      for s in range(1, L + 1)) - 3 * (N + 1)
        ties = np.unique(rounded, return_counts=True)[1].astype(float)
        h0 /= 1 - np.sum(ties ** 3 - ties) / (N ** 3 - N)
        assert abs(h0 - h) <= 1e-9 * max(1, h), (h0, h)
        assert abs(stats.chi2.sf(h0, L - 1) - p) <= 1e-12
        check_margin("kw_p vs 0.01", float(p), 0.01)
        out.update(kw_h=float(h), kw_p=float(p), seasonal=bool(p < 0.01))
    raw = np.array([resid[seasons == s].mean() for s in range(1, L + 1)])
    idx = raw - raw.mean()
    out["amplitude"] = float(idx.max() - idx.min())
    out["indices"] = [{"season": s, "label": season_label(s, grain), "index": float(idx[s - 1])}
                      for s in range(1, L + 1)]
    return out, {s: float(idx[s - 1]) for s in range(1, L + 1)}


# ---------------------------------------------------------------- trend (§3 as §10 modifies it)

def mk_season(xs):
    """S and var(S) of one season's (rounded) values in time order, ties within it."""
    n = len(xs)
    s = sum(int(np.sign(xs[j] - xs[i])) for i in range(n) for j in range(i + 1, n))
    tg = np.array(list(Counter(xs).values()), float)
    var = (n * (n - 1) * (2 * n + 5) - np.sum(tg * (tg - 1) * (2 * tg + 5))) / 18
    return s, float(var)


def check_pymannkendall(case, m, m_raw, S, VAR, DEN, z, p, tau):
    """pymannkendall's seasonal test (on the rounded values) against the spec's numbers."""
    assert m.s == S and abs(m.var_s - VAR) <= 1e-9 * max(1, VAR), (case, m.s, S, m.var_s, VAR)
    if VAR > 0:
        assert abs(m.z - z) <= 1e-12 and abs(m.p - p) <= 1e-15, (case, m.z, z, m.p, p)
    else:
        SPEC_VS_LIBRARY.append(f"{case}: var(S) = 0: pymannkendall z = {m.z}, p = {m.p}, "
                               f"Tau = {m.Tau}; spec z = 0, p = 1, tau null")
    if (m_raw.s, m_raw.var_s) != (m.s, m.var_s):
        SPEC_VS_LIBRARY.append(
            f"{case}: pymannkendall on the unrounded values gives S = {m_raw.s:g}, "
            f"var_s = {m_raw.var_s:g}, p = {m_raw.p:.6g} (it compares raw floats); with the "
            f"§9 12-digit rounding S = {S}, var_s = {VAR:g}, p = {p:.6g}")
    if DEN > 0:
        assert abs(m.Tau - tau) <= 1e-12


def seasonal_trend(wobs, L, season, t_of, d_of, kcfg, case):
    """wobs: window observations [(ordinal, period, x)]; d_of: x → d per observation."""
    n = len(wobs)
    tr = {"window_start": None, "n": n}
    keys = ["ols_slope", "ols_intercept", "r2", "ols_p", "sen_slope", "sen_intercept", "mk_s",
            "mk_var_s", "mk_z", "mk_p", "mk_tau", "direction", "assessment"]
    tr.update({k: None for k in keys})
    if n < 6:
        return tr
    t = np.array([t_of(o) for o in wobs], float)
    x = np.array([v for _, _, v in wobs], float)
    d = np.array([d_of(o) for o in wobs], float)
    ss = [season(o) for o in wobs]

    # Seasonal Mann–Kendall: the spec's formulas.
    S, VAR, DEN = 0, 0.0, 0.0
    for s in sorted(set(ss)):
        xs = [r12(x[i]) for i in range(n) if ss[i] == s]
        ds = [r12(d[i]) for i in range(n) if ss[i] == s]
        s_s, v_s = mk_season(xs)
        # Signs and tie groups are the same whether taken on x or on d = x − index.
        assert (s_s, v_s) == mk_season(ds), (case, s)
        for i in range(len(xs)):
            for j in range(i + 1, len(xs)):
                if xs[i] != xs[j]:
                    check_margin("MK sign", xs[i], xs[j])
        S += s_s
        VAR += v_s
        DEN += len(xs) * (len(xs) - 1) / 2
    if VAR > 0:
        z = (S - 1) / math.sqrt(VAR) if S > 0 else (S + 1) / math.sqrt(VAR) if S < 0 else 0.0
        p = 2 * (1 - stats.norm.cdf(abs(z)))
    else:
        z, p = 0.0, 1.0
    tau = S / DEN if DEN > 0 else None

    # pymannkendall on the same window: the array of every window period (NaN = missing),
    # whose columns are the seasons whatever the window's first season.
    arr_x = np.full(int(t[-1]) + 1, np.nan)
    arr_r = np.full(int(t[-1]) + 1, np.nan)
    for o, (_, _, v) in zip(t.astype(int), wobs):
        arr_x[o] = v
        arr_r[o] = r12(v)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sens = mk.seasonal_sens_slope(arr_x, period=L)
        slope_cycle = sens.slope
        try:
            m = mk.seasonal_test(arr_r, period=L)
            m_raw = mk.seasonal_test(arr_x, period=L)
        except ZeroDivisionError as e:
            # No season with two observations: Tau = s / 0 raises inside pymannkendall.
            SPEC_VS_LIBRARY.append(f"{case}: no season has two observations in the window: "
                                   f"pymannkendall.seasonal_test raises ZeroDivisionError ({e}) "
                                   f"computing Tau; spec: S = 0, var = 0, z = 0, p = 1, tau null; "
                                   f"seasonal_sens_slope gives {slope_cycle} (spec: null)")
            m = m_raw = None
    if m is None:
        assert S == 0 and VAR == 0 and DEN == 0
    else:
        check_pymannkendall(case, m, m_raw, S, VAR, DEN, z, p, tau)
    if VAR > 0:
        check_margin("mk_p vs 0.05", p, 0.05)

    # Sen slope over same-season pairs, per period, on d (== on x: the index cancels).
    pairs_d, pairs_x = [], []
    for i in range(n):
        for j in range(i + 1, n):
            if ss[i] == ss[j]:
                pairs_d.append((d[j] - d[i]) / (t[j] - t[i]))
                pairs_x.append((x[j] - x[i]) / (t[j] - t[i]))
    if pairs_d:
        sen = float(np.median(pairs_d))
        assert abs(sen - float(np.median(pairs_x))) <= 1e-12 * max(1, abs(sen))
        assert abs(sen - slope_cycle / L) <= 1e-12 * max(1, abs(sen)), (case, sen, slope_cycle / L)
        sen_int = float(np.median(d) - sen * np.median(t))
        # pymannkendall's intercept is median(x) − median(t)/L · slope_per_cycle: the same
        # line through the raw values, not through d.
        SPEC_VS_LIBRARY.append(f"{case}: sen_intercept: spec median(d) − slope·median(t) = {sen_int:.10g}; "
                               f"pymannkendall.seasonal_sens_slope intercept (median of x) = {sens.intercept:.10g}")
    else:
        sen = sen_int = None
        assert np.isnan(slope_cycle)

    lr = stats.linregress(t, d)
    a, b = ols_closed_form(t, d)
    assert abs(a - lr.intercept) <= 1e-9 * max(1, abs(a)) and abs(b - lr.slope) <= 1e-9 * max(1, abs(b))
    direction = "up" if (p < 0.05 and S > 0) else "down" if (p < 0.05 and S < 0) else "flat"
    kdir = kcfg.get("direction", "higher")
    if kdir == "range":
        assessment = "neutral"
    elif direction == "flat":
        assessment = "stable"
    else:
        assessment = "improving" if (direction == "up") == (kdir == "higher") else "deteriorating"
    tr.update(ols_slope=float(lr.slope), ols_intercept=float(lr.intercept), r2=float(lr.rvalue) ** 2,
              ols_p=float(lr.pvalue), sen_slope=sen, sen_intercept=sen_int, mk_s=S, mk_var_s=VAR,
              mk_z=float(z), mk_p=float(p), mk_tau=tau, direction=direction, assessment=assessment)
    return tr


# ---------------------------------------------------------------- XmR (§4 on d)

def signals_of(seg_obs, cl, mrb, run_length):
    """Wheeler rules on one segment's (period, d) observations; a set of (rule, period, side)."""
    unpl, lnpl, url = cl + 2.66 * mrb, cl - 2.66 * mrb, 3.268 * mrb
    hi, lo = cl + 1.33 * mrb, cl - 1.33 * mrb
    ps = [p for p, _ in seg_obs]
    xs = [v for _, v in seg_obs]
    sig = set()
    for p, v in seg_obs:
        check_margin("outside", v, unpl)
        check_margin("outside", v, lnpl)
        check_margin("halfway", v, hi)
        check_margin("halfway", v, lo)
        check_margin("centre", v, cl)
        if v > unpl:
            sig.add(("outside", p, "high"))
        elif v < lnpl:
            sig.add(("outside", p, "low"))
    side = [1 if v > cl else -1 if v < cl else 0 for v in xs]
    j = 0
    while j < len(xs):
        k = j
        while k + 1 < len(xs) and side[k + 1] == side[j]:
            k += 1
        if side[j] != 0 and k - j + 1 >= run_length:
            for m in range(j, k + 1):
                sig.add(("run", ps[m], "high" if side[j] > 0 else "low"))
        j = k + 1
    for j in range(len(xs) - 3):
        w = range(j, j + 4)
        up = [m for m in w if xs[m] > hi]
        dn = [m for m in w if xs[m] < lo]
        if len(up) >= 3:
            sig.update(("near_limit", ps[m], "high") for m in up)
        if len(dn) >= 3:
            sig.update(("near_limit", ps[m], "low") for m in dn)
    for j in range(1, len(xs)):
        mr = abs(xs[j] - xs[j - 1])
        check_margin("jump", mr, url)
        if mr > url:
            sig.add(("jump", ps[j], "high" if xs[j] > xs[j - 1] else "low"))
    return sig


def runs_ending_last(seg_obs, cl, run_length):
    """First period of a run (≥ run_length) that ends at the segment's last observation."""
    xs = [v for _, v in seg_obs]
    side = [1 if v > cl else -1 if v < cl else 0 for v in xs]
    if not side or side[-1] == 0:
        return None
    j = len(xs) - 1
    while j > 0 and side[j - 1] == side[-1]:
        j -= 1
    return seg_obs[j][0] if len(xs) - j >= run_length else None


# ---------------------------------------------------------------- one KPI

def analyse(case, name, kcfg, report, grain, fys, as_of, rows):
    """rows: [(date, value, target)] from the CSV (value None = missing cell)."""
    lo, hi = kcfg.get("lower_bound"), kcfg.get("upper_bound")
    kdir = kcfg.get("direction", "higher")
    window = report.get("window", 24)
    by_period = {}
    for dt, v, tg in rows:
        if v is None or dt > as_of:
            continue
        p = period_key(dt, grain, fys)
        assert p not in by_period, "one observation per period in these fixtures"
        by_period[p] = (v, tg)
    hist = sorted((ordinal(p, grain, fys), p, v) for p, (v, _) in by_period.items())
    seas, idx = detect(hist, grain, fys)
    mode = kcfg.get("seasonal", report.get("seasonal", False))
    adjusted = (mode is True and idx is not None) or (mode == "auto" and seas["seasonal"] is True)
    seas["adjusted"] = adjusted
    findings = {}
    if mode is True and idx is None:
        findings["too_few_points_for_seasonality"] = "warning"
    if seas["seasonal"] is True and not adjusted:
        findings["seasonal_pattern"] = "info"
    res = {"seasonality": seas, "findings": findings}
    if not adjusted:
        return res

    L = SEASON_LENGTH[grain]
    last = hist[-1][0]
    ws = max(hist[0][0], last - window + 1)
    first_p = [p for o, p, _ in hist if o == hist[0][0]][0]
    period_of = {o: shift(first_p, o - hist[0][0], grain) for o in range(ws, last + 2)}
    wobs = [h for h in hist if h[0] >= ws]
    season = lambda o: season_of(o[1], grain, fys)
    d_of = lambda o: o[2] - idx[season(o)]
    t_of = lambda o: o[0] - ws

    trend = seasonal_trend(wobs, L, season, t_of, d_of, kcfg, f"{case}/{name}")
    trend["window_start"] = period_of[ws].isoformat()
    res["trend"] = trend

    # Segments at rebase periods inside the window.
    rebase = sorted({ordinal(period_key(date.fromisoformat(r + "-01") if len(r) == 7 else date.fromisoformat(r),
                                        grain, fys), grain, fys) for r in kcfg.get("rebase", [])})
    bounds = [ws] + [r for r in rebase if ws < r <= last]
    run_length = kcfg.get("run_length", report.get("run_length", 8))
    segs, sig, mrs, seg_of = [], set(), {}, {}
    for k, s0 in enumerate(bounds):
        s1 = bounds[k + 1] - 1 if k + 1 < len(bounds) else last
        so = [(o, d_of((o, p, v))) for o, p, v in wobs if s0 <= o <= s1]
        base = so[: kcfg.get("freeze_after")] if kcfg.get("freeze_after") else so
        assert len(base) >= 6, "every segment in these fixtures has limits"
        x = np.array([v for _, v in base])
        mrb = float(np.mean(np.abs(np.diff(x))))
        cl = float(np.mean(x))
        seg = {"start": period_of[s0].isoformat(), "end": period_of[s1].isoformat(),
               "baseline_n": len(base), "cl": cl, "mr_bar": mrb,
               "unpl": cl + 2.66 * mrb, "lnpl": cl - 2.66 * mrb, "url": 3.268 * mrb}
        segs.append(seg)
        for j, (o, v) in enumerate(so):
            mrs[o] = None if j == 0 else abs(v - so[j - 1][1])
            seg_of[o] = seg
        sig |= signals_of(so, cl, mrb, run_length)
        if k == len(bounds) - 1:
            start = runs_ending_last(so, cl, run_length)
            suggested = period_of[start].isoformat() if start is not None and start > s0 else None
    latest_seg = segs[-1]
    fav = "high" if kdir == "higher" else "low"
    at_last = [s for s in sig if s[1] == last]
    if not at_last:
        variation = "common_cause"
    elif kdir == "range":
        variation = "neutral"
    else:
        variation = "improvement" if any(s[2] == fav for s in at_last) else "concern"

    # Series with seasonal limits on the value's own scale.
    series = []
    target_of = {ordinal(p, grain, fys): tg for p, (_, tg) in by_period.items()}
    seasonal_limits = {}
    for o in range(ws, last + 1):
        p = period_of[o]
        if p not in by_period:
            series.append({"period": p.isoformat(), "value": None, "mr": None})
            continue
        v = by_period[p][0]
        ix = idx[season_of(p, grain, fys)]
        seg = seg_of[o]
        lim = (seg["cl"] + ix, clamp(seg["unpl"] + ix, lo, hi), clamp(seg["lnpl"] + ix, lo, hi))
        seasonal_limits[o] = lim
        series.append({"period": p.isoformat(), "value": v, "mr": mrs[o], "season_index": ix,
                       "seasonal_cl": lim[0], "seasonal_unpl": lim[1], "seasonal_lnpl": lim[2]})

    # Assurance: the latest period's target against that period's seasonal limits.
    target = target_of.get(last)
    assurance = None
    if target is not None:
        _, su, sl = seasonal_limits[last]
        check_margin("assurance", target, su)
        check_margin("assurance", target, sl)
        if kdir == "higher":
            assurance = "pass" if target < sl else "fail" if target > su else "hit_and_miss"
        else:
            assurance = "pass" if target > su else "fail" if target < sl else "hit_and_miss"
    res["spc"] = {"segments": segs,
                  "signals": [{"rule": r, "period": period_of[o].isoformat(), "side": s}
                              for r, o, s in sorted(sig, key=lambda s: (s[1], s[0], s[2]))],
                  "variation": variation, "assurance": assurance, "suggested_rebase": suggested}
    res["series"] = series

    # Forecast on d, plus the next period's index.
    nxt = last + 1
    ix_next = idx[season_of(period_of[nxt], grain, fys)]
    t_next = nxt - ws
    if trend["direction"] in ("up", "down"):
        centre_d = trend["sen_intercept"] + trend["sen_slope"] * t_next
    else:
        centre_d = latest_seg["cl"]
    centre = centre_d + ix_next
    mrb = latest_seg["mr_bar"]
    res["forecast"] = {"period": period_of[nxt].isoformat(), "value": clamp(centre, lo, hi),
                       "low": clamp(centre - 2.66 * mrb, lo, hi), "high": clamp(centre + 2.66 * mrb, lo, hi)}

    # Suggested targets for the next period: the latest segment's d values + its index.
    s0 = bounds[-1]
    basis = np.array([d_of(o) for o in wobs if o[0] >= s0])
    baseline = float(np.mean(basis)) + ix_next
    lower = kdir == "lower"
    better = min if lower else max
    realistic = float(np.quantile(basis, 0.25 if lower else 0.75)) + ix_next
    if trend["assessment"] == "improving":
        realistic = better(realistic, res["forecast"]["value"])
    stretch = better(float(np.quantile(basis, 0.10 if lower else 0.90)) + ix_next, realistic)
    targets = {"baseline": baseline, "median": float(np.median(basis)) + ix_next,
               "conservative": clamp(baseline, lo, hi), "realistic": clamp(realistic, lo, hi),
               "stretch": clamp(stretch, lo, hi)}
    # Realism (§6, §9) from the latest target, the seasonal assurance and the hit rate.
    met = [(by_period[p][0] <= by_period[p][1]) if lower else (by_period[p][0] >= by_period[p][1])
           for o, p, _ in wobs if by_period[p][1] is not None]
    for o, p, _ in wobs:
        if by_period[p][1] is not None:
            check_margin("met", by_period[p][0], by_period[p][1], allow_equal=True)
    hit_rate = sum(met) / len(met) if met else None
    if target is None:
        realism = "none"
    elif assurance == "fail":
        realism = "unrealistic"
    elif assurance == "pass" or (len(met) >= 6 and hit_rate == 1.0):
        realism = "too_easy"
    elif hit_rate is not None and hit_rate < 0.5:
        realism = "stretching"
    else:
        realism = "achievable"
    targets["realism"] = realism
    res["targets"] = targets
    return res


# ---------------------------------------------------------------- the cases

def months(start, n):
    return [shift(start, i, "month") for i in range(n)]


def gen(rng, periods, grain, fys, base, slope, profile, sd, digits, lo=None):
    """Values: base + slope·i + profile[season] + noise, rounded like an export."""
    out = []
    for i, p in enumerate(periods):
        v = base + slope * i + profile[season_of(p, grain, fys) - 1] + float(rng.normal(0, sd))
        if lo is not None:
            v = max(v, lo)
        out.append(round(v, digits))
    return out


DEC_PEAK = [-70, -90, -30, -10, 0, 10, -20, -30, 0, 20, 90, 260]
SUMMER = [-60, -50, -20, 10, 40, 80, 110, 90, 30, -20, -50, -70]
WINTER = [90, 70, 30, 0, -30, -60, -80, -70, -30, 10, 50, 80]


def case_monthly():
    rng = np.random.default_rng(101)
    ps = months(date(2022, 11, 1), 50)  # 2022-11 … 2026-12; the last two are after as-of
    store = gen(rng, ps, "month", 1, 1000, 4, DEC_PEAK, 15, 1)
    store[ps.index(date(2026, 3, 1))] -= 110  # a real dip inside the season's swing
    budget = {p: 1000 + 4 * i + DEC_PEAK[p.month - 1] * 0.9 for i, p in enumerate(ps)}
    online = gen(rng, ps, "month", 1, 600, 2.5, [v * 0.7 for v in DEC_PEAK], 12, 1)
    gifts = gen(rng, ps, "month", 1, 200, 0, [v * 0.5 for v in DEC_PEAK], 10, 1)
    return {
        "about": "Monthly, December peak, 48 months up to as-of plus two months after it "
                 "(ignored). Store revenue: seasonal = true, rising, a real dip in 2026-03, a "
                 "seasonal budget as target. Online revenue: seasonal = \"auto\" on a seasonal "
                 "series (adjusted). Gift cards: seasonal left at the default false on a "
                 "seasonal series (not adjusted; info finding seasonal_pattern).",
        "grain": "month", "fys": 1, "args": ["--as-of", "2026-10-31"], "report": {},
        "kpis": {
            "Store revenue": ({"direction": "higher", "unit": "USD", "seasonal": True},
                              list(zip(ps, store, [round(budget[p], 0) for p in ps]))),
            "Online revenue": ({"direction": "higher", "seasonal": "auto"},
                               list(zip(ps, online, [None] * len(ps)))),
            "Gift cards": ({"direction": "higher"}, list(zip(ps, gifts, [None] * len(ps)))),
        },
    }


def quarter_starts(first, n):
    return [shift(first, i, "quarter") for i in range(n)]


def case_quarterly_fy7():
    rng = np.random.default_rng(202)
    ps = quarter_starts(date(2019, 7, 1), 28)  # FY2020 Q1 … FY2026 Q4 (2026-04)
    vals = gen(rng, ps, "quarter", 7, 800, 3, [120, 20, -40, -100], 20, 0)
    return {
        "about": "Quarterly, fiscal_year_start = 7 (--fiscal-year-start 7): season 1 is "
                 "Jul–Sep and is labelled Q1. 28 quarters, window 24, seasonal = true.",
        "grain": "quarter", "fys": 7,
        "args": ["--as-of", "2026-06-30", "--fiscal-year-start", "7"], "report": {},
        "kpis": {"Enrolments": ({"direction": "higher", "seasonal": True},
                                [(p, v, 850.0) for p, v in zip(ps, vals)])},
    }


def case_quarterly_fy2():
    rng = np.random.default_rng(203)
    ps = quarter_starts(date(2019, 2, 1), 28)  # quarters Feb–Apr, May–Jul, Aug–Oct, Nov–Jan
    vals = gen(rng, ps, "quarter", 2, 1000, -2, [100, -150, -250, 300], 25, 0)
    return {
        "about": "Quarterly with [report] fiscal_year_start = 2: quarters start Feb, May, Aug, "
                 "Nov, so the Nov–Jan quarter (crossing the calendar year) is season 4. "
                 "Lower-is-better, seasonal = \"auto\".",
        "grain": "quarter", "fys": 2, "args": [],
        "report": {"as_of": "2026-01-31", "fiscal_year_start": 2},
        "kpis": {"Heating cost": ({"direction": "lower", "seasonal": "auto", "lower_bound": 0.0},
                                  [(p, v, 950.0) for p, v in zip(ps, vals)])},
    }


def case_daily():
    rng = np.random.default_rng(303)
    ps = [date(2026, 8, 3) + timedelta(days=i) for i in range(70)]  # Mon 2026-08-03 … Sun 2026-10-11
    wait = gen(rng, ps, "day", 1, 12.5, -0.02, [5, 2, 0, 0, 1, -4, -5], 1.0, 1, lo=0)
    closed = gen(rng, ps, "day", 1, 80, 0.1, [15, 10, 5, 5, 0, -20, -25], 4, 0)
    return {
        "about": "Daily, 10 weeks, ISO-weekday seasons (Mon = 1). [report] seasonal = true "
                 "and --window 42. Wait time: lower-is-better with a Monday peak, adjusted. "
                 "Tickets closed: its own seasonal = false overrides the report (not adjusted, "
                 "seasonal_pattern info).",
        "grain": "day", "fys": 1, "args": ["--window", "42", "--as-of", "2026-10-11"],
        "report": {"seasonal": True},
        "kpis": {
            "Wait time": ({"direction": "lower", "lower_bound": 0.0}, [(p, v, 11.0) for p, v in zip(ps, wait)]),
            "Tickets closed": ({"direction": "higher", "seasonal": False},
                               [(p, v, None) for p, v in zip(ps, closed)]),
        },
    }


def case_few_cycles():
    rng = np.random.default_rng(404)
    ps = months(date(2024, 5, 1), 30)
    vals = gen(rng, ps, "month", 1, 500, 1, [v * 0.5 for v in DEC_PEAK], 10, 1)
    return {
        "about": "Monthly, 30 months (< 3 cycles), seasonal = true: not adjusted, warning "
                 "too_few_points_for_seasonality; seasonality has length and n, the rest null.",
        "grain": "month", "fys": 1, "args": ["--as-of", "2026-10-31"], "report": {},
        "kpis": {"Bookings": ({"direction": "higher", "seasonal": True}, [(p, v, None) for p, v in zip(ps, vals)])},
    }


def case_one_obs_season():
    rng = np.random.default_rng(505)
    ps = months(date(2023, 7, 1), 40)
    vals = gen(rng, ps, "month", 1, 300, 0.5, [v * 0.4 for v in SUMMER], 8, 1)
    rows = [(p, v, None) for p, v in zip(ps, vals) if p not in (date(2024, 3, 1), date(2025, 3, 1))]
    return {
        "about": "Monthly, 38 observations (≥ 36) but March appears once (2024-03 and 2025-03 "
                 "missing): seasonality null apart from length and n; seasonal = true gives "
                 "too_few_points_for_seasonality.",
        "grain": "month", "fys": 1, "args": ["--as-of", "2026-10-31"], "report": {},
        "kpis": {"Footfall": ({"direction": "higher", "seasonal": True}, rows)},
    }


def case_ties():
    rng = np.random.default_rng(606)
    ps = months(date(2023, 11, 1), 36)
    prof = [v / 1000 for v in WINTER]
    vals = gen(rng, ps, "month", 1, 0.3, 0, prof, 0.02, 2, lo=0)
    pos = {p: i for i, p in enumerate(ps)}
    # Repeated values inside one season.
    vals[pos[date(2025, 4, 1)]] = vals[pos[date(2026, 4, 1)]] = vals[pos[date(2024, 4, 1)]]
    vals[pos[date(2025, 9, 1)]] = vals[pos[date(2026, 9, 1)]]
    # Spreadsheet arithmetic: 0.3 − 0.1 and 0.5 − 0.3 tie only after 12-digit rounding, as do
    # 0.1 + 0.2 and 0.3.
    vals[pos[date(2025, 7, 1)]] = 0.3 - 0.1  # 0.19999999999999998
    vals[pos[date(2026, 7, 1)]] = 0.5 - 0.3  # 0.2
    vals[pos[date(2025, 8, 1)]] = 0.3
    vals[pos[date(2026, 8, 1)]] = 0.1 + 0.2  # 0.30000000000000004
    return {
        "about": "Monthly rate with two-decimal values (many ties within seasons), equal "
                 "values repeated in April and September, and 0.3−0.1 / 0.5−0.3 (July), "
                 "0.3 / 0.1+0.2 (August) that tie only after the §9 12-digit rounding. "
                 "Lower-is-better, bounds [0, 1], seasonal = true.",
        "grain": "month", "fys": 1, "args": ["--as-of", "2026-10-31"], "report": {},
        "kpis": {"Defect rate": ({"direction": "lower", "lower_bound": 0.0, "upper_bound": 1.0, "seasonal": True},
                                 [(p, v, 0.35) for p, v in zip(ps, vals)])},
    }


def case_gaps():
    rng = np.random.default_rng(707)
    ps = months(date(2022, 11, 1), 48)
    vals = gen(rng, ps, "month", 1, 400, 1.5, [v * 0.8 for v in WINTER], 9, 0)
    missing = {date(2023, 4, 1), date(2024, 1, 1), date(2024, 12, 1), date(2025, 6, 1),
               date(2025, 7, 1), date(2026, 2, 1)}
    rows = [(p, v, 420.0) for p, v in zip(ps, vals) if p not in missing]
    return {
        "about": "Monthly with six missing months (three inside the window, two of them "
                 "consecutive): t keeps the time spacing, moving ranges skip the gaps. "
                 "Lower-is-better, seasonal = true.",
        "grain": "month", "fys": 1, "args": ["--as-of", "2026-10-31"], "report": {},
        "kpis": {"Admissions": ({"direction": "lower", "seasonal": True}, rows)},
    }


def case_rebase():
    rng = np.random.default_rng(808)
    ps = months(date(2022, 11, 1), 48)
    vals = gen(rng, ps, "month", 1, 250, 0.5, [v * 0.6 for v in SUMMER], 7, 1)
    vals = [v + (60 if p >= date(2025, 11, 1) else 0) for p, v in zip(ps, vals)]
    vals = [round(v, 1) for v in vals]
    return {
        "about": "Monthly with a step up at 2025-11 and rebase = [\"2025-11\"], seasonal = true: "
                 "two segments on the d scale, the basis of the targets is the latest.",
        "grain": "month", "fys": 1, "args": ["--as-of", "2026-10-31"], "report": {},
        "kpis": {"Conversions": ({"direction": "higher", "seasonal": True, "rebase": ["2025-11"]},
                                 [(p, v, 300.0) for p, v in zip(ps, vals)])},
    }


def case_bounds():
    rng = np.random.default_rng(909)
    ps = months(date(2022, 11, 1), 48)
    prof = [-48, -48, -30, 0, 50, 110, 150, 130, 50, -10, -48, -48]
    vals = gen(rng, ps, "month", 1, 50, 0.3, prof, 8, 0, lo=0)
    return {
        "about": "Monthly sales with a deep winter trough near zero and lower_bound = 0, "
                 "seasonal = true: the seasonal lower limits of the winter months, the forecast "
                 "low for November and the November suggestions clamp to 0; the d-scale "
                 "segment limits are not clamped.",
        "grain": "month", "fys": 1, "args": ["--as-of", "2026-10-31"], "report": {},
        "kpis": {"Ice cream sales": ({"direction": "higher", "lower_bound": 0.0, "seasonal": True},
                                     [(p, v, 30.0) for p, v in zip(ps, vals)])},
    }


def case_auto_flat():
    rng = np.random.default_rng(1010)
    ps = months(date(2022, 11, 1), 48)
    vals = gen(rng, ps, "month", 1, 500, 0.4, [0] * 12, 20, 0)
    return {
        "about": "seasonal = \"auto\" on series without a seasonal pattern: Support tickets "
                 "(noise around a mild trend: kw_p ≥ 0.01, seasonal false, not adjusted) and "
                 "Fixed fee (the integer 5 every month: every residual is 0, so kw_h and kw_p "
                 "are null, seasonal false, indices all 0).",
        "grain": "month", "fys": 1, "args": ["--as-of", "2026-10-31"], "report": {"seasonal": "auto"},
        "kpis": {
            "Support tickets": ({"direction": "lower"}, [(p, v, None) for p, v in zip(ps, vals)]),
            "Fixed fee": ({"direction": "higher"}, [(p, 5.0, None) for p in ps]),
        },
    }


def case_window12():
    rng = np.random.default_rng(1111)
    ps = months(date(2022, 11, 1), 48)
    vals = gen(rng, ps, "month", 1, 700, 2, [v * 0.8 for v in DEC_PEAK], 12, 1)
    return {
        "about": "--window 12 on monthly data with seasonal = true: no season has two "
                 "observations in the window, so S = 0, var(S) = 0, z = 0, p = 1, tau null, "
                 "sen_slope and sen_intercept null, direction flat; detection still uses all "
                 "48 months.",
        "grain": "month", "fys": 1, "args": ["--as-of", "2026-10-31", "--window", "12"], "report": {},
        "kpis": {"Orders": ({"direction": "higher", "seasonal": True}, [(p, v, 760.0) for p, v in zip(ps, vals)])},
    }


CASES = {
    "monthly": case_monthly,
    "quarterly_fy7": case_quarterly_fy7,
    "quarterly_fy2": case_quarterly_fy2,
    "daily": case_daily,
    "few_cycles": case_few_cycles,
    "one_obs_season": case_one_obs_season,
    "ties": case_ties,
    "gaps": case_gaps,
    "rebase": case_rebase,
    "bounds": case_bounds,
    "auto_flat": case_auto_flat,
    "window12": case_window12,
}


def toml_value(v):
    return json.dumps(v)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    expected, readme = {}, []
    for case, build in CASES.items():
        c = build()
        folder = OUT / case
        folder.mkdir(exist_ok=True)
        lines = ["date,kpi,value,target"]
        toml = ["# Written by scripts/seasonal_fixtures.py (methods.md §10); see ../README.md.",
                "[report]"]
        toml += [f"{k} = {toml_value(v)}" for k, v in c["report"].items()]
        toml.append("")
        # as-of: from --as-of in args, else [report] as_of.
        args = c["args"]
        as_of = args[args.index("--as-of") + 1] if "--as-of" in args else c["report"]["as_of"]
        report = dict(c["report"])
        if "--window" in args:
            report["window"] = int(args[args.index("--window") + 1])
        fys = c["fys"]
        kpis = {}
        for name, (kcfg, rows) in c["kpis"].items():
            for p, v, tg in rows:
                lines.append(f"{p.isoformat()},{name},{v!r},{'' if tg is None else repr(float(tg))}")
            toml.append("[[kpi]]")
            toml.append(f"name = {toml_value(name)}")
            toml += [f"{k} = {toml_value(v)}" for k, v in kcfg.items()]
            toml.append("")
            kpis[name] = analyse(case, name, kcfg, report, c["grain"], fys,
                                 date.fromisoformat(as_of), rows)
        (folder / "data.csv").write_text("\n".join(lines) + "\n")
        (folder / "kpis.toml").write_text("\n".join(toml))
        expected[case] = {"about": c["about"], "args": args, "csv": f"seasonal/{case}/data.csv",
                          "config": f"seasonal/{case}/kpis.toml", "kpis": kpis}
        readme.append((case, c["about"]))
        for name, k in kpis.items():
            s = k["seasonality"]
            line = f"{case:15} {name:16} n={s['n']:3} kw_p={s['kw_p']!s:24.24} seasonal={s['seasonal']!s:5} adjusted={s['adjusted']!s:5}"
            if "trend" in k:
                line += (f" S={k['trend']['mk_s']} dir={k['trend']['direction']} "
                         f"variation={k['spc']['variation']} assurance={k['spc']['assurance']} "
                         f"signals={len(k['spc']['signals'])} realism={k['targets']['realism']}")
            print(line)
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    if SPEC_VS_LIBRARY:
        print("\nWhere the spec and pymannkendall differ (the spec is used):")
        for s in SPEC_VS_LIBRARY:
            print(" -", s)
    return readme


if __name__ == "__main__":
    main()
