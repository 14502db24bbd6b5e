"""Retention (bewaartermijnen): remove what has been kept longer than its period.

Invariants
----------
* What expires is a pure function of the data and ``as_of``: closed contacts whose end lies more
  than their channel's period before ``as_of``; closed callback requests likewise from their
  closing; raw payloads that no message or call event holds, from receipt; customers left
  without contacts or callbacks, from their last change.
* A legal hold on a customer keeps that customer's whole merge chain and everything linked to
  it; a hold on a contact keeps the contact with its messages, attachments, raw payloads and the
  callback made from it; a hold on a callback keeps that callback.
* Running again deletes nothing more: deleted rows are gone, and nothing that survived a run
  expires until time passes. A run that dies halfway leaves whole batches deleted (one
  transaction per batch) and the next run finishes the rest.
* Attachment files are deleted after the batch's transaction committed: a rolled-back batch
  never loses a file that its row still points to.
* Metric facts (kcc.dashboard) are never touched: they hold no identity, and deleted contacts
  dirty no day, so the figures survive.
* The log (RetentionRun / RetentionLogEntry) holds counts per kind and channel, never whose.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.constants import CLOSED_STATUSES as CALLBACK_CLOSED_STATUSES
from callbacks.models import CallbackRequest
from channels.constants import Channel, ContactStatus, InboundStatus
from channels.models import Attachment, CallEvent, Contact, InboundRaw, Message
from kcc.core.exceptions import DomainError
from kcc.core.models import Customer, OutboundEmail
from signals.models import Evidence

from ..constants import RetentionKind, RetentionMode, RunMode, RunStatus
from ..durations import Duration, parse_duration
from ..models import RetentionLogEntry, RetentionRun
from ..selectors import held_callback_ids, held_contact_ids, held_customer_ids

logger = logging.getLogger(__name__)

BATCH = 200
NIGHTLY = "nightly job"

# Retention settings per kind: channels first, then the records that are not contacts.
CHANNEL_SETTINGS = {channel.value: f"KCC_RETENTION_{channel.value.upper()}" for channel in Channel}
OTHER_SETTINGS = {
    "callback": "KCC_RETENTION_CALLBACK",
    "inbound_raw": "KCC_RETENTION_INBOUND_RAW",
    "customer": "KCC_RETENTION_CUSTOMER",
}


def retention_periods() -> dict[str, Duration | None]:
    """The periods in force, per channel and for callbacks, raw payloads and customers. An empty
    setting means 'keep for ever' (None). Invalid values are refused at start-up (system check)."""
    periods = {}
    for key, name in {**CHANNEL_SETTINGS, **OTHER_SETTINGS}.items():
        value = getattr(settings, name).strip()
        periods[key] = parse_duration(value) if value else None
    return periods


@dataclass
class RetentionPlan:
    """What expires at ``as_of``, as querysets (evaluated lazily, in batches when executing)."""

    as_of: datetime
    periods: dict[str, Duration | None]
    contacts: dict[str, QuerySet] = field(default_factory=dict)  # channel -> expired contacts
    held_contacts: int = 0
    callbacks: QuerySet | None = None
    notifications: QuerySet | None = None
    raws: QuerySet | None = None
    customers: QuerySet | None = None

    def counts(self) -> Counter:
        """(kind, channel) -> number that would be removed. Several COUNT queries, no rows."""
        counts: Counter = Counter()
        for channel, qs in self.contacts.items():
            ids = qs.values("pk")
            counts[(RetentionKind.CONTACT, channel)] = qs.count()
            counts[(RetentionKind.MESSAGE, channel)] = Message.objects.filter(contact__in=ids).count()
            counts[(RetentionKind.ATTACHMENT, channel)] = Attachment.objects.filter(message__contact__in=ids).count()
            counts[(RetentionKind.CALL_EVENT, channel)] = CallEvent.objects.filter(contact__in=ids).count()
            counts[(RetentionKind.RAW_PAYLOAD, channel)] = InboundRaw.objects.filter(
                Q(message__contact__in=ids) | Q(call_event__contact__in=ids)
            ).count()
            counts[(RetentionKind.EVIDENCE_NOTE, channel)] = Evidence.objects.filter(contact__in=ids).exclude(note="").count()
        if self.raws is not None:
            counts[(RetentionKind.RAW_PAYLOAD, "")] += self.raws.count()
        if self.callbacks is not None:
            counts[(RetentionKind.CALLBACK, "")] = self.callbacks.count()
        if self.notifications is not None:
            counts[(RetentionKind.NOTIFICATION, "")] = self.notifications.count()
        if self.customers is not None:
            counts[(RetentionKind.CUSTOMER, "")] = len(_expired_customer_ids(self.customers))
        counts[(RetentionKind.HELD, "")] = self.held_contacts
        return Counter({k: v for k, v in counts.items() if v})


def retention_plan(*, as_of: datetime | None = None) -> RetentionPlan:
    """Build the querysets of everything that has expired at `as_of` (default: now)."""
    as_of = as_of or timezone.now()
    periods = retention_periods()
    plan = RetentionPlan(as_of=as_of, periods=periods)
    held_customers = held_customer_ids()
    held_contacts = held_contact_ids()
    held = 0
    for channel in CHANNEL_SETTINGS:
        period = periods[channel]
        if period is None:
            continue
        expired = (
            Contact.objects.filter(channel=channel, status=ContactStatus.CLOSED)
            .alias(closed_ref=Coalesce("ended_at", "started_at"))
            .filter(closed_ref__lt=period.before(as_of))
        )
        kept = expired.filter(Q(customer_id__in=held_customers) | Q(pk__in=held_contacts))
        held += kept.count()
        plan.contacts[channel] = expired.exclude(customer_id__in=held_customers).exclude(pk__in=held_contacts).order_by("pk")
    plan.held_contacts = held
    if periods["callback"] is not None:
        cutoff = periods["callback"].before(as_of)
        plan.callbacks = (
            CallbackRequest.objects.filter(status__in=CALLBACK_CLOSED_STATUSES, closed_at__lt=cutoff)
            .exclude(customer_id__in=held_customers)
            .exclude(pk__in=held_callback_ids())
            .exclude(source_contact_id__in=held_contacts)
            .order_by("pk")
        )
        # Department digests and other e-mails not tied to one callback, sent long enough ago.
        plan.notifications = OutboundEmail.objects.filter(
            source="callbacks", object_id__isnull=True, sent_at__lt=cutoff,
        ).order_by("pk")
    if periods["inbound_raw"] is not None:
        plan.raws = (
            InboundRaw.objects.filter(received_at__lt=periods["inbound_raw"].before(as_of))
            .exclude(status=InboundStatus.PENDING)
            .filter(message__isnull=True, call_event__isnull=True)
            .order_by("pk")
        )
    if periods["customer"] is not None:
        plan.customers = (
            Customer.objects.filter(updated_at__lt=periods["customer"].before(as_of))
            .exclude(pk__in=held_customers)
            .exclude(pk__in=Contact.objects.filter(customer__isnull=False).values("customer_id"))
            .exclude(pk__in=CallbackRequest.objects.filter(customer__isnull=False).values("customer_id"))
        )
    return plan


def _expired_customer_ids(candidates: QuerySet) -> list[int]:
    """Candidates that can go together with their whole merge chain: a survivor only when every
    record merged into it goes too (merges protect the survivor). Leaves first."""
    ids = set(candidates.values_list("pk", flat=True))
    blocked = set(Customer.objects.filter(merged_into__in=ids).exclude(pk__in=ids).values_list("merged_into_id", flat=True))
    changed = True
    while changed:
        changed = False
        for pk in list(ids):
            if pk in blocked:
                ids.discard(pk)
                changed = True
        # A survivor whose merged record was dropped is blocked as well, and so on up the chain.
        new_blocked = set(Customer.objects.filter(merged_into__in=ids).exclude(pk__in=ids).values_list("merged_into_id", flat=True))
        if new_blocked - blocked:
            blocked |= new_blocked
            changed = True
    # Leaves (records merged away) before their survivors.
    depth = {}
    rows = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "merged_into_id"))
    for pk in ids:
        d, cur, seen = 0, pk, set()
        while rows.get(cur) in ids and cur not in seen:
            seen.add(cur)
            cur = rows[cur]
            d += 1
        depth[pk] = d
    return sorted(ids, key=lambda pk: (-depth[pk], pk))


# --- execution ---------------------------------------------------------------------------------


def _delete_files(names: list[str]) -> None:
    """Remove attachment files after the commit. Never logs file names: they can hold a name."""
    from kcc.core.storage import private_storage

    storage = private_storage()
    failed = 0
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            failed += 1
    if failed:
        logger.warning("retention: %s attachment files could not be deleted", failed)


@transaction.atomic
def _delete_contact_batch(ids: list[int], channel: str, counts: Counter) -> None:
    contacts = Contact.objects.filter(pk__in=ids)
    raw_ids = set(Message.objects.filter(contact__in=ids, raw__isnull=False).values_list("raw_id", flat=True))
    raw_ids |= set(CallEvent.objects.filter(contact__in=ids, raw__isnull=False).values_list("raw_id", flat=True))
    files = [name for name in Attachment.objects.filter(message__contact__in=ids).values_list("file", flat=True) if name]
    counts[(RetentionKind.MESSAGE, channel)] += Message.objects.filter(contact__in=ids).count()
    counts[(RetentionKind.ATTACHMENT, channel)] += Attachment.objects.filter(message__contact__in=ids).count()
    counts[(RetentionKind.CALL_EVENT, channel)] += CallEvent.objects.filter(contact__in=ids).count()
    # Evidence keeps counting for its signal, but the note about this contact goes with it.
    counts[(RetentionKind.EVIDENCE_NOTE, channel)] += Evidence.objects.filter(contact__in=ids).exclude(note="").update(note="")
    deleted, _per_model = contacts.delete()
    counts[(RetentionKind.CONTACT, channel)] += len(ids)
    counts[(RetentionKind.RAW_PAYLOAD, channel)] += InboundRaw.objects.filter(pk__in=raw_ids).delete()[1].get("inbox.InboundRaw", 0)
    counts[(RetentionKind.ATTACHMENT_FILE, channel)] += len(files)
    if files:
        transaction.on_commit(lambda: _delete_files(files))


@transaction.atomic
def _delete_batch(qs: QuerySet, ids: list[int], kind: str, counts: Counter, model_label: str) -> None:
    _deleted, per_model = qs.model.objects.filter(pk__in=ids).delete()
    counts[(kind, "")] += per_model.get(model_label, 0)
    if kind == RetentionKind.CALLBACK:
        # Its e-mails in the outbox go with it (a generic relation on CallbackRequest).
        counts[(RetentionKind.NOTIFICATION, "")] += per_model.get("core.OutboundEmail", 0)


def _batches(qs: QuerySet):
    """Primary keys in batches, re-reading after each batch (the rows it returns are deleted)."""
    last = 0
    while True:
        ids = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _execute(plan: RetentionPlan) -> Counter:
    counts: Counter = Counter()
    for channel, qs in plan.contacts.items():
        for ids in _batches(qs):
            _delete_contact_batch(ids, channel, counts)
    if plan.callbacks is not None:
        for ids in _batches(plan.callbacks):
            _delete_batch(plan.callbacks, ids, RetentionKind.CALLBACK, counts, "callbacks.CallbackRequest")
        for ids in _batches(plan.notifications):
            _delete_batch(plan.notifications, ids, RetentionKind.NOTIFICATION, counts, "core.OutboundEmail")
    if plan.raws is not None:
        for ids in _batches(plan.raws):
            _delete_batch(plan.raws, ids, RetentionKind.RAW_PAYLOAD, counts, "inbox.InboundRaw")
    if plan.customers is not None:
        # Re-plan after the contacts and callbacks went: customers they left behind expire now.
        for pk in _expired_customer_ids(plan.customers):
            with transaction.atomic():
                _deleted, per_model = Customer.objects.filter(pk=pk, merged_from__isnull=True).delete()
                counts[(RetentionKind.CUSTOMER, "")] += per_model.get("core.Customer", 0)
    counts[(RetentionKind.HELD, "")] = plan.held_contacts
    return Counter({k: v for k, v in counts.items() if v})


def _write_entries(run: RetentionRun, counts: Counter) -> None:
    RetentionLogEntry.objects.bulk_create(
        [RetentionLogEntry(run=run, kind=kind, channel=channel, count=n) for (kind, channel), n in sorted(counts.items())]
    )


def _periods_json(periods: dict[str, Duration | None]) -> dict[str, str]:
    return {k: str(v) if v else "" for k, v in periods.items()}


def retention_run_create(*, mode: str, triggered_by: str, as_of: datetime | None = None, source: RetentionRun | None = None, approver=None) -> RetentionRun:
    """Make a destruction list (``RunMode.DRY_RUN``: counts only, nothing deleted) or carry out a
    deletion (``RunMode.EXECUTE``). Either way the run and its counts are logged."""
    plan = retention_plan(as_of=as_of)
    run = RetentionRun.objects.create(
        mode=mode,
        status=RunStatus.AWAITING_APPROVAL if mode == RunMode.DRY_RUN else RunStatus.APPROVED,
        as_of=plan.as_of,
        triggered_by=triggered_by[:150],
        periods=_periods_json(plan.periods),
        source=source,
        approved_by=approver,
        approved_at=timezone.now() if approver else None,
    )
    if mode == RunMode.DRY_RUN:
        RetentionRun.objects.filter(mode=RunMode.DRY_RUN, status=RunStatus.AWAITING_APPROVAL).exclude(pk=run.pk).update(
            status=RunStatus.SUPERSEDED, finished_at=timezone.now()
        )
        _write_entries(run, plan.counts())
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        logger.info("retention: destruction list %s made", run.pk)
        return run
    try:
        counts = _execute(plan)
    except Exception as exc:
        RetentionRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=type(exc).__name__, finished_at=timezone.now())
        logger.error("retention: run %s failed (%s)", run.pk, type(exc).__name__)
        raise
    _write_entries(run, counts)
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    logger.info("retention: run %s removed %s records", run.pk, sum(n for (kind, _c), n in counts.items() if kind != RetentionKind.HELD))
    return run


def retention_list_approve(*, user, run: RetentionRun) -> RetentionRun:
    """Approve a destruction list: delete what had expired when the list was made (records put
    on hold since then stay). Only the newest list awaiting approval can be approved, once."""
    with transaction.atomic():
        locked = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if locked.mode != RunMode.DRY_RUN or locked.status != RunStatus.AWAITING_APPROVAL:
            raise DomainError(_("This destruction list can no longer be approved."))
        locked.status = RunStatus.DONE
        locked.approved_by = user
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
    return retention_run_create(mode=RunMode.EXECUTE, triggered_by=user.get_username(), as_of=locked.as_of, source=locked, approver=user)


def retention_nightly(*, now: datetime | None = None) -> RetentionRun:
    """The nightly job. KCC_RETENTION_MODE=delete deletes directly; "approval" (default) makes a
    destruction list for the privacy officer, at most one per day."""
    now = now or timezone.now()
    if settings.KCC_RETENTION_MODE == RetentionMode.DELETE:
        return retention_run_create(mode=RunMode.EXECUTE, triggered_by=NIGHTLY, as_of=now)
    today = timezone.localdate(now)
    existing = RetentionRun.objects.filter(mode=RunMode.DRY_RUN, status=RunStatus.AWAITING_APPROVAL).first()
    if existing is not None and timezone.localdate(existing.as_of) == today:
        return existing
    return retention_run_create(mode=RunMode.DRY_RUN, triggered_by=NIGHTLY, as_of=now)
