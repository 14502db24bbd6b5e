"""RP-initiated logout: ending a session that was signed in with the organisation account also
ends the session at the identity provider, whether the user logged out or the idle timeout did.

Django's `logout()` sends `user_logged_out` before it empties the session: the receiver notes
whether the session was signed in through OIDC (the auth backend Django stored in the session).
ProviderLogoutMiddleware then turns the response's redirect (to the login page) into one to the
provider's end_session_endpoint with `client_id` and `post_logout_redirect_uri` (the login page),
which the provider sends the browser back to.

No `id_token_hint` (OpenID Connect RP-Initiated Logout 1.0 §2 RECOMMENDS it, and allows
`client_id` instead for validating the post_logout_redirect_uri): the logout is a GET redirect,
so the hint would put the ID token, with the user's name, e-mail address and groups, into a URL
that browser history, proxies and the provider's access log keep. The price: the provider cannot
tell from the request which session to end and asks the user to confirm the logout on its own
page (oidc-provider, Keycloak) or to pick the account (Entra ID). The ID token is therefore not
kept in the session either (OIDC_STORE_ID_TOKEN off). A GET redirect, because a cross-site POST
would not carry the provider's SameSite=Lax session cookie, so its session would survive.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.shortcuts import resolve_url

OIDC_BACKEND = "kcc.sso.backends.OidcBackend"


def provider_logout_url(request) -> str:
    params = urlencode({
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGIN_URL)),
    })
    endpoint = settings.KCC_OIDC_LOGOUT_ENDPOINT
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{params}"


def remember_provider_logout(sender, request, user, **kwargs):
    if request is None or not (settings.KCC_OIDC_ENABLED and settings.KCC_OIDC_LOGOUT_ENDPOINT):
        return
    session = getattr(request, "session", None)
    if session is not None and session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
        request.kcc_sso_logout = True


class ProviderLogoutMiddleware:
    """Sits outside IdleTimeoutMiddleware, so that the idle logout ends the provider session
    too. Only a redirect (or htmx's HX-Redirect) is taken over: other logout pages, such as the
    admin's, end the local session only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "kcc_sso_logout", False):
            return response
        if response.has_header("HX-Redirect"):
            response["HX-Redirect"] = provider_logout_url(request)
        elif response.status_code in (301, 302, 303, 307, 308):
            response["Location"] = provider_logout_url(request)
        return response
