"""Outcome extensions: what other apps add to closing a contact with a given outcome.

The inbox knows its outcomes but not what another app must record for them. An app registers,
for one outcome, from its AppConfig.ready():

* ``form_class`` — the extra fields (a Form, rendered with ``prefix=<outcome>`` inside the
  close form; built as ``form_class(data, prefix=..., contact=..., initial=...)``);
* ``template`` — the template that renders those fields (context: ``form``, ``contact``);
* ``handler(*, user, contact, data)`` — runs INSIDE ``contact_close``'s transaction, after the
  contact row is locked and saved as closed. It records the app's part (e.g. the callback
  request) and returns it. A DomainError (or any exception) rolls back the close as well;
* ``initial(contact) -> dict`` — optional initial values (e.g. the caller's number).

The seam stays one-way: ``channels`` never imports the registering app.

Invariant for ``HANDLER_REQUIRED`` outcomes: a contact is closed with such an outcome only
together with its handler's record. ``contact_close`` refuses the outcome when no extension is
registered or when the close carries no extension data, and the handler must return the
record it made (a falsy return is refused too).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .constants import Outcome

# Outcomes that promise something another app must record. Closing with one of them without
# that record is refused (docs/desk.md, "Closing with a callback").
HANDLER_REQUIRED = frozenset({Outcome.CALLBACK})


@dataclass(frozen=True)
class OutcomeExtension:
    outcome: str
    form_class: type
    template: str
    handler: Callable[..., Any]
    initial: Callable[[Any], dict] | None = None

    def make_form(self, data=None, *, contact=None):
        initial = self.initial(contact) if (self.initial and contact is not None) else {}
        return self.form_class(data, prefix=self.outcome, contact=contact, initial=initial)


_extensions: dict[str, OutcomeExtension] = {}


def register_outcome(outcome: str, *, form_class: type, template: str, handler: Callable[..., Any], initial=None) -> None:
    """Register the extra fields and the in-transaction handler for ``outcome`` (one per
    outcome; registering again replaces it, so a reloaded AppConfig does not duplicate)."""
    if outcome not in Outcome.values:
        raise ValueError(f"unknown outcome {outcome!r}")
    _extensions[outcome] = OutcomeExtension(outcome, form_class, template, handler, initial)


def unregister_outcome(outcome: str) -> OutcomeExtension | None:
    """Remove a registration (tests)."""
    return _extensions.pop(outcome, None)


def extension_for(outcome: str | None) -> OutcomeExtension | None:
    return _extensions.get(outcome or "")


def extensions() -> list[OutcomeExtension]:
    return [_extensions[o] for o in Outcome.values if o in _extensions]
