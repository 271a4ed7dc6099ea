#!/usr/bin/env python3
"""Expected means for `model::kpi::mean` (tests/fixtures/stats/decimal_means.txt).

Each line is a list of values as an export writes them (decimals of up to six places,
written in Python's shortest repr, which is also Rust's), then " | " and their mean
computed independently: the exact rational mean of the decimals as written
(fractions.Fraction of each repr), rounded once to the nearest double. Every kind of
input `mean` meets is drawn: equal values, 2 to 40 values, 0 to 6 places, negatives,
magnitudes from units to millions; then 100 lists of 40 to 120 values of up to a
billion with four to six places, most of them positive, whose scaled sum passes 2^53 (where `mean`
cannot divide two exact doubles and reads the quotient's digits instead).

    python3 scripts/mean_fixtures.py > tests/fixtures/stats/decimal_means.txt
"""
import random
from fractions import Fraction

random.seed(20261207)
for _ in range(500):
    n = random.randint(2, 40)
    places = random.randint(0, 6)
    if random.random() < 0.05:
        values = [float(Fraction(random.randint(-10**6, 10**6), 10**places))] * n
    else:
        values = [float(Fraction(random.randint(-10**random.randint(1, 9), 10**random.randint(1, 9)), 10**places))
                  for _ in range(n)]
    mean = sum(Fraction(repr(v)) for v in values) / n
    print(" ".join(repr(v) for v in values) + " | " + repr(float(mean)))
for _ in range(100):
    n = random.randint(40, 120)
    places = random.randint(4, 6)
    values = [float(Fraction(random.choice([1] * 9 + [-1]) * random.randint(2 * 10**14, 10**15 - 1), 10**places))
              for _ in range(n)]
    mean = sum(Fraction(repr(v)) for v in values) / n
    print(" ".join(repr(v) for v in values) + " | " + repr(float(mean)))
