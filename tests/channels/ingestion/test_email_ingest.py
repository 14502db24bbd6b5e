"""The e-mail ingestion core: storing, dedupe, threading, matching, sanitising, attachments."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from channels.constants import Channel, ContactStatus, Direction, InboundSource, InboundStatus
from channels.ingestion import ingest_email
from channels.models import Attachment, Contact, InboundRaw, Message
from kcc.core.constants import AddressKind
from tests.channels.factories import ContactFactory, MessageFactory
from tests.core.factories import CustomerFactory, DigitalAddressFactory

from .helpers import mail, multipart

pytestmark = pytest.mark.django_db


def ingest(raw: bytes, **kwargs):
    return ingest_email(raw=raw, source=kwargs.pop("source", InboundSource.EMAIL_FILE), **kwargs)


def verified_email(customer, address):
    return DigitalAddressFactory(customer=customer, kind=AddressKind.EMAIL, value=address, verified_at=timezone.now())


# --- storing ---------------------------------------------------------------------------


def test_raw_bytes_are_stored_byte_for_byte_with_their_hash():
    raw = mail(body="Tekst met é en \u20ac")
    result = ingest(raw)
    stored = InboundRaw.objects.get(pk=result.raw_id)
    assert bytes(stored.payload) == raw
    assert stored.sha256 == hashlib.sha256(raw).hexdigest()
    assert stored.status == InboundStatus.PROCESSED
    assert result.new_contact and not result.threaded


def test_new_mail_creates_a_new_email_contact_with_subject_and_date():
    sent = timezone.now() - timedelta(hours=3)
    result = ingest(mail(subject="Vraag over de afvalpas", date=sent))
    contact = Contact.objects.get(pk=result.contact_id)
    assert contact.channel == Channel.EMAIL
    assert contact.direction == Direction.INBOUND
    assert contact.status == ContactStatus.NEW
    assert contact.subject == "Vraag over de afvalpas"
    assert abs(contact.started_at - sent) < timedelta(seconds=1)
    message = contact.messages.get()
    assert message.sender_address == "jan.jansen@example.nl"
    assert "afvalpas is kwijt" in message.body_text


def test_mail_dated_in_the_future_starts_at_receipt_time():
    result = ingest(mail(date=timezone.now() + timedelta(days=30)))
    contact = Contact.objects.get(pk=result.contact_id)
    assert abs(contact.started_at - timezone.now()) < timedelta(minutes=1)


# --- dedupe ----------------------------------------------------------------------------


def test_same_bytes_twice_give_one_message():
    raw = mail()
    first = ingest(raw)
    second = ingest(raw)
    assert first.status == InboundStatus.PROCESSED
    assert second.status == InboundStatus.DUPLICATE
    assert second.duplicate_of == first.raw_id
    assert second.contact_id == first.contact_id
    assert Message.objects.count() == 1
    assert InboundRaw.objects.count() == 2  # both copies are kept, the second as duplicate


def test_same_message_with_crlf_and_transport_headers_is_a_duplicate():
    lf = mail(newline="\n", message_id="<zelfde@example.nl>")
    crlf_with_trace = (
        b"Return-Path: <jan.jansen@example.nl>\r\nDelivered-To: kcc@voorbeeldstad.example\r\n"
        b"Received: from mx.example.nl by mail.voorbeeldstad.example; Mon, 2 Mar 2026 09:00:01 +0100\r\n"
        + lf.replace(b"\n", b"\r\n")
        + b"\r\n"
    )
    assert ingest(lf).status == InboundStatus.PROCESSED
    assert ingest(crlf_with_trace).status == InboundStatus.DUPLICATE
    assert Message.objects.count() == 1


def test_replayed_dedupe_key_stores_nothing_new():
    raw = mail()
    first = ingest(raw, source=InboundSource.EMAIL_WEBHOOK, dedupe_key="email-webhook:msg_1")
    replay = ingest(mail(subject="Andere inhoud"), source=InboundSource.EMAIL_WEBHOOK, dedupe_key="email-webhook:msg_1")
    assert replay.replay
    assert replay.raw_id == first.raw_id
    assert InboundRaw.objects.count() == 1
    assert Contact.objects.count() == 1


def test_different_message_with_a_known_message_id_is_kept_and_joins_that_thread():
    first = ingest(mail(message_id="<hergebruikt@example.nl>", body="Eerste versie"))
    second = ingest(mail(message_id="<hergebruikt@example.nl>", body="Tweede, andere versie"))
    assert second.status == InboundStatus.PROCESSED
    assert second.contact_id == first.contact_id
    assert Message.objects.count() == 2


# --- threading -------------------------------------------------------------------------


def test_reply_chain_threads_by_in_reply_to_and_references():
    first = ingest(mail(message_id="<vraag-1@example.nl>", subject="Parkeervergunning"))
    contact = Contact.objects.get(pk=first.contact_id)
    # Our reply, as the inbox stores it.
    MessageFactory(contact=contact, outbound=True, message_id="<antwoord-1@voorbeeldstad.example>", recipients="jan.jansen@example.nl")
    reply = ingest(
        mail(
            subject="Re: Parkeervergunning",
            message_id="<vraag-2@example.nl>",
            in_reply_to="<antwoord-1@voorbeeldstad.example>",
            references="<vraag-1@example.nl> <antwoord-1@voorbeeldstad.example>",
        )
    )
    assert reply.threaded and reply.contact_id == contact.pk
    # A client that drops In-Reply-To but keeps References still threads.
    references_only = ingest(
        mail(subject="Re: Re: Parkeervergunning", references="<vraag-1@example.nl> <antwoord-1@voorbeeldstad.example> <vraag-2@example.nl>")
    )
    assert references_only.contact_id == contact.pk
    assert contact.messages.filter(direction=Direction.INBOUND).count() == 3
    assert Contact.objects.count() == 1
    raw = InboundRaw.objects.get(pk=reply.raw_id)
    assert raw.meta["thread_match"] == "in-reply-to"


def test_subject_token_threads_a_reply_from_the_same_address():
    contact = ContactFactory()
    MessageFactory(contact=contact, outbound=True, recipients="jan.jansen@example.nl")
    result = ingest(mail(subject=f"Re: Uw vraag [KCC-{contact.pk}]"))
    assert result.contact_id == contact.pk
    assert InboundRaw.objects.get(pk=result.raw_id).meta["thread_match"] == "subject-token"


def test_subject_token_from_a_stranger_starts_a_new_contact():
    contact = ContactFactory()
    MessageFactory(contact=contact, outbound=True, recipients="jan.jansen@example.nl")
    result = ingest(mail(sender="Mallory <mallory@evil.example>", subject=f"Re: Uw vraag [KCC-{contact.pk}]"))
    assert result.new_contact
    assert result.contact_id != contact.pk
    assert not contact.messages.filter(sender_address="mallory@evil.example").exists()


def test_reply_to_a_closed_contact_starts_a_follow_up_in_the_same_conversation():
    customer = CustomerFactory()
    closed = ContactFactory(closed_resolved=True, customer=customer)
    MessageFactory(contact=closed, message_id="<oud@example.nl>")
    result = ingest(mail(in_reply_to="<oud@example.nl>", subject="Re: nog een vraag"))
    follow_up = Contact.objects.get(pk=result.contact_id)
    assert follow_up.pk != closed.pk
    assert follow_up.conversation_key == closed.conversation_key
    assert follow_up.customer == customer
    closed.refresh_from_db()
    assert closed.status == ContactStatus.CLOSED and closed.outcome  # outcome untouched


def test_resident_reply_puts_a_waiting_contact_back_in_the_queue():
    waiting = ContactFactory(status=ContactStatus.WAITING)
    MessageFactory(contact=waiting, message_id="<wacht@example.nl>")
    ingest(mail(in_reply_to="<wacht@example.nl>"))
    waiting.refresh_from_db()
    assert waiting.status == ContactStatus.OPEN


# --- customer matching -----------------------------------------------------------------


def test_sender_with_an_exact_verified_address_is_linked():
    customer = CustomerFactory()
    verified_email(customer, "jan.jansen@example.nl")
    result = ingest(mail(sender="JAN <Jan.Jansen@Example.NL>"))
    assert Contact.objects.get(pk=result.contact_id).customer == customer


def test_unverified_address_is_not_linked():
    DigitalAddressFactory(kind=AddressKind.EMAIL, value="jan.jansen@example.nl", verified_at=None)
    result = ingest(mail())
    assert Contact.objects.get(pk=result.contact_id).customer is None


def test_address_verified_by_two_residents_is_not_linked():
    verified_email(CustomerFactory(), "gedeeld@example.nl")
    verified_email(CustomerFactory(), "gedeeld@example.nl")
    result = ingest(mail(sender="gedeeld@example.nl"))
    assert Contact.objects.get(pk=result.contact_id).customer is None


@pytest.mark.parametrize(
    "from_header",
    [
        "alice@example.org(<bob@example.org>",
        "alice@example.org <bob@example.org>",
        "alice@example.org, bob@example.org",
        "Alice <alice@example.org",
        "bob@example.org (",
    ],
)
def test_ambiguous_sender_is_never_linked(from_header):
    for address in ("alice@example.org", "bob@example.org"):
        verified_email(CustomerFactory(), address)
    result = ingest(mail(sender=from_header))
    assert result.status == InboundStatus.PROCESSED
    message = Message.objects.get(pk=result.message_id)
    assert message.sender_address == ""
    assert message.sender  # shown as received
    assert message.contact.customer is None
    assert InboundRaw.objects.get(pk=result.raw_id).meta["sender_problem"]


def test_two_from_headers_are_ambiguous():
    verified_email(CustomerFactory(), "jan.jansen@example.nl")
    raw = b"From: jan.jansen@example.nl\r\nFrom: other@example.nl\r\nSubject: x\r\n\r\nTekst\r\n"
    result = ingest(raw)
    assert Message.objects.get(pk=result.message_id).sender_address == ""
    assert Contact.objects.get(pk=result.contact_id).customer is None


# --- auto-replies ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated; type=vacation"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"Return-Path": "<>"},
        {"X-Autoreply": "yes"},
    ],
)
def test_automatic_messages_are_flagged(headers):
    result = ingest(mail(extra_headers=headers))
    assert Message.objects.get(pk=result.message_id).is_auto_reply


def test_auto_submitted_no_is_a_person():
    result = ingest(mail(extra_headers={"Auto-Submitted": "no", "Return-Path": "<jan.jansen@example.nl>"}))
    assert not Message.objects.get(pk=result.message_id).is_auto_reply


# --- HTML ------------------------------------------------------------------------------


def test_html_body_is_stored_inert():
    html = (
        '<p onclick="steal()">Beste KCC,</p><img src="x" onerror="alert(1)">'
        '<div hx-get="/inbox/1/afsluiten/" hx-trigger="load" data-kcc-shortcut="k" style="display:none" class="utrecht-button">Klik</div>'
        '<script>alert(1)</script><a href="javascript:alert(1)">a</a><a href="/inbox/">b</a>'
        '<a href="https://www.voorbeeldstad.example/afval">afval</a><table><tr><th scope="col">Kop</th></tr></table>'
    )
    raw = multipart(parts=[({"Content-Type": "text/html; charset=utf-8"}, html.encode())])
    message = Message.objects.get(pk=ingest(raw).message_id)
    stored = message.body_html
    for forbidden in ("<script", "onclick", "onerror", "hx-", "data-", "style=", "class=", "javascript:", 'href="/inbox/', "<img"):
        assert forbidden not in stored, forbidden
    assert "Beste KCC," in stored
    assert '<a href="https://www.voorbeeldstad.example/afval" rel="noopener noreferrer nofollow">afval</a>' in stored
    assert '<th scope="col">Kop</th>' in stored
    assert "alert" not in stored
    # A text version is derived for the inbox and the search.
    assert "Beste KCC," in message.body_text and "alert" not in message.body_text


# --- attachments -----------------------------------------------------------------------


def test_attachment_named_etc_passwd_is_stored_safely(attachment_storage, tmp_path):
    content = b"root:x:0:0:root:/root:/bin/bash\n"
    raw = multipart(
        parts=[
            ({"Content-Type": "text/plain"}, b"Zie bijlage"),
            ({"Content-Type": "text/plain", "Content-Disposition": 'attachment; filename="../../etc/passwd"'}, content),
        ]
    )
    message = Message.objects.get(pk=ingest(raw).message_id)
    attachment = message.attachments.get()
    assert attachment.filename == "passwd"
    assert ".." not in attachment.file.name and "etc" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")
    path = Path(attachment_storage.path(attachment.file.name))
    assert path.resolve().is_relative_to((tmp_path / "private").resolve())
    assert path.read_bytes() == content
    assert attachment.size == len(content)
    assert attachment.content_type == "text/plain"


def test_attachment_type_is_sniffed_not_trusted():
    raw = multipart(
        parts=[
            ({"Content-Type": "text/plain"}, b"Zie bijlage"),
            ({"Content-Type": "application/pdf", "Content-Disposition": 'attachment; filename="factuur.pdf"'}, b"MZ\x90\x00\x03\x00\x00\x00PE"),
        ]
    )
    attachment = Attachment.objects.get(message_id=ingest(raw).message_id)
    assert attachment.filename == "factuur.pdf"
    assert attachment.content_type != "application/pdf"


def test_attachment_over_the_limit_is_not_stored_but_noted(settings):
    settings.KCC_ATTACHMENT_MAX_BYTES = 1000
    raw = multipart(
        parts=[
            ({"Content-Type": "text/plain"}, b"Grote bijlage"),
            ({"Content-Type": "application/octet-stream", "Content-Disposition": 'attachment; filename="groot.bin"'}, b"x" * 5000),
        ]
    )
    result = ingest(raw)
    message = Message.objects.get(pk=result.message_id)
    assert not message.attachments.exists()
    assert "groot.bin" in message.body_text
    assert InboundRaw.objects.get(pk=result.raw_id).meta["skipped_attachments"][0]["filename"] == "groot.bin"


def test_forwarded_message_is_kept_as_an_eml_attachment():
    inner = mail(subject="Doorgestuurd", sender="aannemer@example.com")
    raw = multipart(parts=[({"Content-Type": "text/plain"}, b"Zie onder"), ({"Content-Type": "message/rfc822"}, inner)])
    attachment = Attachment.objects.get(message_id=ingest(raw).message_id)
    assert attachment.filename.endswith(".eml")
    assert b"Doorgestuurd" in attachment.file.read()


def test_files_are_removed_when_filing_fails(monkeypatch, tmp_path):
    original = Attachment.save

    def failing_save(self, *args, **kwargs):
        original(self, *args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(Attachment, "save", failing_save)
    raw = multipart(parts=[({"Content-Type": "text/plain"}, b"x"), ({"Content-Type": "image/png", "Content-Disposition": 'attachment; filename="a.png"'}, b"\x89PNG\r\n\x1a\n")])
    result = ingest(raw)
    assert result.status == InboundStatus.QUARANTINED
    assert "disk full" in result.reason
    folder = tmp_path / "private" / "attachments"
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


# --- text hygiene ----------------------------------------------------------------------


def test_nul_bytes_and_8bit_headers_are_stored():
    raw = b"From: Jan <jan@example.nl>\r\nSubject: caf\xe9\x00 vraag\r\n\r\nTekst\x00met NUL\r\n"
    result = ingest(raw)
    assert result.status == InboundStatus.PROCESSED
    message = Message.objects.get(pk=result.message_id)
    assert message.subject == "café vraag"
    assert message.body_text == "Tekstmet NUL"


def test_unknown_charset_is_read_anyway():
    raw = b"From: jan@example.nl\r\nSubject: x\r\nContent-Type: text/plain; charset=x-onbekend\r\n\r\nna\xefef\r\n"
    message = Message.objects.get(pk=ingest(raw).message_id)
    assert message.body_text == "naïef"



def test_8bit_charset_parameter_and_defects_do_not_break_the_metadata():
    raw = b"From: jan@example.nl\r\nSubject: x\r\nContent-Type: text/plain; charset=\"\xff\xfe\x00bogus\"\r\n\r\nna\xefef\r\n"
    result = ingest(raw)
    assert result.status == InboundStatus.PROCESSED
    stored = InboundRaw.objects.get(pk=result.raw_id)
    assert stored.meta["notes"]
    assert Message.objects.get(pk=result.message_id).body_text == "naïef"
