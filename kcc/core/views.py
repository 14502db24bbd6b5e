from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .access import (
    access_customer,
    access_department,
    authenticated_view,
    has_role,
    public_view,
    role_required,
)
from .constants import LogAction, Purpose, Role
from .forms import (
    CustomerForm,
    CustomerSearchForm,
    DepartmentReachabilityForm,
    LoginForm,
    add_validation_error,
)
from .models import Membership
from .selectors import customer_list, department_list
from .services import customer_bsn_reveal, customer_create, department_update, processing_log_record

# Home-page sections that apps contribute (mandatory reads, my callbacks, ...). Each entry is
# (template name, roles, context function(request) -> dict). Registered from AppConfig.ready().
HOME_SECTIONS: list[tuple[str, frozenset, object]] = []


def register_home_section(template: str, roles, context_fn) -> None:
    HOME_SECTIONS.append((template, frozenset(roles), context_fn))


login_view = public_view(
    auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=LoginForm, redirect_authenticated_user=True)
)
logout_view = require_POST(authenticated_view(auth_views.LogoutView.as_view()))


@require_GET
@authenticated_view
def home(request):
    sections = []
    for template, roles, context_fn in HOME_SECTIONS:
        if has_role(request.user, *roles):
            sections.append({"template": template, "context": context_fn(request)})
    return TemplateResponse(request, "core/home.html", {"sections": sections})


@require_http_methods(["GET", "POST"])
@role_required(Role.AGENT, Role.TEAMLEAD)
def customer_search(request):
    """The search text is personal data (a name, a phone number, a postcode): it is POSTed, so
    that it never lands in a URL, the browser history, a proxy log or a Referer."""
    form = CustomerSearchForm(request.POST if request.method == "POST" else None)
    query, results = None, []
    if form.is_valid():
        query, results = customer_list(user=request.user, q=form.cleaned_data["q"])
        if results:
            processing_log_record(user=request.user, customers=results, action=LogAction.SEARCH, purpose=Purpose.IDENTIFY, context="klant zoeken")
    template = "core/customer_search.html#results" if request.htmx and not request.htmx.boosted else "core/customer_search.html"
    response = TemplateResponse(request, template, {"form": form, "query": query, "results": results})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@role_required(Role.AGENT, Role.TEAMLEAD)
def customer_create_view(request):
    form = CustomerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_create(user=request.user, purpose=Purpose.IDENTIFY, **form.customer_fields())
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Customer created."))
            return redirect("core:customer_detail", pk=customer.pk)
    return TemplateResponse(request, "core/customer_form.html", {"form": form}, status=422 if form.errors else 200)


@require_GET
@role_required(Role.AGENT, Role.TEAMLEAD, Role.BACKOFFICE, Role.MANAGER)
def customer_detail(request, pk):
    customer = access_customer(request.user, pk, purpose=Purpose.ANSWER_QUESTION, context="klantbeeld")
    return TemplateResponse(
        request,
        "core/customer_detail.html",
        {"customer": customer, "addresses": list(customer.addresses.order_by("kind", "-is_default")), "timeline_sections": customer_timeline_sections(request, customer)},
    )


# Apps add their part of the customer's timeline (contacts, callbacks, signals) here.
CUSTOMER_TIMELINE_SECTIONS: list[tuple[str, object]] = []


def register_customer_timeline(template: str, context_fn) -> None:
    CUSTOMER_TIMELINE_SECTIONS.append((template, context_fn))


def customer_timeline_sections(request, customer):
    return [{"template": t, "context": fn(request, customer)} for t, fn in CUSTOMER_TIMELINE_SECTIONS]


@require_POST
@role_required(Role.AGENT, Role.TEAMLEAD, Role.BACKOFFICE, Role.MANAGER)
def customer_bsn(request, pk):
    customer = access_customer(request.user, pk, purpose=Purpose.IDENTIFY, context="bsn tonen")
    bsn = customer_bsn_reveal(user=request.user, customer=customer, purpose=Purpose.IDENTIFY, context="bsn tonen")
    response = TemplateResponse(request, "core/customer_detail.html#bsn", {"customer": customer, "bsn_revealed": bsn})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@authenticated_view
def department_list_view(request):
    return TemplateResponse(request, "core/department_list.html", {"departments": department_list()})


@require_http_methods(["GET", "POST"])
@authenticated_view
def department_detail(request, pk):
    department = access_department(request.user, pk)
    can_manage = has_role(request.user, Role.ADMIN) or Membership.objects.filter(user=request.user, department=department, role=Role.MANAGER).exists()
    form = None
    if can_manage:
        form = DepartmentReachabilityForm(request.POST or None, instance=department)
    if request.method == "POST":
        department = access_department(request.user, pk, manage=True)
        if form.is_valid():
            department_update(department=department, **{f: form.cleaned_data[f] for f in form.Meta.fields})
            messages.success(request, _("Department details saved."))
            return redirect("core:department_detail", pk=department.pk)
    members = Membership.objects.filter(department=department).select_related("user").order_by("role", "user__last_name")
    return TemplateResponse(
        request,
        "core/department_detail.html",
        {"department": department, "members": members, "form": form},
        status=422 if form is not None and form.errors else 200,
    )


@public_view
@require_GET
def health(request):
    """Liveness for load balancers and compose: the database answers."""
    from django.db import connection
    from django.http import JsonResponse

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@public_view
@require_GET
def security_txt(request):
    """RFC 9116 security.txt: where to report vulnerabilities (see SECURITY.md)."""
    from datetime import timedelta

    from django.http import HttpResponse
    from django.utils import timezone

    expires = (timezone.now() + timedelta(days=180)).replace(microsecond=0).isoformat()
    body = (
        f"Contact: mailto:{settings.KCC_SECURITY_CONTACT}\n"
        f"Expires: {expires}\n"
        "Preferred-Languages: nl, en\n"
        f"Canonical: {settings.KCC_BASE_URL.rstrip('/')}/.well-known/security.txt\n"
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
