#!/usr/bin/env python3
"""Regenerate kpilens' bundled sample data (sample-data/).

For developers only; CI never runs this, the generated files are committed:

    pip install openpyxl numpy
    python3 scripts/make_sample_data.py

Writes, for the fictional company "ACME Components":

- sample-data/acme-kpis.xlsx  management-report export: sheet "Monthly KPIs" in the
  periods-across layout (title row, blank row, header of real month date cells, 14 KPI
  rows, a notes row below), a "KPIs" definitions sheet and a long "Targets" sheet;
- sample-data/ops-weekly.csv  long layout, weekly service-desk figures;
- sample-data/kpis.toml       the config for both.

The numbers come from fixed-seed generators and carry planted behaviours the analysis
must find (listed in sample-data/README.md). The script ends by checking those
behaviours numerically and fails loudly if a change to the generators breaks one.
The workbook is written byte-for-byte reproducibly (fixed document dates and zip entry
times), so re-running the script leaves git clean.
"""
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

OUT = Path(__file__).resolve().parent.parent / "sample-data"
SEED = 20261105
EXPORTED = dt.datetime(2026, 11, 5, 7, 30)

rng = np.random.default_rng(SEED)

# --------------------------------------------------------------------------- months
MONTHS = [dt.date(2023 + m // 12, m % 12 + 1, 1) for m in range(46)]  # Jan 2023 .. Oct 2026
N = len(MONTHS)
T = np.arange(N)
MOY = np.array([d.month for d in MONTHS])


def month_index(year, month):
    return MONTHS.index(dt.date(year, month, 1))


SHIFT_AT = month_index(2025, 6)  # Defects: process change (new moulding line) from 2025-06
TRAINING_PROGRAMME = month_index(2025, 9)  # Training: academy launched 2025-09 (config rebase)
NPS_GAP = (month_index(2025, 7), month_index(2025, 8))  # survey vendor change: no NPS
CSAT_NA = month_index(2025, 3)  # the CSAT cell that says "n/a"
TRAINING_ERR = month_index(2026, 2)  # an Excel #N/A error cell
QUARTER_END = (3, 6, 9, 12)  # Employee engagement survey months


def ar1(n, phi, sd):
    """AR(1) noise: autocorrelated like most operational series."""
    e = rng.normal(0.0, sd, n)
    x = np.empty(n)
    x[0] = e[0] / np.sqrt(1 - phi * phi)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    return x


# ---------------------------------------------------------------- monthly series
# Qualified leads (LEADING) and Revenue (LAGGING). Leads peak in October (autumn trade
# show) and dip in summer; every lead turns into revenue about two months later, so
# Revenue peaks in December and its month-to-month changes follow the leads' changes
# two months on. Leads are generated from Nov 2022 so Jan/Feb 2023 revenue has them.
LEAD_SEASON = {1: -15, 2: 5, 3: 35, 4: 20, 5: 10, 6: -15,
               7: -55, 8: -65, 9: 30, 10: 230, 11: 45, 12: -90}
t_l = np.arange(-2, N)
moy_l = np.array([(m - 2) % 12 + 1 for m in range(N + 2)])  # Nov 2022 first
leads_all = np.round(780 + 5.0 * t_l + np.array([LEAD_SEASON[m] for m in moy_l])
                     + rng.normal(0, 50, N + 2))
leads = leads_all[2:]
leads_2m_before = leads_all[:-2]
REV_OWN_SEASON = {1: -30_000, 2: -10_000, 3: 25_000, 4: 0, 5: 0, 6: 20_000,
                  7: -20_000, 8: -45_000, 9: 15_000, 10: 0, 11: 10_000, 12: 35_000}
revenue = np.round(190_000 + 4_000 * T + 1_150 * leads_2m_before
                   + np.array([REV_OWN_SEASON[m] for m in MOY])
                   + ar1(N, 0.3, 60_000), -2)

# Pipeline value: open opportunities at month end (snapshot), moves with leads.
pipeline = np.round(3_150_000 + 30_000 * T + 2_100 * (leads - 800) + ar1(N, 0.5, 80_000), -3)

# Gross margin % (fraction, percent format): slowly improving around the 35% target.
margin = np.round(0.336 + 0.00045 * T + ar1(N, 0.4, 0.0055), 4)

# Operating cost (lower is better): drifts up with volume, December bonus accruals.
opcost = np.round(612_000 + 2_300 * T + np.where(MOY == 12, 48_000, 0)
                  + ar1(N, 0.3, 11_000), -2)

# Customer satisfaction (1-5) and Net promoter score: improving slowly.
csat = np.round(np.clip(4.04 + 0.0045 * T + ar1(N, 0.3, 0.055), 1, 5), 2)
nps = np.round(32 + 0.2 * T + ar1(N, 0.3, 2.6))

# Churn rate % (lower is better): monthly churn ~2.5% falling towards the 2% target.
churn = np.round(np.clip(0.0255 - 0.00014 * T + ar1(N, 0.3, 0.0013), 0.005, None), 4)

# On-time delivery %: a capable process, ALWAYS above its 90% target (0.95-0.99).
otd = np.round(0.971 + np.clip(ar1(N, 0.2, 0.0075), -0.018, 0.017), 3)

# First-pass yield %: NEVER reaches its 99% target (0.90-0.94): the target lies
# far above the process's natural range, only a process change could meet it.
fpy = np.round(0.921 + np.clip(ar1(N, 0.2, 0.0065), -0.017, 0.017), 3)

# Defects per 1,000 units (lower is better): a sustained downward SHIFT from 2025-06
# (not declared as a rebase: the tool must discover it).
defects = np.where(T < SHIFT_AT, 7.7, 4.3) + np.clip(rng.normal(0, 0.42, N), -0.85, 0.85)
defects = np.round(defects, 2)

# Inventory days: a RANGE KPI (band 30-45), seasonal stock build before Q4.
INV_SEASON = {1: -2, 2: -3, 3: -2, 4: -1, 5: 0, 6: 1, 7: 2, 8: 4, 9: 5, 10: 4, 11: 1, 12: -3}
inventory = np.round(37.5 + np.array([INV_SEASON[m] for m in MOY]) + ar1(N, 0.4, 2.0), 1)

# Employee engagement (0-100): quarterly pulse survey, only Mar/Jun/Sep/Dec filled in.
engagement = np.round(68.5 + 0.12 * T + rng.normal(0, 1.0, N), 1)

# Training hours per FTE: ~2.6 h/month, level step to ~3.35 h when the training
# academy starts in 2025-09 (a known change: rebased in kpis.toml). Summer and
# December are quieter.
TRAIN_SEASON = {7: -0.3, 8: -0.35, 12: -0.25}
training = np.round(np.where(T < TRAINING_PROGRAMME, 2.6, 3.35)
                    + np.array([TRAIN_SEASON.get(m, 0.05) for m in MOY])
                    + rng.normal(0, 0.17, N), 1)

# (name, perspective, owner, unit, direction, aggregation, description, values, number format)
KPIS = [
    ("Revenue", "Financial", "Sales", "USD", "higher", "sum",
     "Invoiced revenue in the month (lagging: follows Qualified leads)", revenue, "#,##0"),
    ("Gross margin %", "Financial", "Finance", "%", "higher", "mean",
     "Gross margin as a share of revenue", margin, "0.0%"),
    ("Operating cost", "Financial", "Finance", "USD", "lower", "sum",
     "Operating expenses excluding cost of goods sold", opcost, "#,##0"),
    ("Customer satisfaction", "Customer", "Customer Success", "1-5", "higher", "mean",
     "CSAT: average post-delivery survey score, 1-5 scale", csat, "0.00"),
    ("Net promoter score", "Customer", "Customer Success", "points", "higher", "mean",
     "NPS from the monthly customer survey, -100 to 100", nps, "0"),
    ("Churn rate %", "Customer", "Customer Success", "%", "lower", "mean",
     "Customers lost in the month / customers at the start of the month", churn, "0.00%"),
    ("Qualified leads", "Customer", "Sales", "count", "higher", "sum",
     "Marketing-qualified leads accepted by sales (leading indicator of Revenue)", leads, "#,##0"),
    ("Pipeline value", "Customer", "Sales", "USD", "higher", "last",
     "Value of open sales opportunities at month end", pipeline, "#,##0"),
    ("On-time delivery %", "Internal process", "Operations", "%", "higher", "mean",
     "Order lines delivered by the promised date", otd, "0.0%"),
    ("First-pass yield %", "Internal process", "Quality", "%", "higher", "mean",
     "Units passing final inspection first time, without rework", fpy, "0.0%"),
    ("Defects per 1,000 units", "Internal process", "Quality", "per 1,000", "lower", "mean",
     "Customer-reported defects per 1,000 units shipped", defects, "0.00"),
    ("Inventory days", "Internal process", "Operations", "days", "range", "mean",
     "Days of inventory on hand at month end; keep within 30-45", inventory, "0.0"),
    ("Employee engagement", "Learning & growth", "HR", "0-100", "higher", "mean",
     "Engagement index from the quarterly pulse survey", engagement, "0.0"),
    ("Training hours per FTE", "Learning & growth", "HR", "hours", "higher", "mean",
     "Training hours per full-time employee in the month", training, "0.0"),
]
SERIES = {k[0]: k[7] for k in KPIS}


def monthly_cell(name, j):
    """The cell content for KPI `name` in month j: a float, None (blank) or text."""
    if name == "Employee engagement" and MONTHS[j].month not in QUARTER_END:
        return None
    if name == "Net promoter score" and j in NPS_GAP:
        return None
    if name == "Customer satisfaction" and j == CSAT_NA:
        return "n/a"
    if name == "Training hours per FTE" and j == TRAINING_ERR:
        return "#N/A"  # openpyxl stores a string equal to an Excel error code as an error cell
    return float(SERIES[name][j])


# ------------------------------------------------------------------------ targets
REVENUE_BUDGET = {2024: 15_300_000, 2025: 16_400_000, 2026: 17_500_000}  # per year
REVENUE_PHASING = {1: 0.079, 2: 0.077, 3: 0.083, 4: 0.081, 5: 0.081, 6: 0.083,
                   7: 0.079, 8: 0.076, 9: 0.080, 10: 0.083, 11: 0.089, 12: 0.109}
OPCOST_BUDGET = {2024: 660_000, 2025: 690_000, 2026: 715_000}  # per month


def target_rows():
    """Long Targets sheet rows: (kpi, "YYYY-MM", target), 2024-01 .. 2026-12."""
    rows = []
    for year in (2024, 2025, 2026):
        for month in range(1, 13):
            label = f"{year}-{month:02d}"
            rows.append(("Revenue", label,
                         round(REVENUE_BUDGET[year] * REVENUE_PHASING[month], -4)))
            rows.append(("Gross margin %", label, 0.35))
            rows.append(("Operating cost", label,
                         OPCOST_BUDGET[year] + (45_000 if month == 12 else 0)))
            rows.append(("Churn rate %", label, 0.02))
            rows.append(("On-time delivery %", label, 0.90))
            rows.append(("First-pass yield %", label, 0.99))
    return rows


# ----------------------------------------------------------------------- workbook
def write_workbook(path):
    wb = Workbook()
    wb.properties.creator = "ACME Components BI"
    wb.properties.title = "KPI pack"
    wb.properties.created = EXPORTED
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")

    ws = wb.active
    ws.title = "Monthly KPIs"
    ws["A1"] = "ACME Components — KPI pack, exported 2026-11-05"
    ws["A1"].font = Font(bold=True, size=14)
    for col, text in ((1, "KPI"), (2, "Unit")):
        c = ws.cell(row=3, column=col, value=text)
        c.font, c.fill = bold, head_fill
    for j, d in enumerate(MONTHS):
        c = ws.cell(row=3, column=3 + j, value=dt.datetime(d.year, d.month, 1))
        c.number_format = "mmm-yy"
        c.font, c.fill = bold, head_fill
        c.alignment = Alignment(horizontal="center")
        ws.column_dimensions[c.column_letter].width = 11
    for i, (name, _p, _o, unit, _d, _a, _desc, _v, fmt) in enumerate(KPIS):
        r = 4 + i
        ws.cell(row=r, column=1, value=name)
        ws.cell(row=r, column=2, value=unit)
        for j in range(N):
            v = monthly_cell(name, j)
            if v is None:
                continue
            c = ws.cell(row=r, column=3 + j, value=v)
            if isinstance(v, float):
                c.number_format = fmt
            else:
                c.alignment = Alignment(horizontal="right")
    notes_row = 4 + len(KPIS) + 1  # one blank row, then the footer
    ws.cell(row=notes_row, column=1, value="Source: ERP + CRM. Figures unaudited.").font = \
        Font(italic=True)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 10
    ws.freeze_panes = "C4"

    defs = wb.create_sheet("KPIs")
    defs.append(["name", "perspective", "owner", "unit", "direction", "aggregation", "description"])
    for name, p, o, unit, d, a, desc, _v, _f in KPIS:
        defs.append([name, p, o, unit, d, a, desc])
    for c in defs[1]:
        c.font, c.fill = bold, head_fill
    for col, width in zip("ABCDEFG", (26, 18, 18, 10, 10, 12, 70)):
        defs.column_dimensions[col].width = width

    tg = wb.create_sheet("Targets")
    tg.append(["kpi", "period", "target"])
    for c in tg[1]:
        c.font, c.fill = bold, head_fill
    for kpi, label, value in target_rows():
        tg.append([kpi, label, value])
        tg.cell(row=tg.max_row, column=3).number_format = "0%" if value < 1 else "#,##0"
    tg.column_dimensions["A"].width = 22
    tg.column_dimensions["C"].width = 12

    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(reproducible_zip(buf.getvalue()))


def reproducible_zip(data):
    """Rewrite the xlsx with a fixed 'modified' date and fixed zip entry times, so the
    committed workbook only changes when its content does."""
    stamp = EXPORTED.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                start = text.index("<dcterms:modified")
                end = text.index("</dcterms:modified>") + len("</dcterms:modified>")
                text = (text[:start] + '<dcterms:modified xsi:type="dcterms:W3CDTF">'
                        + stamp + "</dcterms:modified>" + text[end:])
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=EXPORTED.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


# ------------------------------------------------------------------ weekly (long CSV)
WEEKS = []
_d = dt.date(2024, 1, 1)
while _d <= dt.date(2026, 10, 26):
    WEEKS.append(_d)
    _d += dt.timedelta(days=7)
W = len(WEEKS)
TW = np.arange(W)

# Tickets resolved (higher, target 450): holiday weeks are quiet.
holiday = np.array([(d.month == 12 and d.day >= 22) or (d.month == 1 and d.day <= 4)
                    for d in WEEKS])
tickets = np.round(458 + 0.12 * TW + ar1(W, 0.4, 16) - 120 * holiday)
# Average handle time in minutes (lower, target 6.5): slowly improving.
aht = np.round(6.85 - 0.0035 * TW + ar1(W, 0.5, 0.14), 2)
# Backlog of open tickets (lower, no target): a run of 9 weeks above the usual level
# at the end (a new product release doubled "how do I" tickets).
BACKLOG_RUN = 9
backlog = 1_150 + ar1(W, 0.5, 30)
backlog[-BACKLOG_RUN:] += np.array([95, 120, 140, 150, 150, 140, 135, 130, 125])
backlog[-BACKLOG_RUN - 1] -= 35  # the week before the release: a quiet week
backlog = np.round(backlog)
# Support CSAT (higher, target 4.3): hovers around the target.
support_csat = np.round(4.31 + ar1(W, 0.3, 0.045), 2)

DUP_WEEK = WEEKS.index(dt.date(2025, 5, 12))  # Support CSAT row exported twice
BLANK_WEEK = WEEKS.index(dt.date(2025, 8, 4))  # Average handle time row with no value
SEPARATOR_WEEK = WEEKS.index(dt.date(2025, 2, 17))  # Backlog written as "1,1xx"
DUP_SECOND_VALUE = 0.03  # the re-exported row differs by this much


def write_weekly(path):
    lines = ["Date,Metric,Value,Target,Owner"]
    for i, wk in enumerate(WEEKS):
        day = wk.isoformat()
        lines.append(f"{day},Tickets resolved,{tickets[i]:.0f},450,Customer Success")
        aht_text = "" if i == BLANK_WEEK else f"{aht[i]:.2f}"
        lines.append(f"{day},Average handle time (min),{aht_text},6.5,Customer Success")
        backlog_text = f'"{backlog[i]:,.0f}"' if i == SEPARATOR_WEEK else f"{backlog[i]:.0f}"
        lines.append(f"{day},Backlog,{backlog_text},,Customer Success")
        lines.append(f"{day},Support CSAT,{support_csat[i]:.2f},4.3,Customer Success")
        if i == DUP_WEEK:
            lines.append(f"{day},Support CSAT,{support_csat[i] + DUP_SECOND_VALUE:.2f},4.3,"
                         "Customer Success")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


# -------------------------------------------------------------------------- config
CONFIG = '''\
# kpilens configuration for the ACME Components sample data (see README.md here).
# Definitions repeat the workbook's KPIs sheet where they matter; the config wins.

[report]
title = "ACME Components — monthly KPI review"
window = 24
rules = "wheeler"
fiscal_year_start = 1
tolerance = 0.05

[email]
from = "kpi-reports@acme-components.example"
to = ["leadership@acme-components.example"]
subject = "ACME KPI review {as_of}"

# ---- Financial -------------------------------------------------------------

[[kpi]]
name = "Revenue"
direction = "higher"
unit = "USD"
aggregation = "sum"
owner = "Sales"
lower_bound = 0
role = "lagging"
perspective = "Financial"

[[kpi]]
name = "Gross margin %"
aggregation = "mean"
owner = "Finance"
lower_bound = 0
upper_bound = 1
perspective = "Financial"

[[kpi]]
name = "Operating cost"
direction = "lower"
unit = "USD"
aggregation = "sum"
owner = "Finance"
lower_bound = 0
perspective = "Financial"

# ---- Customer --------------------------------------------------------------

[[kpi]]
name = "Customer satisfaction"
aggregation = "mean"
owner = "Customer Success"
target = 4.2
lower_bound = 1
upper_bound = 5
perspective = "Customer"

[[kpi]]
name = "Net promoter score"
aggregation = "mean"
owner = "Customer Success"
target = 40
lower_bound = -100
upper_bound = 100
perspective = "Customer"

[[kpi]]
name = "Churn rate %"
direction = "lower"
aggregation = "mean"
owner = "Customer Success"
lower_bound = 0
upper_bound = 1
perspective = "Customer"

[[kpi]]
name = "Qualified leads"
direction = "higher"
unit = "count"
aggregation = "sum"
owner = "Sales"
targets = [{ from = "2024-01", value = 850 }, { from = "2025-01", value = 920 }, { from = "2026-01", value = 1000 }]
lower_bound = 0
role = "leading"
leads = ["Revenue"]
perspective = "Customer"

[[kpi]]
name = "Pipeline value"
unit = "USD"
aggregation = "last"
owner = "Sales"
lower_bound = 0
role = "leading"
perspective = "Customer"

# ---- Internal process --------------------------------------------------------

[[kpi]]
name = "On-time delivery %"
aggregation = "mean"
owner = "Operations"
lower_bound = 0
upper_bound = 1
perspective = "Internal process"

[[kpi]]
name = "First-pass yield %"
aggregation = "mean"
owner = "Quality"
lower_bound = 0
upper_bound = 1
perspective = "Internal process"

[[kpi]]
name = "Defects per 1,000 units"
direction = "lower"
aggregation = "mean"
owner = "Quality"
target = 5.0
lower_bound = 0
perspective = "Internal process"

[[kpi]]
name = "Inventory days"
direction = "range"
unit = "days"
aggregation = "mean"
owner = "Operations"
target_min = 30
target_max = 45
lower_bound = 0
perspective = "Internal process"

# ---- Learning & growth ---------------------------------------------------------

[[kpi]]
name = "Employee engagement"
aggregation = "mean"
owner = "HR"
lower_bound = 0
upper_bound = 100
perspective = "Learning & growth"

[[kpi]]
name = "Training hours per FTE"
unit = "hours"
aggregation = "mean"
owner = "HR"
target = 3.0
lower_bound = 0
rebase = ["2025-09"]   # the training academy started in September 2025
perspective = "Learning & growth"
description = "Training hours per full-time employee; academy programme from 2025-09"

# ---- Weekly service-desk figures (ops-weekly.csv) ------------------------------

[[kpi]]
name = "Tickets resolved"
unit = "count"
aggregation = "sum"
owner = "Customer Success"
lower_bound = 0
perspective = "Internal process"

[[kpi]]
name = "Average handle time (min)"
direction = "lower"
unit = "min"
aggregation = "mean"
owner = "Customer Success"
lower_bound = 0
perspective = "Internal process"

[[kpi]]
name = "Backlog"
direction = "lower"
unit = "count"
aggregation = "last"
owner = "Customer Success"
lower_bound = 0
perspective = "Internal process"

[[kpi]]
name = "Support CSAT"
aggregation = "mean"
owner = "Customer Success"
lower_bound = 1
upper_bound = 5
perspective = "Customer"
'''


# ------------------------------------------------------------------------ checks
def xmr(values):
    """Wheeler XmR limits of the values (gaps already dropped)."""
    x = np.asarray(values, float)
    mr_bar = np.mean(np.abs(np.diff(x)))
    cl = x.mean()
    return cl, cl - 2.66 * mr_bar, cl + 2.66 * mr_bar


def trailing_run(values, cl, side):
    """Length of the run on `side` (+1 above, -1 below) of cl ending at the last value."""
    n = 0
    for v in values[::-1]:
        if np.sign(v - cl) != side:
            break
        n += 1
    return n


def verify():
    """Read the files back and check every planted behaviour; print the numbers."""
    wb = load_workbook(OUT / "acme-kpis.xlsx")
    ws = wb["Monthly KPIs"]
    print("Monthly KPIs: dims", ws.dimensions, "| A1:", ws["A1"].value)
    hdr = [c.value for c in ws[3]]
    print("  header:", hdr[:4], "...", hdr[-1], "| C3 format:", ws["C3"].number_format,
          "| month columns:", len(hdr) - 2)
    assert len(hdr) - 2 == 46 and hdr[2] == dt.datetime(2023, 1, 1) and hdr[-1] == dt.datetime(2026, 10, 1)
    for r in (4, 5, 16):
        row = [c.value for c in ws[r]]
        print(f"  row {r}:", row[:6], "...", row[-2:], "| fmt", ws.cell(row=r, column=3).number_format)
    names = [ws.cell(row=r, column=1).value for r in range(4, 4 + len(KPIS))]
    assert names == [k[0] for k in KPIS]
    assert ws.cell(row=4 + len(KPIS), column=1).value is None
    print("  footer row", 5 + len(KPIS), ":", ws.cell(row=5 + len(KPIS), column=1).value)
    col = lambda j: 3 + j  # noqa: E731
    r_of = {n: 4 + i for i, n in enumerate(names)}
    na = ws.cell(row=r_of["Customer satisfaction"], column=col(CSAT_NA))
    err = ws.cell(row=r_of["Training hours per FTE"], column=col(TRAINING_ERR))
    print(f"  {na.coordinate} = {na.value!r} (type {na.data_type}); "
          f"{err.coordinate} = {err.value!r} (type {err.data_type}: Excel error cell)")
    assert na.value == "n/a" and err.data_type == "e"
    with zipfile.ZipFile(OUT / "acme-kpis.xlsx") as z:
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
    assert re.search(rf'<c r="{err.coordinate}"[^>]* t="e"><v>#N/A</v>', sheet1)
    gap = [ws.cell(row=r_of["Net promoter score"], column=col(j)).value for j in NPS_GAP]
    assert gap == [None, None]
    eng = [ws.cell(row=r_of["Employee engagement"], column=col(j)).value for j in range(N)]
    eng_months = sorted({MONTHS[j].month for j, v in enumerate(eng) if v is not None})
    print("  NPS gap:", [MONTHS[j].isoformat()[:7] for j in NPS_GAP],
          "| engagement filled months:", eng_months, f"({sum(v is not None for v in eng)} values)")
    assert eng_months == [3, 6, 9, 12]
    print("KPIs sheet:", [c.value for c in wb["KPIs"][1]], "rows", wb["KPIs"].max_row - 1)
    tg = wb["Targets"]
    print("Targets sheet:", [c.value for c in tg[1]], "rows", tg.max_row - 1,
          "| first", [c.value for c in tg[2]], "| last", [c.value for c in tg[tg.max_row]])

    targets = {}
    for kpi, label, value in target_rows():
        targets.setdefault(kpi, {})[label] = value
    lab = [d.isoformat()[:7] for d in MONTHS]

    def hits(name, values, better):
        pairs = [(v, targets[name][m]) for v, m in zip(values, lab) if m in targets[name]]
        ok = [(v >= t) if better == "higher" else (v <= t) for v, t in pairs]
        return f"{sum(ok)}/{len(ok)}"

    print("\nPlanted behaviours (monthly):")
    # Lead-lag, diff transform, lags 0..6 over the whole history, as methods.md section 7.
    dl, dr = np.diff(leads), np.diff(revenue)
    r_by_lag = {k: np.corrcoef(dl[: len(dl) - k], dr[k:])[0, 1] for k in range(7)}
    best = max(r_by_lag, key=lambda k: abs(r_by_lag[k]))
    print("  leads->revenue r by lag (diffs):", {k: round(float(v), 3) for k, v in r_by_lag.items()},
          "best lag", best)
    assert best == 2 and r_by_lag[2] > 0.5
    print(f"  revenue: {revenue.min():,.0f}..{revenue.max():,.0f}; December/annual-mean ratios",
          [round(float(revenue[j] / revenue[max(0, j - 11):j + 1].mean()), 2) for j in range(N) if MOY[j] == 12])
    for y in (2023, 2024, 2025):
        yr = revenue[[j for j in range(N) if MONTHS[j].year == y]]
        assert yr.argmax() == 11, f"December is not the peak in {y}"
    print("  revenue hits/targeted months:", hits("Revenue", revenue, "higher"))
    print(f"  on-time delivery: {otd.min():.3f}..{otd.max():.3f} (target 0.90), hits",
          hits("On-time delivery %", otd, "higher"))
    assert otd.min() > 0.95 and otd.max() < 0.99
    print(f"  first-pass yield: {fpy.min():.3f}..{fpy.max():.3f} (target 0.99), hits",
          hits("First-pass yield %", fpy, "higher"))
    assert fpy.min() > 0.90 and fpy.max() < 0.94
    w = slice(N - 24, N)
    for name, v in (("On-time delivery %", otd), ("First-pass yield %", fpy)):
        cl, lo, hi = xmr(v[w])
        print(f"    {name} 24-month XmR: cl {cl:.4f}, limits {lo:.4f}..{hi:.4f}")
    assert xmr(otd[w])[1] > 0.90 and xmr(fpy[w])[2] < 0.99
    pre, post = defects[:SHIFT_AT], defects[SHIFT_AT:]
    cl_w = defects[w].mean()
    run = trailing_run(defects[w], cl_w, -1)
    print(f"  defects: before 2025-06 mean {pre.mean():.2f} (min {pre.min():.2f}); from 2025-06 "
          f"{len(post)} points, mean {post.mean():.2f}, max {post.max():.2f}")
    print(f"    24-month window mean {cl_w:.2f}: trailing run below it = {run} points "
          f"(starts {lab[N - run]}), pre-shift window points all above: "
          f"{bool((defects[N - 24:SHIFT_AT] > cl_w).all())}")
    assert post.max() < pre.min() and len(post) >= 10
    assert run == len(post) and (defects[N - 24:SHIFT_AT] > cl_w).all()
    inv_out = [(lab[j], inventory[j]) for j in range(N) if not 30 <= inventory[j] <= 45]
    print(f"  inventory days: {inventory.min()}..{inventory.max()}, outside 30-45: {[(m, float(v)) for m, v in inv_out]}")
    print(f"  margin {margin.min():.4f}..{margin.max():.4f} hits", hits("Gross margin %", margin, "higher"),
          f"| churn {churn.min():.4f}..{churn.max():.4f} hits", hits("Churn rate %", churn, "lower"),
          "| opcost hits", hits("Operating cost", opcost, "lower"))
    print(f"  csat {csat.min()}..{csat.max()} (>= 4.2 in {int((csat >= 4.2).sum())}/{N}), "
          f"nps {nps.min():.0f}..{nps.max():.0f} (>= 40 in {int((nps >= 40).sum())}/{N}), "
          f"engagement {engagement.min()}..{engagement.max()}")
    steps = [(dt.date(2024, 1, 1), 850), (dt.date(2025, 1, 1), 920), (dt.date(2026, 1, 1), 1000)]
    lt = [max((v for f, v in steps if f <= d), default=None) if d >= steps[0][0] else None for d in MONTHS]
    lh = [leads[j] >= lt[j] for j in range(N) if lt[j] is not None]
    print(f"  leads {leads.min():.0f}..{leads.max():.0f}, hits {sum(lh)}/{len(lh)}; "
          f"pipeline {pipeline.min():,.0f}..{pipeline.max():,.0f}")
    tr_pre, tr_post = training[:TRAINING_PROGRAMME], training[TRAINING_PROGRAMME:]
    print(f"  training hours: before 2025-09 mean {tr_pre.mean():.2f}, from 2025-09 mean {tr_post.mean():.2f}"
          f" (>= 3.0 in {int((tr_pre >= 3).sum())}/{len(tr_pre)} before, {int((tr_post >= 3).sum())}/{len(tr_post)} after)")

    print("\nWeekly CSV:")
    lines = (OUT / "ops-weekly.csv").read_text(encoding="utf-8").splitlines()
    print("  ", lines[0], "|", len(lines) - 1, "data rows,", W, "weeks", WEEKS[0], "..", WEEKS[-1])
    keys = [tuple(l.split(",")[:2]) for l in lines[1:]]
    dups = {k for k in keys if keys.count(k) > 1}
    print("  duplicated Date+Metric:", dups, [l for l in lines if l.startswith(WEEKS[DUP_WEEK].isoformat() + ",Support")])
    assert len(dups) == 1 and all(d.weekday() == 0 for d in WEEKS)
    print("  thousands separator:", [l for l in lines if '"' in l])
    print("  blank value:", [l for l in lines if ",," in l and "Backlog" not in l])
    assert sum('"' in l for l in lines) == 1 and sum(",," in l and "Backlog" not in l for l in lines) == 1
    cl_b, cl_bw = backlog.mean(), backlog[-24:].mean()
    run_all, run_w = trailing_run(backlog, cl_b, 1), trailing_run(backlog[-24:], cl_bw, 1)
    print(f"  backlog: mean {cl_b:.1f}, last-24-week mean {cl_bw:.1f}; trailing run above = {run_all} "
          f"(history mean) / {run_w} (window mean); last 10: {backlog[-10:].astype(int).tolist()}")
    assert run_all == BACKLOG_RUN and run_w == BACKLOG_RUN
    print(f"  tickets resolved {tickets.min():.0f}..{tickets.max():.0f} (>= 450 in {int((tickets >= 450).sum())}/{W}); "
          f"AHT {aht.min()}..{aht.max()} (<= 6.5 in {int((aht <= 6.5).sum())}/{W}); "
          f"support CSAT {support_csat.min()}..{support_csat.max()} (>= 4.3 in {int((support_csat >= 4.3).sum())}/{W})")
    sizes = {p.name: p.stat().st_size for p in sorted(OUT.iterdir())}
    print("\nSizes:", sizes)
    assert all(s < 100_000 for s in sizes.values())


def main():
    OUT.mkdir(exist_ok=True)
    write_workbook(OUT / "acme-kpis.xlsx")
    write_weekly(OUT / "ops-weekly.csv")
    (OUT / "kpis.toml").write_text(CONFIG, encoding="utf-8", newline="\n")
    verify()


if __name__ == "__main__":
    main()
