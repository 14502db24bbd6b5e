"""Settings for `make run`: the embedded default (SQLite, no Redis needed)."""

from .environment import defaults

defaults(
    DJANGO_DEBUG="true",
    # A development-only key; prod refuses to start without DJANGO_SECRET_KEY.
    DJANGO_SECRET_KEY="dev-insecure-9c1f0e0b3a7d4e8f-not-for-production",  # noqa: S106
)

from .base import *  # noqa: E402, F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# The demo has no WhatsApp/Messenger adapter: social replies go to a loopback (never in prod).
KCC_SOCIAL_OUTBOUND_LOOPBACK = True
