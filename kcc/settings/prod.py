"""Production settings: PostgreSQL, Redis, TLS behind a proxy. Fails fast on missing secrets."""

from .base import DEFAULTS, build

globals().update(
    build(
        DEFAULTS
        | {
            "DJANGO_DEBUG": False,
            "DJANGO_SECRET_KEY": None,  # required: no default
            "DJANGO_SECURE": True,
            "DJANGO_ALLOWED_HOSTS": [],
            "KCC_LOG_FORMAT": "json",
        }
    )
)
