"""The Open Klant line on /health/ready/ (only when the sync is on)."""

import dataclasses
import datetime

from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from .constants import SyncStatus
from .models import SyncItem


@dataclasses.dataclass
class OpenKlantOutbox(HealthCheck):
    """Unavailable when the oldest pending item waits longer than ``max_lag`` (the register is
    down or no worker sends); a warning when items failed for good. Not a call to the register:
    readiness must not hang on it."""

    max_lag: datetime.timedelta = dataclasses.field(default=datetime.timedelta(minutes=15), repr=False)

    def run(self):
        oldest = SyncItem.objects.filter(status=SyncStatus.PENDING).order_by("created_at").values_list("created_at", flat=True).first()
        if oldest is not None and timezone.now() - oldest > self.max_lag:
            raise ServiceUnavailable(f"Open Klant outbox: oldest item waits {int((timezone.now() - oldest).total_seconds())} s")
        failed = SyncItem.objects.filter(status=SyncStatus.FAILED).count()
        if failed:
            raise ServiceWarning(f"Open Klant outbox: {failed} failed item(s)")


def readiness_checks():
    from .services import sync_enabled

    return [OpenKlantOutbox] if sync_enabled() else []
