"""Shared helpers for views that answer both full pages and htmx fragments.

One home for what every app's views need: pick a template partial for htmx requests, mark the
response as varying on HX-Request, follow a `next` parameter only within this site, put a
service's DomainError on the right form field, and answer conditional GETs with an ETag.
"""

from __future__ import annotations

import hashlib

from django.http import HttpResponseNotModified
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from .exceptions import DomainError


def is_fragment(request) -> bool:
    """True for an htmx request that wants a fragment (not a boosted full-page navigation)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def fragment_template(request, template: str, part: str | None) -> str:
    """`template#part` for htmx fragment requests, the whole `template` otherwise."""
    return f"{template}#{part}" if part and is_fragment(request) else template


def vary_on_htmx(response, *extra: str):
    """Full page and fragment share a URL: caches must key on HX-Request (and `extra`)."""
    patch_vary_headers(response, ["HX-Request", *extra])
    return response


def render_htmx(request, template: str, context: dict, *, part: str | None = None, status: int = 200):
    """Render the whole page, or only `part` for htmx fragment requests; always varies on HX-Request."""
    response = TemplateResponse(request, fragment_template(request, template, part), context, status=status)
    return vary_on_htmx(response)


def safe_next(request, default: str) -> str:
    """The `next` parameter (POST before GET) when it points into this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def add_domain_error(form, exc: DomainError) -> None:
    """Show a service's DomainError on its field when the form has it, else as a form error."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def make_etag(*parts) -> str:
    """A strong ETag (quoted) from any reprs: short, stable, and free of personal data."""
    raw = "|".join(str(p) for p in parts)
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def etag_matches(request, etag: str) -> bool:
    """Whether If-None-Match names `etag` (weak comparison, lists and `*` understood)."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    return etag in [t.strip().removeprefix("W/") for t in header.split(",")]


def conditional(request, etag: str, render):
    """304 when the client has `etag`, else `render()`; both carry the ETag, private no-cache
    (so the browser revalidates every time) and Vary on HX-Request and Cookie."""
    response = HttpResponseNotModified() if etag_matches(request, etag) else render()
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return vary_on_htmx(response, "Cookie")
