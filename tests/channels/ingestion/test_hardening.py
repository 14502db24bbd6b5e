"""Hardening found by probing: deeply nested JSON on the webhooks, and folder ingestion that
skips files it cannot read."""

import json

import pytest
from django.core.management import call_command

from channels.models import Contact, InboundRaw
from channels.webhooks import json_too_deep

from .helpers import mail, post_email, post_meta, post_phone

# Far deeper than json's recursion limit (~1000): every parse of it ends in a RecursionError.
DEEP = b'{"event": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
DEEP_META = b'{"object": "page", "entry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def _plain_400(response):
    assert response.status_code == 400, response.content[:300]
    text = response.content.decode()
    assert "Recursion" not in text and "Traceback" not in text and "maximum" not in text
    assert "nested too deeply" in response.json()["error"] or "te diep" in response.json()["error"]


@pytest.mark.django_db
def test_deeply_nested_json_on_the_phone_webhook_answers_400_with_a_plain_message(client):
    _plain_400(post_phone(client, DEEP))
    assert Contact.objects.count() == 0


@pytest.mark.django_db
def test_deeply_nested_json_on_the_meta_webhook_answers_400_with_a_plain_message(client):
    _plain_400(post_meta(client, DEEP_META))
    assert Contact.objects.count() == 0


@pytest.mark.django_db
def test_deeply_nested_json_on_the_email_webhook_is_quarantined_with_a_plain_reason(client):
    # The e-mail endpoint takes RFC 822, never JSON: such a body is kept in quarantine as
    # "not an e-mail" (its documented 202), and nothing in the answer comes from a parser crash.
    response = post_email(client, DEEP)
    assert response.status_code == 202
    assert response.json()["status"] == "quarantined"
    assert "Recursion" not in response.content.decode()
    assert Contact.objects.count() == 0


def test_depth_check_counts_brackets_outside_strings_only():
    assert json_too_deep(b"[" * 33 + b"]" * 33)
    assert not json_too_deep(b"[" * 32 + b"]" * 32)
    # Brackets inside strings (also after an escaped quote) are text, not nesting.
    assert not json_too_deep(b'{"text": "' + b"[" * 500 + b'", "x": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\""}')


@pytest.mark.django_db
def test_a_real_meta_delivery_is_not_refused_by_the_depth_check(client):
    body = json.dumps(
        {"object": "page", "entry": [{"id": "PAGE", "messaging": [
            {"sender": {"id": "7001"}, "recipient": {"id": "PAGE"}, "timestamp": 1772400000000,
             "message": {"mid": "m_1", "text": "Mijn container [grijs] is {kapot}"}}]}]}
    ).encode()
    response = post_meta(client, body)
    assert response.status_code == 200
    assert response.json()["status"] == "processed"


@pytest.mark.django_db
def test_ingest_email_on_a_folder_reports_the_files_it_skipped(tmp_path, capsys):
    (tmp_path / "brief.eml").write_bytes(mail(subject="Echte mail"))
    (tmp_path / "outlook-export.msg").write_bytes(b"\xd0\xcf\x11\xe0 binary")
    (tmp_path / "notities.txt").write_text("geen mail")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    call_command("ingest_email", str(tmp_path))
    out = capsys.readouterr().out
    assert "Summary: new 1, threaded 0, duplicate 0, quarantined 0, pending 0, failed 0, skipped 2 file(s)" in out
    assert f"skipped     {tmp_path / 'outlook-export.msg'} (not .eml or .mbox)" in out
    assert f"skipped     {tmp_path / 'notities.txt'} (not .eml or .mbox)" in out
    assert InboundRaw.objects.count() == 1


@pytest.mark.django_db
def test_ingest_email_on_a_folder_without_mail_says_so_instead_of_a_silent_new_0(tmp_path, capsys):
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7")
    call_command("ingest_email", str(tmp_path), "--quiet-items")
    out = capsys.readouterr().out
    assert "new 0" in out and "skipped 1 file(s) (not .eml or .mbox)" in out
