"""Read operations of the privacy app: merge chains, a resident's records, legal holds, the
processing log."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from callbacks.models import CallbackRequest
from channels.models import Contact
from kcc.core.models import Customer, ProcessingLogEntry
from kcc.core.normalize import validate_bsn
from kcc.core.selectors import customer_list
from signals.models import Evidence

from .filters import ProcessingLogFilter
from .models import LegalHold, RetentionRun


def customer_chain_ids(customer_ids) -> set[int]:
    """Every customer connected to `customer_ids` through merges (``merged_into`` both ways):
    the same resident under several records. Chains are short; one query per step."""
    found = {int(pk) for pk in customer_ids}
    frontier = set(found)
    while frontier:
        rows = Customer.objects.filter(Q(pk__in=frontier) | Q(merged_into__in=frontier)).values_list("pk", "merged_into_id")
        step = {pk for pk, _ in rows} | {target for _, target in rows if target}
        frontier = step - found
        found |= step
    return found


def customer_chain(customer: Customer) -> list[Customer]:
    """The records of one resident: the customer, the ones merged into it and the one it was
    merged into, survivor first."""
    ids = customer_chain_ids([customer.pk])
    return sorted(Customer.objects.filter(pk__in=ids), key=lambda c: (c.merged_into_id is not None, c.pk))


@dataclass
class CustomerRecords:
    """What the organisation holds about one resident, for the privacy officer's overview."""

    chain: list[Customer]
    contacts: list
    callbacks: list
    evidence_count: int
    holds: list[LegalHold]


def customer_records(*, customer: Customer, limit: int = 200) -> CustomerRecords:
    """The resident's records across the merge chain: the latest contacts and callback requests
    (at most `limit` each), how many signal evidence rows point at their contacts, and the legal
    holds on any of them."""
    chain = customer_chain(customer)
    ids = [c.pk for c in chain]
    contacts = list(Contact.objects.filter(customer_id__in=ids).select_related("topic_department").order_by("-started_at", "-pk")[:limit])
    callbacks = list(
        CallbackRequest.objects.filter(customer_id__in=ids).select_related("target_department").order_by("-created_at", "-pk")[:limit]
    )
    evidence_count = Evidence.objects.filter(contact__customer_id__in=ids).count()
    holds = list(legal_hold_list(customer_ids=ids, contact_ids=[c.pk for c in contacts], callback_ids=[c.pk for c in callbacks]))
    return CustomerRecords(chain=chain, contacts=contacts, callbacks=callbacks, evidence_count=evidence_count, holds=holds)


def legal_hold_target(*, customer: Customer, target: str) -> dict:
    """What a legal hold form's choice ("contact:<id>", "callback:<id>", or empty for the whole
    resident) puts under hold, as keyword arguments for ``legal_hold_set``. The form only offers
    the resident's own records."""
    kind, _sep, record_id = target.partition(":")
    if kind == "contact":
        return {"contact": Contact.objects.get(pk=int(record_id))}
    if kind == "callback":
        return {"callback": CallbackRequest.objects.get(pk=int(record_id))}
    return {"customer": customer}


def held_customer_ids() -> set[int]:
    """Customers under an active legal hold, with their whole merge chains."""
    direct = LegalHold.objects.active().filter(customer__isnull=False).values_list("customer_id", flat=True)
    return customer_chain_ids(direct)


def held_contact_ids() -> QuerySet:
    return LegalHold.objects.active().filter(contact__isnull=False).values("contact_id")


def held_callback_ids() -> QuerySet:
    return LegalHold.objects.active().filter(callback__isnull=False).values("callback_id")


def legal_hold_active_list(*, limit: int = 100) -> list[LegalHold]:
    return list(LegalHold.objects.active().select_related("set_by")[:limit])


def legal_hold_list(*, customer_ids=None, contact_ids=None, callback_ids=None) -> QuerySet[LegalHold]:
    q = Q(pk__in=[])
    if customer_ids:
        q |= Q(customer_id__in=customer_ids)
    if contact_ids:
        q |= Q(contact_id__in=contact_ids)
    if callback_ids:
        q |= Q(callback_id__in=callback_ids)
    return LegalHold.objects.filter(q).select_related("set_by", "lifted_by")


def privacy_customer_search(*, q: str, limit: int = 25) -> list[Customer]:
    """Search every customer, restricted and merged ones included (the privacy officer must find
    them all): the agents' one customer search (kcc.core.selectors.customer_list) over every
    record, plus a lookup by BSN."""
    compact = "".join((q or "").split()).replace(".", "")
    if compact.isdigit() and len(compact) in (8, 9):
        try:
            return list(Customer.objects.filter(bsn=validate_bsn(compact))[:limit])
        except ValidationError:
            pass
    _query, found = customer_list(user=None, q=q, limit=limit, queryset=Customer.objects.all())
    return found


def processing_log_list(*, data, request=None) -> tuple[ProcessingLogFilter, QuerySet[ProcessingLogEntry]]:
    filterset = ProcessingLogFilter(data=data, queryset=ProcessingLogEntry.objects.all(), request=request)
    qs = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else ProcessingLogEntry.objects.none()
    return filterset, qs.order_by("-at", "-pk")


def retention_run_list(*, limit: int = 20) -> list[RetentionRun]:
    return list(RetentionRun.objects.prefetch_related("entries").select_related("approved_by")[:limit])
