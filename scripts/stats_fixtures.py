#!/usr/bin/env python3
"""Expected trend statistics for kpilens' unit tests, from independent implementations.

    pip install numpy scipy pymannkendall
    python3 scripts/stats_fixtures.py

Writes tests/fixtures/stats/trend_cases.json. For each case: the inputs (t, y) and what
scipy.stats.linregress, scipy.stats.theilslopes(method='separate'),
pymannkendall.original_test and numpy.quantile / numpy.median give, with the rulings of
methods.md §3 applied on top (n < 6: every statistic null; all values equal: r2 null) and
the ties ruling of §9: Mann–Kendall (S, its tie groups, hence var_s, z, p, tau and the
direction) runs on the values rounded to 12 significant digits (round12); OLS, Theil–Sen
and the quantiles use the values unrounded.
The Rust tests (src/analysis/trend/tests.rs) read the file; neither Python nor this
script is needed to run `cargo test`.
"""
import json
from pathlib import Path

import numpy as np
import pymannkendall as mk
from scipy import stats

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "stats"
MIN_POINTS = 6
QUANTILES = {"q10": 0.10, "q25": 0.25, "q75": 0.75, "q90": 0.90}


def round12(x):
    """x rounded to 12 significant digits: the value ties are decided on (methods.md §9,
    "Ties"; Rust `format!("{:.11e}", x).parse::<f64>()`). 0.1 + 0.2 and 0.3 tie."""
    return float(f"{x:.11e}")


rng = np.random.default_rng(7)
CASES = {
    "noisy_increasing": (list(range(12)), [round(10 + 0.8 * i + float(e), 3) for i, e in enumerate(rng.normal(0, 1.5, 12))]),
    "ties": (list(range(10)), [3, 3, 4, 4, 4, 5, 5, 6, 6, 6]),
    "ties_unordered": (list(range(11)), [7, 5, 7, 6, 5, 7, 8, 6, 8, 8, 7]),
    "gaps_keep_spacing": ([0, 1, 2, 4, 5, 7, 8, 9], [5.1, 4.8, 5.5, 6.0, 5.7, 6.8, 6.4, 7.2]),
    "negative_decreasing": (list(range(9)), [-1.0, -1.4, -1.2, -2.5, -2.2, -3.1, -2.9, -3.8, -4.4]),
    "flat_noise": (list(range(14)), [round(float(x), 3) for x in rng.normal(50, 2, 14)]),
    "exactly_linear": (list(range(8)), [2.0 + 0.5 * i for i in range(8)]),
    "long_24": (list(range(24)), [round(100 + 2 * np.sin(i / 3) + 0.3 * i + float(e), 2) for i, e in enumerate(rng.normal(0, 1, 24))]),
    # Strictly monotone: |z| ≈ 6.8, where 1 − Φ(|z|) is dominated by the rounding of Φ.
    "monotone_24": (list(range(24)), [round(50 - 1.5 * i + 0.01 * i * i, 4) for i in range(24)]),
    "large_offset": (list(range(10)), [1e6 + v for v in [0.5, 0.7, 0.4, 0.9, 1.1, 0.8, 1.3, 1.2, 1.6, 1.5]]),
    "all_equal": (list(range(7)), [4.2] * 7),
    "only_five": ([0, 1, 3, 4, 5], [1.0, 2.0, 2.5, 3.5, 5.0]),
    # methods.md §9 ties: values typed as the same decimal that differ in the last bits as
    # floats (0.1 + 0.2 = 0.30000000000000004 vs 0.3). Unrounded, each of the six later
    # copies is "greater" than the six 0.3s: S = 35, p ≈ 0.041, up (while the OLS slope is
    # negative). Rounded to 12 digits they tie: S = −1, one tie group of 12, p = 1, flat.
    "mk_ties_after_12_digit_rounding": (
        list(range(14)),
        [0.9] + [0.3] * 6 + [0.1 + 0.2] * 6 + [0.4],
    ),
    # Sums of decimals, as a KPI computed from parts gives them: float round-off leaves
    # 0.8, 0.9, 1.2, 1.3 and 1.7 in two versions each. Unrounded S = 33, p ≈ 0.078, flat;
    # rounded S = 37 with larger tie groups, p ≈ 0.043, up.
    "mk_ties_of_decimal_sums": (
        list(range(14)),
        [0.8, 0.7 + 0.1, 0.9, 1.2, 0.6 + 0.3, 0.4 + 0.8, 1.3, 1.7, 0.6 + 0.7, 1.2,
         0.8 + 0.9, 0.9, 1.7, 0.2 + 0.7],
    ),
}

STATS = ["ols_slope", "ols_intercept", "r2", "ols_p", "sen_slope", "sen_intercept",
         "mk_s", "mk_var_s", "mk_z", "mk_p", "mk_tau", "direction"]


def trend(t, y):
    if len(y) < MIN_POINTS:
        return {k: None for k in STATS}
    t_a, y_a = np.array(t, float), np.array(y, float)
    lr = stats.linregress(t_a, y_a)
    ts = stats.theilslopes(y_a, t_a, method="separate")
    # Mann–Kendall compares values only, so running it on the rounded values gives exactly
    # S and the tie groups of methods.md §9.
    m = mk.original_test(np.array([round12(v) for v in y_a]))
    constant = bool(np.all(y_a == y_a[0]))
    # Rulings on top of scipy: all values equal → r2 null and p 1 (scipy: r2 0, p nan);
    # a perfect fit → p 0 (scipy's 1e-20 guard in 1 − r² leaves p ≈ 1e-60).
    p = 1.0 if constant else 0.0 if abs(lr.rvalue) == 1.0 else float(lr.pvalue)
    return {
        "ols_slope": 0.0 if constant else float(lr.slope),
        "ols_intercept": float(y_a[0]) if constant else float(lr.intercept),
        "r2": None if constant else float(lr.rvalue) ** 2,
        "ols_p": p,
        "sen_slope": float(ts.slope),
        "sen_intercept": float(ts.intercept),
        "mk_s": float(m.s),
        "mk_var_s": float(m.var_s),
        "mk_z": float(m.z),
        "mk_p": float(m.p),
        "mk_tau": float(m.Tau),
        "direction": {"increasing": "up", "decreasing": "down"}.get(m.trend, "flat"),
    }


def main():
    out = {}
    for name, (t, y) in CASES.items():
        y_a = np.array(y, float)
        case = {"t": t, "y": y, **trend(t, y)}
        case["median"] = float(np.median(y_a))
        for key, q in QUANTILES.items():
            case[key] = float(np.quantile(y_a, q))
        out[name] = case
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "trend_cases.json").write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", OUT / "trend_cases.json")


if __name__ == "__main__":
    main()
