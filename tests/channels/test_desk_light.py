"""The desk's light htmx answers (docs/desk.md, bench/desk.py): the caller search answers only
its results (the search box is never swapped, so keystrokes typed meanwhile are kept)."""

import json

import pytest
from django.urls import reverse

from channels.desk import call_start
from kcc.core.services import customer_create

pytestmark = pytest.mark.django_db

# The caller search's htmx answer: the results list and the announcement, no workspace.
CALLER_SEARCH_QUERIES = 8
# ... and when it links the one confident hit: plus the identified caller, history and panels.
# The customer's history is the top of the timeline stream: one window per source (+3).
CALLER_LINKED_QUERIES = 20


@pytest.fixture
def jan(agent):
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678", email="jan@example.nl")


def identify(client, contact, q):
    return client.post(reverse("channels:contact_identify", args=[contact.pk]), {"q": q}, HTTP_HX_REQUEST="true")


def test_caller_search_answers_the_results_not_the_search_box(login, agent, jan, django_assert_num_queries):
    customer_create(user=agent, first_name="Piet", last_name="Jansen", postcode="1012CD", house_number=3)
    contact = call_start(user=agent)
    client = login(agent)
    identify(client, contact, "warm")  # session, navigation caches
    with django_assert_num_queries(CALLER_SEARCH_QUERIES):
        response = identify(client, contact, "jansen")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="caller-candidates"' in html and "Piet Jansen" in html
    assert 'id="id_caller_q"' not in html  # the box the agent types in is not replaced
    assert 'id="desk"' not in html and "kcc-desk__right" not in html  # not the workspace
    assert 'id="caller-announcement" hx-swap-oob="innerHTML"' in html and "2 klanten gevonden" in html
    assert 'id="desk-customer"' not in html  # nothing linked: the history stays as it is


def test_caller_search_that_links_refreshes_the_caller_and_history_out_of_band(login, agent, jan, django_assert_num_queries):
    earlier = call_start(user=agent, customer=jan)
    earlier.subject = "Paspoort verlengen"
    earlier.save(update_fields=["subject"])
    contact = call_start(user=agent)
    client = login(agent)
    identify(client, contact, "warm")
    with django_assert_num_queries(CALLER_LINKED_QUERIES):
        response = identify(client, contact, "06-12345678")
    html = response.content.decode()
    assert "Beller herkend: Jan Jansen" in html
    assert '<div id="caller-found" hx-swap-oob="innerHTML">' in html and 'data-testid="contact-customer"' in html
    assert '<div id="desk-customer" hx-swap-oob="innerHTML">' in html and "Paspoort verlengen" in html
    assert 'id="id_caller_q"' not in html and 'id="desk"' not in html
    contact.refresh_from_db()
    assert contact.customer == jan


def test_caller_search_without_htmx_still_renders_the_page(login, agent, jan):
    contact = call_start(user=agent)
    response = login(agent).post(reverse("channels:contact_identify", args=[contact.pk]), {"q": "1011 AB 12"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_caller_q"' in html and "Beller herkend: Jan Jansen" in html


def test_caller_search_debounces_150ms_and_targets_only_the_results(login, agent):
    contact = call_start(user=agent)
    html = login(agent).get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert 'hx-target="#caller-results"' in html and "delay:150ms from:#id_caller_q" in html
    # the box is outside every region the search swaps
    results_at, box_at = html.index('id="caller-results"'), html.index('id="id_caller_q"')
    found_end = html.index("</div>", html.index('id="caller-found"'))
    assert found_end < box_at < results_at


# --- closing through htmx: the closed workspace replaces the open one (no second page load) ---


def _open_call(agent, **fields):
    from django.utils import timezone

    from channels.constants import Channel, ContactStatus
    from channels.models import Contact

    return Contact.objects.create(channel=Channel.PHONE, status=ContactStatus.OPEN, started_at=timezone.now(), subject="Aanslag",
                                  question="Waarom is de aanslag hoger?", assigned_to=agent, claimed_at=timezone.now(), **fields)


def _callback_post(department):
    from channels.constants import Outcome

    return {
        "outcome": Outcome.CALLBACK, "question": "Uitleg over de aanslag", "topic_department": department.pk,
        "callback-target_department": department.pk, "callback-phone": "06-12345678", "callback-time_window": "morning",
        "callback-priority": "normal", "callback-caller_name": "Beller",
    }


def test_htmx_close_with_a_callback_answers_the_closed_workspace_and_pushes_its_url(login, agent, belastingen):
    from callbacks.models import CallbackRequest
    from channels.constants import ContactStatus, Outcome

    contact = _open_call(agent)
    response = login(agent).post(reverse("channels:contact_close", args=[contact.pk]), _callback_post(belastingen), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Push-Url"] == reverse("channels:contact_detail", args=[contact.pk])
    html = response.content.decode()
    assert "<html" not in html and 'class="kcc-desk__bar"' in html  # the desk only, no page around it
    assert f"Klantcontact #{contact.pk} afgesloten" in html  # the message is in the fragment
    next_link = html[html.rindex("<a", 0, html.index('data-testid="next-contact"')):html.index('data-testid="next-contact"')]
    assert "data-autofocus" in next_link  # focus goes to "Volgende"
    assert 'id="desk-title" tabindex="-1" data-autofocus' not in html  # ... not to the heading
    contact.refresh_from_db()
    assert (contact.status, contact.outcome) == (ContactStatus.CLOSED, Outcome.CALLBACK)
    assert CallbackRequest.objects.filter(source_contact=contact).count() == 1


def test_htmx_close_with_errors_answers_422_with_the_summary_and_keeps_the_input(login, agent, belastingen):
    from channels.constants import ContactStatus, Outcome

    contact = _open_call(agent)
    response = login(agent).post(
        reverse("channels:contact_close", args=[contact.pk]),
        {"outcome": Outcome.CALLBACK, "question": "Mijn eigen woorden", "notes": "Notitie blijft", "topic_department": belastingen.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html and 'id="form-errors"' in html and "Afdeling die terugbelt" in html
    assert "Mijn eigen woorden" in html and "Notitie blijft" in html
    assert 'hx-post="' + reverse("channels:contact_close", args=[contact.pk]) + '"' in html  # the form still closes through htmx
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN


def test_htmx_close_posted_twice_answers_the_closed_workspace_once_more(login, agent, belastingen):
    from callbacks.models import CallbackRequest

    contact = _open_call(agent)
    client = login(agent)
    url = reverse("channels:contact_close", args=[contact.pk])
    client.post(url, _callback_post(belastingen), HTTP_HX_REQUEST="true")
    second = client.post(url, _callback_post(belastingen), HTTP_HX_REQUEST="true")
    assert second.status_code == 200 and "Dit contact was al afgesloten" in second.content.decode()
    assert CallbackRequest.objects.filter(source_contact=contact).count() == 1


def test_close_without_htmx_still_redirects(login, agent, belastingen):
    contact = _open_call(agent)
    response = login(agent).post(reverse("channels:contact_close", args=[contact.pk]), _callback_post(belastingen))
    assert response.status_code == 302 and response["Location"] == reverse("channels:contact_detail", args=[contact.pk])


# --- "Nog een vraag" ---------------------------------------------------------------------------

# Baseline, not yet light: the answer is still the whole desk of the new question (docs/desk.md).
# The POST only creates the question (the new desk is the GET that follows, pinned apart).
SIBLING_QUERIES = 9
SIBLING_DESK_QUERIES = 24  # the customer's history: the timeline's sources (kcc.core.timeline)


def test_another_question_answers_the_new_questions_desk_with_a_pinned_cost(login, agent, jan, django_assert_num_queries):
    from channels.models import Contact

    first = call_start(user=agent, customer=jan)
    client = login(agent)
    url = reverse("channels:contact_sibling", args=[first.pk])
    client.get(reverse("channels:contact_detail", args=[first.pk]))  # session, navigation caches
    with django_assert_num_queries(SIBLING_QUERIES):
        response = client.post(url, HTTP_HX_REQUEST="true")
    second = Contact.objects.exclude(pk=first.pk).get()
    desk = reverse("channels:contact_detail", args=[second.pk])
    assert response.status_code == 200 and json.loads(response["HX-Location"]) == {"path": desk, "target": "#desk"}
    with django_assert_num_queries(SIBLING_DESK_QUERIES):
        response = client.get(desk, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="desk")
    html = response.content.decode()
    assert "<html" not in html and f"Contact #{second.pk}" in html.replace("Klantcontact", "Contact")
    assert second.conversation_key == first.conversation_key and second.customer == jan


# --- the knowledge suggestions follow the workspace ---------------------------------------


def test_workspace_leaves_the_suggestions_to_a_second_request_that_answers_them(login, agent, editor, kcc_department):
    from knowledgebase.services import article_create, article_publish

    article = article_create(user=editor, owner_department=kcc_department, title="Paspoort aanvragen", body="Een paspoort vraagt u aan bij de balie.")
    article_publish(user=editor, article=article, summary="Eerste versie")
    contact = call_start(user=agent)
    contact.question = "Hoe vraag ik een nieuw paspoort aan?"
    contact.save(update_fields=["question"])
    client = login(agent)
    html = client.get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    search_url = reverse("channels:knowledge_search", args=[contact.pk])
    pending = html[html.index('data-testid="article-suggestions-pending"'):]
    pending = pending[:pending.index("</p>")]
    # Loaded right after the page is shown, into the results, in the search form's sync scope
    # (a search typed meanwhile replaces it).
    assert f'hx-post="{search_url}"' in pending and 'hx-trigger="load"' in pending
    assert 'hx-target="#kp-results"' in pending and 'hx-sync="#kp-form:replace"' in pending
    assert 'id="kp-form"' in html
    assert 'data-testid="article-suggestions"' not in html  # not ranked in the first response
    answer = client.post(search_url, {}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="article-suggestions"' in answer and "Paspoort aanvragen" in answer
    assert "article-suggestions-pending" not in answer


CLOSE_QUERIES = 34  # with a callback: its department's intake questions (callbacks.intake), one query


def test_htmx_close_has_a_pinned_cost(login, agent, belastingen, django_assert_num_queries):
    contact = _open_call(agent)
    client = login(agent)
    client.get(reverse("channels:contact_detail", args=[contact.pk]))  # session, navigation caches
    with django_assert_num_queries(CLOSE_QUERIES):
        response = client.post(reverse("channels:contact_close", args=[contact.pk]), _callback_post(belastingen), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-testid="next-contact"' in response.content.decode()


def test_the_desk_carries_its_messages_so_a_swap_replaces_them(login, agent, belastingen):
    """An old message ("verstuurd", "afgesloten") must not stay above the next workspace after an
    htmx swap of the desk: on the contact page the messages are inside #desk, not above it."""
    contact = _open_call(agent)
    client = login(agent)
    client.post(reverse("channels:contact_close", args=[contact.pk]), _callback_post(belastingen))  # no htmx: a message, then a redirect
    html = client.get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    message = html.index(f"Klantcontact #{contact.pk} afgesloten")
    desk = html.index('id="desk"')
    assert desk < message  # inside the desk
    assert html.count('class="kcc-messages"') == 1 and 'data-testid="desk-messages"' in html
    # Other pages keep the page's own message region.
    client.post(reverse("channels:contact_close", args=[contact.pk]), _callback_post(belastingen))
    home = client.get(reverse("core:home")).content.decode()
    assert 'class="kcc-messages" role="status">' in home and "desk-messages" not in home


def test_closing_keeps_the_right_pane_it_did_not_change(login, agent, jan, kcc_department, django_assert_max_num_queries):
    """Closing without a callback changes nothing the right pane shows (knowledge, the
    customer's history and panels): the closed desk leaves those on the page (hx-preserve
    placeholders) instead of reading and rendering them again."""
    contact = call_start(user=agent, customer=jan)
    client = login(agent)
    client.get(reverse("channels:contact_detail", args=[contact.pk]))
    data = {"outcome": "resolved", "question": "Wanneer is de milieustraat open?", "topic_department": kcc_department.pk}
    with django_assert_max_num_queries(CLOSE_QUERIES - 5):
        response = client.post(reverse("channels:contact_close", args=[contact.pk]), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="next-contact"' in html
    assert '<section id="knowledge" hx-preserve></section>' in html and '<div id="desk-customer" hx-preserve></div>' in html
    assert 'data-testid="knowledge-panel"' not in html
    # Without htmx (a plain page) nothing is left out.
    page = client.get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert "hx-preserve" not in page and 'data-testid="knowledge-panel"' in page


def test_closing_with_a_callback_renders_the_right_pane_again(login, agent, belastingen):
    """A callback is shown in the caller's open callbacks panel: that close re-renders the pane."""
    contact = _open_call(agent)
    client = login(agent)
    response = client.post(reverse("channels:contact_close", args=[contact.pk]), _callback_post(belastingen), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="next-contact"' in html
    assert "hx-preserve" not in html and 'data-testid="knowledge-panel"' in html
