"""Access to contacts: KCC roles see every contact; back-office staff and managers only the
contacts transferred to their departments. Everything else is a 404."""

from django.db.models import Q, QuerySet
from django.http import Http404

from kcc.core.access import department_ids, has_role, is_kcc
from kcc.core.constants import Role

from .models import Contact


def contact_scope(user) -> QuerySet[Contact]:
    if is_kcc(user):
        return Contact.objects.all()
    deps = department_ids(user, Role.BACKOFFICE, Role.MANAGER)
    if not deps:
        return Contact.objects.none()
    return Contact.objects.filter(pk__in=Contact.objects.filter(transfers__to_department__in=deps).values("pk"))


def access_contact(user, pk, *, lock: bool = False, kcc_only: bool = False) -> Contact:
    """Fetch a contact the user may see, or raise Http404. ``lock`` takes a row lock
    (SELECT ... FOR UPDATE) for the rest of the transaction. ``kcc_only`` restricts to KCC roles
    (e.g. replying to the resident)."""
    if kcc_only and not (is_kcc(user) or has_role(user, Role.ADMIN)):
        raise Http404
    qs = contact_scope(user)
    if lock:
        qs = Contact.objects.select_for_update().filter(pk__in=qs.values("pk"))
    try:
        return qs.get(pk=pk)
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def customer_scope_via_transfers(user, deps: set[int]) -> Q:
    """Back-office staff may see residents whose contacts were transferred to them."""
    return Q(contacts__transfers__to_department__in=deps)
