import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kcc.core.constants import AddressKind
from kcc.core.models import Customer
from kcc.core.selectors import customer_list, parse_customer_query
from kcc.core.services import customer_address_add, customer_create

from .factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(agent):
    jan = customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011 ab", house_number=12, city="Voorbeeldstad", phone="06-12345678", email="Jan.Jansen@example.nl")
    kees = customer_create(user=agent, first_name="Kees", name_prefix="van der", last_name="Berg", postcode="1012CD", house_number=3, phone="020-1234567")
    anne = customer_create(user=agent, first_name="Anne", last_name="Jansen", postcode="1011AB", house_number=14)
    return jan, kees, anne


@pytest.mark.parametrize("q", ["06-12345678", "+31 6 1234 5678", "0031612345678", "0612345678"])
def test_search_by_phone_in_any_notation(agent, people, q):
    _, results = customer_list(user=agent, q=q)
    assert results == [people[0]]


def test_search_by_email_is_case_insensitive(agent, people):
    assert customer_list(user=agent, q="JAN.jansen@Example.nl")[1] == [people[0]]


def test_search_by_postcode_and_house_number(agent, people):
    assert customer_list(user=agent, q="1011 AB 12")[1] == [people[0]]
    assert set(customer_list(user=agent, q="1011ab")[1]) == {people[0], people[2]}


def test_search_by_name_ignores_case_accents_and_prefix(agent, people):
    assert customer_list(user=agent, q="jansen")[1] == [people[2], people[0]]
    assert customer_list(user=agent, q="van der berg")[1] == [people[1]]
    assert customer_list(user=agent, q="kees berg")[1] == [people[1]]


def test_query_parser_recognises_each_kind():
    assert parse_customer_query("06-12345678").kind == "phone"
    assert parse_customer_query("a@b.nl").kind == "email"
    assert parse_customer_query("1234AB 5").kind == "postcode"
    assert parse_customer_query("Jan <jan@example.nl>").kind == "name"
    assert parse_customer_query("  ").kind == "empty"


def test_search_page_runs_a_fixed_number_of_queries(login, agent, django_assert_num_queries):
    for i in range(30):
        c = CustomerFactory(last_name="Pietersen")
        customer_address_add(customer=c, kind=AddressKind.PHONE, value=f"0612{i:06d}")
    client = login(agent)
    url = reverse("core:customer_search")
    client.post(url, {"q": "pietersen"})  # warm session and caches
    with django_assert_num_queries(6):
        response = client.post(url, {"q": "pietersen"})
    assert response.status_code == 200
    assert response.content.decode().count("Pietersen") == 25


def test_search_htmx_returns_only_the_results_fragment(login, agent, people):
    response = login(agent).post(reverse("core:customer_search"), {"q": "jansen"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "Jan Jansen" in html
    assert "HX-Request" in response["Vary"]


def test_create_customer_with_invalid_bsn_and_postcode_is_refused_with_clear_errors(login, agent):
    response = login(agent).post(reverse("core:customer_create"), {"last_name": "Test", "postcode": "0123AB", "bsn": "123456789"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "elfproef" in html
    assert "geldige postcode" in html
    assert not Customer.objects.exists()


def test_create_customer_normalises_phone(agent):
    c = customer_create(user=agent, last_name="Test", phone="+31 6 1234 5678")
    assert c.addresses.get(kind=AddressKind.PHONE).value == "+31612345678"


def test_duplicate_bsn_is_refused(agent):
    customer_create(user=agent, last_name="A", bsn="123456782")
    with pytest.raises(ValidationError):
        customer_create(user=agent, last_name="B", bsn="123456782")


def test_name_search_has_a_trigram_index_on_postgresql():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'core_customer' AND indexname = 'core_customer_name_folded_trgm'")
        row = cursor.fetchone()
    assert row is not None and "gin_trgm_ops" in row[0]
