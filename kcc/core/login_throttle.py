"""Login throttling (django-axes) that a shared office address cannot turn against the team.

Two limits, both within the cool-off period (AXES_COOLOFF_TIME):

* per username *and* client address (AXES_LOCKOUT_PARAMETERS): AXES_FAILURE_LIMIT failures
  lock that username from that address only. Every agent of a KCC may come through one NAT
  address, so one agent's typos never lock a colleague out, and nobody can lock an agent out
  from elsewhere just by knowing the username;
* per username over all addresses: KCC_LOGIN_USERNAME_FAILURE_LIMIT (higher) failures lock the
  username everywhere. This is the ceiling for an attack spread over many addresses (or over
  spoofed X-Forwarded-For values), which the first limit alone would never stop.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def username_failures(username: str) -> int:
    """Failed logins for `username` from every address within the cool-off period."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


class KccAxesHandler(AxesDatabaseHandler):
    """Axes' database handler plus the per-username ceiling (module docstring).

    The ceiling is folded into `get_failures`, the one number axes compares with
    AXES_FAILURE_LIMIT both when it refuses a login and when it marks the failing request as
    locked out (which shows the lock-out page)."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if username and username_failures(username) >= settings.KCC_LOGIN_USERNAME_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
