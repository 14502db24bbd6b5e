"""HTML from residents' e-mail, cleaned with nh3 so that it is inert when rendered.

Kept: basic formatting, lists, tables, and links to http(s)/mailto/tel. Removed: scripts and
styles with their content, every event handler (on*), htmx (hx-*) and data-* attributes, style,
class and id (they could hook into the page's own CSS and JavaScript), images (remote images are
tracking pixels and the CSP blocks them anyway), forms, frames, relative and javascript: URLs.
"""

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "div", "dl",
        "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "q", "s", "small",
        "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Tags removed together with their content.
DROP_WITH_CONTENT = frozenset({"script", "style", "title", "noscript", "template", "textarea", "select", "svg", "math"})

_BLOCK_RE = re.compile(r"<\s*/?\s*(p|div|br|tr|li|h[1-6]|table|blockquote|pre|hr|dt|dd)\b[^>]*>", re.IGNORECASE)
_BLANK_LINES_RE = re.compile(r"\n\s*\n\s*(\n\s*)+")


def clean_html(value: str) -> str:
    """Sanitised HTML, safe to render with |safe. Empty string when nothing is left."""
    if not value:
        return ""
    cleaned = nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned.strip()


def html_to_text(value: str) -> str:
    """Readable plain text from HTML (for messages that have no text part)."""
    if not value:
        return ""
    with_breaks = _BLOCK_RE.sub("\n", value)
    text = nh3.clean(with_breaks, tags=set(), clean_content_tags=set(DROP_WITH_CONTENT) | {"head"}, strip_comments=True)
    text = html.unescape(text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()
