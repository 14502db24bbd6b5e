#!/usr/bin/env python3
"""Fail fast, with a clear message, when the test PostgreSQL or Redis is unreachable."""

import sys
from urllib.parse import urlparse


def main(db_url: str, redis_url: str) -> int:
    ok = True
    try:
        import psycopg

        u = urlparse(db_url)
        with psycopg.connect(
            host=u.hostname or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
            password=u.password or None, dbname="postgres", connect_timeout=5,
        ) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001
        ok = False
        print(f"ERROR: PostgreSQL unreachable at {db_url}: {exc}", file=sys.stderr)
        print("  Start it, or set TEST_DATABASE_URL. Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", file=sys.stderr)
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except Exception as exc:  # noqa: BLE001
        ok = False
        print(f"ERROR: Redis unreachable at {redis_url}: {exc}", file=sys.stderr)
        print('  Start it, or set TEST_REDIS_URL. Debian: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no', file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
