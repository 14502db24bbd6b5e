"""Settings of the Celery worker processes that the fault tests start and kill.

The test settings, with two differences that make the worker behave as in production:
e-mail goes out over real SMTP (EMAIL_URL, to the test's SMTP sink) instead of the
in-process locmem outbox, and tasks are consumed from the broker instead of run eagerly.
The broker sweeps its unacknowledged messages every second, so a message of a killed worker
comes back as soon as KCC_CELERY_VISIBILITY_TIMEOUT (a few seconds in these tests) has passed;
production keeps kombu's defaults (a sweep every ~100 s after a 2-hour visibility timeout).
"""

from kcc.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_TIMEOUT = 30
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405 - the visibility timeout from the environment
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
