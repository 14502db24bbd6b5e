"""The screen-pop from a ringing call leads to the call's workspace; taking the call dismisses it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.constants import Channel, ContactStatus
from channels.models import Contact
from channels.models_ingestion import ScreenPop

pytestmark = pytest.mark.django_db


def test_opening_the_registration_screen_from_a_screen_pop_dismisses_it(login, agent):
    contact = Contact.objects.create(
        channel=Channel.PHONE, status=ContactStatus.NEW, started_at=timezone.now(), external_id="call-42",
        caller_address="+31612345678",
    )
    pop = ScreenPop.objects.create(user=agent, contact=contact, call_id="call-42", caller="+31612345678")
    client = login(agent)

    pops_html = client.get(reverse("channels:screen_pops"), HTTP_HX_REQUEST="true").content.decode()
    assert "call=call-42" in pops_html

    response = client.get(reverse("channels:register_call") + "?call=call-42")
    assert response.status_code == 200  # offers to take the call; GET creates nothing
    response = client.post(reverse("channels:call_start"), {"call": "call-42"})
    assert response["Location"] == reverse("channels:contact_detail", args=[contact.pk])
    assert "06 12345678" in client.get(response["Location"]).content.decode()
    pop.refresh_from_db()
    assert pop.dismissed_at is not None
    assert "call=call-42" not in client.get(reverse("channels:screen_pops"), HTTP_HX_REQUEST="true").content.decode()


def test_every_page_offers_the_screen_pop_region(login, agent):
    html = login(agent).get(reverse("core:home")).content.decode()
    assert 'id="kcc-screen-pops"' in html
    assert reverse("channels:screen_pops") in html
