"""The agent closes a contact with the outcome "callback" and makes the callback request in one
form and one transaction: the inbox's close form carries the callback fields registered by this
app, and callbacks.services.callback_close_handler runs inside channels.services.contact_close.
The old second step (callbacks:create_from_contact) only sends the agent back to the contact."""

import pytest
from django.urls import reverse
from django.utils import timezone

from callbacks.models import CallbackRequest
from callbacks.services import callback_close_handler
from channels.constants import ContactStatus, Outcome
from channels.services import contact_close
from kcc.core.exceptions import DomainError

pytestmark = pytest.mark.django_db


def form_data(department, topic=None, **extra):
    return {
        "outcome": Outcome.CALLBACK, "question": "Wil uitleg over de aanslag", "topic_department": (topic or department).pk,
        "callback-phone": "06-12345678", "callback-target_department": department.pk, "callback-priority": "normal",
        "callback-time_window": "afternoon", "callback-note": "Eerder al gebeld", **extra,
    }


def close_url(contact):
    return reverse("channels:contact_close", args=[contact.pk])


def test_one_form_closes_the_contact_and_makes_the_callback(login, agent, belastingen, resident, make_contact):
    contact = make_contact(customer=resident, assigned_to=agent)
    client = login(agent)
    page = client.get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert 'name="callback-target_department"' in page and 'value="06 12345678"' in page
    response = client.post(close_url(contact), form_data(belastingen))
    assert response.status_code == 302, response.content.decode()[:3000]
    callback = CallbackRequest.objects.get()
    contact.refresh_from_db()
    assert (contact.status, contact.outcome, contact.closed_by) == (ContactStatus.CLOSED, Outcome.CALLBACK, agent)
    assert contact.topic_department == belastingen
    assert (callback.source_contact, callback.customer, callback.created_by) == (contact, resident, agent)
    assert callback.time_window == "afternoon" and callback.note == "Eerder al gebeld"
    assert callback.question == "Wil uitleg over de aanslag" and callback.phone == "+31612345678"


def test_invalid_input_saves_neither_and_keeps_the_input(login, agent, belastingen, resident, make_contact):
    contact = make_contact(customer=resident)
    response = login(agent).post(close_url(contact), form_data(belastingen, **{"callback-phone": "12"}))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Wil uitleg over de aanslag" in page and "Eerder al gebeld" in page and 'value="12"' in page
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN
    assert not CallbackRequest.objects.exists()


def test_contact_refusal_rolls_back_everything(login, agent, agent2, belastingen, resident, make_contact):
    contact = make_contact(customer=resident, assigned_to=agent2)  # a colleague is handling it
    response = login(agent).post(close_url(contact), form_data(belastingen))
    assert response.status_code == 422
    assert "Daan Visser" in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN
    assert not CallbackRequest.objects.exists()


def test_callback_refusal_after_closing_rolls_back_the_closure(agent, belastingen, backoffice_burgerzaken, resident, make_contact):
    contact = make_contact(customer=resident)
    with pytest.raises(DomainError):
        contact_close(
            user=agent, contact=contact, outcome=Outcome.CALLBACK, topic_department=belastingen,
            outcome_data={"target_department": belastingen, "question": "Vraag", "phone": "0612345678",
                          "assigned_to": backoffice_burgerzaken},  # not a colleague of Belastingen
        )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN and contact.outcome == ""
    assert not CallbackRequest.objects.exists()


def test_anonymous_caller_needs_a_name(login, agent, belastingen, make_contact):
    contact = make_contact(caller_address="+31612345678")
    client = login(agent)
    response = client.post(close_url(contact), form_data(belastingen))
    assert response.status_code == 422 and not CallbackRequest.objects.exists()
    response = client.post(close_url(contact), form_data(belastingen, **{"callback-caller_name": "Beller"}))
    assert response.status_code == 302
    assert CallbackRequest.objects.get().caller_name == "Beller"


def test_old_second_step_sends_the_agent_back_to_the_contact(login, agent, belastingen, make_contact):
    contact = make_contact()
    client = login(agent)
    url = reverse("callbacks:create_from_contact", args=[contact.pk])
    for response in (client.get(url), client.post(url, {"phone": "0612345678", "question": "x", "target_department": belastingen.pk})):
        assert response.status_code == 302
        assert response["Location"] == reverse("channels:contact_detail", args=[contact.pk]) + "#close"
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN and not CallbackRequest.objects.exists()


def test_old_second_step_on_a_contact_with_a_callback_goes_to_it(login, agent, belastingen, resident, make_contact):
    contact = make_contact(customer=resident)
    login(agent).post(close_url(contact), form_data(belastingen))
    callback = CallbackRequest.objects.get()
    response = login(agent).get(reverse("callbacks:create_from_contact", args=[contact.pk]))
    assert response["Location"] == reverse("callbacks:detail", args=[callback.pk])


def test_closed_contact_cannot_get_a_second_callback_from_the_handler(agent, belastingen, resident, make_contact):
    contact = make_contact(customer=resident)
    data = {"target_department": belastingen, "question": "Vraag", "phone": "0612345678"}
    contact_close(user=agent, contact=contact, outcome=Outcome.CALLBACK, topic_department=belastingen, outcome_data=data)
    with pytest.raises(DomainError):
        callback_close_handler(user=agent, contact=contact, data=data)
    assert CallbackRequest.objects.count() == 1


def test_second_submit_makes_no_second_callback(login, agent, belastingen, resident, make_contact):
    contact = make_contact(customer=resident)
    client = login(agent)
    client.post(close_url(contact), form_data(belastingen))
    response = client.post(close_url(contact), form_data(belastingen), follow=True)
    assert "al afgesloten" in response.content.decode()
    assert CallbackRequest.objects.count() == 1


def test_back_office_cannot_close_contacts_with_a_callback(login, backoffice_belastingen, belastingen, make_contact):
    contact = make_contact()
    client = login(backoffice_belastingen)
    assert client.get(reverse("callbacks:create_from_contact", args=[contact.pk])).status_code == 403
    assert client.post(close_url(contact), form_data(belastingen)).status_code == 403
    assert not CallbackRequest.objects.exists()


def test_unknown_contact_is_a_404(login, agent):
    assert login(agent).get(reverse("callbacks:create_from_contact", args=[99999])).status_code == 404


def test_no_reminder_for_callback_contacts_any_more(login, agent, make_contact):
    # The home page no longer lists "closed as callback without callback": that state cannot arise.
    make_contact(status=ContactStatus.CLOSED, outcome=Outcome.CALLBACK, closed_by=agent, ended_at=timezone.now())
    page = login(agent).get(reverse("core:home")).content.decode()
    assert "zonder het terugbelverzoek" not in page
