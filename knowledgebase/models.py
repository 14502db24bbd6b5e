from django.db import models
from django.utils.translation import gettext_lazy as _

from kcc.core.models import Department


class Article(models.Model):
    """Kennisartikel. Minimal shape from the foundation; the knowledge-base issue extends it."""

    title = models.CharField(_("title"), max_length=255, help_text=_("Usually the question as a resident asks it."))
    owner_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="articles", verbose_name=_("owner department"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title
