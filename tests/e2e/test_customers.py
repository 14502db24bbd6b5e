"""Browser tests of "Nieuwe klant" by keyboard: a probable duplicate is shown with its customer
number and saved only after "Toch aanmaken"; a bad phone number gets a field error (not a 500)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kcc.core.models import Customer
from kcc.core.services import customer_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KCC_SCREENSHOTS", "var/screenshots"))


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"customers-{name}.png"))


def _tab_to(page, element_id, *, limit=60):
    """Press Tab until the element with `element_id` has focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never received focus by Tab")


def _type_into(page, element_id, text):
    _tab_to(page, element_id)
    page.keyboard.type(text)


@pytest.fixture
def jan(agent):
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678")


def test_new_customer_with_a_duplicate_warns_then_saves_after_confirm(page, live_server, login_page, agent, jan, axe):
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(f"{live_server.url}/klanten/nieuw/")
    axe(page, context="new customer")
    _type_into(page, "id_first_name", "Jan")
    _type_into(page, "id_last_name", "Jansen")
    _type_into(page, "id_phone", "06 12 34 56 78")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    warning = page.get_by_test_id("duplicates")
    expect(warning).to_be_visible()
    expect(warning.get_by_role("cell", name=str(jan.pk), exact=True)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(f"klantnummer {jan.pk}, Jan Jansen")
    assert Customer.objects.count() == 1
    axe(page, context="duplicate warning")
    _shot(page, "duplicate-warning")

    _tab_to(page, "id_confirm_duplicate")
    page.keyboard.press("Space")
    expect(page.get_by_label("Toch aanmaken")).to_be_checked()
    _shot(page, "duplicate-confirmed")
    # On to the submit button, past the rest of the form.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Opslaan"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    _shot(page, "duplicate-saved")

    assert Customer.objects.count() == 2
    new = Customer.objects.exclude(pk=jan.pk).get()
    assert page.url.endswith(f"/klanten/{new.pk}/")
    expect(page.get_by_text("Klant aangemaakt")).to_be_visible()
    axe(page, context="customer saved")


def test_new_customer_with_a_bad_phone_gets_the_field_error(page, live_server, login_page, agent, axe):
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(f"{live_server.url}/klanten/nieuw/")
    _type_into(page, "id_last_name", "Bos")
    _type_into(page, "id_phone", "06-ABCDEFGH")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    phone = page.locator("#id_phone")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_value("06-ABCDEFGH")  # nothing typed is lost
    expect(page.locator("#id_phone_error")).to_contain_text("geldig telefoonnummer")
    expect(page.get_by_label("Achternaam", exact=False)).to_have_value("Bos")
    assert not Customer.objects.exists()
    axe(page, context="bad phone")
    _shot(page, "bad-phone")


def test_customer_from_contact_warns_about_a_duplicate_then_links_after_confirm(page, live_server, login_page, agent, jan, axe):
    from channels.models import Contact
    from tests.channels.factories import ContactFactory

    contact = ContactFactory()
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(f"{live_server.url}/inbox/contact/{contact.pk}/klant/nieuw/")
    _type_into(page, "id_first_name", "Jan")
    _type_into(page, "id_last_name", "Jansen")
    _type_into(page, "id_postcode", "1011 ab")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    warning = page.get_by_test_id("duplicates")
    expect(warning.get_by_role("cell", name=str(jan.pk), exact=True)).to_be_visible()
    expect(warning).to_contain_text("naam en postcode")
    axe(page, context="duplicate warning on the customer-from-contact form")
    _shot(page, "from-contact-duplicate")
    _tab_to(page, "id_confirm_duplicate")
    page.keyboard.press("Space")
    _tab_to(page, "id_first_name")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    linked = Contact.objects.get(pk=contact.pk).customer
    assert linked is not None and linked.pk != jan.pk
