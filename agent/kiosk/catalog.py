"""The store's catalog and FAQ as a store manager exports them from a spreadsheet.

A bad row must never take the kiosk down: it is skipped and reported with the
file, line, column and what to change, and every good row is kept. A file that
cannot be used at all (wrong header, unreadable) raises ``CatalogError`` so the
caller keeps the catalog it already has.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

# An allergen label written the store's own way also says the usual one: a product labelled "contains-peanuts" is never
# "not labelled as containing nuts", nor "contains-milk" one "not labelled contains-dairy".
IMPLIED_TAGS = {"contains-peanuts": "contains-nuts", "contains-peanut": "contains-nuts", "contains-tree-nuts": "contains-nuts",
                 "contains-nut": "contains-nuts", "contains-eggs": "contains-egg", "contains-milk": "contains-dairy",
                 "contains-lactose": "contains-dairy", "contains-wheat": "contains-gluten"}
CATALOG_HEADER = ["sku", "name", "brand", "category", "price", "location", "stock", "tags", "description"]
FAQ_HEADER = ["question", "answer"]
MAX_FIELD_CHARS = 2000
_TAG_RE = re.compile(r"^[a-z0-9][a-z0-9 _+&.-]*$")  # 'age-4+', '18+', 'fair-trade & organic' are real labels
_SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    brand: str
    category: str
    price: float
    location: str
    stock: int | None
    tags: tuple[str, ...]
    description: str
    line: int = 0


@dataclass(frozen=True)
class FaqEntry:
    row: int
    question: str
    answer: str


@dataclass(frozen=True)
class CatalogIssue:
    file: str
    line: int
    column: str
    problem: str
    fix: str
    row_skipped: bool = True  # False: the row was loaded without the bad part (an odd tag)

    def __str__(self) -> str:
        col = f", column '{self.column}'" if self.column else ""
        return f"{self.file} line {self.line}{col}: {self.problem} Fix: {self.fix}"

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column, "problem": self.problem, "fix": self.fix, "row_skipped": self.row_skipped,
                "message": str(self)}


class CatalogError(ValueError):
    """The whole file is unusable (not a single row can be trusted)."""

    def __init__(self, issue: CatalogIssue) -> None:
        self.issue = issue
        super().__init__(str(issue))


@dataclass
class ParseResult:
    products: list[Product] = field(default_factory=list)
    faq: list[FaqEntry] = field(default_factory=list)
    issues: list[CatalogIssue] = field(default_factory=list)


def _rows(text: str, name: str, header: list[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if text.startswith("\ufeff"):  # Excel's UTF-8 export starts with a BOM
        text = text[1:]
    if not text.strip():
        raise CatalogError(CatalogIssue(name, 1, "", "the file is empty.", f"export the sheet with the header row {','.join(header)}."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader)
    except csv.Error as e:
        raise CatalogError(CatalogIssue(name, 1, "", f"the header row is not valid CSV ({e}).", f"the first row must be {','.join(header)}.")) from None
    got = [h.strip().lower() for h in first]
    if got != header:
        hint = ""
        if len(first) == 1 and ";" in first[0]:
            hint = " It looks separated by ';': export as 'CSV (comma delimited)'."
        missing = [h for h in header if h not in got]
        extra = [h for h in got if h not in header]
        what = []
        if missing:
            what.append("missing " + ", ".join(missing))
        if extra:
            what.append("unexpected " + ", ".join(repr(h) for h in extra))
        if not what:
            what.append("columns in the wrong order")
        raise CatalogError(CatalogIssue(name, 1, "", f"the header row is wrong ({'; '.join(what)}).{hint}",
                                        f"make the first row exactly: {','.join(header)}"))
    rows: list[tuple[int, list[str]]] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            rows.append((reader.line_num, [f"\x00csv-error:{e}"]))
            continue
        rows.append((reader.line_num, row))
    return got, rows


def parse_catalog(text: str, name: str = "catalog.csv") -> ParseResult:
    """Parse catalog CSV text; bad rows become issues and are left out."""
    _, rows = _rows(text, name, CATALOG_HEADER)
    out = ParseResult()
    seen: dict[str, int] = {}
    for line, row in rows:
        if not row or all(not c.strip() for c in row):
            continue
        if row[0].startswith("\x00csv-error:"):
            out.issues.append(CatalogIssue(name, line, "", f"the row is not valid CSV ({row[0][11:]}).", "check the quotes in this row."))
            continue
        if len(row) != len(CATALOG_HEADER):
            out.issues.append(CatalogIssue(name, line, "", f"the row has {len(row)} columns, expected {len(CATALOG_HEADER)}.",
                                           "put text containing commas in double quotes and fill every column (leave stock or tags empty if unknown)."))
            continue
        cells = dict(zip(CATALOG_HEADER, (c.strip() for c in row), strict=True))
        problem = _check_product(cells, name, line)
        if problem:
            out.issues.append(problem)
            continue
        sku = cells["sku"]
        if sku in seen:
            out.issues.append(CatalogIssue(name, line, "sku", f"sku {sku!r} is already used on line {seen[sku]}.", "give every product its own sku; this row was skipped."))
            continue
        seen[sku] = line
        # An odd tag costs only that tag, never the product: shoppers can still find and buy it.
        tags = set()
        for t in (t.strip().lower() for t in cells["tags"].split(";")):
            if t and _TAG_RE.match(t):
                tags.add(t)
            elif t:
                out.issues.append(CatalogIssue(name, line, "tags", f"tag {t!r} has characters tags cannot have; the product was kept without it.",
                                               "separate tags with ';' and use letters, digits, '-' or '+', e.g. vegan;gluten-free;age-3+.",
                                               row_skipped=False))
        tags |= {IMPLIED_TAGS[t] for t in tags if t in IMPLIED_TAGS}
        out.products.append(Product(
            sku=sku, name=cells["name"], brand=cells["brand"], category=cells["category"],
            price=round(float(_price_text(cells["price"])), 2), location=cells["location"],
            stock=int(cells["stock"]) if cells["stock"] else None,
            tags=tuple(sorted(tags)),
            description=cells["description"], line=line))
    return out


def _price_text(s: str) -> str:
    return s.strip().lstrip("$€£¥").replace(",", ".") if s.count(",") == 1 and "." not in s else s.strip().lstrip("$€£¥")


def _check_product(c: dict[str, str], name: str, line: int) -> CatalogIssue | None:
    for col, v in c.items():
        if len(v) > MAX_FIELD_CHARS:
            return CatalogIssue(name, line, col, f"the value is {len(v)} characters long.", f"keep it under {MAX_FIELD_CHARS} characters.")
        if any(ord(ch) < 32 and ch not in "\t\n" for ch in v):
            return CatalogIssue(name, line, col, "the value contains control characters.", "retype it as plain text.")
    if not _SKU_RE.match(c["sku"]):
        return CatalogIssue(name, line, "sku", f"{c['sku']!r} is not a valid sku.", "use 1-64 letters, digits, '.', '_' or '-', e.g. MILK-1L.")
    if not c["name"]:
        return CatalogIssue(name, line, "name", "the product name is empty.", "write the name shoppers know it by.")
    try:
        price = float(_price_text(c["price"]))
    except ValueError:
        return CatalogIssue(name, line, "price", f"{c['price']!r} is not a price.", "write a plain number such as 3.49 (no currency words).")
    if not price >= 0 or price > 1_000_000:
        return CatalogIssue(name, line, "price", f"{c['price']!r} is not a sensible price.", "write a number from 0 up, such as 3.49.")
    if not c["location"]:
        return CatalogIssue(name, line, "location", "the location is empty.", "write where shoppers find it, e.g. 'Aisle 4', 'Fridge 1' or 'Slot B3'.")
    if c["stock"] and not re.fullmatch(r"\d{1,7}", c["stock"]):
        return CatalogIssue(name, line, "stock", f"{c['stock']!r} is not a whole number of units.", "write 0 or more units such as 12, or leave it empty if unknown.")
    return None


def parse_faq(text: str, name: str = "faq.csv") -> ParseResult:
    _, rows = _rows(text, name, FAQ_HEADER)
    out = ParseResult()
    for i, (line, row) in enumerate(rows, start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if row[0].startswith("\x00csv-error:"):
            out.issues.append(CatalogIssue(name, line, "", f"the row is not valid CSV ({row[0][11:]}).", "check the quotes in this row."))
            continue
        if len(row) != 2:
            out.issues.append(CatalogIssue(name, line, "", f"the row has {len(row)} columns, expected 2.", "put text containing commas in double quotes."))
            continue
        q, a = (c.strip() for c in row)
        if not q or not a:
            col = "question" if not q else "answer"
            out.issues.append(CatalogIssue(name, line, col, f"the {col} is empty.", f"write the {col}, or delete the row."))
            continue
        if len(q) > MAX_FIELD_CHARS or len(a) > MAX_FIELD_CHARS:
            out.issues.append(CatalogIssue(name, line, "answer" if len(a) > MAX_FIELD_CHARS else "question", "the text is too long.",
                                           f"keep it under {MAX_FIELD_CHARS} characters."))
            continue
        out.faq.append(FaqEntry(row=i, question=q, answer=a))
    return out


def read_text(path: str | Path) -> str:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise CatalogError(CatalogIssue(str(p), 0, "", "the file does not exist.", "check the path in [kiosk] catalog/faq or the --catalog option.")) from None
    except OSError as e:
        raise CatalogError(CatalogIssue(str(p), 0, "", f"the file cannot be read ({e.strerror}).", "make it readable by the agent's user.")) from None
    for enc in ("utf-8", "cp1252"):  # spreadsheets on Windows export cp1252
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise CatalogError(CatalogIssue(str(p), 0, "", "the file is not text.", "export the sheet as CSV UTF-8."))


class Catalog:
    """Products and FAQ, with live stock from sensors laid over the file's stock."""

    def __init__(self, products: list[Product], faq: list[FaqEntry], issues: list[CatalogIssue] | None = None, version: int = 1) -> None:
        self.products = {p.sku: p for p in products}
        self.faq = list(faq)
        self.issues = list(issues or [])
        self.version = version
        self._live: dict[str, int] = {}
        self._lock = threading.Lock()

    def set_live_stock(self, sku: str, units: int) -> bool:
        if sku not in self.products:
            return False
        with self._lock:
            self._live[sku] = max(0, int(units))
        return True

    def live_stock(self) -> dict[str, int]:
        with self._lock:
            return dict(self._live)

    def product(self, sku: str) -> Product | None:
        p = self.products.get(sku)
        if p is None:
            return None
        with self._lock:
            live = self._live.get(sku)
        return replace(p, stock=live) if live is not None else p


def load_catalog(catalog: str | Path, faq: str | Path | None = None) -> Catalog:
    """Load files; raises ``CatalogError`` only when a whole file is unusable."""
    pc = parse_catalog(read_text(catalog), str(catalog))
    issues = list(pc.issues)
    entries: list[FaqEntry] = []
    if faq:
        pf = parse_faq(read_text(faq), str(faq))
        entries = pf.faq
        issues += pf.issues
    return Catalog(pc.products, entries, issues)
