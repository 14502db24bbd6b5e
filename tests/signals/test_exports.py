"""The signals report's CSV export goes through the one CSV helper (kcc.core.csvsafe)."""

import csv
import io

import pytest
from django.urls import reverse

from .factories import SignalFactory


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
