"""Benchmark: the callback department queue and "mijn terugbelverzoeken" with 200,000 callbacks.

    .venv/bin/python bench/callbacks.py [--requests 60] [--rows 200000] [--reseed] [--fresh]

Seeds (once) into PostgreSQL database `kcc_bench_callbacks` (created if missing; override with
BENCH_DATABASE_URL) with INSERT ... SELECT generate_series, then measures server time through
Django's test client (middleware, session, view, template: everything but the network) and the
query count per page, and compares with the bare SQL the page needs (its own reads of the callbacks table, as Django
sent them, re-run on a raw cursor in the same run). Prints a Markdown table for
docs/performance.md ("Callbacks").
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "kcc_bench_callbacks"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcc.settings.test")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def ensure_database(url: str, *, fresh: bool = False) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(rows: int, *, reseed: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from callbacks.models import CallbackRequest
    from kcc.core import demo as core_demo
    from kcc.core.models import Customer, Department, Membership

    call_command("migrate", verbosity=0)
    if reseed:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE callbacks_callbackrequest CASCADE")
    if not Department.objects.exists():
        core_demo.seed(lambda msg: None)
    have = CallbackRequest.objects.count()
    if have >= rows:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE callbacks_callbackrequest")
        print(f"seed: {have} callbacks present")
        return
    t0 = time.perf_counter()
    departments = list(Department.objects.filter(is_kcc=False).order_by("pk"))
    workers = []
    for d in departments:
        username = "backoffice" if d.code == "belastingen" else f"bo-{d.code}"
        m = Membership.objects.filter(department=d, user__username=username).first() or Membership.objects.filter(department=d).first()
        workers.append(m.user_id)
    agent_id = Membership.objects.filter(role="agent").values_list("user_id", flat=True).first()
    cmin = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
    ccount = Customer.objects.count()
    n = rows - have
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.42)")
        cur.execute(
            """
            WITH s AS (
                SELECT g, random() AS r1, random() AS r2, random() AS r3,
                       now() - random() * interval '365 days' AS created
                FROM generate_series(1, %(n)s) AS g
            ), t AS (
                SELECT s.*, 1 + (g %% %(ndeps)s) AS d,
                       CASE
                         WHEN created > now() - interval '12 days' AND r3 < 0.30 THEN 'open'
                         WHEN created > now() - interval '12 days' AND r3 < 0.60 THEN 'claimed'
                         WHEN r3 < 0.88 THEN 'done'
                         WHEN r3 < 0.97 THEN 'unreachable'
                         ELSE 'cancelled'
                       END AS st
                FROM s
            )
            INSERT INTO callbacks_callbackrequest (
                customer_id, caller_name, phone, question, target_department_id, assigned_to_id, priority,
                time_window, note, deadline, status, claimed_by_id, claimed_at, closed_at, closed_by_id,
                closed_on_time, outcome, failed_attempts, created_by_id, created_at, updated_at)
            SELECT
                CASE WHEN r1 < 0.2 THEN NULL ELSE %(cmin)s + floor(r2 * %(ccount)s)::bigint END,
                CASE WHEN r1 < 0.2 THEN 'Anonieme beller ' || g ELSE '' END,
                '+3161' || lpad((g %% 10000000)::text, 7, '0'),
                'Vraag ' || g || ' over de aanslag, de WOZ-waarde en een betalingsregeling',
                (%(deps)s::bigint[])[d],
                CASE WHEN st IN ('claimed', 'done', 'unreachable') OR r2 < 0.1 THEN (%(workers)s::bigint[])[d] END,
                CASE WHEN r1 > 0.9 THEN 'high' ELSE 'normal' END,
                'anytime', '',
                (created + ((2 + (g %% 3)) || ' days')::interval)::date,
                st,
                CASE WHEN st IN ('claimed', 'done', 'unreachable') THEN (%(workers)s::bigint[])[d] END,
                CASE WHEN st IN ('claimed', 'done', 'unreachable') THEN created + interval '1 hour' END,
                CASE WHEN st IN ('done', 'unreachable', 'cancelled') THEN created + (r2 * interval '5 days') END,
                CASE WHEN st IN ('done', 'unreachable') THEN (%(workers)s::bigint[])[d] END,
                CASE WHEN st IN ('done', 'unreachable') THEN r2 < 0.6 END,
                '', CASE WHEN st = 'unreachable' THEN 3 ELSE 0 END,
                %(agent)s, created, created
            FROM t
            """,
            {"n": n, "ndeps": len(departments), "cmin": cmin, "ccount": ccount, "deps": [d.pk for d in departments], "workers": workers, "agent": agent_id},
        )
    # Index-only scans need the visibility map: what autovacuum does for a live database.
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE callbacks_callbackrequest")
    print(f"seed: {n} callbacks inserted in {time.perf_counter() - t0:.1f} s")


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    f, c = int(k), min(int(k) + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def measure_page(client, url, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        assert client.get(url).status_code == 200
    times, cpu, counts = [], [], set()
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.add(len(ctx.captured_queries))
    # The bare SQL the page needs: its own reads of the callbacks table (count + page of rows
    # with joins, or the overview's aggregates), exactly as Django sent them.
    data_sql = [q["sql"] for q in ctx.captured_queries if "callbacks_callbackrequest" in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")]
    return times, cpu, counts, data_sql


def measure_sql(statements, n):
    """Run the page's data queries on a raw cursor: no ORM, no model instances, no template."""
    from django.db import connection

    times = []
    with connection.cursor() as cur:
        for _ in range(5):
            for sql in statements:
                cur.execute(sql)
                cur.fetchall()
        for _ in range(n):
            t0 = time.perf_counter()
            for sql in statements:
                cur.execute(sql)
                cur.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--reseed", action="store_true", help="delete and re-insert the callbacks")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database (e.g. after migrations were rewritten)")
    args = parser.parse_args()

    if "BENCH_DATABASE_URL" not in os.environ:
        ensure_database(DEFAULT_URL, fresh=args.fresh)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from callbacks.models import CallbackRequest
    from kcc.core.models import Department

    seed(args.rows, reseed=args.reseed)
    User = get_user_model()
    total = CallbackRequest.objects.count()
    belastingen = Department.objects.get(code="belastingen")
    backoffice = User.objects.get(username="backoffice")
    teamlead = User.objects.get(username="teamleider")
    active = ("open", "claimed")
    dept_active = CallbackRequest.objects.filter(target_department=belastingen, status__in=active).count()
    mine_active = CallbackRequest.objects.filter(status__in=active).filter(claimed_by=backoffice).count() + CallbackRequest.objects.filter(status__in=active, assigned_to=backoffice, claimed_by__isnull=True).count()
    print(f"data: {total} callbacks; Belastingen active {dept_active}; 'mijn' of {backoffice.username}: {mine_active} active")

    cases = [
        ("department queue (back office, default: still to call)", backoffice, "/terugbellen/"),
        ("department queue, page 4", backoffice, "/terugbellen/?page=4"),
        ("department queue, overdue only", backoffice, "/terugbellen/?overdue=yes"),
        ("department queue, all statuses, page 10", backoffice, "/terugbellen/?status=all&page=10"),
        ("mijn terugbelverzoeken", backoffice, "/terugbellen/mijn/"),
        ("team lead, all departments", teamlead, "/terugbellen/"),
        ("team lead, one department, all statuses", teamlead, f"/terugbellen/?status=all&department={belastingen.pk}"),
        ("overview per department (90 days)", teamlead, "/terugbellen/per-afdeling/?periode=90"),
    ]
    print()
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} at start (the server time includes waiting for the CPU)")
    print()
    print(f"| page ({total:,} callbacks) | p50 ms | p95 ms | Python CPU p50 ms | queries | bare SQL p50 ms | page / SQL |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    failed = False
    for label, user, url in cases:
        client = Client()
        client.force_login(user)
        times, cpu, counts, data_sql = measure_page(client, url, args.requests)
        p50, p95 = percentile(times, 50), percentile(times, 95)
        queries = "/".join(str(c) for c in sorted(counts))
        sql_p50 = percentile(measure_sql(data_sql, args.requests), 50)
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {percentile(cpu, 50):.1f} | {queries} | {sql_p50:.2f} | {p50 / sql_p50:.1f}x |")
        if len(counts) != 1 or p95 >= 100:
            failed = True
    print()
    print("FAIL: a list page is over 100 ms p95 or its query count varies" if failed else "OK: every list page p95 < 100 ms with a fixed query count")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
