"""Views of the signals board: thin. Parse the input, call a selector or service, render."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channels.access import access_contact
from kcc.core.access import department_ids, role_required
from kcc.core.constants import LogAction, Purpose, Role
from kcc.core.csvsafe import csv_response
from kcc.core.exceptions import DomainError
from kcc.core.htmx import add_domain_error, is_fragment, render_htmx, safe_next
from kcc.core.services import processing_log_record

from . import selectors, services
from .access import (
    BOARD_ROLES,
    RAISE_ROLES,
    REPORT_ROLES,
    RESPOND_ROLES,
    access_signal,
    can_merge,
    can_raise,
    can_respond,
    report_departments,
)
from .constants import OPEN_STATUSES, SignalStatus
from .forms import (
    AssignForm,
    CommentForm,
    EvidenceAddForm,
    MergeForm,
    RecentContactForm,
    ReportForm,
    SignalRaiseForm,
    SupportSearchForm,
    TransitionForm,
)
from .reports import overleg_report, report_csv_rows

PAGE_SIZE = 50
# Linked contacts shown on a signal's page before "show all".
EVIDENCE_SHOWN = 10


def _contact_url(contact) -> str:
    return reverse("channels:contact_detail", args=[contact.pk])


# --- board and list -----------------------------------------------------------------------


@require_GET
@role_required(*BOARD_ROLES)
def board(request):
    filterset, columns = selectors.signal_board(
        user=request.user, data=request.GET, request=request, department_queryset=selectors.filter_departments(user=request.user),
    )
    return render_htmx(
        request, "signals/board.html",
        {"filter": filterset, "columns": columns, "total": sum(c.count for c in columns), "today": timezone.localdate(),
         "can_raise": can_raise(request.user), "list_query": request.GET.urlencode()},
        part="columns",
    )


@require_GET
@role_required(*BOARD_ROLES)
def signal_list_view(request):
    filterset, qs = selectors.signal_list(
        user=request.user, data=request.GET, request=request, department_queryset=selectors.filter_departments(user=request.user),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_htmx(
        request, "signals/list.html",
        {"filter": filterset, "page": page, "today": timezone.localdate(), "query": query.urlencode(), "can_raise": can_raise(request.user)},
        part="results",
    )


# --- raising --------------------------------------------------------------------------------


def _similar_for_form(request, data, *, contact=None, exclude_ids=()):
    department = data.get("department") or None
    if department and not str(department).isdigit():
        department = None
    return selectors.signal_similar(
        text=data.get("title", ""), department=department, category=data.get("category", ""), user=request.user,
        exclude_ids=exclude_ids,
    )


@require_http_methods(["GET", "POST"])
@role_required(*RAISE_ROLES)
def signal_create(request):
    contact_id = request.POST.get("contact") or request.GET.get("contact")
    contact = access_contact(request.user, contact_id) if contact_id else None
    initial = {}
    if contact is not None:
        initial = {
            "title": contact.subject[:200], "description": contact.question, "department": contact.topic_department_id,
            "contact": contact.pk,
        }
    form = SignalRaiseForm(
        request.POST or None, initial=initial, with_contact=contact is not None, similar_url=reverse("signals:similar"),
    )
    similar = []
    needs_confirmation = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            similar = selectors.signal_similar(
                text=data["title"], department=data["department"], category=data["category"], user=request.user,
            )
            unseen = [s for s in similar if s.pk not in data["seen_similar"]]
            if unseen and not data["confirm_new"]:
                # Before saving: the agent has not seen these yet. Show them and ask to confirm.
                needs_confirmation = True
            else:
                try:
                    signal = services.signal_raise(
                        user=request.user, title=data["title"], description=data["description"], category=data["category"],
                        department=data["department"], impact=data["impact"], impact_description=data["impact_description"],
                        contact=contact, note=data.get("note", ""),
                    )
                except DomainError as exc:
                    add_domain_error(form, exc)
                else:
                    messages.success(request, _("Signal raised. %(department)s has been asked to respond.") % {"department": signal.department.name})
                    return redirect("signals:detail", pk=signal.pk)
        if form.errors:
            status = 422
    elif contact is not None:
        similar = selectors.signal_similar(
            text=initial["title"], department=contact.topic_department_id, user=request.user,
        )
    return render_htmx(
        request, "signals/form.html",
        {
            "form": form, "contact": contact, "contact_url": _contact_url(contact) if contact else None, "similar": similar,
            "similar_mode": "text" if (form["title"].value() or "").strip() else "department",
            "needs_confirmation": needs_confirmation, "seen_ids": ",".join(str(s.pk) for s in similar),
        },
        status=status,
    )


@require_GET
@role_required(*RAISE_ROLES)
def similar(request):
    """Live suggestions while the agent types a title (htmx)."""
    contact_id = request.GET.get("contact")
    contact = access_contact(request.user, contact_id) if contact_id else None
    found = _similar_for_form(request, request.GET, contact=contact)
    title = (request.GET.get("title") or "").strip()
    return render_htmx(
        request, "signals/form.html#similar",
        {"similar": found, "contact": contact, "similar_mode": "text" if title else "department",
         "seen_ids": ",".join(str(s.pk) for s in found)},
    )


# --- "ik zie dit ook" -----------------------------------------------------------------------


@require_GET
@role_required(*RAISE_ROLES)
def support(request):
    """Link a contact to an existing signal: search the open signals, one click to add."""
    contact_id = request.GET.get("contact")
    if not contact_id:
        raise Http404
    contact = access_contact(request.user, contact_id)
    form = SupportSearchForm(request.GET or None, initial={"q": contact.subject})
    q = contact.subject
    if form.is_valid() and "q" in request.GET:
        q = form.cleaned_data["q"]
    linked = selectors.signals_for_contact(contact=contact)
    linked_ids = [s.pk for s in linked]
    results = selectors.signal_similar(text=q, department=contact.topic_department_id, user=request.user, limit=10, exclude_ids=linked_ids)
    if not results and not q.strip():
        results = list(selectors.signal_list(user=request.user, data={})[1].exclude(pk__in=linked_ids)[:10])
    return render_htmx(
        request, "signals/support.html",
        {"form": form, "contact": contact, "contact_url": _contact_url(contact), "results": results, "linked": linked, "q": q},
        part="results",
    )


@require_POST
@role_required(*RAISE_ROLES)
def evidence_add(request, pk):
    signal = access_signal(request.user, pk)
    form = EvidenceAddForm(request.POST)
    fallback = reverse("signals:detail", args=[signal.pk])
    if not form.is_valid():
        if is_fragment(request):
            return TemplateResponse(request, "signals/_evidence_result.html", {"error": _("Choose a contact."), "signal": signal}, status=422)
        messages.error(request, _("Choose a contact."))
        return redirect(safe_next(request, fallback))
    contact = access_contact(request.user, form.cleaned_data["contact"])
    try:
        evidence, created, landed = services.signal_evidence_add(
            user=request.user, signal=signal, contact=contact, note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        if is_fragment(request):
            return TemplateResponse(request, "signals/_evidence_result.html", {"error": exc.message, "signal": signal}, status=409)
        messages.error(request, exc.message)
        return redirect(safe_next(request, fallback))
    if created:
        text = _("Contact #%(contact)s added to signal “%(title)s”.") % {"contact": contact.pk, "title": landed.title}
    else:
        text = _("Contact #%(contact)s was already linked to this signal.") % {"contact": contact.pk}
    if is_fragment(request):
        response = TemplateResponse(
            request, "signals/_evidence_result.html",
            {"message": text, "signal": landed, "evidence_count": landed.evidence_count},
        )
        response["HX-Trigger"] = "signal-evidence-changed"
        return response
    messages.success(request, text)
    return redirect(safe_next(request, reverse("signals:detail", args=[landed.pk])))


@require_POST
@role_required(*RAISE_ROLES)
def evidence_remove(request, pk, evidence_pk):
    signal = access_signal(request.user, pk)
    evidence = selectors.evidence_get(signal=signal, pk=evidence_pk)
    try:
        services.signal_evidence_remove(user=request.user, evidence=evidence)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The contact was unlinked from this signal."))
    return redirect(reverse("signals:detail", args=[signal.pk]) + "#evidence")


# --- one signal -----------------------------------------------------------------------------


def _detail_context(request, signal, **overrides):
    user = request.user
    all_evidence = selectors.evidence_for_viewer(user=user, signal=signal)
    show_all = request.GET.get("contacten") == "alle"
    evidence = all_evidence if show_all else all_evidence[:EVIDENCE_SHOWN]
    # Only the customers whose names are actually shown go into the processing log.
    customers = {row.contact.customer_id: row.contact.customer for row in evidence if row.visible and row.contact.customer_id}
    if customers:
        processing_log_record(
            user=user, customers=list(customers.values()), action=LogAction.VIEW, purpose=Purpose.SIGNAL, context=f"signaal {signal.pk}",
        )
    respond = can_respond(user, signal) and signal.status in OPEN_STATUSES
    ctx = {
        "signal": signal,
        "today": timezone.localdate(),
        "evidence": evidence,
        "evidence_more": len(all_evidence) - len(evidence),
        "evidence_hidden": sum(1 for row in all_evidence if not row.visible),
        "changes": selectors.status_change_list(signal=signal),
        "comments": selectors.comment_tree(signal=signal),
        "comment_form": CommentForm(),
        "can_respond": respond,
        "can_raise": can_raise(user) and signal.status in OPEN_STATUSES,
        "can_merge": can_merge(user) and signal.status in OPEN_STATUSES,
        "is_teamlead": can_merge(user),
        "merged_from": list(signal.merged_from.order_by("pk").values("pk", "title")),
    }
    if respond:
        ctx["transition_form"] = TransitionForm(
            signal=signal, article_queryset=selectors.resolution_article_choices(signal=signal),
        )
        ctx["assign_form"] = AssignForm(signal=signal)
    if ctx["can_raise"]:
        contacts = selectors.recent_contacts_for_agent(user=user, exclude_signal=signal)
        ctx["recent_contacts"] = contacts
        ctx["recent_form"] = RecentContactForm(contacts=contacts) if contacts else None
    ctx.update(overrides)
    return ctx


@require_GET
@role_required(*BOARD_ROLES)
def signal_detail(request, pk):
    signal = access_signal(request.user, pk)
    services.signal_outcome_seen(user=request.user, signal=signal)
    return render_htmx(request, "signals/detail.html", _detail_context(request, signal))


@require_POST
@role_required(*RESPOND_ROLES)
def signal_transition(request, pk):
    signal = access_signal(request.user, pk)
    if not can_respond(request.user, signal):
        raise PermissionDenied
    form = TransitionForm(request.POST, signal=signal, article_queryset=selectors.resolution_article_choices(signal=signal))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.signal_transition(
                user=request.user, signal=signal, to_status=data["to_status"], response=data["response"],
                owner=data.get("owner"), target_date=data.get("target_date"), article=data.get("article"),
                require_reading=bool(data.get("require_reading")),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Status changed to “%(status)s”. The KCC sees your response.") % {"status": SignalStatus(data["to_status"]).label.lower()})
            return redirect("signals:detail", pk=signal.pk)
    signal = access_signal(request.user, pk)
    return render_htmx(request, "signals/detail.html", _detail_context(request, signal, transition_form=form), status=422)


@require_POST
@role_required(*RESPOND_ROLES)
def signal_assign(request, pk):
    signal = access_signal(request.user, pk)
    if not can_respond(request.user, signal):
        raise PermissionDenied
    form = AssignForm(request.POST, signal=signal)
    if form.is_valid():
        try:
            services.signal_assign(user=request.user, signal=signal, owner=form.cleaned_data["owner"], target_date=form.cleaned_data["target_date"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Owner and target date saved."))
            return redirect("signals:detail", pk=signal.pk)
    return render_htmx(request, "signals/detail.html", _detail_context(request, signal, assign_form=form), status=422)


@require_POST
@role_required(*BOARD_ROLES)
def comment_add(request, pk):
    signal = access_signal(request.user, pk)
    form = CommentForm(request.POST)
    parent = selectors.comment_parent_get(signal=signal, pk=request.POST.get("parent"))
    if form.is_valid():
        try:
            services.signal_comment_add(user=request.user, signal=signal, body=form.cleaned_data["body"], parent=parent)
        except DomainError as exc:
            form.add_error("body", exc.message)
        else:
            if is_fragment(request):
                return TemplateResponse(
                    request, "signals/detail.html#comments",
                    {"signal": signal, "comments": selectors.comment_tree(signal=signal), "comment_form": CommentForm(), "comment_saved": True},
                )
            messages.success(request, _("Comment placed."))
            return redirect(reverse("signals:detail", args=[signal.pk]) + "#comments")
    errors = {
        "comment_form": CommentForm() if parent else form,
        "reply_form": form if parent else None,
        "reply_to": parent.pk if parent else None,
    }
    if is_fragment(request):
        return TemplateResponse(
            request, "signals/detail.html#comments",
            {"signal": signal, "comments": selectors.comment_tree(signal=signal), **errors}, status=422,
        )
    return render_htmx(request, "signals/detail.html", _detail_context(request, signal, **errors), status=422)


@require_http_methods(["GET", "POST"])
@role_required(Role.TEAMLEAD)
def signal_merge(request, pk):
    source = access_signal(request.user, pk)
    if source.status not in OPEN_STATUSES:
        messages.error(request, _("Only an open signal can be merged."))
        return redirect("signals:detail", pk=source.pk)
    candidates, similar_ids = selectors.merge_candidates(user=request.user, source=source)
    form = MergeForm(request.POST or None, candidates=candidates, similar_ids=set(similar_ids))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            target = access_signal(request.user, form.cleaned_data["target"])
            try:
                services.signal_merge(user=request.user, source=source, target=target, response=form.cleaned_data["response"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Signal #%(source)s merged into #%(target)s.") % {"source": source.pk, "target": target.pk})
                return redirect("signals:detail", pk=target.pk)
        status = 422
    return TemplateResponse(
        request, "signals/merge.html", {"signal": source, "form": form, "similar_ids": similar_ids}, status=status,
    )


@require_POST
@role_required(*BOARD_ROLES)
def outcome_seen(request, pk):
    signal = access_signal(request.user, pk)
    services.signal_outcome_seen(user=request.user, signal=signal)
    if is_fragment(request):
        return HttpResponse("")
    return redirect(safe_next(request, reverse("core:home")))


# --- overleg report -------------------------------------------------------------------------


def _report_from_request(request):
    departments = report_departments(request.user).order_by("-is_kcc", "name")
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1))
    default_department = departments.filter(pk__in=department_ids(request.user, Role.BACKOFFICE, Role.MANAGER)).first()
    initial = {"month": f"{last_month:%Y-%m}", "department": default_department.pk if default_department else None}
    form = ReportForm(request.GET if "month" in request.GET else None, departments=departments, initial=initial)
    report = None
    if form.is_valid():
        year, month = form.cleaned_data["month"]
        report = overleg_report(department=form.cleaned_data["department"], year=year, month=month)
    return form, report


@require_GET
@role_required(*REPORT_ROLES)
def report(request):
    form, report = _report_from_request(request)
    context = {"form": form, "report": report, "query": request.GET.urlencode()}
    if report is not None:
        prev_month = report.first_day - timedelta(days=1)
        context["prev_query"] = f"department={report.department.pk}&month={prev_month:%Y-%m}"
        nxt = report.last_day + timedelta(days=1)
        if nxt <= timezone.localdate():
            context["next_query"] = f"department={report.department.pk}&month={nxt:%Y-%m}"
    return TemplateResponse(request, "signals/report.html", context, status=422 if form.is_bound and form.errors else 200)


@require_GET
@role_required(*REPORT_ROLES)
def report_csv(request):
    form, report = _report_from_request(request)
    if report is None:
        return TemplateResponse(request, "signals/report.html", {"form": form, "report": None}, status=422)
    filename = f"overleg-{report.department.code}-{report.year}-{report.month:02d}.csv"
    return csv_response(report_csv_rows(report), filename=filename)


