"""Access to contacts: KCC roles see every contact; back-office staff and managers only the
contacts transferred to their departments. Everything else is a 404."""

from django.db.models import Q, QuerySet
from django.http import Http404

from kcc.core.access import department_ids, has_role, is_kcc, restricted_customers
from kcc.core.constants import Role

from .models import Attachment, Contact, Transfer


def contact_scope(user) -> QuerySet[Contact]:
    """Contacts the user may see. Contacts of restricted residents (AVG art. 18) are hidden from
    all staff; only the privacy officer reaches them, through the privacy app."""
    unrestricted = Contact.objects.exclude(customer__in=restricted_customers())
    if is_kcc(user):
        return unrestricted
    deps = department_ids(user, Role.BACKOFFICE, Role.MANAGER)
    if not deps:
        return Contact.objects.none()
    return unrestricted.filter(pk__in=Contact.objects.filter(transfers__to_department__in=deps).values("pk"))


def access_contact(user, pk, *, lock: bool = False, kcc_only: bool = False) -> Contact:
    """Fetch a contact the user may see, or raise Http404. ``lock`` takes a row lock
    (SELECT ... FOR UPDATE) for the rest of the transaction. ``kcc_only`` restricts to KCC roles
    (e.g. replying to the resident)."""
    if kcc_only and not (is_kcc(user) or has_role(user, Role.ADMIN)):
        raise Http404
    qs = contact_scope(user)
    if lock:
        qs = Contact.objects.select_for_update().filter(pk__in=qs.values("pk"))
    else:
        # What every page of a contact shows: the caller, the topic and who holds it.
        qs = qs.select_related("customer", "topic_department", "assigned_to")
    try:
        return qs.get(pk=pk)
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def customer_scope_via_transfers(user, deps: set[int]) -> Q:
    """Back-office staff may see residents whose contacts were transferred to them."""
    return Q(contacts__transfers__to_department__in=deps)


def can_work_contacts(user) -> bool:
    """KCC roles handle contacts (claim, reply, close); back-office staff only read theirs."""
    return is_kcc(user)


def transfer_scope(user) -> QuerySet[Transfer]:
    """Transfers made to the departments in which the user is back office or manager."""
    deps = department_ids(user, Role.BACKOFFICE, Role.MANAGER)
    if not deps:
        return Transfer.objects.none()
    return Transfer.objects.filter(to_department__in=deps)


def access_transfer(user, pk, *, lock: bool = False) -> Transfer:
    """A transfer to one of the user's departments, or Http404 (also for forged ids)."""
    qs = transfer_scope(user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.select_related("contact", "to_department").get(pk=pk)
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_attachment(user, pk) -> Attachment:
    """An attachment of a contact the user may see, or Http404."""
    try:
        attachment = Attachment.objects.select_related("message").get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    access_contact(user, attachment.message.contact_id)
    return attachment
