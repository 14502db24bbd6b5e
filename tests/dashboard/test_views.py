"""Dashboard pages: figures as computed by hand, scoping per role, drill-down, exports."""

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from channels.constants import Channel, Outcome
from kcc.core.constants import Role
from kcc.dashboard import services
from kcc.dashboard.models import JobState
from tests.conftest import make_staff
from tests.core.factories import CustomerFactory, DepartmentFactory

from .factories import CallbackFactory, ContactFactory, TransferFactory, local

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 20, 12, 0)
PERIOD = {"date_from": "2026-03-01", "date_to": "2026-03-20"}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dataset(clock, agent, agent2, belastingen, burgerzaken):
    """March: Belastingen 5 contacts by `agent` (3 resolved, 1 transferred and misrouted, 1
    callback), Burgerzaken 2 by `agent2` (1 resolved, 1 referred). February (the previous
    period): Belastingen 2 resolved."""
    day = local(2026, 3, 10, 10, 0)
    for outcome in (Outcome.RESOLVED, Outcome.RESOLVED, Outcome.RESOLVED, Outcome.CALLBACK):
        ContactFactory(started_at=day, outcome=outcome, assigned_to=agent, topic_department=belastingen)
    moved = ContactFactory(started_at=day, outcome=Outcome.TRANSFERRED, assigned_to=agent, topic_department=belastingen, subject="Vraag over de WOZ")
    TransferFactory(contact=moved, to_department=belastingen, reason="Vraag over de aanslag", not_for_us_at=NOW, correct_department=burgerzaken)
    ContactFactory(started_at=day, outcome=Outcome.RESOLVED, assigned_to=agent2, topic_department=burgerzaken, channel=Channel.EMAIL)
    ContactFactory(started_at=day, outcome=Outcome.REFERRED, assigned_to=agent2, topic_department=burgerzaken, channel=Channel.EMAIL)
    for _ in range(2):
        ContactFactory(started_at=local(2026, 2, 20, 10, 0), outcome=Outcome.RESOLVED, assigned_to=agent, topic_department=belastingen)
    CallbackFactory(target_department=belastingen, deadline=date(2026, 3, 12), status="done", closed_at=local(2026, 3, 12, 11, 0))
    CallbackFactory(target_department=belastingen, deadline=date(2026, 3, 12), status="done", closed_at=local(2026, 3, 13, 11, 0))
    CallbackFactory(target_department=burgerzaken, deadline=date(2026, 3, 16))
    services.metrics_rebuild()
    return {"moved": moved}


def tiles(html: str) -> dict:
    """{metric key: the figure shown in its tile}."""
    result = {}
    for key, value in re.findall(r'data-testid="tile-(\w+)".*?kcc-dash-tile__value">(?:<a[^>]*>)?(?:<span[^>]*>[^<]*</span>)?([^<]+)<', html, re.S):
        result[key] = value.strip()
    return result


def table_rows(html: str, key: str) -> list[list[str]]:
    table = re.search(rf'data-testid="table-{key}">(.*?)</table>', html, re.S).group(1)
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([re.sub(r"<span class=\"kcc-visually-hidden\">.*?</span>|<[^>]+>", "", c).strip() for c in cells])
    return rows


# --- figures ---------------------------------------------------------------------------------


def test_kcc_dashboard_shows_the_hand_computed_figures(dataset, login, teamlead):
    html = login(teamlead).get(reverse("dashboard:index"), PERIOD).content.decode()
    shown = tiles(html)
    assert shown["fcr"] == "57,1%"  # 4 of 7
    assert shown["fcr_adjusted"] == "57,1%"
    assert shown["transfer_rate"] == "14,3%"  # 1 of 7
    assert shown["misroute_rate"] == "100,0%"  # 1 of 1 transfer
    assert shown["callback_rate"] == "14,3%"
    assert shown["callback_on_time"] == "33,3%"  # 1 on time, 1 late, 1 open past its deadline
    assert shown["handle_median"] == "5 min 00 s"
    assert shown["base"] == "7"
    by_department = {r[0]: r[1:] for r in table_rows(html, "by_department")}
    assert by_department["Belastingen"][:2] == ["5", "60,0%"]
    assert by_department["Burgerzaken"][:2] == ["2", "50,0%"]
    assert by_department["Totaal"][:2] == ["7", "57,1%"]
    # FCR against the previous period (February: 2 of 2 resolved for Belastingen).
    assert by_department["Belastingen"][2] == "−40,0 pt"


@pytest.fixture
def after_call_work(clock, agent, agent2, belastingen, burgerzaken):
    """March 10: `agent` wraps up a Belastingen call in 45 s, `agent2` a Burgerzaken call in 2 min
    5 s; one call without a recorded end of the conversation."""
    talk = local(2026, 3, 10, 9, 0)
    ended = talk + timedelta(minutes=4)
    ContactFactory(started_at=talk, answered_at=talk, conversation_ended_at=ended, ended_at=ended + timedelta(seconds=45),
                   assigned_to=agent, topic_department=belastingen)
    ContactFactory(started_at=talk, answered_at=talk, conversation_ended_at=ended, ended_at=ended + timedelta(seconds=125),
                   assigned_to=agent2, topic_department=burgerzaken)
    ContactFactory(started_at=talk, assigned_to=agent, topic_department=belastingen)
    services.metrics_rebuild()


def test_after_call_work_median_and_p90_per_agent_and_department_beside_handle_time(after_call_work, login, teamlead, agent, agent2):
    html = login(teamlead).get(reverse("dashboard:index"), PERIOD).content.decode()
    shown = tiles(html)
    # Two values, 45 s and 125 s: the median is estimated within its histogram bucket [40, 50 s),
    # narrowed to the observed minimum (45 s); the p90 within [120, 150 s) narrowed to the
    # maximum (125 s): 120 + 0.8 x 5 s.
    assert shown["acw_median"] == "50 s"
    assert shown["acw_p90"] == "2 min 04 s"
    assert "gemiddeld 1 min 25 s over 2 klantcontacten" in html  # the mean, exact: (45 + 125) / 2
    columns = re.search(r'data-testid="table-by_agent">.*?</thead>', html, re.S).group(0)
    assert columns.index("Afhandeltijd (p90)") < columns.index("Nawerktijd (mediaan)") < columns.index("Nawerktijd (p90)")
    by_agent = {r[0]: r[-4:] for r in table_rows(html, "by_agent")}
    assert by_agent[agent.get_full_name()][2:] == ["45 s", "45 s"]
    assert by_agent[agent2.get_full_name()][2:] == ["2 min 05 s", "2 min 05 s"]
    by_department = {r[0]: r[-2:] for r in table_rows(html, "by_department")}
    assert by_department["Belastingen"] == ["45 s", "45 s"]
    assert by_department["Burgerzaken"] == ["2 min 05 s", "2 min 05 s"]
    # Its definition, versioned, in the tile and in the definitions section.
    assert "Nawerktijd (mediaan) <span class=\"kcc-muted\">(versie 2)</span>" in html
    assert "Gesprek beëindigd" in html


def test_after_call_work_drills_down_to_its_contacts(after_call_work, login, teamlead):
    html = login(teamlead).get(reverse("dashboard:index"), PERIOD).content.decode()
    href = re.search(r'data-testid="tile-acw_median".*?kcc-dash-tile__value"><a class="utrecht-link" href="([^"]+)"', html, re.S).group(1)
    listing = login(teamlead).get(href.replace("&amp;", "&")).content.decode()
    assert re.search(r'data-testid="drilldown-count">\s*2 klantcontacten', listing)
    table = re.search(r'data-testid="drilldown-table">(.*?)</table>', listing, re.S).group(1)
    rows = re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == 2
    assert any(">45 s<" in r for r in rows) and any(">2 min 05 s<" in r for r in rows)


def test_agent_page_with_after_call_work_query_count_is_pinned(after_call_work, login, agent, django_assert_num_queries):
    client = login(agent)
    html = client.get(reverse("dashboard:my_figures"), PERIOD).content.decode()
    assert tiles(html)["acw_median"] == "45 s"
    with django_assert_num_queries(9):
        client.get(reverse("dashboard:my_figures"), PERIOD)


def test_fcr_tile_compares_with_the_configured_target(dataset, login, teamlead, settings):
    settings.KCC_FCR_TARGET = 0.5
    html = login(teamlead).get(reverse("dashboard:index"), PERIOD).content.decode()
    assert "kcc-dash-target--met" in html
    settings.KCC_FCR_TARGET = 0.8
    html = login(teamlead).get(reverse("dashboard:index"), PERIOD).content.decode()
    assert "kcc-dash-target--missed" in html and "80,0%" in html


def test_every_chart_has_its_data_and_a_table_with_the_same_numbers(dataset, login, teamlead):
    html = login(teamlead).get(reverse("dashboard:index"), {**PERIOD, "granularity": "week"}).content.decode()
    charts = re.findall(r'<canvas data-chart="(chart-data-\w+)"', html)
    assert set(charts) == {f"chart-data-{k}" for k in ("fcr_trend", "outcomes_trend", "transfer_trend", "handle_trend", "callback_trend")}
    for chart_id in charts:
        data = json.loads(re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S).group(1))
        key = chart_id.removeprefix("chart-data-")
        rows = table_rows(html, key)
        assert [r[0] for r in rows] == data["labels"]
    fcr = json.loads(re.search(r'<script id="chart-data-fcr_trend" type="application/json">(.*?)</script>', html, re.S).group(1))
    week_11 = fcr["labels"].index("week 11 2026")
    assert fcr["series"][0]["data"][week_11] == 57.1
    assert {r[0]: r[2] for r in table_rows(html, "fcr_trend")}["week 11 2026"] == "57,1%"
    assert fcr["target"] == 80.0


def test_misroute_matrix_names_reason_wrong_and_right_department(dataset, login, teamlead):
    html = login(teamlead).get(reverse("dashboard:index"), PERIOD).content.decode()
    assert table_rows(html, "misroutes") == [["Betaling, aanslag of factuur", "Belastingen", "Burgerzaken", "1"]]


def test_metric_definitions_are_shown_with_their_version(dataset, login, teamlead):
    html = login(teamlead).get(reverse("dashboard:index"), PERIOD).content.decode()
    assert html.count('class="kcc-dash-definition"') >= 9
    assert "versie 1" in html
    assert "Europe/Amsterdam" in html


def test_the_page_shows_when_the_figures_were_computed(dataset, login, teamlead, clock):
    client = login(teamlead)
    html = client.get(reverse("dashboard:index"), PERIOD).content.decode()
    assert "20 mrt 2026 12:00" in html
    assert "kcc-dash-freshness--stale" not in html
    clock.shift(timedelta(minutes=20))  # no run for 20 minutes, beat runs every 2
    html = client.get(reverse("dashboard:index"), PERIOD).content.decode()
    assert "kcc-dash-freshness--stale" in html
    JobState.objects.all().delete()
    html = client.get(reverse("dashboard:index"), PERIOD).content.decode()
    assert "kcc-dash-freshness--stale" in html


def test_presets_and_granularity(dataset, login, teamlead):
    client = login(teamlead)
    html = client.get(reverse("dashboard:index"), {"preset": "month"}).content.decode()
    assert 'value="2026-03-01"' in html and 'value="2026-03-20"' in html
    html = client.get(reverse("dashboard:index"), {"preset": "last_quarter"}).content.decode()
    assert 'value="2025-10-01"' in html and 'value="2025-12-31"' in html
    html = client.get(reverse("dashboard:index"), {"preset": "today"}).content.decode()
    assert tiles(html)["base"] == "0"
    html = client.get(reverse("dashboard:index"), {"date_from": "2026-01-01", "date_to": "2026-03-20", "granularity": "month"}).content.decode()
    assert [r[0] for r in table_rows(html, "fcr_trend")] == ["januari 2026", "februari 2026", "maart 2026"]


def test_a_wrong_period_gets_a_clear_error_and_status_422(dataset, login, teamlead):
    client = login(teamlead)
    response = client.get(reverse("dashboard:index"), {"date_from": "2026-03-20", "date_to": "2026-03-01"})
    assert response.status_code == 422
    assert "begindatum" in response.content.decode()
    response = client.get(reverse("dashboard:index"), {"date_from": "2025-01-01", "date_to": "2026-03-01", "granularity": "day"})
    assert response.status_code == 422
    response = client.get(reverse("dashboard:index"), {"date_from": "gisteren"})
    assert response.status_code == 422


def test_htmx_filter_request_gets_only_the_figures(dataset, login, teamlead):
    response = login(teamlead).get(reverse("dashboard:index"), PERIOD, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith("<div id=\"figures\"")
    assert "<html" not in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in response["Vary"]


def test_dashboard_page_query_count_is_pinned(dataset, login, teamlead, django_assert_num_queries, kcc_department):
    client = login(teamlead)
    client.get(reverse("dashboard:index"), PERIOD)  # warm the session
    with django_assert_num_queries(15):
        client.get(reverse("dashboard:index"), PERIOD)
    # More departments, agents and days do not add queries.
    for i in range(5):
        dep = DepartmentFactory()
        person = make_staff(f"extra{i}", kcc_department, Role.AGENT)
        ContactFactory(started_at=local(2026, 3, 2 + i, 9, 0), topic_department=dep, assigned_to=person)
    services.metrics_rebuild()
    with django_assert_num_queries(15):
        client.get(reverse("dashboard:index"), PERIOD)


# --- access ----------------------------------------------------------------------------------


def test_back_office_manager_sees_only_their_own_department(dataset, login, manager_belastingen, belastingen):
    html = login(manager_belastingen).get(reverse("dashboard:index"), PERIOD).content.decode()
    assert [r[0] for r in table_rows(html, "by_department")] == ["Belastingen", "Totaal"]
    assert tiles(html)["base"] == "5"
    assert 'data-testid="table-by_agent"' not in html
    assert reverse("dashboard:department", args=[belastingen.pk]) in html


@pytest.mark.parametrize("name", ["dashboard:index", "dashboard:contacts", "dashboard:transfers", "dashboard:callbacks", "dashboard:report"])
def test_a_forged_department_parameter_is_a_404_for_a_manager(dataset, login, manager_belastingen, burgerzaken, name):
    client = login(manager_belastingen)
    assert client.get(reverse(name), {**PERIOD, "department": burgerzaken.pk}).status_code == 404
    assert client.get(reverse(name), {**PERIOD, "department": "x"}).status_code == 404


def test_transfer_list_refuses_forged_departments_for_a_manager(dataset, login, manager_belastingen, burgerzaken, belastingen):
    client = login(manager_belastingen)
    assert client.get(reverse("dashboard:transfers"), {**PERIOD, "to_department": burgerzaken.pk}).status_code == 404
    assert client.get(reverse("dashboard:transfers"), {**PERIOD, "correct_department": burgerzaken.pk}).status_code == 404
    assert client.get(reverse("dashboard:transfers"), {**PERIOD, "to_department": belastingen.pk}).status_code == 200


def test_department_view_of_another_department_is_a_404(dataset, login, manager_belastingen, belastingen, burgerzaken):
    client = login(manager_belastingen)
    assert client.get(reverse("dashboard:department", args=[belastingen.pk]), PERIOD).status_code == 200
    assert client.get(reverse("dashboard:department", args=[burgerzaken.pk]), PERIOD).status_code == 404
    assert client.get(reverse("dashboard:department", args=[999999]), PERIOD).status_code == 404


def test_department_view_shows_incoming_transfers_misroutes_callbacks_and_signals(dataset, login, manager_belastingen, belastingen, burgerzaken):
    from signals.models import Signal

    Signal.objects.create(
        title="Aanslagen komen te laat", description="Veel bellers", category="process", department=belastingen,
        ack_due=date(2026, 3, 18), raised_at=local(2026, 3, 16, 9, 0),
    )
    html = login(manager_belastingen).get(reverse("dashboard:department", args=[belastingen.pk]), PERIOD).content.decode()
    shown = tiles(html)
    assert (shown["incoming_transfers"], shown["incoming_misroute_rate"], shown["missed_transfers"]) == ("1", "100,0%", "0")
    assert shown["callback_on_time"] == "50,0%"  # Belastingen: 1 on time, 1 late
    assert table_rows(html, "misroutes_in") == [["Betaling, aanslag of factuur", "Belastingen", "Burgerzaken", "1"]]
    assert "Aanslagen komen te laat" in html
    assert "(te laat)" in html  # acknowledgement overdue
    burgerzaken_html = login(make_staff("mgr-bz", burgerzaken, Role.MANAGER)).get(
        reverse("dashboard:department", args=[burgerzaken.pk]), PERIOD
    ).content.decode()
    assert tiles(burgerzaken_html)["missed_transfers"] == "1"


def test_kcc_manager_sees_every_department_but_no_agents(dataset, login, kcc_department):
    manager = make_staff("kcc-manager", kcc_department, Role.MANAGER)
    html = login(manager).get(reverse("dashboard:index"), PERIOD).content.decode()
    assert {r[0] for r in table_rows(html, "by_department")} == {"Belastingen", "Burgerzaken", "Totaal"}
    assert 'data-testid="table-by_agent"' not in html


def test_team_lead_sees_agent_figures_and_can_open_an_agent(dataset, login, teamlead, agent):
    client = login(teamlead)
    html = client.get(reverse("dashboard:index"), PERIOD).content.decode()
    by_agent = {r[0]: r[1:] for r in table_rows(html, "by_agent")}
    assert by_agent["Sanne de Vries"][:2] == ["5", "60,0%"]
    assert by_agent["Daan Visser"][:2] == ["2", "50,0%"]
    html = client.get(reverse("dashboard:agent", args=[agent.pk]), PERIOD).content.decode()
    assert tiles(html)["base"] == "5"


@pytest.mark.parametrize("user_fixture", ["agent", "backoffice_belastingen", "editor"])
def test_roles_without_the_kcc_view_get_403(dataset, login, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    assert login(user).get(reverse("dashboard:index")).status_code == 403


def test_manager_cannot_open_an_agents_figures(dataset, login, manager_belastingen, agent):
    assert login(manager_belastingen).get(reverse("dashboard:agent", args=[agent.pk])).status_code == 403


def test_team_lead_gets_404_for_a_user_who_is_not_kcc_staff(dataset, login, teamlead, backoffice_belastingen):
    assert login(teamlead).get(reverse("dashboard:agent", args=[backoffice_belastingen.pk])).status_code == 404


def test_agent_sees_only_their_own_figures(dataset, login, agent, agent2):
    client = login(agent2)
    html = client.get(reverse("dashboard:my_figures"), PERIOD).content.decode()
    assert tiles(html)["base"] == "2"
    assert tiles(html)["fcr"] == "50,0%"
    # Drill-down: only their own contacts, and asking for a colleague's is a 404.
    response = client.get(reverse("dashboard:contacts"), {**PERIOD, "metric": "base"})
    assert 'data-testid="drilldown-count">2 klantcontacten' in response.content.decode()
    assert client.get(reverse("dashboard:contacts"), {**PERIOD, "agent": agent.pk}).status_code == 404
    assert client.get(reverse("dashboard:transfers"), PERIOD).status_code == 403


def test_navigation_offers_dashboard_to_leads_and_my_figures_to_agents(login, teamlead, agent, manager_belastingen):
    assert "Mijn cijfers" in login(agent).get(reverse("core:home")).content.decode()
    for user in (teamlead, manager_belastingen):
        assert f'href="{reverse("dashboard:index")}"' in login(user).get(reverse("core:home")).content.decode()


# --- drill-down ------------------------------------------------------------------------------


def test_drill_down_from_the_transfer_rate_lists_the_transferred_contacts(dataset, login, teamlead):
    client = login(teamlead)
    html = client.get(reverse("dashboard:index"), PERIOD).content.decode()
    href = re.search(r'data-testid="tile-transfer_rate".*?kcc-dash-tile__value"><a class="utrecht-link" href="([^"]+)"', html, re.S).group(1)
    listing = client.get(href.replace("&amp;", "&")).content.decode()
    assert 'data-testid="drilldown-count">1 klantcontact' in listing
    assert "Vraag over de WOZ" in listing
    assert reverse("channels:contact_detail", args=[dataset["moved"].pk]) in listing


def test_every_figure_in_the_department_table_links_to_its_contacts(dataset, login, teamlead, belastingen):
    client = login(teamlead)
    html = client.get(reverse("dashboard:index"), PERIOD).content.decode()
    table = re.search(r'data-testid="table-by_department">(.*?)</table>', html, re.S).group(1)
    row = next(tr for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S) if "Belastingen" in tr)
    links = dict(re.findall(r'href="([^"]+)">([^<]+)</a>', row))
    base_link = next(h for h, text in links.items() if text == "5")
    listing = client.get(base_link.replace("&amp;", "&")).content.decode()
    assert 'data-testid="drilldown-count">5 klantcontacten' in listing


def test_drill_down_of_repeat_contacts(clock, login, teamlead, belastingen):
    customer = CustomerFactory()
    first = ContactFactory(customer=customer, topic_department=belastingen, started_at=local(2026, 3, 2, 9, 0), subject="Eerste vraag")
    ContactFactory(customer=customer, topic_department=belastingen, started_at=local(2026, 3, 5, 9, 0), subject="Belt opnieuw")
    services.metrics_rebuild()
    html = login(teamlead).get(reverse("dashboard:contacts"), {**PERIOD, "metric": "repeat"}).content.decode()
    assert "Eerste vraag" in html and "Belt opnieuw" not in html
    assert f"#{first.pk}" in html


def test_manager_drill_down_hides_free_text_and_agents(dataset, login, manager_belastingen):
    html = login(manager_belastingen).get(reverse("dashboard:contacts"), {**PERIOD, "metric": "transferred"}).content.decode()
    assert "Vraag over de WOZ" not in html
    assert "Sanne" not in html
    assert 'data-testid="drilldown-count">1 klantcontact' in html


def test_callback_drill_down_by_state(dataset, login, teamlead, belastingen):
    client = login(teamlead)
    html = client.get(reverse("dashboard:callbacks"), {**PERIOD, "state": "late", "department": belastingen.pk}).content.decode()
    assert 'data-testid="drilldown-count">1 terugbelverzoek' in html
    html = client.get(reverse("dashboard:callbacks"), {**PERIOD, "state": "open_overdue"}).content.decode()
    assert 'data-testid="drilldown-count">1 terugbelverzoek' in html


def test_drill_down_list_query_count_is_pinned(dataset, login, teamlead, django_assert_num_queries):
    client = login(teamlead)
    client.get(reverse("dashboard:contacts"), PERIOD)
    with django_assert_num_queries(5):
        client.get(reverse("dashboard:contacts"), {**PERIOD, "metric": "base"})
    for _ in range(20):
        ContactFactory(started_at=local(2026, 3, 11, 9, 0))
    with django_assert_num_queries(5):
        client.get(reverse("dashboard:contacts"), {**PERIOD, "metric": "base"})


# --- exports ---------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))


def test_any_table_exports_as_csv(dataset, login, teamlead):
    response = login(teamlead).get(reverse("dashboard:index"), {**PERIOD, "export": "by_department"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:3] == ["Afdeling", "Basis", "FCR"]
    assert ["Belastingen", "5", "60,0%"] == rows[1][:3]
    assert login(teamlead).get(reverse("dashboard:index"), {**PERIOD, "export": "nope"}).status_code == 404


def test_csv_export_defuses_formulas_in_names(clock, login, teamlead):
    evil = DepartmentFactory(name='=HYPERLINK("http://evil.example","klik")', code="evil")
    get_user_model().objects.filter(pk=teamlead.pk).update(first_name="+cmd|' /C calc'!A0", last_name="")
    ContactFactory(started_at=local(2026, 3, 10, 9, 0), topic_department=evil, assigned_to=teamlead)
    other = DepartmentFactory(name="@SUM(1+1)*cmd", code="sum")
    ContactFactory(started_at=local(2026, 3, 10, 9, 0), topic_department=other, assigned_to=teamlead)
    services.metrics_rebuild()
    client = login(teamlead)
    names = [r[0] for r in _csv(client.get(reverse("dashboard:index"), {**PERIOD, "export": "by_department"}))[1:]]
    assert "'=HYPERLINK(\"http://evil.example\",\"klik\")" in names
    assert "'@SUM(1+1)*cmd" in names
    agents = [r[0] for r in _csv(client.get(reverse("dashboard:index"), {**PERIOD, "export": "by_agent"}))[1:]]
    assert "'+cmd|' /C calc'!A0" in agents


def test_drill_down_list_exports_as_csv(dataset, login, teamlead):
    rows = _csv(login(teamlead).get(reverse("dashboard:contacts"), {**PERIOD, "metric": "transferred", "export": "csv"}))
    assert rows[0][0] == "Klantcontact"
    assert len(rows) == 2 and rows[1][-1] == "Vraag over de WOZ"


# --- monthly report --------------------------------------------------------------------------


def test_printable_monthly_report(dataset, login, teamlead):
    response = login(teamlead).get(reverse("dashboard:report"), {"month": "2026-03"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "maart 2026" in html
    assert "data-kcc-print" in html
    key = {r[0]: r[1:] for r in table_rows(html, "key")}
    assert key["Eerstelijnsafhandeling (FCR)"][0] == "57,1%"
    assert "<canvas" not in html
    assert "1 februari – 28 februari 2026" in html  # compared with the previous calendar month
    assert 'value="2026-03"' in html
    assert key["Eerstelijnsafhandeling (FCR)"][1] == "100,0%"  # February: 2 of 2
    assert login(teamlead).get(reverse("dashboard:report"), {"month": "maart"}).status_code == 422


def test_monthly_report_defaults_to_last_month(dataset, login, teamlead):
    html = login(teamlead).get(reverse("dashboard:report")).content.decode()
    assert "Maandrapport KCC: februari 2026" in html
    assert 'value="2026-02"' in html


def test_open_callback_figures_of_the_department_view_link_to_their_callbacks(clock, login, manager_belastingen, belastingen):
    CallbackFactory(target_department=belastingen, deadline=date(2026, 3, 2))  # 18 days past
    CallbackFactory(target_department=belastingen, deadline=date(2026, 3, 19))  # 1 day past
    CallbackFactory(target_department=belastingen, deadline=date(2026, 4, 20))  # later
    services.metrics_rebuild()
    client = login(manager_belastingen)
    html = client.get(reverse("dashboard:department", args=[belastingen.pk]), PERIOD).content.decode()
    assert tiles(html)["open_overdue"] == "2"
    href = re.search(r'data-testid="tile-open_overdue".*?kcc-dash-tile__value"><a class="utrecht-link" href="([^"]+)"', html, re.S).group(1)
    listing = client.get(href.replace("&amp;", "&"))
    assert listing.status_code == 200
    assert 'data-testid="drilldown-count">2 terugbelverzoeken' in listing.content.decode()
    ageing = re.search(r'data-testid="table-ageing">(.*?)</table>', html, re.S).group(1)
    for link, count in re.findall(r'href="([^"]+)">(\d+)</a>', ageing):
        listing = client.get(link.replace("&amp;", "&")).content.decode()
        assert f'data-testid="drilldown-count">{count} terugbelverzoek' in listing


def test_transfer_figures_filtered_by_department_list_the_same_transfers(dataset, login, teamlead, belastingen, burgerzaken):
    moved = ContactFactory(started_at=local(2026, 3, 11, 9, 0), outcome=Outcome.TRANSFERRED, topic_department=burgerzaken)
    TransferFactory(contact=moved, to_department=belastingen, reason="Klacht", not_for_us_at=NOW, correct_department=burgerzaken)
    services.metrics_rebuild()
    client = login(teamlead)
    html = client.get(reverse("dashboard:index"), {**PERIOD, "department": burgerzaken.pk}).content.decode()
    assert "1 van 1 doorverbindingen" in html  # the misroute tile: transfers of contacts about Burgerzaken
    href = re.search(r'data-testid="tile-misroute_rate".*?kcc-dash-tile__value"><a class="utrecht-link" href="([^"]+)"', html, re.S).group(1)
    listing = client.get(href.replace("&amp;", "&")).content.decode()
    assert re.search(r'data-testid="drilldown-count">1 doorverbinding\s', listing)
    assert f"#{moved.pk}" in listing
