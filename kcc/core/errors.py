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


@requires_csrf_token
def server_error(request):
    # No context processors that touch the database: the database may be what failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render({}))
