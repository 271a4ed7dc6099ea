#!/usr/bin/env python3
"""Generate kpilens' bundled sample data: a fictional company's KPI exports.

Run by developers only (the files it writes are committed):

    pip install openpyxl numpy
    python3 scripts/make_sample_data.py

Writes sample-data/acme-kpis.xlsx (periods-across management pack with a title row,
a KPIs definitions sheet and a Targets sheet), sample-data/ops-weekly.csv (long
layout, weekly) and sample-data/kpis.toml. The numbers behave like real KPIs and
carry planted behaviours the analysis must find (see sample-data/README.md).
"""
import datetime as dt
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).resolve().parent.parent / "sample-data"
rng = np.random.default_rng(20261105)

MONTHS = [dt.date(2023 + (m // 12), m % 12 + 1, 1) for m in range(46)]  # Jan 2023 .. Oct 2026
N = len(MONTHS)
t = np.arange(N)
month_of_year = np.array([d.month for d in MONTHS])


def ar1(n, phi, sd):
    """Autocorrelated noise."""
    e = rng.normal(0, sd, n)
    x = np.zeros(n)
    for i in range(n):
        x[i] = (phi * x[i - 1] if i else 0) + e[i]
    return x


# Leading indicator: qualified leads; revenue's changes follow the leads' changes two
# months later.
leads = 820 + 4.0 * t + 60 * np.sin(2 * np.pi * month_of_year / 12) + rng.normal(0, 45, N)
leads = np.round(leads)
season = np.where(month_of_year == 12, 0.18, 0.0) + 0.05 * np.sin(2 * np.pi * (month_of_year - 3) / 12)
revenue = np.zeros(N)
for i in range(N):
    lagged = leads[i - 2] if i >= 2 else leads[0]
    revenue[i] = 1_050_000 + 9_000 * t[i] + 850 * (lagged - 820) + 1_050_000 * season[i] + rng.normal(0, 18_000)
revenue = np.round(revenue, -2)

pipeline = np.round(3.1 * 1e6 + 35_000 * t + 1800 * (leads - 820) + rng.normal(0, 90_000, N), -3)
margin = np.round(0.338 + 0.0004 * t + ar1(N, 0.4, 0.006), 4)
opcost = np.round(610_000 + 2_500 * t + 40_000 * season + rng.normal(0, 12_000, N), -2)
csat = np.round(4.05 + 0.004 * t + rng.normal(0, 0.06, N), 2)
nps = np.round(34 + 0.12 * t + rng.normal(0, 2.5, N))
churn = np.round(np.clip(0.024 - 0.00008 * t + ar1(N, 0.3, 0.0015), 0.01, None), 4)
otd = np.round(rng.uniform(0.951, 0.989, N), 3)          # always above its 90% target
fpy = np.round(rng.uniform(0.902, 0.938, N), 3)          # never reaches its 99% target
shift_at = MONTHS.index(dt.date(2025, 6, 1))
defects = np.where(t < shift_at, 7.8, 4.6) + rng.normal(0, 0.55, N)   # process change 2025-06
defects = np.round(np.clip(defects, 0.5, None), 2)
inventory = np.round(38 + 4 * np.sin(2 * np.pi * month_of_year / 12) + rng.normal(0, 2.2, N), 1)
engagement = np.round(71 + 0.1 * t + rng.normal(0, 1.2, N), 1)
training = np.round(2.7 + 0.4 * np.sin(2 * np.pi * month_of_year / 6) + rng.normal(0, 0.25, N), 2)
incidents = np.round(np.clip(3 + rng.poisson(2.0, N) - (t > 30) * 1, 0, None))

# (name, perspective, owner, unit, direction, aggregation, description, values, fmt)
KPIS = [
    ("Revenue", "Financial", "Finance", "USD", "higher", "sum", "Invoiced revenue in the month", revenue, "#,##0"),
    ("Gross margin %", "Financial", "Finance", "%", "higher", "mean", "Gross margin as a share of revenue", margin, "0.0%"),
    ("Operating cost", "Financial", "Finance", "USD", "lower", "sum", "Operating expenses excluding COGS", opcost, "#,##0"),
    ("Pipeline value", "Financial", "Sales", "USD", "higher", "last", "Open opportunities at month end", pipeline, "#,##0"),
    ("Customer satisfaction", "Customer", "Customer Success", "score", "higher", "mean", "CSAT, 1-5 scale", csat, "0.00"),
    ("Net promoter score", "Customer", "Customer Success", "points", "higher", "mean", "NPS from the monthly survey", nps, "0"),
    ("Churn rate %", "Customer", "Customer Success", "%", "lower", "mean", "Customers lost in the month / customers at start", churn, "0.00%"),
    ("Qualified leads", "Customer", "Sales", "count", "higher", "sum", "Marketing-qualified leads accepted by sales", leads, "#,##0"),
    ("On-time delivery %", "Internal process", "Operations", "%", "higher", "mean", "Orders delivered by the promised date", otd, "0.0%"),
    ("First-pass yield %", "Internal process", "Quality", "%", "higher", "mean", "Units passing inspection first time", fpy, "0.0%"),
    ("Defects per 1,000 units", "Internal process", "Quality", "per 1,000", "lower", "mean", "Customer-reported defects", defects, "0.00"),
    ("Inventory days", "Internal process", "Operations", "days", "range", "mean", "Days of inventory on hand", inventory, "0.0"),
    ("Safety incidents", "Internal process", "Operations", "count", "lower", "sum", "Recordable incidents", incidents, "0"),
    ("Employee engagement", "Learning & growth", "HR", "score", "higher", "mean", "Quarterly pulse survey (0-100)", engagement, "0.0"),
    ("Training hours per FTE", "Learning & growth", "HR", "hours", "higher", "mean", "Training hours per full-time employee", training, "0.00"),
]


def write_workbook():
    wb = Workbook()
    ws = wb.active
    ws.title = "Monthly KPIs"
    ws["A1"] = "ACME Components — KPI pack, exported 2026-11-05"
    ws["A1"].font = Font(bold=True, size=14)
    ws.cell(row=3, column=1, value="KPI").font = Font(bold=True)
    ws.cell(row=3, column=2, value="Unit").font = Font(bold=True)
    for j, d in enumerate(MONTHS):
        c = ws.cell(row=3, column=3 + j, value=dt.datetime(d.year, d.month, 1))
        c.number_format = "mmm-yy"
        c.font = Font(bold=True)
    for i, (name, _p, _o, unit, _d, _a, _desc, values, fmt) in enumerate(KPIS):
        r = 4 + i
        ws.cell(row=r, column=1, value=name)
        ws.cell(row=r, column=2, value=unit)
        for j, v in enumerate(values):
            if name == "Employee engagement" and MONTHS[j].month not in (3, 6, 9, 12):
                continue  # quarterly survey: other months blank
            if name == "Net promoter score" and MONTHS[j] in (dt.date(2024, 7, 1), dt.date(2024, 8, 1)):
                continue  # a gap: the survey was not run
            c = ws.cell(row=r, column=3 + j, value=float(v))
            c.number_format = fmt
        if name == "Customer satisfaction":
            ws.cell(row=r, column=3 + 5, value="n/a")
        if name == "Training hours per FTE":
            ws.cell(row=r, column=3 + 9, value="#N/A")
    notes = 4 + len(KPIS) + 1
    ws.cell(row=notes, column=1, value="Source: ERP + CRM extracts. Figures unaudited.")
    ws.column_dimensions["A"].width = 28

    defs = wb.create_sheet("KPIs")
    head = ["name", "perspective", "owner", "unit", "direction", "aggregation", "description"]
    defs.append(head)
    for name, p, o, unit, d, a, desc, _v, _f in KPIS:
        defs.append([name, p, o, unit, d, a, desc])

    tg = wb.create_sheet("Targets")
    tg.append(["kpi", "period", "target"])
    for d in MONTHS:
        if d < dt.date(2024, 1, 1):
            continue
        label = f"{d.year}-{d.month:02d}"
        rev_target = {2024: 1_300_000, 2025: 1_420_000, 2026: 1_560_000}[d.year]
        if d.month == 12:
            rev_target = round(rev_target * 1.2)
        tg.append(["Revenue", label, rev_target])
        tg.append(["Gross margin %", label, 0.35])
        tg.append(["On-time delivery %", label, 0.90])
        tg.append(["First-pass yield %", label, 0.99])
        tg.append(["Churn rate %", label, 0.02])
        tg.append(["Operating cost", label, 700_000])
    wb.save(OUT / "acme-kpis.xlsx")


def write_weekly():
    weeks = []
    d = dt.date(2024, 1, 1)
    while d <= dt.date(2026, 10, 26):
        weeks.append(d)
        d += dt.timedelta(days=7)
    n = len(weeks)
    tw = np.arange(n)
    resolved = np.round(455 + 0.3 * tw + ar1(n, 0.3, 18))
    aht = np.round(6.7 - 0.004 * tw + ar1(n, 0.4, 0.18), 2)
    backlog = 120 + ar1(n, 0.5, 9)
    backlog[-9:] += 30  # a run above the usual level in the last nine weeks
    backlog = np.round(backlog)
    scsat = np.round(4.32 + ar1(n, 0.2, 0.05), 2)
    lines = ["Date,Metric,Value,Target,Owner"]
    for i, wk in enumerate(weeks):
        val = f"{resolved[i]:.0f}"
        if i == 40:
            val = f'"{resolved[i] + 800:,.0f}"'  # a thousands separator, quoted
        lines.append(f"{wk.isoformat()},Tickets resolved,{val},450,Service Desk")
        lines.append(f"{wk.isoformat()},Average handle time (min),{'' if i == 77 else aht[i]},6.5,Service Desk")
        lines.append(f"{wk.isoformat()},Backlog,{backlog[i]:.0f},,Service Desk")
        lines.append(f"{wk.isoformat()},Support CSAT,{scsat[i]},4.3,Customer Success")
        if i == 100:  # a duplicated row with a slightly different value
            lines.append(f"{wk.isoformat()},Backlog,{backlog[i] + 4:.0f},,Service Desk")
    (OUT / "ops-weekly.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


CONFIG = '''# kpilens configuration for the ACME sample data (see sample-data/README.md).
[report]
title = "ACME Components — monthly KPI review"
window = 24
rules = "wheeler"
fiscal_year_start = 1
tolerance = 0.05

[email]
from = "kpi-reports@acme.example"
to = ["leadership@acme.example"]
subject = "ACME KPI review {as_of}"

[[kpi]]
name = "Revenue"
direction = "higher"
unit = "USD"
aggregation = "sum"
owner = "Finance"
lower_bound = 0
role = "lagging"
perspective = "Financial"

[[kpi]]
name = "Qualified leads"
direction = "higher"
aggregation = "sum"
owner = "Sales"
lower_bound = 0
role = "leading"
leads = ["Revenue"]
perspective = "Customer"
target = 900

[[kpi]]
name = "Gross margin %"
unit = "%"
lower_bound = 0
upper_bound = 1

[[kpi]]
name = "Operating cost"
direction = "lower"
lower_bound = 0

[[kpi]]
name = "Churn rate %"
direction = "lower"
unit = "%"
lower_bound = 0
upper_bound = 1

[[kpi]]
name = "On-time delivery %"
unit = "%"
lower_bound = 0
upper_bound = 1

[[kpi]]
name = "First-pass yield %"
unit = "%"
lower_bound = 0
upper_bound = 1

[[kpi]]
name = "Defects per 1,000 units"
direction = "lower"
lower_bound = 0
target = 5.0

[[kpi]]
name = "Inventory days"
direction = "range"
target_min = 30
target_max = 45
lower_bound = 0

[[kpi]]
name = "Customer satisfaction"
target = 4.2
lower_bound = 1
upper_bound = 5

[[kpi]]
name = "Net promoter score"
target = 40
lower_bound = -100
upper_bound = 100

[[kpi]]
name = "Training hours per FTE"
target = 3.0
lower_bound = 0

[[kpi]]
name = "Safety incidents"
direction = "lower"
target = 3
lower_bound = 0

[[kpi]]
name = "Average handle time (min)"
direction = "lower"
unit = "min"
lower_bound = 0
perspective = "Internal process"

[[kpi]]
name = "Tickets resolved"
aggregation = "sum"
unit = "count"
perspective = "Internal process"

[[kpi]]
name = "Backlog"
direction = "lower"
aggregation = "last"
unit = "count"
perspective = "Internal process"

[[kpi]]
name = "Support CSAT"
perspective = "Customer"
'''


def main():
    OUT.mkdir(exist_ok=True)
    write_workbook()
    write_weekly()
    (OUT / "kpis.toml").write_text(CONFIG, encoding="utf-8")
    # Check the planted behaviours.
    dl, dr = np.diff(leads), np.diff(revenue)
    print("lag-2 corr of changes:", round(np.corrcoef(dl[:-2], dr[2:])[0, 1], 3))
    print("lag-0 corr of changes:", round(np.corrcoef(dl, dr)[0, 1], 3))
    print("on-time min:", otd.min(), "first-pass max:", fpy.max())
    print("defects before/after shift:", defects[:shift_at].mean().round(2), defects[shift_at:].max())


if __name__ == "__main__":
    main()
