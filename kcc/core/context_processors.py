from django.conf import settings

from . import navigation, terminology
from .access import primary_role, roles_of
from .constants import Role
from .themes import theme


def kcc(request):
    user = getattr(request, "user", None)
    ctx = {
        "kcc_organisation": settings.KCC_ORGANISATION_NAME,
        "kcc_theme_css": theme()[0],
        "kcc_theme_class": theme()[1],
        "kcc_idle_seconds": settings.KCC_SESSION_IDLE_SECONDS,
    }
    if user is not None and user.is_authenticated:
        roles = roles_of(user)
        role = primary_role(user)
        ctx.update(
            {
                "nav_items": navigation.items_for(user, roles),
                "user_roles": roles,
                "user_role_label": Role(role).label if role else "",
                "current_url_name": f"{request.resolver_match.namespace}:{request.resolver_match.url_name}" if getattr(request, "resolver_match", None) else "",
            }
        )
    return ctx


def terminology_context(request):
    """The organisation profile (KCC_ORGANISATION_KIND) and its words: ``{{ terms.resident }}``."""
    return {
        "kcc_organisation_kind": terminology.kind(),
        "kcc_is_corporation": terminology.is_corporation(),
        "terms": terminology.Terms(),
    }
