from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "callbacks"
    label = "callbacks"
    verbose_name = "Terugbelverzoeken"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from channels.constants import Outcome
        from channels.outcomes import register_outcome
        from channels.panels import register_contact_panel
        from channels.services import register_merge_hook
        from kcc.core import navigation
        from kcc.core.access import register_customer_scope
        from kcc.core.constants import Role
        from kcc.core.outbox import register_source
        from kcc.core.views import register_home_section

        from . import integrations
        from .access import customer_scope_via_callbacks
        from .forms import CloseWithCallbackForm
        from .services import callback_close_handler, callback_close_initial, merge_hook

        navigation.register(_("Callback requests"), "callbacks:queue", {Role.AGENT, Role.TEAMLEAD, Role.BACKOFFICE, Role.MANAGER}, order=40)
        navigation.register(_("My callback requests"), "callbacks:mine", {Role.BACKOFFICE, Role.MANAGER, Role.TEAMLEAD}, order=41)
        navigation.register(_("Callback requests per department"), "callbacks:overview", {Role.TEAMLEAD, Role.MANAGER}, order=42)

        register_customer_scope(customer_scope_via_callbacks)
        # Its e-mails in the one outbox are rendered when queued (kcc.core.outbox).
        register_source("callbacks", "callbacks.services.outbox_outgoing")
        register_home_section("callbacks/home_section.html", {Role.BACKOFFICE, Role.MANAGER}, integrations.home_context)
        register_home_section("callbacks/home_agent.html", {Role.AGENT, Role.TEAMLEAD}, integrations.agent_home_context)
        # One entry per callback request (with its attempts) in the customer's timeline stream.
        from kcc.core import timeline

        from .timeline import RANK_CALLBACK, callback_actions, callback_entries

        timeline.register_source(
            "callback", label=_("Callback requests"), entries=callback_entries, template="callbacks/timeline_entry.html",
            rank=RANK_CALLBACK, actions=callback_actions,
        )

        # Closure days are core.ClosureDay now: kcc.core.roles grants the admin role their permissions.
        # Functional admins maintain the intake question sets (vragensets) in the Django admin
        # (editors have no admin access; an editor page is a later step, docs/callbacks.md).
        from kcc.core.roles import ROLE_PERMISSIONS

        ROLE_PERMISSIONS[Role.ADMIN] |= {
            f"callbacks.{action}_{model}" for action in ("add", "change", "delete", "view") for model in ("questionset", "question")
        }

        # The inbox offers these seams; callbacks plugs into them (the inbox never imports us).
        register_contact_panel("callbacks/contact_panel.html", integrations.contact_panel_context, {Role.AGENT, Role.TEAMLEAD}, order=30)
        register_merge_hook(merge_hook)
        # Closing a contact as "callback": the callback fields in the close form, and the handler
        # that makes the callback request inside the close transaction (docs/callbacks.md).
        register_outcome(
            Outcome.CALLBACK, form_class=CloseWithCallbackForm, template="callbacks/_close_fields.html",
            handler=callback_close_handler, initial=callback_close_initial,
        )
