"""Probable duplicates: customers that may be the resident about to be created (or edited).

A customer is a probable duplicate when it has the same normalised phone number, e-mail address
or BSN, or the same full name (folded: case and accents ignored) plus the same date of birth or
the same postcode. Only customers the user may see count (restricted, merged-away and erased
records never do); the customer itself is excluded when editing.

One query finds them — a UNION of index lookups (digital address (kind, value), the BSN's unique
index, name + date of birth, postcode) — and one more prefetches their addresses for the reasons.

The same rules, turned around, give team leads the list of probable duplicates among all
customers (``duplicate_groups``): per reason, the values that more than one visible customer
shares, keyset-paged over the index of that value. A BSN is unique, so it never forms a group.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from .access import customer_scope
from .constants import AddressKind
from .models import Customer, DigitalAddress
from .normalize import fold_name

REASON_PHONE = "phone"
REASON_EMAIL = "email"
REASON_BSN = "bsn"
REASON_NAME_BIRTH_DATE = "name_birth_date"
REASON_NAME_POSTCODE = "name_postcode"


@dataclass(frozen=True)
class ProbableDuplicate:
    customer: Customer
    reasons: tuple[str, ...]  # which of the REASON_* codes matched


def probable_duplicates(
    *,
    user,
    first_name: str = "",
    name_prefix: str = "",
    last_name: str = "",
    birth_date: date | None = None,
    postcode: str = "",
    phone: str = "",
    email: str = "",
    bsn: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
) -> list[ProbableDuplicate]:
    """The customers in the user's scope that are probably the same resident. Takes values as
    the CustomerForm cleans them: phone in E.164, e-mail lower-case, postcode as 1234AB, BSN as
    nine digits. Returns at most `limit`, in customer-number order."""
    name = fold_name(first_name, name_prefix, last_name)
    branches = []
    addresses = [(kind, value) for kind, value in ((AddressKind.PHONE, phone), (AddressKind.EMAIL, email)) if value]
    for kind, value in addresses:
        branches.append(DigitalAddress.objects.filter(kind=kind, value=value).order_by().values("customer_id"))
    if bsn:
        branches.append(Customer.objects.filter(bsn=bsn).order_by().values("pk"))
    if name and birth_date:
        branches.append(Customer.objects.filter(name_folded=name, birth_date=birth_date).order_by().values("pk"))
    if name and postcode:
        branches.append(Customer.objects.filter(name_folded=name, postcode=postcode).order_by().values("pk"))
    if not branches:
        return []
    ids = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
    qs = customer_scope(user).active().filter(pk__in=ids, erased_at__isnull=True)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    qs = qs.prefetch_related(Prefetch("addresses", queryset=DigitalAddress.objects.filter(kind__in=[AddressKind.PHONE, AddressKind.EMAIL])))
    found = []
    for customer in qs.order_by("pk")[:limit]:
        values = {(a.kind, a.value) for a in customer.addresses.all()}
        reasons = []
        if phone and (AddressKind.PHONE, phone) in values:
            reasons.append(REASON_PHONE)
        if email and (AddressKind.EMAIL, email) in values:
            reasons.append(REASON_EMAIL)
        if bsn and customer.bsn == bsn:
            reasons.append(REASON_BSN)
        if name and customer.name_folded == name:
            if birth_date and customer.birth_date == birth_date:
                reasons.append(REASON_NAME_BIRTH_DATE)
            if postcode and customer.postcode == postcode:
                reasons.append(REASON_NAME_POSTCODE)
        found.append(ProbableDuplicate(customer=customer, reasons=tuple(reasons)))
    return found


# --- the list of probable duplicates (team leads) -----------------------------------------

GROUP_PAGE_SIZE = 20

# The reasons that can form a group, in the order of the list's tabs.
GROUP_REASONS = {
    REASON_PHONE: _("Same phone number"),
    REASON_EMAIL: _("Same e-mail address"),
    REASON_NAME_BIRTH_DATE: _("Same name and date of birth"),
    REASON_NAME_POSTCODE: _("Same name and postcode"),
}
_ADDRESS_KIND = {REASON_PHONE: AddressKind.PHONE, REASON_EMAIL: AddressKind.EMAIL}
_CUSTOMER_KEY = {REASON_NAME_BIRTH_DATE: ("name_folded", "birth_date"), REASON_NAME_POSTCODE: ("name_folded", "postcode")}


@dataclass
class DuplicateGroup:
    reason: str
    customers: list[Customer] = field(default_factory=list)
    shared: str = ""  # the shared phone number or e-mail address, for the list (names are on the customers)


@dataclass
class DuplicateGroupPage:
    reason: str
    groups: list[DuplicateGroup]
    next_cursor: int | None  # an id (address or customer), never the shared value: it goes in a URL


def _visible(user):
    return customer_scope(user).active().filter(erased_at__isnull=True)


def duplicate_groups(*, user, reason: str, after: int | None = None, size: int = GROUP_PAGE_SIZE) -> DuplicateGroupPage:
    """One page of groups of customers that share the value of ``reason``, in the order of that
    value. Three queries whatever the number of customers: the cursor's value (``after`` is the
    id of a row of the last group shown, so no phone number or name goes into the URL), the
    page of values shared by more than one visible customer (a grouped scan of the value's
    index that stops after ``size + 1`` groups), and those customers with their addresses."""
    if reason in _ADDRESS_KIND:
        return _address_groups(user=user, reason=reason, after=after, size=size)
    if reason in _CUSTOMER_KEY:
        return _customer_groups(user=user, reason=reason, after=after, size=size)
    raise ValueError(reason)


def _address_groups(*, user, reason, after, size) -> DuplicateGroupPage:
    kind = _ADDRESS_KIND[reason]
    qs = DigitalAddress.objects.filter(kind=kind, customer__in=_visible(user))
    if after is not None:
        last = DigitalAddress.objects.filter(pk=after, kind=kind).values_list("value", flat=True).first()
        if last is not None:
            qs = qs.filter(value__gt=last)
    values = list(
        qs.values("value").annotate(n=Count("customer_id", distinct=True)).filter(n__gt=1).order_by("value").values_list("value", flat=True)[: size + 1]
    )
    more, values = len(values) > size, values[:size]
    rows = (
        DigitalAddress.objects.filter(kind=kind, value__in=values, customer__in=_visible(user))
        .select_related("customer")
        .order_by("value", "customer_id")
    )
    groups: dict[str, DuplicateGroup] = {}
    last_row = None
    for row in rows:
        group = groups.setdefault(row.value, DuplicateGroup(reason=reason, shared=row.display))
        if all(c.pk != row.customer_id for c in group.customers):
            group.customers.append(row.customer)
        last_row = row
    return DuplicateGroupPage(reason, list(groups.values()), last_row.pk if more and last_row else None)


def _customer_groups(*, user, reason, after, size) -> DuplicateGroupPage:
    first, second = _CUSTOMER_KEY[reason]
    qs = _visible(user).exclude(name_folded="")
    qs = qs.filter(birth_date__isnull=False) if second == "birth_date" else qs.exclude(postcode="")
    if after is not None:
        last = Customer.objects.filter(pk=after).values_list(first, second).first()
        if last is not None:
            qs = qs.filter(Q(**{f"{first}__gt": last[0]}) | Q(**{first: last[0], f"{second}__gt": last[1]}))
    keys = list(
        qs.order_by().values(first, second).annotate(n=Count("pk")).filter(n__gt=1).order_by(first, second).values_list(first, second)[: size + 1]
    )
    more, keys = len(keys) > size, keys[:size]
    if not keys:
        return DuplicateGroupPage(reason, [], None)
    match = Q()
    for a, b in keys:
        match |= Q(**{first: a, second: b})
    groups: dict[tuple, DuplicateGroup] = {}
    last_customer = None
    for customer in _visible(user).filter(match).order_by(first, second, "pk"):
        groups.setdefault((getattr(customer, first), getattr(customer, second)), DuplicateGroup(reason=reason)).customers.append(customer)
        last_customer = customer
    return DuplicateGroupPage(reason, list(groups.values()), last_customer.pk if more and last_customer else None)
