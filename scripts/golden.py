#!/usr/bin/env python3
"""Prove a refactor with the outputs: run kpilens on the sample data and the fixtures,
and save or compare every output it writes (workbook, JSON, summary, target fragment,
the text of `check`, the config of `init`).

    python3 scripts/golden.py save    /tmp/golden-before [--bin target/debug/kpilens] [--corpus DIR ...]
    ... change the code ...
    python3 scripts/golden.py compare /tmp/golden-before [--bin target/debug/kpilens] [--corpus DIR ...]

`compare` prints every output that is not byte-identical (and, for JSON, the first
field that differs) and exits 1 when any differs. Cases: sample-data/, the fixture
folders under tests/fixtures/ (targets, crosscheck, seasonal, xls), and, with
--corpus, every input of a folder kept by `scripts/layout_audit.py --keep DIR` or
`scripts/crosscheck.py --keep DIR` (hundreds of messy exports). Runs from the repository
root, so the paths written into the outputs are the same every time. No cargo needed
beyond the binary; SOURCE_DATE_EPOCH is unset, so document times come from the as-of.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ["out.xlsx", "out.json", "out.md", "out.toml", "check.txt", "check.json", "init.toml"]


def cases(corpora):
    """(name, inputs, extra args) for every case, inputs relative to the repo root."""
    out = [("sample", ["sample-data"], ["-c", "sample-data/kpis.toml"])]
    out.append(("targets", ["tests/fixtures/targets/series.csv"], ["-c", "tests/fixtures/targets/kpis.toml"]))
    out.append(("xls-long", ["tests/fixtures/xls/long.xls"], []))
    for sub in ["crosscheck", "seasonal"]:
        base = ROOT / "tests" / "fixtures" / sub
        for d in sorted(p for p in base.iterdir() if p.is_dir()):
            data = next((f for f in sorted(d.iterdir()) if f.suffix == ".csv"), None)
            if data is None:
                continue
            cfg = d / "kpis.toml"
            extra = ["-c", str(cfg.relative_to(ROOT))] if cfg.exists() else []
            out.append((f"{sub}-{d.name}", [str(data.relative_to(ROOT))], extra))
    for corpus in corpora:
        corpus = Path(corpus).resolve()
        for p in sorted(corpus.iterdir()):
            if p.is_dir():
                data, cfg = p / "data.csv", p / "kpis.toml"
                if data.exists():
                    out.append((f"{corpus.name}-{p.name}", [str(data)], ["-c", str(cfg)] if cfg.exists() else []))
            elif not (p.name.endswith(".json") or p.name.endswith(".out.xlsx")):
                out.append((f"{corpus.name}-{p.name}", [str(p)], ["--window", "1000"]))
    return out


def run_case(binpath, inputs, extra, dest):
    """Run report, check and init for one case; keep what they write in `dest`."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        report = [binpath, "report", *inputs, *extra, "-o", str(t / "out.xlsx"), "--json", str(t / "out.json"),
                  "--summary", str(t / "out.md"), "--suggest-targets", str(t / "out.toml"), "--force", "-q"]
        r = subprocess.run(report, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
        (t / "report.txt").write_text(f"exit {r.returncode}\n{r.stderr}")
        c = subprocess.run([binpath, "check", *inputs, *extra, "--json", str(t / "check.json"), "--force"],
                           cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
        (t / "check.txt").write_text(f"exit {c.returncode}\n{c.stdout}{c.stderr}")
        init_inputs = [a for a in inputs]
        i = subprocess.run([binpath, "init", *init_inputs, "-o", str(t / "init.toml"), "--force"],
                           cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
        if i.returncode != 0:
            (t / "init.toml").write_text(f"exit {i.returncode}\n{i.stderr}")
        dest.mkdir(parents=True, exist_ok=True)
        for name in OUTPUTS + ["report.txt"]:
            if (t / name).exists():
                shutil.copy(t / name, dest / name)


def first_json_difference(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'before' if k in a else 'after'}"
            d = first_json_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_json_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["save", "compare"])
    ap.add_argument("dir")
    ap.add_argument("--bin", default=os.environ.get("KPILENS_BIN", str(ROOT / "target" / "debug" / "kpilens")))
    ap.add_argument("--corpus", nargs="*", default=[])
    a = ap.parse_args()
    base = Path(a.dir).resolve()
    binpath = str(Path(a.bin).resolve())
    all_cases = cases(a.corpus)
    if a.mode == "save":
        if base.exists():
            shutil.rmtree(base)
        for name, inputs, extra in all_cases:
            run_case(binpath, inputs, extra, base / name)
        print(f"saved {len(all_cases)} cases in {base}")
        return 0
    differing = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, inputs, extra in all_cases:
            now = Path(tmp) / name
            run_case(binpath, inputs, extra, now)
            before = base / name
            for out in sorted(set(os.listdir(now)) | set(os.listdir(before) if before.exists() else [])):
                x, y = before / out, now / out
                if x.exists() and y.exists() and digest(x) == digest(y):
                    continue
                differing += 1
                detail = ""
                if out.endswith(".json") and x.exists() and y.exists():
                    detail = first_json_difference(json.loads(x.read_text()), json.loads(y.read_text())) or "same content, different bytes"
                print(f"DIFF {name}/{out} {detail}")
    print(f"{len(all_cases)} cases, {differing} outputs differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
