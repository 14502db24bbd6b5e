"""Dashboard pages. Figures come from the fact tables (selectors); the drill-down lists read the
underlying contacts, transfers and callbacks. Every page can export any of its tables as CSV
with ?export=<table key> (the drill-down lists with ?export=csv)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kcc.core.access import department_ids, has_role, role_required
from kcc.core.constants import Role
from kcc.core.csvsafe import csv_response
from kcc.core.htmx import render_htmx
from signals.constants import SignalStatus

from . import lists, selectors
from .access import access_dashboard_agent, access_dashboard_department, dashboard_scope
from .constants import (
    DRILLDOWN_PAGE_SIZE,
    EXPORT_MAX_ROWS,
    METRICS_TZ,
    Granularity,
    Preset,
    ReasonCategory,
)
from .definitions import METRIC_DEFINITIONS
from .forms import (
    CALLBACK_STATE_CHOICES,
    CONTACT_METRIC_CHOICES,
    CallbackDrilldownForm,
    ContactDrilldownForm,
    MonthForm,
    PeriodForm,
    TransferDrilldownForm,
    preset_period,
    today,
)
from .reports import (
    NONE_KEY,
    Links,
    agent_report,
    channel_label,
    department_report,
    kcc_report,
    period_label,
)
from .selectors import FactFilter

ANALYST_ROLES = (Role.TEAMLEAD, Role.MANAGER)


def _respond(request, template: str, context: dict, *, fragment: str = "figures", status: int = 200):
    """The full page, or only its figures region for an htmx request from the filter form."""
    return render_htmx(request, template, context, part=fragment, status=status)


def _freshness() -> dict:
    return selectors.freshness(timezone.now(), settings.KCC_METRICS_INTERVAL_SECONDS)


def _presets(url: str, extra: dict) -> list[dict]:
    on = today()
    result = []
    for preset in Preset:
        period = preset_period(preset, on)
        result.append({"label": preset.label, "url": url + "?" + urlencode({**extra, "preset": preset.value}), "period": period})
    return result


def _period_form(request, scope, *, with_department: bool = True):
    """Validate the period and filters. A department outside the user's scope is a 404, also
    when forged into the query string."""
    department = request.GET.get("department", "")
    if with_department and department:
        scope.check_department(department)
    departments = list(scope.departments()) if with_department else None
    form = PeriodForm(request.GET, departments=departments, with_department=with_department)
    if not form.is_valid():
        return form, None
    values = {
        "date_from": form.period.start.isoformat(), "date_to": form.period.end.isoformat(),
        "granularity": form.granularity, **form.filter_values(),
    }
    display = PeriodForm(values, departments=departments, with_department=with_department)
    display.is_valid()
    return form, display


def _export(report, key: str):
    table = report.table(key)
    if table is None:
        raise Http404
    return csv_response(table.csv_rows(), filename=table.caption, header=[label for label, _numeric in table.columns], stream=True)


def _page_context(request, form, display, *, page_url: str, extra_query: dict | None = None) -> dict:
    extra_query = extra_query or {}
    return {
        "form": display or form,
        "page_url": page_url,
        "presets": _presets(page_url, {k: v for k, v in {**form.filter_values(), **extra_query}.items() if v} if display else extra_query),
        "granularities": Granularity.choices,
        "freshness": _freshness(),
        "definitions": list(METRIC_DEFINITIONS.values()),
        "fcr_target": settings.KCC_FCR_TARGET,
    }


# --- the KCC view ------------------------------------------------------------------------------


@require_GET
@role_required(*ANALYST_ROLES)
def index(request):
    """Headline figures against target, trends and breakdowns for team leads and managers.
    A back-office manager sees only their own department(s)."""
    scope = dashboard_scope(request.user)
    form, display = _period_form(request, scope)
    page_url = reverse("dashboard:index")
    context = _page_context(request, form, display, page_url=page_url)
    context["scope"] = scope
    context["own_departments"] = [] if scope.all_departments else list(scope.departments())
    if display is None:
        return _respond(request, "dashboard/kcc.html", context, status=422)
    chosen = form.filter_values()
    flt = FactFilter(scope, department=int(chosen["department"]) if chosen["department"] else None, channel=chosen["channel"])
    links = Links(page_url, form.query(), flt, form.period)
    report = kcc_report(
        flt, form.period, form.granularity, links, today=today(), see_agents=scope.see_agents,
        agent_url=lambda pk: reverse("dashboard:agent", args=[pk]) + "?" + urlencode(form.period.query()),
    )
    if request.GET.get("export"):
        return _export(report, request.GET["export"])
    context.update({"report": report, "period": form.period, "period_label": period_label(form.period), "previous_label": period_label(form.period.previous)})
    return _respond(request, "dashboard/kcc.html", context)


# --- department view ---------------------------------------------------------------------------


@require_GET
@role_required(*ANALYST_ROLES)
def department(request, pk):
    """One department: incoming transfers and misroutes, callbacks on time and ageing, signals.
    404 for a department outside the user's scope."""
    dep = access_dashboard_department(request.user, pk)
    scope = dashboard_scope(request.user)
    form, display = _period_form(request, scope, with_department=False)
    page_url = reverse("dashboard:department", args=[dep.pk])
    context = _page_context(request, form, display, page_url=page_url)
    context["department"] = dep
    if display is None:
        return _respond(request, "dashboard/department.html", context, status=422)
    flt = FactFilter(scope, department=dep.pk, channel=form.filter_values()["channel"])
    links = Links(page_url, form.query(), flt, form.period)
    on = today()
    report = department_report(dep, flt, form.period, form.granularity, links, today=on)
    if request.GET.get("export"):
        return _export(report, request.GET["export"])
    signals = selectors.department_signals(dep, on)
    context.update({
        "report": report, "period": form.period, "period_label": period_label(form.period),
        "previous_label": period_label(form.period.previous), "signals": signals, "today": on,
        "signal_counts": [(label, signals.counts.get(value, 0)) for value, label in SignalStatus.choices],
    })
    return _respond(request, "dashboard/department.html", context)


# --- agent views -------------------------------------------------------------------------------


def _agent_page(request, agent, *, page_url: str, own: bool):
    scope = dashboard_scope(request.user)
    form, display = _period_form(request, scope, with_department=False)
    context = _page_context(request, form, display, page_url=page_url)
    context.update({"agent": agent, "own": own})
    if display is None:
        return _respond(request, "dashboard/agent.html", context, status=422)
    flt = FactFilter(scope, channel=form.filter_values()["channel"], agent=agent.pk)
    links = Links(page_url, form.query(), flt, form.period)
    report = agent_report(flt, form.period, form.granularity, links)
    if request.GET.get("export"):
        return _export(report, request.GET["export"])
    context.update({"report": report, "period": form.period, "period_label": period_label(form.period), "previous_label": period_label(form.period.previous)})
    return _respond(request, "dashboard/agent.html", context)


@require_GET
@role_required(Role.AGENT)
def my_figures(request):
    """An agent's own figures, and nobody else's."""
    return _agent_page(request, request.user, page_url=reverse("dashboard:my_figures"), own=True)


@require_GET
@role_required(Role.TEAMLEAD)
def agent(request, pk):
    """A team lead looking at one agent's figures."""
    person = access_dashboard_agent(request.user, pk)
    return _agent_page(request, person, page_url=reverse("dashboard:agent", args=[person.pk]), own=False)


# --- drill-down lists --------------------------------------------------------------------------


def _check_filters(scope, form) -> None:
    department = form.cleaned_data.get("department") or ""
    if department and department != NONE_KEY:
        scope.check_department(department)
    elif department == NONE_KEY and not scope.all_departments:
        raise Http404
    agent_id = form.cleaned_data.get("agent")
    if agent_id is not None:
        scope.check_agent(agent_id)


def _export_list(spec, qs, filename: str):
    """A drill-down list as CSV: the same columns as the page, at most EXPORT_MAX_ROWS rows."""
    rows = (spec.csv_row(obj) for obj in qs[:EXPORT_MAX_ROWS].iterator(chunk_size=2000))
    return csv_response(rows, filename=filename, header=spec.header, stream=True)


def _paginate(request, qs):
    paginator = Paginator(qs, DRILLDOWN_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _page_links(request, page) -> dict:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    base = request.path + "?" + (query.urlencode() + "&" if query else "")
    return {
        "previous": base + f"page={page.previous_page_number()}" if page.has_previous() else "",
        "next": base + f"page={page.next_page_number()}" if page.has_next() else "",
        "export": request.path + "?" + urlencode({**query.dict(), "export": "csv"}),
    }


def _department_label(value, names) -> str:
    if value == NONE_KEY:
        return _("No department")
    try:
        return names.get(int(value), "?")
    except (TypeError, ValueError):
        return ""


@require_GET
@role_required(Role.AGENT, Role.TEAMLEAD, Role.MANAGER)
def contacts(request):
    """The contacts behind a contact figure. Agents only see their own; back-office managers
    only their department's, without free text."""
    scope = dashboard_scope(request.user)
    form = ContactDrilldownForm(request.GET)
    if not form.is_valid():
        return TemplateResponse(request, "dashboard/contacts.html", {"form": form}, status=422)
    _check_filters(scope, form)
    data = form.cleaned_data
    metric = data.get("metric") or "inbound"
    qs = selectors.contact_drilldown(
        scope=scope, period=form.period, metric=metric, department=data.get("department") or "", channel=data.get("channel") or "",
        agent=data.get("agent"),
    )
    show_text = scope.kcc_role
    show_agent = scope.see_agents or scope.agent_id is not None
    if request.GET.get("export") == "csv":
        spec = lists.contact_list(show_agent=show_agent, show_text=show_text, link_contacts=False, count=0)
        return _export_list(spec, qs, f"klantcontacten-{metric}-{form.period.start}-{form.period.end}")

    page = _paginate(request, qs)
    spec = lists.contact_list(show_agent=show_agent, show_text=show_text, link_contacts=scope.kcc_role, count=page.paginator.count)
    names = selectors.department_names() if data.get("department") else {}
    context = {
        "form": form, "page": page, "list": spec, "rows": spec.html_rows(page.object_list), "links": _page_links(request, page),
        "metric_label": dict(CONTACT_METRIC_CHOICES).get(metric), "period_label": period_label(form.period),
        "department_label": _department_label(data.get("department"), names) if data.get("department") else "",
        "channel_label": channel_label(data["channel"]) if data.get("channel") else "",
        "agent_label": _agent_label(data.get("agent")),
    }
    return _respond(request, "dashboard/contacts.html", context, fragment="results")


def _agent_label(agent_id) -> str:
    if agent_id is None:
        return ""
    return selectors.user_names([agent_id]).get(agent_id, "")


@require_GET
@role_required(Role.TEAMLEAD, Role.MANAGER)
def transfers(request):
    """The transfers behind the transfer figures and the misroute matrix."""
    scope = dashboard_scope(request.user)
    form = TransferDrilldownForm(request.GET)
    if not form.is_valid():
        return TemplateResponse(request, "dashboard/transfers.html", {"form": form}, status=422)
    data = form.cleaned_data
    for key in ("to_department", "correct_department"):
        if data.get(key) is not None:
            scope.check_department(data[key])
    # `department` is the contact's topic department, as everywhere on the dashboard.
    department = data.get("department") or ""
    if department:
        scope.check_department(department)
    reason = data.get("reason") or ""
    if reason and reason not in ReasonCategory.values:
        raise Http404
    qs = selectors.transfer_drilldown(
        scope=scope, period=form.period, to_department=data.get("to_department") or "", topic_department=department,
        correct_department=data.get("correct_department") or "", reason_category=reason, misrouted=bool(data.get("misrouted")),
        channel=data.get("channel") or "",
    )
    own = set(department_ids(request.user))
    if request.GET.get("export") == "csv":
        spec = lists.transfer_list(own_departments=own, kcc_role=scope.kcc_role, link_contacts=False, count=0)
        return _export_list(spec, qs, f"doorverbindingen-{form.period.start}-{form.period.end}")

    page = _paginate(request, qs)
    spec = lists.transfer_list(own_departments=own, kcc_role=scope.kcc_role, link_contacts=scope.kcc_role, count=page.paginator.count)
    names = selectors.department_names()
    context = {
        "form": form, "page": page, "list": spec, "rows": spec.html_rows(page.object_list), "links": _page_links(request, page),
        "period_label": period_label(form.period),
        "to_label": names.get(data.get("to_department"), ""),
        "department_label": names.get(int(department), "") if department else "",
        "correct_label": names.get(data.get("correct_department"), ""),
        "reason_label": ReasonCategory(reason).label if reason else "", "misrouted": data.get("misrouted"),
        "channel_label": channel_label(data["channel"]) if data.get("channel") else "",
    }
    return _respond(request, "dashboard/transfers.html", context, fragment="results")


@require_GET
@role_required(Role.TEAMLEAD, Role.MANAGER)
def callbacks(request):
    """The callback requests behind the callback figures (by deadline)."""
    scope = dashboard_scope(request.user)
    form = CallbackDrilldownForm(request.GET)
    if not form.is_valid():
        return TemplateResponse(request, "dashboard/callbacks.html", {"form": form}, status=422)
    data = form.cleaned_data
    department = data.get("department") or ""
    if department:
        scope.check_department(department)
    state = data.get("state") or "due"
    on = today()
    qs = selectors.callback_drilldown(scope=scope, period=form.period, state=state, department=department, today=on)
    # Links to a callback only where callbacks.access lets the user open it.
    visible = None if has_role(request.user, Role.TEAMLEAD) else set(department_ids(request.user))
    if request.GET.get("export") == "csv":
        spec = lists.callback_list(visible_departments=visible, count=0)
        return _export_list(spec, qs, f"terugbelverzoeken-{state}-{form.period.start}-{form.period.end}")

    page = _paginate(request, qs)
    spec = lists.callback_list(visible_departments=visible, count=page.paginator.count)
    names = selectors.department_names() if department else {}
    context = {
        "form": form, "page": page, "list": spec, "rows": spec.html_rows(page.object_list), "links": _page_links(request, page),
        "period_label": period_label(form.period), "state_label": dict(CALLBACK_STATE_CHOICES).get(state),
        "department_label": _department_label(department, names) if department else "",
    }
    return _respond(request, "dashboard/callbacks.html", context, fragment="results")


# --- printable monthly report ------------------------------------------------------------------


@require_GET
@role_required(*ANALYST_ROLES)
def monthly_report(request):
    """A printable report of one month (default: last month) with the previous month alongside."""
    scope = dashboard_scope(request.user)
    department = request.GET.get("department", "")
    if department:
        scope.check_department(department)
    form = MonthForm(request.GET)
    context = {"form": form, "definitions": list(METRIC_DEFINITIONS.values()), "freshness": _freshness(), "scope": scope}
    if not form.is_valid():
        return TemplateResponse(request, "dashboard/report.html", context, status=422)
    period = form.period
    flt = FactFilter(scope, department=int(department) if department else None)
    page_url = reverse("dashboard:report")
    query = {"month": f"{period.start:%Y-%m}", **({"department": department} if department else {})}
    links = Links(page_url, query, flt, period)
    report = kcc_report(flt, period, Granularity.WEEK, links, today=today(), see_agents=False, charts=False)
    if request.GET.get("export"):
        return _export(report, request.GET["export"])
    names = selectors.department_names()
    display = MonthForm({"month": f"{period.start:%Y-%m}", "department": department})
    display.is_valid()
    context.update({
        "form": display, "report": report, "period": period, "period_label": period_label(period), "previous_label": period_label(period.previous),
        "month_label": f"{period.start:%Y-%m}", "department_label": names.get(int(department)) if department else "",
        "generated_at": timezone.localtime(timezone.now(), METRICS_TZ), "fcr_target": settings.KCC_FCR_TARGET,
        "prev_month": (period.start - timedelta(days=1)).strftime("%Y-%m"),
        "next_month": (period.end + timedelta(days=1)).strftime("%Y-%m"),
    })
    return TemplateResponse(request, "dashboard/report.html", context)

