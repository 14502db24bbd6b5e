"""Attachment types from untrusted mail (their names are cleaned by kcc.core.files).

The name a sender gives is only shown, never used as a path: files are stored under a generated
name. The content type is sniffed from the bytes (puremagic), not taken from the sender.
"""

import uuid

import puremagic
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from ..models import Attachment
from .store import logger, sha256_hex


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


def attachment_store(*, message, filename: str, content_type: str, data: bytes, saved_files: list[str]) -> Attachment:
    """Store one attachment of an inbound message under a generated name. The name of the
    written file is added to `saved_files`, so that the caller can remove it again when its
    transaction rolls back (a file is not part of the transaction)."""
    attachment = Attachment(message=message, filename=filename, content_type=content_type, size=len(data), sha256=sha256_hex(data))
    attachment.file.save(uuid.uuid4().hex, ContentFile(data), save=False)
    saved_files.append(attachment.file.name)
    attachment.save()
    return attachment


def skipped_attachment_note(skipped: dict) -> str:
    """The line added to a message's text for an attachment larger than KCC_ATTACHMENT_MAX_BYTES
    (`skipped` = {"filename", "size"}): the agent sees it was there and where it still is."""
    return _(
        "[Attachment '%(name)s' (%(size)s MB) was not stored separately: it is larger than %(limit)s MB. "
        "It is still in the original message.]"
    ) % {
        "name": skipped["filename"],
        "size": f"{skipped['size'] / 1_000_000:.1f}".replace(".", ","),
        "limit": f"{settings.KCC_ATTACHMENT_MAX_BYTES / 1_000_000:.0f}",
    }


def attachment_files_delete(names: list[str]) -> None:
    """Remove files written for attachments whose transaction rolled back."""
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not remove orphaned attachment file %s", name)
