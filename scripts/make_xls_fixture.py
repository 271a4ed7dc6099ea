#!/usr/bin/env python3
"""A small real .xls (BIFF8 in an OLE/CFB container), the seed of the xls robustness
tests: tests/integration/forged.rs reads it as it is, then forges its container's
chains (loops, sectors past the end) to check kpilens refuses them before calamine
follows them.

    pip install xlwt
    python3 scripts/make_xls_fixture.py

Writes tests/fixtures/xls/long.xls: a long-layout sheet (Date, KPI, Value) with two
KPIs over 24 months, and enough rows that the Workbook stream is over 4096 bytes, so it
lives in regular sectors (not the mini stream) like any real export.
"""
from datetime import date
from pathlib import Path

import xlwt

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "xls" / "long.xls"


def main():
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Data")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for c, h in enumerate(["Date", "KPI", "Value"]):
        ws.write(0, c, h)
    r = 1
    for kpi, base in [("Revenue", 100.0), ("Orders", 40.0)]:
        for i in range(24):
            ws.write(r, 0, date(2023 + (i // 12), i % 12 + 1, 1), dates)
            ws.write(r, 1, kpi)
            ws.write(r, 2, base + i)
            r += 1
    # Padding notes so the Workbook stream is well over 4096 bytes.
    for i in range(60):
        ws.write(r + 2 + i, 5, f"note {i}: " + "x" * 40)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(OUT))
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
