"""Quarantine: payloads that could not be processed, for team leads to inspect and reprocess."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kcc.core.access import has_role
from kcc.core.constants import Role
from kcc.core.exceptions import DomainError

from ..constants import InboundStatus
from ..models import InboundRaw
from .store import IngestResult, logger, process_raw

QUARANTINE_ROLES = (Role.TEAMLEAD, Role.ADMIN)
PAGE_SIZE = 50


def can_manage_quarantine(user) -> bool:
    return has_role(user, *QUARANTINE_ROLES)


def quarantine_list(*, user, before: int | None = None, source: str = "") -> tuple[list[InboundRaw], int | None]:
    """Quarantined payloads, newest first, keyset-paginated on id. Returns (rows, next cursor).
    The payload bytes are not loaded (deferred): the list shows only the summary."""
    if not can_manage_quarantine(user):
        raise PermissionDenied
    qs: QuerySet[InboundRaw] = InboundRaw.objects.filter(status=InboundStatus.QUARANTINED).defer("payload")
    if source:
        qs = qs.filter(source=source)
    if before:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-pk")[: PAGE_SIZE + 1])
    cursor = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], cursor


def quarantine_count() -> int:
    return InboundRaw.objects.filter(status=InboundStatus.QUARANTINED).count()


def access_inbound_raw(user, pk) -> InboundRaw:
    """A stored payload for the quarantine pages: team leads and admins only (404 otherwise)."""
    if not can_manage_quarantine(user):
        raise Http404
    try:
        return InboundRaw.objects.get(pk=pk)
    except (InboundRaw.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def inbound_reprocess(*, user, raw_id: int) -> IngestResult:
    """Run the processing again on the stored bytes of a quarantined payload.

    The outcome is whatever processing gives now: filed in a contact, a duplicate (another
    copy got in meanwhile), or quarantined again with the new reason. Raises DomainError for
    a payload that is not quarantined. Concurrent reprocessing of one payload is safe: the
    processing locks the row and only acts on a quarantined one.
    """
    if not can_manage_quarantine(user):
        raise PermissionDenied
    raw = InboundRaw.objects.filter(pk=raw_id).only("pk", "status", "meta").first()
    if raw is None:
        raise Http404
    if raw.status != InboundStatus.QUARANTINED:
        raise DomainError(_("Only quarantined messages can be reprocessed."), code="not_quarantined")
    if raw.meta.get("item"):
        raise DomainError(_("This item is reprocessed together with its delivery."), code="item")
    result = process_raw(raw.pk, reprocess=True)
    logger.info("Inbound payload %s reprocessed by %s: %s", raw.pk, user.get_username(), result.status)
    return result
