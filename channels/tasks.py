"""Celery tasks of the inbox: thin wrappers around one service each. The schedule is in
kcc/settings/beat.py."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger("channels.tasks")
IMAP_LOCK_KEY = "kcc:inbox:imap-poll"


@shared_task(name="channels.imap_poll", ignore_result=True)
def imap_poll_task() -> None:
    """Poll the KCC mailbox once (beat, every KCC_IMAP_POLL_SECONDS). Does nothing when
    KCC_IMAP_HOST is empty. A cache lock keeps slow polls from piling up; two polls running
    anyway would still not duplicate anything (unique dedupe keys and fingerprints)."""
    if not settings.KCC_IMAP_HOST:
        return
    from .ingestion.imap import imap_poll_configured

    timeout = max(60, settings.KCC_IMAP_POLL_SECONDS * 5)
    if not cache.add(IMAP_LOCK_KEY, 1, timeout=timeout):
        log.info("IMAP poll skipped: the previous poll is still running")
        return
    try:
        summary = imap_poll_configured()
        if summary is not None and (summary.fetched or summary.errors):
            log.info("IMAP poll of %s: %s, moved %s, errors %s", summary.mailbox, summary.counts, summary.moved, len(summary.errors))
    finally:
        cache.delete(IMAP_LOCK_KEY)


@shared_task(name="channels.inbound_process_pending", ignore_result=True, acks_late=True)
def inbound_process_pending_task() -> None:
    """Process inbound payloads left PENDING by a crash between storing and processing.
    Idempotent: processing only acts on a PENDING payload, under a row lock."""
    from .ingestion.store import inbound_process_pending

    inbound_process_pending()


@shared_task(name="channels.email_acknowledge", ignore_result=True, acks_late=True)
def inbound_email_acknowledge(message_id: int) -> None:
    """Send the acknowledgement of receipt for a new e-mail contact (at most once; see
    channels.ingestion.acknowledge)."""
    from .ingestion.acknowledge import acknowledgement_send

    acknowledgement_send(message_id=message_id)


@shared_task(name="channels.portal_deliver", ignore_result=True, acks_late=True)
def portal_deliver_task(message_id: int) -> None:
    """Send one portal reply (queued after commit). Safe to run twice: only a pending reply is
    sent, under a row lock (channels.portal)."""
    from .portal import portal_deliver

    portal_deliver(message_id=message_id)


@shared_task(name="channels.portal_deliver_pending", ignore_result=True, acks_late=True)
def portal_deliver_pending_task() -> None:
    """Beat: retry portal replies that are still pending (portal down, broker down when they
    were queued, lost worker)."""
    from .portal import portal_deliver_pending

    portal_deliver_pending()
