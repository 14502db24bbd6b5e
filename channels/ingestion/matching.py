"""Linking inbound messages to residents: only on an exact, verified address.

A resident is linked when exactly one (not merged) customer has the address, of the right
kind, with a verification date. Anything else (unverified, shared by two residents, ambiguous
sender) leaves the contact unlinked; the agent links it by hand.
"""

from kcc.core.constants import AddressKind
from kcc.core.models import Customer, DigitalAddress


def customer_for_address(kind: str, value: str) -> Customer | None:
    if not value:
        return None
    customer_ids = list(
        DigitalAddress.objects.filter(
            kind=kind, value=value, verified_at__isnull=False, customer__merged_into__isnull=True
        )
        .values_list("customer_id", flat=True)
        .distinct()[:2]
    )
    if len(customer_ids) != 1:
        return None
    return Customer.objects.get(pk=customer_ids[0])


def customer_for_email(address: str) -> Customer | None:
    return customer_for_address(AddressKind.EMAIL, address)


def customer_for_phone(e164: str) -> Customer | None:
    return customer_for_address(AddressKind.PHONE, e164)


def customer_for_social(handle: str) -> Customer | None:
    """`handle` as stored: 'platform:id', e.g. 'facebook:1234567890'."""
    return customer_for_address(AddressKind.SOCIAL, handle)
