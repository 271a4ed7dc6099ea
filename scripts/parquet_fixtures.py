#!/usr/bin/env python3
"""Parquet files with column types kpilens does not read, for tests/integration/parquet.rs:
a long table whose value column is a decimal (as warehouse and Spark exports write
money), and one whose date and KPI columns are categorical (a pandas `category` dtype).
Needs pyarrow.

    python3 scripts/parquet_fixtures.py tests/fixtures/parquet
"""
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
