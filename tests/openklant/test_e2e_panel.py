"""Keyboard-driven Chromium walk through the desk's Open Klant panel: the register's party for
the caller's BSN, its addresses and "Overnemen"; axe-checked."""

import re

import pytest
from playwright.sync_api import expect

from channels.constants import ContactStatus
from kcc.core.constants import AddressKind
from kcc.core.models import DigitalAddress
from tests.channels.factories import ContactFactory
from tests.core.factories import CustomerFactory
from tests.e2e.conftest import browser_context_args, browser_type_launch_args, check_axe, login_page  # noqa: F401

from .factories import BSN
from .test_lookup_health import _party_from_another_channel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def press(page, locator, key="Enter"):
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press(key)


def test_panel_offers_the_registers_address_and_adopts_it(page, live_server, login_page, agent, register, settings):  # noqa: F811
    settings.KCC_OPENKLANT_URL = ""
    customer = CustomerFactory(bsn=BSN)
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=customer)
    settings.KCC_OPENKLANT_URL = register.url
    _party_from_another_channel(register)
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(f"{live_server.url}/inbox/contact/{contact.pk}/")
    panel = page.get_by_test_id("openklant-panel")
    expect(panel.get_by_test_id("openklant-addresses")).to_contain_text("bekend@example.nl", timeout=5000)
    check_axe(page, context="desk with the Open Klant panel")
    press(page, panel.get_by_role("button", name=re.compile("Overnemen.*bekend@example.nl")))
    expect(panel.get_by_test_id("openklant-adopted")).to_be_visible(timeout=5000)
    expect(panel.get_by_test_id("openklant-addresses")).to_contain_text("staat in het klantrecord")
    check_axe(page, context="Open Klant address adopted")
    assert DigitalAddress.objects.filter(customer=customer, kind=AddressKind.EMAIL, value="bekend@example.nl").exists()
