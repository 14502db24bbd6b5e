"""Settings for `make run`: the embedded default (SQLite, no Redis needed)."""

from .base import DEFAULTS, build

globals().update(
    build(
        DEFAULTS
        | {
            "DJANGO_DEBUG": True,
            # A development-only key; prod refuses to start without DJANGO_SECRET_KEY.
            "DJANGO_SECRET_KEY": "dev-insecure-9c1f0e0b3a7d4e8f-not-for-production",
        }
    )
)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F821
