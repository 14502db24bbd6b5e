"""RP-initiated logout: ending a session that was signed in with the organisation account also
ends the session at the identity provider, whether the user logged out or the idle timeout did.

Django's `logout()` sends `user_logged_out` before it empties the session: the receiver takes
the ID token from it. ProviderLogoutMiddleware then turns the response's redirect (to the login
page) into one to the provider's end_session_endpoint, with the ID token as `id_token_hint`
and the login page as `post_logout_redirect_uri`, which the provider sends the browser back to.

A GET redirect, as the specification's every provider supports: a cross-site POST would not
carry the provider's SameSite=Lax session cookie, so its session would survive. The ID token
thus travels in the URL to the provider (over TLS); it expires, and the provider already knows
everything in it.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import resolve_url

# mozilla-django-oidc keeps the ID token here (OIDC_STORE_ID_TOKEN).
ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105  (a session key, not a secret)


def provider_logout_url(request, id_token: str) -> str:
    params = urlencode({
        "id_token_hint": id_token,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGIN_URL)),
    })
    endpoint = settings.KCC_OIDC_LOGOUT_ENDPOINT
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{params}"


def remember_provider_logout(sender, request, user, **kwargs):
    if request is None or not (settings.KCC_OIDC_ENABLED and settings.KCC_OIDC_LOGOUT_ENDPOINT):
        return
    session = getattr(request, "session", None)
    id_token = session.get(ID_TOKEN_KEY) if session is not None else None
    if id_token:
        request.kcc_sso_id_token = id_token


class ProviderLogoutMiddleware:
    """Sits outside IdleTimeoutMiddleware, so that the idle logout ends the provider session
    too. Only a redirect (or htmx's HX-Redirect) is taken over: other logout pages, such as the
    admin's, end the local session only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        id_token = getattr(request, "kcc_sso_id_token", None)
        if not id_token:
            return response
        if response.has_header("HX-Redirect"):
            response["HX-Redirect"] = provider_logout_url(request, id_token)
        elif response.status_code in (301, 302, 303, 307, 308):
            response["Location"] = provider_logout_url(request, id_token)
        return response
