"""Probable duplicates (issue 11, item 3): "Nieuwe klant" warns before saving."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kcc.core.access import roles_of
from kcc.core.constants import LogAction
from kcc.core.duplicates import probable_duplicates
from kcc.core.models import Customer, ProcessingLogEntry
from kcc.core.services import customer_create
from tests.channels.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jan(agent):
    c = customer_create(
        user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12,
        phone="06-12345678", email="jan@example.nl", bsn="123456782", birth_date=date(1980, 3, 12),
    )
    return c


def _dups(agent, **kwargs):
    return {d.customer: d.reasons for d in probable_duplicates(user=agent, **kwargs)}


# --- the rules ---------------------------------------------------------------------------


def test_same_phone(agent, jan):
    assert _dups(agent, last_name="Anders", phone="+31612345678") == {jan: ("phone",)}


def test_same_email(agent, jan):
    assert _dups(agent, last_name="Anders", email="jan@example.nl") == {jan: ("email",)}


def test_same_bsn(agent, jan):
    assert _dups(agent, last_name="Anders", bsn="123456782") == {jan: ("bsn",)}


def test_same_name_and_birth_date_ignoring_case_and_accents(agent, jan):
    assert _dups(agent, first_name="JAN", last_name="Jánsen", birth_date=date(1980, 3, 12)) == {jan: ("name_birth_date",)}


def test_same_name_and_postcode(agent, jan):
    assert _dups(agent, first_name="Jan", last_name="Jansen", postcode="1011AB") == {jan: ("name_postcode",)}


def test_every_matching_reason_is_named(agent, jan):
    found = _dups(agent, first_name="Jan", last_name="Jansen", postcode="1011AB", birth_date=date(1980, 3, 12), phone="+31612345678", email="jan@example.nl", bsn="123456782")
    assert found == {jan: ("phone", "email", "bsn", "name_birth_date", "name_postcode")}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"first_name": "Jan", "last_name": "Jansen"},  # the name alone is not enough
        {"first_name": "Jan", "last_name": "Jansen", "birth_date": date(1980, 3, 13)},
        {"first_name": "Jan", "last_name": "Jansen", "postcode": "1012AB"},
        {"first_name": "Piet", "last_name": "Jansen", "postcode": "1011AB"},
        {"last_name": "Jansen", "birth_date": date(1980, 3, 12)},  # a different full name
        {"last_name": "Anders", "phone": "+31612345679", "email": "jan2@example.nl"},
        {},
    ],
)
def test_no_duplicate_without_a_rule(agent, jan, kwargs):
    assert _dups(agent, **kwargs) == {}


def test_the_customer_itself_is_excluded(agent, jan):
    assert _dups(agent, first_name="Jan", last_name="Jansen", phone="+31612345678", exclude_pk=jan.pk) == {}


def test_restricted_merged_and_erased_customers_are_not_shown(agent, jan):
    other = customer_create(user=agent, first_name="Jan", last_name="Jansen", phone="06-12345678")
    Customer.objects.filter(pk=jan.pk).update(restricted_at=timezone.now())
    assert _dups(agent, last_name="X", phone="+31612345678") == {other: ("phone",)}
    survivor = customer_create(user=agent, last_name="Overlevende")
    Customer.objects.filter(pk=other.pk).update(merged_into=survivor)
    assert _dups(agent, last_name="X", phone="+31612345678") == {}
    Customer.objects.filter(pk=survivor.pk).update(erased_at=timezone.now())
    assert _dups(agent, first_name="", last_name="Overlevende", postcode="") == {}


def test_back_office_sees_no_duplicates_outside_its_scope(backoffice_belastingen, jan):
    assert probable_duplicates(user=backoffice_belastingen, last_name="X", phone="+31612345678") == []


def test_duplicates_cost_two_queries(agent, jan, django_assert_num_queries):
    roles_of(agent)
    with django_assert_num_queries(2):
        probable_duplicates(
            user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", birth_date=date(1980, 3, 12),
            phone="+31612345678", email="jan@example.nl", bsn="123456782",
        )


def test_duplicates_query_uses_indexes_only(agent, jan):
    """With sequential scans disabled PostgreSQL still finds an index path for every branch of
    the query: no branch needs a scan of the whole customer or address table."""
    for n in range(50):
        customer_create(user=agent, first_name="P", last_name=f"Persoon{n}", postcode="2000AA", phone=f"06-2000{n:04d}")
    qs_holder = {}

    from django.db.models.query import QuerySet

    original = QuerySet._fetch_all

    def capture(self):
        if self.model is Customer and "probable" not in qs_holder:
            qs_holder["probable"] = self
        return original(self)

    QuerySet._fetch_all = capture
    try:
        probable_duplicates(
            user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", birth_date=date(1980, 3, 12),
            phone="+31612345678", email="jan@example.nl", bsn="123456782",
        )
    finally:
        QuerySet._fetch_all = original
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs_holder["probable"].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    assert "core_customer_name_birth_idx" in plan or "name_birth" in plan, plan


# --- the form ----------------------------------------------------------------------------


def test_new_customer_with_same_name_and_phone_is_warned_then_saved_after_confirm(login, agent, jan):
    client = login(agent)
    data = {"first_name": "Jan", "last_name": "Jansen", "phone": "06 12 34 56 78"}
    response = client.post(reverse("core:customer_create"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert f"klantnummer {jan.pk}, Jan Jansen" in html  # the non-field error lists number and name
    assert 'data-testid="duplicates"' in html
    assert 'name="confirm_duplicate"' in html
    assert "Toch aanmaken" in html
    assert Customer.objects.count() == 1
    assert ProcessingLogEntry.objects.filter(customer=jan, action=LogAction.SEARCH, context="mogelijke dubbele klant").exists()

    response = client.post(reverse("core:customer_create"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Customer.objects.count() == 2


def test_form_without_duplicates_has_no_warning_and_no_checkbox(login, agent):
    response = login(agent).get(reverse("core:customer_create"))
    html = response.content.decode()
    assert 'name="confirm_duplicate"' not in html
    assert 'name="birth_date"' in html


def test_birth_date_is_saved_and_used_for_duplicates(login, agent):
    client = login(agent)
    response = client.post(reverse("core:customer_create"), {"first_name": "Anne", "last_name": "Bos", "birth_date": "01-06-1975"})
    assert response.status_code == 302
    assert Customer.objects.get().birth_date == date(1975, 6, 1)
    response = client.post(reverse("core:customer_create"), {"first_name": "anne", "last_name": "BOS", "birth_date": "1975-06-01"})
    assert response.status_code == 422
    assert "Anne Bos" in response.content.decode()


@pytest.mark.parametrize("value", ["31-02-1980", "01-01-1800", "01-01-2999", "morgen"])
def test_bad_birth_date_is_a_field_error(login, agent, value):
    response = login(agent).post(reverse("core:customer_create"), {"last_name": "Bos", "birth_date": value})
    assert response.status_code == 422
    assert 'id="id_birth_date_error"' in response.content.decode()


def test_confirmed_duplicate_bsn_is_still_refused_on_the_field(login, agent, jan):
    response = login(agent).post(reverse("core:customer_create"), {"last_name": "Anders", "bsn": "123456782", "confirm_duplicate": "on"})
    assert response.status_code == 422
    assert 'id="id_bsn_error"' in response.content.decode()
    assert Customer.objects.count() == 1


def test_customer_from_contact_warns_about_duplicates_then_links_after_confirm(login, agent, jan):
    contact = ContactFactory()
    client = login(agent)
    url = reverse("channels:contact_customer_create", args=[contact.pk])
    data = {"first_name": "J.", "last_name": "Jansen", "email": "JAN@example.nl"}
    response = client.post(url, data)
    assert response.status_code == 422
    assert f"klantnummer {jan.pk}, Jan Jansen" in response.content.decode()
    contact.refresh_from_db()
    assert contact.customer is None
    response = client.post(url, {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.customer.full_name == "J. Jansen"


def test_duplicate_warning_costs_a_fixed_number_of_queries(login, agent, jan, django_assert_num_queries):
    for n in range(5):
        customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", email=f"jan{n}@example.nl")
    client = login(agent)
    url = reverse("core:customer_create")
    data = {"first_name": "Jan", "last_name": "Jansen", "postcode": "1011 AB"}
    client.post(url, data)  # warm session and caches
    # session, user, memberships, the duplicates (one UNION query + their addresses), the log insert
    with django_assert_num_queries(6):
        response = client.post(url, data)
    assert response.status_code == 422
    assert response.content.decode().count("Jan Jansen") >= 6


def test_customer_page_shows_the_date_of_birth(login, agent, jan):
    html = login(agent).get(reverse("core:customer_detail", args=[jan.pk])).content.decode()
    assert "Geboortedatum" in html and "12 mrt 1980" in html
