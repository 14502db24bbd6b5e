from django.apps import AppConfig


class KnowledgebaseConfig(AppConfig):
    name = "knowledgebase"
    label = "knowledgebase"
    verbose_name = "Kennisbank"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kcc.core import navigation
        from kcc.core.constants import Role
        from kcc.core.roles import ROLE_PERMISSIONS
        from kcc.core.views import register_home_section

        from .views import home_section_context

        all_roles = set(Role.values)
        navigation.register(_("Knowledge base"), "knowledgebase:search", all_roles, order=40)
        navigation.register(_("Who does what"), "knowledgebase:guide_index", all_roles, order=45)
        navigation.register(_("Editorial"), "knowledgebase:editorial", {Role.EDITOR, Role.BACKOFFICE, Role.MANAGER}, order=60)
        # Editors flag mandatory reads, so they see who has read them too.
        navigation.register(_("Reading coverage"), "knowledgebase:coverage", {Role.TEAMLEAD, Role.EDITOR}, order=65)
        # The kennisgat list lives in the inbox app (it reads contacts); its menu item is
        # registered here by URL name only, so no import of the inbox is needed.
        navigation.register(_("Knowledge gaps"), "channels:knowledge_gaps", {Role.EDITOR}, order=62)
        register_home_section("knowledgebase/home_mandatory.html", {Role.AGENT, Role.TEAMLEAD}, home_section_context)
        from kcc.core.palette import register_source

        from .palette import palette_articles

        register_source("articles", palette_articles, order=40)
        # Functional admins may inspect (not change) the knowledge base in the admin site.
        ROLE_PERMISSIONS.setdefault(Role.ADMIN, set()).update(
            {"knowledgebase.view_article", "knowledgebase.view_articleversion", "knowledgebase.view_articlefeedback",
             "knowledgebase.view_readreceipt", "knowledgebase.view_departmentguide", "knowledgebase.view_tag"}
        )
