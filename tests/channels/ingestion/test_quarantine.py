"""Quarantine: the page for team leads, the download of the original, and reprocessing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from channels.constants import InboundSource, InboundStatus
from channels.ingestion import inbound_reprocess, ingest_email
from channels.models import Contact, InboundRaw, Message
from kcc.core.exceptions import DomainError

from .helpers import mail

pytestmark = pytest.mark.django_db

GARBAGE = b"\x89\x00\x13 dit is geen e-mail \xff\xfe"


def quarantined(raw: bytes = GARBAGE) -> InboundRaw:
    result = ingest_email(raw=raw, source=InboundSource.EMAIL_FILE)
    assert result.status == InboundStatus.QUARANTINED
    return InboundRaw.objects.get(pk=result.raw_id)


def break_parser(monkeypatch, times: int = 1):
    """Make the parser fail `times` times (as a bug or a full disk would), then work again."""
    import channels.ingestion.email_ingest as module

    real = module.parse_email
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise ValueError("parser stuk")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "parse_email", flaky)


def test_parse_failure_quarantines_with_the_reason_and_keeps_the_bytes(monkeypatch):
    break_parser(monkeypatch)
    raw = mail(subject="Wordt eerst geweigerd")
    result = ingest_email(raw=raw, source=InboundSource.EMAIL_FILE)
    stored = InboundRaw.objects.get(pk=result.raw_id)
    assert stored.status == InboundStatus.QUARANTINED
    assert stored.error == "ValueError: parser stuk"
    assert bytes(stored.payload) == raw
    assert stored.meta["summary"]["subject"] == "Wordt eerst geweigerd"
    assert not Contact.objects.exists()


def test_reprocess_files_a_quarantined_message(monkeypatch, teamlead):
    break_parser(monkeypatch)
    raw_id = ingest_email(raw=mail(), source=InboundSource.EMAIL_FILE).raw_id
    result = inbound_reprocess(user=teamlead, raw_id=raw_id)
    assert result.status == InboundStatus.PROCESSED
    stored = InboundRaw.objects.get(pk=raw_id)
    assert stored.status == InboundStatus.PROCESSED and stored.error == "" and stored.attempts == 2
    assert Message.objects.get().raw_id == raw_id


def test_reprocess_that_fails_again_keeps_it_quarantined_with_the_new_reason(teamlead):
    raw = quarantined()
    result = inbound_reprocess(user=teamlead, raw_id=raw.pk)
    assert result.status == InboundStatus.QUARANTINED
    raw.refresh_from_db()
    assert raw.status == InboundStatus.QUARANTINED and raw.attempts == 2
    assert not Message.objects.exists()


def test_copy_of_a_quarantined_message_is_a_duplicate_and_reprocess_files_it_once(monkeypatch, teamlead):
    break_parser(monkeypatch)
    raw = mail()
    first = ingest_email(raw=raw, source=InboundSource.EMAIL_FILE)
    copy = ingest_email(raw=raw, source=InboundSource.EMAIL_WEBHOOK, dedupe_key="email-webhook:x")
    assert copy.status == InboundStatus.DUPLICATE and copy.duplicate_of == first.raw_id
    inbound_reprocess(user=teamlead, raw_id=first.raw_id)
    assert Message.objects.count() == 1


def test_only_quarantined_payloads_can_be_reprocessed(teamlead):
    processed = ingest_email(raw=mail(), source=InboundSource.EMAIL_FILE)
    with pytest.raises(DomainError):
        inbound_reprocess(user=teamlead, raw_id=processed.raw_id)
    assert Message.objects.count() == 1


def test_agents_may_not_reprocess(agent):
    raw = quarantined()
    with pytest.raises(PermissionDenied):
        inbound_reprocess(user=agent, raw_id=raw.pk)


# --- pages -----------------------------------------------------------------------------


def test_quarantine_page_lists_the_reason_for_team_leads(login, teamlead):
    raw = quarantined()
    response = login(teamlead).get(reverse("channels:quarantine"))
    assert response.status_code == 200
    html = response.content.decode()
    assert raw.error in html
    assert reverse("channels:quarantine_detail", args=[raw.pk]) in html


def test_quarantine_is_in_the_menu_of_team_leads_only(login, teamlead, agent):
    url = reverse("channels:quarantine")
    assert f'href="{url}"' in login(teamlead).get(reverse("core:home")).content.decode()
    assert f'href="{url}"' not in login(agent).get(reverse("core:home")).content.decode()


@pytest.mark.parametrize("who", ["agent", "backoffice_belastingen", "editor"])
def test_others_cannot_open_the_quarantine(login, request, who):
    user = request.getfixturevalue(who)
    raw = quarantined()
    web = login(user)
    assert web.get(reverse("channels:quarantine")).status_code == 403
    assert web.get(reverse("channels:quarantine_detail", args=[raw.pk])).status_code == 403
    assert web.get(reverse("channels:quarantine_download", args=[raw.pk])).status_code == 403
    assert web.post(reverse("channels:quarantine_reprocess", args=[raw.pk])).status_code == 403


def test_download_gives_the_original_bytes_as_an_attachment(login, teamlead):
    raw = quarantined()
    response = login(teamlead).get(reverse("channels:quarantine_download", args=[raw.pk]))
    assert response.status_code == 200
    assert response.content == GARBAGE
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]


def test_detail_shows_the_raw_text_escaped(login, teamlead):
    raw = quarantined(b"Foo: <script>alert(1)</script>\r\n\r\nbody")
    html = login(teamlead).get(reverse("channels:quarantine_detail", args=[raw.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_reprocess_button_files_the_message(monkeypatch, login, teamlead):
    break_parser(monkeypatch)
    raw_id = ingest_email(raw=mail(), source=InboundSource.EMAIL_FILE).raw_id
    web = login(teamlead)
    detail = web.get(reverse("channels:quarantine_detail", args=[raw_id])).content.decode()
    assert reverse("channels:quarantine_reprocess", args=[raw_id]) in detail
    response = web.post(reverse("channels:quarantine_reprocess", args=[raw_id]), follow=True)
    assert response.status_code == 200
    assert InboundRaw.objects.get(pk=raw_id).status == InboundStatus.PROCESSED
    assert Message.objects.count() == 1


def test_reprocess_requires_post(login, teamlead):
    raw = quarantined()
    assert login(teamlead).get(reverse("channels:quarantine_reprocess", args=[raw.pk])).status_code == 405


def test_quarantine_page_query_count_does_not_grow_with_rows(login, teamlead, django_assert_max_num_queries):
    for n in range(3):
        quarantined(GARBAGE + f"-{n}".encode())
    web = login(teamlead)
    web.get(reverse("channels:quarantine"))
    with django_assert_max_num_queries(8) as few:
        web.get(reverse("channels:quarantine"))
    for n in range(3, 30):
        quarantined(GARBAGE + f"-{n}".encode())
    with django_assert_max_num_queries(len(few.captured_queries)):
        web.get(reverse("channels:quarantine"))


def test_quarantine_list_pages_by_keyset(login, teamlead):
    from channels.ingestion import quarantine as module

    ids = [quarantined(GARBAGE + f"-{n}".encode()).pk for n in range(5)]
    module.PAGE_SIZE, old = 2, module.PAGE_SIZE
    try:
        web = login(teamlead)
        first = web.get(reverse("channels:quarantine")).context["rows"]
        assert [r.pk for r in first] == ids[::-1][:2]
        second = web.get(reverse("channels:quarantine"), {"voor": first[-1].pk}).context["rows"]
        assert [r.pk for r in second] == ids[::-1][2:4]
    finally:
        module.PAGE_SIZE = old


def test_quarantine_page_filters_by_source(login, teamlead, client):
    quarantined()
    from .helpers import post_phone

    post_phone(client, b"{kapot")
    web = login(teamlead)
    rows = web.get(reverse("channels:quarantine"), {"bron": InboundSource.PHONE_WEBHOOK}).context["rows"]
    assert [r.source for r in rows] == [InboundSource.PHONE_WEBHOOK]
