from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from callbacks.models import CallbackAttempt, CallbackRequest
from channels.models import Attachment, CallEvent, Contact, InboundRaw, Message
from kcc.core.models import Customer
from kcc.dashboard.models import ContactFact
from kcc.dashboard.services import metrics_refresh
from kcc.privacy.constants import RetentionKind, RunMode, RunStatus
from kcc.privacy.models import RetentionLogEntry, RetentionRun
from kcc.privacy.services import (
    legal_hold_set,
    retention_list_approve,
    retention_nightly,
    retention_run_create,
)
from kcc.privacy.tasks import retention_nightly as retention_nightly_task
from signals.models import Evidence

pytestmark = pytest.mark.django_db

OLD = timedelta(days=400)


def file_exists(attachment_name: str) -> bool:
    return (Path(settings.KCC_PRIVATE_MEDIA_ROOT) / attachment_name).exists()


def counts(run) -> dict:
    return {(e.kind, e.channel): e.count for e in run.entries.all()}


def test_expired_contacts_are_deleted_with_messages_raw_mail_attachment_files_and_callbacks(make_resident, privacy_officer, django_capture_on_commit_callbacks):
    old = make_resident(ended=OLD)
    fresh = make_resident(first="Piet", last="Pietersen", ended=timedelta(days=30))
    file_name = old.attachment.file.name
    assert file_exists(file_name)

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")

    assert not Contact.objects.filter(pk__in=[old.email_contact.pk, old.phone_contact.pk]).exists()
    assert not Message.objects.filter(pk=old.message.pk).exists()
    assert not InboundRaw.objects.filter(pk=old.raw.pk).exists()
    assert not Attachment.objects.filter(pk=old.attachment.pk).exists()
    assert not file_exists(file_name)
    assert not CallEvent.objects.filter(contact_id=old.phone_contact.pk).exists()
    assert not CallbackRequest.objects.filter(pk=old.callback.pk).exists()
    assert not CallbackAttempt.objects.filter(callback_id=old.callback.pk).exists()
    # The signal keeps counting the evidence, but the note about the contact is gone.
    evidence = Evidence.objects.get(pk=old.evidence.pk)
    assert evidence.contact_id is None and evidence.note == ""
    # The fresh resident's records are untouched.
    assert Contact.objects.filter(customer=fresh.customer).count() == 2
    assert InboundRaw.objects.filter(pk=fresh.raw.pk).exists()
    assert file_exists(fresh.attachment.file.name)
    assert CallbackRequest.objects.filter(pk=fresh.callback.pk).exists()

    c = counts(run)
    assert c[(RetentionKind.CONTACT, "email")] == 1
    assert c[(RetentionKind.CONTACT, "phone")] == 1
    assert c[(RetentionKind.MESSAGE, "email")] == 1
    assert c[(RetentionKind.RAW_PAYLOAD, "email")] == 1
    assert c[(RetentionKind.ATTACHMENT_FILE, "email")] == 1
    assert c[(RetentionKind.CALLBACK, "")] == 1
    assert run.status == RunStatus.DONE


def test_a_second_run_deletes_nothing_more(make_resident):
    make_resident(ended=OLD)
    make_resident(first="Piet", last="Pietersen", ended=timedelta(days=30))
    retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")
    before = (Contact.objects.count(), Message.objects.count(), CallbackRequest.objects.count(), InboundRaw.objects.count())

    second = retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")

    assert (Contact.objects.count(), Message.objects.count(), CallbackRequest.objects.count(), InboundRaw.objects.count()) == before
    assert [e for e in second.entries.all() if e.kind != RetentionKind.HELD] == []


def test_periods_are_per_channel(make_resident, settings):
    settings.KCC_RETENTION_EMAIL = "P30D"
    settings.KCC_RETENTION_PHONE = "P2Y"
    resident = make_resident(ended=timedelta(days=60))

    retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")

    assert not Contact.objects.filter(pk=resident.email_contact.pk).exists()
    assert Contact.objects.filter(pk=resident.phone_contact.pk).exists()


def test_open_contacts_never_expire(make_resident):
    resident = make_resident(ended=OLD)
    Contact.objects.filter(pk=resident.email_contact.pk).update(status="open", outcome="")

    retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")

    assert Contact.objects.filter(pk=resident.email_contact.pk).exists()


def test_legal_hold_on_customer_keeps_everything_of_the_whole_merge_chain(make_resident, privacy_officer):
    survivor = make_resident(ended=OLD)
    duplicate = make_resident(first="J.", last="Jansen", ended=OLD)
    Customer.objects.filter(pk=duplicate.customer.pk).update(merged_into=survivor.customer)
    legal_hold_set(user=privacy_officer, customer=survivor.customer, reason="bezwaar 2026-12")

    run = retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")

    assert Contact.objects.filter(customer__in=[survivor.customer, duplicate.customer]).count() == 4
    assert CallbackRequest.objects.filter(pk__in=[survivor.callback.pk, duplicate.callback.pk]).count() == 2
    assert file_exists(duplicate.attachment.file.name)
    assert counts(run)[(RetentionKind.HELD, "")] == 4


def test_legal_hold_on_one_contact_keeps_it_and_its_callback(make_resident, privacy_officer):
    resident = make_resident(ended=OLD)
    legal_hold_set(user=privacy_officer, contact=resident.phone_contact, reason="klacht 7")

    retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")

    assert Contact.objects.filter(pk=resident.phone_contact.pk).exists()
    assert CallbackRequest.objects.filter(pk=resident.callback.pk).exists()
    assert not Contact.objects.filter(pk=resident.email_contact.pk).exists()


def test_destruction_list_deletes_nothing_and_approval_deletes_exactly_it(make_resident, privacy_officer):
    old = make_resident(ended=OLD)
    listed = retention_run_create(mode=RunMode.DRY_RUN, triggered_by="privacy")

    assert listed.status == RunStatus.AWAITING_APPROVAL
    assert counts(listed)[(RetentionKind.CONTACT, "email")] == 1
    assert Contact.objects.filter(customer=old.customer).count() == 2
    assert InboundRaw.objects.filter(pk=old.raw.pk).exists()

    # Expires after the list was made: not on the approved list, so not deleted.
    later = make_resident(first="Piet", last="Pietersen", ended=timedelta(days=365) - timedelta(hours=1))
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        execution = retention_list_approve(user=privacy_officer, run=listed)

    assert execution.source_id == listed.pk and execution.mode == RunMode.EXECUTE
    assert not Contact.objects.filter(customer=old.customer).exists()
    assert Contact.objects.filter(customer=later.customer).count() == 2
    listed.refresh_from_db()
    assert listed.approved_by == privacy_officer


def test_a_destruction_list_is_approved_once(make_resident, privacy_officer):
    from kcc.core.exceptions import DomainError

    make_resident(ended=OLD)
    listed = retention_run_create(mode=RunMode.DRY_RUN, triggered_by="privacy")
    retention_list_approve(user=privacy_officer, run=listed)
    with pytest.raises(DomainError):
        retention_list_approve(user=privacy_officer, run=listed)


def test_nightly_job_in_approval_mode_makes_one_list_per_day(make_resident, settings):
    settings.KCC_RETENTION_MODE = "approval"
    make_resident(ended=OLD)

    retention_nightly_task.delay()
    retention_nightly_task.delay()

    assert RetentionRun.objects.filter(mode=RunMode.DRY_RUN).count() == 1
    assert Contact.objects.count() == 2


def test_nightly_job_in_delete_mode_deletes(make_resident, settings):
    settings.KCC_RETENTION_MODE = "delete"
    make_resident(ended=OLD)

    retention_nightly()

    assert Contact.objects.count() == 0
    assert RetentionRun.objects.get().mode == RunMode.EXECUTE


def test_metric_facts_survive_retention(make_resident):
    resident = make_resident(ended=OLD)
    metrics_refresh()
    day = timezone.localdate(resident.email_contact.started_at)
    before = list(ContactFact.objects.filter(day=day).values("channel", "inbound", "closed", "resolved", "transferred"))
    assert before

    retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")
    metrics_refresh()

    after = list(ContactFact.objects.filter(day=day).values("channel", "inbound", "closed", "resolved", "transferred"))
    assert sorted(after, key=str) == sorted(before, key=str)


def test_orphan_raw_payloads_expire_from_receipt(db, settings):
    import hashlib

    from channels.constants import InboundSource, InboundStatus

    raw = InboundRaw.objects.create(source=InboundSource.IMAP, payload=b"From: x@example.nl\r\n\r\nkapot", sha256=hashlib.sha256(b"x").hexdigest(), status=InboundStatus.QUARANTINED)
    InboundRaw.objects.filter(pk=raw.pk).update(received_at=timezone.now() - timedelta(days=100))
    pending = InboundRaw.objects.create(source=InboundSource.IMAP, payload=b"wacht", sha256="1" * 64, status=InboundStatus.PENDING)
    InboundRaw.objects.filter(pk=pending.pk).update(received_at=timezone.now() - timedelta(days=100))

    run = retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")

    assert not InboundRaw.objects.filter(pk=raw.pk).exists()
    assert InboundRaw.objects.filter(pk=pending.pk).exists()
    assert counts(run)[(RetentionKind.RAW_PAYLOAD, "")] == 1


def test_customers_left_without_records_expire_but_not_merge_survivors_of_kept_records(make_resident, settings):
    settings.KCC_RETENTION_CUSTOMER = "P1Y"
    gone = make_resident(ended=OLD)
    Customer.objects.filter(pk=gone.customer.pk).update(updated_at=timezone.now() - OLD)
    kept = make_resident(first="Piet", last="Pietersen", ended=timedelta(days=10))
    Customer.objects.filter(pk=kept.customer.pk).update(updated_at=timezone.now() - OLD)

    retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")

    assert not Customer.objects.filter(pk=gone.customer.pk).exists()
    assert Customer.objects.filter(pk=kept.customer.pk).exists()


def test_the_log_holds_counts_only(make_resident):
    make_resident(ended=OLD)
    run = retention_run_create(mode=RunMode.EXECUTE, triggered_by="test")
    text = " ".join(f"{e.kind} {e.channel} {e.count}" for e in RetentionLogEntry.objects.filter(run=run))
    assert "Jansen" not in text and "example.nl" not in text
