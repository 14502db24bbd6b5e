"""Desk follow-ups: the number a "Nieuw gesprek" caller is identified by becomes the call's
caller address (only when identified by phone), and the workspace's query cost."""

import pytest
from django.urls import reverse

from channels.constants import Channel
from channels.desk import call_start
from channels.models import Contact
from kcc.core.services import customer_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def jan(agent):
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678", email="jan@example.nl")


def identify(client, contact, q):
    return client.post(reverse("channels:contact_identify", args=[contact.pk]), {"q": q}, HTTP_HX_REQUEST="true")


def test_new_call_identified_by_phone_keeps_the_normalised_number(login, agent, jan):
    contact = call_start(user=agent)
    assert contact.caller_address == ""
    assert identify(login(agent), contact, "06 12 34 56 78").status_code == 200
    contact.refresh_from_db()
    assert contact.customer == jan and contact.caller_address == "+31612345678"


def test_new_call_identified_by_postcode_stores_no_number(login, agent, jan):
    contact = call_start(user=agent)
    identify(login(agent), contact, "1011 AB 12")
    contact.refresh_from_db()
    assert contact.customer == jan and contact.caller_address == ""


def test_identified_by_e_mail_stores_no_number(login, agent, jan):
    contact = call_start(user=agent)
    identify(login(agent), contact, "jan@example.nl")
    contact.refresh_from_db()
    assert contact.customer == jan and contact.caller_address == ""


def test_a_call_with_its_own_number_keeps_it(login, agent, jan):
    contact = call_start(user=agent, phone="020 123 4567")
    identify(login(agent), contact, "0612345678")
    contact.refresh_from_db()
    assert contact.customer == jan and contact.caller_address == "+31201234567"
    assert Contact.objects.get().channel == Channel.PHONE


# --- the workspace's cost ----------------------------------------------------------------


def _queries(client, contact) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("channels:contact_detail", args=[contact.pk])
    client.get(url)  # warm the caches (session, navigation)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_knowledge_pane_is_in_the_first_response(login, agent, jan):
    contact = call_start(user=agent, customer=jan)
    html = login(agent).get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert 'data-testid="knowledge-panel"' in html and 'id="kp-q"' in html
    assert f'hx-get="{reverse("channels:knowledge_panel", args=[contact.pk])}"' not in html  # no self-loading GET


def test_workspace_cost_does_not_grow_with_messages_or_history(login, agent, jan):
    from channels.constants import ContactStatus

    from .factories import ContactFactory, MessageFactory

    client = login(agent)
    small = ContactFactory(channel=Channel.EMAIL, customer=jan, claimed=True, assigned_to=agent)
    MessageFactory(contact=small)
    baseline = _queries(client, small)

    big = ContactFactory(channel=Channel.EMAIL, customer=jan, claimed=True, assigned_to=agent)
    for _ in range(20):
        MessageFactory(contact=big)
    Contact.objects.bulk_create(
        [Contact(channel=Channel.PHONE, customer=jan, subject=f"Vraag {i}", status=ContactStatus.CLOSED, outcome="resolved", started_at=small.started_at) for i in range(400)]
    )
    assert _queries(client, big) == baseline
