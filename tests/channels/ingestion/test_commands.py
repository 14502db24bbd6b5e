"""manage.py ingest_email and the pending sweep."""

import mailbox
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from channels.constants import InboundSource, InboundStatus
from channels.ingestion.store import inbound_process_pending, store_raw
from channels.models import Contact, InboundRaw, Message

from .helpers import mail

pytestmark = pytest.mark.django_db


def test_eml_files_and_directories_are_ingested_with_a_summary(tmp_path, capsys):
    first = mail(message_id="<een@example.nl>", subject="Eerste")
    (tmp_path / "een.eml").write_bytes(first)
    folder = tmp_path / "map"
    (folder / "sub").mkdir(parents=True)
    (folder / "twee.eml").write_bytes(mail(subject="Re: Eerste", in_reply_to="<een@example.nl>"))
    (folder / "sub" / "drie.eml").write_bytes(b"")
    (folder / "notities.txt").write_text("geen mail")
    (folder / "kopie.eml").write_bytes(first.replace(b"\r\n", b"\n"))
    call_command("ingest_email", str(tmp_path / "een.eml"), str(folder))
    out = capsys.readouterr().out
    assert "Summary: new 1, threaded 1, duplicate 1, quarantined 1, pending 0, failed 0" in out
    assert Contact.objects.count() == 1
    assert Message.objects.count() == 2


def test_mbox_is_ingested_message_by_message(tmp_path, capsys):
    path = tmp_path / "archief.mbox"
    box = mailbox.mbox(path)
    box.add(mail(subject="Uit het archief 1").replace(b"\r\n", b"\n"))
    box.add(mail(subject="Uit het archief 2", sender="piet@example.nl").replace(b"\r\n", b"\n"))
    box.flush()
    box.close()
    call_command("ingest_email", str(path))
    assert "new 2" in capsys.readouterr().out
    assert set(Contact.objects.values_list("subject", flat=True)) == {"Uit het archief 1", "Uit het archief 2"}
    assert InboundRaw.objects.filter(meta__mbox_index=1).exists()


def test_unreadable_path_makes_the_command_fail_but_the_rest_is_ingested(tmp_path, capsys):
    (tmp_path / "goed.eml").write_bytes(mail())
    with pytest.raises(CommandError) as excinfo:
        call_command("ingest_email", str(tmp_path / "bestaat-niet.eml"), str(tmp_path / "goed.eml"))
    assert excinfo.value.returncode == 1
    assert "new 1" in capsys.readouterr().out
    assert Message.objects.count() == 1


def test_database_failure_while_storing_counts_as_failed(tmp_path, monkeypatch, capsys):
    import channels.management.commands.ingest_email as command

    def broken(**kwargs):
        from django.db import OperationalError

        raise OperationalError("database unavailable")

    monkeypatch.setattr(command, "ingest_email", broken)
    (tmp_path / "a.eml").write_bytes(mail())
    with pytest.raises(CommandError):
        call_command("ingest_email", str(tmp_path / "a.eml"))
    assert "failed 1" in capsys.readouterr().out


def test_pending_payload_left_by_a_crash_is_processed_by_the_sweep():
    raw, _created = store_raw(source=InboundSource.EMAIL_FILE, payload=mail(subject="Bleef hangen"))
    InboundRaw.objects.filter(pk=raw.pk).update(received_at=timezone.now() - timedelta(minutes=10))
    fresh, _created = store_raw(source=InboundSource.EMAIL_FILE, payload=mail(subject="Wordt nog verwerkt"))
    counts = inbound_process_pending()
    assert counts == {"new": 1}
    assert InboundRaw.objects.get(pk=raw.pk).status == InboundStatus.PROCESSED
    assert InboundRaw.objects.get(pk=fresh.pk).status == InboundStatus.PENDING
    assert inbound_process_pending() == {}


def test_demo_seed_puts_a_handful_of_mails_in_quarantine_once():
    from channels import demo_ingestion

    lines = []
    demo_ingestion.seed(lines.append)
    assert InboundRaw.objects.filter(status=InboundStatus.QUARANTINED).count() == 5
    demo_ingestion.seed(lines.append)
    assert InboundRaw.objects.count() == 5
    assert all(raw.error for raw in InboundRaw.objects.all())
