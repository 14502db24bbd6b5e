"""Read operations of the privacy app: merge chains, legal holds, the processing log."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from kcc.core.models import Customer, ProcessingLogEntry

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


def held_customer_ids() -> set[int]:
    """Customers under an active legal hold, with their whole merge chains."""
    direct = LegalHold.objects.active().filter(customer__isnull=False).values_list("customer_id", flat=True)
    return customer_chain_ids(direct)


def held_contact_ids() -> QuerySet:
    return LegalHold.objects.active().filter(contact__isnull=False).values("contact_id")


def held_callback_ids() -> QuerySet:
    return LegalHold.objects.active().filter(callback__isnull=False).values("callback_id")


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
    them all). Same interpretation of the search box as the agents' search."""
    from kcc.core.constants import AddressKind
    from kcc.core.normalize import validate_bsn
    from kcc.core.selectors import parse_customer_query

    qs = Customer.objects.all()
    compact = "".join((q or "").split()).replace(".", "")
    if compact.isdigit() and len(compact) in (8, 9):
        try:
            return list(qs.filter(bsn=validate_bsn(compact))[:limit])
        except ValidationError:
            pass
    query = parse_customer_query(q)
    if query.kind == "empty":
        return []
    if query.kind == "email":
        qs = qs.filter(addresses__kind=AddressKind.EMAIL, addresses__value=query.value)
    elif query.kind == "phone":
        qs = qs.filter(addresses__kind=AddressKind.PHONE, addresses__value=query.value)
    elif query.kind == "postcode":
        qs = qs.filter(postcode=query.value)
        if query.house_number is not None:
            qs = qs.filter(house_number=query.house_number)
    else:
        for token in query.value.split()[:5]:
            qs = qs.filter(name_folded__contains=token)
    return list(qs.distinct().order_by("last_name", "first_name", "pk")[:limit])


def processing_log_list(*, data, request=None) -> tuple[ProcessingLogFilter, QuerySet[ProcessingLogEntry]]:
    filterset = ProcessingLogFilter(data=data, queryset=ProcessingLogEntry.objects.all(), request=request)
    qs = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else ProcessingLogEntry.objects.none()
    return filterset, qs.order_by("-at", "-pk")


def retention_run_list(*, limit: int = 20) -> list[RetentionRun]:
    return list(RetentionRun.objects.prefetch_related("entries").select_related("approved_by")[:limit])
