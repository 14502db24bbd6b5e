"""Telephony call events and screen-pops."""

import json
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.constants import Channel, ContactStatus, InboundStatus
from channels.ingestion import screen_pops_for
from channels.models import CallEvent, Contact, InboundRaw, ScreenPop
from kcc.core.constants import AddressKind
from tests.core.factories import CustomerFactory, DigitalAddressFactory

from .helpers import PHONE_SECRET, post_phone, standard_headers

pytestmark = pytest.mark.django_db

T0 = "2026-03-02T09:15:00+01:00"
T1 = "2026-03-02T09:15:20+01:00"
T2 = "2026-03-02T09:19:05+01:00"


def event(kind, at, *, call_id="call-1", agent="agent", caller="06-12345678", to="14 020"):
    return {"event": kind, "call_id": call_id, "from": caller, "to": to, "agent": agent, "at": at}


def dt(value):
    from django.utils.dateparse import parse_datetime

    return parse_datetime(value)


def test_call_lifecycle_creates_and_updates_one_phone_contact(client, agent):
    assert post_phone(client, event("ringing", T0)).status_code == 200
    assert post_phone(client, event("answered", T1)).status_code == 200
    assert post_phone(client, event("ended", T2)).status_code == 200
    contact = Contact.objects.get()
    assert contact.channel == Channel.PHONE
    assert contact.external_id == "call-1"
    assert contact.caller_address == "+31612345678"
    assert contact.started_at == dt(T0)
    assert contact.answered_at == dt(T1)
    # `ended` records the end of the conversation; the contact stays open for the after-call
    # work and is closed (ended_at) only when the agent chooses an outcome.
    assert contact.conversation_ended_at == dt(T2)
    assert contact.ended_at is None
    assert contact.assigned_to == agent
    assert contact.status == ContactStatus.OPEN
    assert CallEvent.objects.filter(contact=contact).count() == 3


def test_events_out_of_order_give_the_same_result(client, agent):
    post_phone(client, event("ended", T2))
    post_phone(client, event("answered", T1))
    post_phone(client, event("ringing", T0))
    contact = Contact.objects.get()
    assert (contact.started_at, contact.answered_at, contact.conversation_ended_at) == (dt(T0), dt(T1), dt(T2))
    assert contact.assigned_to == agent


def test_duplicate_event_changes_nothing(client, agent, agent2):
    post_phone(client, event("ringing", T0))
    post_phone(client, event("answered", T1))
    response = post_phone(client, event("answered", T2, agent="agent2"))  # same event, new webhook id
    assert response.status_code == 200
    assert response.json()["status"] == InboundStatus.DUPLICATE
    contact = Contact.objects.get()
    assert contact.answered_at == dt(T1)
    assert contact.assigned_to == agent
    assert CallEvent.objects.count() == 2
    assert InboundRaw.objects.filter(status=InboundStatus.DUPLICATE).count() == 1


def test_replayed_webhook_id_creates_nothing(client, agent):
    body = json.dumps(event("ringing", T0)).encode()
    first = post_phone(client, body, msg_id="msg_call_1")
    again = post_phone(client, body, msg_id="msg_call_1")
    assert first.status_code == again.status_code == 200
    assert again.json()["replay"] is True
    assert InboundRaw.objects.count() == 1
    assert ScreenPop.objects.count() == 1
    assert Contact.objects.count() == 1


def test_forged_or_stale_signature_gets_401_and_creates_nothing(client, agent):
    body = json.dumps(event("ringing", T0)).encode()
    assert post_phone(client, body, signature="v1,Zm9yZ2Vk").status_code == 401
    assert post_phone(client, body, timestamp=int(time.time()) - 600).status_code == 401
    assert not InboundRaw.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        (b"{niet: json", "", "JSON"),
        (json.dumps(["ringing"]).encode(), "", "object"),
        (json.dumps(event("transferred", T0)).encode(), "event", "transferred"),
        (json.dumps(event("ringing", T0, caller="06-123")).encode(), "from", "06-123"),
        (json.dumps(event("ringing", T0, caller="bel me")).encode(), "from", ""),
        (json.dumps(event("ringing", T0, agent="onbekend")).encode(), "agent", "onbekend"),
        (json.dumps(event("answered", T0, agent="")).encode(), "agent", ""),
        (json.dumps(event("ringing", "gisteren")).encode(), "at", ""),
        (json.dumps({**event("ringing", T0), "call_id": ""}).encode(), "call_id", ""),
    ],
)
def test_invalid_events_get_a_clear_400_and_are_kept_in_quarantine(client, agent, body, field, text):
    response = post_phone(client, body, msg_id="msg_bad")
    assert response.status_code == 400
    data = response.json()
    assert data["error"]
    assert text in data["error"]
    assert data["field"] == field
    raw = InboundRaw.objects.get()
    assert raw.status == InboundStatus.QUARANTINED and bytes(raw.payload) == body
    assert not Contact.objects.exists()
    # The sender retries the same delivery: the same answer, nothing new.
    assert post_phone(client, body, msg_id="msg_bad").status_code == 400
    assert InboundRaw.objects.count() == 1


def test_withheld_number_is_accepted(client, agent):
    assert post_phone(client, event("ringing", T0, caller="anonymous")).status_code == 200
    assert Contact.objects.get().caller_address == ""


def test_caller_with_a_verified_number_is_linked(client, agent):
    customer = CustomerFactory()
    DigitalAddressFactory(customer=customer, kind=AddressKind.PHONE, value="+31612345678", verified_at=timezone.now())
    post_phone(client, event("ringing", T0))
    assert Contact.objects.get().customer == customer


def test_unknown_agent_event_can_be_reprocessed_once_the_agent_exists(client, teamlead, kcc_department):
    from channels.ingestion import inbound_reprocess
    from kcc.core.constants import Role
    from tests.conftest import make_staff

    post_phone(client, event("ringing", T0, agent="nieuw"))
    raw = InboundRaw.objects.get()
    assert raw.status == InboundStatus.QUARANTINED
    make_staff("nieuw", kcc_department, Role.AGENT)
    result = inbound_reprocess(user=teamlead, raw_id=raw.pk)
    assert result.status == InboundStatus.PROCESSED
    assert ScreenPop.objects.get().user.username == "nieuw"


# --- screen-pops -----------------------------------------------------------------------


def test_ringing_offers_a_screen_pop_to_the_named_agent_only(client, agent, agent2):
    post_phone(client, event("ringing", T0))
    assert [p.call_id for p in screen_pops_for(agent)] == ["call-1"]
    assert screen_pops_for(agent2) == []


def test_screen_pop_fragment_links_to_the_registration_screen(client, login, agent):
    post_phone(client, event("ringing", T0))
    response = login(agent).get(reverse("channels:screen_pops"), HTTP_HX_REQUEST="true", HTTP_X_KCC_BACKGROUND="1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inkomend gesprek van 06 12345678" in html or "Incoming call from 06 12345678" in html
    assert f'href="{reverse("channels:register_call")}?call=call-1"' in html
    assert 'hx-trigger="every 5s"' in html
    assert '"X-KCC-Background": "1"' in html
    assert "<script" not in html and "style=" not in html


def test_screen_pop_disappears_when_a_colleague_answers_or_the_caller_hangs_up(client, agent, agent2):
    post_phone(client, event("ringing", T0, call_id="a"))
    post_phone(client, event("answered", T1, call_id="a", agent="agent2"))
    post_phone(client, event("ringing", T0, call_id="b"))
    post_phone(client, event("ended", T1, call_id="b"))
    post_phone(client, event("ringing", T0, call_id="c"))
    post_phone(client, event("answered", T1, call_id="c"))
    assert [p.call_id for p in screen_pops_for(agent)] == ["c"]


def test_dismissed_screen_pop_is_gone(client, login, agent):
    post_phone(client, event("ringing", T0))
    pop = ScreenPop.objects.get()
    web = login(agent)
    response = web.post(reverse("channels:screen_pop_dismiss", args=[pop.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "call-1" not in response.content.decode()
    assert screen_pops_for(agent) == []


def test_agent_cannot_dismiss_someone_elses_screen_pop(client, login, agent, agent2):
    post_phone(client, event("ringing", T0))
    pop = ScreenPop.objects.get()
    login(agent2).post(reverse("channels:screen_pop_dismiss", args=[pop.pk]), {"next": "https://evil.example/"})
    pop.refresh_from_db()
    assert pop.dismissed_at is None


def test_dismiss_without_javascript_redirects_back_safely(login, agent, client):
    post_phone(client, event("ringing", T0))
    pop = ScreenPop.objects.get()
    response = login(agent).post(reverse("channels:screen_pop_dismiss", args=[pop.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_unchanged_screen_pops_answer_304(client, login, agent):
    post_phone(client, event("ringing", T0))
    web = login(agent)
    first = web.get(reverse("channels:screen_pops"))
    etag = first["ETag"]
    again = web.get(reverse("channels:screen_pops"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    post_phone(client, event("ringing", T0, call_id="call-2"))
    changed = web.get(reverse("channels:screen_pops"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200


def test_screen_pop_poll_costs_two_queries(login, agent, django_assert_num_queries, client):
    post_phone(client, event("ringing", T0))
    web = login(agent)
    web.get(reverse("channels:screen_pops"))
    # session + user + memberships + pops (the memberships are cached per request)
    with django_assert_num_queries(4):
        web.get(reverse("channels:screen_pops"))


def test_users_who_take_no_calls_stop_polling(login, backoffice_belastingen):
    response = login(backoffice_belastingen).get(reverse("channels:screen_pops"))
    assert response.status_code == 286
    assert response.content == b""


def test_poll_does_not_refresh_the_idle_clock(login, agent):
    response = login(agent).get(reverse("channels:screen_pops"))
    assert b'"X-KCC-Background": "1"' in response.content


def test_phone_endpoint_without_secret_answers_503(client, settings):
    settings.KCC_WEBHOOK_PHONE_SECRET = ""
    body = json.dumps(event("ringing", T0)).encode()
    response = client.post("/api/inbound/phone/", data=body, content_type="application/json", **standard_headers(PHONE_SECRET, body))
    assert response.status_code == 503


def test_agent_name_with_a_lone_surrogate_is_a_clear_400(client, agent):
    body = b'{"event": "ringing", "call_id": "c1", "from": "0612345678", "agent": "age\\ud800nt", "at": "2026-03-02T09:15:00+01:00"}'
    response = post_phone(client, body)
    assert response.status_code == 400
    assert response.json()["field"] == "agent"


def test_unexpected_failure_while_applying_quarantines_instead_of_looping(client, agent, monkeypatch):
    import channels.ingestion.phone as phone

    def broken(*args, **kwargs):
        raise RuntimeError("onverwacht")

    monkeypatch.setattr(phone, "_apply", broken)
    response = post_phone(client, event("ringing", T0))
    assert response.status_code == 400
    raw = InboundRaw.objects.get()
    assert raw.status == InboundStatus.QUARANTINED
    assert not Contact.objects.exists()  # the half-done work was rolled back
    monkeypatch.undo()
    from channels.ingestion import inbound_reprocess
    from kcc.core.constants import Role
    from tests.conftest import make_staff

    lead = make_staff("lead", agent.memberships.first().department, Role.TEAMLEAD)
    assert inbound_reprocess(user=lead, raw_id=raw.pk).status == InboundStatus.PROCESSED
    assert Contact.objects.count() == 1
