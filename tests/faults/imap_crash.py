"""Fault injection for the IMAP poller: run `manage.py poll_imap` and SIGKILL the process at a
chosen point between fetching a message and moving it. Used by tests/faults/test_imap_killed.py;
the product code carries no hook for this.

    python -m tests.faults.imap_crash POINT NTH -- <poll_imap options>

POINT is where the process dies, at the NTH message of that kind in this poll:

* ``after_fetch``: the raw bytes are fetched, nothing is stored yet;
* ``after_store``: the raw bytes are committed (InboundRaw PENDING), not yet processed;
* ``after_commit``: stored and processed (committed), not yet moved to the processed folder.

SIGKILL, not an exception: no `finally`, no logout, no transaction clean-up in Python; the
database and IMAP server see a connection drop, as after a crash of the machine.
"""

import os
import signal
import sys

import django

POINTS = ("after_fetch", "after_store", "after_commit")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(argv: list[str]) -> None:
    point, nth = argv[0], int(argv[1])
    options = argv[argv.index("--") + 1:] if "--" in argv else []
    if point not in POINTS:
        raise SystemExit(f"unknown point {point!r}; choose from {', '.join(POINTS)}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcc.settings.test")
    django.setup()

    from django.core.management import call_command

    from channels.ingestion import email_ingest, imap

    seen = {"n": 0}

    def count() -> None:
        seen["n"] += 1
        if seen["n"] == nth:
            _die()

    if point == "after_fetch":
        real_ingest = imap.ingest_email

        def ingest(**kwargs):
            count()
            return real_ingest(**kwargs)

        imap.ingest_email = ingest
    elif point == "after_store":
        real_process = email_ingest.process_email

        def process(raw_id, **kwargs):
            count()
            return real_process(raw_id, **kwargs)

        email_ingest.process_email = process
    else:
        real_ingest = imap.ingest_email

        def ingest(**kwargs):
            result = real_ingest(**kwargs)
            if not result.replay:
                count()
            return result

        imap.ingest_email = ingest

    call_command("poll_imap", *options)


if __name__ == "__main__":
    main(sys.argv[1:])
