#!/usr/bin/env python3
"""Expected lead-lag statistics for kpilens' tests (methods.md §7), from scipy and
statsmodels. Run by developers only; writes tests/fixtures/stats/leadlag_cases.json.

    pip install numpy scipy statsmodels
    python3 scripts/leadlag_fixtures.py

Each case has two monthly series (lead, lag; None = missing) from 2020-01 and, per lag
k = 0..max_lag, the Pearson r and n over pairs (d_lead[t], d_lag[t+k]) of first
differences (transform 'diff'), or of levels ('none'); then the best lag, its p
(scipy.stats.pearsonr), Spearman (scipy.stats.spearmanr) and the Bonferroni-adjusted p.
Ties (methods.md §9): Spearman ranks the pairs' values rounded to 12 significant digits
(round12), so first differences such as 0.3 − 0.1 and 0.5 − 0.3 tie; Pearson r, its p and
the choice of lag use the values unrounded.
"""
import json
from pathlib import Path

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "stats"
rng = np.random.default_rng(11)


def round12(x):
    """x rounded to 12 significant digits: the value ties are decided on (methods.md §9,
    "Ties"; Rust `format!("{:.11e}", x).parse::<f64>()`). 0.3 − 0.1 and 0.5 − 0.3 tie."""
    return float(f"{x:.11e}")


def diff(x):
    return [None if (a is None or b is None) else b - a for a, b in zip([None] + x[:-1], x)]


def expected(lead, lag, transform, max_lag, min_pairs):
    a = diff(lead) if transform == "diff" else lead
    b = diff(lag) if transform == "diff" else lag
    by_lag, best = [], None
    for k in range(max_lag + 1):
        xs, ys = [], []
        for t in range(len(a)):
            if t + k < len(b) and a[t] is not None and b[t + k] is not None:
                xs.append(a[t]); ys.append(b[t + k])
        r = None
        if len(xs) >= min_pairs and np.std(xs) > 0 and np.std(ys) > 0:
            r = float(stats.pearsonr(xs, ys)[0])
        by_lag.append({"lag": k, "r": r, "n": len(xs)})
        if r is not None and (best is None or abs(r) > abs(best[1])):
            best = (k, r, xs, ys)
    out = {"r_by_lag": by_lag}
    if best:
        k, r, xs, ys = best
        L = sum(1 for e in by_lag if e["r"] is not None)
        p = float(stats.pearsonr(xs, ys)[1])
        out.update(best_lag=k, r=r, n=len(xs), p=p, p_lag_adj=min(1.0, p * L),
                   spearman=float(stats.spearmanr([round12(v) for v in xs], [round12(v) for v in ys])[0]))
    return out


def rounded(v):
    return [None if x is None else round(float(x), 4) for x in v]


def main():
    cases = {}
    # A planted lag-3 relationship between changes.
    n = 60
    d_lead = rng.normal(0, 1, n)
    lead = np.cumsum(d_lead) + 50
    d_lag = np.zeros(n)
    d_lag[3:] = 0.9 * d_lead[:-3]
    d_lag += rng.normal(0, 0.4, n)
    lag = np.cumsum(d_lag) + 100
    cases["planted_lag3"] = (rounded(lead), rounded(lag), "diff", 6, 8)
    # Two trending series with unrelated changes: spurious in levels, not in changes.
    t = np.arange(48)
    a = 10 + 0.5 * t + rng.normal(0, 1, 48)
    b = 200 + 2.0 * t + rng.normal(0, 4, 48)
    cases["trending_diff"] = (rounded(a), rounded(b), "diff", 6, 8)
    cases["trending_none"] = (rounded(a), rounded(b), "none", 6, 8)
    # Gaps and ties.
    g1 = [1, 2, 2, 3, None, 5, 5, 6, 8, 8, 9, 11, 12, 12, 14, 15, None, 17, 18, 20]
    g2 = [5, 5, 6, 8, 8, 9, 11, None, 12, 14, 15, 15, 17, 18, 20, 20, 21, 23, 24, 24]
    cases["gaps_ties"] = (g1, g2, "diff", 4, 8)
    # methods.md §9 ties: one-decimal levels whose first differences are the same decimal
    # but different floats, as 0.3 − 0.1 and 0.5 − 0.3 are (here 2.2 − 2.0 =
    # 0.20000000000000018, 2.4 − 2.2 = 0.19999999999999973). The lag KPI follows the lead's
    # changes a month later. Ranking the unrounded differences gives Spearman ≈ 0.686 at
    # the best lag (1); ranking them rounded to 12 digits, ≈ 0.808. r is the same either way.
    s1 = [2.2, 2.0, 2.2, 2.4, 2.5, 2.7, 2.8, 2.7, 2.9, 3.1, 3.0, 3.2, 3.4, 3.5, 3.8, 3.9, 4.1,
          4.4, 4.6, 4.8, 5.0, 4.9, 4.8, 5.0, 4.9, 5.1, 4.9, 4.8, 4.6, 4.5]
    s2 = [3.9, 4.2, 4.0, 4.2, 4.5, 4.7, 4.8, 5.0, 5.0, 5.3, 5.4, 5.4, 5.5, 5.7, 5.8, 6.0, 6.1,
          6.3, 6.5, 6.8, 7.0, 7.2, 7.2, 7.1, 7.3, 7.1, 7.3, 7.1, 7.0, 6.9]
    cases["spearman_ties_after_12_digit_rounding"] = (s1, s2, "diff", 3, 8)
    out = {}
    for name, (x, y, tr, ml, mp) in cases.items():
        out[name] = {"lead": x, "lag": y, "transform": tr, "max_lag": ml, "min_pairs": mp, **expected(list(x), list(y), tr, ml, mp)}
    p = [0.01, 0.04, 0.03, 0.005, 0.2]
    out["bh"] = {"p": p, "q": [float(q) for q in multipletests(p, method="fdr_bh")[1]]}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "leadlag_cases.json").write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", OUT / "leadlag_cases.json")
    for name in cases:
        print(name, out[name].get("best_lag"), out[name].get("r"), out[name].get("p"))


if __name__ == "__main__":
    main()
