"""Customer pages of the inbox: the customer timeline (one stream, filtered by kind, keyset
paged) and the team lead's list of probable duplicates. The merge screen is in views.py."""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from kcc.core import duplicates, timeline
from kcc.core.access import access_customer, has_role, role_required
from kcc.core.constants import LogAction, Purpose, Role
from kcc.core.htmx import is_fragment, render_htmx, vary_on_htmx
from kcc.core.services import processing_log_record

from .forms_customers import DuplicateFilterForm, TimelineFilterForm

TIMELINE_ROLES = (Role.AGENT, Role.TEAMLEAD, Role.BACKOFFICE, Role.MANAGER)


def timeline_context(request, customer, data) -> dict:
    """The stream's page for ``data`` (the GET filter and cursor): shared by the customer page's
    section and the timeline view."""
    form = TimelineFilterForm(data or None)
    kinds = form.kinds() if form.is_bound else []
    page = timeline.timeline_page(user=request.user, customer=customer, kinds=kinds, cursor=form.cursor() if form.is_bound else None)
    next_url = None
    if page.next_cursor:
        next_url = f"{reverse('channels:customer_timeline', args=[customer.pk])}?{urlencode({'soort': kinds, 'na': page.next_cursor}, doseq=True)}"
    actions = [a for s in timeline.sources() if s.actions for a in s.actions(request, customer)]
    return {
        "customer": customer,
        "form": form,
        "page": page,
        "kinds": kinds,
        "next_url": next_url,
        "continued": bool(form.is_bound and form.cursor()),
        "actions": actions,
        "can_merge": has_role(request.user, Role.TEAMLEAD) and not customer.merged_into_id,
        "merge_url": f"{reverse('channels:customer_merge')}?{urlencode({'source': customer.pk})}",
    }


@require_GET
@role_required(*TIMELINE_ROLES)
def customer_timeline(request, pk):
    """The whole timeline page; an htmx request ("Oudere items") gets only the next entries."""
    customer = access_customer(request.user, pk, purpose=Purpose.ANSWER_QUESTION, context="klanttijdlijn")
    ctx = timeline_context(request, customer, request.GET)
    if is_fragment(request):
        return vary_on_htmx(TemplateResponse(request, "channels/customer_timeline.html#entries", {"ctx": ctx}))
    return vary_on_htmx(TemplateResponse(request, "channels/customer_timeline_page.html", {"customer": customer, "ctx": ctx}))


@require_GET
@role_required(Role.TEAMLEAD)
def customer_duplicates(request):
    """Team leads: probable duplicate customers to work from, per reason, keyset paged. Every
    customer shown is written to the processing log."""
    form = DuplicateFilterForm(request.GET or None)
    reason, after = form.reason(), form.after()
    result = duplicates.duplicate_groups(user=request.user, reason=reason, after=after)
    shown = [c for g in result.groups for c in g.customers]
    if shown:
        processing_log_record(user=request.user, customers=shown, action=LogAction.SEARCH, purpose=Purpose.ADMINISTRATION, context="dubbele klanten")
    base = reverse("channels:customer_duplicates")
    tabs = [{"reason": r, "label": label, "url": f"{base}?{urlencode({'soort': r})}", "current": r == reason} for r, label in duplicates.GROUP_REASONS.items()]
    merge = reverse("channels:customer_merge")
    for group in result.groups:
        survivor = group.customers[0]
        group.merges = [{"source": c, "url": f"{merge}?{urlencode({'source': c.pk, 'target': survivor.pk})}"} for c in group.customers[1:]]
    context = {
        "page": result,
        "tabs": tabs,
        "reason_label": duplicates.GROUP_REASONS[reason],
        "next_url": f"{base}?{urlencode({'soort': reason, 'na': result.next_cursor})}" if result.next_cursor else None,
        "continued": after is not None,
    }
    return render_htmx(request, "channels/customer_duplicates.html", context)
