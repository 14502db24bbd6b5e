"""Callbacks has no admin of its own: its e-mails are in the one outbox (core.OutboundEmail,
kcc/core/admin.py) and closure days in core.ClosureDay."""
