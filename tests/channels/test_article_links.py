"""The contact screen's knowledge suggestions and 'this answered the question' marks."""

import pytest
from django.urls import reverse

from channels.models import ContactArticle
from channels.services import contact_article_link
from kcc.core.exceptions import DomainError
from knowledgebase.services import article_create, article_publish

from .factories import ContactFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def afvalpas_article(editor, kcc_department):
    article = article_create(
        user=editor, owner_department=kcc_department, title="Afvalpas kwijt of kapot",
        body="Een nieuwe afvalpas vraagt u aan via de website. De oude pas wordt geblokkeerd.",
    )
    article_publish(user=editor, article=article, summary="Eerste versie")
    return article


def test_contact_screen_suggests_articles_for_the_question(login, agent, afvalpas_article):
    contact = ContactFactory(subject="Afvalpas kwijt")
    MessageFactory(contact=contact, body_text="Ik ben mijn afvalpas kwijt, wat nu?")
    # The suggestions live in the desk's knowledge pane (tests/channels/test_knowledge_panel.py).
    html = login(agent).get(reverse("channels:knowledge_panel", args=[contact.pk]), HTTP_HX_REQUEST="true").content.decode()
    suggestions = html[html.index('data-testid="article-suggestions"'):]
    assert "Afvalpas kwijt of kapot" in suggestions
    assert reverse("knowledgebase:article_detail", args=[afvalpas_article.pk]) in suggestions


def test_marking_an_article_records_usage_once(login, agent, afvalpas_article):
    contact = ContactFactory(subject="Afvalpas kwijt")
    client = login(agent)
    url = reverse("channels:contact_article_link", args=[contact.pk])
    before = contact.updated_at
    for _ in range(2):
        response = client.post(url, {"article": afvalpas_article.pk})
        assert response.status_code == 302
    link = ContactArticle.objects.get(contact=contact)
    assert link.article == afvalpas_article and link.marked_by == agent and link.answered
    contact.refresh_from_db()
    assert contact.updated_at > before
    html = client.get(reverse("channels:knowledge_panel", args=[contact.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Afvalpas kwijt of kapot" in html[html.index('data-testid="article-links"'):]


def test_marking_an_unknown_article_is_404(login, agent):
    contact = ContactFactory()
    assert login(agent).post(reverse("channels:contact_article_link", args=[contact.pk]), {"article": 987654}).status_code == 404
    assert not ContactArticle.objects.exists()


def test_back_office_cannot_mark_articles(backoffice_belastingen, afvalpas_article):
    with pytest.raises(DomainError):
        contact_article_link(user=backoffice_belastingen, contact=ContactFactory(), article=afvalpas_article)
