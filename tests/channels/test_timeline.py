"""The customer timeline: one stream of contacts (snippet without the quoted reply, notes),
callback requests with attempts, signals the contacts are evidence for and linked articles;
filtered by kind, keyset paged, a fixed number of queries however many contacts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from callbacks.constants import AttemptResult
from channels.constants import Channel, Direction
from channels.models import Contact, ContactArticle, Message
from kcc.core.timeline import TimelineCursor, timeline_page
from tests.callbacks.factories import AttemptFactory, CallbackFactory
from tests.knowledgebase.factories import ArticleFactory
from tests.signals.factories import EvidenceFactory, SignalFactory

from .factories import ContactFactory, MessageFactory, TransferFactory

NOW = timezone.now().replace(microsecond=0)

QUOTED_MAIL = (
    "Goedemiddag, de container is weer niet geleegd.\n\n"
    "Op 3 maart 2026 om 10:12 schreef KCC <kcc@voorbeeldstad.example>:\n"
    "> Wij hebben uw melding ontvangen en de ophaaldienst ingelicht.\n"
)


@pytest.fixture
def stream(customer, agent, belastingen):
    """One of each kind, at distinct times (newest first: article, signal, callback, mail, call)."""
    call = ContactFactory(customer=customer, phone=True, closed_resolved=True, subject="Paspoort verlengen",
                          notes="Beller wil op maandag terugkomen", started_at=NOW - dt.timedelta(days=10))
    mail = ContactFactory(customer=customer, channel=Channel.EMAIL, subject="Container niet geleegd", started_at=NOW - dt.timedelta(days=5))
    MessageFactory(contact=mail, body_text=QUOTED_MAIL, sent_at=mail.started_at)
    MessageFactory(contact=mail, outbound=True, body_text="Wij gaan het na.", sent_at=mail.started_at + dt.timedelta(hours=1))
    callback = CallbackFactory(customer=customer, target_department=belastingen, question="Bezwaar WOZ", created_at=NOW - dt.timedelta(days=4))
    AttemptFactory(callback=callback, result=AttemptResult.VOICEMAIL, by=agent, at=NOW - dt.timedelta(days=3))
    evidence = EvidenceFactory(signal=SignalFactory(department=belastingen, title="Containers vaak vergeten"), contact=mail)
    evidence.added_at = NOW - dt.timedelta(days=2)
    evidence.save(update_fields=["added_at"])
    article = ArticleFactory(title="Container niet geleegd: wat nu?", owner_department=belastingen)
    link = ContactArticle.objects.create(contact=mail, article=article, marked_by=agent)
    ContactArticle.objects.filter(pk=link.pk).update(created_at=NOW - dt.timedelta(days=1))
    ContactFactory(customer=None, subject="Iemand anders")
    return {"call": call, "mail": mail, "callback": callback, "evidence": evidence, "link": link}


def kinds_of(page):
    return [e.kind for e in page.entries]


def test_one_stream_newest_first_with_every_kind(agent, customer, stream):
    page = timeline_page(user=agent, customer=customer)
    assert kinds_of(page) == ["article", "signal", "callback", "contact", "contact"]
    assert [e.obj.pk for e in page.entries if e.kind == "contact"] == [stream["mail"].pk, stream["call"].pk]
    assert page.next_cursor is None


def test_contact_snippet_leaves_the_quoted_reply_out(agent, customer, stream):
    mail = next(e for e in timeline_page(user=agent, customer=customer).entries if e.obj == stream["mail"])
    assert mail.extra["snippet"] == "Goedemiddag, de container is weer niet geleegd."
    assert mail.obj.message_count == 2


def test_page_shows_snippet_notes_attempts_signal_and_article(login, agent, customer, stream):
    html = login(agent).get(reverse("channels:customer_timeline", args=[customer.pk])).content.decode()
    assert "de container is weer niet geleegd" in html and "ophaaldienst ingelicht" not in html
    assert "Beller wil op maandag terugkomen" in html  # the agent's notes
    assert re.search(r"Belpoging .*: Voicemail", html) and "Bezwaar WOZ" in html
    assert "Containers vaak vergeten" in html and f"via klantcontact #{stream['mail'].pk}" in html
    assert "Container niet geleegd: wat nu?" in html
    assert "Iemand anders" not in html
    assert html.index("Container niet geleegd: wat nu?") < html.index("Containers vaak vergeten") < html.index("Bezwaar WOZ") < html.index("Paspoort verlengen")


def test_customer_page_shows_the_first_page_of_the_stream(login, agent, customer, stream):
    html = login(agent).get(reverse("core:customer_detail", args=[customer.pk])).content.decode()
    assert 'data-testid="timeline"' in html and html.count('data-testid="timeline-entry"') == 5
    assert "Nieuw terugbelverzoek voor deze inwoner" in html


def test_filter_by_kind(login, agent, customer, stream):
    assert kinds_of(timeline_page(user=agent, customer=customer, kinds=["callback", "signal"])) == ["signal", "callback"]
    html = login(agent).get(reverse("channels:customer_timeline", args=[customer.pk]), {"soort": ["contact"]}).content.decode()
    assert html.count('data-testid="timeline-entry"') == 2 and "Bezwaar WOZ" not in html
    # An unknown kind is no error: the whole stream.
    response = login(agent).get(reverse("channels:customer_timeline", args=[customer.pk]), {"soort": ["bestaat-niet"]})
    assert response.status_code == 200 and response.content.decode().count('data-testid="timeline-entry"') == 5


def test_keyset_pages_cover_the_stream_once_also_with_equal_times(agent, customer, belastingen):
    same = NOW - dt.timedelta(hours=1)
    contacts = [ContactFactory(customer=customer, started_at=same) for _ in range(4)]
    callbacks = [CallbackFactory(customer=customer, target_department=belastingen, created_at=same) for _ in range(3)]
    ContactFactory.create_batch(5, customer=customer, started_at=NOW - dt.timedelta(days=2))
    seen, cursor, pages = [], None, 0
    while True:
        page = timeline_page(user=agent, customer=customer, cursor=cursor, size=3)
        seen += [(e.kind, e.pk) for e in page.entries]
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert pages == 4 and len(seen) == len(set(seen)) == 12
    assert seen[:7] == [("contact", c.pk) for c in reversed(contacts)] + [("callback", c.pk) for c in reversed(callbacks)]


def test_a_mangled_cursor_means_the_first_page(login, agent, customer, stream):
    assert TimelineCursor.decode("not-a-cursor") is None
    response = login(agent).get(reverse("channels:customer_timeline", args=[customer.pk]), {"na": "%%%"})
    assert response.status_code == 200


def test_older_items_come_as_a_fragment_for_htmx(login, agent, customer):
    ContactFactory.create_batch(30, customer=customer, started_at=NOW - dt.timedelta(days=1))
    client = login(agent)
    first = client.get(reverse("channels:customer_timeline", args=[customer.pk])).content.decode()
    assert first.count('data-testid="timeline-entry"') == 20
    next_url = re.search(r'data-testid="timeline-more"', first) and re.search(r'href="([^"]+)" hx-get', first).group(1).replace("&amp;", "&")
    response = client.get(next_url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and body.count('data-testid="timeline-entry"') == 10 and "data-autofocus" in body
    assert 'data-testid="timeline-more"' not in body
    assert "HX-Request" in response["Vary"]


def test_back_office_sees_only_its_part_of_the_stream(login, backoffice_belastingen, belastingen, customer, stream):
    TransferFactory(contact=stream["call"], to_department=belastingen)
    page = timeline_page(user=backoffice_belastingen, customer=customer)
    # Only the transferred call (not the e-mail, so neither its article nor its signal) and the
    # department's own callback.
    assert kinds_of(page) == ["callback", "contact"]


def test_timeline_needs_a_role_and_the_customer_in_scope(login, editor, backoffice_burgerzaken, customer):
    url = reverse("channels:customer_timeline", args=[customer.pk])
    assert login(editor).get(url).status_code == 403
    assert login(backoffice_burgerzaken).get(url).status_code == 404


def test_desk_pane_shows_the_top_of_the_same_stream_light(login, agent, customer, stream):
    current = ContactFactory(customer=customer, subject="Nu aan de lijn", started_at=NOW)
    html = login(agent).get(reverse("channels:contact_detail", args=[current.pk])).content.decode()
    pane = html[html.index('data-testid="customer-history"'):]
    pane = pane[: pane.index("</ol>")]
    assert pane.count("kcc-timeline__entry ") == 5 and "Nu aan de lijn" not in pane
    assert "Container niet geleegd: wat nu?" in pane and "Bezwaar WOZ" in pane
    assert "ophaaldienst" not in pane and "Belpoging" not in pane  # light: no snippets or attempts


def _many_contacts(customer, n):
    contacts = Contact.objects.bulk_create(
        [Contact(customer=customer, channel=Channel.EMAIL, subject=f"Vraag {i}", started_at=NOW - dt.timedelta(minutes=i), notes="notitie") for i in range(n)]
    )
    Message.objects.bulk_create(
        [Message(contact=c, direction=Direction.INBOUND, channel=Channel.EMAIL, body_text=QUOTED_MAIL, sent_at=c.started_at) for c in contacts]
    )
    return contacts


def test_a_page_costs_a_fixed_number_of_queries_also_at_400_contacts(login, agent, customer, belastingen, stream, django_assert_num_queries):
    client = login(agent)
    url = reverse("channels:customer_timeline", args=[customer.pk])
    client.get(url)
    with django_assert_num_queries(TIMELINE_QUERIES):
        client.get(url)
    contacts = _many_contacts(customer, 420)
    for c in contacts[:60]:
        AttemptFactory.create_batch(2, callback=CallbackFactory(customer=customer, target_department=belastingen, created_at=c.started_at))
        EvidenceFactory(contact=c, signal=SignalFactory(department=belastingen))
    with django_assert_num_queries(TIMELINE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('data-testid="timeline-entry"') == 20
    next_url = re.search(r'href="([^"]+)" hx-get', response.content.decode()).group(1).replace("&amp;", "&")
    with django_assert_num_queries(TIMELINE_QUERIES):
        assert client.get(next_url).status_code == 200


# session, user, roles (memberships), customer, processing-log insert, closure days (callbacks'
# working days), then one window per source: contacts, articles, callbacks + their attempts, signals.
TIMELINE_QUERIES = 11
