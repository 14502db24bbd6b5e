#!/usr/bin/env python3
"""Load test runner: gunicorn with the production settings on PostgreSQL and Redis, a Celery
worker and beat, and the locust scenario of bench/load/locustfile.py, all on 127.0.0.1.

    .venv/bin/python bench/load/run.py                 # 150 agents, 3 minutes, 200k contacts
    .venv/bin/python bench/load/run.py --users 50 --duration 1m --skip-seed

Steps: create database kcc_load if missing (--fresh drops it first); migrate; seed_demo (with
the production settings, so the demo passwords use the production hasher); scale up to
--contacts/--customers/--callbacks/--articles with bench/load/seed_scale.py (0 keeps the demo
volume); collectstatic; write a sample of contact and customer ids for the agents; flush Redis
db 8; start gunicorn (gthread), a Celery worker and Celery beat; wait for /health/; run locust
headless; stop everything it started (also on Ctrl-C or an error); print per request type and
in total: count, throughput, p50/p95/p99, max and error rate, for the whole run and for the
steady state (from the moment every agent has logged in), plus the server-side time per route
from gunicorn's access log and the CPU used per process group.

Everything runs against 127.0.0.1 only and is bounded in time (locust gets --duration plus a
grace period, then it is killed). Output goes to var/load/<timestamp>/ (locust CSV and HTML,
gunicorn/celery logs, samples.json, summary.md). Exit status 0 when the steady-state p95 of the
work mix is under --target-p95 ms and no request failed, 1 otherwise.
"""

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DB_NAME = "kcc_load"
PG_ADMIN = f"postgres://postgres@{HOST}:5432/postgres"
DATABASE_URL = f"postgres://postgres@{HOST}:5432/{DB_NAME}"
REDIS_URL = f"redis://{HOST}:6379/8"
ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(M)s"  # method, path without query string, status, ms

started: list[subprocess.Popen] = []


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", flush=True)


def parse_duration(text: str) -> int:
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", text.strip())
    if not m or not any(m.groups()):
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 3m, 90s, 1h)")
    h, mi, s = (int(g or 0) for g in m.groups())
    return h * 3600 + mi * 60 + s


def app_env(results: Path) -> dict:
    """The production settings, as docker-compose.yml sets them, pointed at the load database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KCC_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "kcc.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # No TLS proxy here: the load client sends X-Forwarded-Proto: https itself, so the
        # HTTP->HTTPS redirect stays off (as in docker-compose.yml).
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "load" / "static"),
        "KCC_PRIVATE_MEDIA_ROOT": str(ROOT / "var" / "load" / "private"),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def run(cmd: list, env: dict, *, timeout: int, quiet: bool = True) -> None:
    log("$ " + " ".join(str(c) for c in cmd))
    result = subprocess.run(cmd, cwd=ROOT, env=env, timeout=timeout, capture_output=quiet, text=True)
    if result.returncode != 0:
        if quiet:
            sys.stderr.write((result.stdout or "")[-4000:] + (result.stderr or "")[-4000:])
        raise SystemExit(f"command failed ({result.returncode}): {cmd}")


def start(name: str, cmd: list, env: dict, results: Path) -> subprocess.Popen:
    """Start a long-running process in its own process group (so it can be stopped with all its
    children), output to <results>/<name>.log."""
    out = open(results / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    proc.kcc_name = name  # type: ignore[attr-defined]
    started.append(proc)
    log(f"started {name} (pid {proc.pid})")
    return proc


def stop_all() -> None:
    """Stop what this script started, newest first: SIGTERM to each process group, then SIGKILL
    after a grace period."""
    for proc in reversed(started):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.time() + 20
    for proc in reversed(started):
        try:
            proc.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)
        log(f"stopped {proc.kcc_name} (pid {proc.pid}, exit {proc.returncode})")
    started.clear()


# --- database ------------------------------------------------------------------------------


def prepare_database(args, env: dict) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and args.fresh:
            log(f"dropping database {DB_NAME}")
            conn.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            log(f"creating database {DB_NAME}")
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    py = str(BIN / "python")
    run([py, "manage.py", "migrate", "--noinput"], env, timeout=900)
    if args.skip_seed:
        return
    t0 = time.time()
    run([py, "manage.py", "seed_demo"], env, timeout=1800)
    log(f"seed_demo done in {time.time() - t0:.0f} s")
    if args.contacts or args.customers or args.callbacks or args.articles:
        seed_env = {**env, "BENCH_DATABASE_URL": DATABASE_URL}
        run([py, "bench/load/seed_scale.py", "--contacts", str(args.contacts), "--customers", str(args.customers),
             "--callbacks", str(args.callbacks), "--articles", str(args.articles)], seed_env, timeout=3600, quiet=False)
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def volumes() -> dict:
    import psycopg

    tables = {
        "customers": "core_customer", "contacts": "inbox_contact", "open contacts": "inbox_contact WHERE status <> 'closed'",
        "messages": "inbox_message", "callbacks": "callbacks_callbackrequest", "articles": "knowledgebase_article",
        "signals": "signalboard_signal", "processing log": "core_processinglogentry",
    }
    out = {}
    with psycopg.connect(DATABASE_URL) as conn:
        for label, table in tables.items():
            try:
                out[label] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            except psycopg.Error:
                conn.rollback()
    return out


def write_agent_data(path: Path, size: int) -> None:
    """Ids the simulated agents open: half from the queue, half from history; customers with
    their default phone number (what the agent types into the caller search)."""
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        open_ids = [r[0] for r in conn.execute(
            "SELECT id FROM inbox_contact WHERE status <> 'closed' ORDER BY random() LIMIT %s", [size // 2])]
        any_ids = [r[0] for r in conn.execute("SELECT id FROM inbox_contact ORDER BY random() LIMIT %s", [size - len(open_ids)])]
        customers = [list(r) for r in conn.execute(
            """SELECT c.id, a.value FROM core_customer c
               JOIN core_digitaladdress a ON a.customer_id = c.id AND a.kind = 'phone' AND a.is_default
               WHERE c.merged_into_id IS NULL ORDER BY random() LIMIT %s""", [size])]
    # Only numbers the application accepts: the demo data holds some that phonenumbers calls
    # invalid (e.g. +31 67...), which the caller search and the callback form refuse.
    import phonenumbers

    customers = [c for c in customers if phonenumbers.is_valid_number(phonenumbers.parse(c[1], "NL"))]
    path.write_text(json.dumps({"contacts": open_ids + any_ids, "customers": customers}))
    log(f"agent data: {len(open_ids) + len(any_ids)} contacts, {len(customers)} customers -> {path.name}")


# --- measuring -----------------------------------------------------------------------------


class CpuSampler(threading.Thread):
    """CPU seconds used during the run: the whole machine (/proc/stat), and per group of
    processes: each process this script started (with its children: its process group) and
    the PostgreSQL backends of the load database. Sampled every second, so that processes that
    come and go (database connections are recycled after CONN_MAX_AGE) are counted too."""

    def __init__(self, interval: float = 1.0):
        super().__init__(daemon=True)
        self.interval = interval
        self.tick = os.sysconf("SC_CLK_TCK")
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.done = threading.Event()
        self.machine_start = self.machine_end = (0.0, 0.0)

    def machine(self) -> tuple[float, float]:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
        return sum(fields[:8]) / self.tick, (fields[3] + fields[4]) / self.tick

    def sample(self, *, initial: bool) -> None:
        pgids = {proc.pid: proc.kcc_name for proc in list(started)}  # type: ignore[attr-defined]
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                raw = (entry / "stat").read_text()
                comm = raw[raw.index("(") + 1: raw.rindex(")")]
                rest = raw[raw.rindex(")") + 2:].split()
                group = pgids.get(int(rest[2]))
                if group is None and comm.startswith("postgres"):
                    # Backends carry "postgres: <user> <database> ..." as their title.
                    title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    if f" {DB_NAME} " in title:
                        group = f"postgresql ({DB_NAME})"
            except (OSError, ValueError, IndexError):
                continue
            if group is None:
                continue
            pid, used = int(entry.name), (int(rest[11]) + int(rest[12])) / self.tick
            self.first.setdefault(pid, used if initial else 0.0)
            self.last[pid] = (group, used)

    def run(self) -> None:
        self.machine_start = self.machine()
        self.sample(initial=True)
        while not self.done.wait(self.interval):
            self.sample(initial=False)

    def stop(self) -> dict:
        self.sample(initial=False)
        self.done.set()
        self.join(timeout=5)
        self.machine_end = self.machine()
        groups: dict[str, float] = defaultdict(float)
        for pid, (group, used) in self.last.items():
            groups[group] += used - self.first.get(pid, 0.0)
        total = self.machine_end[0] - self.machine_start[0]
        busy = total - (self.machine_end[1] - self.machine_start[1])
        return {"total": total, "busy": busy, "groups": dict(groups)}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def stats_table(samples: list, start: float, end: float, *, title: str, sent_after_start: bool = False) -> tuple[str, dict]:
    """Per request type and in total. Samples are stamped when the answer arrived; with
    `sent_after_start` only requests sent after `start` count (not the stragglers of before)."""
    seconds = max(end - start, 1e-9)
    by_name: dict[str, list] = defaultdict(list)
    for t, name, ms, failed in samples:
        began = t - ms / 1000 if sent_after_start else t
        if start <= began and t <= end:
            by_name[name].append((ms, failed))
    rows = []

    def row(label, items):
        times = [ms for ms, _ in items]
        errors = sum(1 for _, failed in items if failed)
        return {
            "name": label, "count": len(items), "rps": len(items) / seconds, "p50": pct(times, 50), "p95": pct(times, 95),
            "p99": pct(times, 99), "max": max(times) if times else float("nan"), "errors": errors,
            "error_rate": errors / len(items) if items else 0.0,
        }

    for name in sorted(by_name):
        rows.append(row(name, by_name[name]))
    work = [x for name, items in by_name.items() if not name.startswith("login") for x in items]
    everything = [x for items in by_name.values() for x in items]
    totals = {"work": row("**total: work mix (without login)**", work), "all": row("**total: all requests**", everything)}
    lines = [
        f"{title} ({seconds:.0f} s)", "",
        "| request | count | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*rows, totals["work"], totals["all"]]:
        lines.append(
            f"| {r['name']} | {r['count']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['max']:.0f} | "
            f"{r['errors']} ({100 * r['error_rate']:.2f}%) |"
        )
    return "\n".join(lines), totals


def server_table(access_log: Path) -> str:
    """Server time per route (ids folded) from gunicorn's access log: what Django spent, without
    the time a request waited for a free worker thread."""
    by_route: dict[str, list[float]] = defaultdict(list)
    if not access_log.exists():
        return ""
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4 or not parts[3].isdigit():
            continue
        method, path, status, ms = parts
        path = re.sub(r"/\d+/", "/<id>/", path)
        route = f"{method} {path} {status}"
        by_route[route].append(float(ms))
    lines = ["| route (server side) | count | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
    for route, times in sorted(by_route.items(), key=lambda kv: -pct(kv[1], 95)):
        lines.append(f"| {route} | {len(times)} | {pct(times, 50):.0f} | {pct(times, 95):.0f} | {pct(times, 99):.0f} |")
    return "\n".join(lines)


def free_port(wanted: int) -> int:
    """The port to bind: a free one when 0; refuse a port that something else listens on (the
    load would otherwise go to that program)."""
    import socket

    with socket.socket() as sock:
        try:
            sock.bind((HOST, wanted))
        except OSError:
            raise SystemExit(f"port {wanted} on {HOST} is in use by another program; choose another --port") from None
        return sock.getsockname()[1]


def wait_healthy(url: str, timeout: int) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        for proc in started:
            if proc.poll() is not None:
                raise SystemExit(f"{proc.kcc_name} exited early ({proc.returncode}); see its log")  # type: ignore[attr-defined]
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} not healthy after {timeout} s")


# --- main ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=150)
    parser.add_argument("--spawn-rate", type=float, default=15)
    parser.add_argument("--duration", type=parse_duration, default="3m", help="e.g. 3m, 90s")
    parser.add_argument("--warmup", type=parse_duration, default="20s", help="unmeasured warm-up with 6 agents (0: none)")
    parser.add_argument("--think", default="2,8", help="think time between actions, 'min,max' seconds")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn on 127.0.0.1 (default: a free one)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--celery-concurrency", type=int, default=1)
    parser.add_argument("--no-beat", action="store_true", help="no Celery beat (no periodic metrics job during the run)")
    parser.add_argument("--contacts", type=int, default=200_000, help="scale the contacts up to this number (0: demo volume)")
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--callbacks", type=int, default=30_000)
    parser.add_argument("--articles", type=int, default=1_500)
    parser.add_argument("--skip-seed", action="store_true", help="use database kcc_load as it is (only migrate)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate database kcc_load first")
    parser.add_argument("--target-p95", type=float, default=300.0)
    parser.add_argument("--report", metavar="DIR", type=Path, help="only render the summary of a finished run again (var/load/<timestamp>)")
    args = parser.parse_args()
    if args.report:
        return rereport(args.report, args.target_p95)
    if args.duration <= 0:
        parser.error("--duration must be positive")

    results = ROOT / "var" / "load" / datetime.now().strftime("%Y%m%d-%H%M%S")
    results.mkdir(parents=True)
    (ROOT / "var" / "load" / "private").mkdir(parents=True, exist_ok=True)
    env = app_env(results)
    port = free_port(args.port)
    url = f"http://{HOST}:{port}"

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        prepare_database(args, env)
        counts = volumes()
        log("volume: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        run([str(BIN / "python"), "manage.py", "collectstatic", "--noinput"], env, timeout=600)
        write_agent_data(results / "data.json", 3000)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # our own db 8: an empty queue and cache

        start("celery-worker", [str(BIN / "celery"), "-A", "kcc", "worker", "-l", "warning", "--concurrency", str(args.celery_concurrency),
                                "--without-gossip", "--without-mingle", "-n", f"load-{os.getpid()}@%h"], env, results)
        if not args.no_beat:
            start("celery-beat", [str(BIN / "celery"), "-A", "kcc", "beat", "-l", "warning", "--schedule", str(results / "celerybeat-schedule")],
                  env, results)
        start("gunicorn", [
            str(BIN / "gunicorn"), "kcc.wsgi:application", "--bind", f"{HOST}:{port}",
            "--worker-class", "gthread", "--workers", str(args.workers), "--threads", str(args.threads),
            # Keep-alive longer than any pause of an agent (as a proxy in front would hold the
            # connection): with gunicorn's default of a few seconds the server closes idle
            # connections just as the client reuses them, and the client sees resets.
            "--timeout", "30", "--keep-alive", "75", "--no-control-socket",
            "--access-logfile", str(results / "access.log"), "--access-logformat", ACCESS_LOG_FORMAT,
        ], env, results)
        wait_healthy(f"{url}/health/", 60)
        log(f"gunicorn healthy on {url} ({args.workers} workers x {args.threads} threads)")

        locust_env = {**os.environ, "KCC_LOAD_DATA": str(results / "data.json"), "KCC_LOAD_THINK": args.think, "PYTHONUNBUFFERED": "1"}
        locustfile = str(ROOT / "bench" / "load" / "locustfile.py")
        if args.warmup:
            # A deployed server is warm: imports, templates and connections are done on the first
            # requests of each worker. A few agents for a short while, not measured.
            log(f"warm-up: 6 agents for {args.warmup} s (not measured)")
            run([str(BIN / "locust"), "-f", locustfile, "--headless", "-u", "6", "-r", "6", "-t", f"{args.warmup}s", "--host", url,
                 "--only-summary", "--loglevel", "ERROR", "--exit-code-on-error", "0"],
                {**locust_env, "KCC_LOAD_THINK": "0.5,1"}, timeout=args.warmup + 60)
        # Only the measured run counts in the access log.
        (results / "access.log").write_text("")
        locust_env["KCC_LOAD_SAMPLES"] = str(results / "samples.json")
        cmd = [str(BIN / "locust"), "-f", locustfile, "--headless",
               "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--host", url,
               "--csv", str(results / "locust"), "--html", str(results / "locust.html"), "--only-summary",
               "--stop-timeout", "15", "--loglevel", "WARNING"]
        sampler = CpuSampler()
        sampler.start()
        locust = start("locust", cmd, locust_env, results)
        log(f"locust: {args.users} agents, spawn rate {args.spawn_rate}/s, {args.duration} s, think time {args.think} s")
        try:
            locust.wait(timeout=args.duration + 90)
        except subprocess.TimeoutExpired:
            log("locust did not stop in time; killing it")
        cpu = sampler.stop()
        stop_all()
    except KeyboardInterrupt:
        log("interrupted")
        stop_all()
        return 130
    finally:
        stop_all()

    header = [
        f"# Load test {results.name}", "",
        f"{args.users} agents (spawn rate {args.spawn_rate}/s), {args.duration} s, think time {args.think} s; "
        f"gunicorn gthread {args.workers} workers x {args.threads} threads, Celery worker (concurrency {args.celery_concurrency})"
        + ("" if args.no_beat else " and beat") + ", kcc.settings.prod, PostgreSQL + Redis on 127.0.0.1.",
        "Volume: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + ".",
        "", *cpu_lines(cpu, os.getloadavg(), results), "",
    ]
    (results / "meta.json").write_text(json.dumps({"users": args.users, "header": header}))
    return report(results, users=args.users, header=header, target_p95=args.target_p95)


def cpu_lines(cpu: dict, load: tuple, results: Path) -> list[str]:
    busy, wall, groups = cpu["busy"], cpu["total"], dict(cpu["groups"])
    server_cpu = sum(v for k, v in groups.items() if k != "locust")
    try:
        requests = len(json.loads((results / "samples.json").read_text())["samples"])
    except (OSError, ValueError, KeyError):
        requests = 0
    # Everything else on the machine (other users' processes) competes for the same cores.
    per_core = wall / (os.cpu_count() or 1)
    groups["everything else"] = max(0.0, busy - sum(groups.values()))
    return [
        f"CPU: {100 * busy / wall:.0f}% of {os.cpu_count()} cores busy during the run (load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}). Cores used on average: "
        + ", ".join(f"{k} {v / per_core:.2f}" for k, v in sorted(groups.items(), key=lambda kv: -kv[1]) if v / per_core >= 0.01)
        + ".",
        f"Server CPU (gunicorn, Celery, PostgreSQL backends of {DB_NAME}) per request, whole run: "
        f"{1000 * server_cpu / max(requests, 1):.1f} ms (logins included: each costs the password hash).",
    ]


def report(results: Path, *, users: int, header: list[str], target_p95: float) -> int:
    """The tables of summary.md from samples.json and access.log; exit status by the target."""
    samples_file = results / "samples.json"
    if not samples_file.exists():
        print(f"no samples written; see {results}/locust.log", file=sys.stderr)
        return 1
    data = json.loads(samples_file.read_text())
    samples, marks = data["samples"], data["marks"]
    t_start, t_stop = marks.get("test_start", samples[0][0]), marks.get("test_stop", samples[-1][0])
    logins = sorted(t for t, name, _, failed in samples if name == "login: submit" and not failed)
    steady_from = logins[-1] if len(logins) >= users else marks.get("spawning_complete", t_start)
    whole, _ = stats_table(samples, t_start, t_stop, title="Whole run, ramp-up and logins included")
    steady, totals = stats_table(
        samples, steady_from, t_stop, title="Steady state: requests sent after the last agent had logged in", sent_after_start=True,
    )
    server = server_table(results / "access.log")
    text = "\n".join([*header, steady, "", whole, "", "Server time per route (gunicorn access log, whole run):", "", server, ""])
    (results / "summary.md").write_text(text)
    print()
    print(text)
    work = totals["work"]
    ok = work["p95"] < target_p95 and totals["all"]["errors"] == 0
    verdict = "MET" if ok else "MISSED"
    print(f"Target (steady-state work mix p95 < {target_p95:.0f} ms, no errors): {verdict} "
          f"(p95 {work['p95']:.0f} ms, p99 {work['p99']:.0f} ms, {work['rps']:.1f} req/s, errors {totals['all']['errors']})")
    print(f"Results: {results}")
    return 0 if ok else 1


def rereport(results: Path, target_p95: float) -> int:
    """Render summary.md again from a finished run's files (e.g. after a change to the report)."""
    meta = results / "meta.json"
    if meta.exists():
        info = json.loads(meta.read_text())
        return report(results, users=info["users"], header=info["header"], target_p95=target_p95)
    # Runs from before meta.json: keep the header of the summary they wrote.
    old = (results / "summary.md").read_text().splitlines()
    header = old[: next(i for i, line in enumerate(old) if line.startswith("Steady state"))]
    users = int(re.search(r"^(\d+) agents", "\n".join(header), re.M).group(1))
    return report(results, users=users, header=header, target_p95=target_p95)


if __name__ == "__main__":
    sys.exit(main())
