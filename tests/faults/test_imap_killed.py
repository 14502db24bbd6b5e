"""E-mail: killing the IMAP poller between fetch and move, 20 times, leaves every message
stored exactly once; two pollers on one mailbox never duplicate.

Real `manage.py poll_imap` processes against the real dovecot of the ingestion tests. The
kills come from tests/faults/imap_crash.py (SIGKILL at a chosen point of the poll).
"""

import random
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import F

from channels.constants import InboundStatus
from channels.ingestion.store import inbound_process_pending
from channels.models import Contact, InboundRaw, Message
from tests.channels.ingestion.helpers import mail

from .conftest import subprocess_database_url
from .imap_crash import POINTS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MESSAGES = 40
KILLS = 20


def _env() -> dict:
    import os

    return {**os.environ, "DJANGO_SETTINGS_MODULE": "kcc.settings.test", "DATABASE_URL": subprocess_database_url(), "KCC_EMAIL_ACKNOWLEDGE": "false"}


def _poll_options(account) -> list[str]:
    return [
        "--host", account.host, "--port", str(account.port), "--user", account.user, "--password", account.password,
        "--mailbox", account.mailbox, "--processed-folder", account.processed_folder, "--no-ssl",
    ]


def _run(args: list[str], *, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=_env(), cwd=settings.BASE_DIR, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )


def _fill(account, n: int) -> list[str]:
    subjects = [f"Vraag {i:02d} over de afvalpas" for i in range(n)]
    account.append(*(mail(subject=s, sender=f"Inwoner {i} <inwoner{i}@example.nl>") for i, s in enumerate(subjects)))
    return subjects


def _assert_every_message_stored_once_and_moved(account, subjects) -> None:
    assert account.uids("INBOX") == []
    assert len(account.uids(account.processed_folder)) == len(subjects)  # moved once: no second copy
    assert InboundRaw.objects.count() == len(subjects)
    assert set(InboundRaw.objects.values_list("status", flat=True)) == {InboundStatus.PROCESSED}
    assert sorted(Message.objects.values_list("subject", flat=True)) == sorted(subjects)
    assert Contact.objects.count() == len(subjects)


def test_poller_killed_between_fetch_and_move_twenty_times_stores_every_message_once(imap_account):
    subjects = _fill(imap_account, MESSAGES)
    rng = random.Random(20260301)
    kills = Counter()
    for round_ in range(KILLS):
        point, nth = POINTS[round_ % len(POINTS)], rng.randint(1, 2)
        proc = _run(["-m", "tests.faults.imap_crash", point, str(nth), "--", *_poll_options(imap_account)])
        assert proc.returncode == -signal.SIGKILL, (round_, point, nth, proc.stdout.decode(), proc.stderr.decode()[-3000:])
        kills[point] += 1
        # Whatever was stored so far is stored once.
        stored = list(Message.objects.values_list("subject", flat=True))
        assert len(stored) == len(set(stored)), stored
    assert kills == Counter({"after_fetch": 7, "after_store": 7, "after_commit": 6})

    # The kills left every kind of debris: stored and processed but not moved, stored but
    # not processed (PENDING), and not stored at all.
    inbox = len(imap_account.uids("INBOX"))
    stored_not_moved = sum(not meta.get("imap_moved") for meta in InboundRaw.objects.values_list("meta", flat=True))
    assert stored_not_moved >= 6
    assert InboundRaw.objects.filter(status=InboundStatus.PENDING).exists()
    assert inbox > stored_not_moved  # some were never stored

    # A minute later a clean poll runs. (A replayed message stored by another poller less
    # than a minute ago is left for that poller to move; the killed ones are older by now.)
    InboundRaw.objects.update(received_at=F("received_at") - timedelta(minutes=2))
    clean = _run(["manage.py", "poll_imap", *_poll_options(imap_account)])
    assert clean.returncode == 0, clean.stderr.decode()[-3000:]
    # The pending sweep (beat, every 5 minutes) processes what was stored but not processed.
    counts = inbound_process_pending()
    assert counts.get("new", 0) >= 1 and "failed" not in counts

    _assert_every_message_stored_once_and_moved(imap_account, subjects)
    # And another poll finds nothing.
    again = _run(["manage.py", "poll_imap", *_poll_options(imap_account)])
    assert again.returncode == 0 and b"moved 0" in again.stdout
    assert InboundRaw.objects.count() == MESSAGES


def test_two_poller_processes_on_one_mailbox_never_duplicate(imap_account):
    """Two `manage.py poll_imap` processes at the same moment (two beat schedulers, or a
    manual poll during the scheduled one). The same race with threads in one process is in
    tests/channels/ingestion/test_imap.py::test_two_pollers_on_one_mailbox_never_duplicate."""
    subjects = _fill(imap_account, 30)
    procs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "poll_imap", *_poll_options(imap_account)], env=_env(), cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    _assert_every_message_stored_once_and_moved(imap_account, subjects)
