"""The privacy officer's pages. Every search for a resident is POSTed (the text is personal data
and must not land in a URL, a log line or the browser history); the URLs carry ids only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kcc.core.access import role_required
from kcc.core.constants import LogAction, Purpose, Role
from kcc.core.csvsafe import csv_response
from kcc.core.exceptions import DomainError
from kcc.core.htmx import add_domain_error, render_htmx
from kcc.core.services import processing_log_record

from . import selectors, services
from .access import access_legal_hold, access_privacy_customer, access_retention_run
from .constants import RetentionKind, RunMode, RunStatus
from .forms import ConfirmForm, LegalHoldForm, PrivacyCustomerSearchForm, TargetedLegalHoldForm

LOG_PAGE_SIZE = 50
LIST_ITEMS = 100


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(Role.PRIVACY)
def home(request):
    awaiting = selectors.retention_run_list(limit=5)
    return TemplateResponse(request, "privacy/home.html", {"runs": awaiting, "search_form": PrivacyCustomerSearchForm()})


# --- residents -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.PRIVACY)
def customer_search(request):
    form = PrivacyCustomerSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = selectors.privacy_customer_search(q=form.cleaned_data["q"])
        if results:
            processing_log_record(user=request.user, customers=results, action=LogAction.SEARCH, purpose=Purpose.PRIVACY_REQUEST, context="privacy: klant zoeken")
    response = render_htmx(
        request, "privacy/customer_search.html", {"form": form, "results": results}, part="results", status=422 if form.errors else 200,
    )
    return _no_store(response)


def _customer_context(request, customer, **extra) -> dict:
    records = selectors.customer_records(customer=customer)
    chain, contacts, callbacks, holds = records.chain, records.contacts, records.callbacks, records.holds
    choices = [(f"contact:{c.pk}", _("Contact %(id)s (%(channel)s, %(date)s)") % {"id": c.pk, "channel": c.get_channel_display(), "date": f"{c.started_at:%d-%m-%Y}"}) for c in contacts]
    choices += [(f"callback:{c.pk}", _("Callback request %(id)s (%(date)s)") % {"id": c.pk, "date": f"{c.created_at:%d-%m-%Y}"}) for c in callbacks]
    context = {
        "customer": customer,
        "chain": chain,
        "contacts": contacts,
        "callbacks": callbacks,
        "evidence_count": records.evidence_count,
        "holds": holds,
        "active_holds": [h for h in holds if h.lifted_at is None],
        "restricted": any(c.restricted_at for c in chain),
        "erased": all(c.erased_at for c in chain),
        "hold_form": LegalHoldForm(),
        "record_hold_form": TargetedLegalHoldForm(choices=choices, prefix="record") if choices else None,
        "erase_form": ConfirmForm(expected=customer.pk),
    }
    context.update(extra)
    return context


@require_GET
@role_required(Role.PRIVACY)
def customer_detail(request, pk):
    customer = access_privacy_customer(request.user, pk, context="privacy: klantoverzicht")
    return _no_store(TemplateResponse(request, "privacy/customer_detail.html", _customer_context(request, customer)))


@require_POST
@role_required(Role.PRIVACY)
def customer_export(request, pk):
    customer = access_privacy_customer(request.user, pk, context="privacy: inzageverzoek")
    filename, content = services.customer_export_build(user=request.user, customer=customer)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)


@require_POST
@role_required(Role.PRIVACY)
def customer_erase(request, pk):
    customer = access_privacy_customer(request.user, pk, context="privacy: verwijderverzoek")
    form = ConfirmForm(request.POST, expected=customer.pk)
    if form.is_valid():
        try:
            counts = services.customer_erase(user=request.user, customer=customer)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The resident's personal data has been erased: %(contacts)s contacts, %(messages)s messages, %(callbacks)s callback requests.")
                % {"contacts": counts.get("contacts", 0), "messages": counts.get("messages", 0), "callbacks": counts.get("callbacks", 0)},
            )
            return redirect("privacy:customer_detail", pk=customer.pk)
    return _no_store(TemplateResponse(request, "privacy/customer_detail.html", _customer_context(request, customer, erase_form=form), status=422))


@require_POST
@role_required(Role.PRIVACY)
def customer_restrict(request, pk):
    customer = access_privacy_customer(request.user, pk, context="privacy: beperking")
    if request.POST.get("lift"):
        try:
            services.customer_restriction_lift(user=request.user, customer=customer)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The restriction has been lifted: staff see the resident's records again."))
    else:
        services.customer_restrict(user=request.user, customer=customer)
        messages.success(request, _("Processing restricted: staff no longer see this resident or their records."))
    return redirect("privacy:customer_detail", pk=customer.pk)


@require_POST
@role_required(Role.PRIVACY)
def legal_hold_set(request, pk):
    customer = access_privacy_customer(request.user, pk, context="privacy: bewaarplicht")
    if "record-target" in request.POST:
        ctx = _customer_context(request, customer)
        choices = ctx["record_hold_form"].fields["target"].choices if ctx["record_hold_form"] else ()
        form = TargetedLegalHoldForm(request.POST, choices=choices, prefix="record")
        form_key = "record_hold_form"
    else:
        form = LegalHoldForm(request.POST)
        form_key = "hold_form"
    if form.is_valid():
        kwargs = selectors.legal_hold_target(customer=customer, target=form.cleaned_data.get("target") or "")
        try:
            services.legal_hold_set(user=request.user, reason=form.cleaned_data["reason"], **kwargs)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Legal hold set: these records are kept until the hold is lifted."))
            return redirect("privacy:customer_detail", pk=customer.pk)
    return _no_store(TemplateResponse(request, "privacy/customer_detail.html", _customer_context(request, customer, **{form_key: form}), status=422))


@require_POST
@role_required(Role.PRIVACY)
def legal_hold_lift(request, pk):
    hold = access_legal_hold(request.user, pk)
    try:
        services.legal_hold_lift(user=request.user, hold=hold)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Legal hold lifted: the records follow the retention periods again."))
    owner = hold.customer or getattr(hold.contact, "customer", None) or getattr(hold.callback, "customer", None)
    if owner is not None:
        return redirect("privacy:customer_detail", pk=owner.pk)
    return redirect("privacy:retention")


# --- retention -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.PRIVACY)
def retention(request):
    if request.method == "POST":
        run = services.retention_run_create(mode=RunMode.DRY_RUN, triggered_by=request.user.get_username())
        messages.success(request, _("Destruction list made. Check it, then approve it to delete."))
        return redirect("privacy:retention_run", pk=run.pk)
    periods = services.retention_periods()
    holds = selectors.legal_hold_active_list(limit=100)
    return TemplateResponse(
        request,
        "privacy/retention.html",
        {"periods": [(key, value) for key, value in periods.items()], "runs": selectors.retention_run_list(), "holds": holds},
    )


@require_GET
@role_required(Role.PRIVACY)
def retention_run(request, pk):
    run = access_retention_run(request.user, pk)
    items = {}
    if run.mode == RunMode.DRY_RUN and run.status == RunStatus.AWAITING_APPROVAL:
        plan = services.retention_plan(as_of=run.as_of)
        items["contacts"] = [
            (channel, list(qs.select_related("topic_department").only("pk", "channel", "started_at", "ended_at", "customer_id", "topic_department__name")[:LIST_ITEMS]))
            for channel, qs in plan.contacts.items()
        ]
        items["callbacks"] = list(plan.callbacks.select_related("target_department")[:LIST_ITEMS]) if plan.callbacks is not None else []
    entries = list(run.entries.all())
    return TemplateResponse(
        request,
        "privacy/retention_run.html",
        {"run": run, "entries": entries, "items": items, "list_limit": LIST_ITEMS, "kinds": RetentionKind, "can_approve": run.mode == RunMode.DRY_RUN and run.status == RunStatus.AWAITING_APPROVAL},
    )


@require_POST
@role_required(Role.PRIVACY)
def retention_approve(request, pk):
    run = access_retention_run(request.user, pk)
    try:
        execution = services.retention_list_approve(user=request.user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("privacy:retention_run", pk=run.pk)
    messages.success(request, _("The destruction list was approved and carried out."))
    return redirect("privacy:retention_run", pk=execution.pk)


# --- processing log ------------------------------------------------------------------------


@require_GET
@role_required(Role.PRIVACY)
def processing_log(request):
    filterset, qs = selectors.processing_log_list(data=request.GET or None, request=request)
    if request.GET.get("formaat") == "csv" and filterset.is_bound and filterset.is_valid():
        rows = (
            (e.at.isoformat(), e.username, e.customer_ref, e.get_action_display(), e.get_purpose_display(), e.context, e.request_id)
            for e in qs.iterator(chunk_size=2000)
        )
        header = [_("At"), _("Employee"), _("Customer number"), _("Action"), _("Purpose"), _("Context"), _("Request id")]
        return csv_response(rows, filename="verwerkingenlog", header=header, stream=True)
    page = Paginator(qs, LOG_PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    response = render_htmx(request, "privacy/processing_log.html", {"filter": filterset, "page": page, "query": query.urlencode()}, part="results")
    return _no_store(response)
