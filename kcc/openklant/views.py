"""The desk's Open Klant panel: the party the register already holds for the caller's BSN, and
its digital addresses with "Overnemen" (docs/integrations.md "Open Klant", lookup before create).

POST only (the BSN and addresses never go into a URL), for KCC agents and team leads, on a
contact they may see. The body loads with one htmx POST after the desk has rendered, so the
desk's own response costs no remote call; a failing register gives "niet bereikbaar" with a
retry (200, so htmx swaps it in), never a 500. Requests go through the circuit breaker of the
Common Ground client (kcc/commonground/breaker.py, API ``klantinteracties``).
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channels.access import access_contact
from kcc.core.access import role_required
from kcc.core.constants import Role
from kcc.core.htmx import render_htmx

from .client import ApiError, KlantinteractiesClient
from .constants import PANEL_REQUEST_TIMEOUT
from .lookups import partij_lookup, register_address_adopt
from .services import sync_enabled

KCC_ROLES = (Role.AGENT, Role.TEAMLEAD)
PAGE = "openklant/panel.html"


def _contact(request, pk):
    if not sync_enabled():
        raise Http404
    contact = access_contact(request.user, pk, kcc_only=True)
    if contact.customer_id is None:
        raise Http404
    return contact


def _error(exc: ApiError) -> str:
    if exc.kind in ("timeout", "unreachable", "open", "server"):
        return _("Open Klant not reachable")
    return _("Open Klant gave an answer this product cannot read. Try again later; if it persists, tell the functional administrator.")


def _lookup(request, contact):
    """(party or None, context for the panel)."""
    if not contact.customer.bsn:
        return None, {"notice": _("No BSN in this customer record: the register is searched by BSN.")}
    try:
        party = partij_lookup(
            customer=contact.customer, user=request.user, context=f"contact {contact.pk}",
            client=KlantinteractiesClient(timeout=PANEL_REQUEST_TIMEOUT),
        )
    except ApiError as exc:
        return None, {"error": _error(exc), "retry": True}
    if party is None:
        return None, {"notice": _("The register has no party with this BSN yet; the sync will create it.")}
    return party, {"party": party}


def _render(request, contact, ctx):
    return render_htmx(request, PAGE, {"contact": contact, **ctx}, part="body")


@require_POST
@role_required(*KCC_ROLES)
def partij_panel(request, pk):
    contact = _contact(request, pk)
    _party, ctx = _lookup(request, contact)
    return _render(request, contact, ctx)


@require_POST
@role_required(*KCC_ROLES)
def address_adopt(request, pk):
    """"Overnemen": the address is looked up again in the register (never taken from the
    browser as such) and added to the customer record."""
    contact = _contact(request, pk)
    party, ctx = _lookup(request, contact)
    if party is None:
        return _render(request, contact, ctx)
    wanted = (request.POST.get("soort", ""), request.POST.get("adres", ""))
    address = next((a for a in party.new_addresses if (a.soort, a.adres) == wanted), None)
    if address is None:
        ctx["notice"] = _("This address is no longer offered by the register, or the customer record has it already.")
        return _render(request, contact, ctx)
    register_address_adopt(customer=contact.customer, address=address)
    contact = access_contact(request.user, pk, kcc_only=True)
    party, ctx = _lookup(request, contact)
    ctx["adopted"] = address.adres
    return _render(request, contact, ctx)
