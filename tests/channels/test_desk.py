"""The desk (docs/desk.md): a phone call is an open contact from pick-up, "Nog een vraag" is a
sibling contact in the same conversation, the end of the conversation is recorded apart from
closing, "Volgende" follows the inbox filter, and searches never put personal data in a URL."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.constants import Channel, ContactStatus, Outcome
from channels.desk import call_start, contact_sibling_start, conversation_end
from channels.models import Contact
from channels.services import contact_close
from kcc.core.exceptions import DomainError
from kcc.core.services import customer_create

from .factories import ContactFactory, MessageFactory

pytestmark = pytest.mark.django_db


# The workspace of a phone call with a known caller, history, panels and "wie doet wat".
# The knowledge pane included (it no longer loads itself with a GET); the customer's history is
# the top of the timeline stream, one light window per registered source.
WORKSPACE_QUERIES = 28


def detail(contact):
    return reverse("channels:contact_detail", args=[contact.pk])


@pytest.fixture
def jan(agent):
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678", email="jan@example.nl")


# --- a phone call is an open contact from pick-up ---------------------------------------


def test_call_start_makes_an_open_phone_contact_held_by_the_agent(agent, jan):
    contact = call_start(user=agent, phone="06 12 34 56 78", customer=jan)
    assert contact.channel == Channel.PHONE and contact.status == ContactStatus.OPEN
    assert contact.assigned_to == agent and contact.claimed_at and contact.answered_at
    assert contact.caller_address == "+31612345678" and contact.customer == jan
    assert contact.ended_at is None and contact.outcome == ""


def test_call_start_refuses_a_bad_number(agent):
    with pytest.raises(DomainError) as exc:
        call_start(user=agent, phone="06-ABCDEFGH")
    assert exc.value.field == "phone"
    assert not Contact.objects.exists()


def test_new_call_button_posts_and_opens_the_workspace(login, agent):
    client = login(agent)
    home = client.get(reverse("core:home")).content.decode()
    assert f'action="{reverse("channels:call_start")}"' in home and 'data-shortcut="Alt+Shift+N"' in home
    response = client.post(reverse("channels:call_start"))
    contact = Contact.objects.get()
    assert response["Location"] == detail(contact)
    assert contact.status == ContactStatus.OPEN and contact.assigned_to == agent


def test_new_call_button_is_only_for_agents_and_team_leads(login, backoffice_belastingen):
    home = login(backoffice_belastingen).get(reverse("core:home")).content.decode()
    assert reverse("channels:call_start") not in home


def test_call_start_is_post_only(login, agent):
    assert login(agent).get(reverse("channels:call_start")).status_code == 405
    assert not Contact.objects.exists()


# --- "Nog een vraag" ------------------------------------------------------------------------


def test_sibling_contact_shares_the_conversation_customer_and_caller(agent, jan):
    first = call_start(user=agent, phone="0612345678", customer=jan)
    second = contact_sibling_start(user=agent, contact=first)
    assert second.pk != first.pk
    assert second.conversation_key == first.conversation_key
    assert second.customer == jan and second.caller_address == first.caller_address
    assert second.status == ContactStatus.OPEN and second.assigned_to == agent
    first.refresh_from_db()
    assert first.status == ContactStatus.OPEN  # the first question keeps its own outcome


def test_sibling_view_swaps_the_desk_without_leaving_the_page(login, agent):
    first = call_start(user=agent)
    client = login(agent)
    response = client.post(reverse("channels:contact_sibling", args=[first.pk]), HTTP_HX_REQUEST="true")
    second = Contact.objects.exclude(pk=first.pk).get()
    # Post/redirect/get inside the page: htmx GETs the new desk into #desk and pushes its URL.
    assert response.status_code == 200
    assert json.loads(response["HX-Location"]) == {"path": detail(second), "target": "#desk"}
    response = client.get(detail(second), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="desk")
    html = response.content.decode()
    assert "<html" not in html and f"#{second.pk}" in html and "data-autofocus" in html
    assert 'data-testid="conversation"' in html  # both questions listed


def test_a_colleagues_contact_gets_no_sibling(agent, agent2):
    contact = ContactFactory(status=ContactStatus.OPEN, assigned_to=agent2)
    with pytest.raises(DomainError):
        contact_sibling_start(user=agent, contact=contact)


# --- after-call work ------------------------------------------------------------------------


def test_conversation_end_marks_the_open_questions_of_the_call_without_closing(agent, burgerzaken):
    first = call_start(user=agent)
    second = contact_sibling_start(user=agent, contact=first)
    other_call = call_start(user=agent)
    assert conversation_end(user=agent, contact=second) == 2
    for c in (first, second, other_call):
        c.refresh_from_db()
    assert first.conversation_ended_at and second.conversation_ended_at and other_call.conversation_ended_at is None
    assert first.status == second.status == ContactStatus.OPEN and first.ended_at is None
    closed = contact_close(user=agent, contact=first, outcome=Outcome.RESOLVED, topic_department=burgerzaken)
    assert closed.ended_at >= closed.conversation_ended_at  # after-call work = the difference


def test_conversation_end_is_recorded_once(agent):
    contact = call_start(user=agent)
    conversation_end(user=agent, contact=contact, at=timezone.now() - timezone.timedelta(minutes=1))
    contact.refresh_from_db()
    first = contact.conversation_ended_at
    assert conversation_end(user=agent, contact=contact) == 0
    contact.refresh_from_db()
    assert contact.conversation_ended_at == first


def test_conversation_end_button_view(login, agent):
    contact = call_start(user=agent)
    client = login(agent)
    assert 'data-shortcut="Alt+Shift+E"' in client.get(detail(contact)).content.decode()
    response = client.post(reverse("channels:contact_conversation_end", args=[contact.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-testid="conversation-ended"' in response.content.decode()
    contact.refresh_from_db()
    assert contact.conversation_ended_at is not None and contact.status == ContactStatus.OPEN


# --- notes ----------------------------------------------------------------------------------


def test_notes_are_saved_without_closing(login, agent):
    contact = call_start(user=agent)
    response = login(agent).post(
        reverse("channels:contact_notes", args=[contact.pk]), {"question": "Paspoort kwijt", "notes": "Belt vanuit buitenland"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert (contact.question, contact.notes, contact.status) == ("Paspoort kwijt", "Belt vanuit buitenland", ContactStatus.OPEN)
    assert contact.subject == "Paspoort kwijt"  # the placeholder "Telefoongesprek" gives way to the question


def test_saving_notes_keeps_a_real_subject_and_refuses_a_colleagues_contact(login, agent, agent2):
    mine = ContactFactory(subject="Afvalpas kwijt", status=ContactStatus.OPEN, assigned_to=agent)
    client = login(agent)
    client.post(reverse("channels:contact_notes", args=[mine.pk]), {"question": "Nieuwe pas nodig", "notes": ""}, HTTP_HX_REQUEST="true")
    mine.refresh_from_db()
    assert mine.subject == "Afvalpas kwijt" and mine.question == "Nieuwe pas nodig"
    theirs = ContactFactory(status=ContactStatus.OPEN, assigned_to=agent2, question="Oud")
    response = client.post(reverse("channels:contact_notes", args=[theirs.pk]), {"question": "Overschreven", "notes": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    theirs.refresh_from_db()
    assert theirs.question == "Oud"


# --- identify the caller (POSTed) -----------------------------------------------------------


def test_identify_one_confident_hit_links_and_announces(login, agent, jan):
    contact = call_start(user=agent)
    url = reverse("channels:contact_identify", args=[contact.pk])
    response = login(agent).post(url, {"q": "+31 6 1234 5678"}, HTTP_HX_REQUEST="true")
    assert url == response.request["PATH_INFO"] and "?" not in url
    html = response.content.decode()
    assert 'aria-live="polite"' in html and "Beller herkend: Jan Jansen" in html
    contact.refresh_from_db()
    assert contact.customer == jan


def test_identify_several_hits_gives_a_list_and_links_nobody(login, agent, jan):
    customer_create(user=agent, first_name="Piet", last_name="Jansen", postcode="1012CD", house_number=3)
    contact = call_start(user=agent)
    html = login(agent).post(reverse("channels:contact_identify", args=[contact.pk]), {"q": "jansen"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="caller-candidates"' in html and "Piet Jansen" in html and "Jan Jansen" in html
    assert "anoniem" not in html.lower()
    contact.refresh_from_db()
    assert contact.customer is None


def test_customer_search_in_the_url_is_dropped(login, agent, jan):
    contact = call_start(user=agent)
    response = login(agent).get(detail(contact) + "?klant-q=Jansen")
    assert response.status_code == 302 and response["Location"] == detail(contact)


# --- Volgende -------------------------------------------------------------------------------


def test_volgende_opens_the_next_contact_of_the_same_inbox_filter(login, agent, burgerzaken):
    now = timezone.now()
    mail = ContactFactory(channel=Channel.EMAIL, started_at=now - timezone.timedelta(minutes=30))
    whatsapp_old = ContactFactory(channel=Channel.WHATSAPP, started_at=now - timezone.timedelta(minutes=20))
    whatsapp_new = ContactFactory(channel=Channel.WHATSAPP, started_at=now - timezone.timedelta(minutes=10))
    client = login(agent)
    client.get(reverse("channels:inbox") + "?channel=whatsapp")
    response = client.post(reverse("channels:contact_close", args=[whatsapp_old.pk]), {"outcome": Outcome.RESOLVED, "topic_department": burgerzaken.pk})
    assert response["Location"] == detail(whatsapp_old)
    html = client.get(detail(whatsapp_old)).content.decode()
    assert 'data-testid="next-contact"' in html and 'data-shortcut="Alt+Shift+J"' in html
    nxt = client.get(reverse("channels:contact_next") + f"?na={whatsapp_old.pk}")
    assert nxt["Location"] == detail(whatsapp_new)  # not the older e-mail: another filter
    assert mail.pk


def test_volgende_skips_contacts_held_by_colleagues_and_says_when_the_queue_is_empty(login, agent, agent2):
    done = ContactFactory(closed_resolved=True)
    ContactFactory(status=ContactStatus.OPEN, assigned_to=agent2)
    client = login(agent)
    response = client.get(reverse("channels:contact_next") + f"?na={done.pk}", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("channels:inbox"))
    assert "geen contacten meer" in response.content.decode().lower()


# --- the workspace ---------------------------------------------------------------------------


def test_email_contact_is_worked_in_the_same_workspace(login, agent, jan):
    contact = ContactFactory(customer=jan, subject="Afvalpas kwijt", assigned_to=agent, status=ContactStatus.OPEN)
    MessageFactory(contact=contact, sender_address="jan@example.nl", recipients="kcc@voorbeeldstad.example", body_text="Mijn afvalpas is kwijt")
    html = login(agent).get(detail(contact)).content.decode()
    assert 'class="kcc-desk"' in html and "kcc-desk__left" in html and "kcc-desk__right" in html
    assert "Mijn afvalpas is kwijt" in html and 'id="close-form"' in html
    assert "Aan" in html and "Tot en met" not in html  # "To" has a message context
    assert "(niet verplicht)" not in html.split('id="close-form"')[0]


def test_workspace_shows_who_does_what_for_the_topic_department(login, agent, burgerzaken):
    from knowledgebase.models import DepartmentGuide

    DepartmentGuide.objects.create(department=burgerzaken, handles="Paspoorten en **rijbewijzen**")
    contact = ContactFactory(topic_department=burgerzaken, assigned_to=agent, status=ContactStatus.OPEN)
    html = login(agent).get(detail(contact)).content.decode()
    assert 'data-testid="desk-guide"' in html and "<strong>rijbewijzen</strong>" in html


def test_workspace_query_count_is_fixed(login, agent, jan, burgerzaken, django_assert_num_queries):
    contact = call_start(user=agent, customer=jan)
    Contact.objects.filter(pk=contact.pk).update(topic_department=burgerzaken)
    for _ in range(5):
        ContactFactory(customer=jan, closed_resolved=True)
    client = login(agent)
    client.get(detail(contact))  # warm the caches (session, navigation)
    with django_assert_num_queries(WORKSPACE_QUERIES):
        assert client.get(detail(contact)).status_code == 200
