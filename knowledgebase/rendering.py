"""Markdown to safe HTML, and readable diffs between article versions.

Markdown is rendered by markdown-it-py with raw HTML disabled, then sanitised with nh3 anyway
(defence in depth: a future plugin or option must not open an XSS hole). Links get
rel="noopener noreferrer" and only http(s)/mailto/tel schemes survive.
"""

import difflib
import re
from dataclasses import dataclass, field

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").enable("strikethrough")

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}

# Headings inside an article start at h2: the page's h1 is the article title.
_HEADING_RE = re.compile(r"<(/?)h([1-5])>")


def _shift_heading(match: re.Match) -> str:
    return f"<{match.group(1)}h{int(match.group(2)) + 1}>"


def render_markdown(text: str) -> str:
    """Render Markdown to sanitised HTML (a plain str; mark it safe only when rendering)."""
    if not (text or "").strip():
        return ""
    html = _md.render(text)
    html = _HEADING_RE.sub(_shift_heading, html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown body, for snippets and highlighting."""
    html = render_markdown(text)
    plain = nh3.clean(html, tags=set())
    plain = re.sub(r"&(amp|lt|gt|quot|#39);", lambda m: {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "#39": "'"}[m.group(1)], plain)
    return " ".join(plain.split())


# --- diffs -----------------------------------------------------------------------------


@dataclass
class DiffLine:
    """One line of a diff. kind: 'same', 'added', 'removed' or 'changed' (then `html` holds the
    inline word diff with <del>/<ins>)."""

    kind: str
    html: SafeString


@dataclass
class FieldDiff:
    name: str
    lines: list[DiffLine] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)


_TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def _word_diff(old: str, new: str) -> SafeString:
    """Inline diff of one changed line, word by word. Markers are text too (not only colour):
    <del> (struck through) and <ins> (underlined) carry visually hidden 'verwijderd:'/
    'toegevoegd:' labels for screen readers."""
    a, b = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("replace", "delete"):
            out.append(_del("".join(a[i1:i2])))
        if op in ("replace", "insert"):
            out.append(_ins("".join(b[j1:j2])))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def _del(text: str) -> str:
    return f'<del class="kcc-diff__del"><span class="kcc-visually-hidden">verwijderd: </span>{escape(text)}</del>'


def _ins(text: str) -> str:
    return f'<ins class="kcc-diff__ins"><span class="kcc-visually-hidden">toegevoegd: </span>{escape(text)}</ins>'


def diff_text(old: str, new: str, *, context: int | None = None) -> list[DiffLine]:
    """Line diff of two texts; replaced line pairs get an inline word diff."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    lines: list[DiffLine] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            lines.extend(DiffLine("same", escape(line)) for line in a[i1:i2])
        elif op == "delete":
            lines.extend(DiffLine("removed", mark_safe(_del(line))) for line in a[i1:i2])  # noqa: S308
        elif op == "insert":
            lines.extend(DiffLine("added", mark_safe(_ins(line))) for line in b[j1:j2])  # noqa: S308
        else:
            old_block, new_block = a[i1:i2], b[j1:j2]
            for k in range(max(len(old_block), len(new_block))):
                if k < len(old_block) and k < len(new_block):
                    lines.append(DiffLine("changed", _word_diff(old_block[k], new_block[k])))
                elif k < len(old_block):
                    lines.append(DiffLine("removed", mark_safe(_del(old_block[k]))))  # noqa: S308
                else:
                    lines.append(DiffLine("added", mark_safe(_ins(new_block[k]))))  # noqa: S308
    if context is not None:
        lines = _with_context(lines, context)
    return lines


def _with_context(lines: list[DiffLine], context: int) -> list[DiffLine]:
    keep = set()
    for i, line in enumerate(lines):
        if line.kind != "same":
            keep.update(range(max(0, i - context), min(len(lines), i + context + 1)))
    result, skipped = [], False
    for i, line in enumerate(lines):
        if i in keep:
            result.append(line)
            skipped = False
        elif not skipped:
            result.append(DiffLine("skip", mark_safe("…")))  # noqa: S308
            skipped = True
    return result


def version_diff(old, new) -> list[FieldDiff]:
    """Per-field diff between two ArticleVersion-like objects (old may be None: all added)."""
    from django.utils.translation import gettext as _

    fields = [
        ("title", _("Title")),
        ("question", _("Question")),
        ("body", _("Answer or text")),
        ("synonyms", _("Synonyms")),
        ("tags", _("Tags")),
    ]
    result = []
    for attr, label in fields:
        before = getattr(old, attr, "") if old is not None else ""
        after = getattr(new, attr, "")
        diff = FieldDiff(str(label), diff_text(before, after, context=2))
        if diff.changed:
            result.append(diff)
    return result
