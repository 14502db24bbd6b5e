"""Benchmark: the customer timeline (one stream of contacts, callbacks, signals and articles,
keyset paged) for a resident with 450 contacts, and the team lead's list of probable duplicates,
in a database at the inbox bench's scale (1,000,000 contacts, 200,000 customers).

    .venv/bin/python bench/timeline.py [--requests 200] [--contacts 1000000] [--customers 200000] [--reseed] [--explain]

Seeds (once) PostgreSQL database `kcc_bench_timeline` (override with BENCH_DATABASE_URL) like
bench/inbox.py (customers with one phone each, contacts over a year, INSERT ... SELECT
generate_series; written here so that columns added later get a neutral value), then tops up:
* one heavy resident: 450 contacts (half e-mail, each with an inbound message that quotes the
  earlier answer, and an outbound reply), notes on every tenth, 60 callback requests with two
  attempts each, 40 contacts that are evidence for a signal, 40 linked knowledge articles;
* 5% of the customers with a date of birth, and 2,000 pairs of customers that share a phone
  number, so that the duplicate list has groups to find.

Measures server time through Django's test client (middleware, session, view, template:
everything but the network), the query count of each page, and the bare SQL the page needs
(the page's own data queries, captured from one request and replayed on a raw cursor in the
same run), as bench/inbox.py does. Prints a Markdown table for docs/performance.md ("Customer
timeline"). Exit status 1 when a page misses p95 < 100 ms.
"""

import argparse
import datetime as dt
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DB_NAME = "kcc_bench_timeline"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcc.settings.test")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

import inbox as inbox_bench  # noqa: E402 - bench/inbox.py: the seed and the measuring helpers

# Importing bench/inbox.py pointed DATABASE_URL at its own database: this bench has its own.
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

HEAVY_CONTACTS = 450
HEAVY_MARK = "bench-timeline"  # the heavy resident's street: found again on later runs
QUOTED = (
    "Goedemiddag,\n\nIk heb nog steeds geen antwoord op mijn vraag over {subject}. Kunt u mij laten weten "
    "wanneer ik iets hoor?\n\nMet vriendelijke groet,\nJ. de Bench\n\n"
    "Op 3 maart 2026 om 10:12 schreef KCC Voorbeeldstad <kcc@voorbeeldstad.example>:\n"
    "> Geachte heer De Bench,\n> Wij hebben uw vraag ontvangen en nemen binnen vijf werkdagen contact met u op.\n"
    "> Met vriendelijke groet,\n> Klantcontactcentrum\n" * 3
)

# The page's own data (not session, user, roles): what bare SQL must fetch for the same page.
DATA_TABLES = re.compile(
    r'FROM "(inbox_contact|inbox_message|inbox_contactarticle|callbacks_callbackrequest|callbacks_callbackattempt|'
    r'signalboard_evidence|knowledgebase_article|core_customer|core_digitaladdress|core_department|core_closureday)"'
)


def insert_select(model, values: dict[str, str], from_sql: str, params: dict) -> None:
    """INSERT INTO <model's table> SELECT ... with ``values`` (column -> SQL expression) and a
    neutral value for every other column ('' for text, NULL where allowed, false, 0, now()), so
    that a column added by a later migration does not break the seed."""
    from django.db import connection, models

    columns, exprs = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        if column in values:
            expr = values[column]
        elif field.null:
            expr = "NULL"
        elif isinstance(field, (models.CharField, models.TextField)):
            expr = "''"
        elif isinstance(field, models.BooleanField):
            expr = "false"
        elif isinstance(field, models.UUIDField):
            expr = "gen_random_uuid()"
        elif isinstance(field, models.DateTimeField):
            expr = "now()"
        elif isinstance(field, models.JSONField):
            expr = "'{}'::jsonb"
        else:
            expr = "0"
        columns.append(f'"{column}"')
        exprs.append(expr)
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} {from_sql}", params)


def seed_background(contacts: int, customers: int) -> None:
    """Customers (one phone each) and about a year of closed contacts, with INSERT ... SELECT
    generate_series (the inbox bench's data, written schema-proof); tops up what is missing."""
    from django.db import connection

    from channels.models import Contact
    from kcc.core import demo as core_demo
    from kcc.core.models import Customer, Department, DigitalAddress

    if not Department.objects.exists():
        core_demo.seed(lambda msg: None)
    have = Customer.objects.count()
    if have < customers:
        t0 = time.perf_counter()
        insert_select(Customer, {
            "first_name": "f", "last_name": "l", "street": "'Dorpsstraat'", "house_number": "1 + g %% 250",
            "postcode": "lpad((1000 + g %% 9000)::text, 4, '0') || 'AB'", "city": "'Voorbeeldstad'", "name_folded": "lower(f || ' ' || l)",
        }, "FROM (SELECT g, (%(first)s::text[])[1 + g %% %(nf)s] AS f, (%(last)s::text[])[1 + (g / 7) %% %(nl)s] AS l "
           "FROM generate_series(1, %(n)s) AS g) AS x",
           {"n": customers - have, "first": inbox_bench.FIRST, "last": inbox_bench.LAST, "nf": len(inbox_bench.FIRST), "nl": len(inbox_bench.LAST)})
        insert_select(DigitalAddress, {"customer_id": "c.id", "kind": "'phone'", "value": "'+316' || lpad(c.id::text, 8, '0')", "is_default": "true"},
                      "FROM core_customer c WHERE NOT EXISTS (SELECT 1 FROM core_digitaladdress a WHERE a.customer_id = c.id)", {})
        print(f"seed: {customers - have} customers in {time.perf_counter() - t0:.1f} s")
    have = Contact.objects.count()
    if have < contacts:
        t0 = time.perf_counter()
        n = contacts - have
        dep = Department.objects.order_by("pk").values_list("pk", flat=True).first()
        cmin = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
        insert_select(Contact, {
            "channel": "CASE WHEN g %% 10 < 6 THEN 'phone' ELSE 'email' END", "direction": "'inbound'",
            "customer_id": "CASE WHEN g %% 4 = 0 THEN NULL ELSE %(cmin)s + (g::bigint * 7919) %% %(ncust)s END",
            "subject": "(%(subjects)s::text[])[1 + g %% %(nsub)s]", "topic_department_id": "%(dep)s", "status": "'closed'",
            "started_at": "now() - (g * interval '31 seconds')", "answered_at": "now() - (g * interval '31 seconds')",
            "ended_at": "now() - (g * interval '31 seconds') + interval '5 minutes'", "outcome": "'resolved'",
        }, "FROM generate_series(1, %(n)s) AS g",
           {"n": n, "cmin": cmin, "ncust": Customer.objects.count(), "subjects": inbox_bench.SUBJECTS, "nsub": len(inbox_bench.SUBJECTS), "dep": dep})
        print(f"seed: {n} contacts in {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE core_customer; ANALYZE core_digitaladdress; ANALYZE inbox_contact")


def seed_heavy() -> int:
    """The heavy resident (created once, in one transaction) with every kind of timeline entry;
    returns its id."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from kcc.core.models import Customer

    existing = Customer.objects.filter(street=HEAVY_MARK).values_list("pk", flat=True).first()
    if existing:
        return existing
    t0 = time.perf_counter()
    with transaction.atomic():
        heavy = _seed_heavy(get_user_model().objects.get(username="agent"))
    with connection.cursor() as cur:
        cur.execute("ANALYZE inbox_contact; ANALYZE inbox_message; ANALYZE callbacks_callbackrequest; ANALYZE inbox_contactarticle")
    print(f"seed: heavy resident #{heavy} in {time.perf_counter() - t0:.1f} s")
    return heavy


def _seed_heavy(agent) -> int:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from callbacks.constants import AttemptResult, CallbackStatus
    from callbacks.models import CallbackAttempt, CallbackRequest
    from channels.constants import Channel, ContactStatus, Direction, Outcome
    from channels.models import Contact, ContactArticle, Message
    from kcc.core.models import Customer, Department
    from knowledgebase.services import article_create, article_publish
    from signals.constants import Impact, SignalCategory, SignalStatus
    from signals.models import Evidence, Signal

    # The demo's back-office colleague and their department (Belastingen, or the corporation's).
    backoffice = get_user_model().objects.get(username="backoffice")
    belastingen = Department.objects.get(memberships__user=backoffice)
    heavy = Customer.objects.create(first_name="Jan", last_name="de Bench", street=HEAVY_MARK, house_number=1, postcode="1011AB", city="Voorbeeldstad")
    now = timezone.now()
    contacts = Contact.objects.bulk_create([
        Contact(
            customer=heavy, channel=Channel.EMAIL if i % 2 else Channel.PHONE, direction=Direction.INBOUND,
            subject=inbox_bench.SUBJECTS[i % len(inbox_bench.SUBJECTS)], question=f"Vraag {i} van de bench",
            notes="Inwoner belt morgen terug; dossier bij Belastingen." if i % 10 == 0 else "",
            status=ContactStatus.CLOSED, outcome=Outcome.RESOLVED, topic_department=belastingen, assigned_to=agent, closed_by=agent,
            started_at=now - dt.timedelta(hours=6 * i + 1), answered_at=now - dt.timedelta(hours=6 * i + 1),
            ended_at=now - dt.timedelta(hours=6 * i),
        )
        for i in range(HEAVY_CONTACTS)
    ])
    messages = []
    for c in contacts:
        if c.channel == Channel.EMAIL:
            messages.append(Message(contact=c, direction=Direction.INBOUND, channel=c.channel, body_text=QUOTED.format(subject=c.subject.lower()), sent_at=c.started_at, sender_address="jan@bench.example"))
            messages.append(Message(contact=c, direction=Direction.OUTBOUND, channel=c.channel, body_text="Dank voor uw bericht.", sent_at=c.started_at + dt.timedelta(hours=1), author=agent))
    Message.objects.bulk_create(messages)
    callbacks = CallbackRequest.objects.bulk_create([
        CallbackRequest(
            customer=heavy, phone="+31612345678", question=f"Terugbellen over {c.subject}", source_contact=c, target_department=belastingen,
            deadline=(c.started_at + dt.timedelta(days=3)).date(), status=CallbackStatus.DONE, created_at=c.started_at + dt.timedelta(minutes=5),
            closed_at=c.started_at + dt.timedelta(hours=5), closed_on_time=True,
            created_by=agent,
        )
        for c in contacts[3::7][:60]
    ])
    CallbackAttempt.objects.bulk_create([
        CallbackAttempt(callback=cb, at=cb.created_at + dt.timedelta(hours=h), by=agent, result=result, created_at=cb.created_at + dt.timedelta(hours=h))
        for cb in callbacks for h, result in ((2, AttemptResult.NO_ANSWER), (5, AttemptResult.REACHED))
    ])
    signal = Signal.objects.create(
        title="Aanslagen onduidelijk (bench)", description="Inwoners begrijpen de aanslag niet.", category=SignalCategory.PROCESS,
        department=belastingen, impact=Impact.MEDIUM, raised_by=agent, raised_at=now - dt.timedelta(days=30),
        ack_due=(now + dt.timedelta(days=3)).date(), status=SignalStatus.NEW,
    )
    evidence = Evidence.objects.bulk_create([Evidence(signal=signal, contact=c, added_by=agent, added_at=c.started_at + dt.timedelta(minutes=30)) for c in contacts[5::11][:40]])
    Signal.objects.filter(pk=signal.pk).update(evidence_count=len(evidence))
    articles = []
    for i in range(40):
        article = article_create(user=backoffice, owner_department=belastingen, title=f"Benchartikel {i}: {inbox_bench.SUBJECTS[i % len(inbox_bench.SUBJECTS)]}", body="Uitleg.")
        article_publish(user=backoffice, article=article, summary="Eerste versie")
        articles.append(article)
    links = ContactArticle.objects.bulk_create([ContactArticle(contact=c, article=a, marked_by=agent) for c, a in zip(contacts[2::9], articles, strict=False)])
    for link in links:
        ContactArticle.objects.filter(pk=link.pk).update(created_at=link.contact.started_at + dt.timedelta(minutes=3))
    return heavy.pk


def seed_duplicates() -> None:
    """Dates of birth on 5% of the customers, and 2,000 pairs sharing a phone number (once)."""
    from django.db import connection

    from kcc.core.models import Customer

    if Customer.objects.filter(birth_date__isnull=False).exists():
        return
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("UPDATE core_customer SET birth_date = DATE '1940-01-01' + (id * 7919 %% 25000)::int WHERE id %% 20 = 0", [])
        cur.execute(
            """
            UPDATE core_digitaladdress AS a SET value = b.value
            FROM core_digitaladdress AS b
            WHERE a.kind = 'phone' AND b.kind = 'phone' AND b.customer_id = a.customer_id - 1 AND a.customer_id %% 97 = 0
              AND a.id IN (SELECT id FROM core_digitaladdress WHERE kind = 'phone' AND customer_id %% 97 = 0 ORDER BY id LIMIT 2000)
            """,
            [],
        )
        cur.execute("ANALYZE core_customer; ANALYZE core_digitaladdress")
    print(f"seed: duplicates in {time.perf_counter() - t0:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print the plan of each page's data queries")
    args = parser.parse_args()

    if "BENCH_DATABASE_URL" not in os.environ:
        inbox_bench.ensure_database(DEFAULT_URL)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from channels.models import Contact
    from kcc.core.models import Customer

    call_command("migrate", verbosity=0)
    if args.reseed:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE inbox_contact, core_customer CASCADE")
    seed_background(args.contacts, args.customers)
    heavy = seed_heavy()
    seed_duplicates()
    User = get_user_model()
    total, customers = Contact.objects.count(), Customer.objects.count()
    heavy_contacts = Contact.objects.filter(customer_id=heavy).count()
    print(f"machine: {os.cpu_count()} CPUs, load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"data: {total:,} contacts, {customers:,} customers; timeline resident #{heavy} with {heavy_contacts} contacts")

    agent = Client()
    agent.force_login(User.objects.get(username="agent"))
    lead = Client()
    lead.force_login(User.objects.get(username="teamleider"))
    base = f"/inbox/klanten/{heavy}/tijdlijn/"
    url = base
    for _ in range(4):  # follow "Oudere items" to page 5
        html = agent.get(url).content.decode()
        url = re.search(r'href="([^"]+)" hx-get', html).group(1).replace("&amp;", "&")
    page5 = url
    html = lead.get("/inbox/klanten/dubbele/").content.decode()
    dup_next = re.search(r'href="(/inbox/klanten/dubbele/\?[^"]*na=[^"]+)"', html)
    cases = [
        (agent, f"timeline, first page, every kind ({heavy_contacts} contacts)", base, {}),
        (agent, "timeline, page 5 (keyset cursor, htmx fragment)", page5, {"HTTP_HX_REQUEST": "true"}),
        (agent, "timeline, contacts only", base + "?soort=contact", {}),
        (agent, "timeline, callbacks only", base + "?soort=callback", {}),
        (agent, "customer page (first page of the stream)", f"/klanten/{heavy}/", {}),
        (lead, f"duplicate list, same phone ({customers:,} customers)", "/inbox/klanten/dubbele/", {}),
        (lead, "duplicate list, same phone, page 2", dup_next.group(1).replace("&amp;", "&") if dup_next else "/inbox/klanten/dubbele/", {}),
        (lead, "duplicate list, same name + date of birth", "/inbox/klanten/dubbele/?soort=name_birth_date", {}),
        (lead, "duplicate list, same name + postcode", "/inbox/klanten/dubbele/?soort=name_postcode", {}),
    ]
    inbox_bench.DATA_TABLES = DATA_TABLES
    print()
    print("| page | p50 ms | p95 ms | Python CPU p50 ms | queries | bare SQL p50 ms | bare SQL p95 ms | ratio p50 | ratio p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    failed, plans = [], []
    pct = inbox_bench.percentile
    for client, label, url, headers in cases:
        times, cpu, queries, data_sql, _ = inbox_bench.measure_page(client, url, args.requests, headers)
        sql_times = inbox_bench.measure_sql(data_sql, args.requests)
        p50, p95, s50, s95 = pct(times, 50), pct(times, 95), pct(sql_times, 50), pct(sql_times, 95)
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {pct(cpu, 50):.1f} | {queries} | {s50:.2f} | {s95:.2f} | {p50 / s50:.1f}x | {p95 / s95:.1f}x |")
        if p95 >= 100:
            failed.append(label)
        if args.explain:
            plans += [(label, inbox_bench.explain(sql)) for sql in data_sql]
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
