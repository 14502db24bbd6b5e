"""A real Celery worker round trip: a worker process consumes from the real Redis broker."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from kcc.core.tasks import HEARTBEAT_KEY, worker_heartbeat

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_real_worker_consumes_a_task_from_redis(settings_redis_broker):
    cache.delete(HEARTBEAT_KEY)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kcc.settings.test",
        "REDIS_URL": settings.KCC_REDIS_URL,
        "DATABASE_URL": _test_database_url(),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kcc", "worker", "--pool=solo", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        worker_heartbeat.apply_async()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and cache.get(HEARTBEAT_KEY) is None:
            if worker.poll() is not None:
                pytest.fail("worker exited: " + worker.stdout.read().decode())
            time.sleep(0.2)
        assert cache.get(HEARTBEAT_KEY) is not None
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _test_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def settings_redis_broker():
    """Send for real: the test settings run tasks eagerly unless a test opts out."""
    from kcc.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous
