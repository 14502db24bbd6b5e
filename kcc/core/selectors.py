"""Read operations of the core domain."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, QuerySet

from .access import customer_scope
from .constants import AddressKind
from .models import Customer, Department, DigitalAddress
from .normalize import fold_text, try_normalize_phone

_POSTCODE_RE = re.compile(r"^\s*(\d{4})\s*([a-zA-Z]{2})\s*(?:(\d{1,5})\s*[-\s]?\s*([a-zA-Z0-9]{0,4}))?\s*$")
_PHONEISH_RE = re.compile(r"^[\d\s\-\+\(\)\.]{5,}$")  # 5: the municipal "14020"
# A date of birth in a name search: 12-03-1980, 12/3/1980, 12.03.1980 or 1980-03-12.
_DATE_RE = re.compile(r"(?<![\d\w])(?:(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2}))(?![\d\w])")


@dataclass(frozen=True)
class CustomerQuery:
    """How a free-text customer search was understood."""

    kind: str  # "name" | "phone" | "email" | "postcode" | "empty"
    value: str
    house_number: int | None = None
    birth_date: date | None = None  # only with kind "name": "Jansen 12-03-1980"


def _split_birth_date(q: str) -> tuple[str, date | None]:
    """Take one date of birth out of a search text: ("jansen", date(1980, 3, 12))."""
    m = _DATE_RE.search(q)
    if not m:
        return q, None
    d, mo, y = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
    try:
        found = date(int(y), int(mo), int(d))
    except ValueError:
        return q, None
    return (q[: m.start()] + " " + q[m.end() :]).strip(), found


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def parse_customer_query(q: str) -> CustomerQuery:
    """Interpret one search box: e-mail, phone (any Dutch notation), postcode (+ house
    number) or else a name, optionally with a date of birth."""
    q = (q or "").strip()[:200]
    if not q:
        return CustomerQuery("empty", "")
    if "@" in q and _is_email(q):
        return CustomerQuery("email", q.lower())
    m = _POSTCODE_RE.match(q)
    if m:
        return CustomerQuery("postcode", (m.group(1) + m.group(2)).upper(), int(m.group(3)) if m.group(3) else None)
    rest, birth_date = _split_birth_date(q)
    if birth_date is not None:
        return CustomerQuery("name", fold_text(rest), birth_date=birth_date)
    if _PHONEISH_RE.match(q):
        e164 = try_normalize_phone(q)
        if e164:
            return CustomerQuery("phone", e164)
    return CustomerQuery("name", fold_text(q))


def customer_list(*, user, q: str, limit: int = 25, queryset: QuerySet[Customer] | None = None) -> tuple[CustomerQuery, list[Customer]]:
    """The one customer search. Searches the customers in the user's scope (active records),
    or in `queryset` when given: the privacy officer passes every record, restricted and merged
    ones included. Returns the parsed query and at most `limit` customers, with their digital
    addresses prefetched."""
    query = parse_customer_query(q)
    qs = customer_scope(user).active() if queryset is None else queryset
    if query.kind == "empty":
        return query, []
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
        if query.birth_date is not None:
            qs = qs.filter(birth_date=query.birth_date)
    qs = qs.prefetch_related(Prefetch("addresses", queryset=DigitalAddress.objects.order_by("kind", "-is_default")))
    return query, list(qs.order_by("last_name", "first_name", "pk")[:limit])


def department_list(*, active_only: bool = True) -> QuerySet[Department]:
    qs = Department.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("-is_kcc", "name")
