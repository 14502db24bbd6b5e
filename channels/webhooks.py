"""Signature checks for inbound webhooks.

Standard Webhooks (https://www.standardwebhooks.com/, used for the e-mail and telephony
endpoints):

* headers ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``;
* the signed content is ``f"{id}.{timestamp}.{body}"`` over the raw body bytes;
* the signature is ``v1,<base64 of HMAC-SHA256(secret, signed content)>``; the header may hold
  several space-separated signatures (during a secret rotation) and one valid ``v1`` is enough;
* the secret is ``whsec_<base64>``: the HMAC key is the base64-decoded part;
* a timestamp further than the tolerance (default 300 s) from now, in either direction, is
  refused, so a captured request cannot be replayed later.

Meta (WhatsApp Cloud API, Messenger): ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
body with the app secret>``.

Every comparison is constant-time (``hmac.compare_digest``).
"""

import base64
import binascii
import hashlib
import hmac
import re
import time

MAX_WEBHOOK_ID = 200
# Deepest JSON nesting a webhook body may have. Meta's deliveries are about 6 levels deep and a
# call event 2; far deeper bodies only serve to exhaust the parser (RecursionError).
MAX_JSON_DEPTH = 32
# A JSON string (skipped whole, so brackets inside it do not count) or a bracket.
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class WebhookVerificationError(Exception):
    """The request is not authentic (401). `reason` is for the log, not for the caller."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class WebhookNotConfigured(Exception):
    """No secret is configured for this endpoint (503)."""


def decode_secret(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks secret ('whsec_<base64>')."""
    value = (secret or "").strip()
    if not value:
        raise WebhookNotConfigured("no webhook secret configured")
    if value.startswith("whsec_"):
        value = value[len("whsec_"):]
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WebhookNotConfigured("the webhook secret is not valid base64") from exc
    if not key:
        raise WebhookNotConfigured("the webhook secret is empty")
    return key


def sign(secret: str, msg_id: str, timestamp: int | str, body: bytes) -> str:
    """The 'v1,<base64>' signature a sender computes (used by tests and the docs' examples)."""
    key = decode_secret(secret)
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_standard_webhook(
    *, secret: str, headers, body: bytes, tolerance: int = 300, now: float | None = None
) -> str:
    """Check a Standard Webhooks request; returns the webhook id, or raises
    WebhookVerificationError (answer 401) / WebhookNotConfigured (answer 503)."""
    key = decode_secret(secret)
    msg_id = (headers.get("webhook-id") or "").strip()
    timestamp = (headers.get("webhook-timestamp") or "").strip()
    signatures = (headers.get("webhook-signature") or "").strip()
    if not msg_id or not timestamp or not signatures:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature header")
    if len(msg_id) > MAX_WEBHOOK_ID or not msg_id.isprintable():
        raise WebhookVerificationError("webhook-id is too long or not printable")
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise WebhookVerificationError("webhook-timestamp is not a Unix time in seconds")
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        raise WebhookVerificationError("webhook-timestamp is outside the tolerance (stale or in the future)")
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest())
    valid = False
    for candidate in signatures.split(" "):
        version, _sep, value = candidate.partition(",")
        if version != "v1" or not value:
            continue
        # No early exit: every candidate is compared, in constant time.
        valid |= hmac.compare_digest(value.encode("ascii", "replace"), expected)
    if not valid:
        raise WebhookVerificationError("no valid v1 signature")
    return msg_id


def meta_signature(app_secret: str, body: bytes) -> str:
    """The 'sha256=<hex>' header value Meta sends for `body`."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify_meta_signature(*, app_secret: str, header: str, body: bytes) -> None:
    """Check X-Hub-Signature-256; raises WebhookVerificationError / WebhookNotConfigured."""
    if not app_secret:
        raise WebhookNotConfigured("no Meta app secret configured")
    value = (header or "").strip()
    if not value.startswith("sha256="):
        raise WebhookVerificationError("missing or malformed X-Hub-Signature-256 header")
    expected = meta_signature(app_secret, body)
    if not hmac.compare_digest(value.lower().encode("ascii", "replace"), expected.encode()):
        raise WebhookVerificationError("X-Hub-Signature-256 does not match")


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does `body` nest arrays/objects deeper than `limit`? A linear scan that stops at the
    first level too deep, so it is cheap on hostile input; invalid JSON is left to the parser."""
    depth = 0
    for match in _JSON_TOKEN.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False
