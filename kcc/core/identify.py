"""Caller identification: who is on the line (or wrote in)?

One search text, typed by the agent or taken from the telephony screen-pop, becomes at most one
*confident* customer — selected automatically — plus the candidates to choose from. It is built on
the one customer-search selector (``customer_list``), so it sees exactly the customers the user may
see: restricted (AVG art. 18) and merged-away records are never found, erased shells neither.

A hit is confident when the search was one of

* an exact phone number, in any Dutch notation (06-12345678, +31 6 1234 5678, 0031..., 14 020);
* an exact e-mail address (case-insensitive);
* a postcode plus house number (1011 AB 12, 1011AB12, 1011 AB 12-A);
* a name plus date of birth ("Jansen 12-03-1980") whose name words all match whole words of the
  customer's name,

and exactly one customer in scope matched. Everything else gives candidates only. This module
reads; it does not write the processing log — the caller's view logs what it shows.
"""

import re
import unicodedata
from dataclasses import dataclass

from .models import Customer
from .selectors import customer_list

MAX_QUERY_LENGTH = 200

REASON_PHONE = "phone"
REASON_EMAIL = "email"
REASON_POSTCODE_NUMBER = "postcode_number"
REASON_NAME_BIRTH_DATE = "name_birth_date"

# The addition after a postcode and house number: "1011 AB 12-A", "1011AB 12 bis".
_ADDITION_RE = re.compile(r"^\d{4}\s*[a-zA-Z]{2}\s*\d{1,5}(.*)$")


@dataclass(frozen=True)
class Identification:
    confident: Customer | None  # exactly one confident hit, else None
    candidates: list[Customer]  # all hits shown for a choice (may include the confident one)
    reason: str  # machine code: "phone", "email", "postcode_number", "name_birth_date", "" when none


def clean_query(query: str) -> str:
    """Drop what cannot be part of a search: control and format characters (NUL, the RTL
    override U+202E, zero-width spaces), then trim to a sane length."""
    text = "".join(
        " " if unicodedata.category(c) in ("Zl", "Zp") or c in "\t\r\n" else c
        for c in (query or "")[: MAX_QUERY_LENGTH * 4]
        if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn") or c in "\t\r\n"
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def _addition_matches(customer: Customer, addition: str) -> bool:
    return customer.house_number_addition.replace(" ", "").lower() == addition.lower()


def identify_caller(*, user, query: str, limit: int = 10) -> Identification:
    """Identify a caller from one search text within the user's customer scope.

    ``reason`` names the rule the search was understood as (see the module docstring) whenever
    that rule could give a confident hit; several matches under it give candidates only and
    ``confident`` None. Plain name searches and postcodes without a number give reason "".
    Costs the selector's queries (two, or one when nothing matched)."""
    text = clean_query(query)
    if not text:
        return Identification(confident=None, candidates=[], reason="")
    limit = max(int(limit), 1)
    # One more than shown: a rule that matched more customers than fit is never confident.
    parsed, found = customer_list(user=user, q=text, limit=limit + 1)
    found = [c for c in found if c.erased_at is None]

    reason = ""
    confident_pool: list[Customer] = []
    if parsed.kind == "phone":
        reason, confident_pool = REASON_PHONE, found
    elif parsed.kind == "email":
        reason, confident_pool = REASON_EMAIL, found
    elif parsed.kind == "postcode" and parsed.house_number is not None:
        reason = REASON_POSTCODE_NUMBER
        addition = _house_number_addition(text)
        if addition:
            # "1011 AB 12-A": narrow to that addition; others at the number stay candidates.
            confident_pool = [c for c in found if _addition_matches(c, addition)]
        else:
            confident_pool = found
    elif parsed.kind == "name" and parsed.birth_date is not None and parsed.value:
        reason = REASON_NAME_BIRTH_DATE
        words = set(parsed.value.split())
        confident_pool = [c for c in found if words <= set(c.name_folded.split())]

    confident = confident_pool[0] if len(confident_pool) == 1 else None
    if confident is not None:
        found = [confident] + [c for c in found if c.pk != confident.pk]
    return Identification(confident=confident, candidates=found[:limit], reason=reason)


def _house_number_addition(text: str) -> str:
    m = _ADDITION_RE.match(text)
    addition = (m.group(1) if m else "").strip().lstrip("-").replace(" ", "")
    return addition if addition.isalnum() and len(addition) <= 4 else ""
