"""Keyboard-only Chromium walks (axe-checked at every step, screenshots at 1280x800): a team lead
works the list of probable duplicates through a merge (compare, choose per field, confirm), and
an agent pages and filters a customer's timeline."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from callbacks.constants import AttemptResult
from kcc.core.constants import AddressKind
from kcc.core.models import Customer, ProcessingLogEntry
from tests.callbacks.factories import AttemptFactory, CallbackFactory
from tests.channels.factories import ContactFactory
from tests.core.factories import CustomerFactory, DigitalAddressFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-timeline")


def tab_to(page, locator, *, limit: int = 120) -> None:
    """Press Tab until ``locator`` has the focus (the way a keyboard user gets there)."""
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("el => document.activeElement === el", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_team_lead_works_the_duplicate_list_through_a_merge(page, live_server, login_page, teamlead, axe):
    page.set_viewport_size({"width": 1280, "height": 800})
    survivor = CustomerFactory(first_name="J.", last_name="Jansen", street="Dorpsstraat", house_number=1, postcode="1011AB", city="Voorbeeldstad")
    duplicate = CustomerFactory(first_name="Jan", last_name="Jansen", street="Dorpsstraat", house_number=1, postcode="1011AB", city="Voorbeeldstad", birth_date=dt.date(1970, 5, 1))
    for c in (survivor, duplicate):
        DigitalAddressFactory(customer=c, kind=AddressKind.PHONE, value="+31612345678")
    ContactFactory(customer=duplicate, subject="Afvalpas kwijt")
    login_page(page, "teamleider")

    page.goto(f"{live_server.url}/inbox/klanten/dubbele/")
    expect(page.get_by_test_id("duplicate-group")).to_have_count(1)
    axe(page, context="duplicate list")
    shot(page, "duplicates")
    tab_to(page, page.get_by_role("link", name=f"Vergelijken en #{duplicate.pk} samenvoegen met #{survivor.pk}"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/inbox/klanten/samenvoegen/\?"))
    expect(page.get_by_test_id("customer-number")).to_have_text([f"#{duplicate.pk}", f"#{survivor.pk}"])
    expect(page.get_by_test_id("merge-choice")).to_have_count(2)  # first name, date of birth
    axe(page, context="merge: compare")
    shot(page, "merge-compare")

    # First name: the survivor's "J." is checked; the arrow key takes the duplicate's "Jan".
    tab_to(page, page.get_by_role("radio", name=f"#{survivor.pk}: J."))
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name=f"#{duplicate.pk}: Jan")).to_be_checked()
    # The date of birth is empty on the survivor: the duplicate's is preselected.
    expect(page.get_by_role("radio", name=re.compile(f"#{duplicate.pk}: 01-05-1970|#{duplicate.pk}: 1 mei 1970"))).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Resultaat controleren"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Samenvoegen bevestigen")
    result = page.get_by_test_id("merge-result")
    expect(result).to_contain_text("Jan Jansen")
    expect(result).to_contain_text("1970")
    assert Customer.objects.get(pk=duplicate.pk).merged_into_id is None  # nothing merged yet
    axe(page, context="merge: confirm")
    shot(page, "merge-confirm")

    tab_to(page, page.get_by_role("button", name=f"Bevestigen: #{duplicate.pk} samenvoegen met #{survivor.pk}"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/klanten/{survivor.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jan Jansen")
    expect(page.get_by_test_id("timeline")).to_contain_text("Afvalpas kwijt")
    axe(page, context="survivor after the merge")
    survivor.refresh_from_db()
    assert survivor.first_name == "Jan" and survivor.birth_date == dt.date(1970, 5, 1)
    assert ProcessingLogEntry.objects.filter(context__contains="overgenomen van", customer_ref=survivor.pk).exists()


def test_agent_pages_and_filters_the_timeline_by_keyboard(page, live_server, login_page, agent, belastingen, axe):
    page.set_viewport_size({"width": 1280, "height": 800})
    customer = CustomerFactory(first_name="Fatma", last_name="Yilmaz")
    now = timezone.now()
    for i in range(30):
        ContactFactory(customer=customer, subject=f"Vraag {i}", started_at=now - dt.timedelta(hours=i), notes="Terugbellen na 14:00" if i == 0 else "")
    callback = CallbackFactory(customer=customer, target_department=belastingen, question="Bezwaar WOZ", created_at=now - dt.timedelta(minutes=30))
    AttemptFactory(callback=callback, result=AttemptResult.VOICEMAIL, by=agent)
    login_page(page, "agent")

    page.goto(f"{live_server.url}/inbox/klanten/{customer.pk}/tijdlijn/")
    entries = page.get_by_test_id("timeline-entry")
    expect(entries).to_have_count(20)
    expect(entries.nth(0)).to_contain_text("Vraag 0")
    expect(entries.nth(1)).to_contain_text("Bezwaar WOZ")
    expect(entries.nth(1)).to_contain_text("Voicemail")
    axe(page, context="timeline, first page")
    shot(page, "timeline")

    tab_to(page, page.get_by_test_id("timeline-more"))
    page.keyboard.press("Enter")
    expect(entries).to_have_count(31)
    # Focus lands on the first entry that came in, so a screen reader continues there.
    expect(entries.nth(20)).to_be_focused()
    expect(page.get_by_test_id("timeline-more")).to_have_count(0)
    axe(page, context="timeline, older items loaded")

    tab_to(page, page.get_by_role("checkbox", name="Terugbelverzoeken"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Filteren"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"soort=callback"))
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Bezwaar WOZ")
    axe(page, context="timeline, callbacks only")
    shot(page, "timeline-filtered")
