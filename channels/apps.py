from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    # The import name collides with the Django Channels library (never installed here);
    # the explicit label keeps migrations and permissions unambiguous.
    name = "channels"
    label = "inbox"
    verbose_name = "Inbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kcc.core import navigation
        from kcc.core.access import register_customer_scope
        from kcc.core.constants import Role
        from kcc.core.roles import ROLE_PERMISSIONS
        from kcc.core.views import register_customer_timeline, register_home_section

        from .access import customer_scope_via_transfers
        from .ingestion.setup import register_navigation
        from .views import customer_timeline_context, home_section_context

        register_customer_scope(customer_scope_via_transfers)
        register_navigation()
        ROLE_PERMISSIONS[Role.ADMIN] |= {"inbox.view_contact", "inbox.view_transfer", "inbox.view_inboundraw"}

        navigation.register(_("Inbox"), "channels:inbox", {Role.AGENT, Role.TEAMLEAD}, order=10)
        navigation.register(_("Phone call"), "channels:register_call", {Role.AGENT, Role.TEAMLEAD}, order=12)
        navigation.register(_("Transferred to us"), "channels:transfers_received", {Role.BACKOFFICE, Role.MANAGER}, order=14)
        navigation.register(_("Duplicate customers"), "channels:customer_duplicates", {Role.TEAMLEAD}, order=16)
        register_home_section("channels/home_section.html", {Role.AGENT, Role.TEAMLEAD}, home_section_context)
        register_customer_timeline("channels/customer_timeline.html", customer_timeline_context)

        from kcc.core import timeline

        from .timeline import RANK_ARTICLE, RANK_CONTACT, article_entries, contact_entries

        timeline.register_source("contact", label=_("Contacts"), entries=contact_entries, template="channels/timeline/_contact.html", rank=RANK_CONTACT)
        timeline.register_source("article", label=_("Knowledge articles"), entries=article_entries, template="channels/timeline/_article.html", rank=RANK_ARTICLE)

        from kcc.core.palette import register_source

        from .palette import palette_contacts

        register_source("contacts", palette_contacts, order=20)
