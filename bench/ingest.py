#!/usr/bin/env python3
"""Benchmark: e-mail ingestion throughput on PostgreSQL.

Seeds (once) a database named kcc_bench_ingest with 200,000 earlier e-mail contacts and
messages (so the Message-ID lookups of threading run against a realistically filled index) and
20,000 residents, 15,000 of them with a verified e-mail address. Then, per run, it generates
5,000 realistic mails (new questions, replies to earlier ones in the batch, HTML mails, mails
with a PDF attachment, automatic replies, exact duplicates and a few malformed ones) and
measures:

* ``ingest_email()`` called directly (the core every source uses): messages per second and the
  p50/p95 time per message;
* ``manage.py ingest_email`` on an mbox of 1,000 of them (file reading, mbox splitting);
* ``POST /api/inbound/email/`` with a Standard Webhooks signature, 500 requests through
  Django's test client;
* the bare SQL one new message needs (store raw, claim fingerprint, thread lookup, customer
  lookup, insert contact and message, mark processed), with a raw cursor in one transaction:
  the ratio shows what parsing, sanitising and the ORM add.

Usage: .venv/bin/python bench/ingest.py [--mails N]
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kcc_bench_ingest).
"""

import argparse
import hashlib
import mailbox
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kcc_bench_ingest")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("REDIS_URL", "")
os.environ["DJANGO_SETTINGS_MODULE"] = "kcc.settings.test"

EARLIER_CONTACTS = 200_000
CUSTOMERS = 20_000
VERIFIED = 15_000
WEBHOOK_SECRET = "whsec_YmVuY2htYXJrLWdlaGVpbS0yMDI2"

SUBJECTS = [
    "Vraag over de afvalpas", "Parkeervergunning aanvragen", "Bezwaar WOZ-waarde", "Grofvuil ophalen",
    "Kwijtschelding gemeentelijke belastingen", "Paspoort verlopen", "Verhuizing doorgeven", "Lantaarnpaal kapot",
    "Wmo-aanvraag scootmobiel", "Geluidsoverlast buren", "Container niet geleegd", "Uittreksel BRP",
]
BODIES = [
    "Goedendag,\n\nIk heb een vraag over {s}. Kunt u mij laten weten hoe ik dit moet aanpakken?\n\nMet vriendelijke groet,\n{n}",
    "Beste KCC,\n\nSinds vorige week probeer ik al iets te regelen rond {s}, maar ik kom er niet uit. "
    "Op de website staat dat ik moet bellen, maar ik ben overdag niet bereikbaar.\n\nGroet,\n{n}",
    "Hallo,\n\nWat zijn de kosten voor {s} en hoe lang duurt het?\n\n{n}",
]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 40_000 + b"\n%%EOF\n"


def ensure_database():
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(out=print):
    """Earlier contacts/messages and residents, with generate_series (once)."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM core_customer")
        if cur.fetchone()[0] >= CUSTOMERS:
            return
        out(f"Seeding {CUSTOMERS:,} residents and {EARLIER_CONTACTS:,} earlier e-mail contacts…")
        started = time.perf_counter()
        cur.execute(
            """
            INSERT INTO core_customer (first_name, name_prefix, last_name, street, house_number_addition, postcode, city,
                                       bsn, name_folded, created_at, updated_at)
            SELECT 'Inwoner', '', 'Nummer ' || g, 'Dorpsstraat', '', '1011AB', 'Voorbeeldstad', '', 'inwoner nummer ' || g, now(), now()
            FROM generate_series(1, %s) AS g
            """,
            [CUSTOMERS],
        )
        cur.execute(
            """
            INSERT INTO core_digitaladdress (customer_id, kind, value, is_default, verified_at)
            SELECT id, 'email', 'inwoner' || (row_number() OVER (ORDER BY id)) || '@example.nl', true,
                   CASE WHEN row_number() OVER (ORDER BY id) <= %s THEN now() ELSE NULL END
            FROM core_customer
            """,
            [VERIFIED],
        )
        cur.execute(
            """
            INSERT INTO inbox_contact (channel, direction, subject, question, notes, status, started_at, outcome,
                                       conversation_key, case_identification, external_id, caller_address, created_at, updated_at)
            SELECT 'email', 'inbound', 'Eerdere vraag ' || g, '', '', 'closed', now() - (g || ' minutes')::interval,
                   'resolved', md5(g::text)::uuid, '', '', '', now(), now()
            FROM generate_series(1, %s) AS g
            """,
            [EARLIER_CONTACTS],
        )
        cur.execute(
            """
            INSERT INTO inbox_message (contact_id, direction, channel, sender, sender_address, recipients, subject,
                                       message_id, in_reply_to, "references", provider_message_id, body_text, body_html,
                                       is_auto_reply, sent_at, created_at, delivery_status, delivery_error)
            SELECT id, 'inbound', 'email', 'Inwoner', 'eerder' || id || '@example.nl', 'kcc@voorbeeldstad.example',
                   subject, '<eerder-' || id || '@example.nl>', '', '', '', 'Eerdere vraag.', '', false, started_at, now(), '', ''
            FROM inbox_contact
            """
        )
        cur.execute("ANALYZE")
    out(f"  seeded in {time.perf_counter() - started:.1f} s")


def reset_run():
    """Remove what earlier runs ingested (keeps the seeded history)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM inbox_attachment")
        cur.execute("DELETE FROM inbox_emailfingerprint")
        cur.execute("DELETE FROM inbox_message WHERE raw_id IS NOT NULL OR direction = 'outbound'")
        cur.execute("DELETE FROM inbox_contact WHERE NOT EXISTS (SELECT 1 FROM inbox_message m WHERE m.contact_id = inbox_contact.id)")
        cur.execute("DELETE FROM inbox_inboundraw")


def make_mails(count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    """(kind, raw) in arrival order."""
    from email.utils import format_datetime

    from django.utils import timezone

    mails: list[tuple[str, bytes]] = []
    sent: list[tuple[str, str, str]] = []  # (message-id, sender, subject)
    now = timezone.now()
    for n in range(count):
        roll = rng.random()
        if roll < 0.02 and mails:
            kind, raw = rng.choice([m for m in mails if m[0] in ("new", "reply")] or mails)
            mails.append(("duplicate", raw))
            continue
        if roll < 0.03:
            mails.append(("malformed", bytes(rng.getrandbits(8) for _ in range(600))))
            continue
        msg_id = f"<{uuid.uuid4().hex}@mail{n % 7}.example.nl>"
        date = format_datetime(now)
        if roll < 0.33 and sent:
            parent_id, sender, subject = rng.choice(sent[-500:])
            headers = [f"From: {sender}", f"Subject: Re: {subject}", f"In-Reply-To: {parent_id}", f"References: {parent_id}"]
            kind = "reply"
        else:
            number = rng.randint(1, CUSTOMERS * 2)  # half of them known residents
            sender = f"Inwoner {number} <inwoner{number}@example.nl>"
            subject = rng.choice(SUBJECTS)
            headers = [f"From: {sender}", f"Subject: {subject}"]
            kind = "new"
        if 0.95 < roll < 0.97:
            headers.append("Auto-Submitted: auto-replied")
            kind = "auto-reply"
        headers += ["To: KCC <kcc@voorbeeldstad.example>", f"Date: {date}", f"Message-ID: {msg_id}", "MIME-Version: 1.0"]
        text = rng.choice(BODIES).format(s=subject.lower(), n=sender.split(" <")[0])
        if 0.85 < roll < 0.90:
            boundary = uuid.uuid4().hex
            body = (
                f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n"
                f"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--{boundary}\r\n"
                f"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"brief.pdf\"\r\n"
                f"Content-Transfer-Encoding: base64\r\n\r\n"
            ).encode() + __import__("base64").encodebytes(PDF).replace(b"\n", b"\r\n") + f"--{boundary}--\r\n".encode()
            kind = kind if kind != "new" else "attachment"
        elif 0.90 < roll < 0.95:
            html = "".join(f"<p>{line}</p>" for line in text.split("\n") if line) + '<p><a href="https://www.voorbeeldstad.example">site</a></p>'
            body = f"Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>{html}<script>track()</script></body></html>\r\n".encode()
            kind = kind if kind != "new" else "html"
        else:
            body = ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text.replace("\n", "\r\n") + "\r\n").encode()
        raw = ("\r\n".join(headers) + "\r\n").encode() + body
        mails.append((kind, raw))
        sent.append((msg_id, sender, subject))
    return mails


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure_direct(mails):
    from channels.constants import InboundSource
    from channels.ingestion import ingest_email

    times, labels = [], {}
    started = time.perf_counter()
    for _kind, raw in mails:
        t = time.perf_counter()
        result = ingest_email(raw=raw, source=InboundSource.EMAIL_FILE)
        times.append((time.perf_counter() - t) * 1000)
        labels[result.label] = labels.get(result.label, 0) + 1
    total = time.perf_counter() - started
    return total, times, labels


def measure_command(mails):
    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.mbox"
        box = mailbox.mbox(path)
        for _kind, raw in mails:
            box.add(raw)
        box.flush()
        box.close()
        started = time.perf_counter()
        call_command("ingest_email", str(path), quiet_items=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        return time.perf_counter() - started


def measure_webhook(mails):
    from django.test import Client
    from django.test.utils import override_settings

    from channels.webhooks import sign

    client = Client()
    times = []
    with override_settings(KCC_WEBHOOK_EMAIL_SECRET=WEBHOOK_SECRET):
        for _kind, raw in mails:
            msg_id = f"msg_{uuid.uuid4().hex}"
            ts = int(time.time())
            headers = {"HTTP_WEBHOOK_ID": msg_id, "HTTP_WEBHOOK_TIMESTAMP": str(ts), "HTTP_WEBHOOK_SIGNATURE": sign(WEBHOOK_SECRET, msg_id, ts, raw)}
            t = time.perf_counter()
            response = client.post("/api/inbound/email/", data=raw, content_type="message/rfc822", **headers)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code in (200, 202), response.content
    return times


def measure_bare_sql(count: int):
    """The statements one new, unthreaded message needs, without parsing or the ORM."""
    from django.db import connection, transaction

    times = []
    with connection.cursor() as cur:
        for n in range(count):
            payload = f"From: inwoner{n}@example.nl\r\nSubject: kaal\r\n\r\nTekst {uuid.uuid4().hex}\r\n".encode()
            sha = hashlib.sha256(payload).hexdigest()
            t = time.perf_counter()
            with transaction.atomic():
                cur.execute(
                    "INSERT INTO inbox_inboundraw (source, received_at, payload, sha256, dedupe_key, meta, status, error, attempts)"
                    " VALUES ('email_file', now(), %s, %s, NULL, '{}', 'pending', '', 0) RETURNING id",
                    [payload, sha],
                )
                raw_id = cur.fetchone()[0]
            with transaction.atomic():
                cur.execute("SELECT id FROM inbox_inboundraw WHERE id = %s FOR UPDATE", [raw_id])
                cur.execute("INSERT INTO inbox_emailfingerprint (fingerprint, raw_id, created_at) VALUES (%s, %s, now())", [sha, raw_id])
                cur.execute("SELECT contact_id FROM inbox_message WHERE message_id IN (%s, %s)", [f"<x{n}@example.nl>", f"x{n}@example.nl"])
                cur.execute(
                    "SELECT DISTINCT customer_id FROM core_digitaladdress WHERE kind = 'email' AND value = %s AND verified_at IS NOT NULL LIMIT 2",
                    [f"inwoner{n}@example.nl"],
                )
                cur.execute(
                    "INSERT INTO inbox_contact (channel, direction, subject, question, notes, status, started_at, outcome, conversation_key,"
                    " case_identification, external_id, caller_address, created_at, updated_at)"
                    " VALUES ('email', 'inbound', 'kaal', '', '', 'new', now(), '', %s, '', '', '', now(), now()) RETURNING id",
                    [uuid.uuid4()],
                )
                contact_id = cur.fetchone()[0]
                cur.execute(
                    "INSERT INTO inbox_message (contact_id, direction, channel, raw_id, sender, sender_address, recipients, subject, message_id,"
                    " in_reply_to, \"references\", provider_message_id, body_text, body_html, is_auto_reply, sent_at, created_at,"
                    " delivery_status, delivery_error)"
                    " VALUES (%s, 'inbound', 'email', %s, '', '', '', 'kaal', %s, '', '', '', 'Tekst', '', false, now(), now(), '', '')",
                    [contact_id, raw_id, f"<kaal-{uuid.uuid4().hex}@example.nl>"],
                )
                cur.execute("UPDATE inbox_inboundraw SET status = 'processed', processed_at = now() WHERE id = %s", [raw_id])
            times.append((time.perf_counter() - t) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mails", type=int, default=5000)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    import logging
    import warnings

    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at")
    from django.conf import settings

    settings.KCC_EMAIL_ACKNOWLEDGE = False
    seed()
    reset_run()
    rng = random.Random(20260302)
    mails = make_mails(args.mails, rng)
    kinds = {}
    for kind, _raw in mails:
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"Generated {len(mails):,} mails: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))

    # The paths are measured in interleaved rounds, so that all of them see the same load on a
    # shared machine (the ratio to the bare SQL is then meaningful).
    rounds = 5
    chunk = len(mails) // rounds
    command_mails = make_mails(1000, random.Random(7))
    webhook_mails = make_mails(500, random.Random(11))
    total, times, labels, command_seconds, webhook_times, bare = 0.0, [], {}, 0.0, [], []
    with tempfile.TemporaryDirectory() as media:
        from django.core.files.storage import FileSystemStorage

        from channels.models import Attachment

        Attachment._meta.get_field("file").storage = FileSystemStorage(location=media)
        for n in range(rounds):
            round_total, round_times, round_labels = measure_direct(mails[n * chunk:(n + 1) * chunk])
            total += round_total
            times += round_times
            for key, value in round_labels.items():
                labels[key] = labels.get(key, 0) + value
            command_seconds += measure_command(command_mails[n * 200:(n + 1) * 200])
            webhook_times += measure_webhook(webhook_mails[n * 100:(n + 1) * 100])
            bare += measure_bare_sql(100)
    print("Outcome: " + ", ".join(f"{k} {v}" for k, v in sorted(labels.items())))

    direct_rate = len(mails) / total
    rows = [
        ("ingest_email() direct", len(mails), direct_rate, statistics.median(times), pct(times, 95)),
        ("manage.py ingest_email (mbox)", len(command_mails), len(command_mails) / command_seconds, None, None),
        ("POST /api/inbound/email/", len(webhook_times), len(webhook_times) / (sum(webhook_times) / 1000), statistics.median(webhook_times), pct(webhook_times, 95)),
        ("bare SQL per new message", len(bare), len(bare) / (sum(bare) / 1000), statistics.median(bare), pct(bare, 95)),
    ]
    print()
    print(f"{'path':<32} {'msgs':>6} {'msg/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'ratio p50':>10}")
    for name, n, rate, p50, p95 in rows:
        ratio = f"{p50 / statistics.median(bare):.1f}" if p50 else "—"
        p50_text = f"{p50:.1f}" if p50 is not None else "—"
        p95_text = f"{p95:.1f}" if p95 is not None else "—"
        print(f"{name:<32} {n:>6} {rate:>8.0f} {p50_text:>8} {p95_text:>8} {ratio:>10}")
    reset_run()


if __name__ == "__main__":
    main()
