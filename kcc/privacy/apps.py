from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Top floor, like the dashboard: may read every app; no app imports it."""

    name = "kcc.privacy"
    label = "privacy"
    verbose_name = "Privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kcc.core import navigation
        from kcc.core.constants import Role
        from kcc.core.roles import ROLE_PERMISSIONS

        from . import checks  # noqa: F401  registers the retention settings check

        navigation.register(_("Privacy"), "privacy:home", {Role.PRIVACY}, order=90)
        ROLE_PERMISSIONS.setdefault(Role.PRIVACY, set())
        ROLE_PERMISSIONS[Role.PRIVACY] |= {"core.view_processinglogentry"}
