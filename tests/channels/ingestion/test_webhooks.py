"""Standard Webhooks verification and the signed e-mail endpoint."""

import base64
import hashlib
import hmac
import time

import pytest

from channels.constants import InboundStatus
from channels.models import Contact, InboundRaw, Message
from channels.webhooks import (
    WebhookNotConfigured,
    WebhookVerificationError,
    meta_signature,
    sign,
    verify_meta_signature,
    verify_standard_webhook,
)

from .helpers import EMAIL_SECRET, mail, post_email, standard_headers

# --- the verification itself -----------------------------------------------------------


def _headers(msg_id, ts, sig):
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": sig}


def test_signature_matches_the_standard_webhooks_reference_computation():
    # Computed independently, as the spec describes: key = base64-decoded secret after
    # "whsec_", content = "{id}.{timestamp}.{body}".
    body = b'{"test": 2432232314}'
    key = base64.b64decode(EMAIL_SECRET.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, b"msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330." + body, hashlib.sha256).digest()).decode()
    assert sign(EMAIL_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == f"v1,{expected}"
    assert verify_standard_webhook(
        secret=EMAIL_SECRET,
        headers=_headers("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, f"v1,{expected}"),
        body=body,
        now=1614265330,
    ) == "msg_p5jXN8AQM9LWM0D4loKWxJek"


def test_one_valid_signature_among_several_is_enough():
    now = int(time.time())
    good = sign(EMAIL_SECRET, "msg_1", now, b"x")
    header = f"v1,{base64.b64encode(b'wrong').decode()} v1a,ignored {good}"
    assert verify_standard_webhook(secret=EMAIL_SECRET, headers=_headers("msg_1", now, header), body=b"x") == "msg_1"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda h, b: ({**h, "webhook-signature": "v1,AAAA"}, b),
        lambda h, b: (h, b + b" "),  # body changed after signing
        lambda h, b: ({**h, "webhook-id": "msg_other"}, b),
        lambda h, b: ({**h, "webhook-signature": h["webhook-signature"].replace("v1,", "v2,")}, b),
        lambda h, b: ({k: v for k, v in h.items() if k != "webhook-signature"}, b),
        lambda h, b: ({**h, "webhook-timestamp": "abc"}, b),
    ],
)
def test_tampered_requests_are_refused(mutate):
    now = int(time.time())
    headers = _headers("msg_1", now, sign(EMAIL_SECRET, "msg_1", now, b"body"))
    headers, body = mutate(headers, b"body")
    with pytest.raises(WebhookVerificationError):
        verify_standard_webhook(secret=EMAIL_SECRET, headers=headers, body=body)


@pytest.mark.parametrize("offset", [-301, 301, -3600, 86400])
def test_timestamp_outside_the_tolerance_is_refused_in_either_direction(offset):
    ts = int(time.time()) + offset
    headers = _headers("msg_1", ts, sign(EMAIL_SECRET, "msg_1", ts, b"x"))
    with pytest.raises(WebhookVerificationError):
        verify_standard_webhook(secret=EMAIL_SECRET, headers=headers, body=b"x", tolerance=300)


def test_signature_with_another_secret_is_refused():
    now = int(time.time())
    other = "whsec_" + base64.b64encode(b"een-ander-geheim").decode()
    headers = _headers("msg_1", now, sign(other, "msg_1", now, b"x"))
    with pytest.raises(WebhookVerificationError):
        verify_standard_webhook(secret=EMAIL_SECRET, headers=headers, body=b"x")


def test_missing_secret_is_a_configuration_error():
    with pytest.raises(WebhookNotConfigured):
        verify_standard_webhook(secret="", headers={}, body=b"")


def test_meta_signature():
    body = b'{"object":"page"}'
    verify_meta_signature(app_secret="geheim", header=meta_signature("geheim", body), body=body)
    with pytest.raises(WebhookVerificationError):
        verify_meta_signature(app_secret="geheim", header=meta_signature("anders", body), body=body)
    with pytest.raises(WebhookVerificationError):
        verify_meta_signature(app_secret="geheim", header="sha1=abc", body=body)


# --- POST /api/inbound/email/ ----------------------------------------------------------




@pytest.mark.django_db
def test_signed_mail_is_stored_and_filed(client):
    raw = mail(subject="Via de webhook")
    response = post_email(client, raw, msg_id="msg_email_1")
    assert response.status_code == 202
    data = response.json()
    assert data["status"] == InboundStatus.PROCESSED
    stored = InboundRaw.objects.get(pk=data["id"])
    assert bytes(stored.payload) == raw
    assert stored.dedupe_key == "email-webhook:msg_email_1"
    assert Contact.objects.get(pk=data["contact"]).subject == "Via de webhook"


@pytest.mark.django_db
def test_forged_signature_gets_401_and_creates_nothing(client):
    raw = mail()
    other = "whsec_" + base64.b64encode(b"aanvaller").decode()
    response = post_email(client, raw, signature=sign(other, "msg_x", int(time.time()), raw), msg_id="msg_x")
    assert response.status_code == 401
    assert not InboundRaw.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("age", [301, -301])
def test_stale_signature_gets_401_and_creates_nothing(client, age):
    raw = mail()
    response = post_email(client, raw, timestamp=int(time.time()) - age)
    assert response.status_code == 401
    assert not InboundRaw.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_unsigned_request_gets_401(client):
    response = client.post("/api/inbound/email/", data=mail(), content_type="message/rfc822")
    assert response.status_code == 401
    assert not InboundRaw.objects.exists()


@pytest.mark.django_db
def test_replayed_webhook_id_creates_nothing_new(client):
    raw = mail()
    first = post_email(client, raw, msg_id="msg_replay")
    # The sender retries (new timestamp, valid signature) - or an attacker replays the id.
    again = post_email(client, raw, msg_id="msg_replay")
    other_body = post_email(client, mail(subject="Iets anders"), msg_id="msg_replay")
    assert first.status_code == 202
    assert again.status_code == 200 and again.json()["replay"] is True
    assert other_body.status_code == 200 and other_body.json()["id"] == first.json()["id"]
    assert InboundRaw.objects.count() == 1
    assert Contact.objects.count() == 1
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_malformed_mail_via_webhook_is_accepted_and_quarantined(client):
    response = post_email(client, b"\x00\x01\x02 geen mail")
    assert response.status_code == 202
    data = response.json()
    assert data["status"] == InboundStatus.QUARANTINED
    assert data["reason"]
    assert InboundRaw.objects.get(pk=data["id"]).status == InboundStatus.QUARANTINED


@pytest.mark.django_db
def test_too_large_body_gets_413(client, settings):
    settings.KCC_ATTACHMENT_MAX_BYTES = 1000
    raw = mail(body="x" * 2_000_000)
    response = post_email(client, raw)
    assert response.status_code == 413
    assert not InboundRaw.objects.exists()


@pytest.mark.django_db
def test_large_mail_within_the_limit_is_accepted(client):
    # Larger than Django's form-upload limit (2.5 MB): the endpoint reads the raw body itself.
    raw = mail(body="regel met tekst\n" * 250_000)
    assert len(raw) > 2_621_440
    response = post_email(client, raw)
    assert response.status_code == 202, response.content
    assert bytes(InboundRaw.objects.get().payload) == raw


@pytest.mark.django_db
def test_endpoint_without_secret_answers_503(client, settings):
    settings.KCC_WEBHOOK_EMAIL_SECRET = ""
    response = client.post("/api/inbound/email/", data=mail(), content_type="message/rfc822", **standard_headers(EMAIL_SECRET, mail()))
    assert response.status_code == 503
    assert not InboundRaw.objects.exists()


@pytest.mark.django_db
def test_get_is_not_allowed(client):
    assert client.get("/api/inbound/email/").status_code == 405
