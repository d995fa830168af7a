"""Catalog and FAQ files as a store manager exports them: every bad row is reported and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.kiosk.catalog import CatalogError, load_catalog, parse_catalog, parse_faq

HEADER = "sku,name,brand,category,price,location,stock,tags,description\n"
GOOD = "A1,Oat Milk,Oatly,Dairy,2.49,Fridge 1,12,vegan;dairy-free,Oat drink\n"


def test_good_rows_load_with_types():
    r = parse_catalog(HEADER + GOOD + 'B2,"Crisps, Salted",Kettle,Snacks,$1.80,Aisle 3,,,"Thin, crunchy"\n')
    assert not r.issues
    a, b = r.products
    assert (a.sku, a.price, a.stock, a.tags) == ("A1", 2.49, 12, ("dairy-free", "vegan"))
    assert (b.name, b.price, b.stock, b.tags) == ("Crisps, Salted", 1.80, None, ())


@pytest.mark.parametrize("row,column,words", [
    ("A2,Milk,X,Dairy,abc,Fridge 1,3,,d\n", "price", "not a price"),
    ("A2,Milk,X,Dairy,-1,Fridge 1,3,,d\n", "price", "not a sensible price"),
    ("A2,,X,Dairy,1.00,Fridge 1,3,,d\n", "name", "name is empty"),
    ("A2,Milk,X,Dairy,1.00,,3,,d\n", "location", "location is empty"),
    ("A2,Milk,X,Dairy,1.00,Fridge 1,three,,d\n", "stock", "not a whole number"),
    ("A2,Milk,X,Dairy,1.00,Fridge 1,-2,,d\n", "stock", "not a whole number"),
    ("A 2!,Milk,X,Dairy,1.00,Fridge 1,3,,d\n", "sku", "not a valid sku"),
    ("A2,Mi\x07lk,X,Dairy,1.00,Fridge 1,3,,d\n", "name", "control characters"),
    ("A1,Milk again,X,Dairy,1.00,Fridge 1,3,,d\n", "sku", "already used on line 2"),
])
def test_each_bad_row_is_reported_with_line_and_column_and_the_rest_kept(row, column, words):
    r = parse_catalog(HEADER + GOOD + row + "C3,Tea,T,Drinks,2.00,Aisle 2,5,,Green tea\n", "shop.csv")
    assert [p.sku for p in r.products] == ["A1", "C3"]
    (issue,) = r.issues
    assert (issue.file, issue.line, issue.column) == ("shop.csv", 3, column)
    assert words in str(issue) and "Fix:" in str(issue)


def test_an_odd_tag_costs_only_the_tag_and_age_labels_are_tags():
    r = parse_catalog(HEADER + GOOD + "A2,Milk,X,Dairy,1.00,Fridge 1,3,vegan/gluten free;organic,d\n"
                      "A3,Brick Box,LEGO,Toys,49.99,Aisle 2,8,age-4+;contains-small-parts,Bricks\n", "shop.csv")
    assert [(p.sku, p.tags) for p in r.products][1:] == [("A2", ("organic",)), ("A3", ("age-4+", "contains-small-parts"))]
    (issue,) = r.issues
    assert (issue.line, issue.column, issue.row_skipped) == (3, "tags", False) and "vegan/gluten free" in issue.problem
    assert "separate tags with ';'" in issue.fix


def test_wrong_column_count_names_the_line():
    r = parse_catalog(HEADER + GOOD + "A2,Milk,1.00,Fridge 1\n")
    (issue,) = r.issues
    assert issue.line == 3 and "4 columns, expected 9" in issue.problem and "double quotes" in issue.fix


def test_line_numbers_count_quoted_newlines():
    r = parse_catalog(HEADER + 'A1,Milk,X,Dairy,1.00,Fridge 1,3,,"two\nlines"\n' + "A2,Bad,X,Dairy,zz,Fridge 1,3,,d\n")
    assert r.issues[0].line == 4


@pytest.mark.parametrize("text,words", [
    ("", "empty"),
    ("sku,name,price\nA1,Milk,1.00\n", "missing brand"),
    ("sku;name;brand;category;price;location;stock;tags;description\n", "separated by ';'"),
    ("name,sku,brand,category,price,location,stock,tags,description\n", "wrong order"),
])
def test_unusable_file_raises_with_what_to_fix(text, words):
    with pytest.raises(CatalogError) as e:
        parse_catalog(text, "shop.csv")
    assert words in str(e.value) and "shop.csv line 1" in str(e.value)


def test_excel_bom_crlf_and_cp1252_are_read(tmp_path: Path):
    p = tmp_path / "c.csv"
    p.write_bytes(("\ufeff" + HEADER + GOOD).replace("\n", "\r\n").encode("utf-8"))
    assert list(load_catalog(p).products) == ["A1"]
    p.write_bytes((HEADER + "A1,Caf\xe9 Latte,X,Drinks,2.00,Aisle 1,1,,d\n").encode("cp1252"))
    assert load_catalog(p).products["A1"].name == "Café Latte"


def test_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog(tmp_path / "nope.csv")


def test_faq_bad_rows():
    r = parse_faq('question,answer\nWhen do you open?,7am\n"Only a question",\n,no question\na,b,c\n', "faq.csv")
    assert [f.question for f in r.faq] == ["When do you open?"]
    assert [(i.line, i.column) for i in r.issues] == [(3, "answer"), (4, "question"), (5, "")]


def test_live_stock_overrides_file_stock(catalog):
    assert catalog.product("AVO-2").stock == 0
    assert catalog.set_live_stock("AVO-2", 5)
    assert catalog.product("AVO-2").stock == 5
    assert not catalog.set_live_stock("NOPE", 1)
