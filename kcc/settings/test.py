"""Settings for `make test`: real PostgreSQL and Redis (127.0.0.1 defaults, overridable)."""

from .environment import defaults

defaults(
    DJANGO_SECRET_KEY="test-insecure-5b0d2c9e8f7a4b3c-not-for-production",  # noqa: S106
    DATABASE_URL="postgres://postgres@127.0.0.1:5432/kcc",
    REDIS_URL="redis://127.0.0.1:6379/15",
    DJANGO_ALLOWED_HOSTS="*",
)

from .base import *  # noqa: E402, F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process unless a test starts a real worker (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
