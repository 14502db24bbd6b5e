import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from callbacks.constants import AttemptResult, CallbackStatus
from callbacks.models import CallbackRequest
from callbacks.services import callback_attempt_log, callback_claim
from kcc.core.constants import LogAction, Purpose
from kcc.core.models import ProcessingLogEntry

from .factories import CallbackFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def two_departments(make_callback, belastingen, burgerzaken, resident):
    ours = make_callback(target_department=belastingen, customer=resident, question="Bezwaar WOZ")
    theirs = make_callback(target_department=burgerzaken, caller_name="Kees Burger", question="Paspoort kwijt")
    return ours, theirs


# --- scoping -----------------------------------------------------------------------------


def test_backoffice_queue_shows_only_its_own_department(login, backoffice_belastingen, two_departments):
    html = login(backoffice_belastingen).get(reverse("callbacks:queue")).content.decode()
    assert "Bezwaar WOZ" in html
    assert "Paspoort kwijt" not in html


def test_another_departments_callback_is_a_404_also_by_htmx(login, backoffice_belastingen, two_departments):
    ours, theirs = two_departments
    client = login(backoffice_belastingen)
    assert client.get(reverse("callbacks:detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("callbacks:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("callbacks:detail", args=[theirs.pk]), **HTMX).status_code == 404
    for name in ("claim", "release", "attempt", "close", "cancel", "reassign"):
        response = client.post(reverse(f"callbacks:{name}", args=[theirs.pk]), {"attempt-result": "reached"}, **HTMX)
        assert response.status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.status == CallbackStatus.OPEN and not theirs.attempts.exists()


def test_manager_sees_own_department_and_teamlead_sees_all(login, manager_belastingen, teamlead, two_departments):
    ours, theirs = two_departments
    assert login(manager_belastingen).get(reverse("callbacks:detail", args=[theirs.pk])).status_code == 404
    client = login(teamlead)
    assert client.get(reverse("callbacks:detail", args=[theirs.pk])).status_code == 200
    html = client.get(reverse("callbacks:queue")).content.decode()
    assert "Bezwaar WOZ" in html and "Paspoort kwijt" in html


def test_agent_sees_callbacks_of_residents_and_own_but_not_others_anonymous(login, agent, agent2, make_callback, two_departments):
    ours, theirs = two_departments  # both made by `agent`
    other = make_callback(user=agent2, caller_name="Anoniem", question="Anonieme vraag van collega")
    client = login(agent)
    assert client.get(reverse("callbacks:detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("callbacks:detail", args=[other.pk])).status_code == 404
    client = login(agent2)
    assert client.get(reverse("callbacks:detail", args=[ours.pk])).status_code == 200  # identified resident
    assert client.get(reverse("callbacks:detail", args=[theirs.pk])).status_code == 404  # anonymous, not theirs
    # Agents read but do not work another department's callbacks.
    assert client.post(reverse("callbacks:claim", args=[ours.pk])).status_code == 404


def test_forged_colleague_of_another_department_in_reassign_is_refused(login, backoffice_belastingen, backoffice_burgerzaken, two_departments, belastingen):
    ours, _ = two_departments
    response = login(backoffice_belastingen).post(
        reverse("callbacks:reassign", args=[ours.pk]),
        {"reassign-department": belastingen.pk, "reassign-assignee": backoffice_burgerzaken.pk, "reassign-reason": "Probeer"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "<html" not in response.content.decode()
    ours.refresh_from_db()
    assert ours.assigned_to is None and ours.target_department == belastingen


def test_forged_department_id_in_reassign_is_refused(login, backoffice_belastingen, two_departments):
    ours, _ = two_departments
    response = login(backoffice_belastingen).post(
        reverse("callbacks:reassign", args=[ours.pk]), {"reassign-department": 999999, "reassign-reason": "x"},
    )
    assert response.status_code == 422
    assert "geldige keuze" in response.content.decode()


def test_forged_department_in_queue_filter_shows_nothing(login, backoffice_belastingen, two_departments, burgerzaken):
    html = login(backoffice_belastingen).get(reverse("callbacks:queue") + f"?department={burgerzaken.pk}").content.decode()
    assert "Paspoort kwijt" not in html and "Bezwaar WOZ" not in html
    assert "Dit filter kan niet" in html


def test_backoffice_may_open_the_resident_of_its_callback(login, backoffice_belastingen, backoffice_burgerzaken, two_departments, resident):
    assert login(backoffice_belastingen).get(reverse("core:customer_detail", args=[resident.pk])).status_code == 200
    assert login(backoffice_burgerzaken).get(reverse("core:customer_detail", args=[resident.pk])).status_code == 404


# --- lists -------------------------------------------------------------------------------


def test_queue_is_sorted_by_deadline_and_marks_overdue_in_text(login, backoffice_belastingen, belastingen):
    today = timezone.localdate()
    CallbackFactory(target_department=belastingen, question="Later", deadline=today + dt.timedelta(days=7))
    CallbackFactory(target_department=belastingen, question="Te laat", deadline=today - dt.timedelta(days=7))
    html = login(backoffice_belastingen).get(reverse("callbacks:queue")).content.decode()
    assert html.index("Te laat") < html.index("Later")
    assert "werkdagen te laat" in html


def test_queue_filters_overdue_priority_and_assignment(login, backoffice_belastingen, belastingen):
    today = timezone.localdate()
    CallbackFactory(target_department=belastingen, question="Q-late", deadline=today - dt.timedelta(days=7))
    CallbackFactory(target_department=belastingen, question="Q-urgent", priority="high")
    CallbackFactory(target_department=belastingen, question="Q-mine", assigned_to=backoffice_belastingen)
    CallbackFactory(target_department=belastingen, question="Q-done", done=True)
    client = login(backoffice_belastingen)

    def shown(query):
        html = client.get(reverse("callbacks:queue") + query, **HTMX).content.decode()
        return {q for q in ("Q-late", "Q-urgent", "Q-mine", "Q-done") if q in html}

    assert shown("") == {"Q-late", "Q-urgent", "Q-mine"}
    assert shown("?overdue=yes") == {"Q-late"}
    assert shown("?priority=high") == {"Q-urgent"}
    assert shown("?assigned=me") == {"Q-mine"}
    assert shown("?status=done") == {"Q-done"}
    assert shown("?status=all") == {"Q-late", "Q-urgent", "Q-mine", "Q-done"}


def test_queue_htmx_returns_only_the_results_fragment(login, backoffice_belastingen, two_departments):
    response = login(backoffice_belastingen).get(reverse("callbacks:queue"), **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "Bezwaar WOZ" in html
    assert "HX-Request" in response["Vary"]


def test_mine_shows_claimed_and_assigned_to_me_only(login, backoffice_belastingen, backoffice2_belastingen, belastingen):
    CallbackFactory(target_department=belastingen, question="Q-claimed", claimed=True, claimed_by=backoffice_belastingen)
    CallbackFactory(target_department=belastingen, question="Q-assigned", assigned_to=backoffice_belastingen)
    CallbackFactory(target_department=belastingen, question="Q-colleague", claimed=True, claimed_by=backoffice2_belastingen)
    CallbackFactory(target_department=belastingen, question="Q-queue")
    html = login(backoffice_belastingen).get(reverse("callbacks:mine")).content.decode()
    assert "Q-claimed" in html and "Q-assigned" in html
    assert "Q-colleague" not in html and "Q-queue" not in html


@pytest.mark.parametrize("url_name", ["callbacks:queue", "callbacks:mine"])
def test_list_pages_run_a_fixed_number_of_queries(login, backoffice_belastingen, belastingen, url_name, django_assert_num_queries):
    client = login(backoffice_belastingen)
    url = reverse(url_name)

    def make(n):
        for _ in range(n):
            CallbackFactory(target_department=belastingen, assigned_to=backoffice_belastingen, claimed=True, claimed_by=backoffice_belastingen)

    make(3)
    client.get(url)  # warm the session
    # session, user, memberships, page count, page, closure days, processing log
    with django_assert_num_queries(7) as few:
        assert client.get(url).status_code == 200
    make(40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('href="/terugbellen/') >= 43


def test_list_read_of_residents_is_in_the_processing_log(login, backoffice_belastingen, two_departments, resident):
    login(backoffice_belastingen).get(reverse("callbacks:queue"))
    entry = ProcessingLogEntry.objects.get(customer=resident, user=backoffice_belastingen)
    assert (entry.action, entry.purpose) == (LogAction.VIEW, Purpose.CALLBACK)


# --- actions -----------------------------------------------------------------------------


def test_claim_attempt_and_close_through_the_pages(login, backoffice_belastingen, two_departments):
    ours, _ = two_departments
    client = login(backoffice_belastingen)
    response = client.post(reverse("callbacks:claim", args=[ours.pk]), **HTMX)
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "opgepakt" in response.content.decode()
    response = client.post(reverse("callbacks:close", args=[ours.pk]), {"close-outcome": "Klaar"}, **HTMX)
    assert response.status_code == 422
    assert "Registreer eerst de belpoging" in response.content.decode()
    response = client.post(reverse("callbacks:attempt", args=[ours.pk]), {"attempt-result": "no_answer", "attempt-note": "Geen gehoor om 10u"})
    assert response.status_code == 302
    response = client.post(reverse("callbacks:attempt", args=[ours.pk]), {"attempt-result": "reached"}, **HTMX)
    assert "Belpoging geregistreerd: bereikt" in response.content.decode()
    response = client.post(reverse("callbacks:close", args=[ours.pk]), {"close-outcome": "Uitleg gegeven"})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.status == CallbackStatus.DONE
    detail = client.get(reverse("callbacks:detail", args=[ours.pk])).content.decode()
    assert "Geen gehoor om 10u" in detail and "Afgerond" in detail


def test_claim_conflict_is_reported_with_the_winner(login, backoffice_belastingen, backoffice2_belastingen, two_departments):
    ours, _ = two_departments
    callback_claim(user=backoffice_belastingen, callback=ours)
    response = login(backoffice2_belastingen).post(reverse("callbacks:claim", args=[ours.pk]), **HTMX)
    assert response.status_code == 409
    assert "Petra Jansen heeft dit terugbelverzoek al opgepakt" in response.content.decode()


def test_attempt_form_error_keeps_the_note(login, backoffice_belastingen, two_departments):
    ours, _ = two_departments
    response = login(backoffice_belastingen).post(reverse("callbacks:attempt", args=[ours.pk]), {"attempt-note": "Mijn notitie"}, **HTMX)
    assert response.status_code == 422
    assert "Mijn notitie" in response.content.decode()
    assert not ours.attempts.exists()


def test_detail_read_is_in_the_processing_log(login, backoffice_belastingen, two_departments, resident):
    ours, _ = two_departments
    ProcessingLogEntry.objects.all().delete()
    login(backoffice_belastingen).get(reverse("callbacks:detail", args=[ours.pk]))
    assert ProcessingLogEntry.objects.filter(customer=resident, context=f"terugbelverzoek {ours.pk}").exists()


def test_reassign_to_another_department_leaves_the_page(login, backoffice_belastingen, burgerzaken, two_departments):
    ours, _ = two_departments
    response = login(backoffice_belastingen).post(
        reverse("callbacks:reassign", args=[ours.pk]), {"reassign-department": burgerzaken.pk, "reassign-reason": "Niet voor ons"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("callbacks:queue")
    ours.refresh_from_db()
    assert ours.target_department == burgerzaken


def test_colleague_options_list_only_that_departments_colleagues(login, agent, backoffice_belastingen, backoffice_burgerzaken, belastingen):
    html = login(agent).get(reverse("callbacks:colleague_options") + f"?target_department={belastingen.pk}&guide=1").content.decode()
    assert "Petra Jansen" in html and "Ahmed Bouali" not in html
    assert 'id="department-guide"' in html
    assert reverse("knowledgebase:guide_detail", args=[belastingen.code]) in html


# --- create ------------------------------------------------------------------------------


def test_agent_creates_a_standalone_callback_for_an_anonymous_caller(login, agent, belastingen, backoffice_belastingen):
    response = login(agent).post(reverse("callbacks:create"), {
        "caller_name": "Mevrouw de Wit", "phone": "020 123 4567", "question": "Wil bezwaar maken",
        "target_department": belastingen.pk, "assigned_to": backoffice_belastingen.pk, "priority": "high", "time_window": "morning",
    })
    assert response.status_code == 302
    callback = CallbackRequest.objects.get()
    assert (callback.caller_name, callback.phone, callback.assigned_to, callback.created_by) == ("Mevrouw de Wit", "+31201234567", backoffice_belastingen, agent)


def test_created_message_shows_the_deadline_in_the_project_date_style(login, agent, belastingen):
    from django.utils.formats import date_format

    response = login(agent).post(reverse("callbacks:create"), {
        "caller_name": "Mevrouw de Wit", "phone": "020 123 4567", "question": "Wil bezwaar maken",
        "target_department": belastingen.pk, "priority": "normal", "time_window": "morning",
    }, follow=True)
    deadline = CallbackRequest.objects.get().deadline
    html = response.content.decode()
    assert date_format(deadline) in html  # "4 dec 2026" (kcc/formats/nl/formats.py)
    assert deadline.strftime("%d-%m-%Y") not in html


def test_create_with_a_bad_phone_number_keeps_the_input_and_explains(login, agent, belastingen):
    response = login(agent).post(reverse("callbacks:create"), {
        "caller_name": "Mevrouw de Wit", "phone": "06-123", "question": "Mijn lange vraag", "target_department": belastingen.pk,
        "priority": "normal", "time_window": "anytime",
    })
    assert response.status_code == 422
    html = response.content.decode()
    assert "telefoonnummer" in html.lower() and "Mijn lange vraag" in html
    assert not CallbackRequest.objects.exists()


def test_anonymous_callback_without_name_is_refused_and_keeps_input(login, agent, belastingen):
    response = login(agent).post(reverse("callbacks:create"), {
        "phone": "0612345678", "question": "Mijn vraag", "target_department": belastingen.pk, "priority": "normal", "time_window": "anytime",
    })
    assert response.status_code == 422
    assert "Mijn vraag" in response.content.decode()
    assert not CallbackRequest.objects.exists()


def test_create_for_a_customer_prefills_the_phone(login, agent, resident):
    html = login(agent).get(reverse("callbacks:create") + f"?customer={resident.pk}").content.decode()
    assert "Jan Jansen" in html and 'value="06 12345678"' in html


def test_forged_customer_id_in_create_is_a_404(login, agent, belastingen):
    response = login(agent).post(reverse("callbacks:create"), {
        "customer": 987654, "phone": "0612345678", "question": "x", "target_department": belastingen.pk, "priority": "normal", "time_window": "anytime",
    })
    assert response.status_code == 404
    assert not CallbackRequest.objects.exists()


def test_create_refuses_a_colleague_of_another_department(login, agent, belastingen, backoffice_burgerzaken):
    response = login(agent).post(reverse("callbacks:create"), {
        "caller_name": "X", "phone": "0612345678", "question": "x", "target_department": belastingen.pk,
        "assigned_to": backoffice_burgerzaken.pk, "priority": "normal", "time_window": "anytime",
    })
    assert response.status_code == 422
    assert not CallbackRequest.objects.exists()


def test_backoffice_cannot_use_the_agents_create_form(login, backoffice_belastingen):
    assert login(backoffice_belastingen).get(reverse("callbacks:create")).status_code == 403


# --- overview, timeline, home ------------------------------------------------------------


def test_overview_per_department_with_percentages_and_ageing(login, teamlead, manager_belastingen, backoffice_belastingen, belastingen, burgerzaken):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    for on_time in (True, True, True, False):
        CallbackFactory(target_department=belastingen, deadline=yesterday, status=CallbackStatus.DONE, closed_at=timezone.now(), closed_on_time=on_time)
    CallbackFactory(target_department=belastingen, deadline=today - dt.timedelta(days=10), created_at=timezone.now() - dt.timedelta(days=20))
    CallbackFactory(target_department=burgerzaken)
    html = login(teamlead).get(reverse("callbacks:overview")).content.decode()
    assert "Belastingen" in html and "Burgerzaken" in html
    assert "75% <span class=\"kcc-muted\">(3/4)</span>" in html or "60%" in html
    response = login(manager_belastingen).get(reverse("callbacks:overview"))
    assert "Burgerzaken" not in response.content.decode()
    assert login(backoffice_belastingen).get(reverse("callbacks:overview")).status_code == 403


def test_overview_numbers(teamlead, belastingen):
    from callbacks.selectors import department_overview

    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    for on_time in (True, True, True, False):
        CallbackFactory(target_department=belastingen, deadline=yesterday, status=CallbackStatus.DONE, closed_at=timezone.now(), closed_on_time=on_time)
    CallbackFactory(target_department=belastingen, deadline=yesterday, status=CallbackStatus.CANCELLED, closed_at=timezone.now())
    CallbackFactory(target_department=belastingen, deadline=today - dt.timedelta(days=3), created_at=timezone.now() - dt.timedelta(days=30))  # open, late
    CallbackFactory(target_department=belastingen, deadline=today + dt.timedelta(days=2))  # open, made today
    row = next(r for r in department_overview(user=teamlead)["rows"] if r.department == belastingen)
    assert (row.open, row.overdue) == (2, 1)
    assert (row.on_time, row.due) == (3, 5)  # the late open one counts as not on time
    assert row.ageing == {"0-1": 1, "2-3": 0, "4-5": 0, ">5": 1}


def test_customer_timeline_shows_callbacks_with_status_and_attempts(login, agent, backoffice_belastingen, two_departments, resident):
    ours, _ = two_departments
    callback_attempt_log(user=backoffice_belastingen, callback=ours, result=AttemptResult.VOICEMAIL)
    html = login(agent).get(reverse("core:customer_detail", args=[resident.pk])).content.decode()
    assert 'data-kind="callback"' in html  # an entry of the customer timeline (kcc.core.timeline)
    assert "Opgepakt" in html and "Voicemail" in html and "Belastingen" in html


def test_home_shows_my_callbacks_to_backoffice(login, backoffice_belastingen, belastingen):
    CallbackFactory(target_department=belastingen, question="x", claimed=True, claimed_by=backoffice_belastingen, caller_name="Henk", customer=None)
    html = login(backoffice_belastingen).get(reverse("core:home")).content.decode()
    assert "Mijn terugbelverzoeken" in html and "Henk" in html


def test_contact_panel_tells_the_agent_the_residents_callback_is_open(rf, agent, make_contact, two_departments, resident):
    from django.template.loader import render_to_string

    from callbacks.integrations import contact_panel_context
    from channels import panels

    assert any(p.template == "callbacks/contact_panel.html" for p in panels._panels)
    request = rf.get("/")
    request.user = agent
    contact = make_contact(customer=resident)
    ctx = contact_panel_context(request, contact)
    assert [c.question for c in ctx["open"]] == ["Bezwaar WOZ"]
    html = render_to_string("callbacks/contact_panel.html", {"ctx": ctx}, request=request)
    assert "Deze inwoner heeft 1 open terugbelverzoek" in html
    # Closing with a callback happens in the close form now: no link to the old second step.
    assert reverse("callbacks:create_from_contact", args=[contact.pk]) not in html


def test_detail_page_renders_every_state(login, teamlead, belastingen):
    client = login(teamlead)
    for kwargs in ({"done": True}, {"status": CallbackStatus.UNREACHABLE, "closed_at": timezone.now()},
                   {"status": CallbackStatus.CANCELLED, "closed_at": timezone.now(), "outcome": "Ingetrokken"},
                   {"anonymous": True}, {"overdue": True}):
        callback = CallbackFactory(target_department=belastingen, **kwargs)
        response = client.get(reverse("callbacks:detail", args=[callback.pk]))
        assert response.status_code == 200, kwargs
        if kwargs.get("overdue"):
            assert "werkdagen te laat" in response.content.decode() or "werkdag te laat" in response.content.decode()


def test_overview_links_departments_to_their_queue(login, manager_belastingen, belastingen):
    html = login(manager_belastingen).get(reverse("callbacks:overview")).content.decode()
    assert f'href="/terugbellen/?department={belastingen.pk}"' in html


def test_functional_admin_maintains_closure_days_in_the_admin(login, admin_user):
    from datetime import date

    from kcc.core.models import ClosureDay

    client = login(admin_user)
    assert client.get("/beheer/core/closureday/").status_code == 200
    response = client.post("/beheer/core/closureday/add/", {"date": "2026-05-15", "description": "Brugdag na Hemelvaart"})
    assert response.status_code == 302
    assert ClosureDay.objects.get().date == date(2026, 5, 15)


def test_customer_merge_in_the_inbox_moves_callbacks(teamlead, make_callback, resident):
    from channels.services import customer_merge
    from tests.core.factories import CustomerFactory

    callback = make_callback(customer=resident)
    survivor = CustomerFactory()
    customer_merge(user=teamlead, source=resident, target=survivor)
    callback.refresh_from_db()
    assert callback.customer == survivor
