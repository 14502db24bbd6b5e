"""Context of the desk's Open Klant panel (registered in OpenKlantConfig.ready()): shown when
the sync is on and the contact has a customer; its body loads with one htmx POST (views.py)."""

from .constants import PANEL_GIVE_UP_MS
from .services import sync_enabled


def partij_panel_context(request, contact):
    if not (sync_enabled() and contact.customer_id):
        return None
    return {"contact": contact, "timeout_ms": PANEL_GIVE_UP_MS}
