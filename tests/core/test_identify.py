"""Caller identification (issue 11, item 3): one confident hit or candidates, within scope."""

from datetime import date

import pytest
from django.utils import timezone

from kcc.core.access import roles_of
from kcc.core.identify import Identification, clean_query, identify_caller
from kcc.core.models import Customer
from kcc.core.services import customer_create

pytestmark = pytest.mark.django_db


def _born(customer, day):
    Customer.objects.filter(pk=customer.pk).update(birth_date=day)
    customer.birth_date = day
    return customer


@pytest.fixture
def people(agent):
    jan = customer_create(
        user=agent, first_name="Jan", last_name="Jansen", postcode="1011 ab", house_number=12,
        phone="06-12345678", email="Jan.Jansen@example.nl",
    )
    anne = customer_create(user=agent, first_name="Anne", last_name="Jansen", postcode="1011AB", house_number=14, house_number_addition="A")
    piet = customer_create(user=agent, first_name="Piet", last_name="Jansen", postcode="1011AB", house_number=14, house_number_addition="B")
    loket = customer_create(user=agent, first_name="Gemeente", last_name="Loket", phone="14 020")
    _born(jan, date(1980, 3, 12))
    _born(anne, date(1975, 6, 1))
    return {"jan": jan, "anne": anne, "piet": piet, "loket": loket}


@pytest.mark.parametrize("q", ["06-12345678", "06 12 34 56 78", "0612345678", "+31 6 1234 5678", "+31612345678", "0031612345678", "(06) 1234-5678"])
def test_exact_phone_in_any_notation_is_confident(agent, people, q):
    result = identify_caller(user=agent, query=q)
    assert result.confident == people["jan"]
    assert result.reason == "phone"
    assert result.candidates == [people["jan"]]


@pytest.mark.parametrize("q", ["14 020", "14020", "+3114020"])
def test_municipal_14_0xx_number_is_confident(agent, people, q):
    result = identify_caller(user=agent, query=q)
    assert (result.confident, result.reason) == (people["loket"], "phone")


def test_exact_email_ignores_case(agent, people):
    result = identify_caller(user=agent, query="  JAN.jansen@Example.NL ")
    assert (result.confident, result.reason) == (people["jan"], "email")


@pytest.mark.parametrize("q", ["1011 AB 12", "1011AB12", "1011ab 12", " 1011 ab  12 "])
def test_postcode_and_house_number_is_confident(agent, people, q):
    result = identify_caller(user=agent, query=q)
    assert (result.confident, result.reason) == (people["jan"], "postcode_number")


@pytest.mark.parametrize(("q", "who"), [("1011 AB 14-A", "anne"), ("1011AB 14 b", "piet"), ("1011AB14A", "anne")])
def test_postcode_number_and_addition_picks_the_one_at_that_addition(agent, people, q, who):
    result = identify_caller(user=agent, query=q)
    assert result.confident == people[who]
    assert result.reason == "postcode_number"
    # The neighbour at the same number stays a candidate, after the confident hit.
    assert result.candidates[0] == people[who]
    assert set(result.candidates) == {people["anne"], people["piet"]}


def test_postcode_and_number_with_two_residents_gives_candidates_only(agent, people):
    result = identify_caller(user=agent, query="1011 AB 14")
    assert result.confident is None
    assert result.reason == "postcode_number"
    assert set(result.candidates) == {people["anne"], people["piet"]}


def test_postcode_without_number_is_never_confident(agent, people):
    result = identify_caller(user=agent, query="1011 AB")
    assert result.confident is None
    assert result.reason == ""
    assert set(result.candidates) == set(people.values()) - {people["loket"]}


@pytest.mark.parametrize("q", ["Jansen 12-03-1980", "12-03-1980 jansen", "jan jansen 12/3/1980", "Jansen 1980-03-12", "JANSEN 12.03.1980"])
def test_unique_name_and_birth_date_is_confident(agent, people, q):
    result = identify_caller(user=agent, query=q)
    assert (result.confident, result.reason) == (people["jan"], "name_birth_date")


def test_name_and_birth_date_shared_by_two_gives_candidates_only(agent, people):
    twin = _born(customer_create(user=agent, first_name="Joop", last_name="Jansen"), date(1980, 3, 12))
    result = identify_caller(user=agent, query="Jansen 12-03-1980")
    assert result.confident is None
    assert result.reason == "name_birth_date"
    assert set(result.candidates) == {people["jan"], twin}


def test_name_and_birth_date_needs_whole_words(agent, people):
    # "jans" is part of "jansen" (a candidate) but not the name: not confident.
    result = identify_caller(user=agent, query="jans 12-03-1980")
    assert result.confident is None
    assert result.candidates == [people["jan"]]


def test_impossible_date_is_just_text(agent, people):
    result = identify_caller(user=agent, query="Jansen 31-02-1980")
    assert result.confident is None
    assert result.candidates == []


def test_a_name_alone_is_never_confident(agent, people):
    result = identify_caller(user=agent, query="Loket")
    assert result.confident is None
    assert result.reason == ""
    assert result.candidates == [people["loket"]]


def test_shared_phone_gives_candidates_only(agent, people):
    partner = customer_create(user=agent, first_name="Els", last_name="Jansen", phone="+31612345678")
    result = identify_caller(user=agent, query="06-12345678")
    assert result.confident is None
    assert result.reason == "phone"
    assert set(result.candidates) == {people["jan"], partner}


def test_more_matches_than_the_limit_are_never_confident(agent):
    for n in range(3):
        customer_create(user=agent, last_name=f"Huis{n}", postcode="2000AA", house_number=1, house_number_addition=str(n))
    customer_create(user=agent, last_name="Laatste", postcode="2000AA", house_number=1)
    result = identify_caller(user=agent, query="2000AA 1", limit=2)
    assert result.confident is None
    assert len(result.candidates) == 2


def test_unknown_caller_gives_nothing(agent, people):
    result = identify_caller(user=agent, query="06-87654321")
    assert result == Identification(confident=None, candidates=[], reason="phone")


# --- scope -------------------------------------------------------------------------------


def test_restricted_customer_is_never_found(agent, people):
    Customer.objects.filter(pk=people["jan"].pk).update(restricted_at=timezone.now())
    for q in ("06-12345678", "jan.jansen@example.nl", "1011AB 12", "Jansen 12-03-1980"):
        result = identify_caller(user=agent, query=q)
        assert result.confident is None
        assert people["jan"] not in result.candidates


def test_merged_away_customer_is_not_found(agent, people):
    survivor = customer_create(user=agent, first_name="Jan", last_name="Jansen")
    Customer.objects.filter(pk=people["jan"].pk).update(merged_into=survivor)
    assert identify_caller(user=agent, query="06-12345678").candidates == []


def test_erased_shell_is_not_found(agent, people):
    Customer.objects.filter(pk=people["anne"].pk).update(erased_at=timezone.now())
    result = identify_caller(user=agent, query="1011 AB 14")
    assert result.candidates == [people["piet"]]
    assert result.confident == people["piet"]


def test_back_office_without_work_for_the_resident_finds_no_one(backoffice_belastingen, people):
    result = identify_caller(user=backoffice_belastingen, query="06-12345678")
    assert result == Identification(confident=None, candidates=[], reason="phone")


def test_identify_does_not_write_the_processing_log(agent, people):
    from kcc.core.models import ProcessingLogEntry

    before = ProcessingLogEntry.objects.count()
    identify_caller(user=agent, query="06-12345678")
    assert ProcessingLogEntry.objects.count() == before


# --- odd input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "\u202e87654321-60",  # right-to-left override
        "\u202e06-12345678",
        "Jansen \u200b\u2066 \u202c",
        "😀📞 Jansen 🏠",
        "x" * 500,
        "1" * 500,
        "06-" + "9" * 497,
        "'; DROP TABLE core_customer; --",
        "%' OR 1=1 --",
        "Jansen\x00",
        "\x00\x01\x1b[31m",
        "_%_%_",
        "@",
        "a@",
        "1011 AB 99999",
        "1011 AB 0",
        "00-00-0000",
        "99-99-9999 Jansen",
        "+",
        "\ud800",  # a lone surrogate
    ],
)
def test_odd_input_never_raises(agent, people, q):
    result = identify_caller(user=agent, query=q)
    assert isinstance(result, Identification)
    assert result.confident is None or result.confident in people.values()


def test_rtl_override_around_a_phone_is_ignored(agent, people):
    result = identify_caller(user=agent, query="\u202e06-12345678\u202c")
    assert result.confident == people["jan"]


def test_clean_query_drops_control_and_format_characters():
    assert clean_query("\u202eJan\x00 \u200bJansen\n") == "Jan Jansen"
    assert len(clean_query("x" * 5000)) == 200


# --- cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["06-12345678", "1011AB 14", "Jansen 12-03-1980", "jan"])
def test_identify_costs_two_queries(agent, people, django_assert_num_queries, q):
    roles_of(agent)  # the memberships are cached per request
    with django_assert_num_queries(2):
        identify_caller(user=agent, query=q)


def test_identify_without_hits_costs_one_query(agent, people, django_assert_num_queries):
    roles_of(agent)
    with django_assert_num_queries(1):
        identify_caller(user=agent, query="06-87654321")
