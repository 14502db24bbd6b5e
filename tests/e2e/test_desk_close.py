"""The desk's close form and knowledge pane in Chromium, keyboard only, axe on every step:
a phone contact answered from the knowledge base (search, read inline, link) and closed; and a
phone contact closed with a callback to Belastingen in one step."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from callbacks.models import CallbackRequest
from channels.constants import Channel, ContactStatus, Outcome
from channels.models import Contact, ContactArticle
from kcc.core.constants import AddressKind
from kcc.core.services import customer_address_add
from knowledgebase.services import article_create, article_publish

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"desk-close-{name}.png"))


def tab_to(page, selector, limit=40):
    """Press Tab until `selector` has focus (keyboard only; fails after `limit` presses)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never received focus")


@pytest.fixture
def passport_article(editor, kcc_department):
    article = article_create(
        user=editor, owner_department=kcc_department, title="Paspoort aanvragen",
        body="Een nieuw paspoort vraagt u aan bij de balie van Burgerzaken.\n\nMaak eerst een afspraak via de website.",
    )
    article_publish(user=editor, article=article, summary="Eerste versie")
    return article


@pytest.fixture
def phone_contact(agent, customer, burgerzaken):
    customer_address_add(customer=customer, kind=AddressKind.PHONE, value="06-12345678", is_default=True)
    return Contact.objects.create(
        channel=Channel.PHONE, status=ContactStatus.OPEN, customer=customer, assigned_to=agent, started_at=timezone.now(),
        caller_address="+31612345678", topic_department=burgerzaken,
        subject="Paspoort", question="Hoe vraag ik een nieuw paspoort aan?",
    )


def test_phone_contact_answered_from_the_knowledge_pane_and_closed(page, live_server, login_page, axe, passport_article, phone_contact):
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(live_server.url + reverse("channels:contact_detail", args=[phone_contact.pk]))
    pane = page.get_by_test_id("knowledge-panel")
    expect(pane.get_by_test_id("article-suggestions")).to_contain_text("Paspoort aanvragen")  # from the question
    axe(page, context="workspace with knowledge pane")

    # Search as you type: Alt+Shift+K focuses the search box; nothing goes into the URL.
    page.keyboard.press("Alt+Shift+K")
    expect(page.locator("#kp-q")).to_be_focused()
    page.keyboard.type("paspoort")
    results = page.get_by_test_id("knowledge-results")
    expect(results).to_contain_text("aanvragen")
    assert "paspoort" not in page.url.lower()

    # Read the article inline: Tab to the first hit, Enter; focus lands on its heading.
    tab_to(page, "#kp-results a")
    page.keyboard.press("Enter")
    article = page.get_by_test_id("knowledge-article")
    expect(article).to_contain_text("Maak eerst een afspraak")
    expect(page.locator("#kp-article-title")).to_be_focused()
    shot(page, "article-inline")
    axe(page, context="article read inline")

    # "Dit beantwoordde de vraag" by its shortcut.
    page.keyboard.press("Alt+Shift+L")
    expect(pane.get_by_test_id("knowledge-notice")).to_contain_text("Paspoort aanvragen")
    expect(pane.get_by_test_id("article-links")).to_contain_text("Paspoort aanvragen")
    expect(pane.get_by_test_id("knowledge-notice")).to_be_focused()
    assert ContactArticle.objects.filter(contact=phone_contact, article=passport_article).exists()
    shot(page, "article-linked")
    axe(page, context="article linked")

    # Close: Alt+Shift+U focuses the outcome, type-ahead picks it, Alt+Shift+R closes.
    page.keyboard.press("Alt+Shift+U")
    expect(page.locator("#id_outcome")).to_be_focused()
    page.keyboard.type("Zelfstandig")
    expect(page.locator("#id_outcome")).to_have_value(Outcome.RESOLVED)
    expect(page.get_by_test_id("callback-fields")).to_be_hidden()
    with page.expect_navigation():
        page.keyboard.press("Alt+Shift+R")
    phone_contact.refresh_from_db()
    assert (phone_contact.status, phone_contact.outcome) == (ContactStatus.CLOSED, Outcome.RESOLVED)
    # The closed contact keeps its knowledge: the link, and the suggestions.
    expect(page.get_by_test_id("knowledge-panel").get_by_test_id("article-links")).to_contain_text("Paspoort aanvragen")
    expect(page.get_by_test_id("knowledge-panel")).not_to_contain_text("Geen suggesties")
    shot(page, "closed")
    axe(page, context="closed contact")


def test_phone_contact_closed_with_a_callback_to_belastingen_in_one_step(
    page, live_server, login_page, axe, phone_contact, belastingen, backoffice_belastingen,
):
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(live_server.url + reverse("channels:contact_detail", args=[phone_contact.pk]))
    expect(page.get_by_test_id("callback-fields")).to_be_hidden()  # only for the outcome "callback"

    page.keyboard.press("Alt+Shift+U")
    page.keyboard.type("Terugbel")
    expect(page.locator("#id_outcome")).to_have_value(Outcome.CALLBACK)
    fields = page.get_by_test_id("callback-fields")
    expect(fields).to_be_visible()
    expect(page.get_by_label("Terugbelnummer")).to_have_value("06 12345678")  # the caller's number

    tab_to(page, "#id_callback-target_department")
    page.keyboard.type("Belastingen")
    expect(page.locator("#id_callback-target_department")).to_have_value(str(belastingen.pk))
    expect(page.get_by_test_id("callback-deadline")).to_contain_text("Belastingen belt binnen 3 werkdagen terug")
    expect(page.locator("#id_callback-assigned_to")).to_contain_text("Petra Jansen")  # colleagues of Belastingen
    tab_to(page, "#id_callback-time_window")
    page.keyboard.type("Ochtend")
    shot(page, "callback-fields")
    axe(page, context="close form with callback fields")

    with page.expect_navigation():
        page.keyboard.press("Alt+Shift+R")
    phone_contact.refresh_from_db()
    assert (phone_contact.status, phone_contact.outcome) == (ContactStatus.CLOSED, Outcome.CALLBACK)
    callback = CallbackRequest.objects.get(source_contact=phone_contact)
    assert (callback.target_department, callback.time_window, callback.phone) == (belastingen, "morning", "+31612345678")
    expect(page.get_by_test_id("contact-panel-callbacks")).to_contain_text("Belastingen")
    axe(page, context="closed with callback")
