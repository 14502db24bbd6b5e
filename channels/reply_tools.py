"""Reply tools of the desk: text modules and an article's resident-facing answer, inserted into
the e-mail or social reply at the cursor (docs/desk.md, "Answers into replies").

The knowledge base keeps the modules and says which answer may go to a resident
(``knowledgebase.text_modules``); this module fills in the contact's values and places the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .models import Contact, ContactArticle
from .services import display_name


def reply_values(*, user, contact: Contact) -> dict[str, str]:
    """The values of the text-module variables for this contact and agent."""
    return {
        "inwoner": contact.customer.full_name if contact.customer_id and contact.customer.full_name else _("Sir or Madam"),
        "medewerker": display_name(user),
        "organisatie": settings.KCC_ORGANISATION_NAME,
        "contactnummer": str(contact.pk),
    }


def insert_at(text: str, snippet: str, cursor: int | None) -> tuple[str, int]:
    """`snippet` placed in `text` at `cursor` (a character offset, as the browser's
    selectionStart). Without a usable cursor it goes into the empty lines after the greeting,
    else at the end. Returns the new text and the cursor position right after the snippet."""
    snippet = snippet.strip("\n")
    if cursor is None or not 0 <= cursor <= len(text):
        gap = text.find("\n\n\n")
        cursor = gap + 2 if gap >= 0 else len(text)
    before, after = text[:cursor], text[cursor:]
    if before and not before.endswith("\n"):
        snippet = "\n\n" + snippet  # a block of its own after the text before it
    if after and not after.startswith("\n"):
        snippet += "\n"
    return before + snippet + after, len(before) + len(snippet)


@dataclass
class ReplyTools:
    modules: list
    answer_article: object | None  # the linked article whose answer "Antwoord invoegen" takes by default


def reply_tools(*, contact: Contact, links: list[ContactArticle] | None = None) -> ReplyTools:
    """The text modules for the contact's department and channel (one query) and the default
    article for "Antwoord invoegen": the last linked article that has an answer for residents
    (`links` from the knowledge pane when the page has it, else one query)."""
    from knowledgebase.text_modules import article_resident_answer, text_modules_for_reply

    modules = text_modules_for_reply(department_id=contact.topic_department_id, channel=contact.channel)
    if links is None:
        links = list(ContactArticle.objects.filter(contact=contact).select_related("article").order_by("created_at", "pk"))
    answer = next((link.article for link in reversed(links) if article_resident_answer(link.article) is not None), None)
    return ReplyTools(modules=modules, answer_article=answer)
