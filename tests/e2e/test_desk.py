"""Keyboard-only walks through the desk (docs/desk.md), axe-checked at every step, with
screenshots at 1280x800 in var/screenshots/desk-*.png."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from channels.constants import Channel, ContactStatus, Outcome
from channels.models import Contact
from channels.models_ingestion import ScreenPop
from kcc.core.services import customer_create
from tests.channels.factories import ContactFactory, MessageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"desk-{name}.png"))


def focused(page, attr="id"):
    return page.evaluate(f"document.activeElement && document.activeElement.getAttribute('{attr}')")


def main_actions_fit(page):
    """The desk's action bar and the tops of both panes are inside the 1280x800 window."""
    for selector in (".kcc-desk__actions", ".kcc-desk__left", ".kcc-desk__right"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] < 800, selector
    bottom = page.locator(".kcc-desk__actions").bounding_box()
    assert bottom["y"] + bottom["height"] <= 800


@pytest.fixture
def jan(agent):
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678", email="jan.jansen@example.nl")


def test_screen_pop_to_workspace_identify_caller_and_close(page, live_server, login_page, agent, jan, burgerzaken, axe):
    page.set_viewport_size({"width": 1280, "height": 800})
    call = Contact.objects.create(channel=Channel.PHONE, status=ContactStatus.NEW, started_at=timezone.now(), external_id="call-77", caller_address="+31201234567")
    ScreenPop.objects.create(user=agent, contact=call, call_id="call-77", caller="+31201234567")
    login_page(page, "agent")
    expect(page.get_by_test_id("screen-pop")).to_be_visible(timeout=10000)
    axe(page, context="home with screen-pop")
    page.keyboard.press("Alt+Shift+O")  # "Gesprek openen"
    page.wait_for_url(re.compile(r"/inbox/telefoon/\?call=call-77$"))
    assert focused(page, "data-testid") == "start-call"
    axe(page, context="take the call")
    loads = []  # full page loads (main-frame documents) from taking the call to closing it: exactly one (bench T1)
    page.on("domcontentloaded", lambda p: loads.append(p.url))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/inbox/contact/{call.pk}/$"))
    assert focused(page) == "id_caller_q"  # an unknown caller: the search has the focus
    main_actions_fit(page)
    axe(page, context="desk: phone call")
    shot(page, "phone-unknown-caller")
    page.keyboard.type("1011 AB 12")
    expect(page.get_by_test_id("caller-announcement")).to_contain_text("Beller herkend: Jan Jansen", timeout=5000)
    expect(page.get_by_test_id("contact-customer")).to_have_text("Jan Jansen")
    assert focused(page) == "id_caller_q"  # typing was not interrupted
    axe(page, context="desk: caller identified")
    shot(page, "phone-caller-identified")
    page.keyboard.press("Alt+Shift+U")
    assert focused(page, "name") == "outcome"
    page.keyboard.type("Zelfstandig")
    page.keyboard.press("Tab")
    assert focused(page, "name") == "question"
    page.keyboard.type("Wanneer moet ik mijn paspoort verlengen?")
    page.keyboard.press("Tab")
    assert focused(page, "name") == "topic_department"
    page.keyboard.type("Burger")
    page.keyboard.press("Alt+Shift+R")  # "Afsluiten": what the hint says
    expect(page.get_by_role("status").first).to_contain_text(f"Klantcontact #{call.pk} afgesloten")
    call.refresh_from_db()
    assert call.status == ContactStatus.CLOSED and call.outcome == Outcome.RESOLVED
    assert call.customer == jan and call.topic_department == burgerzaken and call.assigned_to == agent
    assert call.question == "Wanneer moet ik mijn paspoort verlengen?"
    expect(page.get_by_test_id("next-contact")).to_be_visible()
    expect(page.get_by_test_id("next-contact")).to_be_focused()  # closed through htmx: focus on "Volgende"
    assert loads == [f"{live_server.url}/inbox/contact/{call.pk}/"], loads  # identify, close: no page load
    axe(page, context="desk: closed, Volgende offered")
    shot(page, "phone-closed")


def test_new_call_by_shortcut_from_any_page(page, live_server, login_page, agent, axe):
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(f"{live_server.url}/inbox/")
    page.keyboard.press("Alt+Shift+N")
    page.wait_for_url(re.compile(r"/inbox/contact/\d+/$"))
    contact = Contact.objects.get()
    assert contact.channel == Channel.PHONE and contact.status == ContactStatus.OPEN and contact.assigned_to == agent
    assert contact.answered_at is not None
    assert focused(page) == "id_caller_q"
    axe(page, context="desk: new call")
    shot(page, "new-call")


def test_two_questions_in_one_call_and_the_end_of_the_conversation(page, live_server, login_page, agent, jan, axe):
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.keyboard.press("Alt+Shift+N")
    page.wait_for_url(re.compile(r"/inbox/contact/\d+/$"))
    first = Contact.objects.get()
    page.keyboard.type("06-12345678")
    expect(page.get_by_test_id("contact-customer")).to_have_text("Jan Jansen", timeout=5000)
    page.keyboard.press("Alt+Shift+Q")  # "Nog een vraag": same page, htmx
    page.wait_for_url(re.compile(r"/inbox/contact/\d+/$"))
    expect(page.get_by_test_id("conversation")).to_contain_text("Vraag 2")
    second = Contact.objects.exclude(pk=first.pk).get()
    assert page.url.endswith(f"/inbox/contact/{second.pk}/")
    # focus lands on the new question's heading (on htmx's afterSettle, a moment after the swap)
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'desk-title'", timeout=5000)
    assert second.conversation_key == first.conversation_key and second.customer == jan
    axe(page, context="desk: second question")
    shot(page, "second-question")
    page.keyboard.press("Alt+Shift+E")  # "Gesprek beëindigd"
    expect(page.get_by_test_id("conversation-ended")).to_be_visible(timeout=5000)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.conversation_ended_at and second.conversation_ended_at
    assert first.status == second.status == ContactStatus.OPEN
    axe(page, context="desk: after-call work")
    shot(page, "after-call-work")


def test_email_contact_in_the_same_workspace_then_volgende(page, live_server, login_page, agent, jan, burgerzaken, axe):
    page.set_viewport_size({"width": 1280, "height": 800})
    now = timezone.now()
    first = ContactFactory(customer=jan, subject="Afvalpas kwijt", status=ContactStatus.OPEN, assigned_to=agent, started_at=now - timezone.timedelta(minutes=30))
    MessageFactory(contact=first, sender_address="jan.jansen@example.nl", recipients="kcc@voorbeeldstad.example", body_text="Mijn afvalpas is kwijt.")
    ContactFactory(channel=Channel.WHATSAPP, subject="Andere wachtrij", started_at=now - timezone.timedelta(minutes=25))
    following = ContactFactory(subject="Tweede e-mail", started_at=now - timezone.timedelta(minutes=20))
    login_page(page, "agent")
    page.goto(f"{live_server.url}/inbox/?channel=email")
    page.goto(f"{live_server.url}/inbox/contact/{first.pk}/")
    expect(page.get_by_test_id("message-body").first).to_contain_text("Mijn afvalpas is kwijt.")
    expect(page.locator(".kcc-message__meta")).to_contain_text("Aan")
    main_actions_fit(page)
    axe(page, context="desk: e-mail")
    shot(page, "email")
    page.keyboard.press("Alt+Shift+U")
    page.keyboard.type("Zelfstandig")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page, "name") == "topic_department"
    page.keyboard.type("Burger")
    page.keyboard.press("Alt+Shift+R")
    expect(page.get_by_role("status").first).to_contain_text(f"Klantcontact #{first.pk} afgesloten")
    first.refresh_from_db()
    assert first.status == ContactStatus.CLOSED
    assert focused(page, "data-testid") == "next-contact"
    page.keyboard.press("Alt+Shift+J")  # "Volgende": the next e-mail, not the WhatsApp
    page.wait_for_url(re.compile(rf"/inbox/contact/{following.pk}/$"))
    axe(page, context="desk: next contact")
