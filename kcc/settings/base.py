"""Base settings. Every environment variable is read here, once (django-environ).

dev, test and prod only change defaults *before* these reads, through ``DEFAULTS``, or set
derived values that do not come from the environment. ``.env.example`` documents each variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

# Defaults that the environment-specific modules may override before importing this module's
# `load()`. Kept as plain data so that the reads below stay in one place.
DEFAULTS = {
    "DJANGO_DEBUG": False,
    "DJANGO_SECRET_KEY": None,
    "DJANGO_ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]"],
    "DATABASE_URL": f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
    "REDIS_URL": "",
    "EMAIL_URL": "consolemail://",
    "DJANGO_SECURE": False,
    "KCC_LOG_FORMAT": "text",
}


def load(defaults: dict) -> dict:
    """Read the environment once and return the settings that depend on it."""
    env = environ.Env()
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

    def get(name, cast=str):
        """Read NAME; its default comes from `defaults`, and None there means required."""
        default = defaults[name]
        if default is None:
            return env(name, cast=cast)
        return env(name, cast=cast, default=default)

    return {
        "DEBUG": get("DJANGO_DEBUG", cast=bool),
        "SECRET_KEY": get("DJANGO_SECRET_KEY"),
        # Old keys still accepted for sessions and signatures while rotating (comma-separated).
        "SECRET_KEY_FALLBACKS": env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[]),
        "ALLOWED_HOSTS": get("DJANGO_ALLOWED_HOSTS", cast=list),
        "CSRF_TRUSTED_ORIGINS": env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[]),
        "DATABASES": {"default": env.db_url_config(get("DATABASE_URL"))},
        "REDIS_URL": get("REDIS_URL"),
        "EMAIL": env.email_url_config(get("EMAIL_URL")),
        "DEFAULT_FROM_EMAIL": env("DEFAULT_FROM_EMAIL", default="KCC Gemeente Voorbeeldstad <kcc@voorbeeldstad.example>"),
        "SECURE": get("DJANGO_SECURE", cast=bool),
        "SECURE_SSL_REDIRECT": env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True),
        "SECURE_HSTS_SECONDS": env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000),
        "SESSION_IDLE_MINUTES": env.int("KCC_SESSION_IDLE_MINUTES", default=30),
        "AXES_FAILURE_LIMIT": env.int("KCC_LOGIN_FAILURE_LIMIT", default=5),
        "AXES_COOLOFF_MINUTES": env.int("KCC_LOGIN_COOLOFF_MINUTES", default=15),
        "THEME": env("KCC_THEME", default="voorbeeld"),
        "ORGANISATION_NAME": env("KCC_ORGANISATION_NAME", default="Gemeente Voorbeeldstad"),
        "LOG_LEVEL": env("LOG_LEVEL", default="INFO"),
        "LOG_FORMAT": get("KCC_LOG_FORMAT"),
        "PRIVATE_MEDIA_ROOT": env.path("KCC_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")),
        "STATIC_ROOT": env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")),
        "CELERY_FS_DIR": env.path("KCC_CELERY_FS_DIR", default=str(VAR_DIR / "celery")),
        "CELERY_VISIBILITY_TIMEOUT": env.int("KCC_CELERY_VISIBILITY_TIMEOUT", default=2 * 3600),
        "KCC": {
            # Links in e-mails point here.
            "KCC_BASE_URL": env("KCC_BASE_URL", default="http://127.0.0.1:8000"),
            # Where vulnerabilities are reported (/.well-known/security.txt, SECURITY.md).
            "KCC_SECURITY_CONTACT": env("KCC_SECURITY_CONTACT", default="security@voorbeeldstad.example"),
            # Inbound webhooks (Standard Webhooks: whsec_<base64>), and Meta's webhook.
            "KCC_WEBHOOK_EMAIL_SECRET": env("KCC_WEBHOOK_EMAIL_SECRET", default=""),
            "KCC_WEBHOOK_PHONE_SECRET": env("KCC_WEBHOOK_PHONE_SECRET", default=""),
            "KCC_WEBHOOK_TOLERANCE_SECONDS": env.int("KCC_WEBHOOK_TOLERANCE_SECONDS", default=300),
            "KCC_META_APP_SECRET": env("KCC_META_APP_SECRET", default=""),
            "KCC_META_VERIFY_TOKEN": env("KCC_META_VERIFY_TOKEN", default=""),
            # IMAP polling of the KCC mailbox (off when KCC_IMAP_HOST is empty).
            "KCC_IMAP_HOST": env("KCC_IMAP_HOST", default=""),
            "KCC_IMAP_PORT": env.int("KCC_IMAP_PORT", default=993),
            "KCC_IMAP_SSL": env.bool("KCC_IMAP_SSL", default=True),
            "KCC_IMAP_USER": env("KCC_IMAP_USER", default=""),
            "KCC_IMAP_PASSWORD": env("KCC_IMAP_PASSWORD", default=""),
            "KCC_IMAP_MAILBOX": env("KCC_IMAP_MAILBOX", default="INBOX"),
            "KCC_IMAP_PROCESSED_FOLDER": env("KCC_IMAP_PROCESSED_FOLDER", default="Verwerkt"),
            "KCC_IMAP_POLL_SECONDS": env.int("KCC_IMAP_POLL_SECONDS", default=60),
            # Outgoing e-mail replies: the KCC's own address and the Message-ID domain.
            "KCC_MAIL_REPLY_ADDRESS": env("KCC_MAIL_REPLY_ADDRESS", default="kcc@voorbeeldstad.example"),
            "KCC_MAIL_DOMAIN": env("KCC_MAIL_DOMAIN", default="voorbeeldstad.example"),
            # Send residents an automatic acknowledgement of their e-mail (never to auto-replies).
            "KCC_EMAIL_ACKNOWLEDGE": env.bool("KCC_EMAIL_ACKNOWLEDGE", default=False),
            "KCC_ATTACHMENT_MAX_BYTES": env.int("KCC_ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024),
            # Outbound social replies go to this adapter endpoint (empty: replies are refused).
            "KCC_SOCIAL_OUTBOUND_URL": env("KCC_SOCIAL_OUTBOUND_URL", default=""),
            "KCC_SOCIAL_OUTBOUND_TOKEN": env("KCC_SOCIAL_OUTBOUND_TOKEN", default=""),
            # Callbacks.
            "KCC_CALLBACK_MAX_ATTEMPTS": env.int("KCC_CALLBACK_MAX_ATTEMPTS", default=3),
            "KCC_CALLBACK_ESCALATION_DAYS": env.int("KCC_CALLBACK_ESCALATION_DAYS", default=2),
            # Signals: working days a department has to acknowledge a new signal.
            "KCC_SIGNAL_ACK_DAYS": env.int("KCC_SIGNAL_ACK_DAYS", default=3),
            # ... and working days after that reminder before the department's manager is told.
            "KCC_SIGNAL_ESCALATION_DAYS": env.int("KCC_SIGNAL_ESCALATION_DAYS", default=2),
            # Dashboard.
            "KCC_FCR_TARGET": env.float("KCC_FCR_TARGET", default=0.80),
            # Inbox: seconds between the htmx polls for new contacts (304 when nothing changed).
            "KCC_INBOX_POLL_SECONDS": env.int("KCC_INBOX_POLL_SECONDS", default=10),
            "KCC_METRICS_INTERVAL_SECONDS": env.int("KCC_METRICS_INTERVAL_SECONDS", default=120),
            # Privacy: retention periods (ISO-8601 durations such as P1Y, P6M, P30D) per contact
            # type, counted from the moment a contact was closed; validated at start-up.
            "KCC_RETENTION_PHONE": env("KCC_RETENTION_PHONE", default="P1Y"),
            "KCC_RETENTION_EMAIL": env("KCC_RETENTION_EMAIL", default="P1Y"),
            "KCC_RETENTION_WHATSAPP": env("KCC_RETENTION_WHATSAPP", default="P1Y"),
            "KCC_RETENTION_FACEBOOK": env("KCC_RETENTION_FACEBOOK", default="P1Y"),
            "KCC_RETENTION_INSTAGRAM": env("KCC_RETENTION_INSTAGRAM", default="P1Y"),
            "KCC_RETENTION_X": env("KCC_RETENTION_X", default="P1Y"),
            "KCC_RETENTION_WEBFORM": env("KCC_RETENTION_WEBFORM", default="P1Y"),
            "KCC_RETENTION_COUNTER": env("KCC_RETENTION_COUNTER", default="P1Y"),
            # ... closed callback requests (from closing), raw inbound payloads that no message
            # holds (quarantined, duplicates; from receipt), and customers left without any
            # contact or callback (from their last change; empty: never).
            "KCC_RETENTION_CALLBACK": env("KCC_RETENTION_CALLBACK", default="P1Y"),
            "KCC_RETENTION_INBOUND_RAW": env("KCC_RETENTION_INBOUND_RAW", default="P3M"),
            "KCC_RETENTION_CUSTOMER": env("KCC_RETENTION_CUSTOMER", default="P2Y"),
            # The nightly job: "approval" makes a destruction list for the privacy officer,
            # "delete" deletes directly.
            "KCC_RETENTION_MODE": env("KCC_RETENTION_MODE", default="approval"),
        },
    }


def build(defaults: dict) -> dict:
    """Turn the environment into the full settings dict; called by dev/test/prod."""
    cfg = load(defaults)
    s: dict = {}

    s["BASE_DIR"] = BASE_DIR
    s["DEBUG"] = cfg["DEBUG"]
    s["SECRET_KEY"] = cfg["SECRET_KEY"]
    s["SECRET_KEY_FALLBACKS"] = cfg["SECRET_KEY_FALLBACKS"]
    s["ALLOWED_HOSTS"] = cfg["ALLOWED_HOSTS"]
    s["CSRF_TRUSTED_ORIGINS"] = cfg["CSRF_TRUSTED_ORIGINS"]
    s["KCC_ORGANISATION_NAME"] = cfg["ORGANISATION_NAME"]
    s["KCC_THEME"] = cfg["THEME"]
    s.update(cfg["KCC"])

    s["INSTALLED_APPS"] = [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "whitenoise.runserver_nostatic",
        "django.contrib.staticfiles",
        "django.contrib.humanize",
        "django_htmx",
        "template_partials",
        "django_filters",
        "csp",
        "axes",
        "phonenumber_field",
        "health_check",
        "kcc.core",
        "knowledgebase",
        "channels",
        "callbacks",
        "signals",
        "kcc.dashboard",
        "kcc.privacy",
    ]
    s["MIDDLEWARE"] = [
        "kcc.core.middleware.RequestIdMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "kcc.core.middleware.IdleTimeoutMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
        "kcc.core.middleware.RoleEnforcementMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "csp.middleware.CSPMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
        "axes.middleware.AxesMiddleware",
    ]
    s["ROOT_URLCONF"] = "kcc.urls"
    s["WSGI_APPLICATION"] = "kcc.wsgi.application"
    s["TEMPLATES"] = [
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
                ],
            },
        }
    ]

    db = cfg["DATABASES"]["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # Web, worker and beat share one file: WAL plus a busy timeout keeps them from
        # tripping over each other, IMMEDIATE transactions avoid lock-upgrade deadlocks.
        db.setdefault("OPTIONS", {}).update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    else:
        db.setdefault("CONN_MAX_AGE", 60)
        # Model dropdowns iterate querysets; a server-side cursor per page costs a few ms and
        # breaks behind a transaction-pooling proxy.
        db.setdefault("DISABLE_SERVER_SIDE_CURSORS", True)
        db.setdefault("CONN_HEALTH_CHECKS", True)
    s["DATABASES"] = cfg["DATABASES"]
    s["DEFAULT_AUTO_FIELD"] = "django.db.models.BigAutoField"

    s["AUTH_PASSWORD_VALIDATORS"] = [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    ]
    s["AUTHENTICATION_BACKENDS"] = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    s["LOGIN_URL"] = "core:login"
    s["LOGIN_REDIRECT_URL"] = "core:home"
    s["LOGOUT_REDIRECT_URL"] = "core:login"

    # Login throttling per username, never per IP: a whole KCC sits behind one address.
    s["AXES_LOCKOUT_PARAMETERS"] = ["username"]
    s["AXES_FAILURE_LIMIT"] = cfg["AXES_FAILURE_LIMIT"]
    s["AXES_COOLOFF_TIME"] = timedelta(minutes=cfg["AXES_COOLOFF_MINUTES"])
    s["AXES_RESET_ON_SUCCESS"] = True
    s["AXES_LOCKOUT_TEMPLATE"] = "core/locked_out.html"
    s["AXES_VERBOSE"] = False
    # axes.W006 asks for per-IP lockout. Deliberately off: every agent of a KCC shares one
    # public address, so an IP lockout would lock out the whole contact centre.
    s["SILENCED_SYSTEM_CHECKS"] = ["axes.W006"]

    # Sessions: shared workstations, so a short idle timeout (IdleTimeoutMiddleware) and no
    # session that outlives the browser.
    s["KCC_SESSION_IDLE_SECONDS"] = cfg["SESSION_IDLE_MINUTES"] * 60
    s["SESSION_EXPIRE_AT_BROWSER_CLOSE"] = True
    s["SESSION_COOKIE_AGE"] = 12 * 3600
    s["SESSION_COOKIE_HTTPONLY"] = True
    s["SESSION_COOKIE_SAMESITE"] = "Lax"

    s["LANGUAGE_CODE"] = "nl"
    s["LANGUAGES"] = [("nl", "Nederlands")]
    s["LOCALE_PATHS"] = [BASE_DIR / "locale"]
    s["TIME_ZONE"] = "Europe/Amsterdam"
    s["USE_I18N"] = True
    s["USE_TZ"] = True
    s["PHONENUMBER_DEFAULT_REGION"] = "NL"
    s["PHONENUMBER_DB_FORMAT"] = "E164"

    s["STATIC_URL"] = "/static/"
    s["STATICFILES_DIRS"] = [BASE_DIR / "static"]
    s["STATIC_ROOT"] = cfg["STATIC_ROOT"]
    s["KCC_PRIVATE_MEDIA_ROOT"] = cfg["PRIVATE_MEDIA_ROOT"]
    s["STORAGES"] = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": cfg["PRIVATE_MEDIA_ROOT"]},
        },
        # Attachments and other personal files: never served directly, only through views
        # that check access.
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": cfg["PRIVATE_MEDIA_ROOT"], "base_url": None},
        },
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    email = cfg["EMAIL"]
    s["EMAIL_BACKEND"] = email["EMAIL_BACKEND"]
    for key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_FILE_PATH"):
        if key in email:
            s[key] = email[key]
    s["DEFAULT_FROM_EMAIL"] = cfg["DEFAULT_FROM_EMAIL"]
    s["SERVER_EMAIL"] = cfg["DEFAULT_FROM_EMAIL"]

    # Redis when REDIS_URL is set; otherwise an embedded fallback that needs no server:
    # a file-system Celery broker and a file-based cache, both under var/, shared by the web,
    # worker and beat processes of `make run`.
    redis_url = cfg["REDIS_URL"]
    s["KCC_REDIS_URL"] = redis_url
    if redis_url:
        # A Redis that stops answering (paused VM, network partition) must cost a request a
        # few seconds, not hang it and every web worker after it: redis-py waits forever by
        # default (docs/faults.md; tests/faults/test_redis_outage.py).
        redis_timeouts = {"socket_connect_timeout": 2, "socket_timeout": 3}
        s["CACHES"] = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url, "OPTIONS": redis_timeouts}}
        s["CELERY_BROKER_URL"] = redis_url
        # Longer than any task's time limit, countdown or retry back-off (asserted in
        # tests/core/test_celery_config.py), or Redis would hand a running task to a second worker.
        s["CELERY_BROKER_TRANSPORT_OPTIONS"] = {"visibility_timeout": cfg["CELERY_VISIBILITY_TIMEOUT"], **redis_timeouts}
    else:
        fs = Path(cfg["CELERY_FS_DIR"])
        s["CACHES"] = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}}
        s["CELERY_BROKER_URL"] = "filesystem://"
        s["CELERY_BROKER_TRANSPORT_OPTIONS"] = {
            "data_folder_in": str(fs / "queue"),
            "data_folder_out": str(fs / "queue"),
            "processed_folder": str(fs / "processed"),
            "control_folder": str(fs / "control"),
            "store_processed": False,
        }
        s["CELERY_WORKER_ENABLE_REMOTE_CONTROL"] = False
        s["KCC_CELERY_FS_DIRS"] = [fs / "queue", fs / "processed"]
    s["CELERY_RESULT_BACKEND"] = None
    s["CELERY_TASK_IGNORE_RESULT"] = True
    s["CELERY_TASK_SERIALIZER"] = "json"
    s["CELERY_ACCEPT_CONTENT"] = ["json"]
    s["CELERY_RESULT_SERIALIZER"] = "json"
    s["CELERY_TIMEZONE"] = "Europe/Amsterdam"
    s["CELERY_TASK_TIME_LIMIT"] = 30 * 60
    s["CELERY_TASK_SOFT_TIME_LIMIT"] = 25 * 60
    s["CELERY_WORKER_PREFETCH_MULTIPLIER"] = 1
    # Tasks that declare acks_late (only idempotent ones) are acknowledged after they finish; a
    # worker killed mid-task leaves the message to be delivered again.
    s["CELERY_TASK_REJECT_ON_WORKER_LOST"] = True
    s["CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP"] = True
    # The schedule is code, reviewed like code. Apps add their entries in kcc/settings/beat.py.
    from kcc.settings.beat import BEAT_SCHEDULE

    s["CELERY_BEAT_SCHEDULE"] = BEAT_SCHEDULE

    s["CONTENT_SECURITY_POLICY"] = {
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
    # Error reports (ADMINS mail, the technical 500 page) hide personal data: besides Django's
    # secrets, every POST field that can hold a BSN, name, address, phone number or message.
    s["DEFAULT_EXCEPTION_REPORTER_FILTER"] = "kcc.privacy.reporting.PersonalDataExceptionReporterFilter"
    s["DEFAULT_EXCEPTION_REPORTER"] = "kcc.privacy.reporting.PersonalDataExceptionReporter"
    s["X_FRAME_OPTIONS"] = "DENY"
    s["SECURE_CONTENT_TYPE_NOSNIFF"] = True
    s["SECURE_REFERRER_POLICY"] = "same-origin"
    s["SECURE_CROSS_ORIGIN_OPENER_POLICY"] = "same-origin"

    if cfg["SECURE"]:
        s["SECURE_SSL_REDIRECT"] = cfg["SECURE_SSL_REDIRECT"]
        s["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
        s["SECURE_HSTS_SECONDS"] = cfg["SECURE_HSTS_SECONDS"]
        s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] = True
        s["SECURE_HSTS_PRELOAD"] = True
        s["SESSION_COOKIE_SECURE"] = True
        s["CSRF_COOKIE_SECURE"] = True
        s["SECURE_REDIRECT_EXEMPT"] = [r"^health/"]

    s["LOGGING"] = {
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
                "formatter": cfg["LOG_FORMAT"],
                "filters": ["request_id", "personal_data"],
            }
        },
        "root": {"handlers": ["console"], "level": cfg["LOG_LEVEL"]},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # At DEBUG it logs whole template contexts (customers, message texts): never.
            "django.template": {"level": "INFO"},
            "axes": {"level": "WARNING"},
        },
    }
    return s
