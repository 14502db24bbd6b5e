#!/usr/bin/env python3
"""Benchmark: the quality of transfer advice (channels/advice.py), replayed from history.

    .venv/bin/python bench/advice.py              # demo database (seeded once), plus kcc_bench_desk if it exists
    .venv/bin/python bench/advice.py --reseed     # drop the demo bench database and seed it again
    .venv/bin/python bench/advice.py --limit 500  # only the last 500 transfers of each database

For every transferred contact, in time order, the advice is computed from what was known
*before* the transfer (``transfer_advice(at=transfer time)``: earlier transfers only, and a
"niet voor ons" mark only when it was made before). It is compared with where the contact
should have gone: the receiving department, unless that department marked it "niet voor ons",
then the department it named. Printed beside it: the naive baseline, the topic department
alone; the top-3 hit rate; both again for the misrouted transfers only; and the time per advice.

Databases:
* ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/kcc_bench_advice): seeded
  once with the demo (core, knowledge base with its department guides, 90 days of contacts
  whose transfers include the systematic confusions of channels/demo.py);
* ``kcc_bench_desk`` (bench/desk.py's database) when it exists: read only, never migrated or
  seeded here. Each database is replayed in a child process (Django has one default database).

The figures and how to read them: docs/performance.md, "Transfer advice".
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kcc_bench_advice")
DESK_URL = os.environ.get("BENCH_DESK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kcc_bench_desk")


def _admin(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def database_exists(url: str) -> bool:
    import psycopg

    with psycopg.connect(_admin(url), autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [url.rsplit("/", 1)[1]]).fetchone())


def ensure_database(url: str, *, reseed: bool) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(_admin(url), autocommit=True) as conn:
        if reseed:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kcc.settings.test"
    import django

    django.setup()


def seed_demo() -> None:
    """Migrate and seed the demo once: what the advice needs (departments, guides, articles,
    90 days of contacts with their transfers)."""
    from django.core.management import call_command
    from faker import Faker

    from channels import demo as channels_demo
    from channels.models import Transfer
    from kcc.core import demo as core_demo
    from knowledgebase import demo as kb_demo

    call_command("migrate", verbosity=0)
    if Transfer.objects.exists():
        return
    quiet = lambda *_a: None  # noqa: E731
    Faker.seed(7)
    core_demo.seed(quiet)
    kb_demo.seed(quiet)
    channels_demo.seed(quiet)


def replay(limit: int | None) -> dict:
    """Replay the transfers in time order; return the figures (JSON-able)."""
    from django.db import connection

    from channels.advice import naive_advice, transfer_advice
    from channels.knowledge_panel import contact_question_text
    from channels.models import Transfer

    # Only the columns the replay needs: kcc_bench_desk may be at an older migration.
    transfers = Transfer.objects.select_related("contact").only(
        "created_at", "to_department_id", "correct_department_id", "not_for_us_at",
        "contact__channel", "contact__subject", "contact__question", "contact__topic_department_id",
    ).order_by("created_at", "pk")
    total = transfers.count()
    if limit:
        transfers = transfers[max(0, total - limit):]
    n = hit = hit3 = base = mis = mis_hit = mis_base = no_advice = 0
    took = []
    for t in transfers.iterator(chunk_size=500):
        contact = t.contact
        should = t.correct_department_id if t.not_for_us_at is not None else t.to_department_id
        started = time.perf_counter()
        advice = transfer_advice(text=contact_question_text(contact), topic_department_id=contact.topic_department_id, contact=contact, at=t.created_at)
        took.append((time.perf_counter() - started) * 1000)
        advised = [a.department.pk for a in advice]
        n += 1
        no_advice += not advised
        hit += bool(advised) and advised[0] == should
        hit3 += should in advised
        base += naive_advice(contact.topic_department_id) == should
        if t.not_for_us_at is not None:
            mis += 1
            mis_hit += bool(advised) and advised[0] == should
            mis_base += naive_advice(contact.topic_department_id) == should
    took.sort()
    return {
        "database": connection.settings_dict["NAME"],
        "transfers": n, "hit": hit, "hit3": hit3, "baseline": base, "no_advice": no_advice,
        "misrouted": mis, "misrouted_hit": mis_hit, "misrouted_baseline": mis_base,
        "ms_p50": statistics.median(took) if took else 0.0,
        "ms_p95": took[int(len(took) * 0.95) - 1] if len(took) >= 20 else (took[-1] if took else 0.0),
    }


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "—"


def report(r: dict) -> None:
    print(f"\n{r['database']}: {r['transfers']} transfers replayed in time order")
    if not r["transfers"]:
        print("  no transfers: nothing to measure")
        return
    print(f"  advice (top 1)        {_pct(r['hit'], r['transfers']):>7}  ({r['hit']}/{r['transfers']})")
    print(f"  baseline: topic dept  {_pct(r['baseline'], r['transfers']):>7}  ({r['baseline']}/{r['transfers']})")
    print(f"  advice in top 3       {_pct(r['hit3'], r['transfers']):>7}")
    print(f"  no advice at all      {_pct(r['no_advice'], r['transfers']):>7}")
    print(f"  misrouted only: advice {_pct(r['misrouted_hit'], r['misrouted'])}, baseline {_pct(r['misrouted_baseline'], r['misrouted'])} ({r['misrouted']} transfers)")
    print(f"  time per advice: p50 {r['ms_p50']:.1f} ms, p95 {r['ms_p95']:.1f} ms")


def child(url: str, limit: int | None, seed: bool) -> None:
    _setup_django(url)
    if seed:
        seed_demo()
    print(json.dumps(replay(limit)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--limit", type=int, default=None, help="only the last N transfers of each database")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.limit, args.seed)
        return 0
    ensure_database(DEMO_URL, reseed=args.reseed)
    runs = [(DEMO_URL, True)]
    if database_exists(DESK_URL):
        runs.append((DESK_URL, False))
    else:
        print(f"{DESK_URL.rsplit('/', 1)[1]} does not exist: only the demo is replayed")
    for url, seed in runs:
        cmd = [sys.executable, __file__, "--child", url, *(["--seed"] if seed else []), *(["--limit", str(args.limit)] if args.limit else [])]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            print(f"{url.rsplit('/', 1)[1]}: failed\n{done.stderr[-2000:]}")
            continue
        report(json.loads(done.stdout.strip().splitlines()[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
