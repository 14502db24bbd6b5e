from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    # "signals" clashes with Django's dispatcher vocabulary: the label says what it is.
    name = "signals"
    label = "signalboard"
    verbose_name = "Signalen"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from channels.panels import register_contact_panel
        from kcc.core import navigation
        from kcc.core.constants import Role
        from kcc.core.outbox import register_source
        from kcc.core.roles import ROLE_PERMISSIONS
        from kcc.core.views import register_home_section

        from . import integrations
        from .access import BOARD_ROLES, RAISE_ROLES

        # Its e-mails in the one outbox are rendered when sent (kcc.core.outbox).
        register_source("signals", "signals.services.outbox_outgoing")
        navigation.register(_("Signals"), "signals:board", set(BOARD_ROLES), order=60)
        register_contact_panel("signals/panels/contact.html", integrations.contact_panel, set(RAISE_ROLES), order=50)
        register_home_section("signals/home/supported.html", set(BOARD_ROLES), integrations.home_supported)
        register_home_section("signals/home/department.html", {Role.BACKOFFICE, Role.MANAGER, Role.TEAMLEAD}, integrations.home_department)
        from kcc.core import timeline

        from .timeline import RANK_SIGNAL, signal_entries

        timeline.register_source("signal", label=_("Signals"), entries=signal_entries, template="signals/timeline_entry.html", rank=RANK_SIGNAL)
        ROLE_PERMISSIONS[Role.ADMIN] |= {
            "signalboard.view_signal", "signalboard.view_evidence", "signalboard.view_statuschange",
            "signalboard.view_comment",
        }
