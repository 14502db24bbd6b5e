"""Write operations of the inbox. Views, admin, tasks and other apps all call these.

Every service that changes a Contact also bumps ``Contact.updated_at``: the dashboard's
incremental rollup and the inbox's ETag rely on it.

Contract for other apps (callbacks, signals, dashboard):
* ``contact_close(...)`` closes a contact with exactly one outcome (creates a Transfer for
  ``transferred``);
* ``contact_claim``, ``contact_assign``;
* ``customer_merge`` plus ``register_merge_hook(fn)``: ``fn(*, user, source, target)`` runs inside
  the merge transaction so that each app moves its own rows to the surviving customer.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.access import has_role, is_kcc
from kcc.core.constants import AddressKind, LogAction, Purpose, Role
from kcc.core.exceptions import DomainError
from kcc.core.models import Customer, Department, DigitalAddress, Membership
from kcc.core.normalize import try_normalize_phone
from kcc.core.services import customer_address_add, customer_create, processing_log_record

from .constants import SOCIAL_CHANNELS, Channel, ContactStatus, DeliveryStatus, Direction, Outcome
from .models import Contact, ContactArticle, Message, Transfer

logger = logging.getLogger(__name__)

# --- helpers ---------------------------------------------------------------------------


def display_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _require_kcc(user) -> None:
    if not is_kcc(user):
        raise DomainError(_("Only KCC staff can handle contacts."), code="forbidden")


def _check_may_work(user, contact: Contact) -> None:
    """A contact claimed by a colleague is theirs; only a team lead may act on it."""
    if contact.assigned_to_id and contact.assigned_to_id != user.pk and not has_role(user, Role.TEAMLEAD):
        raise DomainError(
            _("%(name)s is handling this contact.") % {"name": display_name(contact.assigned_to)}, code="claimed"
        )


def _lock(contact_or_id) -> Contact:
    pk = getattr(contact_or_id, "pk", contact_or_id)
    try:
        return Contact.objects.select_for_update(of=("self",)).select_related("assigned_to").get(pk=pk)
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise DomainError(_("This contact does not exist."), code="not_found") from None


def _survivor(customer: Customer | None) -> Customer | None:
    """Follow merged_into to the surviving record (merges can chain)."""
    seen = set()
    while customer is not None and customer.merged_into_id and customer.pk not in seen:
        seen.add(customer.pk)
        customer = customer.merged_into
    return customer


def _active_department(department, *, field: str) -> Department | None:
    if department is None:
        return None
    if not department.is_active:
        raise DomainError(_("%(department)s is no longer active.") % {"department": department}, field=field)
    return department


# --- claim and assign ------------------------------------------------------------------


@transaction.atomic
def contact_claim(*, user, contact_id) -> Contact:
    """Take an unassigned contact ("Pak op").

    Race: two agents clicking at once both run one conditional UPDATE ... WHERE assigned_to IS
    NULL. The database serialises them on the row lock; the second re-evaluates the WHERE
    clause, matches nothing and is told who won. Works the same on SQLite and PostgreSQL.
    Claiming a contact you already hold is a no-op.
    """
    _require_kcc(user)
    now = timezone.now()
    updated = (
        Contact.objects.filter(pk=contact_id, assigned_to__isnull=True)
        .exclude(status=ContactStatus.CLOSED)
        .update(
            assigned_to=user,
            claimed_at=now,
            status=Case(When(status=ContactStatus.NEW, then=Value(ContactStatus.OPEN)), default=F("status")),
            answered_at=Coalesce(F("answered_at"), Value(now, output_field=DateTimeField())),
            updated_at=now,
        )
    )
    try:
        contact = Contact.objects.select_related("assigned_to", "customer").get(pk=contact_id)
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise DomainError(_("This contact does not exist."), code="not_found") from None
    if updated:
        return contact
    if contact.status == ContactStatus.CLOSED:
        raise DomainError(_("This contact is already closed."), code="closed")
    if contact.assigned_to_id == user.pk:
        return contact
    raise DomainError(
        _("%(name)s has already claimed this contact.") % {"name": display_name(contact.assigned_to)}, code="claimed"
    )


def kcc_staff():
    """Active users who can be given contacts: KCC agents and team leads."""
    User = get_user_model()
    ids = Membership.objects.filter(role__in=(Role.AGENT, Role.TEAMLEAD), department__is_active=True).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "last_name", "username")


@transaction.atomic
def contact_assign(*, user, contact_ids: Iterable, assignee) -> int:
    """Team leads (re)assign one or many open contacts to an agent, or back to the queue
    (``assignee=None``). All-or-nothing: a closed or unknown contact refuses the whole batch.
    Returns the number of contacts assigned."""
    if not has_role(user, Role.TEAMLEAD):
        raise DomainError(_("Only team leads can assign contacts."), code="forbidden")
    try:
        ids = sorted({int(pk) for pk in contact_ids})
    except (TypeError, ValueError):
        raise DomainError(_("Select the contacts to assign."), field="contacts") from None
    if not ids:
        raise DomainError(_("Select the contacts to assign."), field="contacts")
    if assignee is not None and not (assignee.is_active and kcc_staff().filter(pk=assignee.pk).exists()):
        raise DomainError(_("Contacts can only be assigned to KCC staff."), field="assignee")
    # Lock in id order so that two team leads assigning overlapping batches cannot deadlock.
    contacts = list(Contact.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(contacts) != len(ids):
        raise DomainError(_("One of the selected contacts does not exist."), field="contacts")
    if any(c.status == ContactStatus.CLOSED for c in contacts):
        raise DomainError(_("Closed contacts cannot be assigned."), field="contacts")
    now = timezone.now()
    if assignee is None:
        status = Case(When(status=ContactStatus.OPEN, then=Value(ContactStatus.NEW)), default=F("status"))
        changes = {"assigned_to": None, "claimed_at": None, "status": status}
    else:
        status = Case(When(status=ContactStatus.NEW, then=Value(ContactStatus.OPEN)), default=F("status"))
        changes = {"assigned_to": assignee, "claimed_at": now, "status": status}
    return Contact.objects.filter(pk__in=ids).update(**changes, updated_at=now)


# --- close -----------------------------------------------------------------------------


def _transfer_target(department, colleague) -> Department:
    """The department a transfer goes to: the chosen one, or the colleague's department."""
    department = _active_department(department, field="transfer_to_department")
    if colleague is not None:
        if not colleague.is_active:
            raise DomainError(_("This colleague's account is not active."), field="transfer_to_user")
        deps = list(
            Membership.objects.filter(user=colleague, department__is_active=True)
            .select_related("department")
            .order_by("department__is_kcc", "department__name")
        )
        if not deps:
            raise DomainError(_("This colleague does not belong to any department."), field="transfer_to_user")
        if department is not None and department.pk not in {m.department_id for m in deps}:
            raise DomainError(
                _("%(name)s does not work at %(department)s.") % {"name": display_name(colleague), "department": department},
                field="transfer_to_user",
            )
        return department or deps[0].department
    if department is None:
        raise DomainError(_("Choose the department or colleague you transferred to."), field="transfer_to_department")
    return department


@transaction.atomic
def contact_close(
    *,
    user,
    contact: Contact,
    outcome: str,
    notes: str = "",
    question: str | None = None,
    topic_department=None,
    transfer_to_department=None,
    transfer_to_user=None,
    transfer_reason: str = "",
    outcome_data: dict | None = None,
) -> Contact:
    """Close a contact with exactly one outcome.

    * ``transferred`` needs a target department or colleague AND a reason; it creates a
      Transfer (the colleague's department when only a colleague is named).
    * An outcome with a registered extension (``channels.outcomes``, e.g. "callback" by the
      callbacks app) runs the extension's handler with ``outcome_data`` inside this
      transaction, after the contact is saved as closed; its result is on
      ``contact.outcome_record``. A failing handler rolls back the close.
    * Invariant: an outcome in ``outcomes.HANDLER_REQUIRED`` is refused without a registered
      extension, without ``outcome_data`` or when the handler records nothing, so no contact
      is ever closed as "callback" without its callback request.
    * A closed contact cannot be closed again (the row is locked, so two agents closing at once,
      or one form posted twice, get one success and one DomainError with code "closed").
    * Sets status closed, outcome, closed_by, ended_at (if not set by telephony) and
      answered_at (if never set); assigns an unassigned contact to the closing agent.
    * ``notes`` replaces the notes only when given; ``question`` when not None.
    """
    from . import outcomes

    _require_kcc(user)
    contact = _lock(contact)
    if contact.status == ContactStatus.CLOSED:
        raise DomainError(_("This contact is already closed."), code="closed")
    _check_may_work(user, contact)
    if outcome not in Outcome.values:
        raise DomainError(_("Choose how the contact ended."), field="outcome")
    extension = outcomes.extension_for(outcome)
    if outcome in outcomes.HANDLER_REQUIRED and (extension is None or outcome_data is None):
        raise DomainError(
            _("\"%(outcome)s\" can only be chosen together with its details in the close form.") % {"outcome": Outcome(outcome).label},
            field="outcome", code="outcome_incomplete",
        )
    topic_department = _active_department(topic_department, field="topic_department")
    transfer_department = None
    if outcome == Outcome.TRANSFERRED:
        transfer_department = _transfer_target(transfer_to_department, transfer_to_user)
        transfer_reason = (transfer_reason or "").strip()
        if not transfer_reason:
            raise DomainError(_("Give the reason for the transfer."), field="transfer_reason")

    now = timezone.now()
    fields = ["status", "outcome", "closed_by", "ended_at", "updated_at"]
    contact.status = ContactStatus.CLOSED
    contact.outcome = outcome
    contact.closed_by = user
    contact.ended_at = contact.ended_at or now
    if contact.answered_at is None and outcome != Outcome.DISCONNECTED:
        contact.answered_at = contact.claimed_at or now
        fields.append("answered_at")
    if contact.assigned_to_id is None:
        contact.assigned_to = user
        contact.claimed_at = contact.claimed_at or now
        fields += ["assigned_to", "claimed_at"]
    if notes and notes.strip():
        contact.notes = notes.strip()
        fields.append("notes")
    if question is not None:
        contact.question = question.strip()
        fields.append("question")
    if topic_department is None and transfer_department is not None and contact.topic_department_id is None:
        topic_department = transfer_department
    if topic_department is not None:
        contact.topic_department = topic_department
        fields.append("topic_department")
    contact.save(update_fields=fields)
    if transfer_department is not None:
        Transfer.objects.create(
            contact=contact, from_user=user, to_department=transfer_department, to_user=transfer_to_user, reason=transfer_reason
        )
    contact.outcome_record = None
    if extension is not None and outcome_data is not None:
        record = extension.handler(user=user, contact=contact, data=outcome_data)
        if outcome in outcomes.HANDLER_REQUIRED and not record:
            raise DomainError(_("The details of this outcome could not be saved; the contact is still open."), field="outcome")
        contact.outcome_record = record
    return contact


# --- phone -----------------------------------------------------------------------------


@transaction.atomic
def contact_notes_save(*, user, contact: Contact, notes: str = "", question: str | None = None) -> Contact:
    """Save the agent's notes (and question) on an open contact without closing it."""
    if contact.status == ContactStatus.CLOSED:
        raise DomainError(_("This contact is already closed."), code="closed")
    update = []
    if notes and notes != contact.notes:
        contact.notes = notes
        update.append("notes")
    if question is not None and question != contact.question:
        contact.question = question
        update.append("question")
    if update:
        contact.save(update_fields=[*update, "updated_at"])
    return contact


# --- replies ---------------------------------------------------------------------------


def _last_inbound(contact: Contact, *, channel=None) -> Message | None:
    qs = contact.messages.filter(direction=Direction.INBOUND)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-sent_at", "-id").first()


def _prepare_reply(user, contact: Contact, text: str) -> tuple[Contact, str]:
    _require_kcc(user)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write a reply first."), field="text")
    if contact.status == ContactStatus.CLOSED:
        raise DomainError(_("This contact is already closed."), code="closed")
    _check_may_work(user, contact)
    return contact, text


def _after_reply(user, contact: Contact, now) -> None:
    """The contact now waits for the resident; the replying agent holds it."""
    fields = ["status", "updated_at"]
    contact.status = ContactStatus.WAITING
    if contact.assigned_to_id is None:
        contact.assigned_to = user
        contact.claimed_at = now
        fields += ["assigned_to", "claimed_at"]
    if contact.answered_at is None:
        contact.answered_at = now
        fields.append("answered_at")
    contact.save(update_fields=fields)


def contact_reply(*, user, contact: Contact, text: str) -> Message:
    """Answer the resident on the contact's own channel.

    * E-mail: stored as an outbound Message with its Message-ID, In-Reply-To, References and
      the subject token, and sent after the commit (a failure is recorded on the message and
      can be retried with ``message_resend``).
    * Social: posted synchronously to the outbound adapter first; only a delivered reply is
      stored. If the adapter is not configured or fails, a DomainError says so and nothing is
      stored, so the view keeps the text in the form.
    """
    from . import outbound

    if contact.channel == Channel.EMAIL:
        with transaction.atomic():
            locked, text = _prepare_reply(user, _lock(contact), text)
            parent = _last_inbound(locked, channel=Channel.EMAIL)
            message = outbound.email_reply_store(contact=locked, parent=parent, text=text, author=user)
            _after_reply(user, locked, message.sent_at)
            transaction.on_commit(lambda: outbound.email_deliver(message_id=message.pk))
        return message
    if contact.channel in SOCIAL_CHANNELS:
        # Validate without holding a row lock during the HTTP call.
        _prepare_reply(user, contact, text)
        text = text.strip()
        parent = _last_inbound(contact)
        provider_id = outbound.social_send(contact=contact, parent=parent, text=text)
        with transaction.atomic():
            locked, text = _prepare_reply(user, _lock(contact), text)
            now = timezone.now()
            message = Message.objects.create(
                contact=locked,
                direction=Direction.OUTBOUND,
                channel=locked.channel,
                sender=display_name(user),
                recipients=parent.sender_address if parent else "",
                body_text=text,
                provider_message_id=provider_id[:200],
                sent_at=now,
                author=user,
                delivery_status=DeliveryStatus.SENT,
            )
            _after_reply(user, locked, now)
        return message
    if contact.channel == Channel.WEBFORM:
        return _webform_reply(user, contact, text)
    raise DomainError(_("Contacts on this channel cannot be answered from the KCC."), code="channel")


def webform_submission(contact: Contact):
    """The (latest) form submission of a web-form contact, or None."""
    from .models_webform import FormSubmission

    return FormSubmission.objects.filter(message__contact=contact).select_related("message").order_by("-message__sent_at", "-pk").first()


def webform_reply_route(contact: Contact) -> str:
    """How a web-form contact is answered: "portal" when the resident asked for the portal,
    else "email"."""
    from .constants import ReplyRoute

    submission = webform_submission(contact)
    return ReplyRoute.PORTAL if submission is not None and submission.reply_route == ReplyRoute.PORTAL else ReplyRoute.EMAIL


def _webform_reply(user, contact: Contact, text: str) -> Message:
    """A web-form contact is answered the way the resident asked in the form: by e-mail (the
    e-mail reply path, to the address in the form) or in the portal (stored, then sent from the
    outbox by channels.portal). Either way the reply is stored first and sent after the commit."""
    from . import outbound, portal
    from .constants import ReplyRoute

    with transaction.atomic():
        locked, text = _prepare_reply(user, _lock(contact), text)
        submission = webform_submission(locked)
        if submission is not None and submission.reply_route == ReplyRoute.PORTAL:
            portal.portal_check_configured()
            message = portal.portal_reply_store(contact=locked, submission=submission, text=text, author=user)
            portal.portal_schedule(message.pk)
        else:
            message = outbound.email_reply_store(
                contact=locked, parent=submission.message if submission else None, text=text, author=user
            )
            transaction.on_commit(lambda: outbound.email_deliver(message_id=message.pk))
        _after_reply(user, locked, message.sent_at)
    return message


@transaction.atomic
def message_resend(*, user, message: Message) -> Message:
    """Send a failed e-mail or portal reply again (after the commit)."""
    from . import outbound

    _require_kcc(user)
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.direction != Direction.OUTBOUND or message.channel not in (Channel.EMAIL, Channel.WEBFORM):
        raise DomainError(_("Only e-mail and portal replies can be sent again."), code="invalid")
    if message.delivery_status != DeliveryStatus.FAILED:
        raise DomainError(_("This reply has not failed."), code="invalid")
    message.delivery_status = DeliveryStatus.PENDING
    message.delivery_error = ""
    message.delivery_attempts = 0
    message.save(update_fields=["delivery_status", "delivery_error", "delivery_attempts"])
    Contact.objects.filter(pk=message.contact_id).update(updated_at=timezone.now())
    if message.channel == Channel.WEBFORM:
        from .portal import portal_schedule

        portal_schedule(message.pk)
    else:
        transaction.on_commit(lambda: outbound.email_deliver(message_id=message.pk))
    return message


# --- knowledge -------------------------------------------------------------------------

# How long the agent who closed a contact may still link or unlink articles on it: calendar
# days after the contact ended. After-call work and "I forgot to mark it" happen the same day
# or the next; three calendar days cover a weekend without reopening old contacts for good.
ARTICLE_LINK_WINDOW = timedelta(days=3)


def article_link_refusal(*, user, contact: Contact, now: datetime | None = None) -> DomainError | None:
    """Why ``user`` may not (un)link articles on ``contact`` right now, or None when allowed.

    Open contacts: whoever may work on them (the holder, anyone when unassigned, team leads).
    Closed contacts: only the agent who closed them, for ARTICLE_LINK_WINDOW after they ended.
    """
    if not is_kcc(user):
        return DomainError(_("Only KCC staff can handle contacts."), code="forbidden")
    if contact.status != ContactStatus.CLOSED:
        try:
            _check_may_work(user, contact)
        except DomainError as exc:
            exc.code = "forbidden"
            return exc
        return None
    if contact.closed_by_id != user.pk:
        return DomainError(_("Only the colleague who closed this contact can still change its articles."), code="forbidden")
    ended = contact.ended_at or contact.updated_at
    if ended is not None and (now or timezone.now()) - ended > ARTICLE_LINK_WINDOW:
        return DomainError(
            _("This contact was closed more than %(days)d days ago; its articles can no longer be changed.") % {"days": ARTICLE_LINK_WINDOW.days},
            code="expired",
        )
    return None


@transaction.atomic
def contact_article_link(*, user, contact: Contact, article) -> ContactArticle:
    """Record that `article` answered the contact's question; counts as usage of the article
    (the knowledge base ranks by recent ContactArticle rows) and takes the contact out of the
    knowledge gaps. Marking the same article twice is a no-op. Allowed on open contacts and,
    for the agent who closed it, on a closed contact within ARTICLE_LINK_WINDOW
    (``article_link_refusal``); only published articles can be linked."""
    contact = _lock(contact)
    refusal = article_link_refusal(user=user, contact=contact)
    if refusal is not None:
        raise refusal
    from knowledgebase.constants import ArticleStatus

    # Re-read: the caller's copy may be stale (archived meanwhile in another request).
    if not type(article).objects.filter(pk=article.pk, status=ArticleStatus.PUBLISHED).exists():
        raise DomainError(_("Only published articles can be linked."), field="article")
    link, created = ContactArticle.objects.get_or_create(
        contact=contact, article=article, defaults={"marked_by": user, "answered": True}
    )
    if created:
        Contact.objects.filter(pk=contact.pk).update(updated_at=timezone.now())
    return link


@transaction.atomic
def contact_article_unlink(*, user, contact: Contact, article) -> bool:
    """Undo "this answered the question" (same rule as linking). Returns whether a link was
    removed; unlinking an article that is not linked is a no-op."""
    contact = _lock(contact)
    refusal = article_link_refusal(user=user, contact=contact)
    if refusal is not None:
        raise refusal
    deleted, _detail = ContactArticle.objects.filter(contact=contact, article=article).delete()
    if deleted:
        Contact.objects.filter(pk=contact.pk).update(updated_at=timezone.now())
    return bool(deleted)


# --- customer identity -----------------------------------------------------------------


def contact_addresses(contact: Contact) -> list[tuple[str, str]]:
    """(kind, normalised value) pairs the resident used on this contact: the e-mail sender,
    the social handle or the caller's number."""
    result = []
    if contact.caller_address:
        result.append((AddressKind.PHONE, contact.caller_address))
    message = _last_inbound(contact)
    if message is not None and message.sender_address:
        if message.channel == Channel.EMAIL:
            result.append((AddressKind.EMAIL, message.sender_address.lower()))
        elif message.channel in SOCIAL_CHANNELS:
            value = message.sender_address if ":" in message.sender_address else f"{message.channel}:{message.sender_address}"
            result.append((AddressKind.SOCIAL, value))
        elif message.channel == Channel.PHONE:
            phone = try_normalize_phone(message.sender_address)
            if phone:
                result.append((AddressKind.PHONE, phone))
    return list(dict.fromkeys(result))


@transaction.atomic
def contact_customer_link(
    *, user, contact: Contact, customer: Customer | None, add_address: bool = False, caller_phone: str = ""
) -> Contact:
    """Link the contact to a customer (or unlink with None). With ``add_address`` the address
    the resident used (e-mail, phone, handle) is added to the customer, unverified: only the
    resident's confirmation makes it verified. ``caller_phone``: the number the agent identified
    the caller by; a phone call that has no number of its own ("Nieuw gesprek") keeps it,
    normalised, as its caller address."""
    _require_kcc(user)
    contact = _lock(contact)
    customer = _survivor(customer)
    previous = contact.customer
    contact.customer = customer
    update = ["customer", "updated_at"]
    if caller_phone and contact.channel == Channel.PHONE and not contact.caller_address:
        normalised = try_normalize_phone(caller_phone)
        if normalised:
            contact.caller_address = normalised
            update.append("caller_address")
    contact.save(update_fields=update)
    if customer is not None and add_address:
        for kind, value in contact_addresses(contact):
            if not DigitalAddress.objects.filter(kind=kind, value=value, customer=customer).exists():
                customer_address_add(customer=customer, kind=kind, value=value)
    touched = [c for c in (previous, customer) if c is not None]
    if touched:
        processing_log_record(
            user=user, customers=touched, action=LogAction.CHANGE, purpose=Purpose.IDENTIFY, context=f"klantcontact {contact.pk} gekoppeld"
        )
    return contact


@transaction.atomic
def contact_customer_create(*, user, contact: Contact, email: str = "", phone: str = "", **fields) -> Customer:
    """Create a customer from a contact and link them. Raises ValidationError per field."""
    _require_kcc(user)
    customer = customer_create(
        user=user, purpose=Purpose.IDENTIFY, context=f"klantcontact {contact.pk}", email=email, phone=phone, **fields
    )
    contact_customer_link(user=user, contact=contact, customer=customer)
    return customer


MergeHook = Callable[..., None]
_merge_hooks: list[MergeHook] = []


def register_merge_hook(fn: MergeHook) -> None:
    """Apps register ``fn(*, user, source, target)`` from AppConfig.ready(); it runs inside the
    merge transaction, after the contacts moved and before ``source.merged_into`` is set, and
    moves the app's own rows from ``source`` to ``target``. An exception aborts the merge."""
    if fn not in _merge_hooks:
        _merge_hooks.append(fn)


# What the team lead chooses per field when merging: which record's value survives. The address
# is one choice (street, number, addition, postcode and city together), so that a merge never
# makes up an address that neither record had.
MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name",),
    "name_prefix": ("name_prefix",),
    "last_name": ("last_name",),
    "birth_date": ("birth_date",),
    "address": ("street", "house_number", "house_number_addition", "postcode", "city"),
}


def merge_differences(source: Customer, target: Customer) -> list[str]:
    """The MERGE_FIELDS on which the two records differ, in MERGE_FIELDS order."""
    return [name for name, attrs in MERGE_FIELDS.items() if any(getattr(source, a) != getattr(target, a) for a in attrs)]


@transaction.atomic
def customer_merge(*, user, source: Customer, target: Customer, take_from_source: Iterable[str] = ()) -> Customer:
    """Merge the duplicate ``source`` into the surviving ``target`` (team leads only).

    ``take_from_source`` names the MERGE_FIELDS whose value the survivor takes over from the
    duplicate (the team lead's per-field choice); every other field keeps the survivor's value.
    Moves all contacts and the digital addresses the survivor lacks, moves the BSN if only the
    source has one, repoints earlier merges, runs the apps' merge hooks, marks the source
    merged and writes a MERGE entry in the processing log for both, naming (never quoting) the
    fields taken over. Refused when the two have different BSNs (then they are different
    people), either was merged already, or a field name is unknown. Both rows are locked in
    pk order, so two leads merging the same pair at once cannot both succeed.
    """
    if not has_role(user, Role.TEAMLEAD):
        raise DomainError(_("Only team leads can merge customers."), code="forbidden")
    if source.pk == target.pk:
        raise DomainError(_("Choose two different customers."), field="target")
    taken = [name for name in MERGE_FIELDS if name in set(take_from_source)]
    if set(take_from_source) - set(taken):
        raise DomainError(_("Unknown field to take over."), field="target")
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise DomainError(_("One of these customers has already been merged."), field="target")
    if source.bsn and target.bsn and source.bsn != target.bsn:
        raise DomainError(_("These customers have different BSNs: they are different people."), field="target")
    now = timezone.now()
    Contact.objects.filter(customer=source).update(customer=target, updated_at=now)
    target_addresses = set(DigitalAddress.objects.filter(customer=target).values_list("kind", "value"))
    has_default = set(DigitalAddress.objects.filter(customer=target, is_default=True).values_list("kind", flat=True))
    for address in DigitalAddress.objects.filter(customer=source).order_by("-is_default", "pk"):
        if (address.kind, address.value) in target_addresses:
            continue
        make_default = address.is_default and address.kind not in has_default
        DigitalAddress.objects.filter(pk=address.pk).update(customer=target, is_default=make_default)
        if make_default:
            has_default.add(address.kind)
    if source.bsn and not target.bsn:
        bsn, source.bsn = source.bsn, ""
        source.save(update_fields=["bsn", "updated_at"])
        target.bsn = bsn
        target.save(update_fields=["bsn", "updated_at"])
    Customer.objects.filter(merged_into=source).update(merged_into=target)
    changed = [a for name in taken for a in MERGE_FIELDS[name] if getattr(source, a) != getattr(target, a)]
    if changed:
        for attr in changed:
            setattr(target, attr, getattr(source, attr))
        target.save(update_fields=[*changed, "updated_at"])
    for hook in list(_merge_hooks):
        hook(user=user, source=source, target=target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    context = f"klant {source.pk} samengevoegd met {target.pk}"
    if taken:
        context += f"; overgenomen van {source.pk}: {', '.join(taken)}"
    processing_log_record(
        user=user, customers=[source, target], action=LogAction.MERGE, purpose=Purpose.ADMINISTRATION, context=context,
    )
    # Ids and field names only: the application log holds no personal data.
    logger.info("customer merged", extra={"source_id": source.pk, "target_id": target.pk, "fields_from_source": taken})
    return target


# --- transfers -------------------------------------------------------------------------


@transaction.atomic
def transfer_mark_not_for_us(*, user, transfer: Transfer, correct_department, note: str = "") -> Transfer:
    """The receiving department says a transfer was not for them and names the right one.
    Feeds the misroute metric, so the contact's updated_at is bumped as well."""
    from kcc.core.access import department_ids

    transfer = Transfer.objects.select_for_update(of=("self",)).select_related("to_department").get(pk=transfer.pk)
    if transfer.to_department_id not in department_ids(user, Role.BACKOFFICE, Role.MANAGER):
        raise DomainError(_("Only the receiving department can mark this transfer."), code="forbidden")
    if transfer.not_for_us_at is not None:
        raise DomainError(_("This transfer has already been marked 'not for us'."), code="marked")
    if correct_department is None:
        raise DomainError(_("Name the department it should have gone to."), field="correct_department")
    _active_department(correct_department, field="correct_department")
    if correct_department.pk == transfer.to_department_id:
        raise DomainError(_("Name another department than your own."), field="correct_department")
    now = timezone.now()
    transfer.not_for_us_at = now
    transfer.not_for_us_by = user
    transfer.correct_department = correct_department
    transfer.not_for_us_note = (note or "").strip()
    transfer.save(update_fields=["not_for_us_at", "not_for_us_by", "correct_department", "not_for_us_note"])
    Contact.objects.filter(pk=transfer.contact_id).update(updated_at=now)
    return transfer
