"""What callbacks contribute to other apps' screens (registered in apps.py): the home page,
the customer timeline and the agent's contact screen."""

from kcc.core.access import has_role, is_kcc
from kcc.core.constants import Role

from .selectors import (
    agent_home_summary,
    contact_callbacks,
    customer_callbacks,
    my_callbacks_summary,
)


def home_context(request) -> dict:
    return my_callbacks_summary(user=request.user)


def agent_home_context(request) -> dict:
    return agent_home_summary(user=request.user)


def timeline_context(request, customer) -> dict:
    return {
        "customer": customer,
        "callbacks": customer_callbacks(user=request.user, customer=customer),
        "can_create": has_role(request.user, Role.AGENT, Role.TEAMLEAD),
    }


def contact_panel_context(request, contact) -> dict | None:
    if not is_kcc(request.user):
        return None
    return {**contact_callbacks(contact=contact), "contact": contact}
