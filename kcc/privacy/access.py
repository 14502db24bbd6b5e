"""The privacy officer reaches every resident, restricted and merged ones included; nobody else
reaches anything here. Every read is logged with the purpose 'privacy request'."""

from django.http import Http404

from kcc.core.constants import LogAction, Purpose, Role
from kcc.core.models import Customer
from kcc.core.services import processing_log_record

from .models import LegalHold, RetentionRun

PRIVACY_ROLES = (Role.PRIVACY,)


def access_privacy_customer(user, pk, *, context: str, lock: bool = False) -> Customer:
    """Fetch any customer for a privacy request (404 if it does not exist) and log the read."""
    from kcc.core.access import has_role

    if not has_role(user, *PRIVACY_ROLES):
        raise Http404
    qs = Customer.objects.all()
    if lock:
        qs = qs.select_for_update()
    try:
        customer = qs.get(pk=pk)
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    processing_log_record(user=user, customers=[customer], action=LogAction.VIEW, purpose=Purpose.PRIVACY_REQUEST, context=context)
    return customer


def access_legal_hold(user, pk) -> LegalHold:
    from kcc.core.access import has_role

    if not has_role(user, *PRIVACY_ROLES):
        raise Http404
    try:
        return LegalHold.objects.select_related("customer", "contact__customer", "callback__customer").get(pk=pk)
    except (LegalHold.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_retention_run(user, pk, *, lock: bool = False) -> RetentionRun:
    from kcc.core.access import has_role

    if not has_role(user, *PRIVACY_ROLES):
        raise Http404
    qs = RetentionRun.objects.all()
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=pk)
    except (RetentionRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
