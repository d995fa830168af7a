import pytest

from firmware_bridge.dex import DexError, parse_dex, sales_between
from firmware_bridge.emulator.controller import ControllerApp

SAMPLE = """DXS*RST7654321*VA*V0/6*1\r
ST*001*0001\r
ID1*WHK123456*BE 3000*1234**6**\r
CB1*223344*VMC-9*1.04\r
VA1*12340*82*1200*8\r
CA2*9100*61*400*4\r
LS*0100\r
PA1*10*150*COLA**\r
PA2*40*6000*4*600\r
PA1*11*120*WATER**\r
PA2*42*5040*4*480\r
LE*0100\r
EA1*EJJ*260101*1200\r
G85*1A2B\r
SE*14*0001\r
DXE*1*1\r
"""


def test_parse_sample():
    a = parse_dex(SAMPLE)
    assert a.machine_serial == "WHK123456" and a.machine_model == "BE 3000" and a.board == "223344"
    assert (a.sales_value_total, a.sales_count_total, a.cash_value_total) == (12340, 82, 9100)
    assert list(a.columns) == ["10", "11"]
    c = a.columns["10"]
    assert (c.price, c.product, c.vends_total, c.value_total, c.vends_since_reset) == (150, "COLA", 40, 6000, 4)
    assert a.other_records == {"EA1": 1, "G85": 1}


def test_sales_are_pa2_differences():
    before = parse_dex(SAMPLE)
    after = parse_dex(SAMPLE.replace("PA2*40*6000*4*600", "PA2*43*6450*7*1050"))
    sales = sales_between(before, after)
    assert [(s.column, s.units, s.value, s.counter_reset) for s in sales] == [("10", 3, 450, False)]
    assert sales_between(None, after) == []  # first read is only a baseline


def test_counter_reset_uses_since_reset_counters():
    before = parse_dex(SAMPLE)
    after = parse_dex(SAMPLE.replace("PA2*40*6000*4*600", "PA2*2*300*2*300"))
    (s,) = sales_between(before, after)
    assert (s.column, s.units, s.value, s.counter_reset) == ("10", 2, 300, True)


def test_emulator_audit_parses_and_tracks_vends():
    app = ControllerApp()
    before = parse_dex(app.audit_text())
    app.slots[2].units -= 2
    app.slots[2].vended += 2
    after = parse_dex(app.audit_text())
    (s,) = sales_between(before, after)
    assert (s.column, s.units, s.value) == ("2", 2, 300)


@pytest.mark.parametrize(("bad", "good", "line", "record", "field", "words"), [
    ("PA2*40*6000*4*600", "PA2*4O*6000*4*600", 9, "PA2", 1, "'4O' is not a whole number"),
    ("PA1*10*150*COLA**\r\nPA2", "PA2*1*1\r\nPA1*10*150*COLA**\r\nPA2", 8, "PA2", None, "before any PA1"),
    ("SE*14*0001", "SE*13*0001", 15, "SE", 1, "segments"),
    ("VA1*12340*82*1200*8", "VA1**82*1200*8", 5, "VA1", 1, "required"),
    ("DXE*1*1\r\n", "DXE*1*1\r\nPA1*1*1\r\n", 17, "PA1", None, "after DXE"),
])
def test_malformed_records_name_line_record_field(bad, good, line, record, field, words):
    text = SAMPLE.replace(bad, good, 1)
    with pytest.raises(DexError) as ei:
        parse_dex(text)
    e = ei.value
    assert (e.line, e.record, e.field) == (line, record, field), str(e)
    assert words in str(e) and f"line {line}" in str(e)


def test_unclosed_loop_names_its_ls_line():
    text = SAMPLE.replace("LE*0100\r\n", "").replace("SE*14", "SE*13")
    with pytest.raises(DexError) as ei:
        parse_dex(text)
    assert (ei.value.line, ei.value.record, ei.value.field) == (7, "LS", 1) and "never closed" in str(ei.value)


def test_truncated_file_is_reported():
    with pytest.raises(DexError, match="truncated"):
        parse_dex(SAMPLE.split("SE*")[0])


def test_not_an_audit():
    with pytest.raises(DexError, match="not an EVA-DTS audit"):
        parse_dex("ZZ1*hello*world\n")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["ST*001*0001", "SE*3*0001", "PA1*1*150", "PA2*4*600", "VA1*1*1", "LS*0100", "LE*0100",
                                 "ID1*X", "DXE*1*1", "PA2*x", "", "*", "PA1", "\x00\xff"]), max_size=12), st.text(max_size=30))
def test_any_input_gives_an_audit_or_a_dex_error(lines, noise):
    try:
        parse_dex("\r\n".join(lines) + noise)
    except DexError as e:
        assert e.line >= 1 and str(e).startswith("line ")
