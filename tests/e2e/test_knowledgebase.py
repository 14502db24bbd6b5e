"""Knowledge base in the browser: search while typing, confirm a mandatory read from the
home page, publish a new version with a summary. axe checks every page."""

import re

import pytest
from playwright.sync_api import expect

from knowledgebase.services import article_create, article_publish

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _publish(editor, department, title, body, **fields):
    article = article_create(user=editor, owner_department=department, title=title, body=body, **fields)
    article_publish(user=editor, article=article, summary="Eerste versie")
    return article


@pytest.fixture
def articles(editor, burgerzaken):
    return {
        "verlengen": _publish(editor, burgerzaken, "Paspoort verlengen", "Een paspoort kunt u **niet verlengen**; vraag een nieuw aan.", synonyms="pas verlopen"),
        "aanvragen": _publish(editor, burgerzaken, "Paspoort aanvragen", "Op afspraak aan de balie.", tags="reisdocumenten"),
        "verhuizing": _publish(editor, burgerzaken, "Verhuizing doorgeven", "Binnen 5 dagen, online met DigiD.", synonyms="adreswijziging"),
    }


def test_agent_searches_while_typing_and_opens_an_article(page, live_server, login_page, agent, articles, axe):
    login_page(page, "agent")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Kennisbank").click()
    axe(page, context="knowledge base start page")
    box = page.get_by_role("searchbox", name="Zoeken in de kennisbank")
    box.press_sequentially("paspoort verlengn", delay=30)  # typo on purpose
    results = page.locator("#kb-results")
    expect(results.get_by_role("heading", level=2)).to_contain_text("paspoort verlengn")
    first = results.get_by_role("link").first
    expect(first).to_have_text("Paspoort verlengen")
    assert results.locator("mark").count() > 0  # highlighted matches
    expect(page).to_have_url(re.compile(r"q=paspoort"))  # pushed: back button and sharing work
    axe(page, context="search results")
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paspoort verlengen")
    expect(page.locator(".kcc-kb-body strong")).to_have_text("niet verlengen")
    axe(page, context="article page")


def test_agent_confirms_a_mandatory_read_from_the_home_page(page, live_server, login_page, agent, editor, articles, axe):
    article_publish(
        user=editor, article=articles["aanvragen"], summary="Digitale pasfoto toegestaan",
        body="Op afspraak aan de balie. Pasfoto mag digitaal via een fotocode.", mandatory=True,
        mandatory_note="Vanaf nu mag de pasfoto digitaal",
    )
    login_page(page, "agent")
    section = page.locator("#kb-mandatory-home")
    expect(section.get_by_role("heading", name=re.compile("Nieuw en gewijzigd"))).to_be_visible()
    expect(section).to_contain_text("Vanaf nu mag de pasfoto digitaal")
    axe(page, context="home with mandatory read")
    section.get_by_role("link", name=re.compile("Bekijk wat er veranderd is")).click()
    expect(page.locator("ins").first).to_be_visible()
    axe(page, context="version diff")
    page.go_back()
    page.locator("#kb-mandatory-home").get_by_role("button", name=re.compile("Gelezen en begrepen")).click()
    expect(page.locator("#kb-mandatory-home")).to_contain_text("Bevestigd")
    expect(page.locator("#kb-mandatory-home")).to_contain_text("Je bent bij")
    axe(page, context="home after confirming")
    page.reload()
    expect(page.locator("#kb-mandatory-home")).not_to_contain_text("Vanaf nu mag de pasfoto digitaal")


def test_editor_publishes_a_new_version_with_a_summary(page, live_server, login_page, editor, articles, axe):
    article = articles["verhuizing"]
    login_page(page, "redacteur")
    page.goto(f"{live_server.url}/kennisbank/artikel/{article.pk}/")
    page.get_by_role("link", name="Nieuwe versie").click()
    axe(page, context="edit form")
    page.get_by_label("Antwoord of tekst").fill("Binnen 5 dagen, online met DigiD of aan de balie.")
    page.get_by_role("button", name="Nieuwe versie publiceren").click()
    # The summary is required: the form comes back with an error, nothing is lost.
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_label("Antwoord of tekst")).to_have_value("Binnen 5 dagen, online met DigiD of aan de balie.")
    axe(page, context="edit form with errors")
    page.get_by_label("Wat is er veranderd").fill("Ook aan de balie mogelijk")
    page.get_by_label(re.compile("Verplicht lezen")).check()
    page.get_by_role("button", name="Nieuwe versie publiceren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verhuizing doorgeven")
    expect(page.locator("dl")).to_contain_text("Ook aan de balie mogelijk")
    page.get_by_role("link", name="alle versies").click()
    expect(page.get_by_role("table")).to_contain_text("Ook aan de balie mogelijk")
    axe(page, context="version list")
    page.get_by_role("link", name="Versie 2").click()
    expect(page.locator(".kcc-diff ins")).to_contain_text("of aan de balie")
    axe(page, context="version 2 diff")


def test_other_knowledge_pages_pass_axe(page, live_server, login_page, editor, articles, belastingen, axe, teamlead):
    login_page(page, "redacteur")
    for path in ("/kennisbank/redactie/", "/kennisbank/wie-doet-wat/", "/kennisbank/wie-doet-wat/burgerzaken/",
                 "/kennisbank/artikel/nieuw/", "/inbox/kennisgaten/", "/kennisbank/dekking/"):
        page.goto(f"{live_server.url}{path}")
        axe(page, context=path)
