"""Base settings: a plain module. Every environment variable is read here, once (django-environ),
with its documented default (.env.example, README.md).

dev, test and prod give a few variables another default (`environment.defaults()`) before
they import this module, and may then set values that do not come from the environment.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF

from kcc.settings import beat
from kcc.settings.environment import BASE_DIR, env

VAR_DIR = BASE_DIR / "var"

# Organisation profile: "gemeente" (municipality) or "woningcorporatie" (housing corporation).
# It sets the vocabulary (kcc/core/terminology.py), the demo organisation and its embedded
# database, the organisation name's default, and which panels show (BRP and cases only for a
# municipality); a system check refuses other values.
KCC_ORGANISATION_KIND = env("KCC_ORGANISATION_KIND", default="gemeente")

# ------------------------------------------------------------------------------- Django core --

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Required: no default here (dev and test give one; production fails fast without it).
SECRET_KEY = env("DJANGO_SECRET_KEY")
# Old keys still accepted for sessions and signatures while rotating (comma-separated).
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER = TemplatesSetting
    "django_htmx",
    "template_partials",
    "django_filters",
    "csp",
    "axes",
    "health_check",
    "kcc.core",
    "knowledgebase",
    "channels",
    "callbacks",
    "signals",
    "kcc.dashboard",
    "kcc.privacy",
    "kcc.sso",
    "kcc.commonground",
    "kcc.openklant",
]
MIDDLEWARE = [
    "kcc.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kcc.sso.logout.ProviderLogoutMiddleware",
    "kcc.core.middleware.IdleTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "kcc.core.middleware.RoleEnforcementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "kcc.urls"
WSGI_APPLICATION = "kcc.wsgi.application"
# Widgets render through the project's template engine, so that templates/django/forms/ can
# override a widget template (the select is written inline there: the desk renders faster).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kcc.core.context_processors.kcc",
                "kcc.core.context_processors.terminology_context",
            ],
        },
    }
]

# ---------------------------------------------------------------------------------- Database --

# The embedded database is per profile, so the two demo organisations never mix in one file.
_sqlite_name = "db.sqlite3" if KCC_ORGANISATION_KIND == "gemeente" else f"db-{KCC_ORGANISATION_KIND}.sqlite3"
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / _sqlite_name}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL plus a busy timeout keeps them from
    # tripping over each other, IMMEDIATE transactions avoid lock-upgrade deadlocks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    # Model dropdowns iterate querysets; a server-side cursor per page costs a few ms and
    # breaks behind a transaction-pooling proxy.
    DATABASES["default"].setdefault("DISABLE_SERVER_SIDE_CURSORS", True)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------ Authentication, sessions --

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Login throttling per username *and* client address, so a whole KCC behind one NAT address is
# never locked out by one agent's typos, plus a higher per-username ceiling over all addresses
# against an attack spread over many of them (kcc/core/login_throttle.py).
AXES_HANDLER = "kcc.core.login_throttle.KccAxesHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("KCC_LOGIN_FAILURE_LIMIT", default=5)
KCC_LOGIN_USERNAME_FAILURE_LIMIT = env.int("KCC_LOGIN_USERNAME_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("KCC_LOGIN_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# Sessions: shared workstations, so a short idle timeout (IdleTimeoutMiddleware) and no
# session that outlives the browser.
KCC_SESSION_IDLE_SECONDS = env.int("KCC_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# ------------------------------------------------- Single sign-on (OpenID Connect), kcc/sso --

# Password login (make run, break-glass) and sign-in with the organisation's account (OIDC).
# `check --deploy` warns when both are off (sso.W001). Details: docs/integrations.md.
KCC_PASSWORD_LOGIN_ENABLED = env.bool("KCC_PASSWORD_LOGIN_ENABLED", default=True)
KCC_OIDC_ENABLED = env.bool("KCC_OIDC_ENABLED", default=False)
# The provider: its issuer (the `iss` every ID token must carry) and endpoints, from its
# /.well-known/openid-configuration. The userinfo endpoint may stay empty (ID token claims only).
KCC_OIDC_ISSUER = env("KCC_OIDC_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("KCC_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("KCC_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("KCC_OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("KCC_OIDC_JWKS_ENDPOINT", default="")
# end_session_endpoint: logging out here (or the idle timeout) ends the provider session too.
KCC_OIDC_LOGOUT_ENDPOINT = env("KCC_OIDC_LOGOUT_ENDPOINT", default="")
# This application's registration at the provider (the `aud` of its ID tokens).
OIDC_RP_CLIENT_ID = env("KCC_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("KCC_OIDC_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("KCC_OIDC_SIGN_ALGORITHM", default="RS256")
OIDC_RP_SCOPES = env("KCC_OIDC_SCOPES", default="openid email profile")
# Claims: which ones hold group or role names (comma-separated; mapped to roles per department in
# the admin, "SSO-groepen"), and which one is the username.
KCC_OIDC_GROUPS_CLAIMS = [c.strip() for c in env("KCC_OIDC_GROUPS_CLAIMS", default="groups").split(",") if c.strip()]
KCC_OIDC_USERNAME_CLAIM = env("KCC_OIDC_USERNAME_CLAIM", default="preferred_username")
# Just-in-time provisioning: create an account at the first sign-in (only with a mapped group).
KCC_OIDC_CREATE_USERS = env.bool("KCC_OIDC_CREATE_USERS", default=False)
OIDC_TIMEOUT = env.int("KCC_OIDC_TIMEOUT_SECONDS", default=5)
# Fixed: PKCE; the ID token is not kept (the logout at the provider goes without id_token_hint,
# kcc/sso/logout.py); our callback.
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = False
OIDC_CREATE_USER = KCC_OIDC_CREATE_USERS
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
# Not from the environment: only kcc/settings/dev.py sets it, when sign-in goes to the demo
# OpenID provider of `make run` (`manage.py run_demo_oidc_provider`); the login page says "demo".
KCC_OIDC_DEMO = False
if not KCC_PASSWORD_LOGIN_ENABLED:
    AUTHENTICATION_BACKENDS.remove("django.contrib.auth.backends.ModelBackend")
if KCC_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("kcc.sso.backends.OidcBackend")

# ------------------------------------------------------------------------ Language, time zone --

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
# One date style everywhere: kcc/formats/nl/formats.py.
FORMAT_MODULE_PATH = ["kcc.formats"]
USE_TZ = True

# ------------------------------------------------------------------------------ Static, media --

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
KCC_PRIVATE_MEDIA_ROOT = env.path("KCC_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": KCC_PRIVATE_MEDIA_ROOT},
    },
    # Attachments and other personal files: never served directly, only through views
    # that check access.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": KCC_PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# ------------------------------------------------------------------------------------ E-mail --

# One URL: consolemail:// prints, smtp+tls://user:password@host:587 sends.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="KCC Gemeente Voorbeeldstad <kcc@voorbeeldstad.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ------------------------------------------------------------------------ Celery, cache, Redis --

# Redis when REDIS_URL is set; otherwise an embedded fallback that needs no server:
# a file-system Celery broker and a file-based cache, both under var/, shared by the web,
# worker and beat processes of `make run`.
KCC_REDIS_URL = env("REDIS_URL", default="")
KCC_CELERY_VISIBILITY_TIMEOUT = env.int("KCC_CELERY_VISIBILITY_TIMEOUT", default=2 * 3600)
KCC_CELERY_FS_DIR = Path(env.path("KCC_CELERY_FS_DIR", default=str(VAR_DIR / "celery")))
if KCC_REDIS_URL:
    # A Redis that stops answering (paused VM, network partition) must cost a request a
    # few seconds, not hang it and every web worker after it: redis-py waits forever by
    # default (docs/faults.md; tests/faults/test_redis_outage.py).
    _redis_timeouts = {"socket_connect_timeout": 2, "socket_timeout": 3}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": KCC_REDIS_URL, "OPTIONS": _redis_timeouts}}
    CELERY_BROKER_URL = KCC_REDIS_URL
    # Longer than any task's time limit, countdown or retry back-off (asserted in
    # tests/core/test_celery_config.py), or Redis would hand a running task to a second worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": KCC_CELERY_VISIBILITY_TIMEOUT, **_redis_timeouts}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}}
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(KCC_CELERY_FS_DIR / "queue"),
        "data_folder_out": str(KCC_CELERY_FS_DIR / "queue"),
        "processed_folder": str(KCC_CELERY_FS_DIR / "processed"),
        "control_folder": str(KCC_CELERY_FS_DIR / "control"),
        "store_processed": False,
    }
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks that declare acks_late (only idempotent ones) are acknowledged after they finish; a
# worker killed mid-task leaves the message to be delivered again.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The schedule is code, reviewed like code. Apps add their entries in kcc/settings/beat.py.
CELERY_BEAT_SCHEDULE = beat.BEAT_SCHEDULE

# ---------------------------------------------------------------------------------- Security --

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if KCC_OIDC_ENABLED and KCC_OIDC_LOGOUT_ENDPOINT:
    # The logout form's redirect goes on to the provider's end_session_endpoint (kcc/sso).
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append("/".join(KCC_OIDC_LOGOUT_ENDPOINT.split("/")[:3]))
# Error reports (ADMINS mail, the technical 500 page) hide personal data: besides Django's
# secrets, every POST field that can hold a BSN, name, address, phone number or message.
DEFAULT_EXCEPTION_REPORTER_FILTER = "kcc.privacy.reporting.PersonalDataExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "kcc.privacy.reporting.PersonalDataExceptionReporter"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Secure cookies, HSTS and the TLS redirect (production, behind a TLS-terminating proxy).
if env.bool("DJANGO_SECURE", default=False):
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^health/"]

# ----------------------------------------------------------------------------------- Logging --

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "kcc.core.logging.RequestIdFilter"},
        # Defence in depth: redacts e-mail addresses, phone numbers, BSNs and postcodes that a
        # library or a database error quotes (docs/privacy.md).
        "personal_data": {"()": "kcc.privacy.reporting.PersonalDataLogFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kcc.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("KCC_LOG_FORMAT", default="text"),
            "filters": ["request_id", "personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # At DEBUG it logs whole template contexts (customers, message texts): never.
        "django.template": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# ------------------------------------------------------------------------------- Application --

# KCC_ORGANISATION_KIND is read at the top of this module.
KCC_ORGANISATION_NAME = env(
    "KCC_ORGANISATION_NAME",
    default="Woonstichting Voorbeeldwonen" if KCC_ORGANISATION_KIND == "woningcorporatie" else "Gemeente Voorbeeldstad",
)
# NL Design System theme: "voorbeeld" (vendored) or a name under static/themes/.
KCC_THEME = env("KCC_THEME", default="voorbeeld")
# Links in e-mails point here.
KCC_BASE_URL = env("KCC_BASE_URL", default="http://127.0.0.1:8000")
# Where vulnerabilities are reported (/.well-known/security.txt, SECURITY.md).
KCC_SECURITY_CONTACT = env("KCC_SECURITY_CONTACT", default="security@voorbeeldstad.example")

# Inbound webhooks (Standard Webhooks: whsec_<base64>), and Meta's webhook.
KCC_WEBHOOK_EMAIL_SECRET = env("KCC_WEBHOOK_EMAIL_SECRET", default="")
KCC_WEBHOOK_PHONE_SECRET = env("KCC_WEBHOOK_PHONE_SECRET", default="")
KCC_WEBHOOK_TOLERANCE_SECONDS = env.int("KCC_WEBHOOK_TOLERANCE_SECONDS", default=300)
KCC_META_APP_SECRET = env("KCC_META_APP_SECRET", default="")
KCC_META_VERIFY_TOKEN = env("KCC_META_VERIFY_TOKEN", default="")
# IMAP polling of the KCC mailbox (off when KCC_IMAP_HOST is empty).
KCC_IMAP_HOST = env("KCC_IMAP_HOST", default="")
KCC_IMAP_PORT = env.int("KCC_IMAP_PORT", default=993)
KCC_IMAP_SSL = env.bool("KCC_IMAP_SSL", default=True)
KCC_IMAP_USER = env("KCC_IMAP_USER", default="")
KCC_IMAP_PASSWORD = env("KCC_IMAP_PASSWORD", default="")
KCC_IMAP_MAILBOX = env("KCC_IMAP_MAILBOX", default="INBOX")
KCC_IMAP_PROCESSED_FOLDER = env("KCC_IMAP_PROCESSED_FOLDER", default="Verwerkt")
KCC_IMAP_POLL_SECONDS = env.int("KCC_IMAP_POLL_SECONDS", default=60)
# Outgoing e-mail replies: the KCC's own address and the Message-ID domain.
KCC_MAIL_REPLY_ADDRESS = env("KCC_MAIL_REPLY_ADDRESS", default="kcc@voorbeeldstad.example")
KCC_MAIL_DOMAIN = env("KCC_MAIL_DOMAIN", default="voorbeeldstad.example")
# Send residents an automatic acknowledgement of their e-mail (never to auto-replies).
KCC_EMAIL_ACKNOWLEDGE = env.bool("KCC_EMAIL_ACKNOWLEDGE", default=False)
KCC_ATTACHMENT_MAX_BYTES = env.int("KCC_ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
# Outbound social replies go to this adapter endpoint (empty: replies are refused).
KCC_SOCIAL_OUTBOUND_URL = env("KCC_SOCIAL_OUTBOUND_URL", default="")
KCC_SOCIAL_OUTBOUND_TOKEN = env("KCC_SOCIAL_OUTBOUND_TOKEN", default="")
# Not from the environment: only kcc/settings/dev.py (make run) turns it on, so that a social
# reply without an adapter is recorded as sent by a loopback instead of refused (demo only).
KCC_SOCIAL_OUTBOUND_LOOPBACK = False
# The web-form and portal channel (docs/integrations.md, "Webformulier en huurdersportaal"):
# the inbound secret (whsec_<base64>), the largest body accepted (attachments are base64 in the
# JSON, so 4/3 of their size), and the portal's reply adapter (empty: portal replies refused).
KCC_WEBHOOK_WEBFORM_SECRET = env("KCC_WEBHOOK_WEBFORM_SECRET", default="")
KCC_WEBFORM_MAX_BYTES = env.int("KCC_WEBFORM_MAX_BYTES", default=35 * 1024 * 1024)
KCC_PORTAL_OUTBOUND_URL = env("KCC_PORTAL_OUTBOUND_URL", default="")
KCC_PORTAL_OUTBOUND_SECRET = env("KCC_PORTAL_OUTBOUND_SECRET", default="")
# Not from the environment: only kcc/settings/dev.py turns it on (make run), so that a portal
# reply without an adapter is recorded as sent by a loopback instead of refused (demo only).
KCC_PORTAL_OUTBOUND_LOOPBACK = False

# Callbacks.
KCC_CALLBACK_MAX_ATTEMPTS = env.int("KCC_CALLBACK_MAX_ATTEMPTS", default=3)
KCC_CALLBACK_ESCALATION_DAYS = env.int("KCC_CALLBACK_ESCALATION_DAYS", default=2)
# Repair requests (corporation profile, docs/callbacks.md "Request kinds"): an emergency is due
# this many hours after it was made, around the clock; a normal repair this many working days.
KCC_REPAIR_EMERGENCY_HOURS = env.int("KCC_REPAIR_EMERGENCY_HOURS", default=4)
KCC_REPAIR_NORM_DAYS = env.int("KCC_REPAIR_NORM_DAYS", default=5)
# Signals: working days a department has to acknowledge a new signal.
KCC_SIGNAL_ACK_DAYS = env.int("KCC_SIGNAL_ACK_DAYS", default=3)
# ... and working days after that reminder before the department's manager is told.
KCC_SIGNAL_ESCALATION_DAYS = env.int("KCC_SIGNAL_ESCALATION_DAYS", default=2)
# Dashboard.
KCC_FCR_TARGET = env.float("KCC_FCR_TARGET", default=0.80)
KCC_METRICS_INTERVAL_SECONDS = env.int("KCC_METRICS_INTERVAL_SECONDS", default=120)
# Inbox: seconds between the htmx polls for new contacts (304 when nothing changed).
KCC_INBOX_POLL_SECONDS = env.int("KCC_INBOX_POLL_SECONDS", default=10)

# Privacy: retention periods (ISO-8601 durations such as P1Y, P6M, P30D) per contact
# type, counted from the moment a contact was closed; validated at start-up.
KCC_RETENTION_PHONE = env("KCC_RETENTION_PHONE", default="P1Y")
KCC_RETENTION_EMAIL = env("KCC_RETENTION_EMAIL", default="P1Y")
KCC_RETENTION_WHATSAPP = env("KCC_RETENTION_WHATSAPP", default="P1Y")
KCC_RETENTION_FACEBOOK = env("KCC_RETENTION_FACEBOOK", default="P1Y")
KCC_RETENTION_INSTAGRAM = env("KCC_RETENTION_INSTAGRAM", default="P1Y")
KCC_RETENTION_X = env("KCC_RETENTION_X", default="P1Y")
KCC_RETENTION_WEBFORM = env("KCC_RETENTION_WEBFORM", default="P1Y")
KCC_RETENTION_COUNTER = env("KCC_RETENTION_COUNTER", default="P1Y")
# ... closed callback requests (from closing), raw inbound payloads that no message
# holds (quarantined, duplicates; from receipt), and customers left without any
# contact or callback (from their last change; empty: never).
KCC_RETENTION_CALLBACK = env("KCC_RETENTION_CALLBACK", default="P1Y")
KCC_RETENTION_INBOUND_RAW = env("KCC_RETENTION_INBOUND_RAW", default="P3M")
KCC_RETENTION_CUSTOMER = env("KCC_RETENTION_CUSTOMER", default="P2Y")
# The nightly job: "approval" makes a destruction list for the privacy officer,
# "delete" deletes directly.
KCC_RETENTION_MODE = env("KCC_RETENTION_MODE", default="approval")

# Common Ground (kcc/commonground, docs/integrations.md): the BRP lookup and the resident's cases
# in the desk. Each integration is off while its URL is empty.
# Seconds a whole lookup may take (all its requests together) on the server. Below the 2 s after
# which the panel gives up in the browser (a system check refuses 1.8 s or more), so the server
# answers "niet bereikbaar" itself and frees its thread before the browser stops waiting.
KCC_COMMONGROUND_TIMEOUT = env.float("KCC_COMMONGROUND_TIMEOUT", default=1.5)
# Circuit breaker: seconds an API counts as down after a timeout or connection error. Meanwhile
# its panels answer "niet bereikbaar" at once without asking it; then one request probes it.
# 0 turns the breaker off.
KCC_COMMONGROUND_BREAKER_SECONDS = env.float("KCC_COMMONGROUND_BREAKER_SECONDS", default=30.0)
# BRP API Personen 2.7.0 (Haal Centraal), e.g. https://brp.example.nl/haalcentraal/api/brp
KCC_BRP_URL = env("KCC_BRP_URL", default="")
# Authentication: an API key in a header, or a client certificate (PEM paths), as the proxy wants.
KCC_BRP_API_KEY = env("KCC_BRP_API_KEY", default="")
KCC_BRP_API_KEY_HEADER = env("KCC_BRP_API_KEY_HEADER", default="X-API-KEY")
KCC_BRP_CLIENT_CERT = env("KCC_BRP_CLIENT_CERT", default="")
KCC_BRP_CLIENT_KEY = env("KCC_BRP_CLIENT_KEY", default="")
# Protocol headers a municipal BRP proxy requires: purpose of use (doelbinding), processing
# (verwerking) and the user (gebruiker). An empty value or header name leaves the header out.
KCC_BRP_PURPOSE = env("KCC_BRP_PURPOSE", default="")
KCC_BRP_PURPOSE_HEADER = env("KCC_BRP_PURPOSE_HEADER", default="x-doelbinding")
KCC_BRP_PROCESSING = env("KCC_BRP_PROCESSING", default="")
KCC_BRP_PROCESSING_HEADER = env("KCC_BRP_PROCESSING_HEADER", default="x-verwerking")
KCC_BRP_USER_HEADER = env("KCC_BRP_USER_HEADER", default="x-gebruiker")
# Zaken API 1.5.1 and Catalogi API 1.3.1 (ZGW), e.g. https://zaken.example.nl/zaken/api/v1
KCC_ZAKEN_URL = env("KCC_ZAKEN_URL", default="")
KCC_CATALOGI_URL = env("KCC_CATALOGI_URL", default="")
# The ZGW JWT (HS256): client id and secret as registered in the case system's autorisaties.
KCC_ZGW_CLIENT_ID = env("KCC_ZGW_CLIENT_ID", default="")
KCC_ZGW_SECRET = env("KCC_ZGW_SECRET", default="")
# Seconds a case type or status type from the Catalogi API stays in the cache.
KCC_CATALOGI_CACHE_SECONDS = env.int("KCC_CATALOGI_CACHE_SECONDS", default=3600)
# Open Klant (kcc/openklant, docs/integrations.md "Open Klant"): customers, contacts and callbacks
# pushed to the Klantinteracties API 0.9.0 through an outbox. Off while the URL is empty.
# e.g. https://openklant.example.nl/klantinteracties/api/v1
KCC_OPENKLANT_URL = env("KCC_OPENKLANT_URL", default="")
# The API token (sent as "Authorization: Token <token>").
KCC_OPENKLANT_TOKEN = env("KCC_OPENKLANT_TOKEN", default="")
# Seconds one request to the register may take.
KCC_OPENKLANT_TIMEOUT = env.float("KCC_OPENKLANT_TIMEOUT", default=5.0)
# Backoff after a failed send: this many seconds, doubled per attempt, at most an hour.
KCC_OPENKLANT_RETRY_SECONDS = env.int("KCC_OPENKLANT_RETRY_SECONDS", default=10)
# Attempts before a conflict (409), a refused token or a contract error puts the item in the
# failed list. 5xx and timeouts are retried for ever; a 400 fails at once.
KCC_OPENKLANT_MAX_ATTEMPTS = env.int("KCC_OPENKLANT_MAX_ATTEMPTS", default=5)
# Not from the environment: only kcc/settings/dev.py sets it, when the integrations point at the
# demo services of `make run` (`manage.py run_demo_services`); the panels then say "demo".
KCC_COMMONGROUND_DEMO = False
