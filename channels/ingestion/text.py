"""Text hygiene for untrusted input: every string that reaches the database passes here.

PostgreSQL refuses NUL characters and lone surrogates (which Python's e-mail parser produces for
8-bit bytes in headers), so a single stray byte would otherwise fail the INSERT.
"""

import codecs
import re

from mailparser_reply import EmailReplyParser

# C0 controls except TAB, LF and CR; DEL; C1 controls.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
# Codecs that are not character sets, or that interpret escapes: never trusted from a sender.
_REFUSED_CODECS = frozenset({"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "mbcs", "oem"})


def _repair_surrogates(value: str) -> str:
    """Strings from the e-mail parser carry undecodable bytes as surrogate escapes: decode
    them as UTF-8 when they are UTF-8, otherwise as Windows-1252 (the common 8-bit case)."""
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return _SURROGATE_RE.sub("\ufffd", value)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def clean_text(value, *, max_length: int | None = None, single_line: bool = False) -> str:
    """A string safe to store: valid Unicode, no control characters (TAB/LF/CR stay unless
    `single_line`), optionally collapsed to one line and cut to `max_length`."""
    if value is None:
        return ""
    value = str(value)
    if _SURROGATE_RE.search(value):
        value = _repair_surrogates(value)
    value = _CONTROL_RE.sub("", value)
    if single_line:
        value = " ".join(value.split())
    if max_length is not None and len(value) > max_length:
        value = value[: max_length - 1] + "…" if max_length > 1 else value[:max_length]
    return value


def usable_codec(charset: str | None) -> str | None:
    """The codec name for a declared charset, or None when unknown or not a text encoding."""
    if not charset:
        return None
    name = str(charset).strip().strip('"').lower()
    if not name or len(name) > 40:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED_CODECS:
        return None
    return info.name


_UNICODE_FAMILY = frozenset({"utf-8", "ascii", "latin-1", "iso8859-1", "iso8859-15", "cp1252"})


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str]:
    """Decode a text part. Returns (text, note): note says what was wrong with the declared
    charset, '' when it was right.

    Order: the declared charset strictly; UTF-8 strictly (senders often declare us-ascii or
    iso-8859-1 and send UTF-8); then Windows-1252 when the declared charset was UTF-8, ASCII,
    Latin or unknown (Latin-1 text labelled UTF-8 is the common mistake), else the declared
    charset with replacement characters.
    """
    codec = usable_codec(charset)
    if codec:
        try:
            return data.decode(codec), ""
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return text, "" if not charset else f"declared charset {str(charset)[:40]!r} was wrong; read as UTF-8"
    if codec and codec not in _UNICODE_FAMILY:
        return data.decode(codec, "replace"), f"text does not match declared charset {codec!r}"
    if codec:
        return data.decode("cp1252", "replace"), f"text does not match declared charset {codec!r}; read as Windows-1252"
    note = f"unknown charset {str(charset)[:40]!r}; read as Windows-1252" if charset else "no charset; read as Windows-1252"
    return data.decode("cp1252", "replace"), note


def decode_8bit_header(value: str) -> str:
    """A raw header value with 8-bit bytes (surrogate escapes from the parser): decoded as
    UTF-8 when it is, otherwise as Windows-1252. Plain ASCII values come back unchanged."""
    if not _SURROGATE_RE.search(value):
        return value
    return _repair_surrogates(value)


def clean_json(value):
    """A JSON-able structure safe for a PostgreSQL jsonb column: every string (keys too) through
    clean_text, so no NUL and no lone surrogates (which jsonb refuses)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value


# --- quoted replies ------------------------------------------------------------------------

# What mail-parser-reply does not catch by itself: Gmail's Dutch header ("Op ma 2 mrt 2026 om
# 10:15 schreef Naam <adres>:", often wrapped after the name), Apple Mail's ("… heeft Naam
# <adres> het volgende geschreven:"), and the Outlook separator line it leaves behind. An address
# (@) is required, so a resident's own "Op 1 maart schreef ik u al:" is not taken for a header.
_QUOTE_HEADER_RE = re.compile(
    r"^[ \t>]*(?:Op\s(?=[^\n]*@)[^\n]*(?:\bschreef\b|het volgende geschreven)[^\n]*:"
    r"|Op\s[^\n]*(?:\bschreef\b|\bheeft\b)[^\n]*\n[^\n]*@[^\n]*:"
    r"|-{2,}\s*(?:Oorspronkelijk bericht|Original Message|Doorgestuurd bericht|Forwarded message)\s*-{2,})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def strip_quoted_reply(text: str) -> str:
    """The new part of an e-mail: without the quoted earlier messages ("Op … schreef …:",
    "-----Oorspronkelijk bericht-----", Outlook's Van:/Verzonden: block, "On … wrote:", lines
    starting with ">"). For previews, snippets and search, never for storage: the stored
    message keeps its whole text. A message that is nothing but a quote is returned whole."""
    if not text or not text.strip():
        return ""
    reply = EmailReplyParser(languages=["nl", "en"]).parse_reply(text) or text
    header = _QUOTE_HEADER_RE.search(reply)
    if header:
        reply = reply[: header.start()]
    new = "\n".join(line for line in reply.splitlines() if not line.lstrip().startswith(">")).strip()
    return new or text.strip()


def reply_snippet(text: str, *, max_length: int = 200) -> str:
    """One line of the new part of an e-mail, for previews and search (`strip_quoted_reply`)."""
    return clean_text(strip_quoted_reply(text), max_length=max_length, single_line=True)
