from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    # The import name collides with the Django Channels library (never installed here);
    # the explicit label keeps migrations and permissions unambiguous.
    name = "channels"
    label = "inbox"
    verbose_name = "Inbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kcc.core.access import register_customer_scope

        from .access import customer_scope_via_transfers

        register_customer_scope(customer_scope_via_transfers)
