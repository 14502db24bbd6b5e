"""Search relevance on a fixed corpus (Dutch stemming, typos, synonyms, ranking, usage) and
safety against hostile input. Runs on PostgreSQL (Dutch full-text + pg_trgm); the SQLite
fallback is exercised directly through its function."""

import pytest
from django.db import connection
from django.urls import reverse

from knowledgebase import demo
from knowledgebase.models import Article
from knowledgebase.search import _fallback_search, clean_query, light_stem, query_tokens
from knowledgebase.selectors import article_search, article_suggest
from tests.core.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

CORPUS = [
    # (department code, title) taken from the demo tables: realistic text and distractors.
    ("burgerzaken", "Paspoort aanvragen"), ("burgerzaken", "Paspoort verlengen"), ("burgerzaken", "Paspoort kwijt of gestolen"),
    ("burgerzaken", "ID-kaart aanvragen"), ("burgerzaken", "ID-kaart verlengen"), ("burgerzaken", "Verhuizing doorgeven"),
    ("burgerzaken", "Verhuizen naar het buitenland (emigratie)"), ("burgerzaken", "Uittreksel BRP aanvragen"),
    ("belastingen", "Bezwaar maken tegen de WOZ-waarde"), ("belastingen", "Kwijtschelding gemeentelijke belastingen"),
    ("belastingen", "Teruggaaf afvalstoffenheffing na verhuizing"), ("belastingen", "Bezwaar tegen de afvalstoffenheffing"),
    ("afval", "Afvalpas aanvragen"), ("afval", "Afvalpas kwijt of kapot"), ("afval", "Grofvuil laten ophalen"),
    ("afval", "Container kapot of gestolen"), ("afval", "Milieustraat: openingstijden en wat mag er"),
    ("parkeren", "Parkeervergunning voor bewoners aanvragen"), ("parkeren", "Parkeervergunning bij verhuizing"),
    ("werk-inkomen", "Bijstand aanvragen"), ("werk-inkomen", "Bijzondere bijstand"),
    ("wmo", "Wmo-hulpmiddel aanvragen (rolstoel, scootmobiel)"), ("openbare-ruimte", "Melding openbare ruimte maken"),
    ("openbare-ruimte", "Straatverlichting kapot"),
]


def _topics():
    topics = {}
    for code, items in demo.TOPICS.items():
        for t in items:
            topics[(code, t["title"])] = t
    for t in demo._document_topics():
        topics[("burgerzaken", t["title"])] = t
    for code, items in demo.EXTRA_TOPICS.items():
        for t in items:
            topics[(code, t["title"])] = t
    return topics


@pytest.fixture
def corpus(publish, kcc_department, burgerzaken, belastingen, afval):
    departments = {"burgerzaken": burgerzaken, "belastingen": belastingen, "afval": afval, "kcc": kcc_department}
    topics = _topics()
    articles = {}
    for code, title in CORPUS:
        dep = departments.get(code) or DepartmentFactory(code=code, name=code.replace("-", " ").title())
        departments[code] = dep
        t = topics[(code, title)]
        articles[title] = publish(title, t["body"], dep, question=t["question"], synonyms=t["synonyms"], tags=t["tags"])
    return articles


def titles(user, q, **kw):
    return [h.article.title for h in article_search(user=user, q=q, **kw)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Dutch stemming: verhuizen -> verhuizing
        ("verhuizen doorgeven", "Verhuizing doorgeven"),
        # typos (pg_trgm)
        ("paspoort verlengn", "Paspoort verlengen"),
        ("afvalpas kwijt", "Afvalpas kwijt of kapot"),
        ("grofvuul ophalen", "Grofvuil laten ophalen"),
        ("kwijtscheldig", "Kwijtschelding gemeentelijke belastingen"),
        # synonyms (weight B)
        ("adreswijziging", "Verhuizing doorgeven"),
        ("kliko stuk", "Container kapot of gestolen"),
        ("milieupas", "Afvalpas aanvragen"),
        ("woz te hoog", "Bezwaar maken tegen de WOZ-waarde"),
        ("lantaarnpaal", "Straatverlichting kapot"),
        # half-typed word while typing
        ("bijsta", "Bijstand aanvragen"),
    ],
)
def test_fixed_queries_find_the_expected_article_first(corpus, agent, query, expected):
    assert titles(agent, query)[:1] == [expected]


def test_stemming_finds_verhuizing_for_verhuizen_without_shared_word(publish, burgerzaken, agent):
    publish("Verhuizing doorgeven", "Geef de nieuwe woning door binnen vijf dagen.", burgerzaken)
    publish("Paspoort aanvragen", "Op afspraak aan de balie.", burgerzaken)
    assert titles(agent, "verhuizen") == ["Verhuizing doorgeven"]


def test_title_match_ranks_above_body_match(publish, burgerzaken, agent):
    publish("Uittreksel aanvragen", "Ook nodig bij een paspoort voor een kind soms.", burgerzaken)
    publish("Paspoort aanvragen", "Op afspraak aan de balie.", burgerzaken)
    assert titles(agent, "paspoort") == ["Paspoort aanvragen", "Uittreksel aanvragen"]


def test_synonym_match_ranks_above_body_match(publish, afval, agent):
    publish("Restafval scheiden", "Een kliko met restafval wordt om de week geleegd.", afval)
    publish("Container kapot", "Wordt gratis vervangen.", afval, synonyms="kliko, minicontainer")
    assert titles(agent, "kliko") == ["Container kapot", "Restafval scheiden"]


def test_recent_usage_lifts_an_equally_relevant_article(publish, afval, agent):
    from channels.models import ContactArticle
    from tests.channels.factories import ContactFactory

    first = publish("Afvalpas aanvragen", "Nieuwe afvalpas via het formulier.", afval)
    second = publish("Afvalpas vervangen", "Nieuwe afvalpas via het formulier.", afval)
    assert titles(agent, "afvalpas")[:2] == [first.title, second.title]  # tie: alphabetical
    for _ in range(5):
        ContactArticle.objects.create(contact=ContactFactory(), article=second, marked_by=agent)
    assert titles(agent, "afvalpas")[:2] == [second.title, first.title]


def test_usage_older_than_the_window_does_not_count(publish, afval, agent):
    from datetime import timedelta

    from django.utils import timezone

    from channels.models import ContactArticle
    from tests.channels.factories import ContactFactory

    publish("Afvalpas aanvragen", "Nieuwe afvalpas via het formulier.", afval)
    second = publish("Afvalpas vervangen", "Nieuwe afvalpas via het formulier.", afval)
    for _ in range(5):
        link = ContactArticle.objects.create(contact=ContactFactory(), article=second, marked_by=agent)
        ContactArticle.objects.filter(pk=link.pk).update(created_at=timezone.now() - timedelta(days=91))
    assert titles(agent, "afvalpas")[0] == "Afvalpas aanvragen"


def test_filters_by_department_and_tag(corpus, agent, afval):
    assert set(titles(agent, "kwijt", department=afval)) == {"Afvalpas kwijt of kapot"}
    from knowledgebase.models import Tag

    tag = Tag.objects.get(slug="reisdocumenten")
    result = titles(agent, "aanvragen", tag=tag)
    assert result and all(t.startswith(("Paspoort", "ID-kaart")) for t in result)


def test_drafts_and_archived_articles_are_not_found(publish, burgerzaken, editor, agent):
    from knowledgebase.services import article_archive, article_create

    article_create(user=editor, owner_department=burgerzaken, title="Paspoort concept", body="x")
    archived = publish("Paspoort oud", "x", burgerzaken)
    article_archive(user=editor, article=archived)
    assert titles(agent, "paspoort") == []


def test_matches_are_highlighted_and_escaped(publish, burgerzaken, agent):
    publish("Paspoort <b>aanvragen</b>", "Een **paspoort** vraagt u aan. <script>alert(1)</script>", burgerzaken)
    hit = article_search(user=agent, q="paspoort")[0]
    assert "<mark>Paspoort</mark>" in hit.title_html
    assert "&lt;b&gt;" in hit.title_html
    assert "<mark>paspoort</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html


HOSTILE = [
    "a & | ! ( :*", "'", "%", "Jan <jan@example.nl>", "", "   ", "x" * 1000, "paspoort " * 300,
    "\x00", "paspoort\x00verlengen", "'; DROP TABLE knowledgebase_article; --", "!!!", ":*", "(((", "&&",
    "\\", "\"unterminated", "<->", "a:* & b:*", "😀 paspoort", "ü é ß", "-paspoort", "OR AND NOT", "%_%",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_input_is_safe(corpus, agent, query):
    assert connection.vendor == "postgresql"
    article_search(user=agent, q=query)  # no exception
    article_suggest(user=agent, text=query)


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_input_through_the_view(corpus, login, agent, query):
    client = login(agent)
    response = client.get(reverse("knowledgebase:search"), {"q": query}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert Article.objects.count() == len(CORPUS)


def test_pasted_email_address_still_finds_by_its_words(publish, burgerzaken, agent):
    publish("Jan Jansen procedure", "Voorbeeld.", burgerzaken)
    assert titles(agent, "Jan <jan@example.nl>")[:1] == ["Jan Jansen procedure"]


def test_query_is_cleaned_and_bounded():
    assert clean_query("a\x00b\n c") == "a b c"
    assert len(clean_query("x" * 1000)) == 200
    assert query_tokens("Paspoort, paspoort! Café & ID-kaart") == ["paspoort", "cafe", "id", "kaart"]


def test_light_stemmer_joins_dutch_inflections():
    assert light_stem("verhuizen") == light_stem("verhuizing") == "verhuiz"
    assert light_stem("paspoorten") == "paspoort"


def test_sqlite_fallback_ranks_stemmed_title_and_typos(corpus, agent):
    qs = Article.objects.published()
    scored, objects = _fallback_search(qs, query_tokens("verhuizing doorgeven"), typo=True, candidates=5)
    assert objects[scored[0][0]].title == "Verhuizing doorgeven"
    scored, objects = _fallback_search(qs, query_tokens("grofvuul"), typo=True, candidates=5)
    assert objects[scored[0][0]].title == "Grofvuil laten ophalen"


def test_suggestion_from_a_contact_subject_and_question(corpus, agent):
    suggestions = article_suggest(user=agent, text="Verhuisd. Mevrouw wil haar nieuwe adres doorgeven en vraagt of dat online kan")
    assert suggestions[0].title == "Verhuizing doorgeven"
    assert len(suggestions) <= 5
    afval = article_suggest(user=agent, text="Afvalpas kwijt", limit=3)
    assert afval[0].title == "Afvalpas kwijt of kapot"


def test_suggestion_for_unrelated_text_is_empty(corpus, agent):
    assert article_suggest(user=agent, text="Goedemiddag") == []


def test_search_page_query_count_is_pinned(corpus, login, agent, django_assert_num_queries):
    client = login(agent)
    client.get(reverse("knowledgebase:search"), {"q": "paspoort"})  # warm caches (session, content types)
    # session, user, memberships, ranked candidate ids, usage counts, the hits, their tags
    with django_assert_num_queries(7):
        response = client.get(reverse("knowledgebase:search"), {"q": "paspoort"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    # The full page adds the department and tag filter options.
    with django_assert_num_queries(9):
        response = client.get(reverse("knowledgebase:search"), {"q": "paspoort"})
    assert response.status_code == 200
