"""Keyboard-driven Chromium walk through the BRP and case panels of the desk, with the loopback
doubles answering; axe-checked at every step, screenshots in var/screenshots/cg-*.png."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from channels.constants import ContactStatus
from kcc.core.services import customer_create
from tests.channels.factories import ContactFactory
from tests.e2e.conftest import browser_context_args, browser_type_launch_args, check_axe, login_page  # noqa: F401

from .conftest import SUZANNE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"cg-{name}.png"))


def press(page, locator, key="Enter"):
    """Keyboard only: focus the control (as Tab would) and press the key, once htmx has settled
    the swap that brought it (a button htmx has not processed yet submits its form natively)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added')")
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press(key)


@pytest.fixture
def desk(page, live_server, login_page, agent, doubles):  # noqa: F811
    customer = customer_create(user=agent, first_name="S.", last_name="Moulin", postcode="1011AB", house_number=12)
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=customer)
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    return page, contact, customer


def test_brp_lookup_adopt_cases_status_history_and_link(desk, live_server, zaken):
    page, contact, customer = desk
    page.goto(f"{live_server.url}/inbox/contact/{contact.pk}/")
    brp = page.get_by_test_id("brp-panel")
    # No BSN in the record: the search form, prefilled with the record's postcode and number.
    expect(brp.get_by_test_id("brp-search")).to_be_visible(timeout=5000)
    expect(page.get_by_test_id("cases-panel")).to_contain_text("Geen BSN")
    check_axe(page, context="desk with BRP search")
    press(page, brp.get_by_role("button", name="Zoek in de BRP"))
    expect(brp.get_by_test_id("brp-results")).to_contain_text("Suzanne Moulin", timeout=5000)
    press(page, brp.get_by_role("button", name=re.compile("Bekijken.*Suzanne Moulin")))
    expect(brp.get_by_test_id("brp-person")).to_contain_text("Damstraat 12A", timeout=5000)
    check_axe(page, context="BRP person")
    shot(page, "brp-person")
    press(page, brp.get_by_test_id("brp-adopt"))
    expect(brp.get_by_test_id("brp-adopted")).to_be_visible(timeout=5000)
    expect(brp.get_by_test_id("bsn-verified")).to_contain_text("BSN geverifieerd via BRP")
    # The caller line refreshes at once (out of band): the adopted name and the verification.
    caller = page.get_by_test_id("contact-customer")
    expect(caller).to_have_text("Suzanne Moulin")
    expect(page.get_by_test_id("caller-bsn-verified")).to_contain_text("BSN geverifieerd via BRP op")
    customer.refresh_from_db()
    assert customer.bsn == SUZANNE and customer.bsn_verified_at is not None
    # The case panel reloads itself now that the record has a BSN: open cases first.
    cases = page.get_by_test_id("cases-panel")
    expect(cases.get_by_test_id("case-list")).to_be_visible(timeout=5000)
    expect(cases.get_by_test_id("case").first).to_contain_text("ZAAK-2026-0042")
    check_axe(page, context="case list")
    press(page, cases.get_by_role("button", name="Statushistorie ZAAK-2026-0042"))
    expect(cases.get_by_test_id("case-history")).to_contain_text("In behandeling", timeout=5000)
    check_axe(page, context="status history")
    shot(page, "case-history")
    press(page, cases.get_by_role("button", name="Koppelen aan dit contact ZAAK-2026-0042"))
    expect(cases.get_by_test_id("case-linked")).to_contain_text("ZAAK-2026-0042", timeout=5000)
    check_axe(page, context="case linked")
    shot(page, "case-linked")
    contact.refresh_from_db()
    assert contact.case_identification == "ZAAK-2026-0042"
    page.reload()
    expect(page.get_by_test_id("case-ref").first).to_contain_text("ZAAK-2026-0042")
    expect(page.get_by_test_id("caller-bsn-verified")).to_contain_text("BSN geverifieerd via BRP op")
    # The customer page (from the caller line, by keyboard) says so too, with the date.
    press(page, page.get_by_test_id("contact-customer"))
    expect(page.get_by_test_id("bsn-verified")).to_contain_text("BSN geverifieerd via BRP op", timeout=5000)
    check_axe(page, context="customer page with BSN verified via BRP")
    shot(page, "customer-bsn-verified")


def test_brp_not_answering_shows_unreachable_and_retry_works(desk, live_server, brp, settings):
    page, contact, customer = desk
    customer.bsn = SUZANNE
    customer.save(update_fields=["bsn"])
    brp.fault = "timeout"
    settings.KCC_COMMONGROUND_BREAKER_SECONDS = 0.5  # the breaker opens at the timeout; the retry is its probe
    page.goto(f"{live_server.url}/inbox/contact/{contact.pk}/")
    panel = page.get_by_test_id("brp-panel")
    expect(panel).to_contain_text("BRP niet bereikbaar", timeout=4000)
    # The rest of the desk kept working meanwhile: the caller and the close form are there.
    expect(page.get_by_test_id("contact-customer")).to_contain_text("Moulin")
    check_axe(page, context="BRP unreachable")
    shot(page, "brp-unreachable")
    brp.fault = ""
    page.wait_for_timeout(600)  # the breaker's period is over
    press(page, panel.get_by_role("button", name="Opnieuw proberen"))
    expect(panel.get_by_test_id("brp-person")).to_contain_text("Suzanne Moulin", timeout=5000)
