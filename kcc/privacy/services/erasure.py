"""Erasure (AVG art. 17) and restriction (art. 18) of one resident's data.

Erasure empties every field that holds the resident's personal data, in every app, for the
resident's whole merge chain, and deletes their files. The rows themselves stay as empty shells
with their ids, dates, channels, outcomes and departments: the metric facts (and any future
recomputation of them) stay exactly the same, and the processing log keeps pointing at ids.
Updates use ``QuerySet.update`` on purpose: it does not bump ``updated_at``, so the dashboard's
incremental job sees no change to recompute.

Restriction keeps everything but hides the resident and everything linked to them from all staff
(core ``customer_scope``, the inbox's ``contact_scope``, the callbacks' scope); only the privacy
officer still sees them. It is the answer when a retention obligation forbids erasure.
"""

from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.models import (
    CallbackActivity,
    CallbackAttempt,
    CallbackRequest,
)
from channels.models import Attachment, CallEvent, Contact, InboundRaw, Message, ScreenPop, Transfer
from kcc.core.constants import LogAction, Purpose
from kcc.core.exceptions import DomainError
from kcc.core.models import Customer, DigitalAddress, OutboundEmail
from kcc.core.services import processing_log_record
from signals.models import Evidence

from ..models import LegalHold
from ..selectors import customer_chain_ids

# What an erased name reads as on every screen that still lists the record.
ERASED = "[gewist]"

# Keys of a callback activity's details that never hold the resident's data (departments, staff,
# dates, results). Everything else (notes, outcome, reasons) is dropped on erasure.
SAFE_ACTIVITY_KEYS = frozenset(
    {"department", "deadline", "assigned_to", "result", "attempt_at", "from_department", "to_department",
     "from_user", "to_user", "attempts", "on_time", "mail"}
)


def _chain_for_update(customer: Customer) -> list[int]:
    ids = sorted(customer_chain_ids([customer.pk]))
    list(Customer.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    return ids


def _chain_contacts(ids: list[int]):
    return Contact.objects.filter(customer_id__in=ids)


def _chain_callbacks(ids: list[int], contact_ids):
    return CallbackRequest.objects.filter(Q(customer_id__in=ids) | Q(source_contact_id__in=contact_ids))


def _held(ids: list[int], contact_ids, callback_ids) -> bool:
    return LegalHold.objects.active().filter(
        Q(customer_id__in=ids) | Q(contact_id__in=contact_ids) | Q(callback_id__in=callback_ids)
    ).exists()


def _delete_files(names: list[str]) -> None:
    from .retention import _delete_files as delete

    delete(names)


@transaction.atomic
def customer_erase(*, user, customer: Customer) -> Counter:
    """Erase the resident's personal data everywhere; returns counts per kind (no data).

    Refused while a legal hold covers the resident or any of their records: restrict instead.
    Idempotent: erasing an erased resident changes nothing more.
    """
    ids = _chain_for_update(customer)
    contact_ids = list(_chain_contacts(ids).values_list("pk", flat=True))
    callback_ids = list(_chain_callbacks(ids, contact_ids).values_list("pk", flat=True))
    if _held(ids, contact_ids, callback_ids):
        raise DomainError(_("A legal hold covers this resident's records: they cannot be erased. Restrict the processing instead."))
    now = timezone.now()
    counts: Counter = Counter()

    # Inbox: contacts, their messages, raw payloads, attachments, call traces and transfers.
    counts["contacts"] = Contact.objects.filter(pk__in=contact_ids).update(
        subject="", question="", notes="", caller_address="", external_id=""
    )
    messages = Message.objects.filter(contact_id__in=contact_ids)
    raw_ids = set(messages.filter(raw__isnull=False).values_list("raw_id", flat=True))
    raw_ids |= set(CallEvent.objects.filter(contact_id__in=contact_ids, raw__isnull=False).values_list("raw_id", flat=True))
    counts["messages"] = messages.update(
        sender="", sender_address="", recipients="", subject="", message_id="", in_reply_to="", references="",
        provider_message_id="", body_text="", body_html="", delivery_error="",
    )
    # The raw rows stay as empty markers: their content fingerprint and de-duplication key
    # (transport ids and hashes, no content) keep a re-fetched or replayed copy of an erased
    # message from coming back in.
    counts["raw_payloads"] = InboundRaw.objects.filter(pk__in=raw_ids).exclude(payload=b"").update(payload=b"", meta={}, error="")
    attachments = Attachment.objects.filter(message__contact_id__in=contact_ids)
    files = [name for name in attachments.values_list("file", flat=True) if name]
    counts["attachments"] = attachments.delete()[1].get("inbox.Attachment", 0)
    if files:
        transaction.on_commit(lambda: _delete_files(files))
    CallEvent.objects.filter(contact_id__in=contact_ids).update(caller="")
    ScreenPop.objects.filter(contact_id__in=contact_ids).update(caller="")
    Transfer.objects.filter(contact_id__in=contact_ids).update(reason="", not_for_us_note="")
    counts["evidence_notes"] = Evidence.objects.filter(contact_id__in=contact_ids).exclude(note="").update(note="")

    # Callbacks: the number, the question, names and notes, in the request, attempts and log.
    counts["callbacks"] = CallbackRequest.objects.filter(pk__in=callback_ids).update(phone="", question="", note="", outcome="")
    CallbackRequest.objects.filter(pk__in=callback_ids).exclude(caller_name="").update(caller_name=ERASED)
    CallbackAttempt.objects.filter(callback_id__in=callback_ids).update(note="")
    for activity in CallbackActivity.objects.filter(callback_id__in=callback_ids).only("pk", "details"):
        safe = {k: v for k, v in (activity.details or {}).items() if k in SAFE_ACTIVITY_KEYS}
        if safe != activity.details:
            CallbackActivity.objects.filter(pk=activity.pk).update(details=safe)
    notifications = OutboundEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(CallbackRequest), object_id__in=callback_ids,
    )
    notifications.filter(sent_at__isnull=True).delete()
    notifications.update(recipients=[], subject=ERASED, body="", error="")

    # The customer records themselves: empty shells with their ids.
    counts["digital_addresses"] = DigitalAddress.objects.filter(customer_id__in=ids).delete()[1].get("core.DigitalAddress", 0)
    counts["customers"] = Customer.objects.filter(pk__in=ids, erased_at__isnull=True).update(
        first_name="", name_prefix="", last_name=ERASED, name_folded="", street="", house_number=None,
        house_number_addition="", postcode="", city="", bsn="", birth_date=None, erased_at=now,
    )
    processing_log_record(
        user=user, customers=list(Customer.objects.filter(pk__in=ids)), action=LogAction.ERASE,
        purpose=Purpose.PRIVACY_REQUEST, context="verwijderverzoek",
    )
    return counts


@transaction.atomic
def customer_restrict(*, user, customer: Customer) -> list[int]:
    """Restrict the processing of the resident's data (whole merge chain): staff no longer see
    the customer, their contacts or callbacks. Returns the chain's ids."""
    ids = _chain_for_update(customer)
    Customer.objects.filter(pk__in=ids, restricted_at__isnull=True).update(restricted_at=timezone.now())
    processing_log_record(
        user=user, customers=list(Customer.objects.filter(pk__in=ids)), action=LogAction.CHANGE,
        purpose=Purpose.PRIVACY_REQUEST, context="verwerking beperkt",
    )
    return ids


@transaction.atomic
def customer_restriction_lift(*, user, customer: Customer) -> list[int]:
    """Lift the restriction of the whole merge chain: staff see the records again."""
    ids = _chain_for_update(customer)
    if not Customer.objects.filter(pk__in=ids, restricted_at__isnull=False).exists():
        raise DomainError(_("The processing of this resident's data is not restricted."))
    Customer.objects.filter(pk__in=ids).update(restricted_at=None)
    processing_log_record(
        user=user, customers=list(Customer.objects.filter(pk__in=ids)), action=LogAction.CHANGE,
        purpose=Purpose.PRIVACY_REQUEST, context="beperking opgeheven",
    )
    return ids
