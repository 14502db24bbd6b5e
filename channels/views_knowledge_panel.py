"""The desk's knowledge pane: search as you type (POSTed: the question text never goes into a
URL), suggestions from the contact's question, the article readable inline, and "Dit
beantwoordde de vraag" / unlink. Reads in channels/knowledge_panel.py, writes in
channels/services.py (contact_article_link / contact_article_unlink and their rule).

Every view answers an htmx fragment of templates/channels/_knowledge_panel.html; without
JavaScript the forms still work (search renders a small page, link/unlink redirect back to the
contact). Refusals are 403 (not allowed: someone else's contact, window passed) or 422 (bad
input) with the message in the pane, never a 500; contacts outside scope are 404.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kcc.core.access import role_required
from kcc.core.constants import Role
from kcc.core.exceptions import DomainError
from kcc.core.htmx import is_fragment, render_htmx

from .access import access_contact
from .knowledge_panel import knowledge_panel, readable_article
from .services import contact_article_link, contact_article_unlink

KCC = (Role.AGENT, Role.TEAMLEAD)
TEMPLATE = "channels/_knowledge_panel.html"


class KnowledgeSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, strip=True)


def _query(request) -> str:
    form = KnowledgeSearchForm(request.POST)
    return form.cleaned_data["q"] if form.is_valid() else ""


def _contact_url(contact) -> str:
    return reverse("channels:contact_detail", args=[contact.pk]) + "#knowledge"


def _panel(request, contact, *, part="panel", status=200, q=None, reading=None, notice=None):
    knowledge = knowledge_panel(user=request.user, contact=contact, q=q, reading=reading)
    context = {"contact": contact, "knowledge": knowledge, "notice": notice}
    if not is_fragment(request):
        # Without JavaScript: a small page with the pane (the search text stays out of the URL).
        return render_htmx(request, "channels/knowledge_search_page.html", context, status=status)
    return render_htmx(request, TEMPLATE, context, part=part, status=status)


@require_GET
@role_required(*KCC)
def knowledge_panel_view(request, pk):
    """The whole pane for a contact (loaded by the workspace when it does not render it)."""
    contact = access_contact(request.user, pk, kcc_only=True)
    if not is_fragment(request):
        return redirect(_contact_url(contact))
    return _panel(request, contact)


@require_POST
@role_required(*KCC)
def knowledge_search(request, pk):
    """Search as you type: the results list (htmx), or a small page without JavaScript."""
    contact = access_contact(request.user, pk, kcc_only=True)
    q = _query(request)
    return _panel(request, contact, part="results", q=q)


@require_GET
@role_required(*KCC)
def knowledge_article(request, pk, article_pk):
    """The article readable inside the pane; without JavaScript, the knowledge base's page."""
    contact = access_contact(request.user, pk, kcc_only=True)
    article = readable_article(user=request.user, article_pk=article_pk)
    if not is_fragment(request):
        return redirect("knowledgebase:article_detail", pk=article.pk)
    knowledge = knowledge_panel(user=request.user, contact=contact, reading=article, suggestions=False)
    return render_htmx(request, TEMPLATE, {"contact": contact, "knowledge": knowledge}, part="reader")


def _change(request, pk, article_pk, *, link: bool):
    contact = access_contact(request.user, pk, kcc_only=True)
    try:
        article = readable_article(user=request.user, article_pk=article_pk)
    except Http404:
        if link:
            raise
        article = None
    q = _query(request)
    try:
        if link:
            contact_article_link(user=request.user, contact=contact, article=article)
            notice = _("Noted: '%(title)s' answered the question.") % {"title": article.title}
        elif article is not None:
            contact_article_unlink(user=request.user, contact=contact, article=article)
            notice = _("'%(title)s' is no longer linked to this contact.") % {"title": article.title}
        else:
            raise Http404
    except DomainError as exc:
        status = 403 if exc.code in ("forbidden", "expired", "claimed") else 422
        if not is_fragment(request):
            messages.error(request, exc.message)
            return redirect(_contact_url(contact))
        contact.refresh_from_db()
        return _panel(request, contact, status=status, q=q, reading=article, notice={"level": "error", "text": exc.message})
    if not is_fragment(request):
        messages.success(request, notice)
        return redirect(_contact_url(contact))
    contact.refresh_from_db()
    return _panel(request, contact, q=q, reading=article, notice={"level": "ok", "text": notice})


@require_http_methods(["POST"])
@role_required(*KCC)
def knowledge_link(request, pk, article_pk):
    """'Dit beantwoordde de vraag': link the article to the contact (counts as its usage)."""
    return _change(request, pk, article_pk, link=True)


@require_POST
@role_required(*KCC)
def knowledge_unlink(request, pk, article_pk):
    """Undo the link (same rule: open contacts, or the closer for a few days)."""
    return _change(request, pk, article_pk, link=False)
