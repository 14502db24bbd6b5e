"""The automatic acknowledgement: sent to people, never to automatic messages."""

import pytest
from django.core import mail as outbox

from channels.constants import DeliveryStatus, Direction, InboundSource
from channels.ingestion import ingest_email
from channels.models import Message

from .helpers import mail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def acknowledge_on(settings):
    settings.KCC_EMAIL_ACKNOWLEDGE = True


def ingest(raw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return ingest_email(raw=raw, source=InboundSource.EMAIL_FILE)


def test_new_mail_from_a_person_gets_one_acknowledgement(django_capture_on_commit_callbacks):
    result = ingest(mail(subject="Vraag over de WOZ", message_id="<woz@example.nl>"), django_capture_on_commit_callbacks)
    assert len(outbox.outbox) == 1
    sent = outbox.outbox[0]
    assert sent.to == ["jan.jansen@example.nl"]
    assert f"[KCC-{result.contact_id}]" in sent.subject
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert sent.extra_headers["In-Reply-To"] == "<woz@example.nl>"
    stored = Message.objects.get(direction=Direction.OUTBOUND)
    assert stored.contact_id == result.contact_id
    assert stored.is_auto_reply and stored.delivery_status == DeliveryStatus.SENT


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"Return-Path": "<>"},
        {"List-Id": "<nieuwsbrief.example.nl>"},
    ],
)
def test_automatic_messages_get_no_acknowledgement(django_capture_on_commit_callbacks, headers):
    result = ingest(mail(extra_headers=headers), django_capture_on_commit_callbacks)
    assert result.new_contact
    assert outbox.outbox == []
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@example.nl", "noreply@example.nl", "kcc@voorbeeldstad.example", "alice@example.org(<bob@example.org>"])
def test_system_own_and_ambiguous_senders_get_no_acknowledgement(django_capture_on_commit_callbacks, sender):
    ingest(mail(sender=sender), django_capture_on_commit_callbacks)
    assert outbox.outbox == []


def test_reply_in_an_existing_thread_gets_no_second_acknowledgement(django_capture_on_commit_callbacks):
    ingest(mail(message_id="<eerste@example.nl>"), django_capture_on_commit_callbacks)
    ingest(mail(in_reply_to="<eerste@example.nl>", subject="Re: aanvulling"), django_capture_on_commit_callbacks)
    assert len(outbox.outbox) == 1


def test_at_most_one_acknowledgement_per_address_per_day(django_capture_on_commit_callbacks):
    # An auto-responder without headers that strips our token would otherwise loop with us.
    for n in range(3):
        ingest(mail(subject=f"Nieuwe vraag {n}"), django_capture_on_commit_callbacks)
    assert len(outbox.outbox) == 1


def test_acknowledgement_is_off_by_default(settings, django_capture_on_commit_callbacks):
    settings.KCC_EMAIL_ACKNOWLEDGE = False
    ingest(mail(), django_capture_on_commit_callbacks)
    assert outbox.outbox == []


def test_acknowledgement_task_twice_sends_once(django_capture_on_commit_callbacks):
    from channels.ingestion.acknowledge import acknowledgement_send

    result = ingest(mail(), django_capture_on_commit_callbacks)
    assert acknowledgement_send(message_id=result.message_id) is None
    assert len(outbox.outbox) == 1
