"""Readiness checks (django-health-check): database, cache/Redis, private storage, and worker
liveness through the heartbeat that beat sends every minute. Messages hold no secrets."""

import dataclasses
import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from .access import public_view
from .tasks import HEARTBEAT_KEY


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """A worker consumed the heartbeat task recently (works with Redis and the embedded broker)."""

    max_age: datetime.timedelta = dataclasses.field(default=datetime.timedelta(minutes=3), repr=False)

    def run(self):
        value = cache.get(HEARTBEAT_KEY)
        if value is None:
            raise ServiceUnavailable("No worker heartbeat")
        age = timezone.now() - datetime.datetime.fromisoformat(value)
        if age > self.max_age:
            raise ServiceUnavailable(f"Last worker heartbeat {int(age.total_seconds())} s ago")


# Checks that apps add (core imports no app): a callable returning a list of checks, empty when
# the app's integration is off. Registered from AppConfig.ready().
_APP_CHECKS = []


def register_readiness_checks(provider) -> None:
    if provider not in _APP_CHECKS:
        _APP_CHECKS.append(provider)


def _checks():
    checks = ["health_check.checks.Database", "health_check.checks.Cache", WorkerHeartbeat]
    for provider in _APP_CHECKS:
        checks.extend(provider())
    if settings.KCC_REDIS_URL:
        from redis.asyncio import Redis as RedisClient

        url = settings.KCC_REDIS_URL
        checks.insert(1, ("health_check.contrib.redis.Redis", {"client_factory": lambda: RedisClient.from_url(url)}))
    return checks


class ReadinessView(HealthCheckView):
    def get_checks(self):
        self.checks = _checks()
        return super().get_checks()


readiness = public_view(ReadinessView.as_view())
