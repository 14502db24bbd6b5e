"""IMAP polling of the KCC mailbox (imap-tools).

For each message in the mailbox:
1. fetch the raw bytes with BODY.PEEK[] (the \\Seen flag is left alone);
2. ``ingest_email`` with dedupe key ``imap:<mailbox>:<UIDVALIDITY>:<UID>``: the raw bytes are
   committed before anything else, and the content fingerprint makes a copy that also came in
   by another route a duplicate;
3. only then move it to the processed folder (UID MOVE when the server offers it).

The poller that stored a message moves it. A poller that fetches a message someone else just
stored leaves the move to them (a second MOVE racing the first can leave two copies in the
processed folder); it does move it when the first move failed or when the first poller has
evidently died (the copy is older than a minute).

If the database write fails, the message is not moved: it stays in the mailbox and is fetched
again by the next poll. If the move fails after the commit, the next poll fetches it again and
the dedupe key makes that a no-op (it is then moved). Two pollers on one mailbox are safe: the
unique dedupe key lets exactly one of them store each message; both may try the move, and a
move of a message that is already gone does nothing.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from imap_tools import MailBox, MailBoxUnencrypted
from imap_tools.message import MailMessage

from ..constants import InboundSource
from ..models import InboundRaw
from .email_ingest import ingest_email

log = logging.getLogger("channels.ingestion.imap")
DEFAULT_TIMEOUT = 60
# A message another poller stored less than this long ago is left for that poller to move.
MOVE_GRACE_SECONDS = 60


class RawMailMessage(MailMessage):
    """imap-tools message that keeps the raw bytes and does not parse them (our parser does,
    behind its guards)."""

    def __init__(self, fetch_data: list) -> None:
        raw, uid_data, flag_data = self._get_message_data_parts(fetch_data)
        self._raw_uid_data = uid_data
        self._raw_flag_data = flag_data
        self.raw = raw or b""


@dataclass
class PollSummary:
    mailbox: str = ""
    uidvalidity: int = 0
    counts: dict = field(default_factory=lambda: {"new": 0, "threaded": 0, "duplicate": 0, "quarantined": 0, "pending": 0, "failed": 0})
    moved: int = 0
    move_failures: int = 0
    left_to_other_poller: int = 0
    errors: list = field(default_factory=list)

    @property
    def fetched(self) -> int:
        return sum(self.counts.values())


def imap_settings() -> dict:
    return {
        "host": settings.KCC_IMAP_HOST,
        "port": settings.KCC_IMAP_PORT,
        "ssl": settings.KCC_IMAP_SSL,
        "user": settings.KCC_IMAP_USER,
        "password": settings.KCC_IMAP_PASSWORD,
        "mailbox": settings.KCC_IMAP_MAILBOX,
        "processed_folder": settings.KCC_IMAP_PROCESSED_FOLDER,
    }


def _refresh_capabilities(mailbox) -> None:
    """imaplib keeps the capabilities of the greeting; after login servers announce more
    (MOVE among them), so ask again."""
    try:
        typ, data = mailbox.client.capability()
        if typ == "OK" and data and data[-1]:
            mailbox.client.capabilities = tuple(data[-1].decode("ascii", "replace").upper().split())
    except Exception:  # noqa: BLE001 - without MOVE imap-tools falls back to COPY + delete
        log.debug("CAPABILITY failed; keeping the greeting's capabilities")


def imap_poll(
    *, host: str, port: int, ssl: bool, user: str, password: str, mailbox: str = "INBOX",
    processed_folder: str = "Verwerkt", limit: int | None = None, timeout: int = DEFAULT_TIMEOUT,
    move_grace_seconds: int = MOVE_GRACE_SECONDS,
) -> PollSummary:
    """Poll one mailbox once (see the module docstring). Must run outside a transaction: the
    move happens after the commit of each message, and inside an atomic block there is no
    commit to wait for."""
    if connection.in_atomic_block:
        raise RuntimeError("imap_poll must not run inside a transaction: messages are moved only after the commit.")
    summary = PollSummary(mailbox=mailbox)
    box_class = MailBox if ssl else MailBoxUnencrypted
    box = box_class(host, port, timeout=timeout)
    box.email_message_class = RawMailMessage
    with box.login(user, password, initial_folder=mailbox):
        _refresh_capabilities(box)
        summary.uidvalidity = int(box.folder.status(mailbox).get("UIDVALIDITY", 0))
        if processed_folder and not box.folder.exists(processed_folder):
            try:
                box.folder.create(processed_folder)
            except Exception:  # noqa: BLE001 - a concurrent poller may have created it
                if not box.folder.exists(processed_folder):
                    raise
        uids = box.uids("ALL")
        if limit:
            uids = uids[:limit]
        for uid in uids:
            fetched = list(box.fetch(uid_list=[uid], mark_seen=False))
            if not fetched:
                continue  # moved by another poller in the meantime
            message = fetched[0]
            key = f"imap:{mailbox}:{summary.uidvalidity}:{uid}"
            try:
                result = ingest_email(
                    raw=message.raw,
                    source=InboundSource.IMAP,
                    dedupe_key=key,
                    meta={"mailbox": mailbox, "uidvalidity": summary.uidvalidity, "uid": uid, "host": host},
                )
            except Exception as exc:  # noqa: BLE001 - not stored: leave it in the mailbox for the next poll
                summary.counts["failed"] += 1
                summary.errors.append(f"UID {uid}: {exc.__class__.__name__}: {exc}"[:300])
                log.exception("IMAP message %s could not be stored; left in %s", uid, mailbox)
                continue
            summary.counts[result.label if result.label in summary.counts else "pending"] += 1
            if not processed_folder:
                continue
            if result.replay and not _replay_needs_move(result.raw_id, move_grace_seconds):
                # Another poller stored it a moment ago and is moving it; moving it twice
                # would leave two copies in the processed folder.
                summary.left_to_other_poller += 1
                continue
            try:
                box.move([uid], processed_folder)
            except Exception as exc:  # noqa: BLE001 - stored; the next poll moves it
                summary.move_failures += 1
                summary.errors.append(f"UID {uid}: move failed: {exc}"[:300])
                log.warning("IMAP message %s stored but not moved: %s", uid, exc)
                _record_move(result.raw_id, moved=False)
            else:
                summary.moved += 1
                _record_move(result.raw_id, moved=True)
    return summary


def _replay_needs_move(raw_id: int, grace_seconds: int) -> bool:
    """A message fetched again after it was stored: move it when its first poller is done with
    it (its move failed) or evidently gone (crashed between commit and move: older than the
    grace period). A fresh one belongs to a poller that is moving it right now."""
    raw = InboundRaw.objects.filter(pk=raw_id).only("received_at", "meta").first()
    if raw is None:
        return True
    if raw.meta.get("imap_move_failed") or raw.meta.get("imap_moved"):
        return True
    return raw.received_at <= timezone.now() - timedelta(seconds=grace_seconds)


def _record_move(raw_id: int, *, moved: bool) -> None:
    with transaction.atomic():
        raw = InboundRaw.objects.select_for_update().filter(pk=raw_id).only("meta").first()
        if raw is None:
            return
        raw.meta = {**raw.meta, "imap_moved": moved, "imap_move_failed": not moved}
        raw.save(update_fields=["meta"])


def imap_poll_configured(**overrides) -> PollSummary | None:
    """Poll the mailbox from the settings; None when KCC_IMAP_HOST is empty (polling off)."""
    config = {**imap_settings(), **overrides}
    if not config["host"]:
        return None
    return imap_poll(**config)
