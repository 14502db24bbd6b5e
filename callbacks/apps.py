from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "callbacks"
    label = "callbacks"
    verbose_name = "Terugbelverzoeken"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kcc.core import navigation
        from kcc.core.access import register_customer_scope
        from kcc.core.constants import Role
        from kcc.core.roles import ROLE_PERMISSIONS
        from kcc.core.views import register_customer_timeline, register_home_section

        from . import integrations
        from .access import customer_scope_via_callbacks

        navigation.register(_("Callback requests"), "callbacks:queue", {Role.AGENT, Role.TEAMLEAD, Role.BACKOFFICE, Role.MANAGER}, order=40)
        navigation.register(_("My callback requests"), "callbacks:mine", {Role.BACKOFFICE, Role.MANAGER, Role.TEAMLEAD}, order=41)
        navigation.register(_("Callback requests per department"), "callbacks:overview", {Role.TEAMLEAD, Role.MANAGER}, order=42)

        register_customer_scope(customer_scope_via_callbacks)
        register_home_section("callbacks/home_section.html", {Role.BACKOFFICE, Role.MANAGER}, integrations.home_context)
        register_home_section("callbacks/home_agent.html", {Role.AGENT, Role.TEAMLEAD}, integrations.agent_home_context)
        register_customer_timeline("callbacks/timeline_section.html", integrations.timeline_context)

        # Functional admins maintain closure days and may read the e-mail outbox in the admin.
        ROLE_PERMISSIONS[Role.ADMIN] |= {
            "callbacks.add_closureday", "callbacks.change_closureday", "callbacks.delete_closureday", "callbacks.view_closureday",
            "callbacks.view_callbacknotification",
        }

        try:
            from channels.panels import register_contact_panel
        except ImportError:  # the inbox app always ships it; guard keeps callbacks importable alone
            register_contact_panel = None
        if register_contact_panel is not None:
            register_contact_panel("callbacks/contact_panel.html", integrations.contact_panel_context, {Role.AGENT, Role.TEAMLEAD}, order=30)

        try:
            from channels import services as inbox_services
        except ImportError:
            inbox_services = None
        if inbox_services is not None and hasattr(inbox_services, "register_merge_hook"):
            from .services import merge_hook

            inbox_services.register_merge_hook(merge_hook)
