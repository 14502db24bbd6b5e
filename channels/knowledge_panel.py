"""Reads of the desk's knowledge pane (templates/channels/_knowledge_panel.html).

The knowledge base may not import the inbox, so the inbox asks it through its public
selectors (``article_search``, ``article_suggest``) and its access helper (``access_article``).

``knowledge_panel_context(request, contact)`` is what a page that includes the pane passes as
``knowledge`` (the contact workspace does); without it the pane loads itself with htmx.
"""

import logging
from dataclasses import dataclass, field

from .constants import Channel, Direction
from .models import Contact, ContactArticle, Message
from .services import article_link_refusal

logger = logging.getLogger(__name__)

SUGGESTION_LIMIT = 5
SEARCH_LIMIT = 8


@dataclass
class KnowledgePanel:
    contact: Contact
    suggestions: list = field(default_factory=list)
    hits: list | None = None  # None: no search typed; [] searched, nothing found
    query: str = ""
    links: list[ContactArticle] = field(default_factory=list)
    reading: object = None  # the article shown inline, if any
    refusal: object = None  # DomainError: why the user may not (un)link now, else None
    # The workspace's first response leaves the suggestions out (they are the pane's costliest
    # read, a full-text ranking); the pane then asks for them with htmx right after the page is
    # shown, through the search endpoint with an empty search (docs/desk.md, "Speed").
    suggestions_deferred: bool = False

    @property
    def can_change(self) -> bool:
        return self.refusal is None

    @property
    def linked_ids(self) -> set[int]:
        return {link.article_id for link in self.links}


def contact_question_text(contact: Contact) -> str:
    """The contact's question as the knowledge base should read it: subject, question and the
    start of the resident's first written message."""
    first = (
        Message.objects.filter(contact=contact, direction=Direction.INBOUND).exclude(body_text="")
        .order_by("sent_at", "pk").values_list("body_text", flat=True).first()
    ) if contact.channel != Channel.PHONE else None
    return " ".join(filter(None, [contact.subject, contact.question, (first or "")[:1000]]))


def article_suggestions_for(*, user, contact: Contact, limit: int = SUGGESTION_LIMIT) -> list:
    """Published articles for the contact's question, open or closed (a closed contact still
    shows what matches its question). Never breaks the pane."""
    from knowledgebase.selectors import article_suggest

    text = contact_question_text(contact)
    if not text.strip():
        return []
    try:
        return list(article_suggest(user=user, text=text, limit=limit))
    except Exception:  # noqa: BLE001 - suggestions are a help; the workspace must still open
        logger.exception("article_suggest failed for contact %s", contact.pk)
        return []


def article_search_for(*, user, q: str, limit: int = SEARCH_LIMIT) -> list:
    from knowledgebase.selectors import article_search

    return article_search(user=user, q=q, limit=limit)


def contact_article_links(contact: Contact) -> list[ContactArticle]:
    return list(ContactArticle.objects.filter(contact=contact).select_related("article").order_by("created_at", "pk"))


def knowledge_panel(*, user, contact: Contact, q: str | None = None, reading=None, suggestions: bool = True, defer_suggestions: bool = False) -> KnowledgePanel:
    """Everything the pane shows for `contact`: suggestions from its question (or the results
    of the typed search `q`), the linked articles, the article being read, and whether the
    user may still link and unlink (``services.article_link_refusal``)."""
    panel = KnowledgePanel(contact=contact, reading=reading, refusal=article_link_refusal(user=user, contact=contact))
    q = (q or "").strip()
    if q:
        panel.query = q
        panel.hits = article_search_for(user=user, q=q)
    elif defer_suggestions:
        panel.suggestions_deferred = True
    elif suggestions:
        panel.suggestions = article_suggestions_for(user=user, contact=contact)
    panel.links = contact_article_links(contact)
    return panel


def knowledge_panel_context(request, contact: Contact) -> KnowledgePanel | None:
    """For pages that include the pane: None for users who do not work contacts. The
    suggestions follow in a second request (``suggestions_deferred``)."""
    from kcc.core.access import is_kcc

    if not is_kcc(request.user):
        return None
    return knowledge_panel(user=request.user, contact=contact, defer_suggestions=True)


def readable_article(*, user, article_pk):
    """An article the user may read (knowledge base access rules; Http404 otherwise)."""
    from knowledgebase.access import access_article

    return access_article(user, article_pk)

