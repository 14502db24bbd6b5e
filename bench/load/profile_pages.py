#!/usr/bin/env python3
"""Profile the pages of the load scenario one by one, without concurrency: server time (Django's
test client: middleware, session, view, template; no network), the CPU time of the Python
process (what a gunicorn worker spends, independent of how busy the machine is), query count
and the time spent in SQL, per page type. Shows which requests are intrinsically expensive, as opposed to slow
because the machine is busy.

    .venv/bin/python bench/load/profile_pages.py [--requests 30]

Uses the database kcc_load as bench/load/run.py left it (run that first) with the production
settings (over HTTPS as behind the proxy), logged in as the demo agent. Prints a Markdown table.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
for key in [k for k in os.environ if k.startswith(("DJANGO_", "KCC_"))]:
    del os.environ[key]
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "kcc.settings.prod",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kcc_load",
    "REDIS_URL": "redis://127.0.0.1:6379/8",
    "LOG_LEVEL": "ERROR",
    "DJANGO_STATIC_ROOT": str(ROOT / "var" / "load" / "static"),
})


def pct(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    f, c = int(k), min(int(k) + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from channels.models import Contact
    from kcc.core.models import DigitalAddress
    from knowledgebase.models import Article

    rng = random.Random(7)
    agent = get_user_model().objects.get(username="agent")
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(agent)
    open_ids = list(Contact.objects.exclude(status="closed").order_by("?").values_list("pk", flat=True)[:200])
    any_ids = list(Contact.objects.order_by("?").values_list("pk", flat=True)[:200])
    phones = list(DigitalAddress.objects.filter(kind="phone", is_default=True, customer__merged_into__isnull=True)
                  .order_by("?").values_list("customer_id", "value")[:200])
    article_ids = list(Article.objects.filter(status="published").order_by("?").values_list("pk", flat=True)[:200])
    queries = ["paspoort verlengen", "verhuizen", "afvalpas kwijt", "woz bezwaar", "parkeervergunning aanvragen", "kwijtschelding", "pasp"]
    htmx = {"HTTP_HX_REQUEST": "true"}

    pages = [
        ("kb: search as you type", lambda: (f"/kennisbank/?q={rng.choice(queries)}&department=&tag=", htmx)),
        ("kb: article", lambda: (f"/kennisbank/artikel/{rng.choice(article_ids)}/", {})),
        ("contact: screen (open contact)", lambda: (f"/inbox/contact/{rng.choice(open_ids)}/", {})),
        ("contact: screen (any contact)", lambda: (f"/inbox/contact/{rng.choice(any_ids)}/", {})),
        ("customer: page", lambda: (f"/klanten/{rng.choice(phones)[0]}/", {})),
        ("call: form", lambda: ("/inbox/telefoon/", {})),
        ("call: caller search (POST)", lambda: ("/inbox/telefoon/zoeken/", {**htmx, "data": {"q": rng.choice(phones)[1]}})),
        ("callback: form", lambda: (f"/terugbellen/nieuw/?customer={rng.choice(phones)[0]}", {})),
        ("inbox: page", lambda: ("/inbox/", {})),
        ("inbox: poll (200)", lambda: ("/inbox/?", {**htmx, "HTTP_X_KCC_BACKGROUND": "1"})),
    ]
    print(f"{args.requests} requests per page, one at a time, as user 'agent'\n")
    print("| page | p50 ms | p95 ms | Python CPU p50 ms | queries | SQL ms (median) | slowest query ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, make in pages:
        def fetch(url, headers):
            if "data" in headers:
                headers = dict(headers)
                return client.post(url, headers.pop("data"), **headers)
            return client.get(url, **headers)

        for _ in range(3):
            url, headers = make()
            assert fetch(url, headers).status_code == 200, url
        times, cpu, counts, sql_times, slowest = [], [], [], [], []
        for _ in range(args.requests):
            url, headers = make()
            with CaptureQueriesContext(connection) as ctx:
                t0, c0 = time.perf_counter(), time.process_time()
                response = fetch(url, headers)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            q = [float(x["time"]) * 1000 for x in ctx.captured_queries]
            counts.append(len(q))
            sql_times.append(sum(q))
            slowest.append(max(q) if q else 0)
        print(f"| {name} | {pct(times, 50):.0f} | {pct(times, 95):.0f} | {pct(cpu, 50):.0f} | {statistics.median(counts):.0f} | "
              f"{statistics.median(sql_times):.0f} | {max(slowest):.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
