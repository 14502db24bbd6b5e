"""Feedback goes to the owner department (list and e-mail after commit), which responds; the
editors see it on the article."""

import pytest
from django.core import mail
from django.urls import reverse

from kcc.core.exceptions import DomainError
from knowledgebase.constants import FeedbackKind, FeedbackStatus
from knowledgebase.models import ArticleFeedback
from knowledgebase.selectors import feedback_list
from knowledgebase.services import feedback_create, feedback_respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def woz(publish, belastingen):
    return publish("Bezwaar maken tegen de WOZ-waarde", "Binnen 6 weken.", belastingen)


def test_feedback_is_addressed_to_the_owner_department_and_mailed_after_commit(woz, agent, belastingen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        feedback = feedback_create(user=agent, article=woz, kind=FeedbackKind.OUTDATED, note="Termijn is nu 8 weken?")
        assert mail.outbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert feedback.department == belastingen
    assert feedback.version == woz.current_version
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [belastingen.email]
    assert "Feedback op kennisartikel: Bezwaar maken tegen de WOZ-waarde" == message.subject
    assert "verouderd" in message.body
    assert f"/kennisbank/artikel/{woz.pk}/" in message.body


def test_department_without_address_gets_no_mail_but_sees_the_feedback(woz, agent, belastingen, backoffice_belastingen, django_capture_on_commit_callbacks):
    belastingen.email = ""
    belastingen.save()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_create(user=agent, article=woz, kind=FeedbackKind.WRONG, note="x")
    assert mail.outbox == []
    _, items = feedback_list(user=backoffice_belastingen)
    assert len(items) == 1


def test_feedback_needs_a_kind_and_a_note(woz, agent):
    with pytest.raises(DomainError):
        feedback_create(user=agent, article=woz, kind="boring", note="x")
    with pytest.raises(DomainError):
        feedback_create(user=agent, article=woz, kind=FeedbackKind.WRONG, note="  ")
    assert not ArticleFeedback.objects.exists()


def test_feedback_reaches_only_the_owner_department_and_editors(woz, agent, backoffice_belastingen, backoffice_burgerzaken, editor, editor_burgerzaken):
    feedback_create(user=agent, article=woz, kind=FeedbackKind.UNCLEAR, note="x")
    assert len(feedback_list(user=backoffice_belastingen)[1]) == 1
    assert len(feedback_list(user=editor)[1]) == 1  # central editors see everything
    assert feedback_list(user=backoffice_burgerzaken)[1] == []
    assert feedback_list(user=editor_burgerzaken)[1] == []


def test_department_responds_and_editors_and_the_agent_see_it(woz, agent, manager_belastingen, login, editor):
    feedback = feedback_create(user=agent, article=woz, kind=FeedbackKind.UNCLEAR, note="Uitstel van betaling?")
    client = login(manager_belastingen)
    response = client.post(reverse("knowledgebase:feedback_respond", args=[feedback.pk]), {"response": "Nee, betalen blijft verplicht."})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ANSWERED
    assert feedback.responded_by == manager_belastingen
    url = reverse("knowledgebase:article_detail", args=[woz.pk])
    editor_html = login(editor).get(url).content.decode()
    assert "Uitstel van betaling?" in editor_html and "Nee, betalen blijft verplicht." in editor_html
    agent_html = login(agent).get(url).content.decode()
    assert "Nee, betalen blijft verplicht." in agent_html


def test_other_departments_cannot_respond(woz, agent, backoffice_burgerzaken, login):
    feedback = feedback_create(user=agent, article=woz, kind=FeedbackKind.UNCLEAR, note="x")
    response = login(backoffice_burgerzaken).post(reverse("knowledgebase:feedback_respond", args=[feedback.pk]), {"response": "Hack"})
    assert response.status_code == 404
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.OPEN


def test_agent_sends_feedback_through_the_form(woz, agent, login, django_capture_on_commit_callbacks):
    client = login(agent)
    url = reverse("knowledgebase:feedback_create", args=[woz.pk])
    invalid = client.post(url, {"kind": "", "note": ""}, HTTP_HX_REQUEST="true")
    assert invalid.status_code == 422
    assert "<html" not in invalid.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "wrong", "note": "Leges kloppen niet"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Belastingen" in response.content.decode()
    assert ArticleFeedback.objects.get().note == "Leges kloppen niet"
    assert len(mail.outbox) == 1


def test_responding_requires_text(woz, agent, editor):
    feedback = feedback_create(user=agent, article=woz, kind=FeedbackKind.UNCLEAR, note="x")
    with pytest.raises(DomainError):
        feedback_respond(user=editor, feedback=feedback, response=" ")


def test_editorial_page_query_count_is_pinned(woz, agent, editor, login, django_assert_num_queries):
    for i in range(3):
        feedback_create(user=agent, article=woz, kind=FeedbackKind.UNCLEAR, note=f"x{i}")
    client = login(editor)
    client.get(reverse("knowledgebase:editorial"))
    # session, user, memberships, kcc departments (scope), overdue, drafts, feedback, filter departments
    with django_assert_num_queries(8):
        response = client.get(reverse("knowledgebase:editorial"))
    assert response.content.decode().count("x1") >= 1
