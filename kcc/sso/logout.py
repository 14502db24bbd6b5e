"""RP-initiated logout: ending a session that was signed in with the organisation account also
ends the session at the identity provider, whether the user logged out or the idle timeout did.

Django's `logout()` sends `user_logged_out` before it empties the session: the receiver takes
the ID token from it. ProviderLogoutMiddleware then keeps the token in the new, anonymous
session and turns the response's redirect (to the login page) into one to `sso:logout`, which
POSTs it to the provider's end_session_endpoint. A POST, so that the ID token (names, e-mail)
never lands in a URL or the browser history.
"""

from django.conf import settings
from django.urls import reverse

# The ID token (mozilla-django-oidc's key) and where it waits for sso:logout.
ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105  (a session key, not a secret)
PENDING_KEY = "kcc_sso_end_session"


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
            response["HX-Redirect"] = reverse("sso:logout")
        elif response.status_code in (301, 302, 303, 307, 308):
            response["Location"] = reverse("sso:logout")
        else:
            return response
        request.session[PENDING_KEY] = id_token
        return response
