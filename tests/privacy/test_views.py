import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from channels.models import Contact
from kcc.core.constants import LogAction, Purpose, Role
from kcc.core.models import Customer, ProcessingLogEntry
from kcc.core.services import processing_log_record
from kcc.privacy.constants import RunMode, RunStatus
from kcc.privacy.models import LegalHold, RetentionRun

pytestmark = pytest.mark.django_db

PAGES = [
    ("privacy:home", []), ("privacy:customer_search", []), ("privacy:retention", []), ("privacy:processing_log", []),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_privacy_pages_are_for_the_privacy_officer_only(name, args, login, privacy_officer, agent, teamlead, admin_user, manager_belastingen):
    url = reverse(name, args=args)
    assert login(privacy_officer).get(url).status_code == 200
    for user in (agent, teamlead, admin_user, manager_belastingen):
        assert login(user).get(url).status_code == 403


def test_the_privacy_officer_has_a_menu_item_and_a_role_label(login, privacy_officer):
    html = login(privacy_officer).get(reverse("core:home")).content.decode()
    assert reverse("privacy:home") in html
    assert "Privacyfunctionaris" in html or "Privacy officer" in html


def test_resident_search_is_posted_and_finds_restricted_and_by_bsn(login, privacy_officer, make_resident):
    resident = make_resident(bsn="123456782")
    Customer.objects.filter(pk=resident.customer.pk).update(restricted_at=resident.customer.created_at)
    client = login(privacy_officer)

    response = client.post(reverse("privacy:customer_search"), {"q": "123456782"})

    assert response.status_code == 200
    assert reverse("privacy:customer_detail", args=[resident.customer.pk]) in response.content.decode()
    assert ProcessingLogEntry.objects.filter(customer_ref=resident.customer.pk, action=LogAction.SEARCH, purpose=Purpose.PRIVACY_REQUEST).exists()
    assert client.get(reverse("privacy:customer_search") + "?q=123456782").content.decode().count("123456782") == 0


def test_resident_page_logs_the_view_and_shows_the_whole_chain(login, privacy_officer, make_resident):
    survivor = make_resident()
    duplicate = make_resident(first="J.")
    Customer.objects.filter(pk=duplicate.customer.pk).update(merged_into=survivor.customer)

    html = login(privacy_officer).get(reverse("privacy:customer_detail", args=[survivor.customer.pk])).content.decode()

    assert "J. Jansen" in html
    assert ProcessingLogEntry.objects.filter(customer_ref=survivor.customer.pk, action=LogAction.VIEW, purpose=Purpose.PRIVACY_REQUEST).exists()


def test_erase_needs_the_customer_number_typed_again(login, privacy_officer, make_resident):
    resident = make_resident()
    url = reverse("privacy:customer_erase", args=[resident.customer.pk])
    client = login(privacy_officer)

    response = client.post(url, {"confirm": resident.customer.pk + 1})
    assert response.status_code == 422
    assert Customer.objects.get(pk=resident.customer.pk).erased_at is None

    response = client.post(url, {"confirm": resident.customer.pk})
    assert response.status_code == 302
    assert Customer.objects.get(pk=resident.customer.pk).erased_at is not None


def test_erase_under_legal_hold_is_refused_with_a_message(login, privacy_officer, make_resident):
    resident = make_resident()
    client = login(privacy_officer)
    client.post(reverse("privacy:legal_hold_set", args=[resident.customer.pk]), {"reason": "bezwaar 12"})
    assert LegalHold.objects.active().filter(customer=resident.customer).exists()

    response = client.post(reverse("privacy:customer_erase", args=[resident.customer.pk]), {"confirm": resident.customer.pk})

    assert response.status_code == 422
    assert "bewaarplicht" in response.content.decode().lower() or "legal hold" in response.content.decode().lower()


def test_hold_on_one_record_accepts_only_the_residents_own_records(login, privacy_officer, make_resident):
    resident = make_resident()
    other = make_resident(first="Piet")
    client = login(privacy_officer)
    url = reverse("privacy:legal_hold_set", args=[resident.customer.pk])

    forged = client.post(url, {"record-target": f"contact:{other.email_contact.pk}", "record-reason": "klacht"})
    assert forged.status_code == 422 and not LegalHold.objects.exists()

    ok = client.post(url, {"record-target": f"contact:{resident.email_contact.pk}", "record-reason": "klacht"})
    assert ok.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.contact_id == resident.email_contact.pk

    client.post(reverse("privacy:legal_hold_lift", args=[hold.pk]))
    hold.refresh_from_db()
    assert hold.lifted_at is not None


def test_restrict_and_lift_from_the_resident_page(login, privacy_officer, make_resident):
    resident = make_resident()
    client = login(privacy_officer)
    client.post(reverse("privacy:customer_restrict", args=[resident.customer.pk]))
    assert Customer.objects.get(pk=resident.customer.pk).restricted_at is not None
    client.post(reverse("privacy:customer_restrict", args=[resident.customer.pk]), {"lift": "1"})
    assert Customer.objects.get(pk=resident.customer.pk).restricted_at is None


def test_destruction_list_page_shows_and_approval_deletes(login, privacy_officer, make_resident):
    old = make_resident(ended=timedelta(days=400))
    client = login(privacy_officer)

    response = client.post(reverse("privacy:retention"))
    listed = RetentionRun.objects.get(mode=RunMode.DRY_RUN)
    assert response["Location"] == reverse("privacy:retention_run", args=[listed.pk])
    html = client.get(response["Location"]).content.decode()
    assert str(old.email_contact.pk) in html and "Jansen" not in html
    assert Contact.objects.filter(customer=old.customer).count() == 2

    response = client.post(reverse("privacy:retention_approve", args=[listed.pk]))
    assert response.status_code == 302
    assert not Contact.objects.filter(customer=old.customer).exists()
    listed.refresh_from_db()
    assert listed.status == RunStatus.DONE


def test_processing_log_filters_per_resident_employee_and_action(login, privacy_officer, agent, agent2, make_resident):
    a = make_resident()
    b = make_resident(first="Piet")
    processing_log_record(user=agent, customers=[a.customer], action=LogAction.VIEW, purpose=Purpose.ANSWER_QUESTION, context="klantbeeld")
    processing_log_record(user=agent2, customers=[b.customer], action=LogAction.VIEW, purpose=Purpose.ANSWER_QUESTION, context="klantbeeld")
    processing_log_record(user=agent, customers=[b.customer], action=LogAction.SEARCH, purpose=Purpose.IDENTIFY, context="klant zoeken")
    client = login(privacy_officer)
    url = reverse("privacy:processing_log")

    per_resident = client.get(url, {"customer": a.customer.pk}).context["page"].object_list
    assert {e.customer_ref for e in per_resident} == {a.customer.pk}
    per_employee = client.get(url, {"user": agent.pk}).context["page"].object_list
    assert {(e.customer_ref, e.action) for e in per_employee} == {(a.customer.pk, "view"), (b.customer.pk, "search")}
    searches = client.get(url, {"user": agent.pk, "action": "search"}).context["page"].object_list
    assert [e.customer_ref for e in searches] == [b.customer.pk]
    bad = client.get(url, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert bad.context["page"].paginator.count == 0


def test_processing_log_is_paginated(login, privacy_officer, agent, make_resident):
    resident = make_resident()
    for _ in range(60):
        processing_log_record(user=agent, customers=[resident.customer], action=LogAction.VIEW, purpose=Purpose.ANSWER_QUESTION)
    client = login(privacy_officer)
    page1 = client.get(reverse("privacy:processing_log"), {"user": agent.pk})
    assert len(page1.context["page"].object_list) == 50
    page2 = client.get(reverse("privacy:processing_log"), {"user": agent.pk, "pagina": 2})
    assert len(page2.context["page"].object_list) == 10


def test_processing_log_csv_is_safe_against_formula_injection(login, privacy_officer, make_resident, django_user_model, kcc_department):
    from tests.conftest import make_staff

    evil = make_staff("=HYPERLINK(1)", kcc_department, Role.AGENT)
    resident = make_resident()
    processing_log_record(user=evil, customers=[resident.customer], action=LogAction.VIEW, purpose=Purpose.ANSWER_QUESTION, context="+cmd|x")

    response = login(privacy_officer).get(reverse("privacy:processing_log"), {"user": evil.pk, "formaat": "csv"})

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][5] == "'+cmd|x"
    assert rows[1][2] == str(resident.customer.pk)
