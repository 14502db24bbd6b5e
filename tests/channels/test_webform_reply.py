"""Answering a web-form contact: by e-mail, or to the portal through the signed outbound adapter
(from the outbox, retried); the form on the contact page; the inbox filter on the channel."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from channels.constants import Channel, DeliveryStatus, Direction, ReplyRoute
from channels.models import FormSubmission, Message
from channels.portal import PORTAL_MAX_ATTEMPTS, portal_deliver_pending
from channels.services import contact_reply, message_resend
from channels.webhooks import verify_standard_webhook
from kcc.core.exceptions import DomainError

from .factories import ContactFactory, MessageFactory

pytestmark = pytest.mark.django_db

PORTAL_SECRET = "whsec_cG9ydGFhbC1nZWhlaW0tdm9vci10ZXN0cw=="
SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "openapi" / "webform.yaml").read_text())


def portal_reply_schema_validator():
    registry = Registry().with_resource("urn:webform", Resource.from_contents(SPEC, default_specification=DRAFT202012))
    return OAS31Validator({"$ref": "urn:webform#/components/schemas/PortalReply"}, registry=registry)


class PortalSink:
    """The portal's reply endpoint on loopback: checks the signature like a portal would, and
    records what arrived. `status` makes it refuse."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    verify_standard_webhook(secret=PORTAL_SECRET, headers=self.headers, body=body)
                    signed = True
                except Exception:  # noqa: BLE001
                    signed = False
                sink.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "json": json.loads(body), "signed": signed})
                status = sink.status if signed else 401
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"message_id": "portal-msg-1"}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/kcc/replies"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal(settings):
    sink = PortalSink()
    settings.KCC_PORTAL_OUTBOUND_URL = sink.url
    settings.KCC_PORTAL_OUTBOUND_SECRET = PORTAL_SECRET
    settings.KCC_PORTAL_OUTBOUND_LOOPBACK = False
    yield sink
    sink.close()


def webform_contact(*, route=ReplyRoute.EMAIL, email="jan.jansen@example.nl", reference="", subject="Melding openbare ruimte"):
    contact = ContactFactory(channel=Channel.WEBFORM, subject=subject)
    message = MessageFactory(
        contact=contact, channel=Channel.WEBFORM, sender_address=email, sender=f"Jan Jansen <{email}>", message_id="",
        subject="Melding openbare ruimte", body_text="Wat wilt u melden?: Losliggende stoeptegels",
    )
    FormSubmission.objects.create(
        message=message, form_id="melding", form_name="Melding openbare ruimte", submission_id=f"OF-{contact.pk}",
        submitted_at=timezone.now(), reply_route=route, portal_reference=reference, bsn_masked="******333",
        fields=[{"label": "Wat wilt u melden?", "value": "Losliggende stoeptegels"}, {"label": "Waar?", "value": "Dorpsstraat 12"}],
    )
    return contact


# --- by e-mail --------------------------------------------------------------------------


def test_reply_by_email_goes_to_the_address_in_the_form(agent, django_capture_on_commit_callbacks):
    contact = webform_contact()
    with django_capture_on_commit_callbacks(execute=True):
        message = contact_reply(user=agent, contact=contact, text="De tegels worden deze week hersteld.")
    assert message.channel == Channel.EMAIL and message.recipients == "jan.jansen@example.nl"
    assert f"[KCC-{contact.pk}]" in message.subject
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jan.jansen@example.nl"]
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT


def test_reply_by_email_without_an_address_is_refused(agent):
    contact = webform_contact(email="")
    with pytest.raises(DomainError):
        contact_reply(user=agent, contact=contact, text="Antwoord")
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


# --- to the portal ----------------------------------------------------------------------


def test_reply_to_the_portal_is_a_signed_post_from_the_outbox(agent, portal, django_capture_on_commit_callbacks):
    contact = webform_contact(route=ReplyRoute.PORTAL, reference="gesprek-4711")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = contact_reply(user=agent, contact=contact, text="Wij komen dinsdag langs.")
    assert portal.requests == []  # nothing leaves before the commit
    assert message.channel == Channel.WEBFORM and message.delivery_status == DeliveryStatus.PENDING
    for callback in callbacks:
        callback()
    assert len(portal.requests) == 1
    request = portal.requests[0]
    assert request["signed"] is True
    assert request["headers"]["webhook-id"] == f"kcc-reply-{message.pk}"
    payload = request["json"]
    portal_reply_schema_validator().validate(payload)
    assert payload["portal_reference"] == "gesprek-4711" and payload["text"] == "Wij komen dinsdag langs."
    assert payload["submission_id"] == f"OF-{contact.pk}" and payload["contact_id"] == contact.pk
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT and message.provider_message_id == "portal-msg-1"


def test_portal_down_keeps_the_reply_pending_and_the_sweep_delivers_it_once(agent, portal, django_capture_on_commit_callbacks):
    portal.status = 503
    contact = webform_contact(route=ReplyRoute.PORTAL, reference="gesprek-1")
    with django_capture_on_commit_callbacks(execute=True):
        message = contact_reply(user=agent, contact=contact, text="Antwoord")
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.PENDING and message.delivery_attempts == 1
    assert "503" in message.delivery_error
    portal.status = 200
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=10))
    assert portal_deliver_pending() == 1
    assert portal_deliver_pending() == 0  # delivered: a second sweep sends nothing
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    ids = {r["headers"]["webhook-id"] for r in portal.requests}
    assert ids == {f"kcc-reply-{message.pk}"}  # every retry has the same id: the portal can drop copies


def test_portal_reply_fails_after_the_last_attempt_and_can_be_sent_again(agent, portal, django_capture_on_commit_callbacks):
    portal.status = 500
    contact = webform_contact(route=ReplyRoute.PORTAL, reference="gesprek-2")
    with django_capture_on_commit_callbacks(execute=True):
        message = contact_reply(user=agent, contact=contact, text="Antwoord")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=10))
    for _ in range(PORTAL_MAX_ATTEMPTS):
        portal_deliver_pending()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED and message.delivery_attempts == PORTAL_MAX_ATTEMPTS
    portal.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        message_resend(user=agent, message=message)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT


def test_portal_reply_without_an_adapter_is_refused_and_keeps_the_text(login, agent, settings):
    settings.KCC_PORTAL_OUTBOUND_URL = ""
    settings.KCC_PORTAL_OUTBOUND_LOOPBACK = False
    contact = webform_contact(route=ReplyRoute.PORTAL, reference="gesprek-3")
    response = login(agent).post(reverse("channels:contact_reply", args=[contact.pk]), {"text": "Mijn zorgvuldige antwoord"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Mijn zorgvuldige antwoord" in html and "KCC_PORTAL_OUTBOUND_URL" not in html
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


# --- the contact page and the inbox ------------------------------------------------------


def test_contact_page_shows_the_fields_as_a_definition_list(login, agent, organisation_kind):
    contact = webform_contact(route=ReplyRoute.PORTAL, reference="gesprek-4711")
    html = login(agent).get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    start = html.index('data-testid="form-fields"')
    fields = html[start: html.index("</dl>", start)]
    assert fields.index("<dt>Wat wilt u melden?</dt>") < fields.index("<dd class=\"kcc-prewrap\">Losliggende stoeptegels</dd>")
    assert fields.index("Losliggende stoeptegels") < fields.index("<dt>Waar?</dt>")
    assert "******333" in html and "gesprek-4711" in html
    portal_word = "huurdersportaal" if organisation_kind == "woningcorporatie" else "inwonerportaal"
    assert f"Antwoorden in het {portal_word}" in html


def test_contact_page_with_a_form_costs_no_extra_query_per_message(login, agent):
    contact = webform_contact()
    client = login(agent)
    url = reverse("channels:contact_detail", args=[contact.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        extra = MessageFactory(contact=contact, channel=Channel.WEBFORM, message_id="")
        FormSubmission.objects.create(
            message=extra, form_id="melding", form_name="Melding", submission_id=f"x-{extra.pk}", submitted_at=timezone.now(),
        )
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four.captured_queries) == len(one.captured_queries)


def test_inbox_filters_on_the_webform_channel(login, agent):
    webform_contact(subject="Melding via het formulier")
    ContactFactory(channel=Channel.EMAIL, subject="Vraag per e-mail")
    html = login(agent).get(reverse("channels:inbox") + "?channel=webform").content.decode()
    assert "Melding via het formulier" in html and "Vraag per e-mail" not in html
