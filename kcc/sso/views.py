"""Sign-in with the organisation account: start (sso:login) and the provider's answer
(sso:callback). Both are public: the user is not signed in yet. Logout: logout.py."""

import logging

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from kcc.core.access import public_view

from .constants import Refusal

logger = logging.getLogger(__name__)


def _refused(request, reason: Refusal, *, status: int):
    return TemplateResponse(request, "sso/refused.html", {"reason": reason}, status=status)


class _Start(OIDCAuthenticationRequestView):
    def get(self, request):
        if not settings.KCC_OIDC_ENABLED:
            raise Http404
        return super().get(request)


class _Callback(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code (or an error). A refused token,
    state or nonce, an unreachable provider and a user without access each get a clear page."""

    def get(self, request):
        if not settings.KCC_OIDC_ENABLED:
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            logger.warning("SSO sign-in refused: %s", exc)
            return _refused(request, Refusal.INVALID, status=400)
        except requests.HTTPError as exc:
            # The token endpoint refused the code (used before, expired): the client's fault.
            status = exc.response.status_code if exc.response is not None else 502
            logger.warning("SSO: the identity provider answered %s", status)
            if 400 <= status < 500:
                return _refused(request, Refusal.INVALID, status=400)
            return _refused(request, Refusal.UNAVAILABLE, status=502)
        except (requests.RequestException, ValueError) as exc:
            logger.warning("SSO: the identity provider cannot be reached (%s)", type(exc).__name__)
            return _refused(request, Refusal.UNAVAILABLE, status=502)

    def login_failure(self):
        reason = getattr(self.request, "kcc_sso_refusal", None) or Refusal.INVALID
        return _refused(self.request, reason, status=400 if reason == Refusal.INVALID else 403)


login_view = public_view(require_GET(_Start.as_view()))
callback_view = public_view(require_GET(_Callback.as_view()))

