"""Browser walk of the web-form channel: a signed submission arrives, the agent opens it from the
inbox by keyboard (j, Enter), reads the form's fields, replies by e-mail and closes it. Axe on
every page; screenshots at 1280x800 in var/screenshots/webform-*.png."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from channels.constants import Channel, ContactStatus, Outcome
from channels.models import Contact
from tests.channels.ingestion.helpers import WEBFORM_SECRET, post_webform, submission
from tests.e2e.test_desk import focused

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"webform-{name}.png"))


def test_agent_opens_a_webform_contact_by_keyboard_replies_and_closes_it(page, live_server, login_page, agent, burgerzaken, axe, settings):
    settings.KCC_WEBHOOK_WEBFORM_SECRET = WEBFORM_SECRET
    answer = post_webform(Client(), json.dumps(submission(submitter={"name": "Jan Jansen", "email": "jan.jansen@example.nl", "bsn": "111222333"})).encode())
    assert answer.status_code == 202, answer.content
    contact = Contact.objects.get()
    assert contact.channel == Channel.WEBFORM

    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(f"{live_server.url}/inbox/?channel=webform")
    axe(page, context="inbox filtered on web forms")
    page.locator("h1").click()
    rows = page.get_by_test_id("inbox-row")
    expect(rows).to_have_count(1)
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_attribute("aria-current", "true")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/inbox/contact/{contact.pk}/$"))

    fields = page.get_by_test_id("form-fields")
    expect(fields.locator("dt")).to_have_text(["Wat wilt u melden?", "Waar?", "Toelichting"])
    expect(fields.locator("dd").first).to_have_text("Losliggende stoeptegels")
    expect(page.get_by_test_id("form-submission")).to_contain_text("******333")
    expect(page.locator("#reply-heading")).to_have_text("Antwoorden per e-mail")
    axe(page, context="desk: web-form contact")
    shot(page, "contact")

    reply = page.get_by_label("Je antwoord")
    reply.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nDe tegels worden deze week hersteld.")
    page.get_by_role("button", name="Antwoord versturen").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("verstuurd naar jan.jansen@example.nl")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jan.jansen@example.nl"]
    assert f"[KCC-{contact.pk}]" in mail.outbox[0].subject
    axe(page, context="desk: replied")

    page.keyboard.press("Alt+Shift+U")
    assert focused(page, "name") == "outcome"
    page.keyboard.type("Zelfstandig")
    page.keyboard.press("Tab")
    assert focused(page, "name") == "question"
    page.keyboard.type("Losliggende stoeptegels gemeld")
    page.keyboard.press("Tab")
    assert focused(page, "name") == "topic_department"
    page.keyboard.type("Burger")
    page.keyboard.press("Alt+Shift+R")
    expect(page.get_by_role("status").first).to_contain_text(f"Klantcontact #{contact.pk} afgesloten")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CLOSED and contact.outcome == Outcome.RESOLVED
    axe(page, context="desk: web-form contact closed")
    shot(page, "closed")
