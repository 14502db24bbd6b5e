"""Callbacks in the browser: the agent closes a phone contact with a callback in one form, a
back-office colleague claims it, logs a failed and a successful attempt and closes it, and the
agent sees the status on the resident's timeline. axe checks every screen on the way."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from callbacks.models import CallbackRequest
from channels.constants import Channel, ContactStatus, Outcome
from channels.models import Contact
from kcc.core.constants import AddressKind
from kcc.core.services import customer_address_add

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_contact(agent, customer):
    customer_address_add(customer=customer, kind=AddressKind.PHONE, value="06-12345678", is_default=True)
    return Contact.objects.create(
        channel=Channel.PHONE, status=ContactStatus.OPEN, customer=customer, assigned_to=agent, started_at=timezone.now(),
        subject="Aanslag te hoog", question="Inwoner vindt de WOZ-waarde te hoog en wil teruggebeld worden door Belastingen.",
    )


def test_callback_from_phone_contact_to_done_and_visible_on_timeline(
    page, live_server, login_page, axe, agent, backoffice_belastingen, belastingen, customer, phone_contact,
):
    # 1. The agent closes the phone contact with a callback request, in one form.
    login_page(page, "agent")
    page.goto(live_server.url + reverse("channels:contact_detail", args=[phone_contact.pk]))
    panel = page.get_by_test_id("contact-panel-callbacks")
    expect(panel).to_contain_text("Deze inwoner heeft geen open terugbelverzoeken.")
    page.locator("#id_outcome").select_option(label="Terugbelverzoek aangemaakt")
    expect(page.get_by_test_id("callback-fields")).to_be_visible()  # the callback fields in the close form
    expect(page.get_by_label("Terugbelnummer")).to_have_value("06 12345678")
    page.get_by_label("Afdeling die terugbelt").select_option(label="Belastingen")
    expect(page.locator("#id_callback-assigned_to")).to_contain_text("Petra Jansen")  # htmx reloaded the colleagues
    page.get_by_label("Voorkeurstijdstip").select_option(label="Ochtend (9:00-12:00)")
    page.get_by_label("Notitie voor de collega").fill("Inwoner is alleen 's ochtends bereikbaar.")
    axe(page, context="close form with callback fields")
    with page.expect_navigation():
        page.locator("#close-form").get_by_role("button", name="Afsluiten").click()
    phone_contact.refresh_from_db()
    assert (phone_contact.status, phone_contact.outcome) == (ContactStatus.CLOSED, Outcome.CALLBACK)
    callback = CallbackRequest.objects.get(source_contact=phone_contact)
    page.goto(live_server.url + reverse("callbacks:detail", args=[callback.pk]))
    axe(page, context="callback detail (agent)")
    page.context.clear_cookies()

    # 2. The back-office colleague finds it in the queue, claims it, logs two attempts, closes it.
    login_page(page, "bo-belastingen")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Terugbelverzoeken", exact=True).click()
    axe(page, context="department queue")
    page.get_by_role("link", name=customer.full_name).click()
    page.get_by_role("button", name="Oppakken").click()
    expect(page.get_by_test_id("callback-feedback")).to_contain_text("Je hebt dit terugbelverzoek opgepakt")
    expect(page.get_by_test_id("callback-status")).to_have_text("Opgepakt")

    page.get_by_label("Geen gehoor").check()
    page.get_by_label("Toelichting").first.fill("Geen gehoor om 9:15")
    page.get_by_role("button", name="Belpoging opslaan").click()
    expect(page.get_by_test_id("callback-feedback")).to_contain_text("Belpoging geregistreerd: geen gehoor")
    expect(page.get_by_test_id("attempts")).to_contain_text("Geen gehoor om 9:15")

    # Closing before reaching the resident is refused, with the reason.
    page.get_by_text("Terugbelverzoek afronden").click()
    page.get_by_role("button", name="Afronden").click()
    expect(page.locator("#form-errors")).to_contain_text("Registreer eerst de belpoging")

    page.get_by_label("Bereikt").check()
    page.get_by_role("button", name="Belpoging opslaan").click()
    expect(page.get_by_test_id("callback-feedback")).to_contain_text("Belpoging geregistreerd: bereikt")
    page.get_by_text("Terugbelverzoek afronden").click()
    page.get_by_label("Wat is afgesproken").fill("WOZ-waarde uitgelegd, inwoner ziet af van bezwaar.")
    page.get_by_role("button", name="Afronden").click()
    expect(page.get_by_test_id("callback-status")).to_have_text("Afgerond")
    expect(page.get_by_test_id("activity-log")).to_contain_text("Petra Jansen")
    axe(page, context="callback detail after closing")
    callback.refresh_from_db()
    assert callback.status == "done" and callback.attempts.count() == 2
    page.context.clear_cookies()

    # 3. The agent sees the status and the attempts on the resident's timeline.
    login_page(page, "agent")
    page.goto(live_server.url + reverse("core:customer_detail", args=[customer.pk]))
    timeline = page.locator("[data-kind=callback]")
    expect(timeline.get_by_test_id("callback-status")).to_have_text("Afgerond")
    expect(timeline).to_contain_text(re.compile("Belpoging .*: Geen gehoor"))
    expect(timeline).to_contain_text(re.compile("Belpoging .*: Bereikt"))
    axe(page, context="customer timeline")


def test_department_overview_is_accessible(page, live_server, login_page, axe, teamlead, belastingen, burgerzaken):
    login_page(page, "teamleider")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Terugbelverzoeken per afdeling").click()
    expect(page.get_by_role("table")).to_contain_text("Belastingen")
    page.get_by_label("Periode voor 'op tijd'").select_option(label="laatste 7 dagen")
    expect(page).to_have_url(re.compile(r"periode=7"))
    axe(page, context="overview per department")
