"""The desk's BRP and case panels (kcc/commonground/views.py) against the loopback doubles."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from callbacks.models import CallbackRequest
from channels.constants import ContactStatus
from kcc.core.constants import LogAction
from kcc.core.models import ProcessingLogEntry
from kcc.core.services import customer_create, customer_update
from tests.channels.factories import ContactFactory

from .conftest import GEHEIM, NO_CASES, OVERLEDEN, SUZANNE

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def suzanne(agent):
    return customer_create(user=agent, first_name="S.", last_name="Moulin", postcode="1011AB", house_number=12, bsn=SUZANNE)


@pytest.fixture
def contact(agent, suzanne):
    return ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=suzanne)


def post(client, name, contact, data=None):
    return client.post(reverse(f"commonground:{name}", args=[contact.pk]), data or {}, **HX)


def lookups_logged(customer):
    return list(ProcessingLogEntry.objects.filter(customer=customer, action=LogAction.EXTERNAL_LOOKUP).values_list("context", flat=True))


# --- the desk ----------------------------------------------------------------------------------


def test_desk_shows_both_panels_as_lazy_placeholders_without_calling_the_remotes(login, agent, contact, brp, zaken):
    resp = login(agent).get(reverse("channels:contact_detail", args=[contact.pk]))
    html = resp.content.decode()
    assert 'data-testid="brp-panel"' in html and 'data-testid="cases-panel"' in html
    assert reverse("commonground:brp_panel", args=[contact.pk]) in html
    assert brp.requests == [] and zaken.requests == []  # the desk's own response makes no remote call


def test_no_panels_when_not_configured_or_not_a_municipality_or_no_caller(login, agent, contact, settings, doubles):
    client = login(agent)
    url = reverse("channels:contact_detail", args=[contact.pk])
    settings.KCC_ORGANISATION_KIND = "woningcorporatie"
    assert b"brp-panel" not in client.get(url).content
    assert post(client, "brp_panel", contact).status_code == 404
    settings.KCC_ORGANISATION_KIND = "gemeente"
    settings.KCC_BRP_URL = ""
    html = client.get(url).content
    assert b"brp-panel" not in html and b"cases-panel" in html
    unidentified = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent)
    assert b"cases-panel" not in client.get(reverse("channels:contact_detail", args=[unidentified.pk])).content


def test_panels_are_post_only_and_for_kcc_roles(login, agent, backoffice_belastingen, contact, doubles):
    client = login(agent)
    assert client.get(reverse("commonground:brp_panel", args=[contact.pk])).status_code == 405
    client = login(backoffice_belastingen)
    assert post(client, "brp_panel", contact).status_code == 403


# --- BRP ---------------------------------------------------------------------------------------


def test_brp_panel_looks_up_the_customers_bsn_and_logs_it_without_the_bsn(login, agent, contact, suzanne, brp):
    resp = post(login(agent), "brp_panel", contact)
    html = resp.content.decode()
    assert resp.status_code == 200 and "<html" not in html  # only the fragment
    assert "Suzanne Moulin" in html and "Damstraat 12A, 1011 AB Voorbeeldstad" in html
    assert SUZANNE not in html.replace(f'value="{SUZANNE}"', "")  # shown masked (only the adopt form carries it)
    assert "******653" in html
    assert lookups_logged(suzanne) == [f"brp:bsn contact {contact.pk}"]
    entry = ProcessingLogEntry.objects.get(customer=suzanne, action=LogAction.EXTERNAL_LOOKUP)
    assert entry.username == "agent" and entry.purpose == "identify"


def test_confidential_person_shows_a_warning_and_no_address(login, agent, brp):
    customer = customer_create(user=agent, last_name="Geheim", bsn=GEHEIM)
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=customer)
    html = post(login(agent), "brp_panel", contact).content.decode()
    assert 'data-testid="brp-confidential"' in html
    assert "Verborgenlaan" not in html and "1012" not in html


def test_deceased_person_is_marked_and_cannot_be_adopted(login, agent, brp):
    customer = customer_create(user=agent, last_name="Overleden", bsn=OVERLEDEN)
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=customer)
    html = post(login(agent), "brp_panel", contact).content.decode()
    assert 'data-testid="brp-deceased"' in html and 'data-testid="brp-adopt"' not in html


def test_without_bsn_the_panel_offers_the_search_and_looks_nothing_up(login, agent, brp):
    customer = customer_create(user=agent, last_name="Moulin", postcode="1011AB", house_number=12)
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=customer)
    html = post(login(agent), "brp_panel", contact).content.decode()
    assert 'data-testid="brp-search"' in html and brp.requests == []


@pytest.mark.parametrize(
    ("data", "context"),
    [
        ({"bsn": "999 99 3653"}, "brp:bsn"),
        ({"surname": "Moulin", "birth_date": "04-03-1985"}, "brp:surname+birthdate"),
        ({"postcode": "1011 ab", "house_number": "12"}, "brp:postcode+housenumber"),
    ],
)
def test_brp_search_three_ways(login, agent, contact, suzanne, brp, data, context):
    html = post(login(agent), "brp_search", contact, data).content.decode()
    assert "Suzanne Moulin" in html
    assert lookups_logged(suzanne) == [f"{context} contact {contact.pk}"]


def test_brp_search_bad_input_is_a_clear_error_and_nothing_is_looked_up(login, agent, contact, brp):
    client = login(agent)
    html = post(client, "brp_search", contact, {"bsn": "123456789"}).content.decode()
    assert "elfproef" in html
    html = post(client, "brp_search", contact, {"surname": "Moulin"}).content.decode()
    assert 'role="alert"' in html
    html = post(client, "brp_search", contact, {"postcode": "ABCD", "house_number": "12"}).content.decode()
    assert "1234 AB" in html
    assert brp.requests == []


def test_brp_search_nothing_found(login, agent, contact, brp):
    html = post(login(agent), "brp_search", contact, {"surname": "Onbekend", "birth_date": "01-01-1950"}).content.decode()
    assert 'data-testid="brp-none"' in html


def test_brp_unreachable_gives_up_within_the_deadline_with_a_retry(login, agent, contact, brp, settings):
    settings.KCC_COMMONGROUND_TIMEOUT = 0.5
    brp.fault = "timeout"
    started = time.monotonic()
    resp = post(login(agent), "brp_panel", contact)
    assert time.monotonic() - started < 1.5
    html = resp.content.decode()
    assert resp.status_code == 200 and "BRP niet bereikbaar" in html and 'data-testid="brp-retry"' in html


@pytest.mark.parametrize(("fault", "text"), [("500", "BRP niet bereikbaar"), ("403", "geweigerd"), ("400", "niet geaccepteerd"), ("malformed", "niet kan lezen"), ("contract", "niet kan lezen")])
def test_brp_errors_are_clear_messages_never_a_500(login, agent, contact, brp, fault, text):
    brp.fault = fault
    resp = post(login(agent), "brp_panel", contact)
    assert resp.status_code == 200
    assert text in resp.content.decode()


def test_adopt_copies_brp_data_into_the_customer_and_marks_the_bsn_verified(login, agent, brp):
    customer = customer_create(user=agent, last_name="Moulin", postcode="1011AB", house_number=12)
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=customer)
    html = post(login(agent), "brp_adopt", contact, {"bsn": SUZANNE}).content.decode()
    assert 'data-testid="brp-adopted"' in html and 'data-testid="bsn-verified"' in html
    customer.refresh_from_db()
    assert (customer.bsn, customer.first_name, customer.street, customer.house_number_addition) == (SUZANNE, "Suzanne", "Damstraat", "A")
    assert customer.birth_date.isoformat() == "1985-03-04"
    assert customer.bsn_verified_at is not None
    assert f"brp:adopt contact {contact.pk}" in ProcessingLogEntry.objects.filter(customer=customer).values_list("context", flat=True)


def test_after_adopting_the_desk_caller_line_refreshes_out_of_band_with_the_verification(login, agent, brp):
    customer = customer_create(user=agent, first_name="S.", last_name="Moulin", postcode="1011AB", house_number=12)
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=customer)
    client = login(agent)
    desk = client.get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert 'data-testid="caller-bsn-verified"' not in desk
    resp = post(client, "brp_adopt", contact, {"bsn": SUZANNE})
    html = resp.content.decode()
    today = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    oob = html[html.index('<div id="caller-found" hx-swap-oob="innerHTML">'):]
    assert "Suzanne Moulin" in oob  # the adopted name
    assert f"BSN geverifieerd via BRP op {today}" in oob and 'data-testid="caller-bsn-verified"' in oob
    assert resp["HX-Trigger"] == "cg-customer-changed"  # and the case panel reloads
    # The full desk shows it too, and without JavaScript the panel page has no caller line.
    desk = client.get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert f"BSN geverifieerd via BRP op {today}" in desk.split('id="caller-found"')[1].split("</div>")[0]
    page = client.post(reverse("commonground:brp_adopt", args=[contact.pk]), {"bsn": SUZANNE}).content.decode()
    assert 'id="caller-found"' not in page


def test_the_customer_page_shows_bsn_verified_via_brp_with_the_date(login, agent, brp, suzanne, contact):
    client = login(agent)
    url = reverse("core:customer_detail", args=[suzanne.pk])
    assert 'data-testid="bsn-verified"' not in client.get(url).content.decode()
    post(client, "brp_adopt", contact, {"bsn": SUZANNE})
    suzanne.refresh_from_db()
    html = client.get(url).content.decode()
    expected = date_format(timezone.localtime(suzanne.bsn_verified_at), "SHORT_DATE_FORMAT")
    assert f"BSN geverifieerd via BRP op {expected}" in html


def test_changing_the_bsn_by_hand_drops_the_brp_verification(agent, brp, suzanne):
    suzanne.bsn_verified_at = timezone.now()
    suzanne.save(update_fields=["bsn_verified_at"])
    customer_update(user=agent, customer=suzanne, last_name="Moulin-Jansen")
    suzanne.refresh_from_db()
    assert suzanne.bsn_verified_at is not None  # another field: still the verified BSN
    customer_update(user=agent, customer=suzanne, bsn=NO_CASES)
    suzanne.refresh_from_db()
    assert suzanne.bsn_verified_at is None


def test_adopt_of_a_confidential_person_leaves_the_address_alone(login, agent, brp):
    customer = customer_create(user=agent, last_name="Geheim", street="Oudeweg", house_number=5, postcode="1099ZZ")
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=customer)
    post(login(agent), "brp_adopt", contact, {"bsn": GEHEIM})
    customer.refresh_from_db()
    assert (customer.bsn, customer.street, customer.postcode) == (GEHEIM, "Oudeweg", "1099ZZ")


def test_adopt_refuses_a_bsn_another_customer_holds(login, agent, suzanne, brp):
    other = customer_create(user=agent, last_name="Moulin")
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=other)
    resp = post(login(agent), "brp_adopt", contact, {"bsn": SUZANNE})
    assert resp.status_code == 200 and "bestaat al" in resp.content.decode()
    other.refresh_from_db()
    assert other.bsn == "" and other.bsn_verified_at is None


# --- Cases -------------------------------------------------------------------------------------


def test_case_list_open_cases_first_with_type_status_and_dates(login, agent, contact, suzanne, zaken, catalogi):
    html = post(login(agent), "cases_panel", contact).content.decode()
    assert html.index("ZAAK-2026-0042") < html.index("ZAAK-2026-0001")  # open before closed
    assert "Aanvraag omgevingsvergunning" in html and "In behandeling" in html and "5 okt 2026" in html
    assert "1 dec 2026" in html  # planned end
    assert lookups_logged(suzanne) == [f"zaken:cases-by-bsn contact {contact.pk}"]


def test_case_types_are_cached(login, agent, contact, zaken, catalogi):
    client = login(agent)
    post(client, "cases_panel", contact)
    first = len(catalogi.requests)
    post(client, "cases_panel", contact)
    assert first > 0 and len(catalogi.requests) == first


def test_no_bsn_no_case_lookup(login, agent, zaken):
    customer = customer_create(user=agent, last_name="Zonder")
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=customer)
    html = post(login(agent), "cases_panel", contact).content.decode()
    assert "BRP" in html and zaken.requests == []


def test_case_system_down_is_a_message_with_retry(login, agent, contact, zaken):
    zaken.fault = "500"
    html = post(login(agent), "cases_panel", contact).content.decode()
    assert "Zaaksysteem niet bereikbaar" in html


def test_empty_case_list(login, agent, contact, zaken):
    zaken.fault = "empty"
    assert 'data-testid="cases-none"' in post(login(agent), "cases_panel", contact).content.decode()


def test_status_history_and_link_a_case_to_the_contact_and_its_callback(login, agent, contact, suzanne, zaken, catalogi, belastingen):
    client = login(agent)
    case_url = next(z["url"] for z in zaken.fixtures.zaken.values() if z["identificatie"] == "ZAAK-2026-0042")
    html = post(client, "case_history", contact, {"case": case_url}).content.decode()
    assert html.index("Ontvangen") < html.index("In behandeling")
    html = post(client, "case_link", contact, {"case": case_url}).content.decode()
    assert 'data-testid="case-linked"' in html
    contact.refresh_from_db()
    assert (contact.case_identification, contact.case_url) == ("ZAAK-2026-0042", case_url)
    assert "ZAAK-2026-0042" in client.get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    # A callback made from the contact carries the case to the back office.
    from callbacks.services import callback_create

    cb = callback_create(user=agent, target_department=belastingen, question="Vraag over de dakkapel", phone="0612345678", customer=suzanne, source_contact=contact)
    assert CallbackRequest.objects.get(pk=cb.pk).case_identification == "ZAAK-2026-0042"
    # Unlink.
    post(client, "case_link", contact, {"case": ""})
    contact.refresh_from_db()
    assert contact.case_url == "" and contact.case_identification == ""


def test_a_case_url_outside_the_zaken_api_is_refused(login, agent, contact, zaken):
    resp = post(login(agent), "case_link", contact, {"case": "http://169.254.169.254/latest/"})
    assert resp.status_code == 200 and zaken.requests == []
    contact.refresh_from_db()
    assert contact.case_url == ""


def test_old_free_text_case_numbers_stay_readable(login, agent, contact, doubles):
    contact.case_identification = "Z-1999-77"
    contact.save(update_fields=["case_identification"])
    html = login(agent).get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert "Z-1999-77" in html



# Session, user, memberships (roles), contact + customer, the processing-log insert: no query per
# case or per person (the remotes are read over HTTP, case types from the cache).
QUERIES_BRP = 5
QUERIES_CASES = 5


def test_panel_query_counts_are_fixed(login, agent, contact, brp, zaken, catalogi, django_assert_num_queries):
    client = login(agent)
    post(client, "cases_panel", contact)  # warm the case-type cache
    with django_assert_num_queries(QUERIES_BRP):
        post(client, "brp_panel", contact)
    with django_assert_num_queries(QUERIES_CASES):
        post(client, "cases_panel", contact)
