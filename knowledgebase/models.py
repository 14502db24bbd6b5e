"""The central knowledge base: articles and their published versions, tags, mandatory reads,
feedback to the owner department, and the department guide ("wie doet wat")."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kcc.core.models import Department

from .constants import (
    ArticleKind,
    ArticleStatus,
    Audience,
    FeedbackKind,
    FeedbackStatus,
    TextModuleChannel,
)


class Tag(models.Model):
    """A label to group and filter articles (e.g. 'reisdocumenten', 'afvalkalender')."""

    name = models.CharField(_("name"), max_length=60, unique=True, help_text=_("Lower-case label as editors type it."))
    slug = models.SlugField(_("slug"), max_length=60, unique=True, help_text=_("Used in filter links."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ArticleStatus.PUBLISHED)

    def review_overdue(self, today):
        return self.published().filter(review_by__lt=today)

    def for_departments(self, department_ids):
        return self.filter(owner_department_id__in=department_ids)


class Article(models.Model):
    """Kennisartikel. While published, its content fields equal its current version: a
    published article only changes by publishing a new version (see services.article_publish)."""

    title = models.CharField(_("title"), max_length=255, help_text=_("Usually the question as a resident asks it."))
    kind = models.CharField(
        _("form"), max_length=10, choices=ArticleKind.choices, default=ArticleKind.QUESTION_ANSWER,
        help_text=_("Question and answer, or a free text (procedure, background)."),
    )
    question = models.TextField(
        _("question"), blank=True,
        help_text=_("The resident's question in their own words; empty for a free text."),
    )
    body = models.TextField(_("answer or text"), blank=True, help_text=_("Markdown. Rendered safely; raw HTML is not allowed."))
    body_html = models.TextField(_("rendered text"), blank=True, editable=False, help_text=_("Sanitised HTML rendered from the Markdown body."))
    owner_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="articles", verbose_name=_("owner department"),
        help_text=_("The department responsible for the content; it receives the feedback."),
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL,
        help_text=_("Public-ready texts may be read out or sent to residents as they are."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, db_index=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    synonyms = models.TextField(
        _("synonyms"), blank=True,
        help_text=_("Other words residents and agents use for this subject, comma-separated. They are searched too."),
    )
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="related_from", verbose_name=_("related articles"),
    )
    review_by = models.DateField(
        _("review by"), null=True, blank=True,
        help_text=_("By this date an editor checks that the content is still correct."),
    )
    current_version = models.ForeignKey(
        "ArticleVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("current version"), help_text=_("The published version agents read."),
    )
    published_at = models.DateTimeField(_("last published"), null=True, blank=True)
    search_vector = SearchVectorField(
        null=True, editable=False,
        help_text=_("PostgreSQL full-text index (Dutch): title A, synonyms and tags B, question and text C."),
    )
    head_vector = SearchVectorField(
        null=True, editable=False,
        help_text=_("PostgreSQL full-text index of title (A), synonyms and tags (B) only: the cheap first search stage."),
    )
    search_text = models.TextField(
        editable=False, blank=True,
        help_text=_("Lower-case, accent-free title, synonyms and tags: trigram matching and the SQLite fallback."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last changed by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "owner_department"], name="kb_article_status_dept_idx"),
            models.Index(fields=["status", "review_by"], name="kb_article_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED) | Q(current_version__isnull=False),
                name="kb_article_published_has_version",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.replace("\n", ",").split(",") if s.strip()]


class ArticleVersion(models.Model):
    """An immutable snapshot of a published article, with what changed and whether every
    agent must read it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions", verbose_name=_("article"))
    number = models.PositiveIntegerField(_("version"), help_text=_("1 for the first publication, then counting up."))
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("form"), max_length=10, choices=ArticleKind.choices)
    question = models.TextField(_("question"), blank=True)
    body = models.TextField(_("answer or text"), blank=True)
    body_html = models.TextField(_("rendered text"), blank=True)
    synonyms = models.TextField(_("synonyms"), blank=True)
    tags = models.TextField(_("tags"), blank=True, help_text=_("The tags at publication, comma-separated."))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    owner_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner department"))
    summary = models.CharField(_("what changed"), max_length=300, help_text=_("Short description of the change, shown to agents."))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published"), db_index=True)
    is_mandatory = models.BooleanField(
        _("mandatory read"), default=False,
        help_text=_("Every agent must confirm that they have read and understood this version."),
    )
    mandatory_note = models.CharField(_("note for agents"), max_length=300, blank=True, help_text=_("Why this change matters, shown in the 'new and changed' list."))
    mandatory_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("flagged by"))
    mandatory_at = models.DateTimeField(_("flagged at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique_number"),
            models.CheckConstraint(condition=~Q(summary=""), name="kb_version_has_summary"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.number})"


class ReadReceipt(models.Model):
    """'Gelezen en begrepen': a user confirmed one mandatory article version."""

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("version"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kb_read_receipts", verbose_name=_("user"))
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="kb_receipt_unique")]
        indexes = [models.Index(fields=["user", "version"], name="kb_receipt_user_idx")]

    def __str__(self):
        return f"{self.user} – {self.version}"


class ArticleFeedback(models.Model):
    """An agent's report that an article is wrong, unclear or outdated. It goes to the owner
    department, which answers."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article"))
    version = models.ForeignKey(ArticleVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("version read"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department"),
        help_text=_("Owner department when the feedback was given; it must answer."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FeedbackKind.choices)
    note = models.TextField(_("note"), help_text=_("What is wrong, unclear or outdated, and what the resident asked."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("given by"))
    created_at = models.DateTimeField(_("given at"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN, db_index=True)
    response = models.TextField(_("response"), blank=True, help_text=_("The department's answer, visible to editors and the agent."))
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("answered by"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        indexes = [models.Index(fields=["department", "status", "created_at"], name="kb_feedback_dept_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(status=FeedbackStatus.ANSWERED) | ~Q(response=""), name="kb_feedback_answered_has_response"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"


class DepartmentGuide(models.Model):
    """'Wie doet wat': what a department handles, and when the KCC transfers or makes a
    callback request. Reachability and opening hours come from the Department itself."""

    department = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="guide", verbose_name=_("department"))
    handles = models.TextField(_("what it handles"), blank=True, help_text=_("Markdown. The questions and subjects this department answers."))
    does_not_handle = models.TextField(_("what it does not handle"), blank=True, help_text=_("Markdown. Frequent misroutes, and where they belong instead."))
    when_to_transfer = models.TextField(_("when to transfer"), blank=True, help_text=_("Markdown. When a live transfer is right."))
    when_to_callback = models.TextField(_("when to make a callback request"), blank=True, help_text=_("Markdown. When to create a callback request instead."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last changed by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("department guide")
        verbose_name_plural = _("department guides")

    def __str__(self):
        return str(self.department)


class TextModuleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_reply(self, *, department_id: int | None, channel: str):
        """Modules for a reply on `channel` about `department_id`'s subject: the department's
        own and the general ones (no department), for that channel or for every channel."""
        qs = self.active().filter(Q(channel="") | Q(channel=channel))
        if department_id is not None:
            qs = qs.filter(Q(department__isnull=True) | Q(department_id=department_id))
        return qs


class TextModule(models.Model):
    """Tekstblok: a standard text editors keep per department and channel, which agents insert
    into an e-mail or social reply. Variables are a fixed set of {placeholders}
    (constants.TEXT_MODULE_VARIABLES), rendered by plain substitution."""

    title = models.CharField(_("title"), max_length=120, help_text=_("What the agent picks from the list, e.g. 'Afvalpas kwijt: nieuwe aanvragen'."))
    body = models.TextField(
        _("text"), max_length=5000,
        help_text=_("Plain text. Variables: {inwoner}, {medewerker}, {organisatie}, {contactnummer}."),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="text_modules", verbose_name=_("department"),
        help_text=_("Whose subject it is; empty for a general text offered with every department."),
    )
    channel = models.CharField(
        _("channel"), max_length=20, blank=True, choices=TextModuleChannel.choices,
        help_text=_("Empty: every written channel."),
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive modules are not offered to agents."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last changed by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TextModuleQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("text module")
        verbose_name_plural = _("text modules")
        indexes = [models.Index(fields=["is_active", "department", "channel"], name="kb_textmodule_reply_idx")]

    def __str__(self):
        return self.title
