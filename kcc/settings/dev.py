"""Settings for `make run`: the embedded default (SQLite, no Redis needed)."""

from .environment import defaults, demo_oidc_available

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

# The demo OpenID provider of `make run` (manage.py run_demo_oidc_provider, Procfile `idp:`):
# sign-in with a demo organisation account next to the password, only where node and the
# provider's packages are installed (`npm ci` in tools/oidc-provider); without them `make run`
# offers the password only. The provider's own login page accepts any password.
DEMO_OIDC_ISSUER = "http://127.0.0.1:8104"
if demo_oidc_available():
    defaults(
        KCC_OIDC_ENABLED="true",
        KCC_OIDC_ISSUER=DEMO_OIDC_ISSUER,
        KCC_OIDC_AUTHORIZATION_ENDPOINT=f"{DEMO_OIDC_ISSUER}/auth",
        KCC_OIDC_TOKEN_ENDPOINT=f"{DEMO_OIDC_ISSUER}/token",
        KCC_OIDC_USERINFO_ENDPOINT=f"{DEMO_OIDC_ISSUER}/me",
        KCC_OIDC_JWKS_ENDPOINT=f"{DEMO_OIDC_ISSUER}/jwks",
        KCC_OIDC_LOGOUT_ENDPOINT=f"{DEMO_OIDC_ISSUER}/session/end",
        KCC_OIDC_CLIENT_ID="kcc-demo",
        KCC_OIDC_CLIENT_SECRET="demo-oidc-secret-not-for-production",  # noqa: S106
        KCC_OIDC_SCOPES="openid email profile groups",
    )

from .base import *  # noqa: E402, F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# The demo has no WhatsApp/Messenger adapter: social replies go to a loopback (never in prod).
KCC_SOCIAL_OUTBOUND_LOOPBACK = True
# ... and no portal adapter: portal replies go to a loopback as well (never in prod).
KCC_PORTAL_OUTBOUND_LOOPBACK = True
# The BRP and case panels say "demo" while they talk to the demo services.
KCC_COMMONGROUND_DEMO = KCC_BRP_URL.startswith("http://127.0.0.1:8101/") or KCC_ZAKEN_URL.startswith("http://127.0.0.1:8102/")  # noqa: F405
# The login page says "demo" while single sign-on goes to the demo provider.
KCC_OIDC_DEMO = KCC_OIDC_ENABLED and KCC_OIDC_ISSUER == DEMO_OIDC_ISSUER  # noqa: F405
