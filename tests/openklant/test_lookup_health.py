"""Lookup before create (a party the register knows by BSN is reused) and the health line."""

import pytest

from kcc.core.models import ProcessingLogEntry
from kcc.openklant.lookups import partij_link_by_bsn
from kcc.openklant.models import SyncItem
from kcc.openklant.services import sync_deliver_due
from tests.core.factories import CustomerFactory, DigitalAddressFactory

from .factories import BSN

pytestmark = pytest.mark.django_db


def _party_from_another_channel(register):
    """KISS or a back office created the party earlier."""
    status, partij = register.create("partijen", {"soortPartij": "persoon", "indicatieActief": True, "nummer": "0000000077"})
    register.create("partij-identificatoren", {
        "identificeerdePartij": {"uuid": partij["uuid"]},
        "partijIdentificator": {"codeObjecttype": "natuurlijk_persoon", "codeSoortObjectId": "bsn", "objectId": BSN, "codeRegister": "brp"},
    })
    register.create("digitaleadressen", {"verstrektDoorPartij": {"uuid": partij["uuid"]}, "adres": "bekend@example.nl", "soortDigitaalAdres": "email", "isStandaardAdres": True})
    return partij


def test_desk_identification_by_bsn_reuses_the_registers_party_and_offers_its_addresses(register, agent, settings):
    partij = _party_from_another_channel(register)
    settings.KCC_OPENKLANT_URL = ""
    customer = CustomerFactory(bsn=BSN)
    DigitalAddressFactory(customer=customer, kind="phone", value="+31612345678")
    settings.KCC_OPENKLANT_URL = register.url
    found = partij_link_by_bsn(customer=customer, user=agent)
    assert found.uuid == partij["uuid"]
    assert [(a.soort, a.adres, a.standaard) for a in found.new_addresses] == [("email", "bekend@example.nl", True)]
    assert ProcessingLogEntry.objects.filter(customer=customer, action="external_lookup", username=agent.username).exists()
    # The sync updates that party: no second one.
    customer.save()
    sync_deliver_due()
    assert register.count("partijen") == 1
    assert register.objects("partijen")[0]["nummer"] == "0000000077"  # the register's own number stays


def test_sync_finds_the_registers_party_by_bsn_without_the_desk(register):
    _party_from_another_channel(register)
    CustomerFactory(bsn=BSN)
    sync_deliver_due()
    assert register.count("partijen") == 1
    assert register.count("partij-identificatoren") == 1


def test_lookup_is_quiet_when_off_or_down(register, agent, settings):
    customer = CustomerFactory(bsn=BSN)
    register.fault = "500"
    assert partij_link_by_bsn(customer=customer, user=agent) is None
    settings.KCC_OPENKLANT_URL = ""
    assert partij_link_by_bsn(customer=customer, user=agent) is None


def test_health_line_only_when_on(client, settings, register):
    from kcc.core.health import _checks
    from kcc.openklant.health import OpenKlantOutbox

    assert OpenKlantOutbox in _checks()
    settings.KCC_OPENKLANT_URL = ""
    assert OpenKlantOutbox not in _checks()


def test_health_reports_a_stuck_outbox(register):
    from datetime import timedelta

    from django.utils import timezone
    from health_check.exceptions import ServiceUnavailable, ServiceWarning

    from kcc.openklant.health import OpenKlantOutbox

    OpenKlantOutbox().run()
    SyncItem.objects.create(kind="customer", object_id=1, created_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ServiceUnavailable):
        OpenKlantOutbox().run()
    SyncItem.objects.update(status="failed")
    with pytest.raises(ServiceWarning):
        OpenKlantOutbox().run()
