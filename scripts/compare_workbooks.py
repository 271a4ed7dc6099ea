#!/usr/bin/env python3
"""Prove that two workbooks show the same thing when their bytes are meant to differ.

    python3 scripts/compare_workbooks.py OLD.xlsx NEW.xlsx [--s-default-zero] [--strict-unwritten]

golden.py proves that outputs are byte-identical. A change of how formats are stored (a
column's format carried by `<col style="N">` instead of by each cell, empty formatted cells
left out) changes the bytes but must not change what Excel or LibreOffice show: this proves
content identity. Exit 0 with "same: N sheets, M cells compared", else print the first 20
differences (sheet, cell or item, old | new) and exit 1.

Per sheet (matched by name, in workbook order): each cell either sheetData holds, by value
(shared/rich/inline strings, numbers as floats, booleans, errors, formulas and cached values)
and effective style (its `s`, else its row's if customFormat, else its <col>'s `style`, else
0) resolved through styles.xml to a definition (number format code or built-in id, font,
fill, border, alignment, protection, quotePrefix, pivotButton, named style); the fill and
border of the cells neither sheetData holds, per <col> and styled row (other parts of their
style are noted on stderr, or reported with --strict-unwritten); column widths, row heights
(with hidden and outlineLevel); every other child of <worksheet> as canonical XML (sheetPr,
sheetViews and its pane, sheetFormatPr, mergeCells, autoFilter, conditionalFormatting,
dataValidations, hyperlinks, print settings, headerFooter, drawing, tableParts, extLst with
sparklines), r:id replaced by the part or URL it names and dxfId by the dxf. Per workbook:
sheet names and order, definedNames, each part under xl/charts/, xl/drawings/, xl/tables/.

Deliberately ignored: style indices (xfs may be renumbered or duplicated); absent vs empty
cells of the default style (or of an xf equal to xf 0); <col style> as such (it counts via
the effective style); applyX flags (Excel uses an xf's own font, fill... whatever they say);
the order of attributes, and of sibling elements in sheet XML; <dimension>, row spans,
dyDescent; a <col> width of 9.140625 (the default) vs none.

A `<c>` without `s` in a styled row or column takes that style here, as LibreOffice reads it.
ECMA-376 defaults `s` to 0, and rust_xlsxwriter and XlsxWriter write the inherited index on
every such cell, so Excel may show them unstyled: they are counted on stderr, and
--s-default-zero gives them xf 0 instead.
"""
import argparse
import posixpath
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
ROW, V, F, IS, T, R, RPR = (NS + t for t in ("row", "v", "f", "is", "t", "r", "rPr"))
XF_PARTS = ("number format", "font", "fill", "border", "alignment", "protection", "quotePrefix/pivotButton",
            "named style")
DEFAULT_COL_WIDTH = 9.140625
SHOW = 20


def truthy(v):
    return v in ("1", "true")


def canon(el, rels=None, dxfs=None):
    """(tag, sorted attributes, sorted children, text): equal for XML differing only in order."""
    attrs = []
    for k, v in el.attrib.items():
        if k == RID and rels is not None:
            v = "rel:" + rels.get(v, v)
        elif k == "dxfId" and dxfs is not None and v.isdigit() and int(v) < len(dxfs):
            v = "dxf:" + text(dxfs[int(v)])
        attrs.append((k, v))
    return (el.tag, tuple(sorted(attrs)), tuple(sorted(canon(c, rels, dxfs) for c in el)), (el.text or "").strip())


def text(x):
    """Compact text of a canonical element, a value or a tuple of them."""
    if isinstance(x, tuple) and len(x) == 4 and isinstance(x[0], str) and isinstance(x[1], tuple):
        tag, attrs, kids, body = x
        out = tag.split("}")[-1] + ("[" + " ".join(f"{k.split('}')[-1]}={v}" for k, v in attrs) + "]" if attrs else "")
        return out + ("(" + " ".join(text(k) for k in kids) + ")" if kids else "") + (repr(body) if body else "")
    if isinstance(x, (tuple, list)):
        return "(" + ", ".join(text(i) for i in x) + ")"
    return repr(x)


def show_value(v):
    if v is None:
        return "(empty)"
    if isinstance(v[0], tuple) or v[0] is None:        # (value, ("formula", <f>))
        return show_value(v[0]) + " from " + text(v[1][1])
    return text(v[1])


def pair(x, y, width=90):
    """The texts of x and y, from a little before the first place where they differ."""
    a, b = text(x), text(y)
    i = next((i for i, (p, q) in enumerate(zip(a, b)) if p != q), min(len(a), len(b)))
    start = max(0, i - 30)
    cut = lambda s: ("..." if start else "") + s[start:start + width] + ("..." if len(s) > start + width else "")
    return cut(a), cut(b)


def col_letters(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def column_index(letters):
    return sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters)))


def rels_of(z, part):
    """rId -> the part it names (path inside the zip), or the URL of an external target."""
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    out = {}
    for rel in (ET.fromstring(z.read(name)) if name in z.NameToInfo else []):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External":
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = target
    return out


def string_item(si):
    """The text of an <si> or <is>: a str, or ((run properties, text), ...) for rich text."""
    runs = si.findall(R)
    if not runs:
        t = si.find(T)
        return (t.text or "") if t is not None else ""
    out = tuple((canon(r.find(RPR)) if r.find(RPR) is not None else None,
                 "".join(t.text or "" for t in r.iter(T))) for r in runs)
    return "".join(s for _, s in out) if all(p is None for p, _ in out) else out


class Styles:
    """Each cellXfs index resolved to a hashable definition that holds no index."""

    def __init__(self, z):
        root = ET.fromstring(z.read("xl/styles.xml"))
        items = lambda tag: list(root.find(NS + tag) if root.find(NS + tag) is not None else [])
        codes = {x.get("numFmtId"): x.get("formatCode") for x in items("numFmts")}
        tables = {a: [canon(x) for x in items(t)] for a, t in
                  (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders"))}
        names = {x.get("xfId"): x.get("name") for x in items("cellStyles")}
        self.dxfs = [canon(x) for x in items("dxfs")]
        self.keys = [self.definition(xf, codes, tables, names) for xf in items("cellXfs")]
        self.default = self.key(0)

    @staticmethod
    def definition(xf, codes, tables, names):
        nid = xf.get("numFmtId", "0")
        numfmt = ("code", codes[nid]) if nid in codes else ("builtin", nid)
        ids = [(tables[a], int(xf.get(a, "0"))) for a in ("fontId", "fillId", "borderId")]
        parts = [table[i] if i < len(table) else ("missing", i) for table, i in ids]
        subs = [xf.find(NS + tag) for tag in ("alignment", "protection")]
        subs = [canon(e) if e is not None and (e.attrib or len(e)) else None for e in subs]
        flags = (truthy(xf.get("quotePrefix")), truthy(xf.get("pivotButton")))
        return (numfmt, *parts, *subs, flags, names.get(xf.get("xfId", "0")))

    def key(self, index):
        return self.keys[index] if index < len(self.keys) else ("missing xf", index)


def cell_value(c, sst):
    """A hashable value; None for a cell that shows nothing (no <v>, <is> or <f>)."""
    t, v, f, inline = c.get("t", "n"), None, None, None
    for ch in c:
        if ch.tag == V:
            v = ch.text
        elif ch.tag == F:
            f = canon(ch)
        elif ch.tag == IS:
            inline = ch
    if t == "inlineStr":
        val = ("s", string_item(inline)) if inline is not None else None
    elif v is None:
        val = None
    elif t in ("s", "str"):
        val = ("s", sst[int(v)] if t == "s" else v)
    elif t == "b":
        val = ("b", truthy(v))
    elif t in ("e", "d"):
        val = (t, v)
    else:
        val = ("n", float(v))
    return val if f is None else (val, ("formula", f))


class Sheet:
    """What one worksheet part shows, read with iterparse (each row cleared once read)."""

    def __init__(self, book, part):
        self.cells = {}       # (row, col) -> (value, s or None)
        self.rows = {}        # row -> (ht, customHeight, hidden, outlineLevel) when not default
        self.row_style = {}   # row -> xf index, rows with customFormat only
        self.cols = []        # (min, max, width, hidden, outlineLevel, style)
        self.other = {}       # local tag -> sorted canonical elements
        self._col_style = {}
        rels, r = rels_of(book.z, part), 0
        with book.z.open(part) as f:
            it = ET.iterparse(f, events=("end",))
            for _, el in it:
                if el.tag == ROW:
                    r = int(el.get("r") or r + 1)
                    self.read_row(el, r, book)
                    el.clear()
        for child in it.root:
            if child.tag == NS + "cols":
                self.cols = sorted(self.read_col(c) for c in child)
            elif child.tag not in (NS + "dimension", NS + "sheetData"):
                self.other.setdefault(child.tag.split("}")[-1], []).append(canon(child, rels, book.styles.dxfs))
        for v in self.other.values():
            v.sort()

    def read_row(self, row, r, book):
        a = row.attrib
        props = (float(a["ht"]) if "ht" in a else None, truthy(a.get("customHeight")),
                 truthy(a.get("hidden")), a.get("outlineLevel", "0"))
        if props != (None, False, False, "0"):
            self.rows[r] = props
        if truthy(a.get("customFormat")):
            self.row_style[r] = int(a.get("s", "0"))
        col, cache = 0, book.col_cache
        for c in row:
            ref = c.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = cache.get(letters) or cache.setdefault(letters, column_index(letters))
            else:
                col += 1
            s = c.get("s")
            self.cells[(r, col)] = (cell_value(c, book.sst), int(s) if s is not None else None)

    @staticmethod
    def read_col(c):
        width = float(c.get("width")) if c.get("width") else None
        return (int(c.get("min")), int(c.get("max")), None if width == DEFAULT_COL_WIDTH else width,
                truthy(c.get("hidden")), c.get("outlineLevel", "0"), int(c.get("style", "0")))

    def inherited(self, r, col):
        """The style of a cell at (r, col) that has no `s`: its row's, else its column's."""
        if r in self.row_style:
            return self.row_style[r]
        if col not in self._col_style:
            self._col_style[col] = next((e[5] for e in self.cols if e[0] <= col <= e[1]), 0)
        return self._col_style[col]


class Book:
    def __init__(self, path):
        self.z, self.col_cache = zipfile.ZipFile(path), {}
        wb = ET.fromstring(self.z.read("xl/workbook.xml"))
        rels = rels_of(self.z, "xl/workbook.xml")
        self.sheets = [(s.get("name"), rels[s.get(RID)]) for s in wb.iter(NS + "sheet")]
        names = wb.find(NS + "definedNames")
        self.defined_names = canon(names) if names is not None else None
        sst = "xl/sharedStrings.xml"
        self.sst = [string_item(si) for si in ET.fromstring(self.z.read(sst))] if sst in self.z.NameToInfo else []
        self.styles = Styles(self.z)


def runs(cols, prop):
    """Merged (first, last, value) runs of the <col> entries."""
    out = []
    for e in cols:
        v = prop(e)
        if out and out[-1][1] + 1 == e[0] and out[-1][2] == v:
            out[-1] = (out[-1][0], e[1], v)
        else:
            out.append((e[0], e[1], v))
    return out


def segments(ra, rb, default_a, default_b):
    """(first column, value in a, value in b) for each stretch of columns where they differ."""
    at = lambda rs, c, d: next((v for lo, hi, v in rs if lo <= c <= hi), d)
    out = []
    for c in sorted({lo for lo, _, _ in ra + rb} | {hi + 1 for _, hi, _ in ra + rb}):
        x, y = at(ra, c, default_a), at(rb, c, default_b)
        if x != y and not (out and out[-1][1:] == (x, y)):
            out.append((c, x, y))
    return out


class Comparison:
    def __init__(self, s_default_zero, strict_unwritten):
        self.s_zero, self.strict = s_default_zero, strict_unwritten
        self.diffs, self.notes, self.unstyled, self.cells = [], [], {}, 0

    def diff(self, sheet, where, old, new):
        self.diffs.append((sheet, where, old, new))

    def style_of(self, sheet, book, key):
        """Effective xf index of the cell at key (row, col), written or not."""
        cell = sheet.cells.get(key)
        if cell is not None and cell[1] is not None:
            return cell[1]
        s = sheet.inherited(*key)
        if cell is not None and book.styles.key(s) != book.styles.default:
            self.unstyled[book] = self.unstyled.get(book, 0) + 1
            return 0 if self.s_zero else s
        return s

    def sheet(self, name, a, b, A, B):
        keys = a.cells.keys() | b.cells.keys()
        self.cells += len(keys)
        found = []
        for key in keys:
            va, vb = a.cells.get(key, (None,))[0], b.cells.get(key, (None,))[0]
            ia, ib = self.style_of(a, A, key), self.style_of(b, B, key)
            ka, kb = A.styles.key(ia), B.styles.key(ib)
            if va != vb or ka != kb:
                note = f" (style differs in: {differing(ka, kb)})" if ka != kb else ""
                found.append((key, f"{show_value(va)} [xf {ia}]", f"{show_value(vb)} [xf {ib}]{note}"))
        for (r, c), old, new in sorted(found):
            self.diff(name, f"{col_letters(c)}{r}", old, new)
        look = lambda e: e[2:5]
        for col, x, y in segments(runs(a.cols, look), runs(b.cols, look), (None, False, "0"), (None, False, "0")):
            self.diff(name, f"column {col_letters(col)} width/hidden/outline", text(x), text(y))
        style = lambda book: lambda e: book.styles.key(e[5])
        for col, x, y in segments(runs(a.cols, style(A)), runs(b.cols, style(B)), A.styles.default, B.styles.default):
            self.unwritten(name, f"column {col_letters(col)}", x, y)
        for r in sorted(a.row_style.keys() | b.row_style.keys()):
            self.unwritten(name, f"row {r}", A.styles.key(a.row_style.get(r, 0)), B.styles.key(b.row_style.get(r, 0)))
        for what, ma, mb in (("row {} height/hidden/outline", a.rows, b.rows), ("<{}>", a.other, b.other)):
            for k in sorted(ma.keys() | mb.keys()):
                if ma.get(k) != mb.get(k):
                    self.diff(name, what.format(k), *pair(ma.get(k), mb.get(k)))

    def unwritten(self, name, where, ka, kb):
        """Style of the cells of a column or row that neither sheetData holds: an empty cell
        shows only its fill and border, so other differences are only noted (unless strict)."""
        if ka == kb:
            return
        if self.strict or ka[2:4] != kb[2:4]:
            self.diff(name, f"{where} (unwritten cells) style, differs in {differing(ka, kb)}", *pair(ka, kb))
        else:
            self.notes.append(f"{name} {where}, cells neither sheetData holds: style differs in {differing(ka, kb)}")


def differing(ka, kb):
    return ", ".join(n for n, x, y in zip(XF_PARTS, ka, kb) if x != y)


def compare_parts(A, B, diff):
    names = {n for bk in (A, B) for n in bk.z.namelist() if n.startswith(("xl/charts/", "xl/drawings/", "xl/tables/"))}
    for n in sorted(names):
        pa, pb = (bk.z.read(n) if n in bk.z.NameToInfo else None for bk in (A, B))
        if pa == pb:
            continue
        if pa is None or pb is None:
            diff("(workbook)", n, "present" if pa else "absent", "present" if pb else "absent")
            continue
        try:
            same = ET.canonicalize(pa.decode("utf-8")) == ET.canonicalize(pb.decode("utf-8"))
        except (ET.ParseError, UnicodeDecodeError):
            same = False
        if not same:
            diff("(workbook)", n, f"{len(pa)} bytes", f"{len(pb)} bytes, differs after C14N")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--s-default-zero", action="store_true",
                    help="give a <c> without s the style 0 (ECMA-376) instead of its row's or column's")
    ap.add_argument("--strict-unwritten", action="store_true",
                    help="report any style difference of the cells neither sheetData holds, not only fill/border")
    args = ap.parse_args()
    A, B = Book(args.old), Book(args.new)
    cmp = Comparison(args.s_default_zero, args.strict_unwritten)
    for what, x, y in (("sheets", [n for n, _ in A.sheets], [n for n, _ in B.sheets]),
                       ("definedNames", A.defined_names, B.defined_names)):
        if x != y:
            cmp.diff("(workbook)", what, *pair(x, y))
    parts_b = dict(B.sheets)
    for name, part in A.sheets:
        if name in parts_b:
            cmp.sheet(name, Sheet(A, part), Sheet(B, parts_b[name]), A, B)
    compare_parts(A, B, cmp.diff)
    for book, label in ((A, "OLD"), (B, "NEW")):
        if cmp.unstyled.get(book):
            print(f"note: {cmp.unstyled[book]} cells in {label} have no s in a styled row or column; given "
                  + ("xf 0 (--s-default-zero)" if args.s_default_zero else "its style (as LibreOffice reads them)"),
                  file=sys.stderr)
    for note in cmp.notes[:5] + ([f"... and {len(cmp.notes) - 5} more"] if len(cmp.notes) > 5 else []):
        print("note: " + note, file=sys.stderr)
    if not cmp.diffs:
        print(f"same: {len(A.sheets)} sheets, {cmp.cells} cells compared")
        return 0
    for sheet, where, old, new in cmp.diffs[:SHOW]:
        print(f"{sheet} {where}: old {old} | new {new}")
    print(f"DIFFERENT: {len(cmp.diffs)} differences ({min(SHOW, len(cmp.diffs))} shown), {cmp.cells} cells compared")
    return 1


if __name__ == "__main__":
    sys.exit(main())
