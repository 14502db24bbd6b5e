# syntax=docker/dockerfile:1
#
# KCC production image.
#   docker build -t kcc:local .
# Runs gunicorn by default; the same image runs `celery -A kcc worker`, `celery -A kcc beat`
# and `python manage.py migrate` (see docker-compose.yml and docs/deployment.md).

# ---------------------------------------------------------------- builder ----
# Compilers live only here; the final image gets the finished virtualenv.
FROM python:3.12-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# build-essential is a fallback for any dependency that has no wheel for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

# Only the runtime lock, so this layer is rebuilt only when dependencies change, and no
# development tool (pytest, playwright, locust, gevent: requirements/dev.txt) is installed.
COPY requirements/runtime.txt /tmp/runtime.txt
RUN pip install -r /tmp/runtime.txt

# ---------------------------------------------------------------- runtime ----
FROM python:3.12-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=kcc.settings.prod \
    DJANGO_STATIC_ROOT=/app/var/static \
    KCC_PRIVATE_MEDIA_ROOT=/app/var/private

# Fixed uid/gid so volume ownership is predictable across hosts and rebuilds.
RUN groupadd --gid 10001 kcc \
 && useradd --uid 10001 --gid kcc --home-dir /app --no-create-home --shell /usr/sbin/nologin kcc

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Code stays owned by root: the app user can read it, not change it.
COPY . /app

# Static files are collected into the image (whitenoise serves them; hashed names via
# CompressedManifestStaticFilesStorage). The secret key is only set for this one command,
# so it never ends up in the image's environment. .mo files are committed: no compilemessages.
# /app/var/private is created owned by kcc so that an empty named volume mounted there
# inherits that ownership on first use.
RUN DJANGO_SECRET_KEY=collectstatic-build-only-not-a-secret \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var/private \
 && chown kcc:kcc /app/var /app/var/private

USER kcc

EXPOSE 8000

CMD ["gunicorn", "kcc.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "3", "--threads", "4", "--keep-alive", "75", "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(B)s %(L)s %({x-request-id}o)s"]
