#!/usr/bin/env bash
# Smoke check of the `make run` path on the embedded default (SQLite, no Redis): boot web,
# worker and beat exactly as a newcomer would, then log in as each role and fetch every page
# in its navigation. Uses the checkout's var/ (fresh in CI's new clone: first-run path).
# KCC_ORGANISATION_KIND=woningcorporatie smokes the housing-corporation profile (its own
# database var/db-woningcorporatie.sqlite3, and smoke.py checks its words).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${SMOKE_PORT:-8765}
LOG=$(mktemp -t kcc-smoke.XXXXXX.log)
# The embedded default: no DATABASE_URL / REDIS_URL from the environment.
unset DATABASE_URL REDIS_URL
export KCC_PORT=$PORT KCC_HOST=127.0.0.1

setsid make run >"$LOG" 2>&1 &
PID=$!
cleanup() {
  kill -TERM -- -"$PID" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- -"$PID" 2>/dev/null || true
}
trap cleanup EXIT

echo "smoke: waiting for make run on port $PORT, profile ${KCC_ORGANISATION_KIND:-gemeente} (log: $LOG)"
for i in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$PORT/health/" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$PID" 2>/dev/null; then echo "smoke: make run exited early:"; tail -50 "$LOG"; exit 1; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/health/" >/dev/null || { echo "smoke: server did not come up"; tail -50 "$LOG"; exit 1; }

status=0
.venv/bin/python bin/smoke.py "http://127.0.0.1:$PORT" || status=1

# Worker and beat must be running alongside the web server.
for proc in "worker" "beat"; do
  if ! grep -qE "^[0-9:]+ $proc\.1 +\| " "$LOG"; then echo "smoke: no output from $proc"; status=1; fi
done
grep -qE "worker\.1 +\| .*ready" "$LOG" || { echo "smoke: worker never became ready"; status=1; }
if grep -qE "Traceback" "$LOG"; then echo "smoke: a traceback was logged:"; grep -n -A15 Traceback "$LOG" | head -60; status=1; fi
[ $status -eq 0 ] && echo "smoke: OK" || tail -80 "$LOG"
exit $status
