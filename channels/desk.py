"""Write operations of the agent's desk (the contact workspace): a phone call becomes an open
contact at pick-up, "Nog een vraag" starts a sibling contact in the same conversation, and the
end of the conversation is recorded apart from closing (after-call work).

Closing stays ``services.contact_close`` (it sets ``ended_at``): a contact is closed only when
the agent chooses an outcome.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.constants import LogAction, Purpose
from kcc.core.exceptions import DomainError
from kcc.core.models import Customer
from kcc.core.normalize import try_normalize_phone
from kcc.core.services import processing_log_record

from .constants import Channel, ContactStatus, Direction
from .models import Contact
from .services import _check_may_work, _lock, _require_kcc, _survivor, contact_notes_save


def _caller(phone: str) -> str:
    if not (phone or "").strip():
        return ""
    caller = try_normalize_phone(phone)
    if caller is None:
        raise DomainError(_("Enter a valid phone number, for example 06-12345678."), field="phone")
    return caller


@transaction.atomic
def call_start(*, user, phone: str = "", customer: Customer | None = None, call: Contact | None = None) -> Contact:
    """Pick up a phone call: an OPEN phone contact held by `user`, answered now.

    * ``call``: the contact the telephony platform made for this call (screen-pop); it is
      claimed instead of creating a new one. A closed call, or one a colleague holds, is refused.
    * Otherwise ("Nieuw gesprek") a new inbound phone contact starts now, with ``phone`` (any
      notation, stored as E.164) and ``customer`` if known.
    The contact is closed later, only when the agent chooses an outcome.
    """
    _require_kcc(user)
    now = timezone.now()
    caller = _caller(phone)
    customer = _survivor(customer)
    if call is not None:
        contact = _lock(call)
        if contact.channel != Channel.PHONE:
            raise DomainError(_("This contact is not a phone call."), code="invalid")
        if contact.status == ContactStatus.CLOSED:
            raise DomainError(_("This call has already been closed."), code="closed")
        _check_may_work(user, contact)
        fields = {"updated_at"}
        if contact.assigned_to_id is None:
            contact.assigned_to, contact.claimed_at = user, now
            fields |= {"assigned_to", "claimed_at"}
        if contact.answered_at is None:
            contact.answered_at = now
            fields.add("answered_at")
        if contact.status == ContactStatus.NEW:
            contact.status = ContactStatus.OPEN
            fields.add("status")
        if caller and not contact.caller_address:
            contact.caller_address = caller
            fields.add("caller_address")
        if customer is not None and contact.customer_id is None:
            contact.customer = customer
            fields.add("customer")
        contact.save(update_fields=sorted(fields))
    else:
        contact = Contact.objects.create(
            channel=Channel.PHONE,
            direction=Direction.INBOUND,
            customer=customer,
            subject=_("Phone call"),
            caller_address=caller,
            status=ContactStatus.OPEN,
            assigned_to=user,
            claimed_at=now,
            started_at=now,
            answered_at=now,
        )
    if customer is not None:
        processing_log_record(
            user=user, customers=[customer], action=LogAction.CHANGE, purpose=Purpose.ANSWER_QUESTION,
            context=f"telefoongesprek {contact.pk}",
        )
    return contact


@transaction.atomic
def contact_sibling_start(*, user, contact: Contact) -> Contact:
    """"Nog een vraag": a new open contact in the same conversation (same conversation_key,
    channel, customer and caller), held by `user`. The first question stays as it is: it is
    closed with its own outcome."""
    _require_kcc(user)
    parent = Contact.objects.select_related("customer").get(pk=contact.pk)
    _check_may_work(user, parent)
    now = timezone.now()
    sibling = Contact.objects.create(
        channel=parent.channel,
        direction=Direction.INBOUND,
        customer=_survivor(parent.customer),
        subject=_("Another question"),
        caller_address=parent.caller_address,
        status=ContactStatus.OPEN,
        assigned_to=user,
        claimed_at=now,
        started_at=now,
        answered_at=now,
        conversation_key=parent.conversation_key,
        conversation_ended_at=parent.conversation_ended_at,
    )
    Contact.objects.filter(pk=parent.pk).update(updated_at=now)
    return sibling


@transaction.atomic
def conversation_end(*, user=None, contact: Contact, at=None) -> int:
    """The conversation itself ended ("Gesprek beëindigd" or telephony ``ended``): sets
    ``conversation_ended_at`` on the contact and the other open contacts of its conversation
    that have none yet. Does not close anything: the after-call work runs until the agent
    closes. ``user`` is None for the telephony platform. Returns the number of contacts marked."""
    if user is not None:
        _require_kcc(user)
        if contact.status == ContactStatus.CLOSED:
            raise DomainError(_("This contact is already closed."), code="closed")
        _check_may_work(user, contact)
    at = at or timezone.now()
    return (
        Contact.objects.filter(conversation_key=contact.conversation_key, conversation_ended_at__isnull=True)
        .exclude(status=ContactStatus.CLOSED)
        .update(conversation_ended_at=at, updated_at=timezone.now())
    )


def _placeholder_subjects() -> set[str]:
    return {_("Phone call"), "Phone call", _("Another question"), "Another question", ""}


def _subject_from(question: str) -> str:
    first = question.strip().splitlines()[0].strip() if question.strip() else ""
    return first if len(first) <= 80 else first[:79].rstrip() + "…"


@transaction.atomic
def contact_work_save(*, user, contact: Contact, question: str, notes: str) -> Contact:
    """Save the question and notes while the agent works (not closing). A phone call or "Nog
    een vraag" still titled with its placeholder gets the question's first line as subject, so
    the inbox and the customer's history say what it was about."""
    _require_kcc(user)
    _check_may_work(user, contact)
    contact = contact_notes_save(user=user, contact=contact, notes=notes, question=question)
    if question.strip() and contact.subject in _placeholder_subjects():
        contact.subject = _subject_from(question)
        contact.save(update_fields=["subject", "updated_at"])
    return contact
