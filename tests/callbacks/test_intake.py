"""Intake question sets (vragensets): the department's questions appear in the desk's close form
for a callback, "required" and choices are validated on the server, the answers are stored with
the callback in the close transaction (with the question's text as asked) and shown to the back
office on the request (docs/callbacks.md, "Question sets")."""

import pytest
from django.urls import reverse

from callbacks.constants import QuestionType, RequestKindCode
from callbacks.intake import intake_questions
from callbacks.models import CallbackRequest, Question, QuestionSet, RequestAnswer
from channels.constants import ContactStatus

from .test_from_contact import close_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def question_set(belastingen):
    qs = QuestionSet.objects.create(kind=RequestKindCode.CALLBACK, department=belastingen, title="Vragen over de aanslag")
    Question.objects.create(question_set=qs, order=1, text="Om welk aanslagjaar gaat het?", type=QuestionType.CHOICE,
                            choices="2025\n2026", required=True)
    Question.objects.create(question_set=qs, order=2, text="Is er al bezwaar gemaakt?", type=QuestionType.YES_NO, required=True)
    Question.objects.create(question_set=qs, order=3, text="Wanneer is de brief ontvangen?", type=QuestionType.DATE)
    Question.objects.create(question_set=qs, order=4, text="Toelichting", type=QuestionType.TEXT)
    return qs


def answers(qs, *values):
    return {f"callback-intake_{q.pk}": v for q, v in zip(qs.questions.all(), values, strict=True)}


def test_the_departments_set_wins_over_the_set_for_every_department(question_set, belastingen, burgerzaken):
    general = QuestionSet.objects.create(kind=RequestKindCode.CALLBACK, title="Algemeen")
    Question.objects.create(question_set=general, text="Waarover?")
    chosen, questions = intake_questions(RequestKindCode.CALLBACK, belastingen)
    assert chosen == question_set and [q.order for q in questions] == [1, 2, 3, 4]
    assert intake_questions(RequestKindCode.CALLBACK, burgerzaken) == (general, [general.questions.get()])
    assert intake_questions(RequestKindCode.REPAIR, belastingen) == (None, [])
    question_set.active = False
    question_set.save()
    assert intake_questions(RequestKindCode.CALLBACK, belastingen)[0] == general


def test_the_close_form_shows_the_questions_of_the_topic_department(login, agent, belastingen, resident, make_contact, question_set):
    contact = make_contact(customer=resident, assigned_to=agent, topic_department=belastingen)
    page = login(agent).get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert "Vragen over de aanslag" in page and "Om welk aanslagjaar gaat het?" in page
    assert f'name="callback-intake_{question_set.questions.first().pk}"' in page


def test_close_stores_the_answers_with_the_callback_in_one_transaction(login, agent, belastingen, resident, make_contact, question_set):
    contact = make_contact(customer=resident, assigned_to=agent)
    response = login(agent).post(close_url(contact), form_data(belastingen, **answers(question_set, "2026", "no", "2026-11-30", "")))
    assert response.status_code == 302, response.content.decode()[:3000]
    callback = CallbackRequest.objects.get()
    assert [(a.question_text, a.answer) for a in callback.answers.all()] == [
        ("Om welk aanslagjaar gaat het?", "2026"), ("Is er al bezwaar gemaakt?", "Nee"),
        ("Wanneer is de brief ontvangen?", "30 nov 2026"), ("Toelichting", ""),
    ]
    # A snapshot: rewording the question later does not change what was asked.
    Question.objects.filter(question_set=question_set, order=1).update(text="Welk jaar?")
    assert callback.answers.first().question_text == "Om welk aanslagjaar gaat het?"


@pytest.mark.parametrize(("values", "message"), [
    (("", "no", "", ""), "Dit veld is verplicht."),                 # required choice left empty
    (("1999", "no", "", ""), "Selecteer een geldige keuze."),       # forged choice
    (("2026", "misschien", "", ""), "Selecteer een geldige keuze."),  # forged yes/no
])
def test_required_and_choices_are_checked_and_nothing_is_saved(login, agent, belastingen, resident, make_contact, question_set, values, message):
    contact = make_contact(customer=resident, assigned_to=agent)
    response = login(agent).post(close_url(contact), form_data(belastingen, **answers(question_set, *values)))
    assert response.status_code == 422
    assert message in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN
    assert not CallbackRequest.objects.exists() and not RequestAnswer.objects.exists()


def test_back_office_sees_the_answers_on_the_request(login, agent, backoffice_belastingen, belastingen, resident, make_contact, question_set):
    contact = make_contact(customer=resident, assigned_to=agent)
    login(agent).post(close_url(contact), form_data(belastingen, **answers(question_set, "2025", "yes", "", "Brief kwijt")))
    callback = CallbackRequest.objects.get()
    page = login(backoffice_belastingen).get(reverse("callbacks:detail", args=[callback.pk])).content.decode()
    assert page.count('data-testid="intake-answer"') == 4
    assert "Om welk aanslagjaar gaat het?" in page and "2025" in page and "Brief kwijt" in page


def test_a_choice_question_needs_two_options(question_set):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Question(question_set=question_set, text="Welke?", type=QuestionType.CHOICE, choices="alleen dit").full_clean()


def test_functional_admin_maintains_question_sets_in_the_admin(login, admin_user, question_set, belastingen):
    client = login(admin_user)
    assert "Vragen over de aanslag" in client.get(reverse("admin:callbacks_questionset_changelist")).content.decode()
    page = client.get(reverse("admin:callbacks_questionset_change", args=[question_set.pk])).content.decode()
    assert "Om welk aanslagjaar gaat het?" in page
    response = client.post(reverse("admin:callbacks_questionset_add"), {
        "kind": RequestKindCode.CALLBACK, "department": "", "title": "Algemene vragen", "active": "on",
        "questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "0", "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000",
        "questions-0-order": "1", "questions-0-text": "Waarover wil de beller gebeld worden?", "questions-0-type": QuestionType.TEXT,
        "questions-0-choices": "", "questions-0-required": "on", "questions-0-help_text": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert QuestionSet.objects.get(title="Algemene vragen").questions.get().required


def test_agents_cannot_edit_question_sets(login, agent):
    assert login(agent).get(reverse("admin:callbacks_questionset_changelist")).status_code == 302
