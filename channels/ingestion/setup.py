"""Registrations of the inbound side in the shared registries."""

from django.utils.translation import gettext_lazy as _


def register_navigation() -> None:
    """Main-menu item 'Quarantaine' for team leads and functional admins (idempotent)."""
    from kcc.core import navigation

    from .quarantine import QUARANTINE_ROLES

    navigation.register(_("Quarantine"), "channels:quarantine", set(QUARANTINE_ROLES), order=70)
