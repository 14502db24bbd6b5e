import threading

from django.apps import AppConfig


class CommongroundConfig(AppConfig):
    """Common Ground: the BRP lookup and the resident's cases (Zaken/Catalogi API) in the desk."""

    name = "kcc.commonground"
    label = "commonground"
    verbose_name = "Common Ground"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        from channels.panels import register_contact_panel
        from kcc.core.constants import Role

        from . import checks, panels  # noqa: F401  checks registers the configuration checks

        roles = {Role.AGENT, Role.TEAMLEAD}
        register_contact_panel("commonground/brp_panel.html", panels.brp_panel_context, roles, order=10)
        register_contact_panel("commonground/cases_panel.html", panels.cases_panel_context, roles, order=20)
        # Parsing the Zaken and Catalogi specs takes seconds: do it in the background at start-up,
        # not in the first agent's lookup (which would run into the panel's 2 s deadline).
        if settings.KCC_BRP_URL or settings.KCC_ZAKEN_URL:
            threading.Thread(target=_warm_specs, name="commonground-specs", daemon=True).start()


def _warm_specs():
    from urllib.parse import urlsplit

    from django.conf import settings

    from .specs import openapi_for

    for api, url in (("brp", settings.KCC_BRP_URL), ("zaken", settings.KCC_ZAKEN_URL), ("catalogi", settings.KCC_CATALOGI_URL)):
        if url:
            openapi_for(api, urlsplit(url).path)
