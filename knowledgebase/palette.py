"""The knowledge base's part of the command palette (kcc/core/palette.py): published articles."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import article_search

PALETTE_ARTICLES = 5


def palette_articles(user, query) -> list:
    """Published articles for the text, best first (the knowledge base search itself)."""
    from kcc.core.palette import PaletteItem

    if len(query.text) < 2 or query.number is not None:
        return []
    return [
        PaletteItem(
            "article", _("Article"), hit.article.title, reverse("knowledgebase:article_detail", args=[hit.article.pk]),
            detail=hit.article.owner_department.name,
        )
        for hit in article_search(user=user, q=query.text, limit=PALETTE_ARTICLES)
    ]
