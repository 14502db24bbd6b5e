"""Who may see which figures.

* Team leads: every department, and figures per agent.
* Managers of the KCC department itself: every department, no figures per agent.
* Managers of a back-office department: only their own department(s). Asking for another
  department, also through a forged query parameter, is a 404.
* Agents: only their own figures.

Drill-down lists follow the same scope. Only KCC roles see a contact's subject and agent; other
users see the figures' underlying contacts without free text.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.http import Http404

from kcc.core.access import department_ids, has_role
from kcc.core.constants import Role
from kcc.core.models import Department, Membership


@dataclass(frozen=True)
class DashboardScope:
    all_departments: bool
    department_ids: frozenset[int]
    see_agents: bool
    agent_id: int | None = None
    kcc_role: bool = False

    def allows_department(self, pk) -> bool:
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return False
        return self.all_departments or pk in self.department_ids

    def check_department(self, pk) -> None:
        """404 unless the department is in scope (also for garbage)."""
        if not self.allows_department(pk):
            raise Http404

    def check_agent(self, pk) -> None:
        """404 unless the user may see this agent's figures."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Http404 from None
        if self.agent_id is not None:
            if pk != self.agent_id:
                raise Http404
        elif not self.see_agents:
            raise Http404

    def departments(self):
        qs = Department.objects.order_by("-is_kcc", "name")
        if self.all_departments:
            return qs
        return qs.filter(pk__in=self.department_ids)


def dashboard_scope(user) -> DashboardScope:
    """The figures `user` may see (see the module docstring)."""
    if has_role(user, Role.TEAMLEAD):
        return DashboardScope(all_departments=True, department_ids=frozenset(), see_agents=True, kcc_role=True)
    if has_role(user, Role.MANAGER):
        managed = department_ids(user, Role.MANAGER)
        if Department.objects.filter(pk__in=managed, is_kcc=True).exists():
            return DashboardScope(all_departments=True, department_ids=frozenset(), see_agents=False)
        return DashboardScope(all_departments=False, department_ids=frozenset(managed), see_agents=False)
    if has_role(user, Role.AGENT):
        return DashboardScope(all_departments=True, department_ids=frozenset(), see_agents=False, agent_id=user.pk, kcc_role=True)
    return DashboardScope(all_departments=False, department_ids=frozenset(), see_agents=False)


def access_dashboard_department(user, pk) -> Department:
    """A department whose dashboard the user may open, or Http404."""
    scope = dashboard_scope(user)
    scope.check_department(pk)
    try:
        return Department.objects.get(pk=pk)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_dashboard_agent(user, pk):
    """A KCC agent (or team lead) whose figures a team lead may open, or Http404."""
    dashboard_scope(user).check_agent(pk)
    User = get_user_model()
    staff = Membership.objects.filter(role__in=[Role.AGENT, Role.TEAMLEAD]).values("user_id")
    try:
        return User.objects.filter(pk__in=staff).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
