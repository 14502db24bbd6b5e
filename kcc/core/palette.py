"""The command palette (Ctrl+K): jump to a contact, a customer, an article or an action.

Apps contribute *sources* from their AppConfig.ready() (``register_source``), so core imports no
app: the inbox adds contacts by number, the knowledge base adds articles. Core itself answers
actions (the user's navigation plus the registered extra actions) and customers.

The search text can be a resident's name or phone number: it is POSTed, never put in a URL, and
every customer shown is written to the processing log like any other customer search.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import navigation
from .access import customer_scope, has_role, role_required, roles_of
from .constants import LogAction, Purpose, Role
from .htmx import render_htmx
from .normalize import fold_text
from .selectors import customer_list

MAX_QUERY = 100
PER_SOURCE = 5
_NUMBER_RE = re.compile(r"^#?\s*(\d{1,12})$")


@dataclass(frozen=True)
class PaletteQuery:
    text: str  # stripped, at most MAX_QUERY characters
    folded: str  # lower-case, accent-free: for matching labels
    number: int | None  # "123" or "#123": a contact or customer number


@dataclass(frozen=True)
class PaletteItem:
    kind: str  # "action" | "contact" | "customer" | "article"
    kind_label: str
    label: str
    url: str
    detail: str = ""
    method: str = "get"  # "post" for actions that change something (a form is submitted)


Source = Callable[[object, PaletteQuery], list[PaletteItem]]
_sources: list[tuple[int, str, Source]] = []


def register_source(name: str, source: Source, *, order: int = 100) -> None:
    """Apps call this from AppConfig.ready(). ``source(user, query)`` returns at most a few
    items the user may open; it does its own role and scope checks."""
    global _sources
    _sources = sorted([s for s in _sources if s[1] != name] + [(order, name, source)], key=lambda s: (s[0], s[1]))


@dataclass(frozen=True)
class PaletteAction:
    label: str
    url_name: str
    roles: frozenset
    method: str = "get"


_actions: dict[str, PaletteAction] = {}


def register_action(label, url_name: str, roles, *, method: str = "get") -> None:
    """An action that is not (only) a navigation item, e.g. "Nieuw gesprek" (a POST). Skipped
    while its URL does not exist."""
    _actions[url_name] = PaletteAction(label, url_name, frozenset(roles), method)


def parse_palette_query(text: str) -> PaletteQuery:
    text = " ".join((text or "").split())[:MAX_QUERY]
    m = _NUMBER_RE.match(text)
    return PaletteQuery(text=text, folded=fold_text(text), number=int(m.group(1)) if m else None)


# --- core's own sources --------------------------------------------------------------------


def _actions_source(user, query: PaletteQuery) -> list[PaletteItem]:
    roles = roles_of(user)
    items: list[PaletteItem] = []
    seen: set[str] = set()
    candidates = [(i["label"], i["url"], "get") for i in navigation.items_for(user, roles)]
    for action in _actions.values():
        if not roles & action.roles:
            continue
        try:
            candidates.append((action.label, reverse(action.url_name), action.method))
        except NoReverseMatch:
            continue
    for label, url, method in candidates:
        if (url, method) in seen:
            continue
        if query.folded and query.folded not in fold_text(str(label)):
            continue
        seen.add((url, method))
        items.append(PaletteItem("action", str(_("Action")), str(label), url, method=method))
    return items[:PER_SOURCE] if query.folded else items


def _customers_source(user, query: PaletteQuery) -> list[PaletteItem]:
    """Customers by name, phone, e-mail, postcode (the one customer-search selector) or by
    customer number, within the user's scope. Logs what it shows."""
    if not has_role(user, Role.AGENT, Role.TEAMLEAD) or (len(query.text) < 2 and query.number is None):
        return []
    if query.number is not None:
        found = list(customer_scope(user).active().filter(pk=query.number)[:1])
        if not found:
            _parsed, found = customer_list(user=user, q=query.text, limit=PER_SOURCE)
    else:
        _parsed, found = customer_list(user=user, q=query.text, limit=PER_SOURCE)
    if found:
        from .services import processing_log_record

        processing_log_record(user=user, customers=found, action=LogAction.SEARCH, purpose=Purpose.IDENTIFY, context="opdrachtpalet")
    return [
        PaletteItem(
            "customer", str(_("Customer")), c.full_name, reverse("core:customer_detail", args=[c.pk]),
            detail=" ".join(p for p in (str(_("customer number %(number)s") % {"number": c.pk}), c.postcode) if p),
        )
        for c in found
    ]


register_source("actions", _actions_source, order=10)
register_source("customers", _customers_source, order=30)
register_action(_("New customer"), "core:customer_create", {Role.AGENT, Role.TEAMLEAD})
# The desk's "Nieuw gesprek" is a POST (it opens a contact); referenced by URL name only.
register_action(_("New call"), "channels:call_start", {Role.AGENT, Role.TEAMLEAD}, method="post")


def palette_search(*, user, q: str) -> tuple[PaletteQuery, list[PaletteItem]]:
    """Everything the palette offers for `q`, source by source (actions first)."""
    query = parse_palette_query(q)
    items: list[PaletteItem] = []
    for _order, _name, source in _sources:
        items.extend(source(user, query))
    return query, items


# --- view ----------------------------------------------------------------------------------


class PaletteForm(forms.Form):
    q = forms.CharField(label=_("Go to"), max_length=MAX_QUERY, required=False)


@require_POST
@role_required(*Role.values)
def palette_view(request: HttpRequest):
    """POST q -> the palette's options (an htmx fragment), or a plain page without JavaScript.
    Input that is too long or contains control characters answers 422 with the field error."""
    form = PaletteForm(request.POST)
    if not form.is_valid():
        response = render_htmx(request, "core/palette.html", {"form": form, "items": []}, part="options", status=422)
    else:
        query, items = palette_search(user=request.user, q=form.cleaned_data["q"])
        response = render_htmx(request, "core/palette.html", {"form": form, "query": query, "items": items}, part="options")
    response["Cache-Control"] = "no-store"
    return response
