import json
import threading
from email.utils import make_msgid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from channels.constants import Channel, ContactStatus, DeliveryStatus, Direction
from channels.models import Message
from channels.outbound import reply_subject, threading_headers
from channels.services import contact_reply, message_resend
from kcc.core.constants import AddressKind
from kcc.core.exceptions import DomainError
from kcc.core.services import customer_address_add
from tests.core.factories import CustomerFactory

from .factories import ContactFactory, MessageFactory

pytestmark = pytest.mark.django_db


# --- e-mail --------------------------------------------------------------------------------


def test_email_reply_is_threaded_and_sent_after_commit(agent, settings, django_capture_on_commit_callbacks):
    settings.KCC_MAIL_DOMAIN = "kcc.voorbeeldstad.example"
    contact = ContactFactory(subject="Afvalpas kwijt")
    first = MessageFactory(contact=contact, message_id="<m1@mail.example.nl>", subject="Afvalpas kwijt")
    last = MessageFactory(
        contact=contact, message_id="<m3@mail.example.nl>", in_reply_to="<m2@kcc.voorbeeldstad.example>",
        references="<m1@mail.example.nl> <m2@kcc.voorbeeldstad.example>", subject=f"Re: Afvalpas kwijt [KCC-{contact.pk}]",
        sent_at=first.sent_at.replace(year=first.sent_at.year + 1),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = contact_reply(user=agent, contact=contact, text="Beste Jan, u kunt een nieuwe pas aanvragen.")
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    headers = sent.message()
    assert headers["Message-ID"] == reply.message_id
    assert reply.message_id.endswith("@kcc.voorbeeldstad.example>")
    assert headers["In-Reply-To"] == last.message_id == "<m3@mail.example.nl>"
    assert headers["References"] == "<m1@mail.example.nl> <m2@kcc.voorbeeldstad.example> <m3@mail.example.nl>"
    assert sent.subject == f"Re: Afvalpas kwijt [KCC-{contact.pk}]"
    assert sent.to == [last.sender_address]
    assert "u kunt een nieuwe pas aanvragen" in sent.body
    reply.refresh_from_db()
    assert reply.direction == Direction.OUTBOUND and reply.author == agent
    assert reply.delivery_status == DeliveryStatus.SENT
    contact.refresh_from_db()
    assert contact.status == ContactStatus.WAITING and contact.assigned_to == agent


def test_reply_subject_does_not_stack_prefixes_or_tokens():
    contact = ContactFactory(subject="Paspoort")
    parent = MessageFactory(contact=contact, subject=f"Antw: RE: Re: Paspoort [KCC-{contact.pk}]")
    assert reply_subject(contact, parent) == f"Re: Paspoort [KCC-{contact.pk}]"


def test_references_fall_back_to_in_reply_to_and_are_bounded():
    assert threading_headers(MessageFactory(message_id="<b@x>", in_reply_to="<a@x>", references="")) == ("<b@x>", "<a@x> <b@x>")
    long_chain = " ".join(f"<r{i}@x>" for i in range(40))
    _, refs = threading_headers(MessageFactory(message_id="<z@x>", references=long_chain))
    ids = refs.split()
    assert len(ids) == 20 and ids[0] == "<r0@x>" and ids[-1] == "<z@x>"
    assert threading_headers(MessageFactory(message_id="")) == ("", "")


def test_reply_without_an_inbound_address_goes_to_the_customers_email(agent, django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    customer_address_add(customer=customer, kind=AddressKind.EMAIL, value="fenna@example.nl")
    contact = ContactFactory(customer=customer)
    MessageFactory(contact=contact, sender_address="")
    with django_capture_on_commit_callbacks(execute=True):
        contact_reply(user=agent, contact=contact, text="Hallo")
    assert mail.outbox[0].to == ["fenna@example.nl"]


def test_reply_without_any_address_is_refused_and_stores_nothing(agent):
    contact = ContactFactory()
    MessageFactory(contact=contact, sender_address="")
    with pytest.raises(DomainError):
        contact_reply(user=agent, contact=contact, text="Hallo")
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_failed_send_is_recorded_and_can_be_sent_again(agent, settings, django_capture_on_commit_callbacks):
    contact = ContactFactory()
    MessageFactory(contact=contact)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        reply = contact_reply(user=agent, contact=contact, text="Hallo")
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.FAILED and reply.delivery_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message_resend(user=agent, message=reply)
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].extra_headers["Message-ID"] == reply.message_id


def test_reply_view_sends_and_shows_it_in_the_thread(login, agent, django_capture_on_commit_callbacks):
    contact = ContactFactory()
    MessageFactory(contact=contact)
    client = login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("channels:contact_reply", args=[contact.pk]), {"text": "Uw pas is onderweg."}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Je antwoord per e-mail is verstuurd naar jan.jansen@example.nl." in html
    assert "Uw pas is onderweg." in html
    assert len(mail.outbox) == 1


def test_empty_reply_is_refused_with_a_dutch_message(login, agent):
    contact = ContactFactory()
    MessageFactory(contact=contact)
    response = login(agent).post(reverse("channels:contact_reply", args=[contact.pk]), {"text": "   "})
    assert response.status_code == 422
    assert "Dit veld is verplicht." in response.content.decode()


def test_reply_to_a_contact_held_by_a_colleague_is_refused(agent, agent2):
    contact = ContactFactory(claimed=True, assigned_to=agent2)
    MessageFactory(contact=contact)
    with pytest.raises(DomainError) as exc:
        contact_reply(user=agent, contact=contact, text="Hallo")
    assert exc.value.code == "claimed"


def test_the_reply_form_is_prefilled_with_a_greeting(login, agent):
    contact = ContactFactory(customer=CustomerFactory(first_name="Fenna", last_name="Bos"))
    MessageFactory(contact=contact)
    html = login(agent).get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert "Beste Fenna Bos," in html and "Met vriendelijke groet," in html


# --- social --------------------------------------------------------------------------------


class Adapter:
    """A stand-in for the social outbound adapter on 127.0.0.1 (the only thing faked: the
    HTTP service outside the machine)."""

    def __init__(self, status=200, body=b'{"message_id": "wamid.ABC123"}'):
        self.status, self.body, self.requests = status, body, []
        adapter = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers["Content-Length"])
                adapter.requests.append({"headers": dict(self.headers), "json": json.loads(self.rfile.read(length))})
                self.send_response(adapter.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(adapter.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def adapter(settings):
    a = Adapter()
    settings.KCC_SOCIAL_OUTBOUND_URL = a.url
    settings.KCC_SOCIAL_OUTBOUND_TOKEN = "geheim-token"
    yield a
    a.close()


def social_contact():
    contact = ContactFactory(channel=Channel.WHATSAPP, external_id="wa-conv-1", subject="Vraag via WhatsApp")
    MessageFactory(contact=contact, channel=Channel.WHATSAPP, sender_address="+31612345678", provider_message_id="wamid.IN1", message_id="")
    return contact


def test_social_reply_posts_json_with_bearer_token_and_stores_the_message(agent, adapter):
    contact = social_contact()
    message = contact_reply(user=agent, contact=contact, text="Uw afspraak staat op dinsdag.")
    assert len(adapter.requests) == 1
    request = adapter.requests[0]
    assert request["headers"]["Authorization"] == "Bearer geheim-token"
    assert request["headers"]["Content-Type"] == "application/json"
    payload = request["json"]
    assert payload["channel"] == "whatsapp" and payload["conversation_id"] == "wa-conv-1"
    assert payload["recipient"] == "+31612345678" and payload["in_reply_to"] == "wamid.IN1"
    assert payload["text"] == "Uw afspraak staat op dinsdag." and payload["contact_id"] == contact.pk
    assert request["headers"]["Idempotency-Key"] == payload["idempotency_key"]
    assert message.provider_message_id == "wamid.ABC123"
    assert message.direction == Direction.OUTBOUND and message.delivery_status == DeliveryStatus.SENT


def test_social_reply_failure_keeps_the_text_and_stores_nothing(login, agent, adapter):
    adapter.status, adapter.body = 502, b'{"error": "upstream"}'
    contact = social_contact()
    response = login(agent).post(reverse("channels:contact_reply", args=[contact.pk]), {"text": "Mijn zorgvuldige antwoord"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "weigerde het antwoord (HTTP 502)" in html
    assert "Mijn zorgvuldige antwoord" in html
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.NEW


def test_social_reply_when_the_adapter_is_unreachable(agent, settings):
    settings.KCC_SOCIAL_OUTBOUND_URL = "http://127.0.0.1:9/send"
    with pytest.raises(DomainError) as exc:
        contact_reply(user=agent, contact=social_contact(), text="Hallo")
    assert exc.value.code == "adapter_unreachable"


def test_social_reply_when_not_configured(login, agent, settings):
    settings.KCC_SOCIAL_OUTBOUND_URL = ""
    contact = social_contact()
    response = login(agent).post(reverse("channels:contact_reply", args=[contact.pk]), {"text": "Tekst die blijft"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "nog niet aan" in html and "Tekst die blijft" in html
    assert "KCC_" not in html  # no setting names toward the agent


def test_phone_contacts_have_no_reply_form(login, agent):
    contact = ContactFactory(phone=True)
    html = login(agent).get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert reverse("channels:contact_reply", args=[contact.pk]) not in html
    with pytest.raises(DomainError):
        contact_reply(user=agent, contact=contact, text="Hallo")


def test_make_msgid_domain_is_used_for_every_reply(agent, settings, django_capture_on_commit_callbacks):
    settings.KCC_MAIL_DOMAIN = "gemeente.example"
    contact = ContactFactory()
    MessageFactory(contact=contact, message_id=make_msgid(domain="mail.example.nl"))
    with django_capture_on_commit_callbacks(execute=True):
        reply = contact_reply(user=agent, contact=contact, text="Hallo")
    assert reply.message_id.endswith("@gemeente.example>")
