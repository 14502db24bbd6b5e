"""Text modules (tekstblokken) and resident-facing answers for replies (docs/desk.md, "Answers
into replies").

* ``text_module_save`` — the one write path (editor UI), scoped like articles: central editors
  and admins keep every department's and the general modules; other editors, back office and
  managers their own departments' modules.
* ``text_modules_for_reply`` / ``text_module_for_reply`` — what the desk offers for a reply
  (the contact's department and channel, plus the general ones).
* ``render_text_module`` — substitutes the fixed set of {placeholders}; nothing else in the
  text is interpreted, so an editor's text cannot reach the template language or any object.
* ``article_resident_answer`` — an article's answer as plain text for a resident: only for
  published articles marked public-ready (``Audience.PUBLIC``); internal texts are never sent.
"""

from __future__ import annotations

import html
import re

import nh3
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kcc.core.exceptions import DomainError

from .access import edit_department_ids, edits_all_departments
from .constants import TEXT_MODULE_VARIABLES, ArticleStatus, Audience
from .models import Article, TextModule
from .rendering import render_markdown

PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
FIELDS = ("title", "body", "department", "channel", "is_active")


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in `text` that are not variables (shown to the editor as an error)."""
    return sorted({name for name in PLACEHOLDER_RE.findall(text or "") if name not in TEXT_MODULE_VARIABLES})


def render_text_module(text: str, *, values: dict[str, str]) -> str:
    """`text` with each known {variable} replaced by its value. Unknown braces stay as typed;
    values are inserted as plain text (a value holding "{inwoner}" is not expanded again)."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)) if m.group(1) in TEXT_MODULE_VARIABLES else m.group(0), text or "")


# --- editing --------------------------------------------------------------------------------


def text_module_edit_scope(user) -> QuerySet[TextModule]:
    ids = edit_department_ids(user)
    qs = TextModule.objects.select_related("department", "updated_by")
    if ids is None:
        return qs
    return qs.filter(department_id__in=ids)


def can_edit_text_modules(user) -> bool:
    ids = edit_department_ids(user)
    return ids is None or bool(ids)


def access_text_module(user, pk, *, lock: bool = False) -> TextModule:
    qs = text_module_edit_scope(user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (TextModule.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def text_module_list(*, user) -> QuerySet[TextModule]:
    return text_module_edit_scope(user).order_by("department__name", "channel", "title", "pk")


@transaction.atomic
def text_module_save(*, user, module: TextModule | None = None, title: str, body: str, department=None, channel: str = "", is_active: bool = True) -> TextModule:
    """Create or change a text module. The department must be in the user's edit scope; general
    modules (no department) only for the central editorial team. Unknown {placeholders} are
    refused, so what agents insert never shows a raw brace by mistake."""
    if department is None and not edits_all_departments(user):
        raise DomainError(_("Only the central editorial team keeps general text modules."), field="department")
    ids = edit_department_ids(user)
    if department is not None and ids is not None and department.pk not in ids:
        raise DomainError(_("You may not keep text modules for this department."), field="department")
    unknown = unknown_placeholders(body)
    if unknown:
        raise DomainError(
            _("Unknown variable: %(names)s. Allowed: %(allowed)s.")
            % {"names": ", ".join(f"{{{n}}}" for n in unknown), "allowed": ", ".join(f"{{{n}}}" for n in TEXT_MODULE_VARIABLES)},
            field="body",
        )
    if module is None:
        module = TextModule()
    elif module.pk:
        module = TextModule.objects.select_for_update().get(pk=module.pk)
    module.title, module.body = title.strip(), body.strip()
    module.department, module.channel, module.is_active, module.updated_by = department, channel or "", is_active, user
    module.full_clean()
    if module.pk:
        module.save(update_fields=[*FIELDS, "updated_by", "updated_at"])
    else:
        module.save()
    return module


# --- the desk ---------------------------------------------------------------------------------


def text_modules_for_reply(*, department_id: int | None, channel: str) -> list[TextModule]:
    """The modules offered for a reply (one query): the department's and the general ones for
    the channel; without a topic department, every department's (grouped by department)."""
    return list(
        TextModule.objects.for_reply(department_id=department_id, channel=channel)
        .select_related("department").order_by("department__name", "title", "pk")
    )


def text_module_for_reply(*, pk, department_id: int | None, channel: str) -> TextModule:
    try:
        return TextModule.objects.for_reply(department_id=department_id, channel=channel).get(pk=pk)
    except (TextModule.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


_PARAGRAPH_END = re.compile(r"</(p|h[1-6]|blockquote|pre|ul|ol)>", re.IGNORECASE)
_LINE_END = re.compile(r"</(li|tr)>|<br\s*/?>", re.IGNORECASE)


def markdown_to_reply_text(markdown: str) -> str:
    """Plain text with paragraphs and list items kept, for a reply to a resident."""
    rendered = re.sub(r">\s*\n\s*<", "><", render_markdown(markdown))
    rendered = re.sub(r"<li[^>]*>", "- ", rendered, flags=re.IGNORECASE)
    rendered = _LINE_END.sub("\n", _PARAGRAPH_END.sub("\n\n", rendered))
    text = html.unescape(nh3.clean(rendered, tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def article_resident_answer(article: Article) -> str | None:
    """The article's answer for a resident, or None when it has none to send: only published,
    public-ready articles (``Audience.PUBLIC``) are sent as they are."""
    if article.status != ArticleStatus.PUBLISHED or article.audience != Audience.PUBLIC or not article.body.strip():
        return None
    return markdown_to_reply_text(article.body)
