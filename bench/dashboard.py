"""Dashboard benchmark: metric jobs and the dashboard page at 1,000,000 contacts and 200,000
callback requests.

    .venv/bin/python bench/dashboard.py [--contacts N] [--callbacks N] [--reseed] [--runs N]

Seeds PostgreSQL database `kcc_bench_dashboard` (created if missing; seeding with
INSERT ... SELECT generate_series, reused on later runs unless --reseed), then measures in one run:

1. the full rebuild (`metrics_rebuild`) against the single bare SQL GROUP BY statements that
   compute the same figures (contact, transfer and callback facts), materialised with
   CREATE TEMP TABLE ... AS so that both sides write their result. Target: within 2x. The
   contact statement comes twice: the EXISTS twin (the 7-day repeat check as a correlated EXISTS
   per FCR contact, as the definition and the drill-down state it, and as the job did it until
   December 2026) and the minimal single pass (one sort, window functions: the job's method now,
   per chunk), whose result is checked row for row against the EXISTS twin. Target: the rebuild
   within 3x of the single pass.
2. an incremental run after 1,000 new contacts. Target: < 1 s.
3. the dashboard pages (server time through Django's test client) against the bare SQL they
   run (the same statements replayed on a raw cursor). Target: p95 < 150 ms for the KCC view.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "kcc_bench_dashboard"
BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
os.environ["DATABASE_URL"] = f"{BASE_URL}/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcc.settings.test")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


ensure_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from kcc.core.constants import Role  # noqa: E402
from kcc.core.models import Department, Membership  # noqa: E402
from kcc.dashboard import services  # noqa: E402
from kcc.dashboard.constants import ACW_BUCKET_EDGES, HANDLE_BUCKET_EDGES, REASON_KEYWORDS  # noqa: E402
from kcc.dashboard.models import CallbackFact, ContactFact, JobState, TransferFact  # noqa: E402

DAYS = 730
AGENTS = 40
CUSTOMERS = 200_000


def sql(statement: str, params=None):
    """Run one statement on the raw cursor (without params: no placeholder processing)."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def filler(table: str, given: set[str]) -> tuple[str, str]:
    """Columns (and values) for the NOT NULL columns without a default that the seed does not
    set itself, so the seed keeps working when an app adds a column."""
    rows = sql(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL",
        [table],
    )
    values = {"uuid": "gen_random_uuid()", "boolean": "false", "jsonb": "'{}'::jsonb", "json": "'{}'::json", "date": "CURRENT_DATE"}
    cols, vals = [], []
    for name, data_type in rows:
        if name in given or name == "id":
            continue
        cols.append(name)
        if data_type in values:
            vals.append(values[data_type])
        elif "timestamp" in data_type:
            vals.append("now()")
        elif data_type in ("integer", "bigint", "smallint", "numeric", "double precision", "real"):
            vals.append("0")
        else:
            vals.append("''")
    return "".join(f", {c}" for c in cols), "".join(f", {v}" for v in vals)


def seed(n_contacts: int, n_callbacks: int) -> None:
    from django.contrib.auth import get_user_model

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    for table in ("dashboard_contactfact", "dashboard_transferfact", "dashboard_callbackfact", "dashboard_jobstate",
                  "callbacks_callbackactivity", "callbacks_callbackattempt", "callbacks_callbackrequest", "inbox_transfer", "inbox_contactarticle",
                  "inbox_message", "inbox_contact"):
        sql(f"TRUNCATE {table} CASCADE")
    departments = [Department.objects.get_or_create(code=f"dep{i}", defaults={"name": f"Afdeling {i}", "is_kcc": i == 0})[0] for i in range(11)]
    User = get_user_model()
    agents = []
    for i in range(AGENTS):
        user, _ = User.objects.get_or_create(username=f"bench-agent{i}", defaults={"first_name": "Agent", "last_name": str(i)})
        Membership.objects.get_or_create(user=user, department=departments[0], role=Role.AGENT)
        agents.append(user.pk)
    lead, _ = User.objects.get_or_create(username="bench-teamlead", defaults={"first_name": "Team", "last_name": "Lead"})
    Membership.objects.get_or_create(user=lead, department=departments[0], role=Role.TEAMLEAD)
    manager, _ = User.objects.get_or_create(username="bench-manager", defaults={"first_name": "Afdelings", "last_name": "Manager"})
    Membership.objects.get_or_create(user=manager, department=departments[1], role=Role.MANAGER)
    dep_ids = [d.pk for d in departments[1:]]

    existing = sql("SELECT count(*) FROM core_customer")[0][0]
    if existing < CUSTOMERS:
        cols, vals = filler("core_customer", {"first_name", "last_name", "name_folded", "created_at", "updated_at"})
        sql(f"""INSERT INTO core_customer (first_name, last_name, name_folded, created_at, updated_at{cols})
                SELECT 'Inwoner', 'Bench' || g, 'inwoner bench' || g, now(), now(){vals} FROM generate_series(1, {CUSTOMERS - existing}) g""")
    cmin, cmax = sql("SELECT min(id), max(id) FROM core_customer")[0]

    sql("SELECT setseed(0.42)")
    cols, vals = filler("inbox_contact", {
        "channel", "direction", "subject", "question", "notes", "status", "started_at", "answered_at", "ended_at", "outcome",
        "conversation_key", "customer_id", "topic_department_id", "assigned_to_id", "closed_by_id", "created_at", "updated_at",
        "conversation_ended_at",
    })
    # Business hours over the last DAYS days; 97% closed; outcomes in realistic shares.
    sql(f"""
        WITH r AS (
          SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7,
                 date_trunc('day', now() AT TIME ZONE 'Europe/Amsterdam') - (floor(random() * {DAYS}) || ' days')::interval
                   + ((8 * 3600 + floor(random() * 9 * 3600)) || ' seconds')::interval AS local_start
          FROM generate_series(1, {n_contacts}) g
        ), c AS (
          SELECT g, r1, r2, r3, r4, r5, r6, r7, (local_start AT TIME ZONE 'Europe/Amsterdam') AS started,
                 (ARRAY{agents})[1 + floor(r4 * {len(agents)})::int] AS agent,
                 CASE WHEN r1 < 0.97 THEN 'closed' ELSE 'open' END AS status
          FROM r
        )
        INSERT INTO inbox_contact (channel, direction, subject, question, notes, status, started_at, answered_at, ended_at, outcome,
                                   conversation_key, customer_id, topic_department_id, assigned_to_id, closed_by_id, created_at, updated_at,
                                   conversation_ended_at{cols})
        SELECT (ARRAY['phone','phone','phone','phone','phone','email','email','whatsapp','webform','counter'])[1 + floor(r2 * 10)::int],
               CASE WHEN r6 < 0.97 THEN 'inbound' ELSE 'outbound' END,
               'Vraag ' || g, '', '', status, started,
               started + ((5 + floor(r3 * 120)) || ' seconds')::interval,
               CASE WHEN status = 'closed' THEN started + ((60 + floor(r5 * r5 * 1800)) || ' seconds')::interval END,
               CASE WHEN status <> 'closed' THEN ''
                    WHEN r2 < 0.55 THEN 'resolved' WHEN r2 < 0.70 THEN 'resolved_after_consult' WHEN r2 < 0.82 THEN 'transferred'
                    WHEN r2 < 0.90 THEN 'callback' WHEN r2 < 0.94 THEN 'referred' WHEN r2 < 0.97 THEN 'customer_will_call_back'
                    ELSE 'disconnected' END,
               gen_random_uuid(),
               CASE WHEN r3 < 0.8 THEN {cmin} + floor(r5 * ({cmax} - {cmin}))::bigint END,
               (ARRAY{dep_ids})[1 + floor(r7 * {len(dep_ids)})::int],
               agent, CASE WHEN status = 'closed' THEN agent END,
               started, started + interval '20 minutes',
               -- after-call work: 0-10 minutes (skewed short) before closing, for 90% of the closed contacts
               CASE WHEN status = 'closed' AND r6 < 0.90 THEN GREATEST(started, started + ((60 + floor(r5 * r5 * 1800)) || ' seconds')::interval
                                                                       - (floor(r1 * r3 * 600) || ' seconds')::interval) END{vals}
        FROM c
    """)
    cols, vals = filler("inbox_transfer", {"contact_id", "to_department_id", "reason", "created_at", "not_for_us_at", "correct_department_id", "not_for_us_note"})
    sql(f"""
        INSERT INTO inbox_transfer (contact_id, to_department_id, reason, created_at, not_for_us_at, correct_department_id, not_for_us_note{cols})
        SELECT c.id, c.topic_department_id,
               (ARRAY['Vraag over de aanslag','Klacht over behandeling','Afspraak maken','Wil een specialist spreken','Status van de aanvraag','Melding overlast','Onbekend'])[1 + (c.id % 7)::int],
               c.started_at + interval '5 minutes',
               CASE WHEN c.id % 5 = 0 THEN c.started_at + interval '2 hours' END,
               CASE WHEN c.id % 5 = 0 THEN (ARRAY{dep_ids})[1 + (c.id % {len(dep_ids)})::int] END, ''{vals}
        FROM inbox_contact c WHERE c.outcome = 'transferred' AND c.topic_department_id IS NOT NULL
    """)
    sql("SELECT setseed(0.24)")
    cols, vals = filler("callbacks_callbackrequest", {
        "caller_name", "phone", "question", "priority", "time_window", "note", "deadline", "status", "outcome", "failed_attempts",
        "created_at", "updated_at", "target_department_id", "closed_at",
    })
    # Old requests are all closed; open ones have a recent deadline (as in real life).
    sql(f"""
        WITH r AS (
          SELECT g, random() AS r1, random() AS r2, random() AS r3,
                 (CURRENT_DATE - floor(random() * {DAYS})::int + 3) AS deadline
          FROM generate_series(1, {n_callbacks}) g
        )
        INSERT INTO callbacks_callbackrequest (caller_name, phone, question, priority, time_window, note, deadline, status, outcome,
                                               failed_attempts, created_at, updated_at, target_department_id, closed_at{cols})
        SELECT 'Beller ' || g, '+31612345678', 'Vraag', 'normal', 'anytime', '', deadline,
               CASE WHEN deadline >= CURRENT_DATE - 2 AND r1 < 0.6 THEN 'open'
                    WHEN r1 < 0.85 THEN 'done' WHEN r1 < 0.95 THEN 'unreachable' ELSE 'cancelled' END,
               '', 0, deadline - 3, (deadline - 3)::timestamp + interval '10 hours',
               (ARRAY{dep_ids})[1 + floor(r2 * {len(dep_ids)})::int],
               CASE WHEN deadline >= CURRENT_DATE - 2 AND r1 < 0.6 THEN NULL
                    ELSE (deadline - 3 + floor(r3 * 5)::int)::timestamp + interval '14 hours' END{vals}
        FROM r
    """)
    sql("UPDATE callbacks_callbackrequest SET updated_at = closed_at WHERE closed_at IS NOT NULL")
    sql("VACUUM ANALYZE inbox_contact")
    sql("VACUUM ANALYZE inbox_transfer")
    sql("VACUUM ANALYZE callbacks_callbackrequest")
    print(f"seeded {n_contacts:,} contacts and {n_callbacks:,} callback requests in {time.perf_counter() - t0:.0f} s")


# The per-contact flags and durations every contact figure needs, as one lateral row.
CONTACT_FLAGS = """
CROSS JOIN LATERAL (SELECT c.status = 'closed' AND c.outcome NOT IN ('disconnected', '') AS base,
                           c.status = 'closed' AND c.outcome IN ('resolved', 'resolved_after_consult') AS fcr) b
LEFT JOIN (SELECT contact_id, count(*) AS n, count(not_for_us_at) AS m FROM inbox_transfer GROUP BY contact_id) t ON t.contact_id = c.id
CROSS JOIN LATERAL (SELECT CASE WHEN b.base AND c.ended_at >= c.answered_at
                                THEN round(extract(epoch FROM c.ended_at - c.answered_at))::integer END AS s,
                           CASE WHEN c.status = 'closed' AND c.ended_at >= c.conversation_ended_at
                                THEN round(extract(epoch FROM c.ended_at - c.conversation_ended_at))::integer END AS a) h
CROSS JOIN LATERAL (SELECT width_bucket(h.s, ARRAY[{edges}]::integer[]) - 1 AS hb,
                           width_bucket(h.a, ARRAY[{acw_edges}]::integer[]) - 1 AS ab) hb
"""

CONTACT_COLUMNS = """
       (c.started_at AT TIME ZONE 'Europe/Amsterdam')::date AS day, c.topic_department_id, c.channel,
       COALESCE(c.closed_by_id, c.assigned_to_id) AS agent,
       count(*) AS inbound,
       count(*) FILTER (WHERE c.status = 'closed') AS closed,
       count(*) FILTER (WHERE b.base) AS base,
       count(*) FILTER (WHERE c.status = 'closed' AND c.outcome = 'resolved') AS resolved,
       count(*) FILTER (WHERE c.status = 'closed' AND c.outcome = 'resolved_after_consult') AS resolved_after_consult,
       count(*) FILTER (WHERE c.status = 'closed' AND c.outcome = 'transferred') AS transferred,
       count(*) FILTER (WHERE c.status = 'closed' AND c.outcome = 'callback') AS callback,
       count(*) FILTER (WHERE c.status = 'closed' AND c.outcome = 'referred') AS referred,
       count(*) FILTER (WHERE c.status = 'closed' AND c.outcome = 'customer_will_call_back') AS customer_will_call_back,
       count(*) FILTER (WHERE c.status = 'closed' AND c.outcome = 'disconnected') AS disconnected,
       count(*) FILTER (WHERE b.fcr) AS fcr,
       count(*) FILTER (WHERE b.fcr AND NOT ({repeat})) AS fcr_adjusted,
       COALESCE(sum(t.n) FILTER (WHERE b.base), 0) AS transfers,
       COALESCE(sum(t.m) FILTER (WHERE b.base), 0) AS misroutes,
       count(h.s) AS handle_count, COALESCE(sum(h.s), 0) AS handle_sum, min(h.s) AS handle_min, max(h.s) AS handle_max,
       {hist},
       count(h.a) AS acw_count, COALESCE(sum(h.a), 0) AS acw_sum, min(h.a) AS acw_min, max(h.a) AS acw_max,
       {acw_hist}
"""

# The EXISTS twin: the repeat check as a correlated EXISTS per FCR contact, as the definition
# (predicates.later_contact_exists) states it.
BARE_CONTACTS = """
CREATE TEMP TABLE bench_contact_ref AS
SELECT {columns}
FROM inbox_contact c
{flags}
WHERE c.direction = 'inbound'
GROUP BY 1, 2, 3, 4
"""
REPEAT_EXISTS = """EXISTS (
           SELECT 1 FROM inbox_contact o
           WHERE o.customer_id = c.customer_id AND o.direction = 'inbound' AND o.topic_department_id = c.topic_department_id
             AND (o.started_at > c.started_at OR (o.started_at = c.started_at AND o.id > c.id))
             AND o.conversation_key <> c.conversation_key
             AND (o.started_at AT TIME ZONE 'Europe/Amsterdam')::date <= (c.started_at AT TIME ZONE 'Europe/Amsterdam')::date + 7)"""

# The minimal single pass: one scan and one sort of the inbound contacts, the repeat check by
# window functions (the job does the same per chunk: services.REPEAT_SQL). Per (customer, topic department), in (started_at, id) order, the first later
# contact of another conversation is the first row of the next run of equal conversation keys
# ("island"): `new_island` marks those first rows, and the earliest marked row after the current
# one is the one to compare with. Both windows use the same descending order, so PostgreSQL sorts
# once, and the running MIN (frame from the partition's start) costs O(1) per row. Contacts
# without a customer or topic department never repeat: each is its own partition.
BARE_CONTACTS_WINDOW = """
CREATE TEMP TABLE bench_contact_win AS
SELECT {columns}
FROM (
  SELECT i.*, min(CASE WHEN i.new_island THEN i.started_at END) OVER w AS next_other
  FROM (
    SELECT c.id, c.started_at, c.customer_id, c.topic_department_id, c.channel, c.status, c.outcome, c.answered_at, c.ended_at,
           c.conversation_ended_at, c.closed_by_id, c.assigned_to_id,
           c.conversation_key IS DISTINCT FROM lead(c.conversation_key) OVER w AS new_island
    FROM inbox_contact c
    WHERE c.direction = 'inbound'
    WINDOW w AS (PARTITION BY c.customer_id, c.topic_department_id, CASE WHEN c.customer_id IS NULL OR c.topic_department_id IS NULL THEN c.id END
                 ORDER BY c.started_at DESC, c.id DESC)
  ) i
  WINDOW w AS (PARTITION BY i.customer_id, i.topic_department_id, CASE WHEN i.customer_id IS NULL OR i.topic_department_id IS NULL THEN i.id END
               ORDER BY i.started_at DESC, i.id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
) c
{flags}
GROUP BY 1, 2, 3, 4
"""
REPEAT_WINDOW = """COALESCE(c.customer_id IS NOT NULL AND c.topic_department_id IS NOT NULL
             AND (c.next_other AT TIME ZONE 'Europe/Amsterdam')::date <= (c.started_at AT TIME ZONE 'Europe/Amsterdam')::date + 7, false)"""


def _reason_case() -> str:
    """The reason categories of constants.REASON_KEYWORDS as one CASE, first match wins."""
    whens = []
    for category, keywords in REASON_KEYWORDS:
        cond = " OR ".join(f"lower(t.reason) LIKE '%{kw}%'" for kw in keywords)
        whens.append(f"WHEN {cond} THEN '{category}'")
    return "CASE " + " ".join(whens) + " ELSE 'other' END"


BARE_TRANSFERS = """
CREATE TEMP TABLE bench_transfer_ref AS
SELECT (c.started_at AT TIME ZONE 'Europe/Amsterdam')::date AS day, c.channel, t.to_department_id,
       {reason_case} AS cat,
       CASE WHEN t.not_for_us_at IS NOT NULL THEN t.correct_department_id END AS correct,
       count(*) AS transfers, count(t.not_for_us_at) AS misroutes
FROM inbox_transfer t JOIN inbox_contact c ON c.id = t.contact_id
WHERE c.direction = 'inbound' AND c.status = 'closed' AND c.outcome NOT IN ('disconnected', '')
GROUP BY 1, 2, 3, 4, 5
"""

BARE_CALLBACKS = """
CREATE TEMP TABLE bench_callback_ref AS
SELECT deadline, target_department_id,
       count(*) FILTER (WHERE status <> 'cancelled') AS due,
       count(*) FILTER (WHERE status IN ('done', 'unreachable') AND (closed_at AT TIME ZONE 'Europe/Amsterdam')::date <= deadline) AS on_time,
       count(*) FILTER (WHERE status IN ('done', 'unreachable') AND (closed_at AT TIME ZONE 'Europe/Amsterdam')::date > deadline) AS late,
       count(*) FILTER (WHERE status = 'unreachable') AS unreachable,
       count(*) FILTER (WHERE status IN ('open', 'claimed')) AS open,
       count(*) FILTER (WHERE status = 'cancelled') AS cancelled
FROM callbacks_callbackrequest
GROUP BY 1, 2
"""


def _contact_statement(template: str, repeat: str) -> str:
    hist = ",\n       ".join(f"count(*) FILTER (WHERE hb.hb = {i}) AS h{i:02d}" for i in range(len(HANDLE_BUCKET_EDGES)))
    acw_hist = ",\n       ".join(f"count(*) FILTER (WHERE hb.ab = {i}) AS a{i:02d}" for i in range(len(ACW_BUCKET_EDGES)))
    columns = CONTACT_COLUMNS.format(repeat=repeat, hist=hist, acw_hist=acw_hist)
    flags = CONTACT_FLAGS.format(edges=",".join(map(str, HANDLE_BUCKET_EDGES)), acw_edges=",".join(map(str, ACW_BUCKET_EDGES)))
    return template.format(columns=columns, flags=flags)


def window_sql_seconds() -> tuple[float, int, int]:
    """The minimal single-pass statement: (seconds, rows, rows that differ from the twin's)."""
    sql("DROP TABLE IF EXISTS bench_contact_win")
    sql("DROP TABLE IF EXISTS bench_contact_ref")
    sql(_contact_statement(BARE_CONTACTS, REPEAT_EXISTS))
    t0 = time.perf_counter()
    sql(_contact_statement(BARE_CONTACTS_WINDOW, REPEAT_WINDOW))
    seconds = time.perf_counter() - t0
    rows = sql("SELECT count(*) FROM bench_contact_win")[0][0]
    differ = sql("SELECT count(*) FROM ((TABLE bench_contact_win EXCEPT ALL TABLE bench_contact_ref) "
                 "UNION ALL (TABLE bench_contact_ref EXCEPT ALL TABLE bench_contact_win)) d")[0][0]
    sql("DROP TABLE bench_contact_win")
    sql("DROP TABLE bench_contact_ref")
    return seconds, rows, differ


def bare_sql_seconds() -> tuple[float, dict]:
    statements = {
        "contacts": _contact_statement(BARE_CONTACTS, REPEAT_EXISTS),
        "transfers": BARE_TRANSFERS.format(reason_case=_reason_case()),
        "callbacks": BARE_CALLBACKS,
    }
    times, rows = {}, {}
    for key, statement in statements.items():
        table = statement.split()[3]
        sql(f"DROP TABLE IF EXISTS {table}")
        t0 = time.perf_counter()
        sql(statement)
        times[key] = time.perf_counter() - t0
        rows[key] = sql(f"SELECT count(*) FROM {table}")[0][0]
        sql(f"DROP TABLE {table}")
    return sum(times.values()), {"times": times, "rows": rows}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure_page(client, url, runs: int) -> dict:
    client.get(url)  # warm up
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # The SQL the page needs: everything but the session, user and role look-ups of any request.
    overhead = ("django_session", '"auth_user"."password"', "core_membership")
    statements = [q["sql"] for q in captured.captured_queries if not any(o in q["sql"] for o in overhead)]
    bare = []
    for _ in range(runs):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()
        bare.append((time.perf_counter() - t0) * 1000)
    return {
        "p50": statistics.median(times), "p95": percentile(times, 0.95), "cpu_p50": statistics.median(cpu),
        "bare_p50": statistics.median(bare), "queries": len(captured.captured_queries),
    }


def measure_pages(runs: int) -> dict:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    client = Client()
    client.force_login(User.objects.get(username="bench-teamlead"))
    today = date.today()
    pages = {
        "KCC view, last 30 days per day": reverse("dashboard:index"),
        "KCC view, this quarter per week": reverse("dashboard:index") + "?preset=quarter&granularity=week",
        "KCC view, last 12 months per month": reverse("dashboard:index") + f"?granularity=month&date_from={today - timedelta(days=365)}&date_to={today}",
    }
    results = {name: measure_page(client, url, runs) for name, url in pages.items()}
    manager = Client()
    manager.force_login(User.objects.get(username="bench-manager"))
    department = Department.objects.get(code="dep1")
    results["Department view, last 30 days"] = measure_page(manager, reverse("dashboard:department", args=[department.pk]), runs)
    results["Drill-down list (transferred, 30 days)"] = measure_page(client, reverse("dashboard:contacts") + "?metric=transferred", runs)
    return results


def print_pages(results: dict, header: bool = True) -> None:
    if header:
        print("| measurement | time | bare SQL | ratio | target |")
        print("|---|---:|---:|---:|---|")
    for name, r in results.items():
        target = "p95 < 150 ms" if name.startswith("KCC view, last 30") else ""
        print(f"| page: {name} ({r['queries']} queries) | p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms (Python CPU p50 {r['cpu_p50']:.0f} ms) "
              f"| {r['bare_p50']:.0f} ms | {r['p50'] / max(r['bare_p50'], 0.1):.1f}x | {target} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--callbacks", type=int, default=200_000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--pages-only", action="store_true", help="measure only the pages, on the facts of an earlier run")
    parser.add_argument("--seed-only", action="store_true", help="seed (if needed) and stop")
    args = parser.parse_args()
    settings.DEBUG = False

    call_command("migrate", verbosity=0)
    have = sql("SELECT count(*) FROM inbox_contact")[0][0]
    if args.reseed or have < args.contacts * 0.99:
        seed(args.contacts, args.callbacks)
    contacts = sql("SELECT count(*) FROM inbox_contact")[0][0]
    transfers = sql("SELECT count(*) FROM inbox_transfer")[0][0]
    callbacks = sql("SELECT count(*) FROM callbacks_callbackrequest")[0][0]
    print(f"data: {contacts:,} contacts, {transfers:,} transfers, {callbacks:,} callback requests")
    if args.seed_only:
        return 0

    load_before = os.getloadavg()[0]
    if args.pages_only:
        results = measure_pages(args.runs)
        print_pages(results)
        print(f"\nload average (1 min) before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        return 0 if results["KCC view, last 30 days per day"]["p95"] < 150 else 1
    sql("DELETE FROM inbox_contact WHERE subject LIKE 'Nieuw %'")  # left by an earlier run's step 2
    # 1. Full rebuild against the bare SQL, same run. Bare first, then rebuild, then bare again
    # (the better of the two bare timings counts: the target is against the best the database can do).
    bare1, detail = bare_sql_seconds()
    sql("TRUNCATE dashboard_contactfact, dashboard_transferfact, dashboard_callbackfact, dashboard_jobstate")
    t0 = time.perf_counter()
    result = services.metrics_rebuild()
    rebuild = time.perf_counter() - t0
    bare2, detail2 = bare_sql_seconds()
    bare = min(bare1, bare2)
    # The minimal single pass (window functions for the repeat check), checked row for row
    # against the job's twin.
    window, window_rows, window_differ = window_sql_seconds()
    assert window_differ == 0, f"the single-pass statement differs from the twin in {window_differ} rows"
    facts = (ContactFact.objects.count(), TransferFact.objects.count(), CallbackFact.objects.count())
    assert facts[0] == detail["rows"]["contacts"], (facts, detail["rows"])
    assert facts[1] == detail["rows"]["transfers"], (facts, detail["rows"])
    assert facts[2] == detail["rows"]["callbacks"], (facts, detail["rows"])
    sql("VACUUM ANALYZE dashboard_contactfact")
    sql("VACUUM ANALYZE dashboard_transferfact")
    sql("VACUUM ANALYZE dashboard_callbackfact")

    # 2. Incremental run after 1,000 new contacts (today, the busiest case: 8 days recomputed).
    cols, vals = filler("inbox_contact", {
        "channel", "direction", "subject", "question", "notes", "status", "started_at", "answered_at", "ended_at", "outcome",
        "conversation_key", "customer_id", "created_at", "updated_at",
    })
    cmin = sql("SELECT min(id) FROM core_customer")[0][0]
    JobState.objects.update(watermark=JobState.objects.get().last_success_at)  # no overlap with the seed
    sql(f"""INSERT INTO inbox_contact (channel, direction, subject, question, notes, status, started_at, answered_at, ended_at, outcome,
                                      conversation_key, customer_id, created_at, updated_at{cols})
            SELECT 'phone', 'inbound', 'Nieuw ' || g, '', '', 'closed', now() - (g || ' seconds')::interval,
                   now() - (g || ' seconds')::interval, now(), 'resolved', gen_random_uuid(), {cmin} + g, now(), now(){vals}
            FROM generate_series(1, 1000) g""")
    incremental = []
    t0 = time.perf_counter()
    inc = services.metrics_refresh()
    incremental.append(time.perf_counter() - t0)
    sql("UPDATE inbox_contact SET updated_at = now() WHERE subject LIKE 'Nieuw %'")
    t0 = time.perf_counter()
    services.metrics_refresh()
    incremental.append(time.perf_counter() - t0)

    # 3. The pages.
    results = measure_pages(args.runs)

    print()
    print("| measurement | time | bare SQL | ratio | target |")
    print("|---|---:|---:|---:|---|")
    print(f"| full rebuild ({result.contact_days} contact days, {result.callback_days} callback days; {facts[0]:,} + {facts[1]:,} + {facts[2]:,} facts) "
          f"| {rebuild:.1f} s | {bare:.1f} s | {rebuild / bare:.2f}x | <= 2x |")
    contacts_bare = min(detail['times']['contacts'], detail2['times']['contacts'])
    print(f"| contact facts only: the EXISTS twin (a subquery per FCR contact) vs the minimal single pass (window functions, the job's method), "
          f"{window_rows:,} rows, identical | {contacts_bare:.1f} s | {window:.1f} s | {contacts_bare / window:.2f}x | |")
    print(f"| full rebuild vs the single pass for contacts + the bare transfer and callback SQL "
          f"| {rebuild:.1f} s | {window + bare - contacts_bare:.1f} s | {rebuild / (window + bare - contacts_bare):.2f}x | <= 3x |")
    print(f"| bare SQL per part (best run) | | contacts {min(detail['times']['contacts'], detail2['times']['contacts']):.1f} s, "
          f"transfers {min(detail['times']['transfers'], detail2['times']['transfers']):.1f} s, "
          f"callbacks {min(detail['times']['callbacks'], detail2['times']['callbacks']):.1f} s | | |")
    print(f"| incremental after 1,000 new contacts ({inc.contact_days} contact days, {inc.callback_days} callback days) "
          f"| {incremental[0] * 1000:.0f} ms (again: {incremental[1] * 1000:.0f} ms) | | | < 1 s |")
    print_pages(results, header=False)
    print(f"\nload average (1 min) before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    ok = rebuild / bare <= 2 and rebuild / (window + bare - contacts_bare) <= 3 and max(incremental) < 1 and results["KCC view, last 30 days per day"]["p95"] < 150
    print()
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
