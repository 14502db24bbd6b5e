"""Default-deny access control.

* Every view is marked with :func:`role_required` or :func:`public_view`;
  ``RoleEnforcementMiddleware`` refuses any view that carries neither.
* Every protected object is fetched through an ``access_<entity>(user, pk, ...)`` helper that
  checks role and department and answers 404 for what the user may not see.
* Apps widen the customer scope of back-office roles by registering a provider with
  :func:`register_customer_scope` (core imports no other app).
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .constants import KCC_ROLES, LogAction, Purpose, Role
from .models import Customer, Department, Membership


def _memberships(user) -> list[tuple[int, str]]:
    """(department_id, role) pairs of the user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_kcc_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, department__is_active=True).values_list("department_id", "role"))
        user._kcc_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    roles = {role for _, role in _memberships(user)}
    if getattr(user, "is_superuser", False):
        roles.add(Role.ADMIN)
    return roles


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_kcc(user) -> bool:
    return bool(roles_of(user) & KCC_ROLES)


def department_ids(user, *roles: str) -> set[int]:
    """Departments in which the user holds any of `roles` (any role when none given)."""
    wanted = set(roles)
    return {dep for dep, role in _memberships(user) if not wanted or role in wanted}


def primary_role(user) -> str | None:
    """The role shown in the header: the most senior one the user holds."""
    order = [Role.ADMIN, Role.PRIVACY, Role.MANAGER, Role.TEAMLEAD, Role.EDITOR, Role.BACKOFFICE, Role.AGENT]
    held = roles_of(user)
    return next((r for r in order if r in held), None)


# --- views -----------------------------------------------------------------------------


def role_required(*roles: str):
    """Allow the view only to users holding one of `roles`; others get 403.

    Login is enforced globally by LoginRequiredMiddleware.
    """
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.kcc_roles = frozenset(roles)
        return wrapped

    return decorator


def public_view(view):
    """Mark a view that needs no login (the login page, signed webhooks, health)."""
    view = login_not_required(view)
    view.kcc_public = True
    return view


def authenticated_view(view):
    """Mark a view that any logged-in staff member may use (home, logout)."""
    view.kcc_roles = frozenset(Role.values)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not roles_of(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.kcc_roles = frozenset(Role.values)
    return wrapped


# --- departments -----------------------------------------------------------------------


def department_scope(user) -> QuerySet[Department]:
    """Departments whose internal page the user may open: KCC team leads and admins all,
    everyone else only their own."""
    if has_role(user, Role.TEAMLEAD, Role.ADMIN):
        return Department.objects.all()
    return Department.objects.filter(pk__in=department_ids(user))


def access_department(user, pk, *, manage: bool = False) -> Department:
    """Fetch a department the user may see (404 otherwise). With ``manage``, the user must be
    its manager or a functional admin."""
    qs = department_scope(user)
    if manage and not has_role(user, Role.ADMIN):
        qs = qs.filter(pk__in=department_ids(user, Role.MANAGER))
    try:
        return qs.get(pk=pk)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- customers -------------------------------------------------------------------------

CustomerScopeProvider = Callable[[object, set[int]], Q | None]
_customer_scope_providers: list[CustomerScopeProvider] = []


def register_customer_scope(provider: CustomerScopeProvider) -> None:
    """Apps call this from AppConfig.ready(): provider(user, department_ids) returns a Q on
    Customer for the residents a back-office user may see through that app, or None."""
    if provider not in _customer_scope_providers:
        _customer_scope_providers.append(provider)


def customer_scope(user) -> QuerySet[Customer]:
    """Customers the user may see. KCC roles: everyone. Back office and managers: only the
    residents connected to their departments' work (registered by the apps). Others: none.

    Restricted customers (AVG art. 18, ``restricted_at``) are never in anyone's scope here: only
    the privacy officer reaches them, through the privacy app's own access helper."""
    if is_kcc(user):
        return Customer.objects.unrestricted()
    deps = department_ids(user, Role.BACKOFFICE, Role.MANAGER)
    if not deps:
        return Customer.objects.none()
    q = Q(pk__in=[])
    for provider in _customer_scope_providers:
        extra = provider(user, deps)
        if extra is not None:
            q |= extra
    return Customer.objects.unrestricted().filter(q).distinct()


def restricted_customers() -> QuerySet[Customer]:
    """The restricted customers, for apps that exclude their records from staff scopes:
    ``qs.exclude(customer__in=restricted_customers())`` (NULL customers stay in)."""
    return Customer.objects.filter(restricted_at__isnull=False)


def access_customer(user, pk, *, purpose: Purpose, context: str = "", lock: bool = False) -> Customer:
    """Fetch a customer within the user's scope and log the read in the processing log.

    A merged-away customer still opens (its page points to the survivor). 404 outside scope.
    """
    from .services import processing_log_record

    qs = customer_scope(user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        customer = qs.get(pk=pk)
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    processing_log_record(user=user, customers=[customer], action=LogAction.VIEW, purpose=purpose, context=context)
    return customer


def check_all_in_scope(user, pks: Iterable[int], scope: QuerySet) -> None:
    """Refuse (404) if any of `pks` is outside `scope`: guards forged ids in form fields."""
    pks = {int(p) for p in pks}
    if scope.filter(pk__in=pks).count() != len(pks):
        raise Http404
