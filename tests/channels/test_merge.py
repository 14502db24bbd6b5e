"""Merge done right: the team lead's list of probable duplicates, the per-field choice of the
surviving values, and the confirmation step without which nothing is merged."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.models import Contact
from channels.services import customer_merge, merge_differences
from kcc.core.constants import AddressKind, LogAction
from kcc.core.duplicates import (
    REASON_EMAIL,
    REASON_NAME_BIRTH_DATE,
    REASON_NAME_POSTCODE,
    REASON_PHONE,
    duplicate_groups,
)
from kcc.core.models import Customer, ProcessingLogEntry
from tests.core.factories import CustomerFactory, DigitalAddressFactory

from .factories import ContactFactory

NOW = timezone.now()


@pytest.fixture
def pair(db):
    """Two records of one resident: the older one (stays) and a newer duplicate."""
    target = CustomerFactory(first_name="Jan", last_name="Jansen", street="Dorpsstraat", house_number=1, postcode="1011AB", city="Voorbeeldstad", birth_date=None)
    source = CustomerFactory(first_name="J.", last_name="Jansen", street="Kerkweg", house_number=7, postcode="2022CD", city="Elders", birth_date=dt.date(1970, 5, 1), bsn="123456782")
    DigitalAddressFactory(customer=target, kind=AddressKind.PHONE, value="+31612345678")
    DigitalAddressFactory(customer=source, kind=AddressKind.PHONE, value="+31612345678")
    DigitalAddressFactory(customer=source, kind=AddressKind.EMAIL, value="jan@example.nl")
    ContactFactory.create_batch(2, customer=source)
    return source, target


# --- the list of probable duplicates ------------------------------------------------------------


def test_duplicate_groups_per_reason(teamlead, pair):
    source, target = pair
    lone = CustomerFactory()
    DigitalAddressFactory(customer=lone, kind=AddressKind.PHONE, value="+31699999999")
    twins = [CustomerFactory(first_name="Piet", last_name="Bakker", birth_date=dt.date(1980, 1, 2), postcode="3033EF") for _ in range(3)]
    groups = duplicate_groups(user=teamlead, reason=REASON_PHONE).groups
    assert [[c.pk for c in g.customers] for g in groups] == [[target.pk, source.pk]]
    assert "12345678" in groups[0].shared.replace(" ", "").replace("-", "")
    assert duplicate_groups(user=teamlead, reason=REASON_EMAIL).groups == []
    assert [[c.pk for c in g.customers] for g in duplicate_groups(user=teamlead, reason=REASON_NAME_BIRTH_DATE).groups] == [[t.pk for t in twins]]
    assert [[c.pk for c in g.customers] for g in duplicate_groups(user=teamlead, reason=REASON_NAME_POSTCODE).groups] == [[t.pk for t in twins]]


@pytest.mark.parametrize("hidden", [{"restricted_at": NOW}, {"erased_at": NOW}, {"merged_into_id": "other"}])
def test_duplicate_groups_leave_out_merged_restricted_and_erased_records(teamlead, pair, hidden):
    source, target = pair
    if hidden.get("merged_into_id"):
        hidden = {"merged_into_id": CustomerFactory().pk}
    Customer.objects.filter(pk=source.pk).update(**hidden)
    assert duplicate_groups(user=teamlead, reason=REASON_PHONE).groups == []


def test_duplicate_groups_are_keyset_paged_with_an_id_cursor(teamlead):
    for i in range(5):
        for _ in range(2):
            DigitalAddressFactory(customer=CustomerFactory(), kind=AddressKind.PHONE, value=f"+3162000000{i}")
    first = duplicate_groups(user=teamlead, reason=REASON_PHONE, size=2)
    assert len(first.groups) == 2 and isinstance(first.next_cursor, int)
    second = duplicate_groups(user=teamlead, reason=REASON_PHONE, after=first.next_cursor, size=2)
    third = duplicate_groups(user=teamlead, reason=REASON_PHONE, after=second.next_cursor, size=2)
    shared = [g.shared for page in (first, second, third) for g in page.groups]
    assert len(shared) == len(set(shared)) == 5 and third.next_cursor is None


def test_duplicate_list_page_for_team_leads_only_with_fixed_queries(login, teamlead, agent, pair, django_assert_num_queries):
    source, target = pair
    url = reverse("channels:customer_duplicates")
    assert login(agent).get(url).status_code == 403
    client = login(teamlead)
    client.get(url)
    with django_assert_num_queries(DUPLICATE_QUERIES):
        html = client.get(url).content.decode()
    assert f"#{source.pk} J. Jansen" in html and f"source={source.pk}&amp;target={target.pk}" in html
    # Every customer shown is in the processing log; the cursor in the URL is an id, not a value.
    assert ProcessingLogEntry.objects.filter(customer=source, context="dubbele klanten").exists()
    for i in range(25):
        for _ in range(2):
            DigitalAddressFactory(customer=CustomerFactory(), kind=AddressKind.PHONE, value=f"+3163000{i:04d}")
    with django_assert_num_queries(DUPLICATE_QUERIES):
        html = client.get(url).content.decode()
    assert html.count('data-testid="duplicate-group"') == 20 and "+316" not in html.split("Volgende pagina")[0].split("na=")[-1]
    assert client.get(url, {"soort": "bestaat-niet", "na": "x"}).status_code == 200


# session, user, roles, the cursor's value, the page of values, their customers, the log insert
DUPLICATE_QUERIES = 6


# --- per-field merge ----------------------------------------------------------------------------


def test_differences_and_per_field_merge(teamlead, pair):
    source, target = pair
    assert merge_differences(source, target) == ["first_name", "birth_date", "address"]
    survivor = customer_merge(user=teamlead, source=source, target=target, take_from_source=["birth_date", "address"])
    survivor.refresh_from_db()
    assert (survivor.first_name, survivor.birth_date) == ("Jan", dt.date(1970, 5, 1))
    assert (survivor.street, survivor.house_number, survivor.postcode, survivor.city) == ("Kerkweg", 7, "2022CD", "Elders")
    assert survivor.bsn == "123456782"  # only the duplicate had one
    assert Contact.objects.filter(customer=survivor).count() == 2
    entries = ProcessingLogEntry.objects.filter(action=LogAction.MERGE)
    assert {e.customer_ref for e in entries} == {source.pk, target.pk}
    context = entries.first().context
    assert context == f"klant {source.pk} samengevoegd met {target.pk}; overgenomen van {source.pk}: birth_date, address"
    assert "Kerkweg" not in context  # field names, never values


def test_unknown_field_refuses_the_merge(teamlead, pair):
    from kcc.core.exceptions import DomainError

    source, target = pair
    with pytest.raises(DomainError):
        customer_merge(user=teamlead, source=source, target=target, take_from_source=["bsn"])
    source.refresh_from_db()
    assert source.merged_into_id is None


# --- the screen: compare, confirm, merge ------------------------------------------------------------


def test_merge_screen_shows_numbers_and_a_radio_per_differing_field(login, teamlead, pair):
    source, target = pair
    html = login(teamlead).get(reverse("channels:customer_merge"), {"source": source.pk, "target": target.pk}).content.decode()
    assert f"Dubbel record #{source.pk}" in html and f"Record dat blijft #{target.pk}" in html
    assert html.count('data-testid="merge-choice"') == 3
    assert 'name="keep_first_name"' in html and 'name="keep_birth_date"' in html and 'name="keep_address"' in html
    assert 'name="keep_last_name"' not in html  # the same in both
    # The survivor's value is chosen, unless it is empty.
    assert re.search(r'name="keep_first_name" value="target"[^>]*checked', html)
    assert re.search(r'name="keep_birth_date" value="source"[^>]*checked', html)


def test_no_merge_without_confirmation(login, teamlead, pair):
    source, target = pair
    url = reverse("channels:customer_merge")
    data = {"source": source.pk, "target": target.pk, "keep_first_name": "target", "keep_birth_date": "source", "keep_address": "source"}
    response = login(teamlead).post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "Samenvoegen bevestigen" in html
    assert f"Resultaat: klant #{target.pk}" in html and "Kerkweg 7" in html and "1 mei 1970" in html
    source.refresh_from_db()
    assert source.merged_into_id is None and not ProcessingLogEntry.objects.filter(action=LogAction.MERGE).exists()
    response = login(teamlead).post(url, {**data, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("core:customer_detail", args=[target.pk])
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into_id == target.pk and target.street == "Kerkweg" and target.first_name == "Jan"


def test_a_missing_choice_is_a_clear_error_and_merges_nothing(login, teamlead, pair):
    source, target = pair
    response = login(teamlead).post(reverse("channels:customer_merge"), {"source": source.pk, "target": target.pk, "confirm": "1"})
    assert response.status_code == 422 and "Kies per veld welke waarde blijft." in response.content.decode()
    assert Customer.objects.get(pk=source.pk).merged_into_id is None


def test_merge_screen_is_for_team_leads_and_404_outside_scope(login, agent, teamlead, pair):
    source, target = pair
    url = reverse("channels:customer_merge")
    assert login(agent).get(url, {"source": source.pk, "target": target.pk}).status_code == 403
    assert login(teamlead).get(url, {"source": 999999, "target": target.pk}).status_code == 404
