from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    # The import name collides with the Django Channels library (never installed here);
    # the explicit label keeps migrations and permissions unambiguous.
    name = "channels"
    label = "inbox"
    verbose_name = "Inbox"
    default_auto_field = "django.db.models.BigAutoField"
