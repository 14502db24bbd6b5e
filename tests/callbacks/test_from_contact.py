"""The agent closes a contact with the outcome "callback" and makes the callback request in one
form and one transaction (channels.services.contact_close + callbacks.services.callback_create)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from callbacks.models import CallbackRequest
from callbacks.services import callback_create_from_contact
from channels.constants import ContactStatus, Outcome
from kcc.core.exceptions import DomainError

pytestmark = pytest.mark.django_db


def form_data(department, **extra):
    return {"phone": "06-12345678", "question": "Wil uitleg over de aanslag", "target_department": department.pk,
            "priority": "normal", "time_window": "afternoon", "note": "Eerder al gebeld", **extra}


def test_one_form_closes_the_contact_and_makes_the_callback(login, agent, belastingen, resident, make_contact):
    contact = make_contact(customer=resident, assigned_to=agent)
    client = login(agent)
    page = client.get(reverse("callbacks:create_from_contact", args=[contact.pk])).content.decode()
    assert "Jan Jansen" in page and 'value="06 12345678"' in page and contact.question in page
    response = client.post(reverse("callbacks:create_from_contact", args=[contact.pk]), form_data(belastingen))
    callback = CallbackRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("callbacks:detail", args=[callback.pk])
    contact.refresh_from_db()
    assert (contact.status, contact.outcome, contact.closed_by) == (ContactStatus.CLOSED, Outcome.CALLBACK, agent)
    assert contact.topic_department == belastingen
    assert (callback.source_contact, callback.customer, callback.created_by) == (contact, resident, agent)
    assert callback.time_window == "afternoon" and callback.note == "Eerder al gebeld"


def test_invalid_input_saves_neither_and_keeps_the_input(login, agent, belastingen, resident, make_contact):
    contact = make_contact(customer=resident)
    response = login(agent).post(reverse("callbacks:create_from_contact", args=[contact.pk]), form_data(belastingen, phone="12"))
    assert response.status_code == 422
    assert "Wil uitleg over de aanslag" in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN
    assert not CallbackRequest.objects.exists()


def test_contact_refusal_rolls_back_everything(login, agent, agent2, belastingen, resident, make_contact):
    contact = make_contact(customer=resident, assigned_to=agent2)  # a colleague is handling it
    response = login(agent).post(reverse("callbacks:create_from_contact", args=[contact.pk]), form_data(belastingen))
    assert response.status_code == 422
    assert "Daan Visser" in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN
    assert not CallbackRequest.objects.exists()


def test_callback_refusal_after_closing_rolls_back_the_closure(agent, belastingen, backoffice_burgerzaken, resident, make_contact):
    contact = make_contact(customer=resident)
    with pytest.raises(DomainError):
        callback_create_from_contact(
            user=agent, contact=contact, target_department=belastingen, question="Vraag", phone="0612345678",
            assigned_to=backoffice_burgerzaken,  # not a colleague of Belastingen
        )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN and contact.outcome == ""


def test_contact_already_closed_as_callback_only_gets_its_callback(login, agent, belastingen, make_contact):
    contact = make_contact(status=ContactStatus.CLOSED, outcome=Outcome.CALLBACK, closed_by=agent, ended_at=timezone.now())
    client = login(agent)
    url = reverse("callbacks:create_from_contact", args=[contact.pk])
    assert url in client.get(reverse("core:home")).content.decode()  # the promise is not forgotten
    assert "al afgesloten" in client.get(url).content.decode()
    response = client.post(url, form_data(belastingen, caller_name="Beller"))
    assert response.status_code == 302
    assert CallbackRequest.objects.get().source_contact == contact
    assert url not in client.get(reverse("core:home")).content.decode()


def test_contact_closed_with_another_outcome_is_refused(login, agent, belastingen, make_contact):
    contact = make_contact(status=ContactStatus.CLOSED, outcome=Outcome.RESOLVED, closed_by=agent, ended_at=timezone.now())
    client = login(agent)
    response = client.get(reverse("callbacks:create_from_contact", args=[contact.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("callbacks:create"))
    client.post(reverse("callbacks:create_from_contact", args=[contact.pk]), form_data(belastingen, caller_name="Beller"))
    assert not CallbackRequest.objects.exists()
    with pytest.raises(DomainError):
        callback_create_from_contact(user=agent, contact=contact, target_department=belastingen, question="x", phone="0612345678", caller_name="B")


def test_second_submit_goes_to_the_existing_callback(login, agent, belastingen, resident, make_contact):
    contact = make_contact(customer=resident)
    client = login(agent)
    client.post(reverse("callbacks:create_from_contact", args=[contact.pk]), form_data(belastingen))
    response = client.post(reverse("callbacks:create_from_contact", args=[contact.pk]), form_data(belastingen))
    assert response.status_code == 302
    assert CallbackRequest.objects.count() == 1


def test_back_office_cannot_close_contacts_with_a_callback(login, backoffice_belastingen, make_contact):
    contact = make_contact()
    assert login(backoffice_belastingen).get(reverse("callbacks:create_from_contact", args=[contact.pk])).status_code == 403


def test_unknown_contact_is_a_404(login, agent):
    assert login(agent).get(reverse("callbacks:create_from_contact", args=[99999])).status_code == 404


def test_inbox_close_form_sends_the_agent_to_the_callback_form(login, agent, make_contact, resident, belastingen):
    contact = make_contact(customer=resident, assigned_to=agent)
    response = login(agent).post(
        reverse("channels:contact_close", args=[contact.pk]),
        {"outcome": Outcome.CALLBACK, "question": contact.question, "topic_department": belastingen.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("callbacks:create_from_contact", args=[contact.pk])
