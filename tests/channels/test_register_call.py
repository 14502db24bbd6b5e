"""The old registration screen's URLs keep working now that a phone call is an open contact
worked in the desk: GET creates nothing, POST starts the call, screen-pop links still lead to
the call, and a number or search text never stays in a URL."""

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.constants import Channel, ContactStatus
from channels.models import Contact
from channels.models_ingestion import ScreenPop
from kcc.core.services import customer_create

from .factories import ContactFactory

pytestmark = pytest.mark.django_db

URL = "/inbox/telefoon/"


@pytest.fixture
def jan(agent):
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678", email="jan@example.nl")


def test_the_old_url_is_still_the_phone_screen(agent):
    assert reverse("channels:register_call") == URL


def test_get_offers_to_start_a_call_and_creates_nothing(login, agent):
    response = login(agent).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{reverse("channels:call_start")}"' in html and "autofocus" in html
    assert not Contact.objects.exists()


def test_post_to_the_old_url_starts_an_open_call_and_opens_its_workspace(login, agent):
    response = login(agent).post(URL)
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("channels:contact_detail", args=[contact.pk])
    assert contact.channel == Channel.PHONE and contact.status == ContactStatus.OPEN
    assert contact.assigned_to == agent and contact.answered_at is not None and contact.ended_at is None


def test_phone_screen_pop_moves_the_number_out_of_the_url_and_identifies_the_caller(login, agent, jan):
    client = login(agent)
    response = client.get(URL + "?phone=%2B31612345678")
    assert response.status_code == 302 and response["Location"] == URL
    assert not Contact.objects.exists()
    client.post(reverse("channels:call_start"))
    contact = Contact.objects.get()
    assert contact.caller_address == "+31612345678"
    assert contact.customer == jan  # one confident hit (exact phone) is selected


def test_old_caller_search_goes_through_the_session_not_the_url(login, agent, jan):
    client = login(agent)
    response = client.post(reverse("channels:register_call_search"), {"q": "1011 AB 12"})
    assert response.status_code == 302 and "1011" not in response["Location"]
    client.post(URL)
    assert Contact.objects.get().customer == jan


def test_screen_pop_link_offers_to_take_a_ringing_call(login, agent):
    call = Contact.objects.create(channel=Channel.PHONE, status=ContactStatus.NEW, started_at=timezone.now(), external_id="call-42", caller_address="+31612345678")
    pop = ScreenPop.objects.create(user=agent, contact=call, call_id="call-42", caller="+31612345678")
    client = login(agent)
    html = client.get(URL + "?call=call-42").content.decode()
    assert 'name="call" value="call-42"' in html
    call.refresh_from_db()
    assert call.assigned_to is None  # GET changes nothing
    response = client.post(reverse("channels:call_start"), {"call": "call-42"})
    assert response["Location"] == reverse("channels:contact_detail", args=[call.pk])
    call.refresh_from_db()
    pop.refresh_from_db()
    assert call.assigned_to == agent and call.status == ContactStatus.OPEN and call.answered_at is not None
    assert pop.dismissed_at is not None
    assert Contact.objects.count() == 1


def test_screen_pop_link_for_an_answered_call_opens_its_workspace(login, agent):
    call = ContactFactory(phone=True, external_id="call-7", status=ContactStatus.OPEN, assigned_to=agent, answered_at=timezone.now())
    response = login(agent).get(URL + "?call=call-7")
    assert response.status_code == 302 and response["Location"] == reverse("channels:contact_detail", args=[call.pk])


def test_unknown_or_closed_call_warns_and_offers_a_new_call(login, agent):
    ContactFactory(phone=True, external_id="call-done", closed_resolved=True)
    client = login(agent)
    assert "niet bekend" in client.get(URL + "?call=call-nope").content.decode()
    assert "al afgesloten" in client.get(URL + "?call=call-done").content.decode()


def test_taking_a_call_a_colleague_holds_is_refused(login, agent, agent2):
    call = ContactFactory(phone=True, external_id="call-9", status=ContactStatus.OPEN, assigned_to=agent2)
    response = login(agent).post(reverse("channels:call_start"), {"call": "call-9"}, follow=True)
    assert "Daan Visser" in response.content.decode()
    call.refresh_from_db()
    assert call.assigned_to == agent2


def test_phone_screens_are_for_kcc_roles(login, backoffice_belastingen):
    client = login(backoffice_belastingen)
    assert client.get(URL).status_code == 403
    assert client.post(reverse("channels:call_start")).status_code == 403
    assert not Contact.objects.exists()
