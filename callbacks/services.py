"""Write operations on callback requests. Views, tasks, admin and the demo seed all call these.

Every service runs in a transaction, validates, saves with update_fields (which always
includes `updated_at`: the dashboard's incremental metrics rely on it), writes the activity
log, and queues e-mails through the one outbox (core.OutboundEmail) so that they are sent only
after commit and never twice.
"""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.constants import AddressKind, LogAction, Purpose, Role
from kcc.core.exceptions import DomainError
from kcc.core.models import Customer, Department, DigitalAddress, Membership, OutboundEmail
from kcc.core.normalize import normalize_phone
from kcc.core.outbox import (
    OutgoingMail,
    outbox_deliver,
    outbox_deliver_pending,
    outbox_key,
    outbox_queue,
)
from kcc.core.services import processing_log_record
from kcc.core.workdays import WorkCalendar

from . import emails
from .constants import (
    ACTIVE_STATUSES,
    FAILED_RESULTS,
    ActivityKind,
    AttemptResult,
    CallbackStatus,
    NotificationKind,
    Priority,
    RequestKindCode,
    TimeWindow,
)
from .kinds import KINDS
from .models import CallbackActivity, CallbackAttempt, CallbackRequest, RequestAnswer

logger = logging.getLogger(__name__)

# Roles whose holders work a department's callbacks (agents and team leads: the KCC's own).
WORKING_ROLES = (Role.BACKOFFICE, Role.MANAGER, Role.AGENT, Role.TEAMLEAD)


# --- helpers -----------------------------------------------------------------------------


def _actor_name(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    return user.get_full_name() or user.get_username()


def activity_record(*, callback: CallbackRequest, actor, kind: str, at: datetime | None = None, **details) -> CallbackActivity:
    """Append one entry to the callback's activity log. `actor` None means the system."""
    return CallbackActivity.objects.create(
        callback=callback, actor=actor if getattr(actor, "pk", None) else None, actor_name=_actor_name(actor),
        kind=kind, details=details, at=at or timezone.now(),
    )


def _save(callback: CallbackRequest, fields: list[str]) -> None:
    callback.save(update_fields=[*fields, "updated_at"])


def _is_member(user, department_id: int) -> bool:
    return Membership.objects.filter(
        user=user, user__is_active=True, department_id=department_id, department__is_active=True, role__in=WORKING_ROLES,
    ).exists()


def _ensure_worker(user, callback: CallbackRequest) -> None:
    if not _is_member(user, callback.target_department_id):
        raise DomainError(_("Only colleagues of %(department)s can work on this callback request.") % {"department": callback.target_department.name})


def _ensure_active(callback: CallbackRequest) -> None:
    if callback.status not in ACTIVE_STATUSES:
        raise DomainError(
            _("This callback request is already %(status)s.") % {"status": callback.get_status_display().lower()}, code="closed",
        )


def _lock(callback: CallbackRequest) -> CallbackRequest:
    """Re-read the row under a lock: the caller's copy may be stale (another tab, a sweep)."""
    return CallbackRequest.objects.select_for_update(of=("self",)).select_related("target_department", "customer").get(pk=callback.pk)


def _user_label(user) -> str:
    return _actor_name(user) if user is not None else ""


def _closed_on_time(callback: CallbackRequest, at: datetime) -> bool:
    if callback.due_at is not None:  # a norm in hours (emergency repair): the moment counts
        return at <= callback.due_at
    return timezone.localdate(at) <= callback.deadline


# --- outbox ------------------------------------------------------------------------------


SOURCE = "callbacks"  # this app's rows in the one outbox (core.OutboundEmail)


def notification_queue(*, kind: str, key: str, recipients: list[str], mail: emails.Mail, callback=None, department=None) -> OutboundEmail | None:
    """Put an e-mail in the one outbox (kcc.core.outbox) once per `key`, and send it after commit.

    Returns None when the key was already used (a re-run of a sweep) or nobody can receive it.
    The key is stored as 'callbacks:<key>', so no other app's key can collide with it."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return None
    return outbox_queue(
        source=SOURCE, kind=kind, key=outbox_key(SOURCE, key), target=callback, department=department,
        recipients=recipients, subject=mail.subject, body=mail.body,
    )


def outbox_outgoing(row: OutboundEmail, *, now=None) -> OutgoingMail:
    """Callback e-mails are rendered when queued: send what the row holds (registered in apps.py)."""
    return OutgoingMail(subject=row.subject, body=row.body, recipients=row.recipients)


def notification_send(*, notification_id: int) -> bool:
    """Send one queued e-mail (kept for the task name `callbacks.notification_send`, which may
    still be queued from before the one outbox: the rows kept their ids)."""
    queryset = OutboundEmail.objects.filter(pk=notification_id, source=SOURCE)
    return outbox_deliver(queryset=queryset, prepare=outbox_outgoing, limit=1) == 1


def notification_send_pending(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Retry callback e-mails that were queued but not sent (SMTP down, worker lost)."""
    return outbox_deliver_pending(source=SOURCE, older_than=older_than)


def _department_recipients(department: Department) -> list[str]:
    """The shared address, or else the department's back-office colleagues."""
    if department.email:
        return [department.email]
    return list(
        Membership.objects.filter(department=department, role__in=[Role.BACKOFFICE, Role.MANAGER], user__is_active=True)
        .exclude(user__email="").values_list("user__email", flat=True)
    )


def _manager_recipients(department: Department) -> list[str]:
    managers = list(
        Membership.objects.filter(department=department, role=Role.MANAGER, user__is_active=True)
        .exclude(user__email="").values_list("user__email", flat=True)
    )
    return managers or ([department.email] if department.email else [])


def _notify_assigned(*, callback: CallbackRequest, activity: CallbackActivity, reason: str = "") -> None:
    to_colleague = bool(callback.assigned_to_id and callback.assigned_to.email)
    recipients = [callback.assigned_to.email] if to_colleague else _department_recipients(callback.target_department)
    mail = emails.assigned_mail(callback=callback, to_colleague=to_colleague, reason=reason)
    notification_queue(
        kind=NotificationKind.ASSIGNED, key=f"assigned:{callback.pk}:{activity.pk}", recipients=recipients, mail=mail,
        callback=callback, department=callback.target_department,
    )


def resident_email(customer: Customer | None) -> str:
    """The resident's e-mail address: the default one, else a verified one, else any."""
    if customer is None:
        return ""
    address = (
        DigitalAddress.objects.filter(customer=customer, kind=AddressKind.EMAIL)
        .order_by("-is_default", F("verified_at").desc(nulls_last=True), "pk").first()
    )
    return address.value if address else ""


# --- create ------------------------------------------------------------------------------


def _validate_kind(kind: str, urgency: str):
    """The kind must exist under this organisation profile; urgency only where the kind has it."""
    request_kind = KINDS.get(kind)
    if request_kind is None or not request_kind.available():
        raise DomainError(_("This kind of request is not available."), field="kind")
    if request_kind.urgencies and urgency not in request_kind.urgencies:
        raise DomainError(_("Choose the urgency."), field="urgency")
    if not request_kind.urgencies and urgency:
        raise DomainError(_("This kind of request has no urgency."), field="urgency")
    return request_kind


def _validate_assignee(assignee, department: Department, *, field: str = "assigned_to") -> None:
    if assignee is not None and not _is_member(assignee, department.pk):
        raise DomainError(_("%(name)s is not a colleague of %(department)s.") % {"name": _user_label(assignee), "department": department.name}, field=field)


@transaction.atomic
def callback_create(
    *,
    user,
    target_department: Department,
    question: str,
    phone: str,
    customer: Customer | None = None,
    caller_name: str = "",
    assigned_to=None,
    priority: str = Priority.NORMAL,
    time_window: str = TimeWindow.ANYTIME,
    note: str = "",
    source_contact=None,
    now: datetime | None = None,
    kind: str = RequestKindCode.CALLBACK,
    urgency: str = "",
    answers=(),
) -> CallbackRequest:
    """Create a request of `kind` (a callback request unless told otherwise) with its deadline
    by the kind's norm (callbacks/kinds.py: the department's norm in working days for callbacks),
    log it, and tell the assignee or the department after commit.

    The named colleague must be a member of the target department: a forged id is refused.
    `answers` are the intake answers, ``[(Question, text)]``, stored with the question's text.
    """
    now = now or timezone.now()
    question = (question or "").strip()
    caller_name = (caller_name or "").strip()
    if not question:
        raise DomainError(_("Describe the question the resident wants to be called back about."), field="question")
    if customer is None and not caller_name:
        raise DomainError(_("Give the caller's name, or choose the customer."), field="caller_name")
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="phone") from None
    if not target_department.is_active:
        raise DomainError(_("This department no longer takes callback requests."), field="target_department")
    if priority not in Priority.values:
        raise DomainError(_("Unknown priority."), field="priority")
    if time_window not in TimeWindow.values:
        raise DomainError(_("Unknown preferred time."), field="time_window")
    _validate_assignee(assigned_to, target_department)
    if source_contact is not None and CallbackRequest.objects.filter(source_contact=source_contact).exists():
        raise DomainError(_("A callback request was already made for this contact."), code="duplicate")

    request_kind = _validate_kind(kind, urgency)
    due = request_kind.deadline(made_at=now, department=target_department, urgency=urgency, calendar=WorkCalendar())
    deadline = due.date
    callback = CallbackRequest.objects.create(
        kind=kind, urgency=urgency, due_at=due.due_at,
        customer=customer, caller_name=caller_name if customer is None else (caller_name or ""),
        phone=phone, question=question, source_contact=source_contact, target_department=target_department,
        assigned_to=assigned_to, priority=priority, time_window=time_window, note=(note or "").strip(),
        deadline=deadline, created_by=user if getattr(user, "pk", None) else None, created_at=now,
        # The case (zaak) linked to the contact travels with the callback to the back office.
        case_identification=getattr(source_contact, "case_identification", ""), case_url=getattr(source_contact, "case_url", ""),
    )
    RequestAnswer.objects.bulk_create([
        RequestAnswer(request=callback, question=question, order=i, question_text=question.text, answer=text)
        for i, (question, text) in enumerate(answers)
    ])
    activity = activity_record(
        callback=callback, actor=user, kind=ActivityKind.CREATED, at=now,
        department=target_department.name, assigned_to=_user_label(assigned_to), deadline=deadline.isoformat(),
        priority=priority, contact=source_contact.pk if source_contact is not None else None,
        **({"request_kind": kind, "urgency": urgency, "due_at": due.due_at.isoformat() if due.due_at else None} if kind != RequestKindCode.CALLBACK else {}),
    )
    if customer is not None:
        processing_log_record(user=user, customers=[customer], action=LogAction.CREATE, purpose=Purpose.CALLBACK, context=f"terugbelverzoek {callback.pk}")
    _notify_assigned(callback=callback, activity=activity)
    return callback


def callback_close_handler(*, user, contact, data: dict) -> CallbackRequest:
    """The handler of the inbox's outcome "callback" (registered in CallbacksConfig.ready()).

    Runs inside ``channels.services.contact_close``'s transaction, with the contact row locked
    and already saved as closed: the callback request is made from the close form's callback
    fields (``data``: target_department, assigned_to, time_window, phone, priority, note,
    caller_name, question). A DomainError here rolls back the close, so a contact is never
    closed as "callback" without its callback request; the unique ``source_contact`` makes a
    second callback for the same contact impossible even outside this path.
    """
    question = (data.get("question") or "").strip() or contact.question or contact.subject
    return callback_create(
        user=user,
        source_contact=contact,
        customer=contact.customer,
        caller_name="" if contact.customer_id else (data.get("caller_name") or ""),
        question=question,
        phone=data.get("phone") or "",
        target_department=data["target_department"],
        assigned_to=data.get("assigned_to"),
        priority=data.get("priority") or Priority.NORMAL,
        time_window=data.get("time_window") or TimeWindow.ANYTIME,
        note=data.get("note") or "",
        answers=data.get("intake_answers") or (),
    )


def callback_close_initial(contact) -> dict:
    """Initial callback fields for a contact: the caller's number (the number the call came
    from, else the customer's default phone) and the contact's topic department."""
    from kcc.core.normalize import format_phone

    from .selectors import customer_default_phone

    if contact.caller_address:
        phone = format_phone(contact.caller_address)
    else:
        phone = customer_default_phone(contact.customer) if contact.customer_id else ""
    return {"phone": phone, "target_department": contact.topic_department_id}


# --- claim / release ---------------------------------------------------------------------


def callback_claim(*, user, callback: CallbackRequest) -> CallbackRequest:
    """Take the callback: exactly one of several simultaneous claims wins.

    The claim is one conditional UPDATE (WHERE status = 'open'): PostgreSQL serialises the
    competing updates on the row, and the loser's WHERE no longer matches, so it updates
    nothing and gets a DomainError naming the winner.
    """
    with transaction.atomic():
        _ensure_worker(user, callback)
        now = timezone.now()
        won = CallbackRequest.objects.filter(pk=callback.pk, status=CallbackStatus.OPEN).update(
            status=CallbackStatus.CLAIMED, claimed_by=user, claimed_at=now, assigned_to=user, updated_at=now,
        )
        callback.refresh_from_db()
        if not won:
            if callback.status == CallbackStatus.CLAIMED:
                if callback.claimed_by_id == user.pk:
                    raise DomainError(_("You already claimed this callback request."), code="claimed")
                raise DomainError(
                    _("%(name)s claimed this callback request first.") % {"name": _user_label(callback.claimed_by)}, code="claimed",
                )
            _ensure_active(callback)
        activity_record(callback=callback, actor=user, kind=ActivityKind.CLAIMED, at=now)
    return callback


@transaction.atomic
def callback_release(*, user, callback: CallbackRequest) -> CallbackRequest:
    """Give a claimed callback back to the department queue."""
    callback = _lock(callback)
    _ensure_active(callback)
    if callback.status != CallbackStatus.CLAIMED or callback.claimed_by_id != user.pk:
        raise DomainError(_("Only the colleague who claimed it can release it."), code="not_claimer")
    callback.status = CallbackStatus.OPEN
    callback.claimed_by = None
    callback.claimed_at = None
    callback.assigned_to = None
    _save(callback, ["status", "claimed_by", "claimed_at", "assigned_to"])
    activity_record(callback=callback, actor=user, kind=ActivityKind.RELEASED)
    return callback


# --- attempts and closing ----------------------------------------------------------------


@transaction.atomic
def callback_attempt_log(*, user, callback: CallbackRequest, result: str, note: str = "", at: datetime | None = None) -> CallbackAttempt:
    """Log one call attempt. An open callback is claimed by the caller on the way.

    After KCC_CALLBACK_MAX_ATTEMPTS failed attempts the callback becomes unreachable and the
    resident gets one e-mail (if an address is known) saying the municipality tried to call.
    The row lock serialises attempts, so the count and the e-mail cannot race.
    """
    callback = _lock(callback)
    _ensure_worker(user, callback)
    _ensure_active(callback)
    now = timezone.now()
    at = at or now
    if result not in AttemptResult.values:
        raise DomainError(_("Choose the result of the call."), field="result")
    if at > now + timedelta(minutes=5):
        raise DomainError(_("An attempt cannot be in the future."), field="at")
    if at < callback.created_at - timedelta(minutes=5):
        raise DomainError(_("An attempt cannot be before the callback request was made."), field="at")
    if callback.status == CallbackStatus.CLAIMED and callback.claimed_by_id != user.pk:
        raise DomainError(
            _("%(name)s has claimed this callback request.") % {"name": _user_label(callback.claimed_by)}, code="claimed",
        )
    fields = []
    if callback.status == CallbackStatus.OPEN:
        callback.status = CallbackStatus.CLAIMED
        callback.claimed_by = user
        callback.claimed_at = now
        callback.assigned_to = user
        fields += ["status", "claimed_by", "claimed_at", "assigned_to"]
        activity_record(callback=callback, actor=user, kind=ActivityKind.CLAIMED, at=now)
    attempt = CallbackAttempt.objects.create(callback=callback, at=at, by=user, result=result, note=(note or "").strip(), created_at=now)
    activity_record(callback=callback, actor=user, kind=ActivityKind.ATTEMPT, at=now, result=result, attempt_at=at.isoformat(), note=attempt.note)
    if result in FAILED_RESULTS:
        callback.failed_attempts += 1
        fields.append("failed_attempts")
        if callback.failed_attempts >= settings.KCC_CALLBACK_MAX_ATTEMPTS:
            callback.status = CallbackStatus.UNREACHABLE
            callback.closed_at = now
            callback.closed_by = user
            callback.closed_on_time = _closed_on_time(callback, now)
            fields += ["status", "closed_at", "closed_by", "closed_on_time"]
            activity_record(callback=callback, actor=user, kind=ActivityKind.UNREACHABLE, at=now, attempts=callback.failed_attempts)
            _notify_resident_unreachable(callback=callback)
    _save(callback, fields)
    return attempt


def _notify_resident_unreachable(*, callback: CallbackRequest) -> None:
    address = resident_email(callback.customer)
    if not address:
        return
    mail = emails.resident_unreachable_mail(callback=callback, attempts=callback.failed_attempts)
    queued = notification_queue(
        kind=NotificationKind.RESIDENT_UNREACHABLE, key=f"resident_unreachable:{callback.pk}", recipients=[address], mail=mail,
        callback=callback, department=callback.target_department,
    )
    if queued is not None:
        activity_record(callback=callback, actor=None, kind=ActivityKind.NOTIFIED, mail=NotificationKind.RESIDENT_UNREACHABLE)
        processing_log_record(user=None, customers=[callback.customer], action=LogAction.VIEW, purpose=Purpose.CALLBACK, context=f"terugbelverzoek {callback.pk}: e-mail onbereikbaar")


@transaction.atomic
def callback_close(*, user, callback: CallbackRequest, outcome: str = "") -> CallbackRequest:
    """Close as done. Refused unless a logged attempt reached the resident."""
    callback = _lock(callback)
    _ensure_worker(user, callback)
    _ensure_active(callback)
    if not callback.attempts.filter(result=AttemptResult.REACHED).exists():
        raise DomainError(_("Log the call in which you reached the resident before closing the callback request."), code="not_reached")
    now = timezone.now()
    callback.status = CallbackStatus.DONE
    callback.closed_at = now
    callback.closed_by = user
    callback.closed_on_time = _closed_on_time(callback, now)
    callback.outcome = (outcome or "").strip()
    _save(callback, ["status", "closed_at", "closed_by", "closed_on_time", "outcome"])
    activity_record(callback=callback, actor=user, kind=ActivityKind.DONE, at=now, outcome=callback.outcome, on_time=callback.closed_on_time)
    return callback


@transaction.atomic
def callback_cancel(*, user, callback: CallbackRequest, reason: str) -> CallbackRequest:
    """Cancel (e.g. the resident called again and was helped). Needs a reason."""
    callback = _lock(callback)
    _ensure_active(callback)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for cancelling."), field="reason")
    now = timezone.now()
    callback.status = CallbackStatus.CANCELLED
    callback.closed_at = now
    callback.closed_by = user
    callback.closed_on_time = None
    callback.outcome = reason
    _save(callback, ["status", "closed_at", "closed_by", "closed_on_time", "outcome"])
    activity_record(callback=callback, actor=user, kind=ActivityKind.CANCELLED, at=now, reason=reason)
    return callback


@transaction.atomic
def callback_reassign(*, user, callback: CallbackRequest, reason: str, department: Department | None = None, assignee=None) -> CallbackRequest:
    """Pass the callback to another department and/or a named colleague, with a reason.

    The deadline is NOT recomputed: it is the promise made to the resident, whoever keeps it.
    The callback goes back to "open" so the new owner claims it, and they are e-mailed.
    """
    callback = _lock(callback)
    _ensure_active(callback)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for reassigning."), field="reason")
    new_department = department or callback.target_department
    if not new_department.is_active:
        raise DomainError(_("This department no longer takes callback requests."), field="department")
    _validate_assignee(assignee, new_department, field="assignee")
    if new_department.pk == callback.target_department_id and (assignee.pk if assignee else None) == callback.assigned_to_id:
        raise DomainError(_("Choose another department or colleague."), field="department")
    old_department, old_assignee = callback.target_department, callback.assigned_to
    callback.target_department = new_department
    callback.assigned_to = assignee
    callback.status = CallbackStatus.OPEN
    callback.claimed_by = None
    callback.claimed_at = None
    _save(callback, ["target_department", "assigned_to", "status", "claimed_by", "claimed_at"])
    activity = activity_record(
        callback=callback, actor=user, kind=ActivityKind.REASSIGNED, reason=reason,
        from_department=old_department.name, to_department=new_department.name,
        from_user=_user_label(old_assignee), to_user=_user_label(assignee),
    )
    _notify_assigned(callback=callback, activity=activity, reason=reason)
    return callback


# --- sweeps ------------------------------------------------------------------------------


def callback_overdue_sweep(*, today: date | None = None) -> int:
    """Mark active callbacks whose deadline has passed (once: `overdue_at`), and log it.

    Rows being changed by someone else right now are skipped (skip_locked) and picked up by the
    next run; a second run the same day finds nothing left to mark.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            CallbackRequest.objects.overdue(today).filter(overdue_at__isnull=True)
            .select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        if not ids:
            return 0
        CallbackRequest.objects.filter(pk__in=ids).update(overdue_at=now, updated_at=now)
        CallbackActivity.objects.bulk_create(
            [CallbackActivity(callback_id=pk, kind=ActivityKind.OVERDUE, at=now, details={"date": today.isoformat()}) for pk in ids]
        )
    return len(ids)


def callback_escalation_sweep(*, today: date | None = None) -> int:
    """Escalate callbacks overdue by more than KCC_CALLBACK_ESCALATION_DAYS working days to the
    department's manager(s): one e-mail per department and run, each callback only once
    (`escalated_at`, set in the same transaction as the outbox row)."""
    today = today or timezone.localdate()
    now = timezone.now()
    limit = settings.KCC_CALLBACK_ESCALATION_DAYS
    calendar = WorkCalendar()
    escalated = 0
    with transaction.atomic():
        candidates = list(
            CallbackRequest.objects.overdue(today).filter(escalated_at__isnull=True)
            .select_for_update(skip_locked=True, of=("self",)).select_related("target_department", "customer")
            .order_by("target_department_id", "deadline", "pk")
        )
        due = [c for c in candidates if calendar.working_days_between(c.deadline, today) > limit]
        by_department: dict[int, list[CallbackRequest]] = {}
        for c in due:
            by_department.setdefault(c.target_department_id, []).append(c)
        for callbacks in by_department.values():
            department = callbacks[0].target_department
            ids = [c.pk for c in callbacks]
            CallbackRequest.objects.filter(pk__in=ids).update(escalated_at=now, updated_at=now)
            recipients = _manager_recipients(department)
            CallbackActivity.objects.bulk_create(
                [CallbackActivity(callback_id=pk, kind=ActivityKind.ESCALATED, at=now, details={"to": recipients}) for pk in ids]
            )
            mail = emails.escalation_mail(department=department, callbacks=callbacks, today=today, calendar=calendar)
            notification_queue(
                kind=NotificationKind.ESCALATION, key=f"escalation:{department.pk}:{today.isoformat()}:{min(ids)}:{len(ids)}",
                recipients=recipients, mail=mail, department=department,
            )
            escalated += len(ids)
    return escalated


def callback_digest_send(*, today: date | None = None) -> int:
    """Queue each department ONE digest per working day of its open and overdue callbacks.

    The outbox key digest:<department>:<date> makes a second run the same day a no-op.
    Returns the number of digests queued.
    """
    today = today or timezone.localdate()
    calendar = WorkCalendar()
    if not calendar.is_working_day(today):
        return 0
    queued = 0
    department_ids = (
        CallbackRequest.objects.active().order_by().values_list("target_department_id", flat=True).distinct()
    )
    for department in Department.objects.filter(pk__in=list(department_ids), is_active=True):
        key = f"digest:{department.pk}:{today.isoformat()}"
        if OutboundEmail.objects.filter(key=outbox_key(SOURCE, key)).exists():
            continue
        active = list(
            CallbackRequest.objects.active().for_department(department)
            .select_related("customer", "assigned_to", "claimed_by").order_by("deadline", "-priority", "pk")[:200]
        )
        overdue = [c for c in active if c.deadline < today]
        open_ = [c for c in active if c.deadline >= today]
        mail = emails.digest_mail(department=department, today=today, overdue=overdue, open_=open_, calendar=calendar)
        with transaction.atomic():
            if notification_queue(kind=NotificationKind.DIGEST, key=key, recipients=_department_recipients(department), mail=mail, department=department):
                queued += 1
    return queued


def callback_daily_sweep(*, today: date | None = None) -> dict:
    """The morning run: mark overdue, escalate, then send the digests (which show the result)."""
    today = today or timezone.localdate()
    return {
        "overdue": callback_overdue_sweep(today=today),
        "escalated": callback_escalation_sweep(today=today),
        "digests": callback_digest_send(today=today),
    }


# --- customers ---------------------------------------------------------------------------


@transaction.atomic
def callbacks_customer_merge(*, source: Customer, target: Customer, user=None) -> int:
    """Move the callbacks of a merged-away customer to the survivor (and log it)."""
    ids = list(CallbackRequest.objects.filter(customer=source).select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    CallbackRequest.objects.filter(pk__in=ids).update(customer=target, updated_at=now)
    CallbackActivity.objects.bulk_create(
        [
            CallbackActivity(callback_id=pk, kind=ActivityKind.MERGED, at=now, actor=user if getattr(user, "pk", None) else None,
                             actor_name=_actor_name(user), details={"from_customer": source.pk, "to_customer": target.pk})
            for pk in ids
        ]
    )
    return len(ids)


def merge_hook(*args, user=None, source=None, target=None) -> None:
    """Hook for channels.services.register_merge_hook. The inbox calls it as
    ``fn(*, user, source, target)`` inside its merge transaction; positional
    ``fn(source, target)`` is accepted too."""
    if args:
        source, target = args[0], args[1]
    callbacks_customer_merge(source=source, target=target, user=user)


def colleagues_of(department: Department):
    """Active users who may be named as the colleague for `department`'s callbacks."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, memberships__department=department, memberships__role__in=WORKING_ROLES)
        .distinct().order_by("first_name", "last_name", "username")
    )
