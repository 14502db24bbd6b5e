"""Probable duplicates: customers that may be the resident about to be created (or edited).

A customer is a probable duplicate when it has the same normalised phone number, e-mail address
or BSN, or the same full name (folded: case and accents ignored) plus the same date of birth or
the same postcode. Only customers the user may see count (restricted, merged-away and erased
records never do); the customer itself is excluded when editing.

One query finds them — a UNION of index lookups (digital address (kind, value), the BSN's unique
index, name + date of birth, postcode) — and one more prefetches their addresses for the reasons.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

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
