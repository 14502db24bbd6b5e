import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from channels import selectors
from channels.constants import Channel, ContactStatus
from channels.services import contact_claim
from kcc.core.constants import LogAction
from kcc.core.models import ProcessingLogEntry
from tests.core.factories import CustomerFactory

from .factories import ContactFactory

pytestmark = pytest.mark.django_db

INBOX = "/inbox/"


def rows(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="inbox-row" data-contact="(\d+)"', response.content.decode())]


def test_inbox_shows_open_contacts_of_every_channel_oldest_first(login, agent):
    now = timezone.now()
    mail = ContactFactory(channel=Channel.EMAIL, started_at=now - timedelta(hours=2))
    phone = ContactFactory(phone=True, status=ContactStatus.OPEN, started_at=now - timedelta(hours=3))
    whatsapp = ContactFactory(channel=Channel.WHATSAPP, started_at=now - timedelta(hours=1))
    ContactFactory(closed_resolved=True, started_at=now - timedelta(hours=5))
    response = login(agent).get(reverse("channels:inbox"))
    assert response.status_code == 200
    assert rows(response) == [phone.pk, mail.pk, whatsapp.pk]


def test_rows_show_channel_customer_or_anonymous_subject_waiting_time_and_owner(login, agent, agent2):
    customer = CustomerFactory(first_name="Fenna", last_name="Bos")
    with time_machine.travel("2026-03-02 10:00 +01:00", tick=False):
        c1 = ContactFactory(customer=customer, subject="Afvalpas kwijt", started_at=timezone.now() - timedelta(minutes=75))
        ContactFactory(channel=Channel.FACEBOOK, subject="Parkeervergunning", started_at=timezone.now() - timedelta(minutes=5))
        contact_claim(user=agent2, contact_id=c1.pk)
        html = login(agent).get(reverse("channels:inbox")).content.decode()
    assert "Fenna Bos" in html and "anoniem" in html
    assert "Afvalpas kwijt" in html and "Parkeervergunning" in html
    assert "1 u 15 min" in html and "5 min" in html
    assert "Facebook" in html and "E-mail" in html
    assert "Daan Visser" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("channel=whatsapp", ["whatsapp"]),
        ("status=open", ["mine"]),
        ("assigned=me", ["mine"]),
        ("assigned=unassigned", ["old", "whatsapp", "bos"]),
        ("age=1440", ["old"]),
        ("q=WOZ", ["old"]),
        ("q=bos", ["bos"]),
        ("q=bezwaar+woz", ["old"]),
    ],
)
def test_filters(login, agent, belastingen, query, expected):
    now = timezone.now()
    made = {
        "old": ContactFactory(subject="Bezwaar WOZ-beschikking", topic_department=belastingen, started_at=now - timedelta(days=2)),
        "whatsapp": ContactFactory(channel=Channel.WHATSAPP, subject="Paspoort", started_at=now - timedelta(hours=3)),
        "bos": ContactFactory(customer=CustomerFactory(first_name="Fenna", last_name="Bos"), subject="Afvalpas", started_at=now - timedelta(hours=2)),
        "mine": ContactFactory(subject="Parkeren", started_at=now - timedelta(hours=1)),
    }
    contact_claim(user=agent, contact_id=made["mine"].pk)
    response = login(agent).get(f"{INBOX}?{query}", follow=True)  # ?q= moves into the session
    assert rows(response) == [made[k].pk for k in expected]


def test_department_filter_and_contact_number_search(login, agent, belastingen, burgerzaken):
    a = ContactFactory(topic_department=belastingen)
    b = ContactFactory(topic_department=burgerzaken)
    client = login(agent)
    assert rows(client.get(f"{INBOX}?department={burgerzaken.pk}")) == [b.pk]
    assert rows(client.post(INBOX, {"q": f"#{a.pk}"}, follow=True)) == [a.pk]


def test_filter_state_lives_in_the_url_and_is_rendered_back(login, agent):
    # The free text is the exception: it lives in the session (docs/privacy.md).
    response = login(agent).get(f"{INBOX}?channel=email&assigned=unassigned&q=afval", follow=True)
    assert response.redirect_chain == [(f"{INBOX}?channel=email&assigned=unassigned", 302)]
    html = response.content.decode()
    assert 'value="afval"' in html
    assert '<option value="email" selected>' in html
    assert 'hx-push-url="true"' in html


def test_invalid_filter_values_are_reported_not_crashing(login, agent):
    response = login(agent).get(f"{INBOX}?channel=fax&age=abc")
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()


def test_keyset_pagination_walks_the_queue_without_offset(login, agent, monkeypatch):
    monkeypatch.setattr(selectors, "INBOX_PAGE_SIZE", 3)
    start = timezone.now() - timedelta(hours=10)
    same_time = start + timedelta(hours=1)
    made = [ContactFactory(started_at=start + timedelta(minutes=i)) for i in range(2)]
    made += [ContactFactory(started_at=same_time) for _ in range(3)]  # ties broken by id
    made += [ContactFactory(started_at=start + timedelta(hours=2 + i)) for i in range(2)]
    client = login(agent)
    seen, url = [], INBOX
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(5):
            response = client.get(url)
            seen += rows(response)
            nxt = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
            if not nxt:
                break
            url = INBOX + nxt.group(1).replace("&amp;", "&")
    assert seen == [c.pk for c in made]
    assert not any("OFFSET" in q["sql"].upper() for q in ctx.captured_queries)


def test_newest_first_pages_backwards(login, agent, monkeypatch):
    monkeypatch.setattr(selectors, "INBOX_PAGE_SIZE", 2)
    start = timezone.now() - timedelta(hours=5)
    made = [ContactFactory(started_at=start + timedelta(minutes=i)) for i in range(5)]
    client = login(agent)
    first = client.get(f"{INBOX}?sort=newest")
    assert rows(first) == [made[4].pk, made[3].pk]
    nxt = re.search(r'rel="next" href="([^"]+)"', first.content.decode()).group(1).replace("&amp;", "&")
    assert rows(client.get(INBOX + nxt)) == [made[2].pk, made[1].pk]


def test_a_mangled_cursor_means_the_first_page(login, agent):
    c = ContactFactory()
    assert rows(login(agent).get(f"{INBOX}?after=%%%not-a-cursor")) == [c.pk]


def test_unchanged_inbox_answers_304_to_a_poll(login, agent):
    ContactFactory()
    client = login(agent)
    first = client.get(INBOX + "?channel=email")
    etag = first["ETag"]
    assert etag
    poll = client.get(INBOX + "?channel=email", HTTP_IF_NONE_MATCH=etag, HTTP_HX_REQUEST="true", HTTP_X_KCC_BACKGROUND="1")
    assert poll.status_code == 304
    assert poll.content == b""


def test_a_new_contact_changes_the_etag_and_the_poll_returns_the_fragment(login, agent):
    ContactFactory()
    client = login(agent)
    etag = client.get(INBOX)["ETag"]
    new = ContactFactory(subject="Nieuwe vraag over bijstand")
    poll = client.get(INBOX, HTTP_IF_NONE_MATCH=etag, HTTP_HX_REQUEST="true", HTTP_X_KCC_BACKGROUND="1")
    assert poll.status_code == 200
    body = poll.content.decode()
    assert "Nieuwe vraag over bijstand" in body and f'data-contact="{new.pk}"' in body
    assert "<html" not in body
    assert poll["ETag"] != etag
    assert "HX-Request" in poll["Vary"]


def test_a_claim_elsewhere_changes_the_etag(login, agent, agent2):
    c = ContactFactory()
    client = login(agent)
    etag = client.get(INBOX)["ETag"]
    contact_claim(user=agent2, contact_id=c.pk)
    assert client.get(INBOX, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_etag_differs_per_user_and_filter(login, agent, agent2):
    ContactFactory()
    client = login(agent)
    etag = client.get(INBOX)["ETag"]
    assert client.get(INBOX + "?channel=phone", HTTP_IF_NONE_MATCH=etag).status_code == 200
    other = login(agent2)
    assert other.get(INBOX, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_poll_element_marks_requests_as_background_and_sends_the_etag(login, agent, settings):
    settings.KCC_INBOX_POLL_SECONDS = 7
    ContactFactory()
    response = login(agent).get(INBOX)
    html = response.content.decode()
    assert 'hx-trigger="every 7s"' in html
    assert '"X-KCC-Background": "1"' in html
    assert '"If-None-Match": "\\u0022' + response["ETag"].strip('"') + '\\u0022"' in html


def test_polls_do_not_keep_an_idle_session_alive(login, agent, settings):
    settings.KCC_SESSION_IDLE_SECONDS = 30 * 60
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False) as traveller:
        client = login(agent)
        client.get(INBOX)
        for _ in range(3):
            traveller.shift(10 * 60)
            assert client.get(INBOX, HTTP_HX_REQUEST="true", HTTP_X_KCC_BACKGROUND="1").status_code == 200
        traveller.shift(60)
        assert client.get(INBOX, HTTP_HX_REQUEST="true", HTTP_X_KCC_BACKGROUND="1").status_code == 401


def test_inbox_runs_a_fixed_number_of_queries_whatever_the_page_size(login, agent, django_assert_num_queries, belastingen):
    def make(n):
        for i in range(n):
            ContactFactory(
                customer=CustomerFactory(), topic_department=belastingen, started_at=timezone.now() - timedelta(minutes=n - i)
            )

    client = login(agent)
    make(2)
    client.get(INBOX)  # warm session and caches
    with django_assert_num_queries(7):
        assert len(rows(client.get(INBOX))) == 2
    make(30)
    for c in ContactFactory._meta.model.objects.all()[:5]:
        contact_claim(user=agent, contact_id=c.pk)
    with django_assert_num_queries(7):
        assert len(rows(client.get(INBOX))) == 25


def test_team_lead_inbox_has_the_bulk_assign_form_with_a_fixed_query_count(login, teamlead, django_assert_num_queries):
    client = login(teamlead)
    for _ in range(3):
        ContactFactory(customer=CustomerFactory())
    client.get(INBOX)
    with django_assert_num_queries(8):
        html = client.get(INBOX).content.decode()
    assert 'id="assign-form"' in html
    assert html.count('form="assign-form"') == 3


def test_customers_shown_in_the_inbox_are_logged(login, agent):
    customer = CustomerFactory()
    ContactFactory(customer=customer)
    login(agent).get(INBOX)
    entry = ProcessingLogEntry.objects.get(customer=customer)
    assert entry.action == LogAction.SEARCH and entry.context == "werkvoorraad"


def test_inbox_is_for_kcc_roles_only(login, backoffice_belastingen, editor):
    assert login(backoffice_belastingen).get(INBOX).status_code == 403
    assert login(editor).get(INBOX).status_code == 403


def test_htmx_filter_request_gets_only_the_fragment(login, agent):
    ContactFactory(channel=Channel.WHATSAPP)
    response = login(agent).get(f"{INBOX}?channel=whatsapp", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'id="inbox-poll"' in body
    assert "WhatsApp" in body


def test_free_text_search_runs_a_fixed_number_of_queries(login, agent, django_assert_num_queries):
    for i in range(5):
        ContactFactory(customer=CustomerFactory(last_name=f"Bos{i}"), subject="Paspoort")
    client = login(agent)
    client.post(INBOX, {"q": "bos paspoort"})  # the free text is kept in the session
    client.get(INBOX)
    with django_assert_num_queries(7):
        assert len(rows(client.get(INBOX))) == 5


def test_free_text_search_is_posted_and_kept_out_of_the_url(login, agent):
    """docs/privacy.md: a name typed in the search box never lands in a URL."""
    a = ContactFactory(customer=CustomerFactory(last_name="Zwanenburg"))
    ContactFactory(customer=CustomerFactory(last_name="Anders"))
    client = login(agent)
    response = client.post(INBOX, {"q": "zwanenburg"})
    assert response.status_code == 302 and "zwanenburg" not in response["Location"].lower()
    response = client.get(INBOX)
    assert rows(response) == [a.pk]
    html = response.content.decode()
    assert "zwanenburg" not in " ".join(re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', html)).lower()
    # An old link with ?q= is moved into the session and redirected to a clean URL.
    response = client.get(f"{INBOX}?q=anders&channel=email")
    assert response.status_code == 302 and "anders" not in response["Location"]
