"""The desk's knowledge pane: search as you type (POSTed), suggestions from the question, the
article inline, and linking/unlinking with its rule (open contacts; closed ones for the agent who
closed them, within ARTICLE_LINK_WINDOW)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.constants import Channel, ContactStatus, Outcome
from channels.models import Contact, ContactArticle
from channels.services import ARTICLE_LINK_WINDOW, contact_article_link, contact_article_unlink
from kcc.core.exceptions import DomainError
from knowledgebase.services import article_archive, article_create, article_publish

from .factories import ContactFactory, MessageFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PANE_QUERIES = 8
SEARCH_QUERIES = 9


@pytest.fixture
def article(editor, kcc_department):
    a = article_create(
        user=editor, owner_department=kcc_department, title="Paspoort aanvragen",
        body="Een nieuw paspoort vraagt u aan bij de balie van Burgerzaken. Maak eerst een afspraak.",
    )
    article_publish(user=editor, article=a, summary="Eerste versie")
    return a


@pytest.fixture
def other_article(editor, kcc_department):
    a = article_create(user=editor, owner_department=kcc_department, title="Afvalpas kwijt", body="Een nieuwe afvalpas vraagt u aan via de website.")
    article_publish(user=editor, article=a, summary="Eerste versie")
    return a


def phone_contact(**fields):
    fields.setdefault("channel", Channel.PHONE)
    fields.setdefault("status", ContactStatus.OPEN)
    fields.setdefault("started_at", timezone.now())
    fields.setdefault("subject", "Paspoort")
    fields.setdefault("question", "Hoe vraag ik een nieuw paspoort aan?")
    return Contact.objects.create(**fields)


def closed_by(user, *, ago=timedelta(hours=1), **fields):
    ended = timezone.now() - ago
    return phone_contact(status=ContactStatus.CLOSED, outcome=Outcome.RESOLVED, closed_by=user, assigned_to=user, ended_at=ended, **fields)


# --- search ------------------------------------------------------------------------------


def test_search_is_posted_and_answers_the_results_fragment(login, agent, article, other_article):
    contact = phone_contact(assigned_to=agent)
    url = reverse("channels:knowledge_search", args=[contact.pk])
    assert "paspoort" not in url.lower()
    response = login(agent).post(url, {"q": "paspoort"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="knowledge-results"' in html
    assert "Paspoort aanvragen" in html or "<mark>Paspoort</mark> aanvragen" in html
    assert "Afvalpas" not in html
    assert reverse("channels:knowledge_article", args=[contact.pk, article.pk]) in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_search_by_get_is_not_allowed(login, agent):
    contact = phone_contact()
    assert login(agent).get(reverse("channels:knowledge_search", args=[contact.pk]), {"q": "paspoort"}).status_code == 405


def test_search_without_javascript_renders_a_page_with_the_results(login, agent, article):
    contact = phone_contact(assigned_to=agent)
    response = login(agent).post(reverse("channels:knowledge_search", args=[contact.pk]), {"q": "paspoort"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html and "aanvragen" in html


def test_search_with_nothing_found_says_so(login, agent, article):
    contact = phone_contact()
    html = login(agent).post(reverse("channels:knowledge_search", args=[contact.pk]), {"q": "zzzqqq"}, **HX).content.decode()
    assert "Geen artikelen gevonden" in html


def test_empty_search_shows_the_suggestions_again(login, agent, article):
    contact = phone_contact()
    html = login(agent).post(reverse("channels:knowledge_search", args=[contact.pk]), {"q": ""}, **HX).content.decode()
    assert 'data-testid="article-suggestions"' in html and "Paspoort aanvragen" in html


# --- suggestions and the pane ------------------------------------------------------------


def test_pane_suggests_articles_from_the_question(login, agent, article):
    contact = phone_contact()
    html = login(agent).get(reverse("channels:knowledge_panel", args=[contact.pk]), **HX).content.decode()
    assert "Paspoort aanvragen" in html[html.index('data-testid="article-suggestions"'):]


def test_pane_suggests_from_the_first_email(login, agent, other_article):
    contact = ContactFactory(subject="Vraag")
    MessageFactory(contact=contact, body_text="Ik ben mijn afvalpas kwijt, wat nu?")
    html = login(agent).get(reverse("channels:knowledge_panel", args=[contact.pk]), **HX).content.decode()
    assert "Afvalpas kwijt" in html[html.index('data-testid="article-suggestions"'):]


def test_closed_contact_still_shows_its_suggestions(login, agent, article):
    contact = closed_by(agent)
    html = login(agent).get(reverse("channels:knowledge_panel", args=[contact.pk]), **HX).content.decode()
    assert "Paspoort aanvragen" in html
    assert "Geen suggesties" not in html


def test_pane_without_htmx_goes_to_the_contact(login, agent):
    contact = phone_contact()
    response = login(agent).get(reverse("channels:knowledge_panel", args=[contact.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("channels:contact_detail", args=[contact.pk]))


def test_pane_query_count_is_fixed(login, agent, editor, article, other_article, django_assert_num_queries):
    contact = phone_contact(assigned_to=agent)
    contact_article_link(user=agent, contact=contact, article=article)
    client = login(agent)
    url = reverse("channels:knowledge_panel", args=[contact.pk])
    client.get(url, **HX)  # warm caches (session, roles)
    with django_assert_num_queries(PANE_QUERIES):
        assert client.get(url, **HX).status_code == 200
    contact_article_link(user=agent, contact=contact, article=other_article)
    with django_assert_num_queries(PANE_QUERIES):  # another linked article costs nothing extra
        html = client.get(url, **HX).content.decode()
    assert html.count("Loskoppelen") == 2


def test_search_fragment_query_count_is_fixed(login, agent, article, other_article, django_assert_num_queries):
    contact = phone_contact(assigned_to=agent)
    client = login(agent)
    url = reverse("channels:knowledge_search", args=[contact.pk])
    client.post(url, {"q": "paspoort"}, **HX)
    with django_assert_num_queries(SEARCH_QUERIES):
        assert client.post(url, {"q": "paspoort"}, **HX).status_code == 200


# --- reading inline ----------------------------------------------------------------------


def test_article_reads_inline_with_the_link_button(login, agent, article):
    contact = phone_contact(assigned_to=agent)
    response = login(agent).get(reverse("channels:knowledge_article", args=[contact.pk, article.pk]), **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Maak eerst een afspraak" in html and "Dit beantwoordde de vraag" in html
    assert "data-autofocus" in html and 'data-shortcut="Alt+Shift+L"' in html


def test_article_without_htmx_opens_the_knowledge_base_page(login, agent, article):
    contact = phone_contact()
    response = login(agent).get(reverse("channels:knowledge_article", args=[contact.pk, article.pk]))
    assert response["Location"] == reverse("knowledgebase:article_detail", args=[article.pk])


def test_unknown_article_is_404(login, agent):
    contact = phone_contact()
    client = login(agent)
    assert client.get(reverse("channels:knowledge_article", args=[contact.pk, 98765]), **HX).status_code == 404
    assert client.post(reverse("channels:knowledge_link", args=[contact.pk, 98765]), **HX).status_code == 404


# --- link and unlink ---------------------------------------------------------------------


def test_link_on_open_contact_records_usage_once_and_answers_the_pane(login, agent, article):
    contact = phone_contact(assigned_to=agent)
    before = contact.updated_at
    client = login(agent)
    url = reverse("channels:knowledge_link", args=[contact.pk, article.pk])
    for _ in range(2):
        response = client.post(url, {"q": "paspoort"}, **HX)
        assert response.status_code == 200
    link = ContactArticle.objects.get(contact=contact)
    assert (link.article, link.marked_by, link.answered) == (article, agent, True)
    contact.refresh_from_db()
    assert contact.updated_at > before
    html = response.content.decode()
    assert 'id="knowledge"' in html and "Paspoort aanvragen" in html[html.index('data-testid="article-links"'):]
    assert 'data-testid="knowledge-results"' in html  # the search the agent typed is kept


def test_link_without_javascript_redirects_to_the_contact(login, agent, article):
    contact = phone_contact(assigned_to=agent)
    response = login(agent).post(reverse("channels:knowledge_link", args=[contact.pk, article.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#knowledge")
    assert ContactArticle.objects.filter(contact=contact).exists()


def test_unlink_removes_the_link(login, agent, article):
    contact = phone_contact(assigned_to=agent)
    contact_article_link(user=agent, contact=contact, article=article)
    response = login(agent).post(reverse("channels:knowledge_unlink", args=[contact.pk, article.pk]), **HX)
    assert response.status_code == 200
    assert not ContactArticle.objects.filter(contact=contact).exists()
    assert "niet meer gekoppeld" in response.content.decode()


def test_closed_contact_can_be_linked_by_its_closer_within_the_window(login, agent, article):
    contact = closed_by(agent, ago=ARTICLE_LINK_WINDOW - timedelta(hours=1))
    client = login(agent)
    assert client.post(reverse("channels:knowledge_link", args=[contact.pk, article.pk]), **HX).status_code == 200
    assert ContactArticle.objects.filter(contact=contact).exists()
    assert client.post(reverse("channels:knowledge_unlink", args=[contact.pk, article.pk]), **HX).status_code == 200
    assert not ContactArticle.objects.filter(contact=contact).exists()


def test_closed_contact_after_the_window_is_refused_with_a_message(login, agent, article):
    contact = closed_by(agent, ago=ARTICLE_LINK_WINDOW + timedelta(hours=1))
    response = login(agent).post(reverse("channels:knowledge_link", args=[contact.pk, article.pk]), **HX)
    assert response.status_code == 403
    assert "dagen geleden afgesloten" in response.content.decode()
    assert not ContactArticle.objects.exists()


def test_closed_contact_of_another_agent_is_refused(login, agent, agent2, article):
    contact = closed_by(agent2)
    client = login(agent)
    response = client.post(reverse("channels:knowledge_link", args=[contact.pk, article.pk]), **HX)
    assert response.status_code == 403 and not ContactArticle.objects.exists()
    pane = client.get(reverse("channels:knowledge_panel", args=[contact.pk]), **HX).content.decode()
    assert 'data-testid="knowledge-refusal"' in pane and 'data-testid="knowledge-link"' not in pane


def test_open_contact_held_by_another_agent_is_refused(login, agent, agent2, article):
    contact = phone_contact(assigned_to=agent2)
    response = login(agent).post(reverse("channels:knowledge_link", args=[contact.pk, article.pk]), **HX)
    assert response.status_code == 403 and "Daan Visser" in response.content.decode()


def test_refusal_without_javascript_redirects_with_the_message(login, agent, agent2, article):
    contact = closed_by(agent2)
    response = login(agent).post(reverse("channels:knowledge_link", args=[contact.pk, article.pk]), follow=True)
    assert response.status_code == 200 and "alleen" in response.content.decode().lower()


def test_archived_article_cannot_be_linked(login, agent, editor, article):
    contact = phone_contact(assigned_to=agent)
    article_archive(user=editor, article=article)
    response = login(agent).post(reverse("channels:knowledge_link", args=[contact.pk, article.pk]), **HX)
    assert response.status_code == 422 and not ContactArticle.objects.exists()


def test_back_office_gets_403_and_cannot_reach_the_pane(login, backoffice_belastingen, article):
    contact = phone_contact()
    client = login(backoffice_belastingen)
    assert client.post(reverse("channels:knowledge_link", args=[contact.pk, article.pk]), **HX).status_code == 403
    assert client.get(reverse("channels:knowledge_panel", args=[contact.pk]), **HX).status_code == 403
    with pytest.raises(DomainError):
        contact_article_link(user=backoffice_belastingen, contact=contact, article=article)


def test_contact_of_a_restricted_resident_is_404(login, agent, article, customer):
    contact = phone_contact(customer=customer, assigned_to=agent)
    customer.restricted_at = timezone.now()
    customer.save(update_fields=["restricted_at"])
    client = login(agent)
    assert client.post(reverse("channels:knowledge_link", args=[contact.pk, article.pk]), **HX).status_code == 404
    assert client.post(reverse("channels:knowledge_search", args=[contact.pk]), {"q": "paspoort"}, **HX).status_code == 404


def test_unlink_rule_is_the_same_in_the_service(agent, agent2, article):
    contact = closed_by(agent2)
    with pytest.raises(DomainError) as exc:
        contact_article_unlink(user=agent, contact=contact, article=article)
    assert exc.value.code == "forbidden"
