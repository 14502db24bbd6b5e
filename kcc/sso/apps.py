from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Single sign-on with the organisation's identity provider (OpenID Connect).

    Depends on core only; core does not know it (the login page asks its template tags)."""

    name = "kcc.sso"
    label = "sso"
    verbose_name = "Single sign-on"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from kcc.core.constants import Role
        from kcc.core.roles import ROLE_PERMISSIONS

        from . import checks  # noqa: F401  registers the configuration checks
        from .logout import remember_provider_logout

        # Functional admins keep the group mapping; they may look at the linked identities.
        ROLE_PERMISSIONS.setdefault(Role.ADMIN, set())
        ROLE_PERMISSIONS[Role.ADMIN] |= {
            "sso.add_groupmapping", "sso.change_groupmapping", "sso.delete_groupmapping", "sso.view_groupmapping",
            "sso.view_identity",
        }
        user_logged_out.connect(remember_provider_logout, dispatch_uid="kcc_sso_provider_logout")
