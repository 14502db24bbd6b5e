"""Context of the desk's BRP and case panels (registered in CommongroundConfig.ready()).

The panels render a placeholder that loads its body with one htmx POST once the caller is
identified; the desk's own response costs no remote call."""

from django.conf import settings

from . import lookups
from .constants import PANEL_GIVE_UP_MS
from .views import panels_available


def _context(contact, enabled) -> dict | None:
    if not (panels_available() and enabled() and contact.customer_id):
        return None
    return {"contact": contact, "demo": settings.KCC_COMMONGROUND_DEMO, "timeout_ms": PANEL_GIVE_UP_MS}


def brp_panel_context(request, contact):
    return _context(contact, lookups.brp_enabled)


def cases_panel_context(request, contact):
    return _context(contact, lookups.zaken_enabled)
