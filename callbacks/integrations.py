"""What callbacks contribute to other apps' screens (registered in apps.py): the home page
and the agent's contact screen (the customer timeline's source is in timeline.py)."""

from kcc.core.access import is_kcc

from .selectors import (
    agent_home_summary,
    contact_callbacks,
    my_callbacks_summary,
)


def home_context(request) -> dict:
    return my_callbacks_summary(user=request.user)


def agent_home_context(request) -> dict:
    return agent_home_summary(user=request.user)


def contact_panel_context(request, contact) -> dict | None:
    if not is_kcc(request.user):
        return None
    return {**contact_callbacks(contact=contact), "contact": contact}
