"""One keyboard-only walk through the agent's phone journey at 1280x800, axe-checked on every
page, with screenshots in var/screenshots/desk-walk-*.png. Each step asserts what the walk
found: the caller's address without a street reads "1011 AB, huisnummer 12" (not "12, 1011 AB"),
Alt+Shift+S saves the notes instead of opening "Signaal melden", the knowledge pane is there
without a request of its own, and the number a caller was identified by is kept."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from channels.constants import Channel, ContactStatus, Outcome
from channels.models import Contact, ContactArticle
from kcc.core.services import customer_create
from knowledgebase.services import article_create, article_publish
from tests.channels.factories import MessageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"desk-walk-{name}.png"))


def tab_to(page, selector, limit=40):
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never received focus")


@pytest.fixture
def jan(agent):
    # No street: the address line must not start with a dangling house number.
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678")


@pytest.fixture
def passport_article(editor, kcc_department):
    article = article_create(
        user=editor, owner_department=kcc_department, title="Paspoort aanvragen",
        body="Een nieuw paspoort vraagt u aan bij de balie van Burgerzaken.\n\nMaak eerst een afspraak via de website.",
    )
    article_publish(user=editor, article=article, summary="Eerste versie")
    return article


def test_phone_journey_by_keyboard(page, live_server, login_page, axe, agent, jan, passport_article, belastingen):
    page.set_viewport_size({"width": 1280, "height": 800})
    waiting = Contact.objects.create(channel=Channel.EMAIL, status=ContactStatus.NEW, started_at=timezone.now(), subject="Afvalpas kwijt")
    MessageFactory(contact=waiting)
    knowledge_gets = []
    page.on("request", lambda r: knowledge_gets.append(r.url) if r.method == "GET" and r.url.rstrip("/").endswith("/kennis") else None)
    login_page(page, "agent")
    axe(page, context="home")

    # Nieuw gesprek from any page.
    with page.expect_navigation():
        page.keyboard.press("Alt+Shift+N")
    call = Contact.objects.get(channel=Channel.PHONE)
    page.wait_for_url(re.compile(rf"/inbox/contact/{call.pk}/$"))
    expect(page.locator("#id_caller_q")).to_be_focused()
    expect(page.get_by_test_id("knowledge-panel")).to_be_visible()
    assert not knowledge_gets  # the pane came with the page
    axe(page, context="new call")
    shot(page, "new-call")

    # Identify by postcode + house number.
    page.keyboard.type("1011 AB 12")
    expect(page.get_by_test_id("contact-customer")).to_have_text("Jan Jansen", timeout=10000)
    caller = page.locator("#caller")
    expect(caller).to_contain_text("1011 AB, huisnummer 12")
    expect(caller).not_to_contain_text("12, 1011 AB")
    axe(page, context="caller identified")
    shot(page, "identified")

    # Alt+Shift+S saves the notes: it is not taken by the signals panel's "Signaal melden".
    page.keyboard.press("Alt+Shift+U")
    page.keyboard.press("Tab")
    expect(page.locator("#id_question")).to_be_focused()
    page.keyboard.type("Hoe vraag ik een nieuw paspoort aan?")
    page.keyboard.press("Alt+Shift+S")
    expect(page.get_by_test_id("notes-status")).not_to_be_empty()
    assert re.search(rf"/inbox/contact/{call.pk}/$", page.url)
    call.refresh_from_db()
    assert call.question == "Hoe vraag ik een nieuw paspoort aan?"

    # Knowledge: search, read inline, link.
    page.keyboard.press("Alt+Shift+K")
    expect(page.locator("#kp-q")).to_be_focused()
    page.keyboard.type("paspoort")
    expect(page.get_by_test_id("knowledge-results")).to_contain_text("aanvragen")
    tab_to(page, "#kp-results a")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("knowledge-article")).to_contain_text("Maak eerst een afspraak")
    expect(page.locator("#kp-article-title")).to_be_focused()
    page.keyboard.press("Alt+Shift+L")
    expect(page.get_by_test_id("knowledge-notice")).to_contain_text("Paspoort aanvragen")
    assert ContactArticle.objects.filter(contact=call, article=passport_article).exists()
    axe(page, context="article linked")
    shot(page, "linked")

    # Close (the callback variant is walked in test_desk_close.py; its stale phone field, found
    # here, is tested in tests/callbacks/test_seams.py).
    page.keyboard.press("Alt+Shift+U")
    page.keyboard.type("Zelfstandig")
    expect(page.locator("#id_outcome")).to_have_value(Outcome.RESOLVED)
    page.keyboard.press("Alt+Shift+A")
    expect(page.locator("#id_topic_department")).to_be_focused()
    page.keyboard.type("Belastingen")
    axe(page, context="close form")
    with page.expect_navigation():
        page.keyboard.press("Alt+Shift+R")
    call.refresh_from_db()
    assert (call.status, call.outcome, call.topic_department) == (ContactStatus.CLOSED, Outcome.RESOLVED, belastingen)
    expect(page.get_by_test_id("next-contact")).to_be_focused()
    axe(page, context="closed")
    shot(page, "closed")

    # Volgende opens the next contact in the queue.
    with page.expect_navigation():
        page.keyboard.press("Alt+Shift+J")
    page.wait_for_url(re.compile(rf"/inbox/contact/{waiting.pk}/$"))
    axe(page, context="next contact")
    shot(page, "next")
