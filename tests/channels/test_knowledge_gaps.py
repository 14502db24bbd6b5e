"""Kennisgaten: closed inbound contacts without a linked article that were not resolved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.constants import ContactStatus, Direction, Outcome
from channels.knowledge import knowledge_gap_list
from channels.models import ContactArticle
from kcc.core.constants import Role
from knowledgebase.services import article_create, article_publish
from tests.channels.factories import ContactFactory
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def closed(outcome, department, *, minutes_ago=10, subject="Vraag", **kw):
    now = timezone.now() - timedelta(minutes=minutes_ago)
    return ContactFactory(
        status=ContactStatus.CLOSED, outcome=outcome, topic_department=department, subject=subject,
        started_at=now - timedelta(minutes=5), answered_at=now - timedelta(minutes=5), ended_at=now, **kw,
    )


@pytest.fixture
def article(editor, belastingen):
    a = article_create(user=editor, owner_department=belastingen, title="WOZ", body="x")
    article_publish(user=editor, article=a, summary="Eerste versie")
    return a


def test_only_unresolved_closed_contacts_without_article_are_gaps(editor, agent, belastingen, article):
    gap_transfer = closed(Outcome.TRANSFERRED, belastingen, subject="Vraag over WOZ-termijn", minutes_ago=5)
    gap_callback = closed(Outcome.CALLBACK, belastingen, subject="Hondenbelasting", minutes_ago=15)
    closed(Outcome.RESOLVED, belastingen)  # answered: no gap
    closed(Outcome.RESOLVED_AFTER_CONSULT, belastingen)
    closed(Outcome.DISCONNECTED, belastingen)  # dropped call says nothing
    linked = closed(Outcome.TRANSFERRED, belastingen)
    ContactArticle.objects.create(contact=linked, article=article, marked_by=agent)
    ContactFactory(topic_department=belastingen)  # still open
    ContactFactory(status=ContactStatus.CLOSED, direction=Direction.OUTBOUND, outcome=Outcome.REFERRED, ended_at=timezone.now())
    rows, cursor = knowledge_gap_list(user=editor)
    assert [c.pk for c in rows] == [gap_transfer.pk, gap_callback.pk]  # newest first
    assert cursor is None


def test_filter_by_department(editor, belastingen, burgerzaken):
    closed(Outcome.TRANSFERRED, belastingen, subject="WOZ")
    mine = closed(Outcome.TRANSFERRED, burgerzaken, subject="Paspoort")
    rows, _ = knowledge_gap_list(user=editor, department=burgerzaken)
    assert [c.pk for c in rows] == [mine.pk]


def test_department_editor_sees_only_own_department_gaps(belastingen, burgerzaken):
    editor_bz = make_staff("redacteur-burgerzaken", burgerzaken, Role.EDITOR)
    closed(Outcome.TRANSFERRED, belastingen)
    mine = closed(Outcome.CALLBACK, burgerzaken)
    rows, _ = knowledge_gap_list(user=editor_bz)
    assert [c.pk for c in rows] == [mine.pk]


def test_keyset_pagination_walks_all_gaps_once(editor, belastingen):
    contacts = [closed(Outcome.TRANSFERRED, belastingen, minutes_ago=i) for i in range(7)]
    seen, cursor = [], None
    while True:
        rows, cursor = knowledge_gap_list(user=editor, cursor=cursor, size=3)
        seen += [c.pk for c in rows]
        if cursor is None:
            break
    assert seen == [c.pk for c in contacts]


def test_page_for_editor_with_filter_fragment_and_pinned_queries(login, editor, belastingen, django_assert_num_queries):
    for i in range(5):
        closed(Outcome.TRANSFERRED, belastingen, subject=f"Onbeantwoorde vraag {i}", minutes_ago=i)
    client = login(editor)
    url = reverse("channels:knowledge_gaps")
    client.get(url)
    # session, user, memberships, central-editor check, gaps (with departments)
    with django_assert_num_queries(5):
        response = client.get(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.count('data-testid="gap-row"') == 5
    assert "Onbeantwoorde vraag 4" in html
    assert "/kennisbank/?q=" in html
    full = client.get(url, {"department": belastingen.pk}).content.decode()
    assert "Kennisgaten" in full


def test_forged_department_filter_outside_scope_shows_nothing_extra(login, belastingen, burgerzaken):
    editor_bz = make_staff("redacteur-burgerzaken", burgerzaken, Role.EDITOR)
    closed(Outcome.TRANSFERRED, belastingen, subject="Geheim")
    html = login(editor_bz).get(reverse("channels:knowledge_gaps"), {"department": belastingen.pk}).content.decode()
    assert "Geheim" not in html


def test_agents_and_back_office_cannot_open_the_list(login, agent, backoffice_belastingen):
    assert login(agent).get(reverse("channels:knowledge_gaps")).status_code == 403
    assert login(backoffice_belastingen).get(reverse("channels:knowledge_gaps")).status_code == 403
