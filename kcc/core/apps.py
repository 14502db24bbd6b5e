from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "kcc.core"
    label = "core"
    verbose_name = "Kern"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import navigation, terminology, themes  # noqa: F401  registers navigation items and checks
        from .roles import role_groups_ensure

        terminology.install()  # the organisation profile's words in every translated message

        # Set-up, not workflow: role groups need the permissions that migrate creates.
        post_migrate.connect(role_groups_ensure, dispatch_uid="kcc_role_groups_ensure")
