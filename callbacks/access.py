"""Who may see and do what with a callback request. Everything outside scope is a 404.

* KCC team leads: every callback (they steer the promises the KCC made).
* Back-office staff and managers: the callbacks of their own department(s).
* KCC agents: the callbacks they created, those of identified residents (agents may open every
  resident, and a resident calling again must hear whether the callback is still open), and
  those targeted at the KCC department itself (which agents work).
* Functional admins and editors: none (admins maintain closure days in the admin).

Working a callback (claim, attempt, close, release) needs membership of its department.
Reassigning also: or the team-lead role. Cancelling: those, or the agent who created it.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from kcc.core.access import department_ids, restricted_customers, roles_of
from kcc.core.constants import Role

from .models import CallbackRequest

VIEW, WORK, MANAGE, CANCEL = "view", "work", "manage", "cancel"
_WORKING_ROLES = (Role.BACKOFFICE, Role.MANAGER, Role.AGENT, Role.TEAMLEAD)


def _nothing() -> Q:
    return Q(pk__in=[])


def _department_q(user) -> Q:
    deps = department_ids(user, *_WORKING_ROLES)
    return Q(target_department_id__in=deps) if deps else _nothing()


def callback_q(user, action: str = VIEW) -> Q:
    """The Q on CallbackRequest for what `user` may do with `action`."""
    roles = roles_of(user)
    if not roles:
        return _nothing()
    if action == WORK:
        return _department_q(user)
    if Role.TEAMLEAD in roles:
        return Q()
    q = _department_q(user)
    if action == MANAGE:
        return q
    if Role.AGENT in roles:
        q |= Q(created_by=user)
        if action == VIEW:
            q |= Q(customer__isnull=False)
    return q


def _unrestricted() -> Q:
    """Callbacks of restricted residents (AVG art. 18) are hidden from all staff; only the
    privacy officer reaches them, through the privacy app. Anonymous callbacks stay."""
    return ~Q(customer__in=restricted_customers())


def callback_scope(user, action: str = VIEW) -> QuerySet[CallbackRequest]:
    return CallbackRequest.objects.filter(callback_q(user, action) & _unrestricted())


def callback_list_q(user) -> Q:
    """What the user's lists show: their departments' callbacks, plus (agents) those they made.
    Narrower than VIEW, which also opens identified residents' callbacks one by one."""
    roles = roles_of(user)
    if Role.TEAMLEAD in roles:
        return _unrestricted()
    q = _department_q(user)
    if Role.AGENT in roles:
        q |= Q(created_by=user)
    return q & _unrestricted()


def access_callback(user, pk, *, lock: bool = False, action: str = VIEW) -> CallbackRequest:
    """Fetch a callback the user may `action` (view, work, manage, cancel), or raise Http404.
    ``lock`` takes a row lock (SELECT ... FOR UPDATE) for the rest of the transaction."""
    qs = callback_scope(user, action)
    if lock:
        qs = qs.select_for_update(of=("self",))
    else:
        qs = qs.select_related("customer", "target_department", "assigned_to", "claimed_by", "created_by", "source_contact")
    try:
        return qs.get(pk=pk)
    except (CallbackRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def allowed_actions(user, callback: CallbackRequest) -> set[str]:
    """What `user` may do with this (already visible) callback, for showing the right buttons.
    Mirrors callback_q without a query; the POST views still go through access_callback."""
    roles = roles_of(user)
    actions = {VIEW}
    if callback.target_department_id in department_ids(user, *_WORKING_ROLES):
        actions |= {WORK, MANAGE, CANCEL}
    if Role.TEAMLEAD in roles:
        actions |= {MANAGE, CANCEL}
    if Role.AGENT in roles and callback.created_by_id == user.pk:
        actions.add(CANCEL)
    return actions


def customer_scope_via_callbacks(user, deps: set[int]) -> Q:
    """Back-office staff may open the residents their departments must call back."""
    return Q(pk__in=CallbackRequest.objects.filter(target_department_id__in=deps, customer__isnull=False).values("customer_id"))
