"""The command palette's backend (kcc/core/palette.py): POST only, role- and scope-checked,
logged like every customer search, a fixed number of queries, and calm about hostile input."""

import pytest
from django.urls import reverse

from kcc.core.constants import LogAction, Purpose
from kcc.core.models import ProcessingLogEntry
from kcc.core.palette import palette_search, parse_palette_query
from kcc.core.services import customer_create
from knowledgebase.services import article_create, article_publish
from tests.channels.factories import ContactFactory, TransferFactory

pytestmark = pytest.mark.django_db

URL = "/ga-naar/"


@pytest.fixture
def jan(agent):
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678")


@pytest.fixture
def passport(editor, burgerzaken):
    article = article_create(user=editor, owner_department=burgerzaken, title="Paspoort aanvragen", body="Een paspoort vraag je aan bij de balie.")
    article_publish(user=editor, article=article, summary="Eerste versie")
    return article


def post(client, q, **headers):
    return client.post(URL, {"q": q}, HTTP_HX_REQUEST="true", **headers)


def test_url_is_reversed_by_name():
    assert reverse("core:palette") == URL


def test_get_is_refused_so_the_text_never_lands_in_a_url(login, agent):
    assert login(agent).get(URL, {"q": "Jansen"}).status_code == 405


def test_anonymous_is_sent_to_login(client):
    response = client.post(URL, {"q": "x"})
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_customer_by_name_phone_and_number_is_found_and_logged(login, agent, jan):
    client = login(agent)
    for q in ("Jansen", "06 1234 5678", str(jan.pk), f"#{jan.pk}"):
        html = post(client, q).content.decode()
        assert f'data-href="{reverse("core:customer_detail", args=[jan.pk])}"' in html, q
        assert 'role="option"' in html
    entries = ProcessingLogEntry.objects.filter(customer=jan, action=LogAction.SEARCH, purpose=Purpose.IDENTIFY, context="opdrachtpalet")
    assert entries.count() == 4


def test_nothing_found_logs_nothing(login, agent, jan):
    html = post(login(agent), "Pietersen").content.decode()
    assert "Niets gevonden" in html
    assert ProcessingLogEntry.objects.filter(context="opdrachtpalet").count() == 0


def test_contact_by_number_within_scope_only(login, agent, backoffice_belastingen, belastingen):
    mine = ContactFactory(subject="Aanslag te hoog")
    other = ContactFactory(subject="Afvalpas kwijt")
    TransferFactory(contact=mine, to_department=belastingen)
    url_mine = reverse("channels:contact_detail", args=[mine.pk])
    url_other = reverse("channels:contact_detail", args=[other.pk])
    assert url_other in post(login(agent), str(other.pk)).content.decode()
    client = login(backoffice_belastingen)
    assert url_mine in post(client, f"#{mine.pk}").content.decode()
    assert url_other not in post(client, f"#{other.pk}").content.decode()


def test_back_office_gets_no_customers_and_editor_no_contacts(login, backoffice_belastingen, editor, jan):
    html = post(login(backoffice_belastingen), "Jansen").content.decode()
    assert "Jan Jansen" not in html
    contact = ContactFactory(customer=jan)
    html = post(login(editor), str(contact.pk)).content.decode()
    assert reverse("channels:contact_detail", args=[contact.pk]) not in html
    assert reverse("core:customer_detail", args=[jan.pk]) not in html


def test_articles_come_from_the_knowledge_base_search(login, agent, passport):
    html = post(login(agent), "paspoort").content.decode()
    assert f'data-href="{reverse("knowledgebase:article_detail", args=[passport.pk])}"' in html
    assert "Paspoort aanvragen" in html


def test_actions_are_the_users_own_navigation(login, agent, editor):
    html = post(login(agent), "werkvoor").content.decode()
    assert f'data-href="{reverse("channels:inbox")}"' in html
    html = post(login(editor), "").content.decode()
    assert f'data-href="{reverse("channels:inbox")}"' not in html  # not in the editor's menu
    assert reverse("knowledgebase:editorial") in html


def test_without_htmx_a_plain_page_with_links(login, agent, jan):
    response = login(agent).post(URL, {"q": "Jansen"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert f'href="{reverse("core:customer_detail", args=[jan.pk])}"' in html
    assert response["Vary"].count("HX-Request") == 1
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("q", ["x" * 101, "Jan\x00sen"])
def test_hostile_input_gets_a_422_with_the_field_error(login, agent, q):
    response = post(login(agent), q)
    assert response.status_code == 422
    assert 'id="kcc-palette-error"' in response.content.decode()


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", "' OR 1=1 --", "%%%", "‮evil", "#" * 50, "1" * 30])
def test_odd_input_is_harmless(login, agent, jan, q):
    response = post(login(agent), q)
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_query_count_is_pinned(login, agent, jan, passport, django_assert_num_queries):
    client = login(agent)
    post(client, "Jansen")  # warm up: session, memberships
    # session, user, memberships; customers, their addresses (prefetch), one log INSERT for all
    # of them; the article search's ranking (no article matches). No query per result.
    with django_assert_num_queries(7):
        assert post(client, "Jansen").status_code == 200
    customer_create(user=agent, first_name="Jannie", last_name="Jansen")
    with django_assert_num_queries(7):
        assert post(client, "Jansen").status_code == 200


def test_parse_number_and_text():
    assert parse_palette_query(" #123 ").number == 123
    assert parse_palette_query("123").number == 123
    assert parse_palette_query("Jan 123").number is None
    assert parse_palette_query("  Élise   Bakker ").folded == "elise bakker"


def test_palette_search_is_usable_as_a_selector(agent, jan):
    query, items = palette_search(user=agent, q="Jansen")
    assert query.text == "Jansen"
    assert [i.kind for i in items if i.kind == "customer"] == ["customer"]
