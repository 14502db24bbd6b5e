"""Legal holds: records that must be kept (a procedure, an objection, an investigation) are
exempt from retention and erasure until the hold is lifted."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.constants import LogAction, Purpose
from kcc.core.exceptions import DomainError
from kcc.core.services import processing_log_record

from ..models import LegalHold


@transaction.atomic
def legal_hold_set(*, user, reason: str, customer=None, contact=None, callback=None) -> LegalHold:
    """Put one customer (with its merge chain), contact or callback request on hold."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the legal hold."), field="reason")
    if sum(x is not None for x in (customer, contact, callback)) != 1:
        raise DomainError(_("A legal hold covers exactly one customer, contact or callback request."))
    hold = LegalHold.objects.create(customer=customer, contact=contact, callback=callback, reason=reason[:200], set_by=user)
    owner = customer or getattr(contact, "customer", None) or getattr(callback, "customer", None)
    if owner is not None:
        processing_log_record(user=user, customers=[owner], action=LogAction.CHANGE, purpose=Purpose.RETENTION, context=f"bewaarplicht {hold.pk} gezet")
    return hold


@transaction.atomic
def legal_hold_lift(*, user, hold: LegalHold) -> LegalHold:
    """Lift a hold; the records follow the normal retention rules again (from the next run)."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise DomainError(_("This legal hold has already been lifted."))
    hold.lifted_at = timezone.now()
    hold.lifted_by = user
    hold.save(update_fields=["lifted_at", "lifted_by"])
    owner = hold.customer or getattr(hold.contact, "customer", None) or getattr(hold.callback, "customer", None)
    if owner is not None:
        processing_log_record(user=user, customers=[owner], action=LogAction.CHANGE, purpose=Purpose.RETENTION, context=f"bewaarplicht {hold.pk} opgeheven")
    return hold
