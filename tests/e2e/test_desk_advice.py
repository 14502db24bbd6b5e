"""Transfer advice and answers into replies in Chromium, keyboard only, axe on every step:
a phone contact transferred following the advice (Alt+Shift+D), and an e-mail answered with a
text module (Alt+Shift+B) and an article's answer (Alt+Shift+I) at the cursor.
Screenshots: var/screenshots/desk-advice-*.png (1280x800)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from channels.constants import Channel, ContactStatus, Outcome
from channels.models import Contact, Message, Transfer
from knowledgebase.constants import Audience
from knowledgebase.models import DepartmentGuide
from knowledgebase.services import article_create, article_publish
from knowledgebase.text_modules import text_module_save
from tests.channels.factories import ContactFactory, MessageFactory, TransferFactory
from tests.core.factories import DepartmentFactory
from tests.e2e.test_desk_close import tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"desk-advice-{name}.png"))


@pytest.fixture
def departments(kcc_department):
    afval = DepartmentFactory(code="afval", name="Afval en Reiniging", opening_hours="ma-vr 8:00-16:00")
    ruimte = DepartmentFactory(code="openbare-ruimte", name="Openbare Ruimte", opening_hours="ma-zo 0:00-23:59")
    DepartmentGuide.objects.create(department=afval, handles="Ophalen van afval, containers, grofvuil.",
                                   does_not_handle="Zwerfafval op straat (Openbare Ruimte).")
    return afval, ruimte


def test_transfer_following_the_advice(page, live_server, login_page, axe, agent, departments):
    afval, ruimte = departments
    earlier = timezone.now() - timedelta(days=3)
    for i in range(3):  # similar questions went to Afval, which said "niet voor ons": Openbare Ruimte
        contact = ContactFactory(transferred=True, subject="Zwerfafval", question="Veel zwerfafval en glas bij het speeltuintje.", topic_department=afval)
        transfer = TransferFactory(contact=contact, to_department=afval)
        Transfer.objects.filter(pk=transfer.pk).update(created_at=earlier + timedelta(hours=i), correct_department=ruimte,
                                                       not_for_us_at=earlier + timedelta(hours=i, minutes=20))
    call = Contact.objects.create(
        channel=Channel.PHONE, status=ContactStatus.OPEN, assigned_to=agent, started_at=timezone.now(), caller_address="+31612345678",
        topic_department=afval, subject="Zwerfafval", question="Er ligt zwerfafval en glas bij de speeltuin.",
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(live_server.url + reverse("channels:contact_detail", args=[call.pk]))

    page.keyboard.press("Alt+Shift+U")
    page.keyboard.type("Doorverbonden")
    expect(page.locator("#id_outcome")).to_have_value(Outcome.TRANSFERRED)
    items = page.get_by_test_id("advice-item")
    expect(items.first).to_contain_text("Openbare Ruimte")
    expect(items.first).to_contain_text("3 van 3 vergelijkbare vragen")
    expect(items.first).to_contain_text("niet voor ons")
    expect(items.first).to_contain_text("bereikbaar")
    expect(items.nth(1)).to_contain_text("Afval en Reiniging")
    expect(items.nth(1).get_by_test_id("advice-misroute")).to_contain_text("100%")
    shot(page, "transfer")
    axe(page, context="transfer advice")

    page.keyboard.press("Alt+Shift+D")  # take the advised department
    expect(page.locator("#id_transfer_to_department")).to_have_value(str(ruimte.pk))
    expect(page.locator("#id_transfer_reason")).to_be_focused()
    page.keyboard.type("Zwerfafval is een melding openbare ruimte.")
    page.keyboard.press("Alt+Shift+R")
    expect(page.get_by_test_id("next-contact")).to_be_focused()
    call.refresh_from_db()
    assert (call.status, call.outcome) == (ContactStatus.CLOSED, Outcome.TRANSFERRED)
    assert Transfer.objects.get(contact=call).to_department == ruimte
    axe(page, context="closed after the transfer")


def test_email_reply_with_a_text_module_and_an_articles_answer(page, live_server, login_page, axe, agent, editor, customer, belastingen, kcc_department):
    text_module_save(user=editor, title="Kwijtschelding: uitleg", department=belastingen, channel="email",
                     body="Uw verzoek om kwijtschelding is ontvangen, {inwoner}.")
    article = article_create(user=editor, owner_department=belastingen, title="Kwijtschelding aanvragen", audience=Audience.PUBLIC,
                             body="Kwijtschelding vraagt u **online** aan.\n\nU krijgt binnen 8 weken een besluit.")
    article_publish(user=editor, article=article, summary="Eerste versie")
    contact = ContactFactory(status=ContactStatus.OPEN, assigned_to=agent, customer=customer, topic_department=belastingen,
                             subject="Kwijtschelding", question="Kan ik kwijtschelding krijgen?")
    # A long mail: the closed contact's left pane scrolls.
    explanation = "\n".join(f"Punt {i} van mijn situatie: mijn inkomen is laag en de aanslag is hoog." for i in range(1, 41))
    MessageFactory(contact=contact, sender_address="jan.jansen@example.nl", body_text=f"Kan ik kwijtschelding krijgen?\n{explanation}")
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(live_server.url + reverse("channels:contact_detail", args=[contact.pk]))

    # Cursor in the empty lines after the greeting.
    page.keyboard.press("Alt+Shift+T")
    reply = page.locator("#id_text")
    expect(reply).to_be_focused()
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")

    page.keyboard.press("Alt+Shift+B")
    expect(page.locator("#id_text_module")).to_be_focused()
    page.keyboard.type("Kwijt")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Tekstblok invoegen"
    expect(page.locator("#id_text")).to_have_value(re.compile(r"^Beste Jan Jansen,\n\nUw verzoek om kwijtschelding is ontvangen, Jan Jansen\.\n"))
    expect(page.locator("#id_text")).to_be_focused()
    shot(page, "text-module")
    axe(page, context="reply with a text module")

    # Find the article in the knowledge pane, read it, and insert its answer at the cursor.
    page.keyboard.press("Alt+Shift+K")
    page.keyboard.type("kwijtschelding")
    expect(page.get_by_test_id("knowledge-results")).to_contain_text("Kwijtschelding aanvragen")
    tab_to(page, "#kp-results a")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("knowledge-article")).to_contain_text("binnen 8 weken")
    page.keyboard.press("Alt+Shift+I")
    expect(page.locator("#id_text")).to_have_value(re.compile(r"Kwijtschelding vraagt u online aan\."))
    text = page.locator("#id_text").input_value()
    assert text.index("ontvangen, Jan Jansen.") < text.index("Kwijtschelding vraagt u online aan.") < text.index("Met vriendelijke groet")
    shot(page, "answer")
    axe(page, context="reply with an article's answer")

    tab_to(page, "#reply-form button.utrecht-button--primary-action", limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    sent = Message.objects.get(contact=contact, direction="outbound")
    assert "ontvangen, Jan Jansen." in sent.body_text and "U krijgt binnen 8 weken een besluit." in sent.body_text
    assert len(mail.outbox) == 1
    axe(page, context="after sending")

    # Close it: the closed e-mail contact (thread and reply, no form left in the left pane)
    # still scrolls, so the pane itself must be reachable by keyboard (axe
    # scrollable-region-focusable, found by bench/desk.py T4).
    page.keyboard.press("Alt+Shift+U")
    page.keyboard.type("Zelfstandig")
    expect(page.locator("#id_outcome")).to_have_value(Outcome.RESOLVED)
    page.keyboard.press("Alt+Shift+R")
    expect(page.get_by_test_id("next-contact")).to_be_focused()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CLOSED
    # The right pane was kept as it was (hx-preserve), not emptied: the knowledge pane with the
    # suggestion for this question, the customer's history.
    expect(page.get_by_test_id("knowledge-panel")).to_contain_text("Kwijtschelding aanvragen")
    expect(page.locator("#history-heading")).to_be_visible()
    assert page.locator("[hx-preserve]:empty").count() == 0
    shot(page, "closed")
    axe(page, context="closed e-mail contact")


def test_closed_email_from_an_unknown_sender_scrolls_by_keyboard(page, live_server, login_page, axe, agent, belastingen):
    """Found by bench/desk.py T4: a closed e-mail from an unknown sender has nothing to focus
    in the left pane, which scrolls (a long mail): the pane itself takes the focus (axe
    scrollable-region-focusable) and scrolls with the arrow keys."""
    explanation = "\n".join(f"Punt {i} van mijn situatie: mijn inkomen is laag en de aanslag is hoog." for i in range(1, 61))
    contact = ContactFactory(status=ContactStatus.CLOSED, outcome=Outcome.RESOLVED, assigned_to=agent, closed_by=agent, customer=None,
                             ended_at=timezone.now(), topic_department=belastingen, subject="Kwijtschelding", question="Kan ik kwijtschelding krijgen?")
    MessageFactory(contact=contact, sender_address="onbekend@example.nl", body_text=f"Kan ik kwijtschelding krijgen?\n{explanation}")
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.goto(live_server.url + reverse("channels:contact_detail", args=[contact.pk]))
    pane = page.locator(".kcc-desk__left")
    assert pane.evaluate("el => el.scrollHeight > el.clientHeight")
    axe(page, context="closed e-mail, unknown sender")
    pane.focus()
    page.keyboard.press("PageDown")
    page.wait_for_function("() => document.querySelector('.kcc-desk__left').scrollTop > 0")
