"""Write operations of the signals board. Views, admin, tasks and the demo all go through here.

Row locks: every service that changes a signal locks its row first (SELECT ... FOR UPDATE), so
two agents adding evidence, or a department answering while a team lead merges, are
serialised. Merging locks both signals in id order to avoid deadlocks.
"""

import logging
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kcc.core.constants import Role
from kcc.core.exceptions import DomainError
from kcc.core.models import Department, Membership, OutboundEmail
from kcc.core.outbox import OutgoingMail, outbox_deliver_pending, outbox_key, outbox_queue
from kcc.core.workdays import WorkCalendar, local_date
from knowledgebase import services as kb_services

from .access import can_merge, can_raise, can_respond
from .constants import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    TEXT_MAX,
    TITLE_MAX,
    TRANSITIONS,
    Impact,
    NotificationKind,
    SignalCategory,
    SignalStatus,
)
from .models import Comment, Evidence, Signal, StatusChange, Supporter

logger = logging.getLogger(__name__)


def ack_days() -> int:
    return settings.KCC_SIGNAL_ACK_DAYS


def escalation_days() -> int:
    return settings.KCC_SIGNAL_ESCALATION_DAYS


def _clean_text(value: str, *, field: str, required: bool = True, max_length: int = TEXT_MAX, label: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(field)s is required.") % {"field": label or field}, field=field, code="required")
    if len(value) > max_length:
        raise DomainError(
            _("%(field)s is too long: at most %(max)d characters.") % {"field": label or field, "max": max_length}, field=field,
        )
    return value


def _lock(signal: Signal) -> Signal:
    return Signal.objects.select_for_update().select_related("department").get(pk=signal.pk)


def _follow_merges(signal: Signal) -> Signal:
    """A merged-away signal forwards new evidence to the signal it was merged into."""
    seen = set()
    while signal.merged_into_id and signal.pk not in seen:
        seen.add(signal.pk)
        signal = Signal.objects.select_for_update().select_related("department").get(pk=signal.merged_into_id)
    return signal


def _support(*, signal: Signal, user) -> Supporter:
    supporter, _created = Supporter.objects.get_or_create(signal=signal, user=user)
    return supporter


# --- raising and evidence -----------------------------------------------------------------


@transaction.atomic
def signal_raise(
    *,
    user,
    title: str,
    description: str,
    category: str,
    department: Department,
    impact: str = Impact.MEDIUM,
    impact_description: str = "",
    contact=None,
    note: str = "",
    raised_at: datetime | None = None,
    notify: bool = True,
) -> Signal:
    """Raise a signal; the contact it was raised from becomes its first evidence and the raiser
    its first supporter. The department's acknowledgement deadline is KCC_SIGNAL_ACK_DAYS
    working days after the raise date. The department's shared address is told after commit
    (``notify=False`` only for loading history, e.g. demo data)."""
    if not can_raise(user):
        raise PermissionDenied
    title = _clean_text(title, field="title", max_length=TITLE_MAX, label=_("Title"))
    description = _clean_text(description, field="description", label=_("Description"))
    impact_description = _clean_text(impact_description, field="impact_description", required=False, label=_("What residents notice"))
    if category not in SignalCategory.values:
        raise DomainError(_("Choose a category."), field="category")
    if impact not in Impact.values:
        raise DomainError(_("Choose the impact."), field="impact")
    if department is None or not department.is_active:
        raise DomainError(_("Choose an active department."), field="department")
    raised_at = raised_at or timezone.now()
    signal = Signal.objects.create(
        title=title,
        description=description,
        category=category,
        department=department,
        impact=impact,
        impact_description=impact_description,
        raised_by=user,
        raised_at=raised_at,
        ack_due=WorkCalendar().add_working_days(local_date(raised_at), ack_days()),
        evidence_count=1 if contact is not None else 0,
    )
    _support(signal=signal, user=user)
    if contact is not None:
        Evidence.objects.create(signal=signal, contact=contact, added_by=user, added_at=raised_at, note=note.strip()[:500])
    if notify:
        _notification_queue(NotificationKind.NEW_SIGNAL, signal)
    return signal


@transaction.atomic
def signal_evidence_add(*, user, signal: Signal, contact, note: str = "") -> tuple[Evidence, bool, Signal]:
    """"Ik zie dit ook": link a contact to an open signal. Idempotent: linking the same contact
    twice returns the existing evidence (created False). Evidence for a merged-away signal goes
    to the signal it was merged into. Returns (evidence, created, signal it landed on)."""
    if not can_raise(user):
        raise PermissionDenied
    signal = _follow_merges(_lock(signal))
    if signal.status not in OPEN_STATUSES:
        raise DomainError(_("This signal is closed. Raise a new signal if the problem is back."), code="closed")
    note = _clean_text(note, field="note", required=False, max_length=500, label=_("Note"))
    evidence, created = Evidence.objects.get_or_create(signal=signal, contact=contact, defaults={"added_by": user, "note": note})
    _support(signal=signal, user=user)
    if created:
        signal.evidence_count += 1  # the row is locked: no lost update
        signal.save(update_fields=["evidence_count", "updated_at"])
    return evidence, created, signal


@transaction.atomic
def signal_evidence_remove(*, user, evidence: Evidence) -> None:
    """Unlink a contact that was linked by mistake: by whoever linked it, or a team lead,
    while the signal is open."""
    signal = _lock(evidence.signal)
    from kcc.core.access import has_role

    if not (evidence.added_by_id == user.pk or has_role(user, Role.TEAMLEAD)):
        raise PermissionDenied
    if signal.status not in OPEN_STATUSES:
        raise DomainError(_("Evidence of a closed signal cannot be changed."))
    evidence.delete()
    signal.evidence_count = max(signal.evidence_count - 1, 0)
    signal.save(update_fields=["evidence_count", "updated_at"])


# --- workflow -----------------------------------------------------------------------------


def _require_reading(*, user, article, summary: str) -> None:
    try:
        kb_services.article_require_reading(user=user, article=article, summary=summary)
    except DomainError as exc:
        # Shown at the checkbox; the surrounding transaction rolls the resolution back.
        raise DomainError(exc.message, field=exc.field or "require_reading", code=exc.code) from exc


@transaction.atomic
def signal_transition(
    *,
    user,
    signal: Signal,
    to_status: str,
    response: str,
    owner=None,
    target_date: date | None = None,
    article=None,
    require_reading: bool = False,
    at: datetime | None = None,
) -> StatusChange:
    """Move the signal to `to_status` with the department's response (required), following
    TRANSITIONS (new → acknowledged → in progress → resolved; any open status → rejected).

    Only the concerned department (back office, manager) or a KCC team lead may do this. The
    first status change stops the acknowledgement clock (`responded_at`). Acknowledging may
    name an owner (default: the acting department member) and a target date. Resolving may
    link the knowledge article that was changed and flag it as a mandatory read; if the
    knowledge base refuses, nothing is saved."""
    signal = _lock(signal)
    if not can_respond(user, signal):
        raise PermissionDenied
    if to_status not in SignalStatus.values or to_status not in TRANSITIONS[signal.status]:
        raise DomainError(
            _("A signal that is %(from)s cannot become %(to)s.")
            % {"from": SignalStatus(signal.status).label.lower(), "to": SignalStatus(to_status).label.lower() if to_status in SignalStatus.values else to_status},
            field="to_status",
            code="invalid_transition",
        )
    response = _clean_text(response, field="response", label=_("Response"))
    at = at or timezone.now()
    fields = ["status", "updated_at"]
    from_status = signal.status
    signal.status = to_status
    if signal.responded_at is None:
        signal.responded_at = at
        fields.append("responded_at")
    if to_status == SignalStatus.ACKNOWLEDGED:
        signal.acknowledged_at = at
        fields.append("acknowledged_at")
        if owner is None and signal.owner_id is None and _is_department_member(user, signal.department_id):
            owner = user
    if owner is not None:
        _check_owner(owner, signal)
        signal.owner = owner
        fields.append("owner")
    if target_date is not None:
        _check_target_date(target_date, signal)
        signal.target_date = target_date
        fields.append("target_date")
    if to_status in CLOSED_STATUSES:
        signal.closed_at = at
        fields.append("closed_at")
    if to_status == SignalStatus.RESOLVED:
        signal.resolved_at = at
        fields.append("resolved_at")
        if article is not None:
            signal.resolution_article = article
            fields.append("resolution_article")
        if require_reading:
            if article is None:
                raise DomainError(_("Choose the article that must be read."), field="article")
            _require_reading(user=user, article=article, summary=_("Changed after signal #%(id)s: %(title)s") % {"id": signal.pk, "title": signal.title})
            signal.resolution_required_reading = True
            fields.append("resolution_required_reading")
    elif article is not None or require_reading:
        raise DomainError(_("A knowledge article can only be linked when resolving."), field="article")
    signal.save(update_fields=fields)
    change = StatusChange.objects.create(signal=signal, by=user, from_status=from_status, to_status=to_status, response=response, at=at)
    if to_status in CLOSED_STATUSES:
        # The one who closes it has seen the outcome; all other supporters get the home notice.
        Supporter.objects.filter(signal=signal, user=user, seen_at__isnull=True).update(seen_at=at)
    return change


def _is_department_member(user, department_id) -> bool:
    return Membership.objects.filter(user=user, department_id=department_id, role__in=[Role.BACKOFFICE, Role.MANAGER]).exists()


def _check_owner(owner, signal: Signal) -> None:
    if not owner.is_active or not _is_department_member(owner, signal.department_id):
        raise DomainError(_("The owner must work in the concerned department."), field="owner")


def _check_target_date(target_date: date, signal: Signal) -> None:
    if target_date < local_date(signal.raised_at):
        raise DomainError(_("The target date cannot be before the signal was raised."), field="target_date")


@transaction.atomic
def signal_assign(*, user, signal: Signal, owner=None, target_date: date | None = None) -> Signal:
    """Set (or clear, with None) the owner and target date of an open signal."""
    signal = _lock(signal)
    if not can_respond(user, signal):
        raise PermissionDenied
    if signal.status not in OPEN_STATUSES:
        raise DomainError(_("A closed signal cannot be reassigned."))
    if owner is not None:
        _check_owner(owner, signal)
    if target_date is not None and target_date != signal.target_date:
        if target_date < timezone.localdate():
            raise DomainError(_("The target date cannot be in the past."), field="target_date")
        _check_target_date(target_date, signal)
    signal.owner = owner
    signal.target_date = target_date
    signal.save(update_fields=["owner", "target_date", "updated_at"])
    return signal


@transaction.atomic
def signal_comment_add(*, user, signal: Signal, body: str, parent: Comment | None = None) -> Comment:
    """Add a comment, or a reply when `parent` is given (it must belong to the same signal)."""
    signal = _lock(signal)
    body = _clean_text(body, field="body", label=_("Comment"))
    if parent is not None and parent.signal_id != signal.pk:
        raise DomainError(_("You can only reply to a comment on the same signal."), field="parent")
    comment = Comment.objects.create(signal=signal, parent=parent, author=user, body=body)
    signal.save(update_fields=["updated_at"])
    return comment


@transaction.atomic
def signal_merge(*, user, source: Signal, target: Signal, response: str) -> Signal:
    """Merge the duplicate `source` into `target` (team leads). Evidence moves over without
    duplicates (a contact linked to both stays once), as do comments (with their threads) and
    supporters. The source becomes rejected with a pointer to the target and the team lead's
    response; the target gets a note in its discussion."""
    if not can_merge(user):
        raise PermissionDenied
    if source.pk == target.pk:
        raise DomainError(_("A signal cannot be merged into itself."), field="target")
    response = _clean_text(response, field="response", label=_("Response"))
    locked = {s.pk: s for s in Signal.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if source.status not in OPEN_STATUSES:
        raise DomainError(_("Only an open signal can be merged."), field="target")
    if target.status not in OPEN_STATUSES:
        raise DomainError(_("Merge into an open signal."), field="target")
    now = timezone.now()
    taken = [c for c in Evidence.objects.filter(signal=target).values_list("contact_id", flat=True) if c is not None]
    moved = Evidence.objects.filter(signal=source).exclude(contact_id__in=taken).update(signal=target)
    duplicates, _deleted = Evidence.objects.filter(signal=source).delete()
    Comment.objects.filter(signal=source).update(signal=target)
    supporting = list(Supporter.objects.filter(signal=target).values_list("user_id", flat=True))
    Supporter.objects.filter(signal=source).exclude(user_id__in=supporting).update(signal=target)
    Supporter.objects.filter(signal=source).delete()
    from_status = source.status
    source.status = SignalStatus.REJECTED
    source.merged_into = target
    source.closed_at = now
    source.evidence_count = 0
    source.save(update_fields=["status", "merged_into", "closed_at", "evidence_count", "updated_at"])
    StatusChange.objects.create(signal=source, by=user, from_status=from_status, to_status=SignalStatus.REJECTED, response=response, at=now)
    Comment.objects.create(
        signal=target,
        author=user,
        body=_("Signal #%(id)s “%(title)s” was merged into this signal; %(moved)d contact(s) moved over. %(response)s")
        % {"id": source.pk, "title": source.title, "moved": moved, "response": response},
        created_at=now,
    )
    target.evidence_count = Evidence.objects.filter(signal=target).count()
    target.save(update_fields=["evidence_count", "updated_at"])
    logger.info("signal %s merged into %s by %s (%s moved, %s duplicate)", source.pk, target.pk, user.pk, moved, duplicates)
    return target


def signal_evidence_recount(*, signal_ids) -> int:
    """Set `evidence_count` from the evidence rows (after bulk loads such as the demo data).
    Returns the number of signals updated."""
    counts = Evidence.objects.filter(signal=OuterRef("pk")).order_by().values("signal").annotate(n=Count("pk")).values("n")
    return Signal.objects.filter(pk__in=list(signal_ids)).update(
        evidence_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0),
    )


def signal_outcome_seen(*, user, signal: Signal) -> int:
    """The user has seen the outcome of a closed signal they support: drop it from their home
    page. Returns the number of notices cleared (0 or 1)."""
    return Supporter.objects.filter(
        signal=signal, user=user, seen_at__isnull=True, signal__status__in=CLOSED_STATUSES,
    ).update(seen_at=timezone.now())


# --- reminders and escalation ---------------------------------------------------------------


def signal_ack_sweep(*, now: datetime | None = None) -> dict:
    """Find new signals whose department has not responded in time and queue the e-mails:

    * a reminder to the department (shared address and its members) on the first working day
      after the acknowledgement deadline;
    * an escalation to its manager(s) KCC_SIGNAL_ESCALATION_DAYS (default 2) working days later.

    Idempotent by construction: each e-mail is an outbox row with a unique key per (kind, signal,
    step) (core.OutboundEmail, 'signals:<kind>:<signal>:<step>'), inserted with ON CONFLICT DO NOTHING and delivered once under a row lock. Running the
    sweep twice, or in two workers at once, never sends anything twice."""
    now = now or timezone.now()
    today = local_date(now)
    rows = []
    calendar = WorkCalendar()
    for signal_id, ack_due in Signal.objects.ack_overdue(today).values_list("pk", "ack_due"):
        late = calendar.working_days_between(ack_due, today)
        if late >= 1:
            rows.append(_notification_row(NotificationKind.ACK_REMINDER, signal_id, created_at=now))
        if late >= 1 + escalation_days():
            rows.append(_notification_row(NotificationKind.ACK_ESCALATION, signal_id, created_at=now))
    if rows:
        OutboundEmail.objects.bulk_create(rows, ignore_conflicts=True)
    return {"candidates": len(rows), "sent": notification_deliver_pending(now=now)}


def _department_members(department_id, roles) -> list[str]:
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True, memberships__department_id=department_id, memberships__role__in=roles,
        ).exclude(email="").order_by("email").values_list("email", flat=True).distinct()
    )


SOURCE = "signals"  # this app's rows in the one outbox (core.OutboundEmail)


def _notification_row(kind: str, signal_id: int, *, step: int = 1, created_at: datetime | None = None) -> OutboundEmail:
    """An outbox row about a signal; rendered when sent. The key keeps the old uniqueness
    (kind, signal, step), prefixed with the app."""
    return OutboundEmail(
        source=SOURCE, kind=kind, key=outbox_key(SOURCE, kind, signal_id, step),
        content_type=ContentType.objects.get_for_model(Signal), object_id=signal_id,
        created_at=created_at or timezone.now(),
    )


def _notification_queue(kind: str, signal: Signal) -> None:
    """Queue one e-mail about `signal` and hand it to a worker after commit; with the broker down
    the row stays pending and the outbox sweep (or the next signals.ack_sweep) sends it."""
    outbox_queue(source=SOURCE, kind=kind, key=outbox_key(SOURCE, kind, signal.pk, 1), target=signal, department=signal.department)


def _signal_of(notification: OutboundEmail) -> Signal:
    return Signal.objects.select_related("department").get(pk=notification.object_id)


def notification_recipients(notification: OutboundEmail, signal: Signal | None = None) -> list[str]:
    department = (signal or _signal_of(notification)).department
    shared = [department.email] if department.email else []
    if notification.kind == NotificationKind.NEW_SIGNAL:
        addresses = shared or _department_members(department.pk, [Role.BACKOFFICE, Role.MANAGER])
    elif notification.kind == NotificationKind.ACK_REMINDER:
        addresses = shared + _department_members(department.pk, [Role.BACKOFFICE, Role.MANAGER])
    else:
        addresses = _department_members(department.pk, [Role.MANAGER]) or shared
    return sorted(dict.fromkeys(a.lower() for a in addresses))


def _render_notification(notification: OutboundEmail, signal: Signal, *, now: datetime) -> tuple[str, str]:
    context = {
        "signal": signal,
        "url": settings.KCC_BASE_URL.rstrip("/") + reverse("signals:detail", args=[signal.pk]),
        "late_days": WorkCalendar().working_days_between(signal.ack_due, local_date(now)),
        "evidence_count": signal.evidence_count,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subjects = {
            NotificationKind.NEW_SIGNAL: _("New signal for %(department)s: %(title)s"),
            NotificationKind.ACK_REMINDER: _("Reminder: signal awaits your response: %(title)s"),
            NotificationKind.ACK_ESCALATION: _("Escalation: signal unanswered by %(department)s: %(title)s"),
        }
        subject = subjects[notification.kind] % {"department": signal.department.name, "title": signal.title}
        body = render_to_string(f"signals/email/{notification.kind}.txt", context)
    return subject[:200], body


def outbox_outgoing(notification: OutboundEmail, *, now: datetime) -> OutgoingMail | str:
    """Signal e-mails are rendered when sent (registered in apps.py). A reminder or escalation
    whose signal was answered meanwhile is closed without sending, and so is one that nobody can
    receive, or whose signal is gone."""
    signal = Signal.objects.select_related("department").filter(pk=notification.object_id).first()
    if signal is None:
        return "signal deleted"
    if notification.kind != NotificationKind.NEW_SIGNAL and signal.status != SignalStatus.NEW:
        return "answered before sending"
    recipients = notification_recipients(notification, signal)
    if not recipients:
        return "no recipients"
    subject, body = _render_notification(notification, signal, now=now)
    return OutgoingMail(subject=subject, body=body, recipients=recipients)


def notification_deliver_pending(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send this app's queued e-mails, each exactly once, through the one outbox
    (kcc.core.outbox: one row lock with SKIP LOCKED and one commit per e-mail, so a killed
    worker re-sends at most the one in flight; a failed send stays pending for the next
    sweep). The addresses it went to are recorded on the row."""
    return outbox_deliver_pending(source=SOURCE, now=now or timezone.now(), limit=limit)
