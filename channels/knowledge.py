"""Kennisgaten: closed contacts that no knowledge article answered.

A contact is a knowledge gap when it is a closed inbound contact, has no ContactArticle, and
its outcome is neither `resolved` nor `resolved_after_consult` (the agent could not answer it
alone, and no article helped). `disconnected` contacts are left out: a dropped call says
nothing about missing knowledge. Editors use the list to write the missing articles.

It lives in the inbox app because it reads contacts, and the knowledge base may not import
the inbox. Selector and view are together here; the URL is in urls_knowledge.py.
"""

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kcc.core.access import has_role, is_kcc, role_required
from kcc.core.constants import LogAction, Purpose, Role
from kcc.core.forms import UtrechtFormMixin
from kcc.core.models import Customer, Department
from kcc.core.services import processing_log_record
from knowledgebase.access import edit_department_ids

from .constants import ContactStatus, Direction, Outcome
from .models import Contact, ContactArticle
from .selectors import cursor_decode, cursor_encode

GAP_PAGE_SIZE = 50
NOT_A_GAP = (Outcome.RESOLVED, Outcome.RESOLVED_AFTER_CONSULT, Outcome.DISCONNECTED)


def knowledge_gap_departments(user) -> QuerySet[Department]:
    """Topic departments the user may see gaps for: all for the central editors (KCC editors),
    team leads and admins; otherwise the departments the editor works for."""
    qs = Department.objects.filter(is_active=True).order_by("-is_kcc", "name")
    if has_role(user, Role.TEAMLEAD, Role.ADMIN):
        return qs
    ids = edit_department_ids(user)
    return qs if ids is None else qs.filter(pk__in=ids)


def knowledge_gap_scope(user) -> QuerySet[Contact]:
    linked = ContactArticle.objects.filter(contact=OuterRef("pk"))
    qs = (
        Contact.objects.filter(status=ContactStatus.CLOSED, direction=Direction.INBOUND, ended_at__isnull=False)
        .exclude(outcome__in=NOT_A_GAP)
        .filter(~Exists(linked))
    )
    if has_role(user, Role.TEAMLEAD, Role.ADMIN) or edit_department_ids(user) is None:
        return qs
    return qs.filter(topic_department__in=knowledge_gap_departments(user))


class KnowledgeGapFilterForm(UtrechtFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.filter(is_active=True).order_by("-is_kcc", "name"), required=False, empty_label=_("All departments"))

    def __init__(self, *args, user, **kwargs):
        # Before super().__init__: UtrechtFormMixin validates a bound form while initialising.
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = knowledge_gap_departments(user)

    def clean_department(self):
        department = self.cleaned_data.get("department")
        if department is not None and not knowledge_gap_departments(self.user).filter(pk=department.pk).exists():
            raise forms.ValidationError(_("Select a valid choice. That choice is not one of the available choices."), code="invalid_choice")
        return department


def knowledge_gap_list(*, user, department: Department | None = None, cursor: str | None = None, size: int = GAP_PAGE_SIZE) -> tuple[list[Contact], str | None]:
    """One page of knowledge gaps, newest closed first (keyset on ended_at, id), and the
    cursor of the next page (None on the last page)."""
    qs = knowledge_gap_scope(user).select_related("topic_department", "closed_by")
    if department is not None:
        qs = qs.filter(topic_department=department)
    position = cursor_decode(cursor)
    if position is not None:
        at, pk = position
        qs = qs.filter(Q(ended_at__lt=at) | Q(ended_at=at, pk__lt=pk))
    rows = list(qs.order_by("-ended_at", "-pk")[: size + 1])
    next_cursor = cursor_encode(rows[size - 1].ended_at, rows[size - 1].pk) if len(rows) > size else None
    return rows[:size], next_cursor


@require_GET
@role_required(Role.EDITOR, Role.TEAMLEAD, Role.ADMIN)
def knowledge_gaps(request):
    form = KnowledgeGapFilterForm(request.GET or None, user=request.user)
    department = form.cleaned_data.get("department") if form.is_valid() else None
    contacts, next_cursor = knowledge_gap_list(user=request.user, department=department, cursor=request.GET.get("na"))
    # The page shows residents' questions: a read of their data, logged like any other.
    customer_ids = sorted({c.customer_id for c in contacts if c.customer_id})
    if customer_ids:
        processing_log_record(
            user=request.user, customers=[Customer(pk=pk) for pk in customer_ids], action=LogAction.VIEW,
            purpose=Purpose.ANSWER_QUESTION, context="kennisgaten",
        )
    context = {
        "form": form,
        "contacts": contacts,
        "next_cursor": next_cursor,
        "department": department,
        "is_first_page": not request.GET.get("na"),
        "can_open_contacts": is_kcc(request.user),
    }
    template = "channels/knowledge_gaps.html#results" if request.htmx and not request.htmx.boosted else "channels/knowledge_gaps.html"
    response = TemplateResponse(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
