"""Production settings: PostgreSQL, Redis, TLS behind a proxy. Fails fast on missing secrets:
DJANGO_SECRET_KEY has no default, and DJANGO_ALLOWED_HOSTS is empty unless set."""

from .environment import defaults

defaults(
    DJANGO_DEBUG="false",
    DJANGO_SECURE="true",
    DJANGO_ALLOWED_HOSTS="",
    KCC_LOG_FORMAT="json",
)

from .base import *  # noqa: E402, F403
