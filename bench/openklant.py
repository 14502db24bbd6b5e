#!/usr/bin/env python3
"""Benchmark: the Open Klant sync against the loopback Klantinteracties double.

    .venv/bin/python bench/openklant.py [--customers 2000] [--contacts 10000] [--lag 100] [--reseed]

1. Backfill throughput: seeds (once, bulk inserts: no outbox rows) customers with one phone
   number each and closed phone contacts spread over them into PostgreSQL database
   `kcc_bench_openklant` (BENCH_DATABASE_URL), empties the sync tables and the double, runs
   `kcc.openklant.backfill.backfill_run` in this process and prints objects/s and requests/s
   per kind. The double runs in this process too (threads, one GIL), validating every request
   and response with openapi-core: its CPU counts against the figure, as a real register's
   would not.
2. Incremental lag (with --lag N): starts a real Celery worker (Redis, REDIS_URL), then saves N
   customers one at a time (each commit queues its outbox row) and records the time from commit
   until the party is in the double. Prints p50/p95/max.

Figures and their reading: docs/performance.md, "Open Klant".
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "kcc_bench_openklant"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcc.settings.test")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def ensure_database(url: str, *, fresh: bool) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(customers: int, contacts: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from channels.constants import Channel, ContactStatus, Outcome
    from channels.models import Contact
    from kcc.core.constants import AddressKind
    from kcc.core.models import Customer, DigitalAddress

    call_command("migrate", verbosity=0)
    have = Customer.objects.count()
    if have < customers:
        t0 = time.perf_counter()
        batch = [Customer(first_name="Bench", last_name=f"Inwoner {i}", name_folded=f"bench inwoner {i}") for i in range(have, customers)]
        made = Customer.objects.bulk_create(batch, batch_size=2000)
        DigitalAddress.objects.bulk_create(
            [DigitalAddress(customer=c, kind=AddressKind.PHONE, value=f"+3161{c.pk:07d}"[:12], is_default=True) for c in made], batch_size=2000,
        )
        print(f"seed: {len(made)} customers in {time.perf_counter() - t0:.1f} s")
    have = Contact.objects.filter(status=ContactStatus.CLOSED).count()
    if have < contacts:
        t0 = time.perf_counter()
        ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:customers])
        now = timezone.now()
        Contact.objects.bulk_create([
            Contact(channel=Channel.PHONE, customer_id=ids[i % len(ids)], subject=f"Vraag {i}", question="Vraag over de afvalpas",
                    status=ContactStatus.CLOSED, outcome=Outcome.RESOLVED, started_at=now, answered_at=now, ended_at=now)
            for i in range(have, contacts)
        ], batch_size=2000)
        print(f"seed: {contacts - have} contacts in {time.perf_counter() - t0:.1f} s")


def reset_sync():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE openklant_syncitem, openklant_remoteobject, openklant_backfillcursor")


def backfill(double) -> None:
    from django.conf import settings

    from kcc.openklant.backfill import backfill_run
    from kcc.openklant.constants import SyncKind

    settings.KCC_OPENKLANT_URL, settings.KCC_OPENKLANT_TOKEN = double.url, double.token
    for kind in (SyncKind.CUSTOMER, SyncKind.CONTACT):
        before = len(double.requests)
        t0 = time.perf_counter()
        counts = backfill_run(kinds=[kind], batch=500)
        elapsed = time.perf_counter() - t0
        done = sum(counts.values())
        reqs = len(double.requests) - before
        print(f"| {kind} | {done} | {elapsed:.1f} s | {done / elapsed:.0f} objects/s | {reqs / elapsed:.0f} requests/s | {reqs / max(1, done):.1f} requests/object |")
        double.requests.clear()
    assert double.violations == [], double.violations[:3]


def lag(double, n: int) -> None:
    from django.conf import settings
    from django.db import transaction

    from kcc.celery import app
    from kcc.core.models import Customer

    app.conf.task_always_eager = False
    settings.KCC_OPENKLANT_URL, settings.KCC_OPENKLANT_TOKEN = double.url, double.token
    env = {**os.environ, "KCC_OPENKLANT_URL": double.url, "KCC_OPENKLANT_TOKEN": double.token, "DJANGO_SETTINGS_MODULE": "kcc.settings.dev"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kcc", "worker", "-P", "threads", "-c", "4", "-l", "warning", "-Q", "celery"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(8)  # worker start-up
        lags = []
        for i in range(n):
            with transaction.atomic():
                c = Customer.objects.create(first_name="Lag", last_name=f"Meting {i}")
            committed = time.perf_counter()
            nummer = f"K{c.pk:09d}"
            while not any(p.get("nummer") == nummer for p in list(double.store["partijen"].values())):
                if time.perf_counter() - committed > 30:
                    break
                time.sleep(0.005)
            lags.append(time.perf_counter() - committed)
            time.sleep(0.05)
        lags.sort()
        p95 = lags[int(0.95 * (len(lags) - 1))]
        print(f"lag commit -> register over {n} customers: p50 {statistics.median(lags) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {lags[-1] * 1000:.0f} ms")
    finally:
        worker.terminate()
        worker.wait(20)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--lag", type=int, default=0)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"], fresh=args.reseed)
    import django

    django.setup()
    from kcc.openklant.doubles import KlantinteractiesDouble

    seed(args.customers, args.contacts)
    reset_sync()
    double = KlantinteractiesDouble(host="127.0.0.1").start()
    try:
        print("| kind | objects | time | throughput | requests/s | requests per object |")
        print("|---|---|---|---|---|---|")
        backfill(double)
        if args.lag:
            lag(double, args.lag)
    finally:
        double.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
