"""Lookup before create: when the desk identifies a caller with a BSN, the party the register
already holds for that BSN (from KISS, another channel, a back office) is reused, never
duplicated, and its digital addresses are offered to the agent."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction

from kcc.core.constants import LogAction, Purpose
from kcc.core.services import processing_log_record

from .client import ApiError, KlantinteractiesClient
from .models import RemoteObject
from .services import sync_enabled
from .sync import partij_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegisterAddress:
    soort: str  # email | telefoonnummer | overig
    adres: str
    standaard: bool


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
    if not sync_enabled() or not customer.bsn:
        return None
    client = client or KlantinteractiesClient()
    processing_log_record(user=user, customers=[customer], action=LogAction.EXTERNAL_LOOKUP, purpose=Purpose.IDENTIFY, context="Open Klant partij")
    try:
        found = client.find("partijen", {"partijIdentificator__codeSoortObjectId": "bsn", "partijIdentificator__objectId": customer.bsn})
        if not found:
            return None
        partij = found[0]
        addresses = client.find("digitaleadressen", {"verstrektDoorPartij__uuid": partij["uuid"]})
    except ApiError as exc:
        logger.info("Open Klant lookup failed: %s %s", exc.kind, exc.status or "")
        return None
    with transaction.atomic():
        RemoteObject.objects.get_or_create(key=partij_key(customer.pk), defaults={"uuid": partij["uuid"], "url": partij["url"]})
    known = {a.value.lower() for a in customer.addresses.all()}
    offered = [RegisterAddress(soort=a["soortDigitaalAdres"], adres=a["adres"], standaard=bool(a.get("isStandaardAdres"))) for a in addresses]
    return RegisterParty(uuid=partij["uuid"], addresses=offered, new_addresses=[a for a in offered if a.adres.lower() not in known])
