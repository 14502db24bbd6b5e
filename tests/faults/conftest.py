"""Fixtures of the fault tests: a Redis server of our own (to stop, start and flush), the
in-process Celery app pointed at it, an SMTP sink, real Celery worker processes (to kill),
and the dovecot IMAP server of the ingestion tests.

Never touch the shared Redis on 127.0.0.1:6379: other test runs use it. Every Redis here is
a `redis-server` process this fixture started, on a free loopback port, without persistence.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

# The real dovecot of the ingestion tests (session-scoped; one account per test).
from tests.channels.ingestion.conftest import dovecot, imap_account  # noqa: F401

from .smtp_sink import SmtpSink

REDIS_SERVER = Path(os.environ.get("KCC_REDIS_SERVER", "/usr/bin/redis-server"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def subprocess_database_url() -> str:
    """The URL of the test database, for processes started by a test."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until(predicate, *, timeout: float = 60, interval: float = 0.1, message: str = "condition", details=None) -> None:
    """Poll `predicate` until it is true; fail with `message` (and `details()`) on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    extra = f"\n{details()}" if details else ""
    pytest.fail(f"timed out after {timeout} s waiting for {message}{extra}")


# --- Redis ---------------------------------------------------------------------------------


@dataclass
class RedisServer:
    """A redis-server process of this test: `stop()` is an outage, `start()` the restart (with
    an empty data set: no persistence, as after a crash of an unpersisted Redis)."""

    port: int
    workdir: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5, socket_connect_timeout=2)

    def start(self) -> None:
        assert self.proc is None, "already running"
        log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [
                str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.workdir), "--daemonize", "no",
            ],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        wait_until(self.is_up, timeout=15, message=f"redis-server on port {self.port}")

    def pause(self) -> None:
        """SIGSTOP: the kernel still accepts connections, but nothing answers (a paused VM,
        a stalled fork, a network partition without resets)."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.resume()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        self.proc = None

    def is_up(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def flushall(self) -> None:
        self.client().flushall()

    def idle(self, queue: str = "celery") -> bool:
        """Nothing waiting and nothing being worked on (acks_late jobs stay unacknowledged
        until they are done)."""
        client = self.client()
        return client.llen(queue) == 0 and client.hlen("unacked") == 0

    def queued(self, queue: str = "celery") -> int:
        """Messages waiting in a Celery queue (a Redis list)."""
        return self.client().llen(queue)


@pytest.fixture
def redis_server():
    if not REDIS_SERVER.exists():
        pytest.skip(f"redis-server is not installed ({REDIS_SERVER})")
    workdir = Path(tempfile.mkdtemp(prefix="kcc-faults-redis-"))
    server = RedisServer(port=free_port(), workdir=workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _reset_broker_pools(app) -> None:
    """Forget the app's broker pools, so the next publish uses the configured URL. (The pools
    live on in kombu's registry, keyed by URL, for whoever uses that URL next: never close them.)"""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_broker(redis_server):
    """The in-process Celery app publishes to our Redis for real (not eagerly), as the web
    process does in production."""
    from kcc.celery import app

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.broker_url = redis_server.url
    app.conf.task_always_eager = False
    _reset_broker_pools(app)
    yield app
    app.conf.update(saved)
    _reset_broker_pools(app)


# --- SMTP ------------------------------------------------------------------------------------


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


# --- Celery workers --------------------------------------------------------------------------


@dataclass
class Worker:
    """A `celery worker` process group (main process and its pool child)."""

    name: str
    proc: subprocess.Popen
    log_path: Path
    stopped: bool = field(default=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float = 60) -> None:
        def ready():
            if self.proc.poll() is not None:
                pytest.fail(f"worker {self.name} exited:\n{self.log()}")
            return " ready." in self.log()

        wait_until(ready, timeout=timeout, message=f"worker {self.name} to be ready")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_all(self) -> None:
        """SIGKILL the whole worker (main process and pool), as the OOM killer or a lost
        machine would: no warm shutdown, nothing acknowledged or given back."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=15)
        self.stopped = True

    def kill_pool_child(self) -> int:
        """SIGKILL only the pool process executing the task; the main process survives."""
        children = self.children()
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        return children[0]

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
            except ProcessLookupError:
                pass


def _celery_env(redis_server, smtp_sink, *, visibility_timeout: int, env: dict | None) -> dict:
    return {
        **os.environ,
        **(env or {}),
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": redis_server.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        "KCC_CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
    }


def _spawn(name: str, args: list[str], env: dict, log_path: Path) -> Worker:
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kcc", *args],
            env=env, cwd=settings.BASE_DIR, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Worker(name=name, proc=proc, log_path=log_path)


@pytest.fixture
def start_worker(redis_server, smtp_sink, tmp_path):
    """start_worker(name, visibility_timeout=4, pool="prefork", env={}): a real `celery worker`
    process against the test database, our Redis and the SMTP sink. Each worker runs in its
    own process group, so a test can kill it whole. All are stopped at the end."""
    workers: list[Worker] = []

    def _start(name: str = "w1", *, visibility_timeout: int = 4, pool: str = "prefork", env: dict | None = None, wait: bool = True) -> Worker:
        args = [
            "worker", f"--pool={pool}", "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-n", f"{name}@faults",
        ]
        worker = _spawn(name, args, _celery_env(redis_server, smtp_sink, visibility_timeout=visibility_timeout, env=env), tmp_path / f"worker-{name}.log")
        workers.append(worker)
        if wait:
            worker.wait_ready()
        return worker

    yield _start
    for worker in workers:
        worker.stop()


@pytest.fixture
def start_beat(redis_server, smtp_sink, tmp_path):
    """start_beat(env={}): a real `celery beat` process publishing the schedule of
    kcc/settings/beat.py to our Redis (its schedule file in the test's temporary folder)."""
    beats: list[Worker] = []

    def _start(*, env: dict | None = None) -> Worker:
        args = ["beat", "--loglevel=INFO", f"--schedule={tmp_path / 'celerybeat-schedule'}"]
        beat = _spawn("beat", args, _celery_env(redis_server, smtp_sink, visibility_timeout=4, env=env), tmp_path / "beat.log")
        beats.append(beat)
        wait_until(lambda: "beat: Starting" in beat.log() or beat.proc.poll() is not None, timeout=60, message="beat to start")
        assert beat.proc.poll() is None, beat.log()
        return beat

    yield _start
    for beat in beats:
        beat.stop()
