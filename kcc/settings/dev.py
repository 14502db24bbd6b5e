"""Settings for `make run`: the embedded default (SQLite, no Redis needed)."""

from .environment import defaults

defaults(
    DJANGO_DEBUG="true",
    # A development-only key; prod refuses to start without DJANGO_SECRET_KEY.
    DJANGO_SECRET_KEY="dev-insecure-9c1f0e0b3a7d4e8f-not-for-production",  # noqa: S106
    # The Common Ground demo services of `make run` (manage.py run_demo_services, Procfile).
    KCC_BRP_URL="http://127.0.0.1:8101/haalcentraal/api/brp",
    KCC_ZAKEN_URL="http://127.0.0.1:8102/zaken/api/v1",
    KCC_CATALOGI_URL="http://127.0.0.1:8103/catalogi/api/v1",
    KCC_ZGW_CLIENT_ID="kcc-demo",
    KCC_ZGW_SECRET="demo-secret-not-for-production-0123456789",  # noqa: S106
)

from .base import *  # noqa: E402, F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# The demo has no WhatsApp/Messenger adapter: social replies go to a loopback (never in prod).
KCC_SOCIAL_OUTBOUND_LOOPBACK = True
# ... and no portal adapter: portal replies go to a loopback as well (never in prod).
KCC_PORTAL_OUTBOUND_LOOPBACK = True
# The BRP and case panels say "demo" while they talk to the demo services.
KCC_COMMONGROUND_DEMO = KCC_BRP_URL.startswith("http://127.0.0.1:8101/") or KCC_ZAKEN_URL.startswith("http://127.0.0.1:8102/")  # noqa: F405
