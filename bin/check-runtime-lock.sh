#!/usr/bin/env bash
# The production image installs requirements/runtime.txt and nothing else. Prove, without
# Docker, that this lock alone boots the production settings: a fresh virtualenv gets only
# the runtime lock, must not contain any development tool, and must pass
# `manage.py check --deploy --fail-level WARNING` with kcc.settings.prod.
# Packages come from pip's cache after the first run, so this costs well under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=$(mktemp -d -t kcc-runtime-venv.XXXXXX)
trap 'rm -rf "$VENV"' EXIT

echo "runtime lock: fresh venv in $VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements/runtime.txt

# The production image must not carry these (they come in only through requirements/dev.txt).
for pkg in playwright locust gevent pytest pytest-django factory-boy hypothesis ruff uv; do
  if "$VENV/bin/python" -m pip show --quiet "$pkg" >/dev/null 2>&1; then
    echo "runtime lock: $pkg is installed, but it is a development tool"; exit 1
  fi
done

# An environment with nothing but the production variables (no DJANGO_* leaking in from a
# shell or from .env defaults of other settings modules).
env -i PATH="$VENV/bin:/usr/bin:/bin" HOME="${HOME:-/tmp}" \
  DJANGO_SETTINGS_MODULE=kcc.settings.prod \
  DJANGO_SECRET_KEY="runtime-lock-$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')" \
  DJANGO_ALLOWED_HOSTS=kcc.example.nl \
  DATABASE_URL="${RUNTIME_CHECK_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kcc}" \
  REDIS_URL="${RUNTIME_CHECK_REDIS_URL:-redis://127.0.0.1:6379/0}" \
  "$VENV/bin/python" manage.py check --deploy --fail-level WARNING
echo "runtime lock: OK"
