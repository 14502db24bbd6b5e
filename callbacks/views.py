"""Callback screens: thin views that parse input, call a selector or service, and render.

Every view answers a full page, or its fragment when requested by htmx (Vary: HX-Request).
Mutations answer with the updated fragment (htmx) or redirect to the callback (no JS).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kcc.core.access import access_customer, department_ids, has_role, role_required
from kcc.core.constants import LogAction, Purpose, Role
from kcc.core.exceptions import DomainError
from kcc.core.htmx import add_domain_error, is_fragment, render_htmx, vary_on_htmx
from kcc.core.services import processing_log_record
from knowledgebase.selectors import department_guide_url

from .access import CANCEL, MANAGE, WORK, access_callback, allowed_actions
from .constants import CallbackStatus
from .forms import AttemptForm, CallbackForm, CancelForm, CloseForm, ReassignForm, colleague_choices
from .selectors import (
    active_department_get,
    callback_deadline_preview,
    callback_detail_data,
    callback_list,
    customer_default_phone,
    department_overview,
)
from .services import (
    callback_attempt_log,
    callback_cancel,
    callback_claim,
    callback_close,
    callback_create,
    callback_reassign,
    callback_release,
)

STAFF = (Role.AGENT, Role.TEAMLEAD, Role.BACKOFFICE, Role.MANAGER)
WORKERS = STAFF
KCC = (Role.AGENT, Role.TEAMLEAD)


def _guide_url(department) -> str | None:
    """The knowledge base's "wie doet wat" page of the chosen department (none chosen: none)."""
    return department_guide_url(department) if department is not None else None


# --- lists -------------------------------------------------------------------------------


def _list_view(request, *, mine: bool):
    result = callback_list(user=request.user, data=request.GET, mine=mine, page_number=request.GET.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "result": result, "filter": result.filterset, "page": result.page, "callbacks": result.callbacks,
        "mine": mine, "querystring": query.urlencode(), "can_create": has_role(request.user, *KCC),
        "list_url": reverse("callbacks:mine" if mine else "callbacks:queue"),
    }
    return render_htmx(request, "callbacks/list.html", context, part="results")


@require_GET
@role_required(*STAFF)
def queue(request):
    return _list_view(request, mine=False)


@require_GET
@role_required(*STAFF)
def mine(request):
    return _list_view(request, mine=True)


# --- detail and actions ------------------------------------------------------------------


def _detail_context(request, callback, **forms) -> dict:
    actions = allowed_actions(request.user, callback)
    context = {
        "callback": callback,
        **callback_detail_data(callback=callback),
        "can_work": WORK in actions and callback.is_active,
        "can_manage": MANAGE in actions and callback.is_active,
        "can_cancel": CANCEL in actions and callback.is_active,
        "is_claimer": callback.claimed_by_id == request.user.pk,
        "attempt_form": forms.get("attempt_form") or AttemptForm(prefix="attempt"),
        "close_form": forms.get("close_form") or CloseForm(prefix="close"),
        "cancel_form": forms.get("cancel_form") or CancelForm(prefix="cancel"),
        "reassign_form": forms.get("reassign_form") or ReassignForm(prefix="reassign", initial={"department": callback.target_department_id}),
        "open_panel": forms.get("open_panel", ""),
        "feedback": forms.get("feedback"),
    }
    return context


def _render_detail(request, callback, *, status=200, **forms):
    context = _detail_context(request, callback, **forms)
    if is_fragment(request):
        return render_htmx(request, "callbacks/detail.html", context, part="main", status=status)
    if callback.customer_id:
        processing_log_record(
            user=request.user, customers=[callback.customer], action=LogAction.VIEW, purpose=Purpose.CALLBACK,
            context=f"terugbelverzoek {callback.pk}",
        )
    return render_htmx(request, "callbacks/detail.html", context, status=status)


@require_GET
@role_required(*STAFF)
def detail(request, pk):
    callback = access_callback(request.user, pk)
    return _render_detail(request, callback)


def _done(request, pk, message: str):
    """After a successful action: the fresh fragment (htmx) or a redirect (no JS)."""
    if is_fragment(request):
        callback = access_callback(request.user, pk)
        return _render_detail(request, callback, feedback={"level": "ok", "text": message})
    messages.success(request, message)
    return redirect("callbacks:detail", pk=pk)


def _refused(request, pk, exc: DomainError, *, status=409, **forms):
    """A rule refused the action: say why, keep what was typed."""
    callback = access_callback(request.user, pk)
    if forms:
        return _render_detail(request, callback, status=422, feedback={"level": "error", "text": exc.message}, **forms)
    if is_fragment(request):
        return _render_detail(request, callback, status=status, feedback={"level": "error", "text": exc.message})
    messages.error(request, exc.message)
    return redirect("callbacks:detail", pk=pk)


@require_POST
@role_required(*WORKERS)
def claim(request, pk):
    callback = access_callback(request.user, pk, action=WORK)
    try:
        callback_claim(user=request.user, callback=callback)
    except DomainError as exc:
        return _refused(request, pk, exc)
    return _done(request, pk, _("You claimed this callback request. Call the resident and log each attempt."))


@require_POST
@role_required(*WORKERS)
def release(request, pk):
    callback = access_callback(request.user, pk, action=WORK)
    try:
        callback_release(user=request.user, callback=callback)
    except DomainError as exc:
        return _refused(request, pk, exc)
    return _done(request, pk, _("The callback request is back in the department queue."))


@require_POST
@role_required(*WORKERS)
def attempt(request, pk):
    callback = access_callback(request.user, pk, action=WORK)
    form = AttemptForm(request.POST, prefix="attempt")
    if not form.is_valid():
        return _render_detail(request, callback, status=422, attempt_form=form, open_panel="attempt")
    try:
        logged = callback_attempt_log(user=request.user, callback=callback, **form.cleaned_data)
    except DomainError as exc:
        if exc.field in form.fields:
            add_domain_error(form, exc)
            return _render_detail(request, callback, status=422, attempt_form=form, open_panel="attempt")
        return _refused(request, pk, exc)
    logged.callback.refresh_from_db(fields=["status"])
    if logged.callback.status == CallbackStatus.UNREACHABLE:
        return _done(request, pk, _("Attempt logged. The maximum number of attempts is reached: the callback request is now unreachable."))
    return _done(request, pk, _("Attempt logged: %(result)s.") % {"result": logged.get_result_display().lower()})


def _form_action(request, pk, *, action: str, form_class, prefix: str, run, message: str):
    """A detail-page form (the panel `prefix`): validate, call the service, answer the fresh
    fragment or a redirect; a form or rule error re-renders the panel with 422."""
    callback = access_callback(request.user, pk, action=action)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            run(callback, form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, pk, message)
    return _render_detail(request, callback, status=422, open_panel=prefix, **{f"{prefix}_form": form})


@require_POST
@role_required(*WORKERS)
def close(request, pk):
    return _form_action(
        request, pk, action=WORK, form_class=CloseForm, prefix="close", message=_("The callback request is done."),
        run=lambda callback, data: callback_close(user=request.user, callback=callback, outcome=data["outcome"]),
    )


@require_POST
@role_required(*WORKERS)
def cancel(request, pk):
    return _form_action(
        request, pk, action=CANCEL, form_class=CancelForm, prefix="cancel", message=_("The callback request is cancelled."),
        run=lambda callback, data: callback_cancel(user=request.user, callback=callback, reason=data["reason"]),
    )


@require_POST
@role_required(*WORKERS)
def reassign(request, pk):
    callback = access_callback(request.user, pk, action=MANAGE)
    form = ReassignForm(request.POST, prefix="reassign")
    if not form.is_valid():
        return _render_detail(request, callback, status=422, reassign_form=form, open_panel="reassign")
    try:
        callback_reassign(
            user=request.user, callback=callback, reason=form.cleaned_data["reason"],
            department=form.cleaned_data["department"], assignee=form.cleaned_data["assignee"],
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return _render_detail(request, callback, status=422, reassign_form=form, open_panel="reassign")
    message = _("The callback request was passed on.")
    # The user may no longer see it (another department): then go back to the queue.
    try:
        access_callback(request.user, pk)
    except Http404:
        messages.success(request, message)
        if is_fragment(request):
            response = TemplateResponse(request, "callbacks/detail.html#gone", {"message": message})
            response["HX-Redirect"] = reverse("callbacks:queue")
            return vary_on_htmx(response)
        return redirect("callbacks:queue")
    return _done(request, pk, message)


# --- create ------------------------------------------------------------------------------


def _form_context(form, *, department=None, **extra) -> dict:
    return {
        "form": form, "guide_url": _guide_url(department),
        "colleagues_url": reverse("callbacks:colleague_options"), **extra,
    }


def _selected_department(form):
    if form.is_bound:
        value = form.data.get(form.add_prefix("target_department"))
    else:
        value = form.initial.get("target_department")
    return active_department_get(value)


@require_http_methods(["GET", "POST"])
@role_required(*KCC)
def create(request):
    """A callback request without closing a contact: for a chosen customer (?customer=<id>,
    from the customer's timeline) or an anonymous caller."""
    raw_customer = request.POST.get("customer") if request.method == "POST" else request.GET.get("customer")
    customer = None
    if raw_customer:
        customer = access_customer(request.user, raw_customer, purpose=Purpose.CALLBACK, context="terugbelverzoek maken")
    if request.method == "POST":
        form = CallbackForm(request.POST, customer=customer)
        if form.is_valid():
            data = form.cleaned_data
            try:
                callback = callback_create(user=request.user, customer=customer, **data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Callback request made for %(department)s, deadline %(deadline)s.") % {
                    "department": callback.target_department.name, "deadline": date_format(callback.deadline),
                })
                return redirect("callbacks:detail", pk=callback.pk)
    else:
        form = CallbackForm(customer=customer, initial={"phone": customer_default_phone(customer)})
    context = _form_context(form, department=_selected_department(form), customer=customer, contact=None)
    return TemplateResponse(request, "callbacks/create.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@role_required(*KCC)
def create_from_contact(request, contact_pk):
    """The old second step ("close, then make the callback"). Closing with a callback is now
    one form on the contact screen (the outcome "callback" shows the callback fields), so this
    URL only sends the agent back to the contact: it can no longer leave a contact closed as
    "callback" without its callback, and it makes nothing itself."""
    from channels.access import access_contact

    contact = access_contact(request.user, contact_pk, kcc_only=True)
    existing = contact.callbacks.first()
    if existing is not None:
        messages.info(request, _("A callback request was already made for this contact."))
        return redirect("callbacks:detail", pk=existing.pk)
    messages.info(request, _("Choose the outcome \"callback request\" in the contact's close form: the callback fields are there."))
    return redirect(reverse("channels:contact_detail", args=[contact.pk]) + "#close")


@require_GET
@role_required(*KCC)
def deadline_preview(request):
    """htmx: the deadline a callback for the chosen department would get (close form)."""
    raw = request.GET.get("callback-target_department") or request.GET.get("target_department") or ""
    department = active_department_get(raw)
    context = {"preview": callback_deadline_preview(department=department) if department else None}
    return TemplateResponse(request, "callbacks/_close_fields.html#deadline_preview", context)


@require_GET
@role_required(*STAFF)
def colleague_options(request):
    """htmx: the colleague options (and the department guide link) for the chosen department."""
    raw = request.GET.get("target_department") or request.GET.get("callback-target_department") or request.GET.get("reassign-department") or request.GET.get("department") or ""
    department = active_department_get(raw)
    return TemplateResponse(
        request, "callbacks/create.html#colleague_options",
        {
            "choices": colleague_choices(department) if department else colleague_choices(None)[:1],
            "guide_url": _guide_url(department), "oob": bool(request.GET.get("guide")),
        },
    )


# --- overview ----------------------------------------------------------------------------

PERIODS = (7, 30, 90)


@require_GET
@role_required(Role.TEAMLEAD, Role.MANAGER)
def overview(request):
    try:
        period = int(request.GET.get("periode", 30))
    except ValueError:
        period = 30
    if period not in PERIODS:
        period = 30
    data = department_overview(user=request.user, period_days=period)
    # Each department links to its queue: team leads may list every department, managers their own.
    linkable = {r.department.pk for r in data["rows"]} if has_role(request.user, Role.TEAMLEAD) else department_ids(request.user, Role.MANAGER)
    context = {**data, "periods": PERIODS, "linkable": linkable}
    return render_htmx(request, "callbacks/overview.html", context, part="table")
