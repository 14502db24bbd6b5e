"""Races, run for real: threads with their own database connections."""

import threading

import pytest
from django.db import connection

from channels.constants import InboundSource, InboundStatus
from channels.ingestion import ingest_email
from channels.models import Contact, EmailFingerprint, InboundRaw, Message

from .helpers import mail

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (SQLite locks the whole file)"),
]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_same_message_through_several_routes_at_once_gives_one_message(attempt):
    raw = mail(subject=f"Tegelijk {attempt}")
    sources = [
        (InboundSource.EMAIL_FILE, None),
        (InboundSource.IMAP, f"imap:INBOX:1:{attempt}"),
        (InboundSource.EMAIL_WEBHOOK, f"email-webhook:msg_{attempt}"),
        (InboundSource.EMAIL_WEBHOOK, f"email-webhook:msg_{attempt}"),  # a replay, at the same time
    ]
    results = run_together(*[lambda s=s, k=k: ingest_email(raw=raw, source=s, dedupe_key=k) for s, k in sources])
    assert Message.objects.count() == 1
    assert Contact.objects.count() == 1
    assert EmailFingerprint.objects.count() == 1
    statuses = sorted(str(r.status) for r in results if not r.replay)
    assert statuses.count(InboundStatus.PROCESSED) == 1
    assert InboundRaw.objects.count() == 3  # the replayed webhook id stored nothing


def test_replies_in_one_thread_at_once_all_land_in_that_thread():
    first = ingest_email(raw=mail(message_id="<start@example.nl>"), source=InboundSource.EMAIL_FILE)
    replies = [mail(subject=f"Re: {n}", in_reply_to="<start@example.nl>") for n in range(4)]
    run_together(*[lambda r=r: ingest_email(raw=r, source=InboundSource.EMAIL_FILE) for r in replies])
    assert Contact.objects.count() == 1
    assert Message.objects.filter(contact_id=first.contact_id).count() == 5


def test_events_of_one_call_at_once_make_one_contact(agent):
    import json

    from channels.ingestion.phone import process_phone_event
    from channels.ingestion.store import store_raw

    def deliver(kind, at):
        body = json.dumps({"event": kind, "call_id": "tegelijk-1", "from": "0612345678", "agent": "agent", "at": at}).encode()
        raw, _created = store_raw(source=InboundSource.PHONE_WEBHOOK, payload=body, dedupe_key=f"phone-webhook:{kind}")
        return process_phone_event(raw.pk)

    results = run_together(
        lambda: deliver("ringing", "2026-03-02T09:00:00+01:00"),
        lambda: deliver("answered", "2026-03-02T09:00:10+01:00"),
        lambda: deliver("ended", "2026-03-02T09:03:00+01:00"),
    )
    assert {str(r.status) for r in results} == {InboundStatus.PROCESSED}
    contact = Contact.objects.get()
    assert contact.answered_at and contact.conversation_ended_at and contact.assigned_to == agent
