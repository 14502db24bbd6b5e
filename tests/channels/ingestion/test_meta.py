"""Meta's webhook: handshake, signature, WhatsApp and Messenger messages, dedupe."""

import json

import pytest
from django.utils import timezone

from channels.constants import Channel, ContactStatus, InboundStatus
from channels.models import Contact, InboundRaw, Message
from kcc.core.constants import AddressKind
from tests.channels.factories import ContactFactory
from tests.core.factories import CustomerFactory, DigitalAddressFactory

from .helpers import META_VERIFY_TOKEN, post_meta

pytestmark = pytest.mark.django_db
URL = "/api/inbound/social/meta/"


def whatsapp(*messages, name="Jan Jansen", wa_id="31612345678", statuses=None):
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "3114020", "phone_number_id": "1234567890"},
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
        "messages": list(messages),
    }
    if statuses:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}]}


def wa_text(mid, text, *, sender="31612345678", ts=None, context=None):
    message = {"from": sender, "id": mid, "timestamp": str(ts or int(timezone.now().timestamp()) - 5), "type": "text", "text": {"body": text}}
    if context:
        message["context"] = {"from": "3114020", "id": context}
    return message


def messenger(*events, obj="page"):
    return {"object": obj, "entry": [{"id": "PAGE", "time": 1, "messaging": list(events)}]}


def fb_text(mid, text, *, psid="7001", echo=False):
    message = {"mid": mid, "text": text}
    if echo:
        message["is_echo"] = True
    return {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": int(timezone.now().timestamp() * 1000) - 5000, "message": message}


# --- handshake -------------------------------------------------------------------------


def test_verification_handshake_answers_the_challenge(client):
    response = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": META_VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "fout", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": META_VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": META_VERIFY_TOKEN, "hub.challenge": "<script>"},
    ],
)
def test_verification_handshake_with_a_wrong_token_gets_403(client, params):
    response = client.get(URL, params)
    assert response.status_code == 403
    assert b"<script>" not in response.content


def test_handshake_is_refused_when_no_token_is_configured(client, settings):
    settings.KCC_META_VERIFY_TOKEN = ""
    assert client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}).status_code == 403


# --- signature -------------------------------------------------------------------------


def test_bad_signature_gets_401_and_stores_nothing(client):
    response = post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")), secret="verkeerd-geheim")
    assert response.status_code == 401
    response = post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")), signature="")
    assert response.status_code == 401
    assert not InboundRaw.objects.exists()
    assert not Contact.objects.exists()


# --- WhatsApp --------------------------------------------------------------------------


def test_whatsapp_message_creates_a_contact(client):
    response = post_meta(client, whatsapp(wa_text("wamid.1", "Wanneer wordt het grofvuil opgehaald?")))
    assert response.status_code == 200
    contact = Contact.objects.get()
    assert contact.channel == Channel.WHATSAPP
    assert contact.status == ContactStatus.NEW
    assert contact.subject.startswith("Wanneer wordt het grofvuil")
    message = contact.messages.get()
    assert message.provider_message_id == "wamid.1"
    assert message.sender_address == "+31612345678"
    assert "Jan Jansen" in message.sender
    assert contact.customer is None


def test_whatsapp_sender_with_a_verified_phone_is_linked(client):
    customer = CustomerFactory()
    DigitalAddressFactory(customer=customer, kind=AddressKind.PHONE, value="+31612345678", verified_at=timezone.now())
    post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")))
    assert Contact.objects.get().customer == customer


def test_unverified_phone_is_not_linked(client):
    DigitalAddressFactory(kind=AddressKind.PHONE, value="+31612345678", verified_at=None)
    post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")))
    assert Contact.objects.get().customer is None


def test_messages_from_one_sender_share_one_open_contact(client):
    post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")))
    post_meta(client, whatsapp(wa_text("wamid.2", "Nog een vraag")))
    post_meta(client, whatsapp(wa_text("wamid.3", "Van iemand anders", sender="31687654321"), wa_id="31687654321"))
    assert Contact.objects.count() == 2
    assert Contact.objects.get(messages__provider_message_id="wamid.1").messages.count() == 2


def test_message_after_the_contact_was_closed_starts_a_new_one(client):
    post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")))
    Contact.objects.update(status=ContactStatus.CLOSED, outcome="resolved")
    post_meta(client, whatsapp(wa_text("wamid.2", "Ik heb nog een vraag")))
    assert Contact.objects.count() == 2
    assert Contact.objects.filter(status=ContactStatus.NEW).count() == 1


def test_same_provider_message_id_is_a_duplicate(client):
    first = post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")))
    # Meta delivers it again inside another batch, together with a new message.
    second = post_meta(client, whatsapp(wa_text("wamid.1", "Hallo"), wa_text("wamid.2", "Tweede")))
    # And the identical delivery once more (same body).
    third = post_meta(client, whatsapp(wa_text("wamid.1", "Hallo"), wa_text("wamid.2", "Tweede")))
    assert first.status_code == second.status_code == third.status_code == 200
    assert second.json()["status"] == InboundStatus.PROCESSED
    assert third.json()["replay"] is True
    assert Message.objects.filter(provider_message_id="wamid.1").count() == 1
    assert Message.objects.count() == 2
    assert Contact.objects.count() == 1


def test_only_duplicates_mark_the_delivery_duplicate(client):
    post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")))
    response = post_meta(client, whatsapp(wa_text("wamid.1", "Hallo"), name="Jan J."))
    assert response.json()["status"] == InboundStatus.DUPLICATE


def test_status_updates_are_recorded_but_create_nothing(client):
    response = post_meta(client, whatsapp(statuses=[{"id": "wamid.9", "status": "read"}]))
    assert response.status_code == 200
    assert not Contact.objects.exists()
    assert "status update" in InboundRaw.objects.get().meta["result"]["notes"][0]


def test_media_message_is_noted_in_the_text(client):
    image = {"from": "31612345678", "id": "wamid.img", "timestamp": "1772400000", "type": "image", "image": {"id": "m1", "caption": "Kapotte lantaarnpaal"}}
    post_meta(client, whatsapp(image))
    text = Message.objects.get().body_text
    assert "Kapotte lantaarnpaal" in text
    assert text.startswith("[")


def test_waiting_contact_reopens_on_a_new_message(client):
    post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")))
    Contact.objects.update(status=ContactStatus.WAITING)
    post_meta(client, whatsapp(wa_text("wamid.2", "Hier is het antwoord")))
    assert Contact.objects.get().status == ContactStatus.OPEN


# --- Messenger -------------------------------------------------------------------------


def test_messenger_message_creates_a_facebook_contact(client):
    customer = CustomerFactory()
    DigitalAddressFactory(customer=customer, kind=AddressKind.SOCIAL, value="facebook:7001", verified_at=timezone.now())
    response = post_meta(client, messenger(fb_text("m_1", "Is het gemeentehuis zaterdag open?")))
    assert response.status_code == 200
    contact = Contact.objects.get()
    assert contact.channel == Channel.FACEBOOK
    assert contact.customer == customer
    assert contact.messages.get().sender_address == "facebook:7001"


def test_messenger_echoes_are_ignored(client):
    post_meta(client, messenger(fb_text("m_echo", "Ons eigen antwoord", echo=True)))
    assert not Contact.objects.exists()


def test_instagram_uses_the_messenger_shape(client):
    post_meta(client, messenger(fb_text("ig_1", "Hoi"), obj="instagram"))
    assert Contact.objects.get().channel == Channel.INSTAGRAM


# --- bad payloads ----------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"{kapot", json.dumps({"object": "page"}).encode(), json.dumps({"object": "user", "entry": []}).encode()])
def test_unreadable_signed_payload_is_stored_quarantined_and_answered_200(client, body):
    response = post_meta(client, body)
    assert response.status_code == 200
    raw = InboundRaw.objects.get()
    assert raw.status == InboundStatus.QUARANTINED
    assert bytes(raw.payload) == body
    assert raw.error


def test_existing_open_contact_of_another_channel_is_not_reused(client):
    ContactFactory(channel=Channel.FACEBOOK)
    post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")))
    assert Contact.objects.filter(channel=Channel.WHATSAPP).count() == 1


def test_lone_surrogates_and_nul_in_meta_json_are_stored_safely(client):
    body = (
        b'{"object": "page", "entry": [{"id": "PAGE", "messaging": ['
        b'{"sender": {"id": "7001"}, "recipient": {"id": "PAGE"}, "timestamp": 1772400000000,'
        b' "message": {"mid": "m_\\ud800", "text": "Hallo \\ud800 en \\u0000 NUL"}},'
        b'{"sender": {"id": "7001"}, "\\udfff-raar": {"x": 1}}]}]}'
    )
    response = post_meta(client, body)
    assert response.status_code == 200
    message = Message.objects.get()
    assert "\x00" not in message.body_text
    message.body_text.encode("utf-8")
    assert InboundRaw.objects.get(dedupe_key__startswith="meta-body:").status == InboundStatus.PROCESSED


def test_unexpected_failure_while_filing_quarantines_instead_of_looping(client, monkeypatch):
    import channels.ingestion.social as social

    def broken(*args, **kwargs):
        raise RuntimeError("onverwacht")

    monkeypatch.setattr(social, "_file_social_message", broken)
    response = post_meta(client, whatsapp(wa_text("wamid.1", "Hallo")))
    assert response.status_code == 200
    raw = InboundRaw.objects.get()
    assert raw.status == InboundStatus.QUARANTINED
    assert raw.error == "RuntimeError: onverwacht"
    assert not Contact.objects.exists()
