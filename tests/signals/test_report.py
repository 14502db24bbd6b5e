import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from kcc.core.workdays import WorkCalendar
from signals.constants import SignalStatus
from signals.models import Evidence
from signals.reports import overleg_report

from .factories import ContactFactory, SignalFactory, StatusChangeFactory

pytestmark = pytest.mark.django_db

AMS = dt.timezone(dt.timedelta(hours=1))


def t(month, day, hour=10):
    tz = AMS if (month, day) < (3, 29) else dt.timezone(dt.timedelta(hours=2))  # summer time from 29 March
    return dt.datetime(2026, month, day, hour, 0, tzinfo=tz)


def make(department, raised, *, status=SignalStatus.NEW, responded=None, resolved=None, closed=None, **kw):
    return SignalFactory(
        department=department, raised_at=raised, ack_due=WorkCalendar(closure_days=[]).add_working_days(raised.date(), 3), status=status,
        responded_at=responded, acknowledged_at=responded if status != SignalStatus.REJECTED else None,
        resolved_at=resolved, closed_at=closed, **kw,
    )


def evidence(signal, when):
    Evidence.objects.create(signal=signal, contact=ContactFactory(), added_at=when)


@pytest.fixture
def march(belastingen, burgerzaken):
    """Fixed data for Belastingen, March 2026 (see the expected figures in the tests)."""
    s1 = make(belastingen, t(2, 20), status=SignalStatus.IN_PROGRESS, responded=t(3, 2), title="S1 oud en lopend")
    s2 = make(belastingen, t(3, 2, 9), status=SignalStatus.RESOLVED, responded=t(3, 2, 15), resolved=t(3, 5), closed=t(3, 5), title="S2 opgelost")
    s3 = make(belastingen, t(3, 10), status=SignalStatus.REJECTED, responded=t(3, 12), closed=t(3, 12), title="S3 afgewezen")
    s4 = make(belastingen, t(3, 25), title="S4 onbeantwoord")
    s5 = make(belastingen, t(3, 16), status=SignalStatus.REJECTED, responded=None, closed=t(3, 17), merged_into=s2, title="S5 dubbel")
    make(belastingen, t(4, 2), title="S6 april")
    make(belastingen, t(1, 5), status=SignalStatus.RESOLVED, responded=t(1, 6), resolved=t(2, 10), closed=t(2, 10), title="S7 al klaar")
    make(burgerzaken, t(3, 3), title="S8 andere afdeling")
    evidence(s1, t(2, 21))
    evidence(s2, t(3, 2))
    evidence(s2, t(3, 3))
    evidence(s2, t(4, 1))  # after the month: not counted
    evidence(s5, t(3, 16))
    StatusChangeFactory(signal=s2, from_status="in_progress", to_status="resolved", response="Nieuwe brief verstuurd.", at=t(3, 5))
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4}


def test_overleg_report_figures_on_fixed_data(march, belastingen):
    report = overleg_report(department=belastingen, year=2026, month=3, today=dt.date(2026, 4, 15))
    assert report.new_count == 3  # S2, S3, S4 (S5 is a merged duplicate)
    assert report.resolved_count == 1  # S2
    assert report.rejected_count == 1  # S3
    assert report.open_at_end == 2  # S1, S4
    # Responses in March: S1 after 6 working days, S2 the same day (0), S3 after 2 -> 8 / 3.
    assert report.avg_ack_days == Decimal("2.7") and report.ack_measured == 3
    # Resolved in March: S2, Monday 2 -> Thursday 5 March = 3 working days.
    assert report.avg_resolve_days == Decimal("3.0") and report.resolve_measured == 1
    # Deadlines in March: S2 (5 Mar, on time), S3 (13 Mar, on time), S4 (30 Mar, missed).
    assert (report.ack_on_time, report.ack_due_total) == (2, 3)
    assert report.ack_on_time_pct == 67
    assert [(s.title, s.evidence_total, s.evidence_in_month) for s in report.top] == [("S2 opgelost", 2, 2), ("S1 oud en lopend", 1, 0)]
    assert [s.title for s in report.open_signals] == ["S1 oud en lopend", "S4 onbeantwoord"]
    assert report.resolved_signals[0].last_response.response == "Nieuwe brief verstuurd."


def test_an_empty_month_has_no_averages(belastingen):
    report = overleg_report(department=belastingen, year=2025, month=6, today=dt.date(2026, 4, 15))
    assert (report.new_count, report.open_at_end, report.avg_ack_days, report.avg_resolve_days, report.ack_on_time_pct) == (0, 0, None, None, None)


@time_machine.travel(dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC))
def test_report_page_shows_the_figures_and_is_printable(login, march, manager_belastingen, belastingen):
    response = login(manager_belastingen).get(reverse("signals:report"), {"department": belastingen.pk, "month": "2026-03"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="new">3<' in body
    assert 'data-figure="open">2<' in body
    assert "2,7 werkdagen" in body
    assert "2 van 3 (67%)" in body
    assert "signals.css" in body  # print styles
    assert "S4 onbeantwoord" in body and "S8 andere afdeling" not in body


def test_department_cannot_open_another_departments_report(login, backoffice_burgerzaken, belastingen):
    response = login(backoffice_burgerzaken).get(reverse("signals:report"), {"department": belastingen.pk, "month": "2026-03"})
    assert response.status_code == 422
    assert response.context["report"] is None
    assert login(backoffice_burgerzaken).get(reverse("signals:report_csv"), {"department": belastingen.pk, "month": "2026-03"}).status_code == 422


def test_agents_have_no_report(login, agent):
    assert login(agent).get(reverse("signals:report")).status_code == 403


def test_future_month_is_refused(login, teamlead, belastingen):
    response = login(teamlead).get(reverse("signals:report"), {"department": belastingen.pk, "month": "2999-01"})
    assert response.status_code == 422


@time_machine.travel(dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC))
def test_csv_export_has_the_figures_and_the_signals(login, march, teamlead, belastingen):
    response = login(teamlead).get(reverse("signals:report_csv"), {"department": belastingen.pk, "month": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="overleg-belastingen-2026-03.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1] == ["Nieuwe signalen", "3"]
    assert ["Gemiddelde reactietijd (werkdagen)", "2,7"] in rows
    titles = [r[1] for r in rows[rows.index([]) + 2:]]
    assert titles == ["S2 opgelost", "S1 oud en lopend", "S3 afgewezen", "S4 onbeantwoord"]
