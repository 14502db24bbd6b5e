"""Lookup before create in the desk: the Open Klant panel shows the party the register already
holds for the caller's BSN and offers its digital addresses ("Overnemen")."""

import pytest
from django.urls import reverse

from channels.constants import ContactStatus
from kcc.core.constants import AddressKind, LogAction
from kcc.core.models import DigitalAddress, ProcessingLogEntry
from kcc.openklant.models import RemoteObject
from kcc.openklant.services import sync_deliver_due
from kcc.openklant.sync import partij_key
from tests.channels.factories import ContactFactory
from tests.core.factories import CustomerFactory, DigitalAddressFactory

from .factories import BSN
from .test_lookup_health import _party_from_another_channel

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def caller(register, settings):
    settings.KCC_OPENKLANT_URL = ""  # made before the sync is on: nothing queued
    customer = CustomerFactory(bsn=BSN)
    DigitalAddressFactory(customer=customer, kind=AddressKind.PHONE, value="+31612345678", is_default=True)
    settings.KCC_OPENKLANT_URL = register.url
    return customer


@pytest.fixture
def contact(agent, caller):
    return ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=caller)


def post(client, name, contact, data=None):
    return client.post(reverse(f"openklant:{name}", args=[contact.pk]), data or {}, **HX)


def test_desk_shows_the_panel_as_a_lazy_placeholder_without_calling_the_register(login, agent, contact, register):
    html = login(agent).get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert 'data-testid="openklant-panel"' in html
    assert reverse("openklant:partij_panel", args=[contact.pk]) in html
    assert register.requests == []


def test_no_panel_when_the_sync_is_off(login, agent, contact, settings):
    settings.KCC_OPENKLANT_URL = ""
    client = login(agent)
    assert b"openklant-panel" not in client.get(reverse("channels:contact_detail", args=[contact.pk])).content
    assert post(client, "partij_panel", contact).status_code == 404


def test_panel_is_post_only_and_for_kcc_roles(login, agent, backoffice_belastingen, contact, register):
    assert login(agent).get(reverse("openklant:partij_panel", args=[contact.pk])).status_code == 405
    assert post(login(backoffice_belastingen), "partij_panel", contact).status_code == 403


def test_panel_reuses_the_registers_party_offers_its_addresses_and_logs_the_lookup(login, agent, contact, caller, register):
    partij = _party_from_another_channel(register)
    resp = post(login(agent), "partij_panel", contact)
    html = resp.content.decode()
    assert resp.status_code == 200 and "<html" not in html
    assert 'data-testid="openklant-party"' in html and "bekend@example.nl" in html
    assert 'data-testid="openklant-adopt"' in html
    assert BSN not in html
    assert str(RemoteObject.objects.get(key=partij_key(caller.pk)).uuid) == partij["uuid"]
    logged = ProcessingLogEntry.objects.get(customer=caller, action=LogAction.EXTERNAL_LOOKUP)
    assert logged.context == f"Open Klant partij contact {contact.pk}" and BSN not in logged.context
    # The sync then updates that party: no duplicate in the register.
    caller.save()
    sync_deliver_due()
    assert register.count("partijen") == 1


def test_adopting_an_address_adds_it_and_the_sync_updates_the_registers_address(login, agent, contact, caller, register):
    _party_from_another_channel(register)
    resp = post(login(agent), "address_adopt", contact, {"soort": "email", "adres": "bekend@example.nl"})
    html = resp.content.decode()
    assert 'data-testid="openklant-adopted"' in html and 'data-testid="openklant-adopt"' not in html
    address = DigitalAddress.objects.get(customer=caller, kind=AddressKind.EMAIL)
    assert address.value == "bekend@example.nl"
    sync_deliver_due()
    assert register.count("partijen") == 1
    assert sorted(a["adres"] for a in register.objects("digitaleadressen")) == ["+31612345678", "bekend@example.nl"]


def test_an_address_not_offered_by_the_register_is_not_adopted(login, agent, contact, caller, register):
    _party_from_another_channel(register)
    resp = post(login(agent), "address_adopt", contact, {"soort": "email", "adres": "bedacht@example.nl"})
    assert resp.status_code == 200 and 'data-testid="openklant-notice"' in resp.content.decode()
    assert not DigitalAddress.objects.filter(customer=caller, kind=AddressKind.EMAIL).exists()


def test_no_party_no_bsn_and_a_register_that_is_down(login, agent, contact, caller, register):
    client = login(agent)
    assert b"openklant-notice" in post(client, "partij_panel", contact).content  # not in the register yet
    assert register.count("partijen") == 0  # the lookup creates nothing
    register.fault = "timeout"
    resp = post(client, "partij_panel", contact)
    assert resp.status_code == 200 and b"openklant-error" in resp.content
    register.fault = ""
    caller.bsn = ""
    caller.save()
    assert b"openklant-notice" in post(client, "partij_panel", contact).content
