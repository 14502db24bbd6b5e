"""Lookup before create: when the desk identifies a caller with a BSN, the party the register
already holds for that BSN (from KISS, another channel, a back office) is reused, never
duplicated, and its digital addresses are offered to the agent."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from kcc.core.constants import AddressKind, LogAction, Purpose
from kcc.core.services import customer_address_add, normalize_address, processing_log_record

from .client import ApiError, KlantinteractiesClient
from .models import RemoteObject
from .services import sync_enabled
from .sync import partij_key

logger = logging.getLogger(__name__)

# soortDigitaalAdres -> the customer record's address kind ("overig" is not offered).
ADDRESS_KINDS = {"email": AddressKind.EMAIL, "telefoonnummer": AddressKind.PHONE}


@dataclass(frozen=True)
class RegisterAddress:
    soort: str  # email | telefoonnummer | overig
    adres: str
    standaard: bool
    uuid: str = ""
    url: str = ""

    @property
    def kind(self) -> str:
        return ADDRESS_KINDS.get(self.soort, "")


@dataclass(frozen=True)
class RegisterParty:
    uuid: str
    addresses: list[RegisterAddress]
    new_addresses: list[RegisterAddress]  # the ones the KCC does not know yet


def partij_link_by_bsn(*, customer, user, client: KlantinteractiesClient | None = None) -> RegisterParty | None:
    """Find the register's party with the customer's BSN and store its UUID for the customer,
    so the sync updates that party instead of creating one. Logged in the processing log (an
    external lookup). None when the sync is off, the customer has no BSN, the register has no
    such party or does not answer (the desk goes on without it)."""
    try:
        return partij_lookup(customer=customer, user=user, client=client)
    except ApiError as exc:
        logger.info("Open Klant lookup failed: %s %s", exc.kind, exc.status or "")
        return None


def partij_lookup(*, customer, user, client: KlantinteractiesClient | None = None, context: str = "") -> RegisterParty | None:
    """``partij_link_by_bsn`` for the desk panel: a failing register raises ``ApiError`` (the
    panel says "niet bereikbaar" with a retry)."""
    if not sync_enabled() or not customer.bsn:
        return None
    client = client or KlantinteractiesClient()
    processing_log_record(
        user=user, customers=[customer], action=LogAction.EXTERNAL_LOOKUP, purpose=Purpose.IDENTIFY,
        context=" ".join(x for x in ("Open Klant partij", context) if x),
    )
    found = client.find("partijen", {"partijIdentificator__codeSoortObjectId": "bsn", "partijIdentificator__objectId": customer.bsn})
    if not found:
        return None
    partij = found[0]
    addresses = client.find("digitaleadressen", {"verstrektDoorPartij__uuid": partij["uuid"]})
    with transaction.atomic():
        RemoteObject.objects.get_or_create(key=partij_key(customer.pk), defaults={"uuid": partij["uuid"], "url": partij["url"]})
    known = {(a.kind, a.value.lower()) for a in customer.addresses.all()}
    offered = [
        RegisterAddress(soort=a["soortDigitaalAdres"], adres=a["adres"], standaard=bool(a.get("isStandaardAdres")), uuid=a["uuid"], url=a["url"])
        for a in addresses
    ]
    return RegisterParty(uuid=partij["uuid"], addresses=offered, new_addresses=[a for a in offered if not _known(a, known)])


def _known(address: RegisterAddress, known: set[tuple[str, str]]) -> bool:
    kind = ADDRESS_KINDS.get(address.soort)
    if kind is None:
        return True  # "overig": nothing the customer record can hold
    try:
        value = normalize_address(kind, address.adres)
    except ValidationError:
        return True  # the register's value is not a valid address here: not offered
    return (kind, value.lower()) in known


@transaction.atomic
def register_address_adopt(*, customer, address: RegisterAddress):
    """"Overnemen": add one of the register's addresses to the customer record, and map it to
    the register's address so the sync updates that one instead of adding a second."""
    local = customer_address_add(customer=customer, kind=ADDRESS_KINDS[address.soort], value=address.adres)
    RemoteObject.objects.get_or_create(key=f"digitaaladres:address:{local.pk}", defaults={"uuid": address.uuid, "url": address.url})
    return local
