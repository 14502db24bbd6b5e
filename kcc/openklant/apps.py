from django.apps import AppConfig


class OpenKlantConfig(AppConfig):
    """Open Klant: the KCC's parties, contacts and callbacks in the Klantinteracties register
    (outbound, through an outbox; docs/integrations.md)."""

    name = "kcc.openklant"
    label = "openklant"
    verbose_name = "Open Klant"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from channels.panels import register_contact_panel
        from kcc.core.constants import Role
        from kcc.core.health import register_readiness_checks

        from . import health, hooks, panels

        hooks.connect()
        register_contact_panel("openklant/partij_panel.html", panels.partij_panel_context, {Role.AGENT, Role.TEAMLEAD}, order=15)
        register_readiness_checks(health.readiness_checks)
