"""IMAP polling against a real dovecot on loopback (see conftest.py)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from channels.constants import InboundSource, InboundStatus
from channels.ingestion import ingest_email
from channels.ingestion.imap import imap_poll
from channels.models import Contact, InboundRaw, Message

from .helpers import mail, post_email

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_poll_stores_messages_and_moves_them_after_the_commit(imap_account):
    imap_account.append(mail(subject="Via IMAP 1"), mail(subject="Via IMAP 2", sender="piet@example.nl"))
    summary = imap_poll(**imap_account.poll_kwargs())
    assert summary.counts["new"] == 2
    assert summary.moved == 2
    assert imap_account.uids("INBOX") == []
    assert len(imap_account.uids("Verwerkt")) == 2
    raws = InboundRaw.objects.filter(source=InboundSource.IMAP).order_by("pk")
    assert [r.dedupe_key for r in raws] == [f"imap:INBOX:{summary.uidvalidity}:1", f"imap:INBOX:{summary.uidvalidity}:2"]
    assert set(Contact.objects.values_list("subject", flat=True)) == {"Via IMAP 1", "Via IMAP 2"}
    # The next poll finds nothing.
    assert imap_poll(**imap_account.poll_kwargs()).fetched == 0


def test_poll_keeps_the_seen_flag_alone(imap_account):
    imap_account.append(mail())
    imap_poll(**imap_account.poll_kwargs())
    with imap_account.box() as box:
        box.folder.set("Verwerkt")
        flags = [m.flags for m in box.fetch(mark_seen=False)]
    assert len(flags) == 1 and "\\Seen" not in flags[0]


def test_same_message_by_file_imap_and_webhook_gives_one_message(imap_account, client):
    raw = mail(subject="Drie keer binnen", message_id="<drievoud@example.nl>")
    # 1. as a file (LF line endings, as saved by a mail client)
    by_file = ingest_email(raw=raw.replace(b"\r\n", b"\n"), source=InboundSource.EMAIL_FILE)
    # 2. through IMAP (the server hands out CRLF)
    imap_account.append(raw.replace(b"\r\n", b"\n"))
    summary = imap_poll(**imap_account.poll_kwargs())
    # 3. through the webhook, with a transport header in front
    webhook = post_email(client, b"Received: from mx.example.nl; Mon, 2 Mar 2026 09:00:00 +0100\r\n" + raw)
    assert by_file.status == InboundStatus.PROCESSED
    assert summary.counts["duplicate"] == 1
    assert webhook.json()["status"] == InboundStatus.DUPLICATE
    assert Message.objects.count() == 1
    assert Contact.objects.count() == 1
    assert InboundRaw.objects.count() == 3
    assert imap_account.uids("INBOX") == []  # the duplicate is stored, so it is moved too


def test_message_stays_in_the_mailbox_when_the_database_write_fails(imap_account, monkeypatch):
    import channels.ingestion.imap as imap_module

    imap_account.append(mail(subject="Eerst mislukt"))
    real = imap_module.ingest_email
    calls = {"n": 0}

    def failing_once(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            from django.db import OperationalError

            raise OperationalError("connection to the database lost")
        return real(**kwargs)

    monkeypatch.setattr(imap_module, "ingest_email", failing_once)
    first = imap_poll(**imap_account.poll_kwargs())
    assert first.counts["failed"] == 1 and first.moved == 0
    assert len(imap_account.uids("INBOX")) == 1
    assert imap_account.uids("Verwerkt") == []
    assert not InboundRaw.objects.exists()

    second = imap_poll(**imap_account.poll_kwargs())
    assert second.counts["new"] == 1 and second.moved == 1
    assert imap_account.uids("INBOX") == []
    assert Message.objects.count() == 1


def test_message_is_not_moved_before_its_transaction_commits(imap_account, monkeypatch):
    """Between storing and moving, another database connection already sees the committed
    message, and the mailbox still has it."""
    import channels.ingestion.imap as imap_module

    imap_account.append(mail(subject="Commit eerst"))
    seen = []
    real = imap_module.ingest_email

    def committed_elsewhere() -> int:
        counts = []

        def query():
            counts.append(Message.objects.filter(subject="Commit eerst").count())
            connection.close()

        worker = threading.Thread(target=query)
        worker.start()
        worker.join()
        return counts[0]

    def observing(**kwargs):
        result = real(**kwargs)
        seen.append((len(imap_account.uids("INBOX")), committed_elsewhere()))
        return result

    monkeypatch.setattr(imap_module, "ingest_email", observing)
    imap_poll(**imap_account.poll_kwargs())
    assert seen == [(1, 1)]
    assert imap_account.uids("INBOX") == []


def test_move_failure_after_commit_is_harmless(imap_account, monkeypatch):
    from imap_tools import BaseMailBox

    imap_account.append(mail(subject="Verplaatsen mislukt"))

    def broken_move(self, *args, **kwargs):
        raise RuntimeError("MOVE refused")

    with monkeypatch.context() as patched:
        patched.setattr(BaseMailBox, "move", broken_move)
        first = imap_poll(**imap_account.poll_kwargs())
    assert first.counts["new"] == 1 and first.move_failures == 1
    assert len(imap_account.uids("INBOX")) == 1
    second = imap_poll(**imap_account.poll_kwargs())
    assert second.counts["duplicate"] == 1 and second.moved == 1
    assert Message.objects.count() == 1


def test_two_pollers_on_one_mailbox_never_duplicate(imap_account):
    messages = [mail(subject=f"Gelijktijdig {n}", sender=f"inwoner{n}@example.nl") for n in range(12)]
    imap_account.append(*messages)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def poller():
        try:
            barrier.wait(timeout=10)
            results.append(imap_poll(**imap_account.poll_kwargs()))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=poller) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert Message.objects.count() == 12
    assert Contact.objects.count() == 12
    assert InboundRaw.objects.exclude(status=InboundStatus.DUPLICATE).count() == 12
    assert sum(r.counts["new"] for r in results) == 12
    assert imap_account.uids("INBOX") == []
    assert len(imap_account.uids("Verwerkt")) == 12


def test_refuses_to_run_inside_a_transaction(imap_account):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        imap_poll(**imap_account.poll_kwargs())


def test_poll_imap_command(imap_account, capsys, settings):
    settings.KCC_IMAP_HOST = imap_account.host
    settings.KCC_IMAP_PORT = imap_account.port
    settings.KCC_IMAP_SSL = False
    settings.KCC_IMAP_USER = imap_account.user
    settings.KCC_IMAP_PASSWORD = imap_account.password
    imap_account.append(mail(subject="Via het commando"))
    call_command("poll_imap")
    assert "new 1" in capsys.readouterr().out
    assert Contact.objects.get().subject == "Via het commando"


def test_poll_imap_command_reports_a_login_failure(imap_account):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="failed"):
        call_command("poll_imap", host=imap_account.host, port=imap_account.port, user=imap_account.user, password="fout", no_ssl=True)


def test_beat_task_polls_the_configured_mailbox(imap_account, settings):
    from channels.tasks import imap_poll_task

    settings.KCC_IMAP_HOST = imap_account.host
    settings.KCC_IMAP_PORT = imap_account.port
    settings.KCC_IMAP_SSL = False
    settings.KCC_IMAP_USER = imap_account.user
    settings.KCC_IMAP_PASSWORD = imap_account.password
    imap_account.append(mail(subject="Via beat"))
    imap_poll_task.delay()
    assert Contact.objects.get().subject == "Via beat"


def test_beat_task_does_nothing_without_an_imap_host(settings, monkeypatch):
    from channels.ingestion import imap as imap_module
    from channels.tasks import imap_poll_task

    settings.KCC_IMAP_HOST = ""
    monkeypatch.setattr(imap_module, "imap_poll", lambda **kw: pytest.fail("must not poll"))
    imap_poll_task.delay()


def test_beat_schedule_polls_every_configured_interval(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["inbox-imap-poll"]
    assert entry["task"] == "channels.imap_poll"
    settings.KCC_IMAP_POLL_SECONDS = 45
    assert entry["schedule"].run_every.total_seconds() == 45
    assert settings.CELERY_BEAT_SCHEDULE["inbox-inbound-sweep"]["task"] == "channels.inbound_process_pending"
