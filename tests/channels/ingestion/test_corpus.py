"""The malformed-mail corpus (tests/channels/ingestion/corpus/, described in its README):
no exception escapes, and every message ends up stored (filed in a contact) or quarantined,
with the raw bytes kept."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from channels.constants import InboundSource, InboundStatus
from channels.ingestion import ingest_email
from channels.ingestion.mail import Unprocessable, parse_email
from channels.models import Contact, InboundRaw, Message

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.eml"))

# The ones that cannot become a contact message; every other file must be filed.
QUARANTINED = {
    "08-huge-header.eml": "header section",
    "09-binary-garbage.eml": "No e-mail header fields",
    "10-empty.eml": "empty",
    "13-deep-nesting.eml": "nested",
    "14-many-parts.eml": "MIME parts",
    "28-only-garbage-headers.eml": "No e-mail header fields",
}


def test_corpus_is_present():
    assert len(FILES) >= 25
    assert set(QUARANTINED) <= {f.name for f in FILES}


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_corpus_message_is_stored_or_quarantined(path):
    raw = path.read_bytes()
    with translation.override("en"):
        result = ingest_email(raw=raw, source=InboundSource.EMAIL_FILE, meta={"path": path.name})
    stored = InboundRaw.objects.get(pk=result.raw_id)
    assert bytes(stored.payload) == raw
    if path.name in QUARANTINED:
        assert result.status == InboundStatus.QUARANTINED
        assert stored.status == InboundStatus.QUARANTINED
        assert QUARANTINED[path.name].lower() in stored.error.lower()
        assert not Message.objects.exists()
    else:
        assert result.status == InboundStatus.PROCESSED, stored.error
        message = Message.objects.get(raw=stored)
        assert message.contact.channel == "email"


@pytest.mark.django_db
def test_corpus_details_survive():
    def filed(name):
        raw = (CORPUS / name).read_bytes()
        return Message.objects.get(pk=ingest_email(raw=raw, source=InboundSource.EMAIL_FILE).message_id)

    assert "Café op de hoek" in filed("03-wrong-charset.eml").body_text
    assert "Deze tekst staat in een multipart zonder boundary" in filed("01-missing-boundary.eml").body_text
    assert filed("05-no-header-body-separator.eml").body_text.startswith("Dit is de eerste regel")
    nested = filed("07-nested-rfc822.eml")
    assert nested.attachments.get().filename.endswith(".eml")
    assert "\x00" not in filed("11-nul-bytes.eml").subject
    assert filed("19-ambiguous-from.eml").sender_address == ""
    hostile = filed("20-hostile-filenames.eml")
    names = sorted(hostile.attachments.values_list("filename", flat=True))
    assert "passwd" in names
    assert all("/" not in n and "\u202e" not in n and len(n) <= 100 for n in names)
    html = filed("21-hostile-html.eml").body_html
    assert "script" not in html and "onerror" not in html and "hx-get" not in html and "iframe" not in html
    assert filed("25-recursive-comment-from.eml").sender_address == ""
    assert "\r" not in filed("27-cr-only.eml").body_text


@pytest.mark.django_db
def test_whole_corpus_through_the_command(capsys):
    call_command("ingest_email", str(CORPUS))
    out = capsys.readouterr().out
    assert f"quarantined {len(QUARANTINED)}" in out
    assert "failed 0" in out
    assert InboundRaw.objects.count() == len(FILES)
    assert InboundRaw.objects.filter(status=InboundStatus.PENDING).count() == 0
    assert Message.objects.count() + InboundRaw.objects.filter(status=InboundStatus.QUARANTINED).count() == len(FILES)
    # Ingesting the same corpus again creates nothing: every message is a duplicate.
    contacts = Contact.objects.count()
    call_command("ingest_email", str(CORPUS))
    assert f"duplicate {len(FILES)}" in capsys.readouterr().out
    assert Contact.objects.count() == contacts


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_parser_never_raises_anything_but_unprocessable_on_random_bytes(data):
    try:
        parse_email(data, received_at=timezone.now(), max_attachment_bytes=10_000)
    except Unprocessable:
        pass


_header_names = st.sampled_from(["From", "To", "Subject", "Date", "Message-ID", "References", "Content-Type", "Content-Disposition", "Auto-Submitted"])
_header_values = st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x2FF), max_size=200)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_header_names, _header_values), max_size=12), st.binary(max_size=2048))
def test_parser_survives_random_headers(headers, body):
    raw = b"".join(f"{name}: {value}\r\n".encode("utf-8", "surrogatepass") for name, value in headers) + b"\r\n" + body
    try:
        parsed = parse_email(raw, received_at=timezone.now(), max_attachment_bytes=10_000)
    except Unprocessable:
        return
    for text in (parsed.subject, parsed.sender, parsed.body_text, parsed.recipients):
        assert "\x00" not in text
        text.encode("utf-8")  # no lone surrogates: PostgreSQL would refuse them
