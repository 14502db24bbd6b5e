"""Inbound side of the unified inbox: e-mail (files, IMAP, webhook), telephony call events and
Meta (WhatsApp, Messenger) messages. Contracts: docs/integrations.md.

Public API:
* ``ingest_email(raw=..., source=..., dedupe_key=..., meta=...)`` -> IngestResult
* ``inbound_reprocess(user=..., raw_id=...)`` -> IngestResult
* ``imap_poll(...)`` / ``imap_poll_configured()``
* ``screen_pops_for(user)``, ``screen_pop_dismiss(user=..., pop_id=...)``,
  ``screen_pops_dismiss_for_call(user=..., call_id=...)``
"""

from .email_ingest import ingest_email, process_email
from .phone import screen_pop_dismiss, screen_pops_dismiss_for_call, screen_pops_for
from .quarantine import inbound_reprocess
from .store import IngestResult, process_raw, store_raw

__all__ = [
    "IngestResult",
    "inbound_reprocess",
    "ingest_email",
    "process_email",
    "process_raw",
    "screen_pop_dismiss",
    "screen_pops_dismiss_for_call",
    "screen_pops_for",
    "store_raw",
]
