"""Error pages: Dutch, styled, and without technical detail."""

from django.template.response import TemplateResponse
from django.views.decorators.csrf import requires_csrf_token


def _render(request, template, status):
    response = TemplateResponse(request, template, {}, status=status)
    response.render()
    return response


@requires_csrf_token
def permission_denied(request, exception=None):
    return _render(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _render(request, "404.html", 404)


def _database_unavailable(exc) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


@requires_csrf_token
def server_error(request):
    """500, or 503 when the database is unreachable. Rendered without context processors and
    without a traceback: the database may be what failed. Django drops the broken connection at
    the end of the request, so the next request reconnects by itself."""
    import sys

    from django.http import HttpResponse
    from django.template import loader

    exc = sys.exc_info()[1]
    if _database_unavailable(exc):
        from django.db import connections

        # Drop the broken connections now, so the next request reconnects even where the
        # request signals that normally do this are not connected (tests, some servers).
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
