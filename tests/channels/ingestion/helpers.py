"""Builders for test mail and signed webhook requests."""

import json
import time
import uuid
from email.utils import format_datetime

from django.utils import timezone

from channels.webhooks import meta_signature, sign

EMAIL_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PHONE_SECRET = "whsec_c2VjcmV0LXZvb3ItZGUtdGVsZWZvbmll"
WEBFORM_SECRET = "whsec_d2ViZm9ybXVsaWVyLWdlaGVpbS12b29yLXRlc3Rz"
META_APP_SECRET = "meta-app-secret-voor-tests"
META_VERIFY_TOKEN = "verifieer-mij-2026"


def mail(
    *,
    sender: str = "Jan Jansen <jan.jansen@example.nl>",
    to: str = "KCC <kcc@voorbeeldstad.example>",
    subject: str = "Vraag over de afvalpas",
    body: str = "Goedendag,\n\nMijn afvalpas is kwijt. Hoe kom ik aan een nieuwe?\n\nJan",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    date=None,
    extra_headers: dict | None = None,
    newline: str = "\r\n",
) -> bytes:
    """A plain-text mail as raw bytes (UTF-8, 8bit)."""
    headers = {
        "From": sender,
        "To": to,
        "Subject": subject,
        "Date": format_datetime(date or timezone.now()),
        "Message-ID": message_id or f"<{uuid.uuid4().hex}@example.nl>",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
    if references:
        headers["References"] = references
    headers.update(extra_headers or {})
    head = newline.join(f"{name}: {value}" for name, value in headers.items() if value is not None)
    return (head + newline + newline + body.replace("\n", newline) + newline).encode("utf-8")


def multipart(*, parts: list[tuple[dict, bytes]], subject="Met bijlage", sender="Jan Jansen <jan.jansen@example.nl>", boundary="grens-2026") -> bytes:
    head = (
        f"From: {sender}\r\nTo: kcc@voorbeeldstad.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@example.nl>\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
    ).encode()
    chunks = [head]
    for headers, payload in parts:
        chunks.append(f"--{boundary}\r\n".encode())
        chunks.append("".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode() + b"\r\n")
        chunks.append(payload + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks)


def standard_headers(secret: str, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None, signature: str | None = None) -> dict:
    """Django test-client kwargs for a Standard Webhooks request."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "HTTP_WEBHOOK_ID": msg_id,
        "HTTP_WEBHOOK_TIMESTAMP": str(timestamp),
        "HTTP_WEBHOOK_SIGNATURE": signature if signature is not None else sign(secret, msg_id, timestamp, body),
    }


def post_email(client, body: bytes, **kwargs):
    headers = standard_headers(EMAIL_SECRET, body, **kwargs)
    return client.post("/api/inbound/email/", data=body, content_type="message/rfc822", **headers)


def post_phone(client, event: dict | bytes, **kwargs):
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    headers = standard_headers(PHONE_SECRET, body, **kwargs)
    return client.post("/api/inbound/phone/", data=body, content_type="application/json", **headers)


def post_meta(client, payload: dict | bytes, *, secret: str = META_APP_SECRET, signature: str | None = None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    header = signature if signature is not None else meta_signature(secret, body)
    return client.post("/api/inbound/social/meta/", data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=header)


def post_webform(client, submission: dict | bytes, **kwargs):
    body = submission if isinstance(submission, bytes) else json.dumps(submission).encode()
    headers = standard_headers(WEBFORM_SECRET, body, **kwargs)
    return client.post("/api/inbound/webform/", data=body, content_type="application/json", **headers)


def submission(**overrides) -> dict:
    """A valid web-form submission (docs/openapi/webform.yaml)."""
    data = {
        "form_id": "melding-openbare-ruimte",
        "form_name": "Melding openbare ruimte",
        "submission_id": f"OF-{uuid.uuid4().hex[:12]}",
        "submitted_at": timezone.now().isoformat(),
        "submitter": {"name": "Jan Jansen", "email": "jan.jansen@example.nl", "phone": "06 12345678"},
        "fields": [
            {"label": "Wat wilt u melden?", "value": "Losliggende stoeptegels"},
            {"label": "Waar?", "value": "Dorpsstraat 12"},
            {"label": "Toelichting", "value": "Er is al iemand over gestruikeld.\nGraag snel."},
        ],
        "reply": {"channel": "email"},
    }
    data.update(overrides)
    return data
