"""Retention and erasure reach the one e-mail outbox (core.OutboundEmail): a callback's e-mails
go with it, old department digests expire, an erased resident's e-mails keep no personal data,
and the rows of other apps (signals) are left to their own records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kcc.core.models import OutboundEmail
from kcc.privacy.constants import RetentionKind, RunMode
from kcc.privacy.services import customer_erase, retention_run_create
from kcc.privacy.services.erasure import ERASED

pytestmark = pytest.mark.django_db

OLD = timedelta(days=400)


def _mail(key: str, *, target=None, sent_ago: timedelta | None = None, source: str = "callbacks") -> OutboundEmail:
    sent_at = timezone.now() - sent_ago if sent_ago is not None else None
    return OutboundEmail.objects.create(
        source=source, kind="assigned", key=f"{source}:{key}", target=target, recipients=["collega@voorbeeldstad.example"],
        subject="Terugbelverzoek voor Jan Jansen", body="Bel Jan Jansen terug op 0612345678.", sent_at=sent_at,
        created_at=timezone.now() - (sent_ago or timedelta(0)),
    )


def test_retention_deletes_a_callbacks_e_mails_with_it_and_old_digests(make_resident, belastingen):
    from tests.signals.factories import SignalFactory

    old, fresh = make_resident(ended=OLD), make_resident(first="Piet", last="Pietersen", ended=timedelta(days=30))
    with_old_callback = _mail("assigned:old", target=old.callback, sent_ago=OLD)
    with_fresh_callback = _mail("assigned:fresh", target=fresh.callback, sent_ago=timedelta(days=30))
    old_digest = _mail("digest:old", sent_ago=OLD)
    recent_digest = _mail("digest:recent", sent_ago=timedelta(days=30))
    unsent_digest = _mail("digest:unsent")
    signal_mail = _mail("new_signal:1:1", target=SignalFactory(department=belastingen), sent_ago=OLD, source="signals")

    run = retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")

    left = set(OutboundEmail.objects.values_list("pk", flat=True))
    assert with_old_callback.pk not in left and old_digest.pk not in left
    assert {with_fresh_callback.pk, recent_digest.pk, unsent_digest.pk, signal_mail.pk} <= left
    assert {e.kind: e.count for e in run.entries.filter(kind=RetentionKind.NOTIFICATION)} == {RetentionKind.NOTIFICATION: 2}


def test_erasure_empties_the_sent_e_mails_of_the_residents_callbacks_and_drops_the_unsent(make_resident, privacy_officer):
    resident, other = make_resident(), make_resident(first="Piet", last="Pietersen")
    sent = _mail("assigned:sent", target=resident.callback, sent_ago=timedelta(days=2))
    pending = _mail("resident_unreachable:pending", target=resident.callback)
    someone_else = _mail("assigned:other", target=other.callback, sent_ago=timedelta(days=2))

    customer_erase(user=privacy_officer, customer=resident.customer)

    sent.refresh_from_db()
    assert (sent.subject, sent.body, sent.recipients, sent.error) == (ERASED, "", [], "")
    assert sent.sent_at is not None  # that it went out stays on record
    assert not OutboundEmail.objects.filter(pk=pending.pk).exists()
    someone_else.refresh_from_db()
    assert someone_else.body.startswith("Bel Jan Jansen")
