"""Intake questions (vragensets): the questions the agent answers when making a request of one
kind for one department, as form fields, and their answers as text (docs/callbacks.md,
"Question sets")."""

from django import forms
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .constants import QuestionType, TimeWindow
from .models import Question, QuestionSet

FIELD_PREFIX = "intake_"
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def intake_questions(kind: str, department) -> tuple[QuestionSet | None, list[Question]]:
    """The questions of the active set for this kind and department, else of the kind's set for
    every department; with their set. One query (the desk's workspace has a pinned count)."""
    if department is None:
        return None, []
    questions = list(
        Question.objects.filter(Q(question_set__department=department) | Q(question_set__department__isnull=True),
                                question_set__kind=kind, question_set__active=True)
        .select_related("question_set").order_by(F("question_set__department").asc(nulls_last=True), "order", "id")
    )
    if not questions:
        return None, []
    chosen = questions[0].question_set
    return chosen, [q for q in questions if q.question_set_id == chosen.pk]


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.pk}"


def question_field(question: Question) -> forms.Field:
    """The form field for one question; `required` is the editor's flag, checked on the server."""
    common = {"label": question.text, "required": question.required, "help_text": question.help_text}
    if question.type == QuestionType.CHOICE:
        return forms.ChoiceField(choices=[("", _("Choose"))] + [(c, c) for c in question.choice_list], **common)
    if question.type == QuestionType.YES_NO:
        return forms.ChoiceField(choices=[("", _("Choose")), *YES_NO], **common)
    if question.type == QuestionType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), input_formats=["%Y-%m-%d", "%d-%m-%Y"], **common)
    if question.type == QuestionType.TIME_WINDOW:
        return forms.ChoiceField(choices=[("", _("Choose"))] + list(TimeWindow.choices), **common)
    return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), **common)


def answer_text(question: Question, value) -> str:
    """An answer as the back office reads it."""
    if value in (None, ""):
        return ""
    if question.type == QuestionType.YES_NO:
        return gettext("Yes") if value == "yes" else gettext("No")
    if question.type == QuestionType.DATE:
        return date_format(value)
    if question.type == QuestionType.TIME_WINDOW:
        return str(TimeWindow(value).label)
    return str(value).strip()


class IntakeMixin:
    """Adds the intake questions of (kind, chosen department) to a form, and in clean() puts the
    answers as [(question, text)] in cleaned_data["intake_answers"]. The form calls
    add_intake_fields(department) from setup_fields()."""

    intake_kind = "callback"

    def add_intake_fields(self, department) -> None:
        self.question_set, self.intake_questions = intake_questions(self.intake_kind, department)
        for question in self.intake_questions:
            self.fields[field_name(question)] = question_field(question)

    @property
    def intake_bound_fields(self):
        return [self[field_name(q)] for q in self.intake_questions]

    def clean_intake(self, cleaned: dict) -> dict:
        cleaned["intake_answers"] = [
            (q, answer_text(q, cleaned.get(field_name(q)))) for q in self.intake_questions if field_name(q) in cleaned
        ]
        return cleaned
