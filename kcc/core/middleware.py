import logging
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import resolve_url

from .logging import request_id_var

logger = logging.getLogger(__name__)

# htmx polls send this header so that a screen left open does not keep the session alive.
BACKGROUND_HEADER = "HTTP_X_KCC_BACKGROUND"


class RequestIdMiddleware:
    """Give every request an id (or take the proxy's X-Request-ID) for logs and the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if incoming.isascii() and 0 < len(incoming) <= 64 and incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        request.request_id = rid
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


class IdleTimeoutMiddleware:
    """Log out a session that has been idle for KCC_SESSION_IDLE_SECONDS.

    Shared workstations: a colleague must not continue someone else's session. Background polls
    (header X-KCC-Background) do not count as activity.
    """

    KEY = "kcc_last_activity"
    WRITE_EVERY = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(time.time())
        if request.user.is_authenticated:
            last = request.session.get(self.KEY)
            if last is not None and now - last > settings.KCC_SESSION_IDLE_SECONDS:
                logout(request)
                if request.META.get("HTTP_HX_REQUEST"):
                    # htmx cannot follow a redirect to a full page by itself: tell it to.
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            # Write at most every WRITE_EVERY seconds: agents' screens poll often.
            if request.META.get(BACKGROUND_HEADER) != "1" and (last is None or now - last >= self.WRITE_EVERY):
                request.session[self.KEY] = now
        response = self.get_response(request)
        # A login in this very request starts the idle clock.
        if hasattr(request, "session") and request.user.is_authenticated and self.KEY not in request.session:
            request.session[self.KEY] = now
        return response


class RoleEnforcementMiddleware:
    """Default deny: a view that is neither role-checked nor explicitly public is refused.

    Django's admin has its own staff checks and is exempt.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        target = getattr(view_func, "view_class", view_func)
        module = getattr(view_func, "__module__", "") or ""
        if module.startswith(("django.contrib.admin", "django.contrib.staticfiles", "django.views.static", "django.views.i18n")):
            return None
        if getattr(view_func, "kcc_public", False) or getattr(view_func, "kcc_roles", None):
            return None
        if getattr(target, "kcc_public", False) or getattr(target, "kcc_roles", None):
            return None
        logger.error("View %s.%s has no access marker; refused.", module, getattr(view_func, "__name__", "?"))
        return HttpResponseForbidden()
