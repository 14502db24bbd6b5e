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

3. At scale (--scale [--minutes 5]): the backfill on a copy of the desk bench data
   (`kcc_bench_desk`: 200,000 customers, 1,000,000 contacts, seeded by bench/desk.py), never on
   that database itself: the copy `kcc_bench_openklant_scale` (BENCH_SCALE_DATABASE_URL) is made
   once with `createdb -T kcc_bench_desk` and migrated. Per kind (customers, then contacts) it
   runs `manage.py openklant_backfill --kind K` as its own process against the double (in this
   process), interrupts it with SIGINT halfway through the kind's share of the time, resumes it,
   interrupts it again, and prints objects/s per run (from the outbox's send times), the resume
   check (no object twice in the double, every object up to the cursor sent once) and the
   extrapolated duration of the full backfill. --keep continues from the previous --scale run
   instead of emptying the sync tables. Also prints the plan of the backfill's batch query at the
   middle of the contacts (keyset: an index range, no OFFSET, no sort).

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


SCALE_DB = "kcc_bench_openklant_scale"
SCALE_TEMPLATE = "kcc_bench_desk"


def scale_database() -> str:
    """The copy of the desk bench data (made once; the template's rows are never touched)."""
    import psycopg

    url = os.environ.get("BENCH_SCALE_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{SCALE_DB}")
    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"copying {SCALE_TEMPLATE} to {name} (createdb -T) …", flush=True)
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{SCALE_TEMPLATE}"')
    return url


def _run_backfill(double, kind: str, seconds: float, log, workers: int = 1) -> dict:
    """One `manage.py openklant_backfill --kind K` process, interrupted with SIGINT after
    ``seconds`` (or finished by itself); its sent items counted from the outbox."""
    import signal

    from django.utils import timezone

    from kcc.openklant.constants import SyncStatus
    from kcc.openklant.models import SyncItem

    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "kcc.settings.test", "KCC_OPENKLANT_URL": double.url,
        "KCC_OPENKLANT_TOKEN": double.token, "KCC_OPENKLANT_TIMEOUT": "10",
    }
    started = timezone.now()
    # Several processes share the kind's cursor (its row lock hands out disjoint batches).
    command = [sys.executable, "manage.py", "openklant_backfill", "--kind", kind, "--batch", "100" if workers > 1 else "500"]
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log) for _ in range(workers)]
    deadline = time.monotonic() + seconds
    interrupted = False
    for proc in procs:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            interrupted = True
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        proc.wait(60)
    sent = SyncItem.objects.filter(kind=kind, status=SyncStatus.SENT, sent_at__gte=started)
    times = sorted(sent.values_list("sent_at", flat=True))
    span = (times[-1] - times[0]).total_seconds() if len(times) > 1 else 0.0
    rc = ",".join(str(p.returncode) for p in procs)
    return {"kind": kind, "sent": len(times), "span": span, "rate": len(times) / span if span else 0.0, "interrupted": interrupted, "rc": rc}


def _explain_batch() -> list[str]:
    from django.db import connection

    from kcc.openklant.backfill import QUERYSETS
    from kcc.openklant.constants import SyncKind

    qs = QUERYSETS[SyncKind.CONTACT]()
    middle = qs.order_by("pk").values_list("pk", flat=True)[qs.count() // 2]
    sql, params = QUERYSETS[SyncKind.CONTACT]().filter(pk__gt=middle).order_by("pk").values_list("pk", flat=True)[:500].query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [r[0] for r in cur.fetchall()]


def _resume_check(double) -> list[str]:
    """Nothing twice in the register, everything up to each cursor sent."""
    from collections import Counter

    from kcc.openklant.backfill import QUERYSETS
    from kcc.openklant.constants import SyncKind, SyncStatus
    from kcc.openklant.models import BackfillCursor, RemoteObject, SyncItem

    problems = []
    for collection, field in (("partijen", "nummer"), ("klantcontacten", "referentienummer")):
        dup = [v for v, n in Counter(o.get(field) for o in double.store[collection].values()).items() if n > 1]
        if dup:
            problems.append(f"{len(dup)} {collection} twice by {field}")
    for collection, prefix in (("partijen", "partij:customer:"), ("klantcontacten", "klantcontact:contact:")):
        mapped = RemoteObject.objects.filter(key__startswith=prefix).count()
        if mapped != double.count(collection):
            problems.append(f"{collection}: {double.count(collection)} in the double, {mapped} mapped locally")
    for kind in (SyncKind.CUSTOMER, SyncKind.CONTACT):
        cursor = BackfillCursor.objects.filter(kind=kind).values_list("last_id", flat=True).first() or 0
        expected = QUERYSETS[kind]().filter(pk__lte=cursor).count()
        sent = SyncItem.objects.filter(kind=kind, status=SyncStatus.SENT).values("object_id").distinct().count()
        pending = SyncItem.objects.filter(kind=kind, status=SyncStatus.PENDING).count()
        failed = SyncItem.objects.filter(kind=kind, status=SyncStatus.FAILED).count()
        if sent + pending != expected or failed:
            problems.append(f"{kind}: up to the cursor {expected}, sent {sent}, pending {pending}, failed {failed}")
    return problems


def scale(minutes: float, keep: bool, workers: int) -> int:
    import django

    os.environ["DATABASE_URL"] = scale_database()
    django.setup()
    from django.core.management import call_command

    from kcc.openklant.backfill import QUERYSETS
    from kcc.openklant.constants import SyncKind
    from kcc.openklant.doubles import KlantinteractiesDouble
    from kcc.openklant.models import RemoteObject

    call_command("migrate", verbosity=0)
    if not keep or not RemoteObject.objects.exists():
        reset_sync()
    sizes = {kind: QUERYSETS[kind]().count() for kind in QUERYSETS}
    print("objects to send:", ", ".join(f"{k} {n}" for k, n in sizes.items()), flush=True)
    print("batch query at the middle of the contacts:\n  " + "\n  ".join(_explain_batch()), flush=True)
    double = KlantinteractiesDouble(host="127.0.0.1").start()
    runs = []
    try:
        with open(ROOT / "bench" / "openklant-scale.log", "w") as log:
            for kind, share in ((SyncKind.CUSTOMER, 0.4), (SyncKind.CONTACT, 0.6)):
                for _ in range(2):  # run, interrupt; resume, interrupt
                    runs.append(_run_backfill(double, kind, minutes * 60 * share / 2, log, workers))
                    r = runs[-1]
                    print(f"{kind}: {r['sent']} sent in {r['span']:.0f} s = {r['rate']:.1f}/s (interrupted: {r['interrupted']}, exit {r['rc']})", flush=True)
        problems = _resume_check(double)
        print("resume check:", "OK (nothing twice in the double, every object up to the cursor sent or pending once)" if not problems else problems)
        print("double: " + ", ".join(f"{c} {double.count(c)}" for c in ("partijen", "partij-identificatoren", "digitaleadressen", "klantcontacten", "betrokkenen", "actoren", "actorklantcontacten")))
        if double.violations:
            print("contract violations:", double.violations[:3])
        rate = {k: statistics.mean(r["rate"] for r in runs if r["kind"] == k and r["rate"]) for k in (SyncKind.CUSTOMER, SyncKind.CONTACT)}
        total = sizes[SyncKind.CUSTOMER] / rate[SyncKind.CUSTOMER] + sizes[SyncKind.CONTACT] / rate[SyncKind.CONTACT]
        print(f"extrapolated (linear, from the rates above) full backfill of {sizes[SyncKind.CUSTOMER]} customers and "
              f"{sizes[SyncKind.CONTACT]} contacts: {total / 3600:.1f} h")
    finally:
        double.stop()
    return 1 if problems or double.violations else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--lag", type=int, default=0)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--scale", action="store_true", help="the backfill on a copy of the desk bench data (see above)")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--keep", action="store_true", help="with --scale: continue after the previous run")
    parser.add_argument("--workers", type=int, default=1, help="with --scale: backfill processes per kind")
    args = parser.parse_args()
    if args.scale:
        return scale(args.minutes, args.keep, args.workers)
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
