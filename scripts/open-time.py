#!/usr/bin/env python3
"""How long a workbook takes to open where it is read: LibreOffice (headless, converting
the first sheet to CSV, which loads the whole file) and openpyxl (a second reader).

    python3 scripts/open-time.py kpi-report.xlsx [more.xlsx ...] [--no-openpyxl]

Prints one line per workbook: size, LibreOffice seconds, openpyxl seconds. Needs
LibreOffice Calc (`soffice`) and, for the second figure, openpyxl.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time


def libreoffice(path):
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as profile:
        start = time.perf_counter()
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "csv", "--outdir", out, path],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - start


def openpyxl_load(path):
    import openpyxl
    start = time.perf_counter()
    openpyxl.load_workbook(path)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("books", nargs="+")
    ap.add_argument("--no-openpyxl", action="store_true")
    args = ap.parse_args()
    if not shutil.which("soffice"):
        sys.exit("soffice not found: apt-get install -y libreoffice-calc")
    for book in args.books:
        lo = libreoffice(book)
        py = "-" if args.no_openpyxl else f"{openpyxl_load(book):.1f} s"
        print(f"{book}: {os.path.getsize(book) / 1e6:.1f} MB, LibreOffice {lo:.1f} s, openpyxl {py}")


if __name__ == "__main__":
    main()
