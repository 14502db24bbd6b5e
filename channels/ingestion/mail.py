"""Parsing of one raw RFC 822 message into what the inbox stores. Pure: no database.

Parsing uses the standard library (``email.message_from_bytes`` with ``policy.default``) behind
guards for the cases where that parser is slow or recursive on hostile input (huge header
sections, thousands of MIME parts, deep nesting, long structured headers). Anything it cannot
handle raises :class:`Unprocessable`, which the caller turns into a quarantine with the reason.
Recoverable problems (wrong charset, missing boundary, broken encoded words, no header/body
separator) are repaired and noted in ``ParsedEmail.notes``.
"""

import email
import email.policy
import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kcc.core.files import sanitize_filename

from .files import sniff_content_type
from .sanitize import clean_html, html_to_text
from .text import clean_text, decode_8bit_header, decode_bytes

POLICY = email.policy.default
MAX_HEADER_SECTION_BYTES = 256 * 1024
MAX_PARTS = 500
MAX_DEPTH = 20
# Structured header values are parsed only up to this length: the stdlib parser is slow and
# recursive on long hostile values.
MAX_STRUCTURED_HEADER_CHARS = 8 * 1024
MAX_SUBJECT_HEADER_CHARS = 16 * 1024
MAX_REFERENCES = 50
MAX_BODY_CHARS = 2_000_000

# Header fields added in transport: left out of the fingerprint, so the same message read
# from a file, from IMAP or from the webhook has one fingerprint.
TRACE_FIELDS = frozenset(
    {
        "received", "return-path", "delivered-to", "envelope-to", "x-original-to", "authentication-results",
        "received-spf", "dkim-signature", "domainkey-signature", "status", "content-length", "lines",
    }
)
TRACE_PREFIXES = ("x-", "arc-")

_MSGID_RE = re.compile(r"<[^<>\s]{1,490}>")
_HEADER_LINE_RE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_NOREPLY_RE = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+\-.].*)?@", re.IGNORECASE)
ADDRESS_FIELDS = ("from", "sender", "to", "cc", "subject", "date", "message-id", "mime-version", "content-type", "reply-to")


class Unprocessable(Exception):
    """The message cannot be turned into a contact message; `reason` says why (Dutch)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    declared_type: str
    data: bytes


@dataclass
class ParsedEmail:
    sender: str = ""
    sender_address: str = ""
    sender_problem: str = ""
    recipients: str = ""
    subject: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    date: datetime | None = None
    body_text: str = ""
    body_html: str = ""
    is_auto_reply: bool = False
    auto_reply_reason: str = ""
    no_acknowledgement_reason: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    skipped_attachments: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- byte-level helpers (never raise) --------------------------------------------------


def _lines(raw: bytes) -> list[bytes]:
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")


def header_section_length(raw: bytes) -> int:
    """Bytes in the header section as the parser will see it: up to the first empty line or
    the first line that is neither a header field nor a continuation."""
    total = 0
    for index, line in enumerate(raw.split(b"\n")):
        stripped = line.rstrip(b"\r")
        if not stripped:
            break
        if index == 0 and stripped.startswith(b"From "):
            total += len(line) + 1
            continue
        if stripped[:1] in (b" ", b"\t") and index > 0:
            total += len(line) + 1
            continue
        if not _HEADER_LINE_RE.match(stripped):
            break
        total += len(line) + 1
    return total


def fingerprint(raw: bytes) -> str:
    """SHA-256 of the message with CRLF/CR turned into LF, an mbox 'From ' line dropped,
    transport trace fields removed, trailing white space on header lines and at the end
    dropped. Everything the sender wrote (From, To, Subject, Date, Message-ID, the body) counts."""
    lines = _lines(raw)
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    fields: list[list[bytes]] = []
    body_start = len(lines)
    for index, line in enumerate(lines):
        if not line.strip():
            body_start = index + 1
            break
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1].append(line.rstrip())
            continue
        if not _HEADER_LINE_RE.match(line):
            body_start = index
            break
        fields.append([line.rstrip()])
    kept = []
    for lines_of_field in fields:
        name = lines_of_field[0].split(b":", 1)[0].strip().lower().decode("ascii", "replace")
        if name in TRACE_FIELDS or name.startswith(TRACE_PREFIXES):
            continue
        kept.append(b"\n".join(lines_of_field))
    body = b"\n".join(lines[body_start:]).rstrip()
    digest = hashlib.sha256()
    digest.update(b"\n".join(kept))
    digest.update(b"\n\n")
    digest.update(body)
    return digest.hexdigest()


# --- header helpers --------------------------------------------------------------------


def _raw_values(msg, name: str) -> list[str]:
    name = name.lower()
    return [value for key, value in msg.raw_items() if key.lower() == name]


def _unfold(value: str) -> str:
    return "".join(value.splitlines())


def _parsed_header(name: str, raw_value: str, limit: int = MAX_STRUCTURED_HEADER_CHARS):
    return POLICY.header_fetch_parse(name, raw_value[:limit])


def message_ids(value: str, limit: int = MAX_REFERENCES) -> list[str]:
    """Message-ids (with angle brackets) in a header value; a bare id gets brackets."""
    value = clean_text(_unfold(value or ""))
    found = _MSGID_RE.findall(value)
    if not found:
        bare = value.strip().strip("<>").strip()
        if bare and " " not in bare and len(bare) < 490:
            found = [f"<{bare}>"]
    return list(dict.fromkeys(found))[-limit:] if len(found) > limit else list(dict.fromkeys(found))


def _subject(msg, parsed: ParsedEmail) -> str:
    values = _raw_values(msg, "subject")
    if not values:
        return ""
    raw = decode_8bit_header(values[0])
    if len(raw) > MAX_SUBJECT_HEADER_CHARS:
        parsed.notes.append(f"Subject header of {len(raw)} characters cut to {MAX_SUBJECT_HEADER_CHARS}")
    try:
        header = _parsed_header("subject", raw, MAX_SUBJECT_HEADER_CHARS)
        text = str(header)
        if header.defects:
            parsed.notes.append("Subject header: " + "; ".join(str(d) for d in header.defects)[:200])
    except Exception as exc:  # noqa: BLE001 - a broken subject is shown raw, never fatal
        parsed.notes.append(f"Subject header could not be decoded ({exc.__class__.__name__}); shown as received")
        text = _unfold(raw)
    return clean_text(text, max_length=500, single_line=True)


def _addresses_text(msg, name: str) -> str:
    result = []
    for raw in _raw_values(msg, name):
        try:
            result.append(str(_parsed_header(name, raw)))
        except Exception:  # noqa: BLE001 - recipients are informational only
            result.append(_unfold(raw))
    return clean_text(", ".join(result), max_length=5000, single_line=True)


def analyse_sender(msg) -> tuple[str, str, str]:
    """(display sender, normalised address or '', problem or '').

    The address is only returned when the From header is unambiguous: exactly one From field,
    exactly one mailbox, no parser defects, the strict and the legacy parser agree on it, and
    it is a valid address. Anything else, e.g. ``alice@example.org(<bob@example.org>``,
    leaves the address empty, so the message is never linked to a resident automatically.
    """
    values = _raw_values(msg, "from")
    if not values:
        return "", "", "no From header"
    if len(values) > 1:
        return clean_text(_unfold(values[0]), max_length=500, single_line=True), "", "several From headers"
    raw = values[0]
    display = clean_text(_unfold(raw), max_length=500, single_line=True)
    if len(raw) > 2000:
        return display, "", "From header too long"
    try:
        header = _parsed_header("from", raw)
        mailboxes = list(header.addresses)
        defects = list(header.defects)
        display = clean_text(str(header), max_length=500, single_line=True) or display
    except Exception as exc:  # noqa: BLE001 - unparseable sender: keep it, never link it
        return display, "", f"From header could not be parsed ({exc.__class__.__name__})"
    if defects:
        return display, "", "From header is ambiguous: " + "; ".join(str(d) for d in defects)[:200]
    if len(mailboxes) != 1:
        return display, "", f"From header names {len(mailboxes)} addresses"
    address = (mailboxes[0].addr_spec or "").strip()
    try:
        legacy = email.utils.getaddresses([_unfold(raw)])
    except Exception:  # noqa: BLE001
        legacy = []
    if len(legacy) != 1 or legacy[0][1].strip().lower() != address.lower():
        return display, "", "From header is read differently by different parsers"
    address = clean_text(address).lower()
    if not address.isascii():
        return display, "", "From address contains non-ASCII characters"
    try:
        validate_email(address)
    except ValidationError:
        return display, "", "From address is not a valid e-mail address"
    return display, address, ""


def detect_auto_reply(msg) -> str:
    """Why the message is automatic (RFC 3834 Auto-Submitted, Precedence bulk/junk/list, an
    empty Return-Path, X-Autoreply/X-Autorespond), or '' for a message written by a person."""
    for raw in _raw_values(msg, "auto-submitted"):
        value = clean_text(_unfold(raw)).split(";", 1)[0].strip().lower()
        if value and value != "no":
            return f"Auto-Submitted: {value[:40]}"
    for raw in _raw_values(msg, "precedence"):
        value = clean_text(_unfold(raw)).strip().lower()
        if value in ("bulk", "junk", "list", "auto_reply"):
            return f"Precedence: {value}"
    for raw in _raw_values(msg, "return-path"):
        if clean_text(_unfold(raw)).replace(" ", "") == "<>":
            return "Return-Path: <>"
    for name in ("x-autoreply", "x-autorespond"):
        if _raw_values(msg, name):
            return name
    return ""


def _date(msg, parsed: ParsedEmail, received_at: datetime) -> datetime | None:
    values = _raw_values(msg, "date")
    if not values:
        return None
    raw = clean_text(_unfold(values[0]))[:200]
    try:
        value = email.utils.parsedate_to_datetime(raw)
    except Exception:  # noqa: BLE001 - a bad Date header falls back to the receipt time
        parsed.notes.append(f"Date header {raw[:60]!r} could not be read; receipt time used")
        return None
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if value > received_at + timedelta(minutes=5) or value.year < 1990:
        parsed.notes.append(f"Date header {raw[:60]!r} is implausible; receipt time used")
        return None
    return value


# --- MIME walk -------------------------------------------------------------------------


def _leaf_parts(msg):
    """(part, depth) for every leaf part, not descending into attached messages. Raises
    Unprocessable for too many parts or too deep nesting."""
    stack = [(msg, 0)]
    count = 0
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > MAX_PARTS:
            raise Unprocessable(_("The message has more than %(count)s MIME parts.") % {"count": MAX_PARTS})
        if depth > MAX_DEPTH:
            raise Unprocessable(_("The MIME structure is nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH})
        if part.get_content_maintype() == "multipart" and part.is_multipart():
            children = part.get_payload()
            stack.extend((child, depth + 1) for child in reversed(children))
            continue
        yield part, depth


def _part_filename(part) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a broken RFC 2231 name gives the fallback name
        name = None
    if not name:
        try:
            name = part.get_param("name")
            if isinstance(name, tuple):
                name = email.utils.collapse_rfc2231_value(name)
        except Exception:  # noqa: BLE001
            name = None
    return name or ""


def _attached_message_bytes(part) -> bytes:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if inner is None:
        data = part.get_payload(decode=True)
        return data if isinstance(data, bytes) else b""
    for policy in (POLICY, email.policy.compat32):
        try:
            return inner.as_bytes(policy=policy)
        except Exception:  # noqa: BLE001, S112 - try the lenient serialiser next
            continue
    return str(inner).encode("utf-8", "surrogateescape")


def _extract_parts(msg, parsed: ParsedEmail, max_attachment_bytes: int) -> None:
    texts: list[str] = []
    htmls: list[str] = []
    for index, (part, _depth) in enumerate(_leaf_parts(msg), start=1):
        try:
            ctype = part.get_content_type()
            disposition = part.get_content_disposition()
        except Exception as exc:  # noqa: BLE001 - an unreadable part header: note it, keep the rest
            parsed.notes.append(f"Part {index}: header unreadable ({exc.__class__.__name__})")
            continue
        filename = _part_filename(part)
        if ctype == "message/rfc822" or (ctype.startswith("message/") and part.is_multipart()):
            data = _attached_message_bytes(part)
            name = sanitize_filename(filename or "doorgestuurd-bericht.eml", fallback="doorgestuurd-bericht.eml")
            if not name.lower().endswith(".eml"):
                name += ".eml"
            _add_attachment(parsed, name, "message/rfc822", ctype, data, max_attachment_bytes)
            continue
        if ctype.startswith("multipart/"):
            # A multipart without (a valid) boundary: the parser left its content as one
            # block. Show it as text rather than hide it in an attachment.
            parsed.notes.append(f"Part {index}: {ctype} without usable boundary; shown as text")
            ctype = "text/plain"
        is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
        try:
            data = part.get_payload(decode=True)
        except Exception as exc:  # noqa: BLE001
            parsed.notes.append(f"Part {index}: content unreadable ({exc.__class__.__name__})")
            continue
        if data is None:
            payload = part.get_payload()
            data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
        if is_body_text:
            try:
                charset = part.get_content_charset()
            except Exception:  # noqa: BLE001
                charset = None
            text, note = decode_bytes(data, charset)
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            if note:
                parsed.notes.append(f"Part {index}: {note}")
            (htmls if ctype == "text/html" else texts).append(text)
            continue
        if not data and not filename:
            continue
        _add_attachment(parsed, sanitize_filename(filename), sniff_content_type(data, ctype), ctype, data, max_attachment_bytes)
    text = "\n\n".join(t.strip("\r\n") for t in texts if t.strip())
    markup = "\n".join(h for h in htmls if h.strip())
    parsed.body_html = clean_text(clean_html(markup))[:MAX_BODY_CHARS] if markup else ""
    if not text and markup:
        text = html_to_text(markup)
    parsed.body_text = clean_text(text)[:MAX_BODY_CHARS]


def _add_attachment(parsed, name, content_type, declared, data, max_bytes) -> None:
    if len(data) > max_bytes:
        parsed.skipped_attachments.append({"filename": name, "size": len(data), "reason": "too large"})
        return
    parsed.attachments.append(ParsedAttachment(filename=name, content_type=content_type, declared_type=clean_text(declared)[:100], data=data))


# --- entry point -----------------------------------------------------------------------


def parse_email(raw: bytes, *, received_at: datetime, max_attachment_bytes: int) -> ParsedEmail:
    """Parse `raw`; raises Unprocessable (with a Dutch reason) or any other exception for a
    message that must be quarantined."""
    if not raw or not raw.strip(b" \t\r\n\x00"):
        raise Unprocessable(_("The message is empty."))
    header_bytes = header_section_length(raw)
    if header_bytes > MAX_HEADER_SECTION_BYTES:
        raise Unprocessable(
            _("The header section is %(size)s bytes; at most %(limit)s bytes are processed automatically.")
            % {"size": header_bytes, "limit": MAX_HEADER_SECTION_BYTES}
        )
    msg = email.message_from_bytes(raw, policy=POLICY)
    names = {key.lower() for key, _value in msg.raw_items()}
    if not names & set(ADDRESS_FIELDS):
        raise Unprocessable(_("No e-mail header fields found: this is not an e-mail message (RFC 822)."))

    parsed = ParsedEmail()
    parsed.notes.extend(d.__class__.__name__ for d in msg.defects[:20])
    parsed.sender, parsed.sender_address, parsed.sender_problem = analyse_sender(msg)
    recipients = [_addresses_text(msg, "to"), _addresses_text(msg, "cc")]
    parsed.recipients = clean_text(", ".join(r for r in recipients if r), max_length=5000)
    parsed.subject = _subject(msg, parsed)
    ids = message_ids(_raw_values(msg, "message-id")[0], limit=1) if _raw_values(msg, "message-id") else []
    parsed.message_id = ids[0] if ids else ""
    reply_ids = message_ids(_raw_values(msg, "in-reply-to")[0], limit=1) if _raw_values(msg, "in-reply-to") else []
    parsed.in_reply_to = reply_ids[0] if reply_ids else ""
    parsed.references = message_ids(" ".join(_raw_values(msg, "references"))[:64 * 1024])
    parsed.date = _date(msg, parsed, received_at)
    parsed.auto_reply_reason = detect_auto_reply(msg)
    parsed.is_auto_reply = bool(parsed.auto_reply_reason)
    parsed.no_acknowledgement_reason = parsed.auto_reply_reason
    if not parsed.no_acknowledgement_reason:
        if _raw_values(msg, "list-id") or _raw_values(msg, "list-unsubscribe"):
            parsed.no_acknowledgement_reason = "mailing list"
        elif parsed.sender_address and _NOREPLY_RE.match(parsed.sender_address):
            parsed.no_acknowledgement_reason = "system sender"
    _extract_parts(msg, parsed, max_attachment_bytes)
    return parsed


def safe_summary(raw: bytes) -> dict:
    """From and Subject for the quarantine list, best effort; never raises."""
    summary = {}
    try:
        head = raw[: min(header_section_length(raw), 64 * 1024)]
        msg = email.message_from_bytes(head + b"\n\n", policy=email.policy.compat32)
        for name in ("from", "subject", "date", "message-id"):
            values = _raw_values(msg, name)
            if values:
                summary[name] = clean_text(_unfold(str(values[0])), max_length=200, single_line=True)
    except Exception:  # noqa: BLE001, S110 - the summary is decoration only
        pass
    return summary
