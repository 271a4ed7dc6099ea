#!/usr/bin/env bash
# Render a kpilens workbook the way a colleague's LibreOffice would: xlsx → PDF → PNG
# pages, to check that every sheet is readable and the charts render.
#
#   scripts/render-report.sh [kpi-report.xlsx] [out-dir]
#
# Needs LibreOffice Calc and poppler (Debian: apt-get install -y libreoffice-calc
# poppler-utils). Writes out-dir/<name>.pdf and out-dir/page-N.png.
set -euo pipefail
book="${1:-kpi-report.xlsx}"
out="${2:-render}"
command -v soffice >/dev/null || { echo "soffice not found: apt-get install -y libreoffice-calc poppler-utils" >&2; exit 1; }
mkdir -p "$out"
soffice --headless --convert-to pdf --outdir "$out" "$book" >/dev/null
pdf="$out/$(basename "${book%.*}").pdf"
pdftoppm -png -r 80 "$pdf" "$out/page"
echo "$(ls "$out"/page-*.png | wc -l) pages in $out (from $pdf)"
