"""Browser test of the dashboard: a team lead opens it, changes the period, and drills down from
the transfer rate to the contacts. Charts are drawn and each has its accessible table."""

import os
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from channels.constants import Outcome
from kcc.dashboard import services
from kcc.dashboard.constants import METRICS_TZ
from tests.dashboard.factories import ContactFactory, TransferFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(os.environ.get("KCC_SCREENSHOTS", "var/screenshots"))


def _at(days_ago: int, hour: int = 10):
    day = timezone.localdate(timezone.now(), METRICS_TZ) - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, 0), tzinfo=METRICS_TZ)


@pytest.fixture
def figures(agent, belastingen, burgerzaken):
    """Ten days ago: 3 resolved (wrapped up 30 s, 1 min and 3 min after the conversation ended)
    and 1 transferred (misrouted). Forty days ago: 2 transferred."""
    for seconds in (30, 60, 180):
        ended = _at(10) + timedelta(minutes=5, seconds=30)
        ContactFactory(started_at=_at(10), assigned_to=agent, topic_department=belastingen,
                       conversation_ended_at=ended - timedelta(seconds=seconds), ended_at=ended)
    moved = ContactFactory(started_at=_at(10), outcome=Outcome.TRANSFERRED, assigned_to=agent, topic_department=belastingen, subject="Vraag over de hondenbelasting")
    TransferFactory(contact=moved, to_department=belastingen, reason="Vraag over de aanslag", not_for_us_at=timezone.now(), correct_department=burgerzaken)
    for _ in range(2):
        ContactFactory(started_at=_at(40), outcome=Outcome.TRANSFERRED, assigned_to=agent, topic_department=burgerzaken, subject="Oude vraag")
    services.metrics_rebuild()
    return moved


def test_team_lead_changes_the_period_and_drills_down_from_the_transfer_rate(page, live_server, login_page, teamlead, figures, axe):
    login_page(page, "teamleider")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Dashboard").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "KCC-dashboard"
    assert page.get_by_test_id("freshness").inner_text().startswith("Cijfers berekend op")
    transfer = page.get_by_test_id("tile-transfer_rate")
    assert "25,0%" in transfer.inner_text()  # last 30 days: 1 of 4
    # After-call work beside handle time: the median of 30 s, 1 min and 3 min is in [60, 75 s).
    acw = page.get_by_test_id("tile-acw_median")
    expect(acw).to_contain_text("Nawerktijd (mediaan)")
    assert "1 min" in acw.locator(".kcc-dash-tile__value").inner_text()
    assert "over 3 klantcontacten" in acw.inner_text()
    expect(page.get_by_test_id("tile-acw_p90")).to_contain_text("Nawerktijd (90e percentiel)")
    agents = page.get_by_test_id("table-by_agent")
    expect(agents.locator("th[scope=col]", has_text="Nawerktijd (mediaan)")).to_have_count(1)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_test_id("tile-handle_median").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-after-call-work.png"))
    acw.locator("summary").click()  # its definition, by keyboard or mouse
    expect(acw.locator("details")).to_contain_text("Gesprek beëindigd")
    axe(page, context="KCC dashboard")

    # Change the period to the last 60 days: now 3 of 6 contacts were transferred.
    start = (timezone.localdate(timezone.now(), METRICS_TZ) - timedelta(days=59)).isoformat()
    page.get_by_label("Van", exact=True).fill(start)
    page.get_by_role("button", name="Cijfers tonen").click()
    expect(page.get_by_test_id("tile-transfer_rate")).to_contain_text("50,0%")  # htmx swapped the figures
    assert start in page.url
    assert "3 van 6 klantcontacten" in page.get_by_test_id("tile-transfer_rate").inner_text()
    assert page.locator("#figures-status").inner_text().startswith("Cijfers bijgewerkt voor")
    axe(page, context="KCC dashboard after changing the period")

    # Drill down from the transfer rate to the contacts behind it.
    page.get_by_test_id("tile-transfer_rate").get_by_role("link", name="Doorverbindpercentage: 50,0%").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("drilldown-heading").inner_text() == "Klantcontacten: Doorverbonden"
    assert page.get_by_test_id("drilldown-count").inner_text().startswith("3 klantcontacten")
    table = page.get_by_test_id("drilldown-table")
    assert "Vraag over de hondenbelasting" in table.inner_text()
    assert table.get_by_role("link", name=f"#{figures.pk}").count() == 1
    axe(page, context="drill-down list")


def test_charts_are_drawn_and_each_has_its_accessible_table(page, live_server, login_page, teamlead, figures, axe):
    login_page(page, "teamleider")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_load_state("networkidle")
    charts = page.locator("canvas[data-chart]")
    assert charts.count() == 5
    for i in range(charts.count()):
        canvas = charts.nth(i)
        expect(canvas).to_have_attribute("data-drawn", "1")
        assert canvas.get_attribute("role") == "img"
        assert "tabel" in canvas.get_attribute("aria-label")
        assert page.evaluate("(c) => !!window.Chart.getChart(c)", canvas.element_handle())
        section = page.locator("section.kcc-dash-chart").nth(i)
        details = section.locator("details")
        details.locator("summary").click()  # keyboard and mouse users open the table
        table = details.get_by_role("table")
        assert table.is_visible()
        assert table.locator("caption").inner_text()
        assert table.locator("th[scope=col]").count() >= 2
        assert table.locator("tbody tr").count() >= 1
    axe(page, context="dashboard with every chart table open")


def test_department_view_agent_figures_and_monthly_report_are_accessible(page, live_server, login_page, manager_belastingen, agent, belastingen, figures, axe):
    login_page(page, "manager-belastingen")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Dashboard").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Afdelingsoverzicht Belastingen").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard Belastingen"
    assert "1" in page.get_by_test_id("tile-incoming_transfers").inner_text()
    axe(page, context="department view")
    page.goto(f"{live_server.url}/dashboard/maandrapport/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()  # shown by JavaScript
    axe(page, context="monthly report")
    page.get_by_role("button", name="Uitloggen").click()

    login_page(page, "agent")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn cijfers").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Mijn cijfers"
    axe(page, context="my figures")
