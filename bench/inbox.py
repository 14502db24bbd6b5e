"""Benchmark: the inbox (work queue) and the customer timeline with 1,000,000 contacts and
200,000 customers.

    .venv/bin/python bench/inbox.py [--requests 200] [--contacts 1000000] [--customers 200000] [--reseed]

Seeds (once) into PostgreSQL database `kcc_bench_inbox` (created if missing; override with
BENCH_DATABASE_URL) with INSERT ... SELECT generate_series: about a year of contacts (60% phone,
30% e-mail, 10% social), of which the last three days are partly still open (a few thousand in
the queue). Then measures server time through Django's test client (middleware, session, view,
template: everything but the network), the query count of each page, and the bare SQL the page
needs: the page's own data queries (contacts, customers, addresses, departments), captured from
one request and replayed on a raw cursor in the same run. Prints a Markdown table for
docs/performance.md ("Inbox"). Exit status 1 when a page misses p95 < 100 ms.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "kcc_bench_inbox"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcc.settings.test")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

SUBJECTS = [
    "Paspoort verlengen", "Rijbewijs kwijt", "Verhuizing doorgeven", "Uittreksel BRP", "Afvalpas kwijt",
    "Grofvuil ophalen", "Container niet geleegd", "WOZ-bezwaar", "Aanslag gemeentelijke belastingen",
    "Kwijtschelding", "Parkeervergunning", "Bezoekersparkeren", "Bijstand aanvragen", "Uitkering niet ontvangen",
    "Wmo-hulpmiddel", "Huishoudelijke hulp", "Losliggende stoeptegel", "Straatlantaarn kapot",
    "Dakkapel vergunning", "Urgentie woning",
]
FIRST = ["Jan", "Sanne", "Mohammed", "Fatima", "Daan", "Emma", "Noah", "Julia", "Lucas", "Anna", "Ahmed", "Lotte", "Sem", "Eva", "Finn", "Zoe"]
LAST = ["Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Yilmaz", "El Amrani", "Dekker"]


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(contacts: int, customers: int, *, reseed: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from channels.models import Contact
    from kcc.core import demo as core_demo
    from kcc.core.models import Customer, Department, Membership

    call_command("migrate", verbosity=0)
    if reseed:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE inbox_contact CASCADE")
    if not Department.objects.exists():
        core_demo.seed(lambda msg: None)
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.31)")
        have = Customer.objects.count()
        if have < customers:
            t0 = time.perf_counter()
            n = customers - have
            cur.execute(
                """
                INSERT INTO core_customer (first_name, name_prefix, last_name, street, house_number, house_number_addition,
                                           postcode, city, bsn, name_folded, created_at, updated_at)
                SELECT f, '', l, 'Dorpsstraat', 1 + g %% 250, '', lpad((1000 + g %% 9000)::text, 4, '0') || 'AB',
                       'Voorbeeldstad', '', lower(f || ' ' || l), now(), now()
                FROM (SELECT g, (%(first)s::text[])[1 + g %% %(nf)s] AS f, (%(last)s::text[])[1 + (g / 7) %% %(nl)s] AS l
                      FROM generate_series(1, %(n)s) AS g) AS x
                """,
                {"n": n, "first": FIRST, "last": LAST, "nf": len(FIRST), "nl": len(LAST)},
            )
            cur.execute(
                """
                INSERT INTO core_digitaladdress (customer_id, kind, value, is_default, verified_at)
                SELECT c.id, 'phone', '+316' || lpad(c.id::text, 8, '0'), true, NULL
                FROM core_customer c
                WHERE NOT EXISTS (SELECT 1 FROM core_digitaladdress a WHERE a.customer_id = c.id)
                """
            )
            cur.execute("ANALYZE core_customer; ANALYZE core_digitaladdress")
            print(f"seed: {n} customers inserted in {time.perf_counter() - t0:.1f} s")
        have = Contact.objects.count()
        if have >= contacts:
            print(f"seed: {have} contacts present")
            return
        t0 = time.perf_counter()
        n = contacts - have
        deps = list(Department.objects.order_by("pk").values_list("pk", flat=True))
        agents = list(Membership.objects.filter(role="agent").order_by("user_id").values_list("user_id", flat=True))
        cmin = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
        ccount = Customer.objects.count()
        cur.execute(
            """
            WITH s AS (
                SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
                       now() - ((%(n)s - g) * interval '31 seconds') - random() * interval '30 seconds' AS started
                FROM generate_series(1, %(n)s) AS g
            ), t AS (
                SELECT s.*,
                       CASE WHEN r1 < 0.60 THEN 'phone' WHEN r1 < 0.90 THEN 'email' WHEN r1 < 0.96 THEN 'whatsapp'
                            WHEN r1 < 0.98 THEN 'facebook' ELSE 'instagram' END AS ch,
                       CASE WHEN started > now() - interval '3 days' AND r3 < 0.55 THEN
                                CASE WHEN r4 < 0.6 THEN 'new' WHEN r4 < 0.85 THEN 'open' ELSE 'waiting' END
                            ELSE 'closed' END AS st,
                       (%(deps)s::bigint[])[1 + (g %% %(ndeps)s)] AS dep,
                       (%(agents)s::bigint[])[1 + (g %% %(nagents)s)] AS agent,
                       CASE WHEN r2 < 0.25 THEN NULL ELSE %(cmin)s + floor(r5 * %(ccount)s)::bigint END AS cust
                FROM s
            )
            INSERT INTO inbox_contact (
                channel, direction, customer_id, subject, question, notes, topic_department_id, status, assigned_to_id,
                claimed_at, started_at, answered_at, ended_at, outcome, conversation_key, case_identification, external_id,
                caller_address, closed_by_id, created_at, updated_at)
            SELECT ch, 'inbound', cust, (%(subjects)s::text[])[1 + (g %% %(nsub)s)],
                   'Vraag ' || g || ': ' || (%(subjects)s::text[])[1 + (g %% %(nsub)s)] || ', wat moet ik doen?', '',
                   dep, st,
                   CASE WHEN st = 'new' THEN NULL ELSE agent END,
                   CASE WHEN st = 'new' THEN NULL ELSE started + interval '4 minutes' END,
                   started,
                   CASE WHEN st = 'new' THEN NULL ELSE started + interval '4 minutes' END,
                   CASE WHEN st = 'closed' THEN started + interval '4 minutes' + r4 * interval '12 minutes' END,
                   CASE WHEN st <> 'closed' THEN ''
                        WHEN r5 < 0.47 THEN 'resolved' WHEN r5 < 0.57 THEN 'resolved_after_consult'
                        WHEN r5 < 0.86 THEN 'transferred' ELSE 'callback' END,
                   gen_random_uuid(), '', '',
                   CASE WHEN ch = 'phone' THEN '+316' || lpad((g %% 100000000)::text, 8, '0') ELSE '' END,
                   CASE WHEN st = 'closed' THEN agent END,
                   started, started + interval '20 minutes'
            FROM t
            """,
            {
                "n": n, "deps": deps, "ndeps": len(deps), "agents": agents, "nagents": len(agents), "cmin": cmin,
                "ccount": ccount, "subjects": SUBJECTS, "nsub": len(SUBJECTS),
            },
        )
        # One resident who calls a lot: the timeline's worst case (it shows the newest 50).
        cur.execute(
            "UPDATE inbox_contact SET customer_id = %s WHERE id IN (SELECT id FROM inbox_contact ORDER BY id DESC LIMIT 400 OFFSET 20000)",
            [cmin],
        )
        cur.execute("VACUUM ANALYZE inbox_contact")
        print(f"seed: {n} contacts inserted in {time.perf_counter() - t0:.1f} s")


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    f, c = int(k), min(int(k) + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


# The page's own data: contacts, customers, addresses, departments, the processing-log write.
# Not data: session, user, roles (the same on every page, paid once by any framework).
DATA_TABLES = re.compile(r'FROM "(inbox_contact|core_customer|core_digitaladdress|core_department)"')


def measure_page(client, url, n, headers=None, expect=200, data=None):
    """GET `url`, or POST `data` to it (the free-text search is POSTed: docs/privacy.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = headers or {}

    def request():
        return client.post(url, data, **headers) if data is not None else client.get(url, **headers)

    for _ in range(10):
        status = request().status_code
        assert status == expect, (url, status)
    with CaptureQueriesContext(connection) as ctx:
        response = request()
    assert response.status_code == expect, (url, response.status_code)
    # Read the captured queries now: every request resets the connection's query log.
    captured = list(ctx.captured_queries)
    data_sql = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("SELECT") and DATA_TABLES.search(q["sql"])]
    times, cpu = [], []
    for _ in range(n):
        c0, t0 = time.process_time(), time.perf_counter()
        response = request()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return times, cpu, len(captured), data_sql, response


def measure_sql(statements, n):
    from django.db import connection

    times = []
    with connection.cursor() as cur:
        for _ in range(10):
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


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql)
        return " / ".join(row[0].strip() for row in cur.fetchall()[:3])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print the plan of each page's data queries")
    parser.add_argument(
        "--customer-name-trgm", action="store_true",
        help="measure with a pg_trgm GIN index on core_customer.name_folded (proposed for the core app); "
        "without this flag the index is dropped from the bench database",
    )
    args = parser.parse_args()

    if "BENCH_DATABASE_URL" not in os.environ:
        ensure_database(DEFAULT_URL)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from channels.models import Contact
    from kcc.core.models import Customer, Department

    seed(args.contacts, args.customers, reseed=args.reseed)
    from django.db import connection

    with connection.cursor() as cur:
        if args.customer_name_trgm:
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cur.execute("CREATE INDEX IF NOT EXISTS bench_customer_name_trgm ON core_customer USING gin (name_folded gin_trgm_ops)")
        else:
            cur.execute("DROP INDEX IF EXISTS bench_customer_name_trgm")
        cur.execute("ANALYZE core_customer")
    User = get_user_model()
    total = Contact.objects.count()
    open_count = Contact.objects.open().count()
    agent = User.objects.get(username="agent")
    belastingen = Department.objects.get(code="belastingen")
    heavy = Customer.objects.order_by("pk").first()
    heavy_count = Contact.objects.filter(customer=heavy).count()
    typical = (
        Contact.objects.filter(customer__gt=heavy.pk + 5000, customer__lt=heavy.pk + 5100)
        .values("customer").annotate(n=Count("id")).order_by("-n", "customer")[:1][0]
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"data: {total:,} contacts ({open_count:,} open), {Customer.objects.count():,} customers; timeline customers: "
          f"#{heavy.pk} with {heavy_count} contacts, #{typical['customer']} with {typical['n']}")

    client = Client()
    client.force_login(agent)
    first = client.get("/inbox/")
    cursor = re.search(r'rel="next" href="\?([^"]+)"', first.content.decode()).group(1).replace("&amp;", "&")
    third = client.get("/inbox/?" + cursor)
    cursor3 = re.search(r'rel="next" href="\?([^"]+)"', third.content.decode()).group(1).replace("&amp;", "&")
    etag = first["ETag"]
    filtered = f"/inbox/?channel=email&assigned=unassigned&department={belastingen.pk}&age=60"
    cases = [
        ("inbox, first page (oldest first)", "/inbox/", {}, 200),
        ("inbox, page 3 (keyset cursor)", "/inbox/?" + cursor3, {}, 200),
        ("inbox, filtered: e-mail, unassigned, Belastingen, > 1 h", filtered, {}, 200),
        ("inbox poll, nothing changed (304)", "/inbox/", {"HTTP_IF_NONE_MATCH": etag, "HTTP_HX_REQUEST": "true", "HTTP_X_KCC_BACKGROUND": "1"}, 304),
        # The search field posts with htmx and gets the results fragment (the query stays out of
        # URLs and logs); measured last among the inbox cases, since the search stays in the session.
        ("inbox, free text 'paspoort' (htmx POST)", "/inbox/", {"HTTP_HX_REQUEST": "true", "_post": {"q": "paspoort"}}, 200),
        (f"customer timeline, {heavy_count} contacts (shows 50)", f"/klanten/{heavy.pk}/", {}, 200),
        (f"customer timeline, {typical['n']} contacts", f"/klanten/{typical['customer']}/", {}, 200),
    ]
    print()
    print(f"| page ({total:,} contacts, {open_count:,} open) | p50 ms | p95 ms | Python CPU p50 ms | queries | bare SQL p50 ms | bare SQL p95 ms | ratio p50 | ratio p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    failed = []
    plans = []
    for label, url, headers, expect in cases:
        if "304" in label:
            # The ETag must be current: it includes the minute.
            headers = {**headers, "HTTP_IF_NONE_MATCH": client.get("/inbox/")["ETag"]}
        headers = dict(headers)
        post = headers.pop("_post", None)
        times, cpu, queries, data_sql, _ = measure_page(client, url, args.requests, headers, expect, data=post)
        if post is not None:
            client.post(url, {"q": ""}, HTTP_HX_REQUEST="true")  # clear the search kept in the session
        sql_times = measure_sql(data_sql, args.requests)
        p50, p95 = percentile(times, 50), percentile(times, 95)
        s50, s95 = percentile(sql_times, 50), percentile(sql_times, 95)
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {percentile(cpu, 50):.1f} | {queries} | {s50:.2f} | {s95:.2f} | {p50 / s50:.1f}x | {p95 / s95:.1f}x |")
        if p95 >= 100:
            failed.append(label)
        if args.explain:
            plans += [(label, explain(sql)) for sql in data_sql]
    for label, plan in plans:
        print(f"  {label}: {plan}")
    print()
    if failed:
        print("FAIL: p95 >= 100 ms on: " + ", ".join(failed))
        return 1
    print("OK: every page p95 < 100 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
