"""Text modules (knowledgebase.text_modules) and answers into replies on the desk
(channels.reply_tools, channels.views_advice.contact_reply_insert)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from channels.constants import Channel, ContactStatus
from channels.models import ContactArticle
from channels.reply_tools import insert_at
from kcc.core.exceptions import DomainError
from knowledgebase.constants import Audience
from knowledgebase.models import TextModule
from knowledgebase.services import article_create, article_publish
from knowledgebase.text_modules import (
    article_resident_answer,
    render_text_module,
    text_module_save,
    text_modules_for_reply,
)
from tests.channels.factories import ContactFactory, MessageFactory

pytestmark = pytest.mark.django_db

VALUES = {"inwoner": "Jan Jansen", "medewerker": "Sanne de Vries", "organisatie": "Gemeente Voorbeeldstad", "contactnummer": "42"}


# --- variables ---------------------------------------------------------------------------


def test_variables_are_filled_in():
    text = "Beste {inwoner},\nMet groet, {medewerker}, {organisatie} (contact {contactnummer})"
    assert render_text_module(text, values=VALUES) == (
        "Beste Jan Jansen,\nMet groet, Sanne de Vries, Gemeente Voorbeeldstad (contact 42)"
    )


@pytest.mark.parametrize(
    "text",
    ["{{ settings.SECRET_KEY }}", "{% load static %}{% debug %}", "{0.__class__.__mro__}", "{inwoner.__class__}", "{onbekend}"],
)
def test_nothing_but_the_fixed_placeholders_is_interpreted(text):
    assert render_text_module(text, values=VALUES) == text


def test_a_value_is_inserted_as_plain_text_not_expanded_again():
    assert render_text_module("Beste {inwoner}", values={**VALUES, "inwoner": "{medewerker} <b>"}) == "Beste {medewerker} <b>"


# --- keeping modules -----------------------------------------------------------------------


def test_unknown_variable_is_refused_with_the_allowed_ones(editor, belastingen):
    with pytest.raises(DomainError) as exc:
        text_module_save(user=editor, title="Aanslag", body="Beste {naam},", department=belastingen)
    assert exc.value.field == "body" and "{naam}" in exc.value.message and "{inwoner}" in exc.value.message


def test_department_staff_keep_only_their_own_departments_modules(backoffice_belastingen, belastingen, burgerzaken):
    own = text_module_save(user=backoffice_belastingen, title="Kwijtschelding", body="Beste {inwoner},", department=belastingen)
    assert own.updated_by == backoffice_belastingen
    with pytest.raises(DomainError):
        text_module_save(user=backoffice_belastingen, title="Paspoort", body="x", department=burgerzaken)
    with pytest.raises(DomainError):
        text_module_save(user=backoffice_belastingen, title="Algemeen", body="x", department=None)


def test_editor_maintains_modules_in_the_application(editor, belastingen, login):
    client = login(editor)
    response = client.post(reverse("knowledgebase:text_module_create"), {
        "title": "Afvalpas kwijt", "body": "Beste {inwoner},\n\nU vraagt een nieuwe pas aan via de website.", "department": "",
        "channel": Channel.EMAIL, "is_active": "on",
    })
    assert response.status_code == 302
    module = TextModule.objects.get()
    assert (module.department, module.channel, module.updated_by) == (None, "email", editor)
    page = client.get(reverse("knowledgebase:text_modules")).content.decode()
    assert "Afvalpas kwijt" in page
    response = client.post(reverse("knowledgebase:text_module_edit", args=[module.pk]), {
        "title": "Afvalpas kwijt", "body": "Beste {naam}", "department": belastingen.pk, "channel": "", "is_active": "on",
    })
    assert response.status_code == 422 and "{naam}" in response.content.decode()
    module.refresh_from_db()
    assert module.body.startswith("Beste {inwoner}")


def test_agents_do_not_edit_text_modules(agent, login):
    assert login(agent).get(reverse("knowledgebase:text_modules")).status_code == 403


def test_modules_for_a_reply_follow_department_and_channel(editor, belastingen, burgerzaken):
    general = text_module_save(user=editor, title="Algemeen", body="x")
    bel_mail = text_module_save(user=editor, title="Aanslag (mail)", body="x", department=belastingen, channel="email")
    text_module_save(user=editor, title="Aanslag (WhatsApp)", body="x", department=belastingen, channel="whatsapp")
    text_module_save(user=editor, title="Paspoort", body="x", department=burgerzaken)
    text_module_save(user=editor, title="Oud", body="x", department=belastingen, is_active=False)
    assert set(text_modules_for_reply(department_id=belastingen.pk, channel="email")) == {general, bel_mail}


# --- answers ---------------------------------------------------------------------------------


@pytest.fixture
def public_article(editor, kcc_department):
    a = article_create(user=editor, owner_department=kcc_department, title="Afvalpas kwijt", audience=Audience.PUBLIC,
                       body="Een nieuwe afvalpas vraagt u aan **via de website**.\n\n- Kosten: € 10\n- Binnen 5 werkdagen thuis")
    article_publish(user=editor, article=a, summary="Eerste versie")
    a.refresh_from_db()
    return a


@pytest.fixture
def internal_article(editor, kcc_department):
    a = article_create(user=editor, owner_department=kcc_department, title="Interne werkinstructie", body="Alleen voor medewerkers.")
    article_publish(user=editor, article=a, summary="Eerste versie")
    a.refresh_from_db()
    return a


def test_resident_answer_is_plain_text_of_public_articles_only(public_article, internal_article):
    assert article_resident_answer(public_article) == (
        "Een nieuwe afvalpas vraagt u aan via de website.\n\n- Kosten: € 10\n- Binnen 5 werkdagen thuis"
    )
    assert article_resident_answer(internal_article) is None


def test_insert_at_the_cursor_or_after_the_greeting():
    assert insert_at("Beste Jan,\n\nGroet", "TEKST", 12) == ("Beste Jan,\n\nTEKST\nGroet", 18)
    text, cursor = insert_at("Beste Jan,\n\n\n\nGroet", "TEKST", None)
    assert text == "Beste Jan,\n\nTEKST\n\nGroet" and text[:cursor].endswith("TEKST")
    assert insert_at("abc", "X", 99) == ("abc\n\nX", 6)
    assert insert_at("Beste Jan,\n\nTEKST\nGroet", "MEER", 17) == ("Beste Jan,\n\nTEKST\n\nMEER\nGroet", 23)


# --- on the desk -------------------------------------------------------------------------------


@pytest.fixture
def mail(agent, customer, belastingen):
    contact = ContactFactory(status=ContactStatus.OPEN, assigned_to=agent, customer=customer, topic_department=belastingen)
    MessageFactory(contact=contact)
    return contact


def _insert(client, contact, **data):
    return client.post(reverse("channels:contact_reply_insert", args=[contact.pk]), data, HTTP_HX_REQUEST="true")


def test_desk_reply_offers_the_modules_of_the_contacts_department_and_channel(mail, editor, belastingen, burgerzaken, login, agent):
    text_module_save(user=editor, title="Kwijtschelding aanvragen", body="x", department=belastingen, channel="email")
    text_module_save(user=editor, title="Paspoort", body="x", department=burgerzaken)
    html = login(agent).get(reverse("channels:contact_detail", args=[mail.pk])).content.decode()
    assert "Kwijtschelding aanvragen" in html and "Paspoort" not in html
    assert 'data-shortcut="Alt+Shift+B"' in html and 'data-shortcut="Alt+Shift+I"' in html


@override_settings(KCC_ORGANISATION_NAME="Gemeente Testdorp")
def test_inserting_a_text_module_fills_in_the_variables_at_the_cursor(mail, editor, belastingen, login, agent):
    module = text_module_save(user=editor, title="Kwijtschelding", body="Beste {inwoner}, groet van {medewerker} ({organisatie}).", department=belastingen)
    response = _insert(login(agent), mail, text="Hallo\n\nDoei", cursor=7, insert="module", module=module.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="reply"' in html
    assert "Hallo\n\nBeste Jan Jansen, groet van Sanne de Vries (Gemeente Testdorp).\nDoei" in html
    assert 'data-cursor="' in html


def test_a_module_of_another_department_cannot_be_inserted(mail, editor, burgerzaken, login, agent):
    other = text_module_save(user=editor, title="Paspoort", body="x", department=burgerzaken)
    assert _insert(login(agent), mail, text="", insert="module", module=other.pk).status_code == 404


def test_inserting_an_articles_answer(mail, public_article, login, agent):
    ContactArticle.objects.create(contact=mail, article=public_article, marked_by=agent)
    client = login(agent)
    html = client.get(reverse("channels:contact_detail", args=[mail.pk])).content.decode()
    assert f'name="article" value="{public_article.pk}"' in html
    response = _insert(client, mail, text="Beste Jan,\n\n\n\nGroet", insert="answer", article=public_article.pk)
    assert response.status_code == 200
    assert "Beste Jan,\n\nEen nieuwe afvalpas vraagt u aan via de website.\n\n- Kosten: € 10" in response.content.decode()


def test_an_internal_article_is_not_put_into_a_reply(mail, internal_article, login, agent):
    response = _insert(login(agent), mail, text="Beste Jan,", insert="answer", article=internal_article.pk)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Interne werkinstructie" in html and "Alleen voor medewerkers" not in html and "Beste Jan," in html


def test_insert_without_javascript_answers_the_whole_desk_with_the_text(mail, public_article, login, agent):
    response = login(agent).post(reverse("channels:contact_reply_insert", args=[mail.pk]),
                                 {"text": "Beste Jan,\n\n\n\nGroet", "insert": "answer", "article": public_article.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and "Een nieuwe afvalpas vraagt u aan via de website." in html


def test_phone_contacts_have_no_reply_to_insert_into(agent, login, public_article):
    call = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent)
    assert _insert(login(agent), call, text="", insert="answer", article=public_article.pk).status_code == 404


def test_demo_text_modules_are_seeded_once_and_use_known_variables(editor, belastingen):
    from knowledgebase import demo_text_modules

    lines = []
    demo_text_modules.seed(lines.append, {"belastingen": belastingen}, editor)
    titles = set(TextModule.objects.values_list("title", flat=True))
    assert "Kwijtschelding aanvragen" in titles and "Aanhef en afsluiting" in titles and "Parkeervergunning aanvragen" not in titles
    count = TextModule.objects.count()
    demo_text_modules.seed(lines.append, {"belastingen": belastingen}, editor)
    assert TextModule.objects.count() == count


def test_reply_tools_cost_one_query_with_the_panes_links(mail, editor, belastingen, public_article, agent, django_assert_num_queries):
    from channels.knowledge_panel import contact_article_links
    from channels.reply_tools import reply_tools

    for i in range(5):
        text_module_save(user=editor, title=f"Blok {i}", body="x", department=belastingen)
    ContactArticle.objects.create(contact=mail, article=public_article, marked_by=agent)
    links = contact_article_links(mail)
    with django_assert_num_queries(1):  # the modules; the answer's article comes with the pane's links
        tools = reply_tools(contact=mail, links=links)
    assert len(tools.modules) == 5 and tools.answer_article == public_article
    with django_assert_num_queries(2):  # without the pane (the insert view): the links too
        reply_tools(contact=mail)
