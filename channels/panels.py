"""Panels on the agent's contact screen that other apps contribute (callbacks, signals).

register_contact_panel(template, context_fn, roles, order) — context_fn(request, contact)
returns the template context (or None to hide the panel). Apps call it from AppConfig.ready().
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ContactPanel:
    template: str
    context_fn: object
    roles: frozenset
    order: int


_panels: list[ContactPanel] = []


def register_contact_panel(template: str, context_fn, roles, order: int = 100) -> None:
    if any(p.template == template for p in _panels):
        return
    _panels.append(ContactPanel(template, context_fn, frozenset(roles), order))
    _panels.sort(key=lambda p: p.order)


def panels_for(request, contact) -> list[dict]:
    from kcc.core.access import roles_of

    roles = roles_of(request.user)
    result = []
    for panel in _panels:
        if not roles & panel.roles:
            continue
        ctx = panel.context_fn(request, contact)
        if ctx is not None:
            result.append({"template": panel.template, "context": ctx})
    return result


# The desk's caller line (contact_detail.html#caller_found) swapped out of band: for the caller
# search, and for a panel whose action changed the customer record (the BRP adopt).
CALLER_LINE_OOB = "channels/desk/_caller_line_oob.html"


def caller_line_context(user, contact) -> dict:
    """What the caller line needs besides ``contact`` (with its customer loaded)."""
    from kcc.core.access import has_role
    from kcc.core.constants import Role
    from kcc.core.normalize import format_phone

    from .constants import ContactStatus

    return {
        "works_here": contact.status != ContactStatus.CLOSED and (contact.assigned_to_id in (None, user.pk) or has_role(user, Role.TEAMLEAD)),
        "caller_display": format_phone(contact.caller_address) if contact.caller_address else "",
        "caller_line_oob": CALLER_LINE_OOB,
    }
