"""Attachment file names and types from untrusted mail.

The name a sender gives is only shown, never used as a path: files are stored under a generated
name. The content type is sniffed from the bytes (puremagic), not taken from the sender.
"""

import os
import re
import unicodedata

import puremagic

from .text import clean_text

MAX_FILENAME_LENGTH = 100
_RESERVED_CHARS_RE = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def sanitize_filename(name: str | None, *, fallback: str = "bijlage") -> str:
    """A display name without path components, control or bidi characters, at most 100
    characters long (the extension is kept). '../../etc/passwd' becomes 'passwd'."""
    value = unicodedata.normalize("NFC", clean_text(name or ""))
    value = value.replace("\\", "/").rsplit("/", 1)[-1]
    # Category C: controls, format characters (e.g. U+202E right-to-left override, which
    # disguises 'gpj.exe' as 'exe.jpg'), surrogates, private use and unassigned.
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    value = _RESERVED_CHARS_RE.sub("_", value)
    value = " ".join(value.split()).strip(" .")
    if not value:
        value = fallback
    stem, ext = os.path.splitext(value)
    if stem.lower() in _WINDOWS_RESERVED:
        value = f"_{value}"
        stem = f"_{stem}"
    if len(value) > MAX_FILENAME_LENGTH:
        ext = ext[:16]
        value = stem[: MAX_FILENAME_LENGTH - len(ext)].rstrip(" .") + ext
    return value


def sniff_content_type(data: bytes, declared: str = "") -> str:
    """The content type recognised from the bytes. Unrecognised text stays text/plain (when the
    sender said text/*), anything else unrecognised is application/octet-stream."""
    if data:
        try:
            mime = puremagic.from_string(data[:65536], mime=True)
        except (puremagic.PureError, ValueError, TypeError, IndexError):
            mime = ""
        if mime and "/" in mime and len(mime) <= 100:
            return mime.lower()
    if (declared or "").lower().startswith("text/") and b"\x00" not in data[:8192]:
        return "text/plain"
    return "application/octet-stream"
