"""EVA-DTS (DEX/UCS) audit files, as vending controllers export them.

A file is lines of ``RECORD*field*field...``. Only the records that carry
sales, price and cash facts are interpreted (ID1, CB1, VA1, CA2, PA1, PA2, the
LS/LE loop markers and the ST/SE/DXS/DXE envelope); other records are kept
by name only, since controllers add vendor records freely. Per-column sales
are *lifetime* counters (PA2 field 1); what sold between two reads is their
difference, which ``sales_between`` computes, including the case where a
controller was reset or replaced and its counters started again.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DexError(ValueError):
    """A malformed audit record: where it is (line, record, field) and what is wrong."""

    def __init__(self, line: int, record: str, field_no: int | None, problem: str) -> None:
        self.line, self.record, self.field = line, record, field_no
        where = f"line {line}, {record or 'record'}" + (f" field {field_no}" if field_no is not None else "")
        super().__init__(f"{where}: {problem}")


@dataclass
class Column:
    id: str
    price: int | None = None  # in the smallest currency unit
    product: str = ""
    vends_total: int | None = None
    value_total: int | None = None
    vends_since_reset: int | None = None
    value_since_reset: int | None = None


@dataclass
class Audit:
    machine_serial: str = ""
    machine_model: str = ""
    board: str = ""
    sales_value_total: int | None = None
    sales_count_total: int | None = None
    cash_value_total: int | None = None
    cash_count_total: int | None = None
    columns: dict[str, Column] = field(default_factory=dict)
    other_records: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def _int(line: int, rec: str, fields: list[str], i: int, *, required: bool = False) -> int | None:
    v = fields[i].strip() if i < len(fields) else ""
    if not v:
        if required:
            raise DexError(line, rec, i, "required number is missing")
        return None
    if not v.isdigit():
        raise DexError(line, rec, i, f"{v!r} is not a whole number")
    return int(v)


def _text(fields: list[str], i: int) -> str:
    return fields[i].strip() if i < len(fields) else ""


def parse_dex(text: str) -> Audit:
    audit = Audit()
    current: Column | None = None
    loops: list[tuple[str, int]] = []
    st_line: int | None = None
    segments = 0
    seen_se = seen_dxe = False
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if seen_dxe:
            raise DexError(n, line.split("*", 1)[0], None, "data after DXE (end of file record); the file has two audits glued together or trailing garbage")
        fields = line.split("*")
        rec = fields[0].upper()
        if not rec.isalnum() or len(rec) > 4:
            raise DexError(n, fields[0][:10], None, f"{fields[0][:20]!r} is not a record name (expected e.g. PA1, VA1)")
        if st_line is not None and not seen_se:
            segments += 1
        if rec == "DXS":
            continue
        if rec == "DXE":
            seen_dxe = True
            continue
        if rec == "ST":
            st_line, segments = n, 1
            continue
        if rec == "SE":
            if st_line is None:
                raise DexError(n, rec, None, "SE without a preceding ST")
            count = _int(n, rec, fields, 1, required=True)
            if count != segments:
                raise DexError(n, rec, 1, f"says {count} segments but {segments} were read from ST to SE: records are missing or extra")
            seen_se = True
            continue
        if rec == "ID1":
            audit.machine_serial, audit.machine_model = _text(fields, 1), _text(fields, 2)
        elif rec == "CB1":
            audit.board = _text(fields, 1)
        elif rec == "VA1":
            audit.sales_value_total = _int(n, rec, fields, 1, required=True)
            audit.sales_count_total = _int(n, rec, fields, 2, required=True)
        elif rec == "CA2":
            audit.cash_value_total = _int(n, rec, fields, 1, required=True)
            audit.cash_count_total = _int(n, rec, fields, 2)
        elif rec == "PA1":
            cid = _text(fields, 1)
            if not cid:
                raise DexError(n, rec, 1, "column/product id is missing")
            if cid in audit.columns:
                raise DexError(n, rec, 1, f"column {cid!r} appears twice")
            current = Column(cid, price=_int(n, rec, fields, 2), product=_text(fields, 3))
            audit.columns[cid] = current
        elif rec == "PA2":
            if current is None:
                raise DexError(n, rec, None, "PA2 (sales counters) before any PA1 (column): it must follow the PA1 of its column")
            current.vends_total = _int(n, rec, fields, 1, required=True)
            current.value_total = _int(n, rec, fields, 2)
            current.vends_since_reset = _int(n, rec, fields, 3)
            current.value_since_reset = _int(n, rec, fields, 4)
        elif rec == "LS":
            loops.append((_text(fields, 1), n))
        elif rec == "LE":
            lid = _text(fields, 1)
            if not loops or loops[-1][0] != lid:
                raise DexError(n, rec, 1, f"LE {lid!r} does not close the open loop {loops[-1][0] if loops else None!r}")
            loops.pop()
        else:
            audit.other_records[rec] = audit.other_records.get(rec, 0) + 1
    if loops:
        raise DexError(loops[-1][1], "LS", 1, f"loop {loops[-1][0]!r} is never closed by LE: the file is truncated")
    if st_line is not None and not seen_se:
        raise DexError(len(lines), "SE", None, "no SE (transaction end) after ST: the file is truncated; read the audit again")
    if not audit.columns and audit.sales_count_total is None:
        raise DexError(1, "", None, "no VA1 or PA1/PA2 records: this is not an EVA-DTS audit")
    return audit


@dataclass(frozen=True)
class ColumnSales:
    column: str
    units: int
    value: int | None
    counter_reset: bool = False


def sales_between(previous: Audit | None, current: Audit) -> list[ColumnSales]:
    """Units (and value) sold per column between two audits of the same machine."""
    out = []
    for cid, col in current.columns.items():
        if col.vends_total is None:
            continue
        before = previous.columns.get(cid) if previous else None
        if before is None or before.vends_total is None:
            continue  # first sight of this column: a baseline, not a sale
        units = col.vends_total - before.vends_total
        value = None if col.value_total is None or before.value_total is None else col.value_total - before.value_total
        if units < 0 or (value is not None and value < 0):
            # counters went backwards: controller reset or replaced; since-reset counters are the best lower bound
            out.append(ColumnSales(cid, col.vends_since_reset or 0, col.value_since_reset, counter_reset=True))
        elif units:
            out.append(ColumnSales(cid, units, value))
    return out
