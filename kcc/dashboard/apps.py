from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "kcc.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kcc.core import navigation
        from kcc.core.constants import Role

        navigation.register(_("Dashboard"), "dashboard:index", {Role.TEAMLEAD, Role.MANAGER}, order=70)
        navigation.register(_("My figures"), "dashboard:my_figures", {Role.AGENT}, order=71)
