"""Configuration checks of single sign-on. With `check --deploy`: sso.W001 (nobody could
sign in) and sso.W003 (a provider address without TLS). Always, when single sign-on is on:
missing settings (sso.E001, E002) and no logout at the provider (sso.W002)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

REQUIRED = {
    "KCC_OIDC_ISSUER": "KCC_OIDC_ISSUER",
    "OIDC_RP_CLIENT_ID": "KCC_OIDC_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "KCC_OIDC_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "KCC_OIDC_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "KCC_OIDC_TOKEN_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "KCC_OIDC_JWKS_ENDPOINT",
}
URLS = {
    **{name: variable for name, variable in REQUIRED.items() if name not in ("OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET")},
    "OIDC_OP_USER_ENDPOINT": "KCC_OIDC_USERINFO_ENDPOINT",
    "KCC_OIDC_LOGOUT_ENDPOINT": "KCC_OIDC_LOGOUT_ENDPOINT",
}


@register(Tags.security, deploy=True)
def login_possible_check(app_configs, **kwargs):
    if not settings.KCC_PASSWORD_LOGIN_ENABLED and not settings.KCC_OIDC_ENABLED:
        return [
            Warning(
                "Both password login and single sign-on are off: nobody can sign in.",
                hint="Set KCC_OIDC_ENABLED=true (with the provider's settings) or KCC_PASSWORD_LOGIN_ENABLED=true.",
                id="sso.W001",
            )
        ]
    return []


@register(Tags.security)
def oidc_settings_check(app_configs, **kwargs):
    if not settings.KCC_OIDC_ENABLED:
        return []
    messages = [
        Error(f"{variable} is required when KCC_OIDC_ENABLED is true.", id="sso.E001")
        for name, variable in REQUIRED.items()
        if not getattr(settings, name)
    ]
    if not settings.KCC_OIDC_GROUPS_CLAIMS:
        messages.append(Error("KCC_OIDC_GROUPS_CLAIMS names no claim: nobody would get a role.", id="sso.E002"))
    if not settings.KCC_OIDC_LOGOUT_ENDPOINT:
        messages.append(
            Warning(
                "KCC_OIDC_LOGOUT_ENDPOINT is empty: logging out ends the KCC session only, not the one at the identity provider.",
                hint="Set it to the provider's end_session_endpoint.",
                id="sso.W002",
            )
        )
    return messages


@register(Tags.security, deploy=True)
def oidc_https_check(app_configs, **kwargs):
    if not settings.KCC_OIDC_ENABLED:
        return []
    return [
        Warning(f"{variable} is not an https:// address: tokens would travel unencrypted.", id="sso.W003")
        for name, variable in URLS.items()
        if getattr(settings, name) and not getattr(settings, name).startswith("https://")
    ]
