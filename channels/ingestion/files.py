"""Attachment types from untrusted mail (their names are cleaned by kcc.core.files).

The name a sender gives is only shown, never used as a path: files are stored under a generated
name. The content type is sniffed from the bytes (puremagic), not taken from the sender.
"""

import puremagic


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
