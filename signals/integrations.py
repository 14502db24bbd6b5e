"""What the signals board contributes to other screens, through the registries of core and
channels: the agent's contact screen, the home page and the customer timeline."""

from django.urls import reverse
from django.utils import timezone

from kcc.core.access import department_ids, has_role
from kcc.core.constants import Role

from . import selectors


def contact_panel(request, contact) -> dict:
    """On the contact screen: the signals this contact already supports, open signals that look
    like it (one click: "Ik zie dit ook"), and the way to raise a new one."""
    linked = selectors.signals_for_contact(contact=contact)
    text = contact.subject or (contact.question or "")[:200]
    suggestions = selectors.signal_similar(
        text=text, department=contact.topic_department_id, limit=3, user=request.user, exclude_ids=[s.pk for s in linked],
    )
    return {
        "contact": contact,
        "linked": linked,
        "suggestions": suggestions,
        "create_url": f"{reverse('signals:create')}?contact={contact.pk}",
        "support_url": f"{reverse('signals:support')}?contact={contact.pk}",
        "next": request.get_full_path(),
    }


def home_supported(request) -> dict:
    """Agents: the outcome of signals they supported, until they have seen it."""
    items = selectors.supported_outcomes(user=request.user)
    latest = selectors.last_responses(s.signal_id for s in items) if items else {}
    for item in items:
        item.final_response = latest.get(item.signal_id)
    return {"items": items}


def home_department(request) -> dict:
    """Departments: signals that wait for their response. Team leads: overdue ones anywhere."""
    deps = department_ids(request.user, Role.BACKOFFICE, Role.MANAGER)
    pending = selectors.department_pending(user=request.user, department_ids=deps) if deps else []
    overdue = selectors.signals_overdue() if has_role(request.user, Role.TEAMLEAD) else []
    return {"pending": pending, "overdue": overdue, "today": timezone.localdate()}
