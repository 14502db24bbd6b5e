#!/usr/bin/env python3
"""Benchmark: knowledge-base search over 10,000 articles in PostgreSQL.

Seeds (once) a database named kcc_bench_knowledgebase with the 150 demo articles plus 9,850
generated articles on municipal subjects (sharing vocabulary with the real ones, so ranking is
not trivial) and 8,000 recent usage links. Then, for a fixed set of typical agent queries with
the article each should find:

* server time of the search-as-you-type request (the htmx fragment the browser asks for
  while typing), through Django's test client: p50/p95 per query and overall;
* the bare SQL the page needs (the ranked-candidates and usage queries, captured from the
  same request and re-run with a raw cursor): the ratio shows the framework overhead;
* top-3 relevance: whether the expected article is among the first three results.

Usage: .venv/bin/python bench/knowledgebase.py [--repeat N]
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kcc_bench_knowledgebase).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kcc_bench_knowledgebase")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("REDIS_URL", "")
os.environ["DJANGO_SETTINGS_MODULE"] = "kcc.settings.test"

TOTAL_ARTICLES = 10_000
USAGE_LINKS = 8_000

# query -> title of the article an agent expects in the top 3
QUERIES = [
    ("paspoort verlengen", "Paspoort verlengen"),
    ("paspoort verlengn", "Paspoort verlengen"),
    ("verhuizen", "Verhuizing doorgeven"),
    ("adreswijziging", "Verhuizing doorgeven"),
    ("afvalpas kwijt", "Afvalpas kwijt of kapot"),
    ("grofvuil ophalen", "Grofvuil laten ophalen"),
    ("grofvuul", "Grofvuil laten ophalen"),
    ("woz bezwaar", "Bezwaar maken tegen de WOZ-waarde"),
    ("kwijtschelding", "Kwijtschelding gemeentelijke belastingen"),
    ("parkeervergunning aanvragen", "Parkeervergunning voor bewoners aanvragen"),
    ("bijstand aanvragen", "Bijstand aanvragen"),
    ("scootmobiel", "Wmo-hulpmiddel aanvragen (rolstoel, scootmobiel)"),
    ("lantaarnpaal kapot", "Straatverlichting kapot"),
    ("kliko stuk", "Container kapot of gestolen"),
    ("id kaart kwijt", "ID-kaart kwijt of gestolen"),
    ("dakkapel", "Dakkapel plaatsen"),
    ("boom kappen", "Kapvergunning (boom kappen)"),
    ("huurtoeslag", "Huurtoeslag"),
    ("parkeerboete bezwaar", "Bezwaar tegen een parkeerboete (naheffingsaanslag)"),
    ("trouwen", "Trouwen of geregistreerd partnerschap"),
    ("schulden", "Schuldhulpverlening"),
    ("milieustraat openingstijden", "Milieustraat: openingstijden en wat mag er"),
]

SUBJECTS = [
    "subsidie sportvereniging", "ligplaats woonboot", "marktkraam", "grafrechten", "urnenmuur", "speelplaats",
    "hondenlosloopgebied", "fietsenstalling", "wijkbudget", "inburgering", "leerlingenvervoer", "zwembadpas",
    "bibliotheekpas", "buurthuis", "vrijwilligersverzekering", "monumentensubsidie", "gevelreclame", "terrasvergunning",
    "bouwhek", "container op straat", "verhuislift", "steiger op de stoep", "ontheffing venstertijden", "parkeerterrein",
    "laadpaal bedrijven", "deelscooter", "fietswrak", "bootvergunning", "visvergunning", "huwelijkslocatie",
    "trouwambtenaar", "naamskeuze kind", "erkenning ongeboren kind", "levenloos geboren kind", "asbestsanering",
    "bodemonderzoek", "geluidsoverlast", "stankoverlast", "burenruzie", "buurtbemiddeling", "jongerenoverlast",
    "cameratoezicht", "vuurwerkverbod", "carbidschieten", "kermis", "braderie", "sinterklaasintocht",
    "koningsdag vrijmarkt", "straatspeeldag", "blokhut", "zonnepanelen bedrijfspand", "warmtenet", "aardgasvrije wijk",
    "isolatielening", "energieloket", "regenton", "groen dak", "geveltuin", "boomspiegel", "snoeiafval",
    "bladkorven", "ganzenoverlast", "eikenprocessierups", "muggenoverlast", "duivenoverlast", "zwerfkatten",
    "dierenambulance", "kinderboerderij", "gemeentelijk monument", "archief bouwtekeningen", "kadastrale kaart",
    "huisnummerbesluit", "straatnaambord", "adresonderzoek", "briefadres", "postadres dak- en thuislozen",
    "maatschappelijke opvang", "nachtopvang", "schuldenbewind", "budgetcursus", "voedselbank", "kledingbank",
    "taalcafé", "digitaal spreekuur", "DigiD-hulp", "machtiging DigiD", "mijnoverheid berichtenbox",
    "wachtlijst sociale huur", "woningruil", "seniorenwoning", "studentenhuisvesting", "kamerverhuur",
    "vakantieverhuur registratie", "leegstandsbeheer", "krakers", "splitsingsvergunning", "woningvorming",
    "mantelzorgwoning", "tiny house", "woonwagenstandplaats", "ligplaatsbelasting", "reclamebelasting",
    "precariobelasting", "marktgeld", "leges evenement", "legesverordening", "bouwleges", "sloopleges",
    "rioolaansluiting", "huisaansluiting riool", "grondwateroverlast", "kelder onder water", "drainage",
    "bestemmingsplan", "omgevingsplan", "zienswijze", "inspraakavond", "raadsvergadering", "burgerinitiatief",
    "referendum", "verkiezingen stempas", "volmacht stemmen", "kiezerspas", "stembureau vrijwilliger",
]
ACTIONS = [
    "{s} aanvragen", "{s} wijzigen", "{s} opzeggen", "Bezwaar tegen {s}", "Kosten van {s}", "Status van {s}",
    "{s} verlengen", "Klacht over {s}", "Informatie over {s}", "Melding over {s}", "Vergoeding voor {s}",
    "Wachttijd voor {s}", "Voorwaarden voor {s}", "Termijn voor {s}",
]
QUALIFIERS = ["", " voor ondernemers", " voor verenigingen", " in Dorpsveen", " in Oudewater aan Zee", " voor 65-plussers", " met spoed"]
SENTENCES = [
    "De inwoner kan dit online regelen met DigiD of op afspraak aan de balie.",
    "Binnen {n} werkdagen ontvangt de inwoner een besluit per post of in de Berichtenbox.",
    "De kosten zijn € {n},{m} en worden bij de aanvraag betaald.",
    "Bij vragen over een lopende aanvraag maakt het KCC een terugbelverzoek voor de vakafdeling.",
    "Let op: zonder volledige gegevens wordt de aanvraag niet in behandeling genomen.",
    "Bezwaar maken kan binnen 6 weken na de datum van het besluit.",
    "Meer informatie staat op de website van de gemeente.",
    "Ondernemers kunnen contact opnemen met het ondernemersloket.",
    "De behandeling duurt in de drukke maanden langer dan gebruikelijk.",
    "Vermeld altijd het kenmerk uit de brief van de gemeente.",
]


def ensure_database():
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(out=print):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from kcc.core.constants import Role
    from kcc.core.demo import seed_departments
    from kcc.core.normalize import fold_text
    from kcc.core.services import staff_role_grant
    from knowledgebase import demo
    from knowledgebase.constants import ArticleStatus
    from knowledgebase.models import Article, ArticleVersion
    from knowledgebase.rendering import render_markdown

    call_command("migrate", verbosity=0)
    User = get_user_model()
    departments = seed_departments(lambda *_: None)
    editor, _ = User.objects.get_or_create(username="redacteur")
    staff_role_grant(user=editor, department=departments["kcc"], role=Role.EDITOR)
    agent, _ = User.objects.get_or_create(username="agent")
    staff_role_grant(user=agent, department=departments["kcc"], role=Role.AGENT)
    if Article.objects.count() < len(demo.TOPICS):
        demo.seed_articles(out, departments, editor)
        demo.seed_versions(out, editor)
    missing = TOTAL_ARTICLES - Article.objects.count()
    if missing > 0:
        out(f"generating {missing} articles…")
        rng = random.Random(10_000)
        titles = [a.format(s=s[0].upper() + s[1:]) + q for q in QUALIFIERS for s in SUBJECTS for a in ACTIONS]
        rng.shuffle(titles)
        deps = [d for d in departments.values() if not d.is_kcc]
        now = timezone.now()
        with transaction.atomic():
            articles = []
            for title in titles[:missing]:
                body = " ".join(rng.choice(SENTENCES).format(n=rng.randint(2, 90), m=rng.randint(10, 99)) for _ in range(rng.randint(3, 7)))
                synonyms = ", ".join(rng.sample(SUBJECTS, 2))
                articles.append(Article(
                    title=title, body=body, body_html=render_markdown(body), question=f"Vraag over {title.lower()}",
                    owner_department=rng.choice(deps), synonyms=synonyms, status=ArticleStatus.DRAFT,
                    search_text=fold_text(f"{title} {synonyms.replace(',', ' ')}"), published_at=now,
                ))
            Article.objects.bulk_create(articles, batch_size=1000)
            created = Article.objects.filter(status=ArticleStatus.DRAFT, current_version__isnull=True)
            versions = [
                ArticleVersion(article_id=a.pk, number=1, title=a.title, kind=a.kind, question=a.question, body=a.body,
                               body_html=a.body_html, synonyms=a.synonyms, audience=a.audience,
                               owner_department_id=a.owner_department_id, summary="Eerste versie", published_at=now)
                for a in created
            ]
            ArticleVersion.objects.bulk_create(versions, batch_size=1000)
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    UPDATE knowledgebase_article a SET
                      status = 'published', current_version_id = v.id,
                      head_vector = setweight(to_tsvector('dutch', a.title), 'A')
                                 || setweight(to_tsvector('dutch', replace(a.synonyms, ',', ' ')), 'B'),
                      search_vector = setweight(to_tsvector('dutch', a.title), 'A')
                                   || setweight(to_tsvector('dutch', replace(a.synonyms, ',', ' ')), 'B')
                                   || setweight(to_tsvector('dutch', a.question || ' ' || a.body), 'C')
                    FROM knowledgebase_articleversion v
                    WHERE v.article_id = a.id AND v.number = 1 AND a.status = 'draft' AND a.current_version_id IS NULL
                    """
                )
        out(f"  articles: {Article.objects.count()}")
    seed_usage(out, agent)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE knowledgebase_article")


def seed_usage(out, agent):
    from django.db import transaction
    from django.utils import timezone

    from channels.models import Contact, ContactArticle
    from knowledgebase.models import Article

    if ContactArticle.objects.count() >= USAGE_LINKS:
        return
    rng = random.Random(90)
    ids = list(Article.objects.values_list("pk", flat=True))
    now = timezone.now()
    with transaction.atomic():
        contacts = Contact.objects.bulk_create(
            [Contact(channel="phone", subject="Vraag", started_at=now) for _ in range(USAGE_LINKS)], batch_size=1000
        )
        links = [ContactArticle(contact=c, article_id=rng.choice(ids), marked_by=agent) for c in contacts]
        ContactArticle.objects.bulk_create(links, batch_size=1000)
        # Spread the usage over the last 120 days: part of it falls outside the 90-day window.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE inbox_contactarticle SET created_at = now() - (random() * interval '120 days')")
    out(f"  usage links: {ContactArticle.objects.count()}")


def pct(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(repeat: int):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from knowledgebase.selectors import article_search

    agent = get_user_model().objects.get(username="agent")
    client = Client()
    client.force_login(agent)
    url = reverse("knowledgebase:search")
    rows, all_times, hits = [], [], 0
    for query, expected in QUERIES:
        client.get(url, {"q": query}, HTTP_HX_REQUEST="true")  # warm up
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url, {"q": query}, HTTP_HX_REQUEST="true")
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        # The bare SQL this request needs: the knowledge-base queries it ran, re-run raw.
        with CaptureQueriesContext(connection) as ctx:
            results = article_search(user=agent, q=query)
        sqls = [q["sql"] for q in ctx.captured_queries if "knowledgebase_article" in q["sql"]]
        raw = []
        with connection.cursor() as cursor:
            for _ in range(repeat):
                start = time.perf_counter()
                for sql in sqls:
                    cursor.execute(sql)
                    cursor.fetchall()
                raw.append((time.perf_counter() - start) * 1000)
        top3 = [h.article.title for h in results[:3]]
        hit = expected in top3
        hits += hit
        all_times += times
        rows.append((query, statistics.median(times), pct(times, 95), statistics.median(raw), hit, top3[0] if top3 else "—"))
    return rows, all_times, hits


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.db import connection

    from knowledgebase.models import Article

    started = time.perf_counter()
    seed()
    print(f"seeded/checked in {time.perf_counter() - started:.1f}s: {Article.objects.published().count()} published articles, PostgreSQL {connection.pg_version}")
    rows, all_times, hits = measure(args.repeat)
    print()
    print(f"{'query':<30} {'p50 ms':>7} {'p95 ms':>7} {'SQL ms':>7} {'ratio':>6}  top3  first result")
    for query, p50, p95, raw, hit, first in rows:
        print(f"{query:<30} {p50:7.1f} {p95:7.1f} {raw:7.1f} {p50 / raw if raw else 0:6.1f}  {'yes ' if hit else 'NO  '}  {first[:45]}")
    print()
    print(f"overall: p50 {statistics.median(all_times):.1f} ms, p95 {pct(all_times, 95):.1f} ms over {len(all_times)} requests")
    print(f"top-3 relevance: {hits}/{len(QUERIES)} = {100 * hits / len(QUERIES):.0f}%")
    return 0 if pct(all_times, 95) < 50 else 1


if __name__ == "__main__":
    sys.exit(main())
