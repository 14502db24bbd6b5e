"""For the shared login page (templates/core/login.html): the "Inloggen met
organisatieaccount" button when single sign-on is on, and whether the password form shows."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("sso/login_button.html", takes_context=True)
def sso_login_button(context):
    return {
        "enabled": settings.KCC_OIDC_ENABLED,
        "demo": settings.KCC_OIDC_DEMO,
        "next": context.get("next", ""),
        "password_login": settings.KCC_PASSWORD_LOGIN_ENABLED,
    }


@register.simple_tag
def password_login_enabled():
    return settings.KCC_PASSWORD_LOGIN_ENABLED
