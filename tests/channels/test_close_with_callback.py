"""Closing a contact with the outcome "callback": one form, one transaction. The close form sends
the agent to the callback form without closing; that form closes and creates the callback."""

import pytest
from django.urls import reverse
from django.utils import timezone

from callbacks.models import CallbackRequest
from channels.constants import Channel, ContactStatus, Outcome
from channels.models import Contact

pytestmark = pytest.mark.django_db


def test_close_with_callback_saves_contact_and_callback_in_one_step(login, agent, customer, belastingen):
    contact = Contact.objects.create(
        channel=Channel.PHONE, status=ContactStatus.OPEN, started_at=timezone.now(), assigned_to=agent,
        customer=customer, subject="Aanslag", question="Vraag over de aanslag",
    )
    client = login(agent)
    response = client.post(
        reverse("channels:contact_close", args=[contact.pk]),
        {"outcome": Outcome.CALLBACK, "topic_department": belastingen.pk, "notes": "Belt morgen terug", "question": "Uitleg aanslag"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("callbacks:create_from_contact", args=[contact.pk])
    contact.refresh_from_db()
    # Nothing is closed yet: an abandoned callback form leaves no contact closed without callback.
    assert contact.status == ContactStatus.OPEN
    assert contact.notes == "Belt morgen terug"
    assert not CallbackRequest.objects.exists()

    response = client.post(
        reverse("callbacks:create_from_contact", args=[contact.pk]),
        {"phone": "06-12345678", "question": "Uitleg aanslag", "target_department": belastingen.pk, "priority": "normal", "time_window": "afternoon", "note": ""},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.status, contact.outcome) == (ContactStatus.CLOSED, Outcome.CALLBACK)
    assert CallbackRequest.objects.get().source_contact == contact
