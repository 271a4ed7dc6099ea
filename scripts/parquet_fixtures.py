#!/usr/bin/env python3
"""Parquet files with the column types warehouse, Spark and pandas exports use beyond
doubles and text, for tests/integration/parquet.rs. Needs pyarrow.

    python3 scripts/parquet_fixtures.py tests/fixtures/parquet

- decimal_value.parquet: a long table whose value column is decimal(18, 2) (money as
  a warehouse writes it).
- categorical.parquet: its date and KPI columns are categoricals of text (a pandas
  `category` dtype).
- spark_types.parquet: a Spark-style export: a date column, the KPI as a categorical,
  the value as decimal(38, 18) (19 to 38 digits, stored as fixed-length bytes).
  spark_types.expected.csv holds each value as Python's `float(Decimal(text))`, the
  double nearest to the decimal, written with `repr` (the shortest text that reads back
  as that double): the test compares kpilens's values with it.
- small_types.parquet: wide, a KPI per column: 16-bit, 8-bit unsigned and 8-bit
  integers and a decimal(9, 4) (stored as a 32-bit integer).
- refused_types.parquet: half-float and 256-bit decimal columns, which kpilens does not
  read (exit 4 naming them).
- repeated_text.parquet (7 KB): one 60 MB text, stored once in a dictionary page and
  named by five rows: 300 MB of cells, over the text budget (exit 4).
- inflating_pages.parquet (40 KB): five pages of 250 MB each once inflated, none over
  the 1 GiB a page may have but 1.25 GB together, over the file's budget (exit 4).
"""
import datetime as dt
import decimal
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
months = [f"2024-{m:02d}" for m in range(1, 13)]
pq.write_table(
    pa.table({
        "Month": months,
        "KPI": ["Revenue"] * 12,
        "Value": pa.array([decimal.Decimal(f"{100 + m}.25") for m in range(12)], pa.decimal128(18, 2)),
    }),
    out / "decimal_value.parquet",
)
pq.write_table(
    pa.table({
        "Month": pa.array(months).dictionary_encode(),
        "KPI": pa.array(["Revenue"] * 12).dictionary_encode(),
        "Value": [float(m) for m in range(12)],
    }),
    out / "categorical.parquet",
)

# Values with more digits than a double holds, both signs, and tiny magnitudes.
decimal.getcontext().prec = 60
texts = []
for m in range(12):
    whole = 1234567890 + 7919 * m
    fraction = f"{(m * 104729 + 1) * 1000000007 % 10**18:018d}"
    sign = "-" if m % 5 == 3 else ""
    texts.append(f"{sign}{whole}.{fraction}")
texts[10] = "0.000000000000000123"  # digits fewer than the scale
texts[11] = "-0.100000000000000006"
values = [decimal.Decimal(t) for t in texts]
days = [dt.date(2024, m, 1) for m in range(1, 13)]
pq.write_table(
    pa.table({
        "date": pa.array(days, pa.date32()),
        "kpi": pa.array(["Net revenue"] * 12).dictionary_encode(),
        "value": pa.array(values, pa.decimal128(38, 18)),
        "target": pa.array([1234567000 + 100 * m for m in range(12)], pa.int64()),
    }),
    out / "spark_types.parquet",
)
with open(out / "spark_types.expected.csv", "w") as f:
    f.write("date,value\n")
    for d, v in zip(days, values):
        f.write(f"{d.isoformat()},{float(v)!r}\n")
# Wide: one KPI per column, of each small type (decimal(9, 4) is stored as 32-bit).
pq.write_table(
    pa.table({
        "Month": months,
        "Net change": pa.array([-300 + 50 * m for m in range(12)], pa.int16()),
        "Agents": pa.array([200 + m for m in range(12)], pa.uint8()),
        "Fill": pa.array([-5 + m for m in range(12)], pa.int8()),
        "Margin": pa.array([decimal.Decimal(f"0.{1234 + m:04d}") for m in range(12)], pa.decimal128(9, 4)),
    }),
    out / "small_types.parquet",
)

import numpy as np  # pyarrow's half floats come from numpy
pq.write_table(
    pa.table({
        "Month": months,
        "KPI": ["Revenue"] * 12,
        "Value": pa.array(np.arange(12, dtype=np.float16)),
        "Target": pa.array([decimal.Decimal("110.5")] * 12, pa.decimal256(40, 2)),
    }),
    out / "refused_types.parquet",
)

# Hostile: text that inflates far beyond the file (zstd packs a repeated letter ~30,000:1).
five = ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"]
pq.write_table(
    pa.table({"date": five, "kpi": pa.array(["a" * 60_000_000] * 5, pa.large_string()), "value": [1.0, 2, 3, 4, 5]}),
    out / "repeated_text.parquet",
    compression="zstd",
)
pq.write_table(
    pa.table({"date": five, "kpi": pa.array(["b" * 250_000_000] * 5, pa.large_string()), "value": [1.0, 2, 3, 4, 5]}),
    out / "inflating_pages.parquet",
    compression="zstd",
    use_dictionary=False,
    row_group_size=1,
)
