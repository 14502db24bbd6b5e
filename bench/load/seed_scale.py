"""Scale the load-test database up to a realistic volume, reusing the benchmarks' bulk seeding
(PostgreSQL INSERT ... SELECT generate_series, not the ORM):

* customers and contacts: bench/inbox.py (one contact every 31 seconds back from now, 60% phone,
  30% e-mail, 10% social; of the last three days about half still open);
* callback requests: bench/callbacks.py (spread over a year, the last twelve days partly open);
* knowledge-base articles: bench/knowledgebase.py (generated municipal articles next to the demo
  articles; its synthetic usage links are skipped, they would add contacts to the queue).

Run by run.py in its own process, after migrate and seed_demo, with BENCH_DATABASE_URL pointing
at the load database (the bench modules read it on import). Each step only adds what is missing.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kcc_load \
        .venv/bin/python bench/load/seed_scale.py --contacts 200000 --customers 50000 --callbacks 30000 --articles 1500
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, required=True)
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--callbacks", type=int, required=True)
    parser.add_argument("--articles", type=int, required=True)
    args = parser.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL"):
        print("BENCH_DATABASE_URL must point at the load database", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    # The bench modules take the database from BENCH_DATABASE_URL when imported, and run with
    # the test settings (their seeding writes through raw SQL and bulk_create only; users and
    # passwords come from seed_demo, which run.py runs with the production settings).
    os.environ["DJANGO_SETTINGS_MODULE"] = "kcc.settings.test"
    import django

    from bench import callbacks as callbacks_bench
    from bench import inbox as inbox_bench
    from bench import knowledgebase as kb_bench

    django.setup()
    inbox_bench.seed(args.contacts, args.customers, reseed=False)
    # bench/inbox.py gives its residents +31 60... numbers, which are not valid Dutch mobile
    # numbers: the caller search and the callback form would refuse what the agents type. Give
    # them valid, unique +31 61... numbers instead.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE core_digitaladdress SET value = '+3161' || lpad((customer_id % 10000000)::text, 7, '0') "
            "WHERE kind = 'phone' AND value LIKE '+3160%'"
        )
        if cur.rowcount:
            print(f"  {cur.rowcount} generated phone numbers made valid (+31 61...)")
    callbacks_bench.seed(args.callbacks, reseed=False)
    kb_bench.TOTAL_ARTICLES = args.articles
    kb_bench.USAGE_LINKS = 0
    kb_bench.seed(out=print)
    print(f"scale seeding done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
