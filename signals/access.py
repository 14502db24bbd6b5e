"""Who may see and do what on the signals board.

* KCC agents and team leads see every signal, as do knowledge editors and functional admins
  (read and comment only).
* Back-office staff and managers see the signals addressed to their departments.
* Status changes, owner and target date: the concerned department (back office or manager)
  or a KCC team lead. Merging duplicates: team leads only.
* Evidence contacts are shown only within the viewer's contact scope (channels.access).
"""

from django.db.models import QuerySet
from django.http import Http404

from kcc.core.access import department_ids, has_role, is_kcc
from kcc.core.constants import Role

from .models import Signal

# Everyone who can open the board.
BOARD_ROLES = (Role.AGENT, Role.TEAMLEAD, Role.BACKOFFICE, Role.MANAGER, Role.EDITOR, Role.ADMIN)
# Who raises signals and links contacts to them ("ik zie dit ook").
RAISE_ROLES = (Role.AGENT, Role.TEAMLEAD)
# Who answers signals (within the concerned department) or steers them (team lead).
RESPOND_ROLES = (Role.BACKOFFICE, Role.MANAGER, Role.TEAMLEAD)
# Who reads the overleg report.
REPORT_ROLES = (Role.TEAMLEAD, Role.MANAGER, Role.BACKOFFICE, Role.ADMIN)


def sees_all_signals(user) -> bool:
    return is_kcc(user) or has_role(user, Role.EDITOR, Role.ADMIN)


def signal_scope(user) -> QuerySet[Signal]:
    if sees_all_signals(user):
        return Signal.objects.all()
    deps = department_ids(user, Role.BACKOFFICE, Role.MANAGER)
    if not deps:
        return Signal.objects.none()
    return Signal.objects.for_departments(deps)


def access_signal(user, pk, *, lock: bool = False) -> Signal:
    """Fetch a signal the user may see, or raise Http404. ``lock`` takes a row lock for the
    rest of the transaction."""
    qs = signal_scope(user).select_related("department", "owner", "raised_by", "merged_into", "resolution_article")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (Signal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_respond(user, signal: Signal) -> bool:
    """May change the status, owner and target date: the concerned department or a team lead."""
    if has_role(user, Role.TEAMLEAD):
        return True
    return signal.department_id in department_ids(user, Role.BACKOFFICE, Role.MANAGER)


def can_merge(user) -> bool:
    return has_role(user, Role.TEAMLEAD)


def can_raise(user) -> bool:
    return has_role(user, *RAISE_ROLES)


def report_departments(user):
    """Departments whose overleg report the user may open."""
    from kcc.core.models import Department

    if has_role(user, Role.TEAMLEAD, Role.ADMIN):
        return Department.objects.filter(is_active=True)
    return Department.objects.filter(pk__in=department_ids(user, Role.BACKOFFICE, Role.MANAGER))
