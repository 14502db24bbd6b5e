"""Browser tests of the privacy flows: searches never put personal data in the address bar, and
the privacy officer's pages work by keyboard and pass axe."""

import pytest
from playwright.sync_api import expect

from kcc.core.constants import Role
from kcc.core.models import Customer
from kcc.core.services import customer_create
from tests.conftest import make_staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def privacy_officer(kcc_department):
    return make_staff("privacy", kcc_department, Role.PRIVACY, first_name="Ingrid", last_name="Smit")


@pytest.fixture
def resident(agent):
    return customer_create(
        user=agent, first_name="Jantine", last_name="Zwanenburg", postcode="1011AB", house_number=7, bsn="123456782",
        phone="06-12345678", email="jantine@example.nl",
    )


def test_agent_customer_search_keeps_the_name_out_of_the_address_bar(page, live_server, login_page, agent, resident, axe):
    login_page(page, "agent")
    page.goto(f"{live_server.url}/klanten/")
    page.get_by_label("Klant zoeken").fill("Zwanenburg")
    expect(page.get_by_role("link", name="Jantine Zwanenburg")).to_be_visible(timeout=5000)
    assert "zwanenburg" not in page.url.lower()
    axe(page, context="customer search results")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "zwanenburg" not in page.url.lower()


def test_privacy_officer_finds_a_resident_by_bsn_restricts_and_exports(page, live_server, login_page, privacy_officer, resident, axe):
    login_page(page, "privacy")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Privacy").click()
    axe(page, context="privacy home")
    page.get_by_label("Inwoner zoeken").fill("123456782")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "123456782" not in page.url
    page.get_by_role("link", name="Jantine Zwanenburg").click()
    page.wait_for_load_state("networkidle")
    axe(page, context="privacy resident page")
    page.get_by_role("button", name="Verwerking beperken").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Verwerking beperkt").first).to_be_visible()
    assert Customer.objects.get(pk=resident.pk).restricted_at is not None
    with page.expect_download() as download:
        page.get_by_role("button", name="Export downloaden").click()
    assert download.value.suggested_filename.startswith(f"inzage-klant-{resident.pk}-")
    page.goto(f"{live_server.url}/privacy/bewaartermijnen/")
    axe(page, context="retention")
    page.get_by_role("button", name="Nu een vernietigingslijst maken").click()
    page.wait_for_load_state("networkidle")
    axe(page, context="destruction list")
    page.goto(f"{live_server.url}/privacy/verwerkingenlog/?customer={resident.pk}")
    axe(page, context="processing log")
    # The officer's own reads are in the log, with the purpose 'privacy request'.
    expect(page.get_by_role("table")).to_contain_text("Privacyverzoek van de inwoner")
