"""Browser tests of the agent's inbox flows (Playwright + axe on every page visited)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from channels.constants import Channel, ContactStatus, Outcome
from channels.models import Contact
from kcc.core.services import customer_create
from tests.channels.factories import ContactFactory, MessageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def afval_department(db):
    from tests.core.factories import DepartmentFactory

    return DepartmentFactory(code="afval", name="Afval en Reiniging")


@pytest.fixture
def jan(agent):
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678", email="jan.jansen@example.nl")


def test_agent_registers_a_phone_call_by_keyboard_only(page, live_server, login_page, agent, jan, burgerzaken, belastingen, axe):
    login_page(page, "agent")
    page.goto(f"{live_server.url}/inbox/telefoon/")
    axe(page, context="phone screen")
    # The old registration URL offers to start the call; Enter starts it (an open contact).
    assert page.evaluate("document.activeElement.dataset.testid") == "start-call"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/inbox/contact/\d+/$"))
    # The search box has the focus: type the caller's number in a different notation.
    assert page.evaluate("document.activeElement.id") == "id_caller_q"
    page.keyboard.type("+31 6 1234 5678")
    expect(page.get_by_test_id("contact-customer")).to_have_text("Jan Jansen", timeout=5000)
    axe(page, context="desk with caller found")
    page.keyboard.press("Alt+Shift+U")
    assert page.evaluate("document.activeElement.name") == "outcome"
    page.keyboard.type("Zelfstandig")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "question"
    page.keyboard.type("Wanneer moet ik mijn paspoort verlengen?")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "topic_department"
    page.keyboard.type("Burger")
    page.keyboard.press("Alt+Shift+R")
    expect(page.get_by_role("status").first).to_contain_text("afgesloten")
    contact = Contact.objects.get()
    assert contact.channel == Channel.PHONE and contact.customer_id == jan.pk
    assert contact.topic_department_id == burgerzaken.pk
    assert contact.outcome == Outcome.RESOLVED and contact.status == ContactStatus.CLOSED
    expect(page.get_by_test_id("next-contact")).to_be_focused()  # ready for the next (focus lands after the swap settles)
    axe(page, context="desk after closing")


def test_agent_claims_an_email_from_the_inbox_replies_and_closes_it(page, live_server, login_page, agent, jan, afval_department, axe):
    contact = ContactFactory(customer=jan, subject="Afvalpas kwijt")
    MessageFactory(contact=contact, sender_address="jan.jansen@example.nl", body_html="<p>Mijn <b>afvalpas</b> is kwijt.</p>")
    login_page(page, "agent")
    page.goto(f"{live_server.url}/inbox/")
    axe(page, context="inbox")
    row = page.get_by_test_id("inbox-row").filter(has_text="Afvalpas kwijt")
    row.get_by_role("button", name=re.compile("Pak op")).click()
    page.wait_for_url(re.compile(rf"/inbox/contact/{contact.pk}/$"))
    expect(page.locator("#contact-owner")).to_contain_text("Sanne de Vries")
    expect(page.get_by_test_id("message-body").first).to_contain_text("Mijn afvalpas is kwijt.")
    axe(page, context="contact screen")
    reply = page.get_by_label("Je antwoord")
    expect(reply).to_have_value(re.compile(r"^Beste Jan Jansen,"))
    reply.fill("Beste Jan Jansen,\n\nU kunt een nieuwe afvalpas aanvragen via de website.\n\nMet vriendelijke groet,\nSanne")
    page.get_by_role("button", name="Antwoord versturen").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("status").first).to_contain_text("verstuurd naar jan.jansen@example.nl")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Re: Afvalpas kwijt [KCC-{contact.pk}]"
    axe(page, context="contact screen after reply")
    page.get_by_label("Afhandeling").select_option(Outcome.RESOLVED)
    page.get_by_label("Afdeling van de vraag").select_option(str(afval_department.pk))
    page.get_by_test_id("close-form").get_by_role("button", name="Afsluiten", exact=True).click()
    # The close is an htmx swap of the desk: its own message region says so (the reply's message
    # from the previous full page load stays above it until the next page load).
    expect(page.get_by_test_id("desk-messages")).to_contain_text(f"Klantcontact #{contact.pk} afgesloten")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CLOSED and contact.outcome == Outcome.RESOLVED and contact.closed_by == agent
    expect(page.get_by_test_id("next-contact")).to_be_visible()  # "Volgende" in the same filter
    axe(page, context="closed contact with Volgende")


def test_inbox_updates_when_a_new_message_arrives(page, live_server, login_page, agent, settings, axe):
    settings.KCC_INBOX_POLL_SECONDS = 1
    ContactFactory(subject="Al aanwezig")
    statuses = []
    page.on("response", lambda r: statuses.append((r.status, r.request.headers.get("x-kcc-background"))) if "/inbox/" in r.url else None)
    login_page(page, "agent")
    page.goto(f"{live_server.url}/inbox/")
    axe(page, context="inbox")
    expect(page.get_by_test_id("inbox-count")).to_contain_text("1 klantcontact")
    page.wait_for_timeout(2500)
    assert (304, "1") in statuses  # unchanged: background polls cost a 304
    contact = ContactFactory(channel=Channel.WHATSAPP, subject="Nieuwe vraag over bijstand")
    MessageFactory(contact=contact, body_text="Kan ik bijstand aanvragen?")
    expect(page.get_by_role("link", name="Nieuwe vraag over bijstand")).to_be_visible(timeout=10000)
    expect(page.get_by_test_id("inbox-count")).to_contain_text("2 klantcontacten")
    assert (200, "1") in statuses
    axe(page, context="inbox after update")


def test_back_office_marks_a_transfer_not_for_us(page, live_server, login_page, backoffice_belastingen, belastingen, burgerzaken, agent, axe):
    from tests.channels.factories import TransferFactory

    transfer = TransferFactory(to_department=belastingen, from_user=agent, contact__subject="Verhuizing doorgeven", reason="Vraag over adres")
    login_page(page, "bo-belastingen")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Doorverbonden naar ons").click()
    axe(page, context="transfers received")
    page.get_by_test_id("transfer-row").filter(has_text="Verhuizing doorgeven").get_by_role("link", name=re.compile("Niet voor ons")).click()
    axe(page, context="not for us form")
    page.get_by_label("Juiste afdeling").select_option(str(burgerzaken.pk))
    page.get_by_label("Toelichting").fill("Adreswijziging hoort bij Burgerzaken")
    page.get_by_role("button", name="Markeren als niet voor ons").click()
    expect(page.get_by_role("status").first).to_contain_text("het had naar Burgerzaken gemoeten")
    transfer.refresh_from_db()
    assert transfer.correct_department == burgerzaken and transfer.not_for_us_by == backoffice_belastingen
    page.get_by_role("link", name=re.compile("Verhuizing doorgeven")).click()
    axe(page, context="read-only contact for back office")
    expect(page.get_by_role("button", name="Afsluiten")).to_have_count(0)


def test_team_lead_merges_duplicate_customers(page, live_server, login_page, teamlead, agent, axe):
    survivor = customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12)
    duplicate = customer_create(user=agent, first_name="J.", last_name="Jansen", email="jan@example.nl")
    ContactFactory(customer=duplicate, subject="Afvalpas kwijt")
    login_page(page, "teamleider")
    page.goto(f"{live_server.url}/klanten/{duplicate.pk}/")
    page.get_by_role("link", name=re.compile("samenvoegen met een ander record")).click()
    axe(page, context="merge: choose survivor")
    page.get_by_label("Klant zoeken").fill("1011AB 12")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name=re.compile("Jan Jansen")).click()
    axe(page, context="merge: confirm")
    page.get_by_role("button", name="Resultaat controleren").click()
    page.get_by_role("button", name=re.compile(f"Bevestigen: #{duplicate.pk} samenvoegen met #{survivor.pk}")).click()
    page.wait_for_url(f"{live_server.url}/klanten/{survivor.pk}/")
    expect(page.get_by_test_id("timeline")).to_contain_text("Afvalpas kwijt")
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk
