"""The inbox's part of the command palette (kcc/core/palette.py): a contact by its number."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .access import contact_scope


def palette_contacts(user, query) -> list:
    """'123' or '#123' opens contact 123 when the user may see it (one query; the contact scope
    decides: KCC roles see all, back office only what was transferred to them)."""
    from kcc.core.palette import PaletteItem

    if query.number is None:
        return []
    contact = contact_scope(user).filter(pk=query.number).only("pk", "subject").first()
    if contact is None:
        return []
    return [
        PaletteItem(
            "contact", _("Contact"), _("Contact #%(number)s") % {"number": contact.pk},
            reverse("channels:contact_detail", args=[contact.pk]), detail=contact.subject[:80],
        )
    ]
