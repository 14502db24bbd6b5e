"""The BRP and case panels of the desk (docs/desk.md, docs/integrations.md).

All views are POST (search terms, BSNs and case URLs never go into a URL or access log), for
KCC agents and team leads, on a contact they may see. Each answers an htmx fragment (the panel's
body) or, without JavaScript, a small page with the same body. A failing remote gives the
panel's degraded message (200, so htmx swaps it in), never a 500.
"""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channels.access import access_contact
from channels.panels import caller_line_context
from kcc.core.access import role_required
from kcc.core.constants import Role
from kcc.core.exceptions import DomainError
from kcc.core.htmx import is_fragment, render_htmx

from . import lookups
from .clients import ApiError
from .forms import BrpSearchForm, BsnForm, CaseForm
from .services import contact_case_link, customer_adopt_brp

KCC_ROLES = (Role.AGENT, Role.TEAMLEAD)
PAGE = "commonground/panels.html"


def panels_available() -> bool:
    """For a municipality only (a housing corporation has no access to the BRP or a
    zaaksysteem); each panel also needs its integration configured."""
    return settings.KCC_ORGANISATION_KIND == "gemeente"


def error_message(exc: ApiError) -> str:
    name = _("BRP") if exc.api == "brp" else _("The case system")
    if exc.kind in ("timeout", "unreachable", "open", "server"):
        return _("BRP not reachable") if exc.api == "brp" else _("Case system not reachable")
    if exc.kind == "client":
        if exc.status in (401, 403):
            return _("%(name)s refused the request (no authorisation for this search). Ask the functional administrator.") % {"name": name}
        if exc.status == 404:
            return _("%(name)s does not know this.") % {"name": name}
        return _("%(name)s did not accept the search (error %(status)s). Check what you filled in.") % {"name": name, "status": exc.status}
    return _("%(name)s gave an answer this product cannot read. Try again later; if it persists, tell the functional administrator.") % {"name": name}


def _contact(request, pk, *, need):
    if not panels_available() or not need():
        raise Http404
    contact = access_contact(request.user, pk, kcc_only=True)
    if contact.customer_id is None:
        raise Http404
    return contact


def _render(request, contact, section: str, ctx: dict):
    return render_htmx(request, PAGE, {"contact": contact, "section": section, "demo": settings.KCC_COMMONGROUND_DEMO, **ctx}, part=section)


# --- BRP -------------------------------------------------------------------------------------


def _brp(request, contact, **ctx):
    ctx.setdefault("form", BrpSearchForm(initial={
        "surname": contact.customer.last_name, "birth_date": contact.customer.birth_date,
        "postcode": contact.customer.postcode, "house_number": contact.customer.house_number,
    }))
    return _render(request, contact, "brp", ctx)


@require_POST
@role_required(*KCC_ROLES)
def brp_panel(request, pk):
    """The panel's first load: the person by the customer's BSN, when the record has one;
    otherwise the search form (nothing is looked up before the agent asks)."""
    contact = _contact(request, pk, need=lookups.brp_enabled)
    bsn = contact.customer.bsn
    if not bsn:
        return _brp(request, contact)
    try:
        person = lookups.brp_get(user=request.user, contact=contact, bsn=bsn)
    except ApiError as exc:
        return _brp(request, contact, error=error_message(exc), retry=True)
    if person is None:
        return _brp(request, contact, notice=_("The BRP does not know the BSN in this customer record."))
    return _brp(request, contact, person=person)


@require_POST
@role_required(*KCC_ROLES)
def brp_search(request, pk):
    contact = _contact(request, pk, need=lookups.brp_enabled)
    form = BrpSearchForm(request.POST)
    if not form.is_valid():
        return _brp(request, contact, form=form, searched=True)
    search_type, criteria = form.cleaned_data["search"]
    try:
        found = lookups.brp_search(user=request.user, contact=contact, search_type=search_type, **criteria)
    except ApiError as exc:
        return _brp(request, contact, form=form, error=error_message(exc), searched=True)
    if len(found) == 1 and search_type == "RaadpleegMetBurgerservicenummer":
        return _brp(request, contact, form=form, person=found[0], searched=True)
    return _brp(request, contact, form=form, results=found, searched=True)


def _person_posted(request, contact):
    """The person whose BSN was POSTed, fetched by BSN from the BRP: (person, None), or
    (None, the panel's answer) for a bad BSN, a failing BRP or an unknown BSN."""
    form = BsnForm(request.POST)
    if not form.is_valid():
        return None, _brp(request, contact, error=_("This is not a valid BSN (it fails the elfproef)."))
    try:
        person = lookups.brp_get(user=request.user, contact=contact, bsn=form.cleaned_data["bsn"])
    except ApiError as exc:
        return None, _brp(request, contact, error=error_message(exc), searched=True)
    if person is None:
        return None, _brp(request, contact, notice=_("The BRP does not know this BSN."), searched=True)
    return person, None


@require_POST
@role_required(*KCC_ROLES)
def brp_person(request, pk):
    """One person from the search results, fetched in full by BSN (POSTed)."""
    contact = _contact(request, pk, need=lookups.brp_enabled)
    person, answer = _person_posted(request, contact)
    return answer or _brp(request, contact, person=person, searched=True)


@require_POST
@role_required(*KCC_ROLES)
def brp_adopt(request, pk):
    """"Overnemen in klantrecord": the person is fetched again from the BRP (never taken
    from the browser) and copied into the customer record in one step."""
    contact = _contact(request, pk, need=lookups.brp_enabled)
    person, answer = _person_posted(request, contact)
    if answer:
        return answer
    try:
        customer = customer_adopt_brp(user=request.user, customer=contact.customer, person=person, contact=contact)
    except DomainError as exc:
        return _brp(request, contact, person=person, error=exc.message, searched=True)
    contact.customer = customer
    # The desk's caller line shows "BSN geverifieerd via BRP" and the adopted name at once (out of band).
    caller_line = caller_line_context(request.user, contact) if is_fragment(request) else {}
    response = _brp(request, contact, person=person, adopted=True, **caller_line)
    # The case panel reloads itself: the record may have a BSN now.
    response["HX-Trigger"] = "cg-customer-changed"
    return response


# --- Cases ------------------------------------------------------------------------------------


def _cases(request, contact, **ctx):
    return _render(request, contact, "cases", ctx)


@require_POST
@role_required(*KCC_ROLES)
def cases_panel(request, pk):
    contact = _contact(request, pk, need=lookups.zaken_enabled)
    bsn = contact.customer.bsn
    if not bsn:
        return _cases(request, contact, notice=_("No BSN in this customer record: look the person up in the BRP and adopt the BSN first."))
    try:
        cases = lookups.case_list(user=request.user, contact=contact, bsn=bsn)
    except ApiError as exc:
        return _cases(request, contact, error=error_message(exc), retry=True)
    return _cases(request, contact, cases=cases)


@require_POST
@role_required(*KCC_ROLES)
def case_history(request, pk):
    contact = _contact(request, pk, need=lookups.zaken_enabled)
    form = CaseForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        case = lookups.case_get(user=request.user, contact=contact, url=form.cleaned_data["case"])
        history = lookups.case_status_history(user=request.user, contact=contact, url=case.url)
    except ApiError as exc:
        return _render(request, contact, "history", {"error": error_message(exc)})
    return _render(request, contact, "history", {"case": case, "history": history})


@require_POST
@role_required(*KCC_ROLES)
def case_link(request, pk):
    """Link the contact to a case from the list (or unlink with an empty ``case``). The case is
    fetched again, so the stored identification belongs to the stored URL."""
    contact = _contact(request, pk, need=lookups.zaken_enabled)
    if not request.POST.get("case"):
        contact = contact_case_link(contact=contact, case=None)
        return _cases_after_link(request, contact, _("The case was unlinked from this contact."))
    form = CaseForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        case = lookups.case_get(user=request.user, contact=contact, url=form.cleaned_data["case"])
    except ApiError as exc:
        return _cases(request, contact, error=error_message(exc), retry=True)
    contact = contact_case_link(contact=contact, case=case)
    return _cases_after_link(request, contact, _("Contact linked to case %(id)s.") % {"id": case.identification})


def _cases_after_link(request, contact, message):
    contact = access_contact(request.user, contact.pk, kcc_only=True)
    try:
        cases = lookups.case_list(user=request.user, contact=contact, bsn=contact.customer.bsn) if contact.customer.bsn else []
    except ApiError as exc:
        return _cases(request, contact, error=error_message(exc), retry=True, linked_message=message)
    return _cases(request, contact, cases=cases, linked_message=message)
