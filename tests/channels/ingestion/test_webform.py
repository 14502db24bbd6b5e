"""The web-form and portal channel: POST /api/inbound/webform/ (signed per Standard Webhooks),
its contract (docs/openapi/webform.yaml), and what the submission becomes in the inbox."""

import base64
import copy
import json
import logging
import time
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from channels.constants import Channel, InboundSource, InboundStatus, ReplyRoute
from channels.models import Attachment, Contact, FormSubmission, InboundRaw, Message
from kcc.core.constants import AddressKind
from tests.core.factories import CustomerFactory, DigitalAddressFactory

from .helpers import WEBFORM_SECRET, post_webform, standard_headers, submission

pytestmark = pytest.mark.django_db

SPEC_PATH = Path(__file__).resolve().parents[3] / "docs" / "openapi" / "webform.yaml"
VALID_BSN = "111222333"
INVALID_BSN = "123456789"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- the contract ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec():
    return yaml.safe_load(SPEC_PATH.read_text())


@pytest.fixture(scope="module")
def openapi(spec):
    return OpenAPI.from_dict(spec)


def _openapi_request(body: bytes) -> WerkzeugOpenAPIRequest:
    headers = {k.removeprefix("HTTP_").replace("_", "-").lower(): v for k, v in standard_headers(WEBFORM_SECRET, body).items()}
    environ = EnvironBuilder(path="/api/inbound/webform/", method="POST", data=body, content_type="application/json", headers=headers).get_environ()
    return WerkzeugOpenAPIRequest(Request(environ))


def _check_response(openapi, body: bytes, response) -> None:
    answer = Response(response.content, status=response.status_code, content_type="application/json")
    openapi.validate_response(_openapi_request(body), WerkzeugOpenAPIResponse(answer))


def test_the_published_examples_satisfy_the_contract_and_are_accepted(openapi, spec, client):
    examples = spec["paths"]["/webform/"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert set(examples) == {"email", "portal"}
    for example in examples.values():
        payload = copy.deepcopy(example["value"])
        payload["submitted_at"] = "2026-03-02T10:15:00+01:00"
        body = json.dumps(payload).encode()
        openapi.validate_request(_openapi_request(body))
        response = post_webform(client, body)
        assert response.status_code == 202, response.content
        assert response.json()["status"] == InboundStatus.PROCESSED
        _check_response(openapi, body, response)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s.pop("form_id"), "form_id"),
        (lambda s: s.pop("submission_id"), "submission_id"),
        (lambda s: s.update(fields=[]), "fields"),
        (lambda s: s.update(fields=[{"label": "Vraag"}]), "fields[0].value"),
        (lambda s: s.update(submitted_at="gisteren"), "submitted_at"),
        (lambda s: s["submitter"].update(email="geen-adres"), "submitter.email"),
        (lambda s: s.update(reply={"channel": "fax"}), "reply.channel"),
        (lambda s: s.update(reply={"channel": "portal"}), "reply.portal_reference"),
        (lambda s: s.update(attachments=[{"filename": "a.pdf", "content": "@@@ geen base64"}]), "attachments[0].content"),
    ],
)
def test_what_the_contract_forbids_is_quarantined_with_the_field(openapi, client, teamlead, login, change, field):
    payload = submission()
    change(payload)
    body = json.dumps(payload).encode()
    if field != "attachments[0].content":  # base64 content is a format JSON Schema does not check
        with pytest.raises(Exception):  # noqa: B017 - openapi-core raises one of several validation errors
            openapi.validate_request(_openapi_request(body))
    response = post_webform(client, body)
    assert response.status_code == 400
    data = response.json()
    assert data["field"] == field and data["status"] == InboundStatus.QUARANTINED and data["error"]
    _check_response(openapi, body, response)
    raw = InboundRaw.objects.get(pk=data["id"])
    assert raw.status == InboundStatus.QUARANTINED and bytes(raw.payload) == body
    assert not Contact.objects.exists()
    # Visible in the quarantine list, filtered on the new source.
    page = login(teamlead).get(reverse("channels:quarantine") + f"?bron={InboundSource.WEBFORM_WEBHOOK}")
    assert page.status_code == 200
    assert reverse("channels:quarantine_detail", args=[raw.pk]) in page.content.decode()


def test_not_json_is_quarantined_with_its_raw_bytes(client):
    response = post_webform(client, b"form_id=abc&submission_id=1")
    assert response.status_code == 400
    raw = InboundRaw.objects.get(pk=response.json()["id"])
    assert raw.status == InboundStatus.QUARANTINED and bytes(raw.payload) == b"form_id=abc&submission_id=1"


# --- bad input like the other endpoints -------------------------------------------------


def test_forged_signature_gets_401_and_stores_nothing(client):
    body = json.dumps(submission()).encode()
    other = "whsec_" + base64.b64encode(b"een-ander-geheim").decode()
    headers = standard_headers(other, body)
    response = client.post("/api/inbound/webform/", data=body, content_type="application/json", **headers)
    assert response.status_code == 401
    assert not InboundRaw.objects.exists() and not Contact.objects.exists()


def test_stale_timestamp_gets_401(client):
    response = post_webform(client, submission(), timestamp=int(time.time()) - 3600)
    assert response.status_code == 401
    assert not InboundRaw.objects.exists()


def test_replayed_webhook_id_stores_nothing_new(client):
    body = json.dumps(submission()).encode()
    first = post_webform(client, body, msg_id="msg_wf_1")
    again = post_webform(client, body, msg_id="msg_wf_1")
    assert first.status_code == 202 and again.status_code == 200
    assert again.json()["replay"] is True and again.json()["contact"] == first.json()["contact"]
    assert InboundRaw.objects.count() == 1 and Contact.objects.count() == 1


def test_oversized_body_gets_413_and_stores_nothing(client, settings):
    settings.KCC_WEBFORM_MAX_BYTES = 2048
    payload = submission(fields=[{"label": "Toelichting", "value": "x" * 4000}])
    response = post_webform(client, payload)
    assert response.status_code == 413
    assert not InboundRaw.objects.exists()


def test_no_secret_configured_answers_503(client, settings):
    settings.KCC_WEBHOOK_WEBFORM_SECRET = ""
    assert post_webform(client, submission()).status_code == 503
    assert not InboundRaw.objects.exists()


def test_duplicate_submission_id_creates_no_second_contact(client):
    payload = submission(submission_id="OF-2026-000777")
    first = post_webform(client, payload)
    second = post_webform(client, payload)  # the platform retries with a new webhook id
    assert first.status_code == 202 and second.status_code == 202
    data = second.json()
    assert data["status"] == InboundStatus.DUPLICATE
    assert data["contact"] == first.json()["contact"] and data["duplicate_of"] == first.json()["id"]
    assert Contact.objects.count() == 1 and FormSubmission.objects.count() == 1
    assert InboundRaw.objects.count() == 2


def test_the_same_submission_id_of_another_form_is_another_submission(client):
    post_webform(client, submission(submission_id="42"))
    post_webform(client, submission(submission_id="42", form_id="klacht", form_name="Klacht"))
    assert Contact.objects.count() == 2


def test_json_nested_too_deep_is_refused_before_storing(client):
    response = post_webform(client, b"[" * 100 + b"]" * 100)
    assert response.status_code == 400
    assert not InboundRaw.objects.exists()


# --- what the submission becomes --------------------------------------------------------


def test_submission_becomes_a_contact_on_the_webform_channel(client):
    payload = submission(subject="Stoeptegels Dorpsstraat")
    response = post_webform(client, payload)
    contact = Contact.objects.get(pk=response.json()["contact"])
    assert contact.channel == Channel.WEBFORM and contact.subject == "Stoeptegels Dorpsstraat"
    assert contact.caller_address == "+31612345678"
    message = contact.messages.get()
    assert message.channel == Channel.WEBFORM and message.sender_address == "jan.jansen@example.nl"
    assert "Waar?: Dorpsstraat 12" in message.body_text
    form = message.form_submission
    assert [f["label"] for f in form.fields] == ["Wat wilt u melden?", "Waar?", "Toelichting"]
    assert form.reply_route == ReplyRoute.EMAIL and form.submission_id == payload["submission_id"]


def test_attachments_follow_the_email_rules(client, settings):
    settings.KCC_ATTACHMENT_MAX_BYTES = 1000
    payload = submission(
        attachments=[
            {"filename": "foto.png", "content_type": "image/png", "content": b64(PNG)},
            # Declared as a picture, but the bytes are a Windows program: the type is sniffed.
            {"filename": "../../vakantie.png\u202egpj.exe", "content_type": "image/png", "content": b64(EXE)},
            {"filename": "groot.pdf", "content_type": "application/pdf", "content": b64(b"%PDF-1.7\n" + b"0" * 2000)},
        ]
    )
    response = post_webform(client, payload)
    assert response.status_code == 202
    message = Message.objects.get(contact_id=response.json()["contact"])
    stored = {a.filename: a for a in Attachment.objects.filter(message=message)}
    assert set(stored) == {"foto.png", "vakantie.pnggpj.exe"}  # path and bidi override removed
    assert stored["foto.png"].content_type == "image/png"
    assert stored["vakantie.pnggpj.exe"].content_type == "application/octet-stream"
    assert stored["foto.png"].file.read() == PNG
    # Too large: not stored, but noted for the agent (as for e-mail).
    assert "groot.pdf" in message.form_submission.notes and "groot.pdf" in message.body_text


def test_resident_is_linked_on_the_bsn_first(client):
    by_bsn = CustomerFactory(bsn=VALID_BSN)
    by_mail = CustomerFactory()
    DigitalAddressFactory(customer=by_mail, kind=AddressKind.EMAIL, value="jan.jansen@example.nl", verified_at=time_now())
    response = post_webform(client, submission(submitter={"name": "Jan", "email": "jan.jansen@example.nl", "bsn": VALID_BSN}))
    contact = Contact.objects.get(pk=response.json()["contact"])
    assert contact.customer == by_bsn
    assert contact.messages.get().form_submission.bsn_masked == "******333"


def test_resident_is_linked_on_a_verified_email_like_email(client):
    customer = CustomerFactory()
    DigitalAddressFactory(customer=customer, kind=AddressKind.EMAIL, value="jan.jansen@example.nl", verified_at=time_now())
    response = post_webform(client, submission())
    assert Contact.objects.get(pk=response.json()["contact"]).customer == customer


def test_invalid_bsn_is_quarantined_and_never_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    payload = submission(submitter={"name": "Jan", "email": "jan.jansen@example.nl", "bsn": INVALID_BSN})
    response = post_webform(client, payload)
    assert response.status_code == 400 and response.json()["field"] == "submitter.bsn"
    assert INVALID_BSN not in response.content.decode()
    assert INVALID_BSN not in InboundRaw.objects.get().error
    assert INVALID_BSN not in caplog.text


def test_valid_bsn_is_never_logged_nor_shown_in_full(client, caplog, login, agent):
    caplog.set_level(logging.DEBUG)
    response = post_webform(client, submission(submitter={"name": "Jan", "email": "jan.jansen@example.nl", "bsn": VALID_BSN}))
    html = login(agent).get(reverse("channels:contact_detail", args=[response.json()["contact"]])).content.decode()
    assert VALID_BSN not in caplog.text and VALID_BSN not in html
    assert "******333" in html


def time_now():
    from django.utils import timezone

    return timezone.now()
