"""Write operations of the knowledge base. Views, admin, tasks, demo data and other apps all
go through these functions.

Invariants:
* A published article's content equals its current version: content changes to a published
  article happen only through :func:`article_publish`, which snapshots a new ArticleVersion
  with a required "what changed" summary. Drafts are edited freely with :func:`article_update`.
* Version numbers are assigned under a row lock on the article, so two editors publishing at
  the same moment get numbers n+1 and n+2, never a duplicate (the unique key guards as well).
* Read receipts are per version: flagging a newer version as mandatory asks everyone again.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Value
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kcc.core.exceptions import DomainError
from kcc.core.models import Department
from kcc.core.normalize import fold_text
from kcc.core.services import department_update

from .access import can_edit_article, can_edit_guide, edit_department_ids
from .constants import (
    REVIEW_INTERVAL_DAYS,
    ArticleKind,
    ArticleStatus,
    Audience,
    FeedbackKind,
    FeedbackStatus,
)
from .models import Article, ArticleFeedback, ArticleVersion, DepartmentGuide, ReadReceipt, Tag
from .rendering import markdown_to_text, render_markdown

logger = logging.getLogger(__name__)

CONTENT_FIELDS = ("title", "kind", "question", "body", "audience", "owner_department", "synonyms", "tags", "related", "review_by")


# --- helpers ---------------------------------------------------------------------------


def parse_tag_names(value) -> list[str]:
    """'Reisdocumenten, paspoort ,  ' -> ['paspoort', 'reisdocumenten'] (lower-case, unique)."""
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    names = {" ".join(str(v).lower().split())[:60] for v in (value or [])}
    return sorted(n for n in names if n and slugify(n))


def tags_ensure(names: list[str]) -> list[Tag]:
    """Get or create the tags named; a tag is identified by its slug."""
    tags = []
    for name in names:
        slug = slugify(name)[:60]
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(name=name, slug=slug)
            except IntegrityError:  # created concurrently, or same slug under another name
                tag = Tag.objects.get(slug=slug)
        tags.append(tag)
    return tags


def normalize_synonyms(value: str) -> str:
    parts = [" ".join(p.split()) for p in (value or "").replace("\n", ",").split(",")]
    seen, result = set(), []
    for p in parts:
        if p and p.lower() not in seen:
            seen.add(p.lower())
            result.append(p)
    return ", ".join(result)


def article_index(*, article: Article) -> None:
    """Refresh the search data of one article from its current fields: the folded trigram
    text everywhere, and on PostgreSQL the weighted Dutch tsvectors (title A, synonyms and
    tags B, question and body C; the head vector holds A and B only)."""
    tag_names = " ".join(article.tags.values_list("name", flat=True)) if article.pk else ""
    search_text = fold_text(f"{article.title} {article.synonyms.replace(',', ' ')} {tag_names}")
    update = {"search_text": search_text}
    if connection.vendor == "postgresql":
        meta = f"{article.synonyms.replace(',', ' ')} {tag_names}"
        text = f"{article.question} {markdown_to_text(article.body)}"
        head = SearchVector(Value(article.title), weight="A", config="dutch") + SearchVector(Value(meta), weight="B", config="dutch")
        update["head_vector"] = head
        update["search_vector"] = head + SearchVector(Value(text), weight="C", config="dutch")
    Article.objects.filter(pk=article.pk).update(**update)
    article.search_text = search_text


def _check_owner(user, department: Department) -> None:
    ids = edit_department_ids(user)
    if ids is not None and department.pk not in ids:
        raise DomainError(_("You may not maintain articles of this department."), field="owner_department")
    if not department.is_active:
        raise DomainError(_("This department is no longer active."), field="owner_department")


def _check_related(article: Article | None, related) -> list[Article]:
    related = list(related or [])
    for other in related:
        if article is not None and other.pk == article.pk:
            raise DomainError(_("An article cannot be related to itself."), field="related")
        if other.status != ArticleStatus.PUBLISHED:
            raise DomainError(_("Only published articles can be related."), field="related")
    return related


def _apply(*, user, article: Article, fields: dict) -> list[str]:
    """Set content fields on `article` (not yet saved); return the changed model fields.
    Tags and related articles are applied after save by _apply_m2m."""
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")
    changed = []
    if "title" in fields:
        fields["title"] = " ".join((fields["title"] or "").split())
        if not fields["title"]:
            raise DomainError(_("A title is required."), field="title")
    if "kind" in fields and fields["kind"] not in ArticleKind.values:
        raise DomainError(_("Unknown article form."), field="kind")
    if "audience" in fields and fields["audience"] not in Audience.values:
        raise DomainError(_("Unknown audience."), field="audience")
    if "owner_department" in fields:
        _check_owner(user, fields["owner_department"])
    if "synonyms" in fields:
        fields["synonyms"] = normalize_synonyms(fields["synonyms"])
    for name in ("title", "kind", "question", "body", "audience", "owner_department", "synonyms", "review_by"):
        if name in fields and getattr(article, name) != fields[name]:
            setattr(article, name, fields[name])
            changed.append(name)
    if "body" in changed or not article.body_html and article.body:
        article.body_html = render_markdown(article.body)
        changed.append("body_html")
    return changed


def _apply_m2m(*, article: Article, fields: dict) -> bool:
    changed = False
    if "tags" in fields:
        tags = tags_ensure(parse_tag_names(fields["tags"]))
        if {t.pk for t in tags} != set(article.tags.values_list("pk", flat=True)):
            article.tags.set(tags)
            changed = True
    if "related" in fields:
        related = _check_related(article, fields["related"])
        if {a.pk for a in related} != set(article.related.values_list("pk", flat=True)):
            article.related.set(related)
            changed = True
    return changed


# --- articles --------------------------------------------------------------------------


@transaction.atomic
def article_create(*, user, owner_department: Department, title: str, body: str = "", **fields) -> Article:
    """Create a draft article. Publishing is a separate step with a summary."""
    article = Article(created_by=user, updated_by=user, owner_department=owner_department)
    _check_owner(user, owner_department)
    _apply(user=user, article=article, fields={"title": title, "body": body, **{k: v for k, v in fields.items() if k not in ("tags", "related")}})
    article.body_html = render_markdown(article.body)
    article.save()
    _apply_m2m(article=article, fields={k: v for k, v in fields.items() if k in ("tags", "related")})
    article_index(article=article)
    return article


@transaction.atomic
def article_update(*, user, article: Article, **fields) -> Article:
    """Save changes to a draft or archived article. A published article changes only by
    publishing a new version (article_publish), so agents never read unpublished text."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == ArticleStatus.PUBLISHED:
        raise DomainError(_("A published article changes only by publishing a new version with a summary."), code="published")
    changed = _apply(user=user, article=article, fields=dict(fields))
    if changed:
        article.updated_by = user
        article.save(update_fields=[*changed, "updated_by", "updated_at"])
    if _apply_m2m(article=article, fields=fields) and not changed:
        article.updated_by = user
        article.save(update_fields=["updated_by", "updated_at"])
    article_index(article=article)
    return article


def _snapshot(article: Article) -> dict:
    return {
        "title": article.title,
        "kind": article.kind,
        "question": article.question,
        "body": article.body,
        "body_html": article.body_html,
        "synonyms": article.synonyms,
        "tags": ", ".join(article.tags.order_by("name").values_list("name", flat=True)),
        "audience": article.audience,
        "owner_department_id": article.owner_department_id,
    }


@transaction.atomic
def article_publish(*, user, article: Article, summary: str, mandatory: bool = False, mandatory_note: str = "", **fields) -> ArticleVersion:
    """Apply `fields` and publish the result as a new version with a "what changed" summary.

    The article row is locked for the numbering. Publishing identical content again is
    refused unless the article is not currently published (republishing an archived article
    is a real change for agents). With ``mandatory`` every agent must confirm this version.
    """
    summary = " ".join((summary or "").split())
    if not summary:
        raise DomainError(_("Describe briefly what changed."), field="summary")
    if len(summary) > 300:
        raise DomainError(_("Keep the summary under 300 characters."), field="summary")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not can_edit_article(user, article):
        raise DomainError(_("You may not maintain articles of this department."), field="owner_department")
    changed = _apply(user=user, article=article, fields=dict(fields))
    if changed:
        article.save(update_fields=[*changed, "updated_at"])
    _apply_m2m(article=article, fields=fields)
    snapshot = _snapshot(article)
    previous = article.current_version
    if previous is not None and article.status == ArticleStatus.PUBLISHED:
        before = {k: getattr(previous, k) for k in snapshot}
        if before == snapshot:
            raise DomainError(_("Nothing has changed since the current version."), code="unchanged")
    now = timezone.now()
    number = (article.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ArticleVersion.objects.create(
        article=article,
        number=number,
        summary=summary,
        published_by=user,
        published_at=now,
        is_mandatory=mandatory,
        mandatory_note=(mandatory_note or "").strip()[:300] if mandatory else "",
        mandatory_by=user if mandatory else None,
        mandatory_at=now if mandatory else None,
        **snapshot,
    )
    article.current_version = version
    article.status = ArticleStatus.PUBLISHED
    article.published_at = now
    article.updated_by = user
    update = ["current_version", "status", "published_at", "updated_by", "updated_at"]
    if article.review_by is None or article.review_by <= timezone.localdate():
        article.review_by = timezone.localdate() + timedelta(days=REVIEW_INTERVAL_DAYS)
        update.append("review_by")
    article.save(update_fields=update)
    article_index(article=article)
    return version


@transaction.atomic
def article_archive(*, user, article: Article) -> Article:
    """Withdraw an article: it leaves search and suggestions; links still open it, with a
    warning. Its mandatory reads are no longer asked."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not can_edit_article(user, article):
        raise DomainError(_("You may not maintain articles of this department."))
    if article.status == ArticleStatus.ARCHIVED:
        return article
    article.status = ArticleStatus.ARCHIVED
    article.updated_by = user
    article.save(update_fields=["status", "updated_by", "updated_at"])
    return article


@transaction.atomic
def article_review_confirm(*, user, article: Article, review_by: date | None = None) -> Article:
    """An editor checked the content and it is still correct: set the next review date
    (default: a year from today). No new version: the content did not change."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not can_edit_article(user, article):
        raise DomainError(_("You may not maintain articles of this department."))
    today = timezone.localdate()
    review_by = review_by or today + timedelta(days=REVIEW_INTERVAL_DAYS)
    if review_by <= today:
        raise DomainError(_("The next review date must lie in the future."), field="review_by")
    article.review_by = review_by
    article.updated_by = user
    article.save(update_fields=["review_by", "updated_by", "updated_at"])
    return article


@transaction.atomic
def article_require_reading(*, user, article: Article, summary: str = "") -> ArticleVersion:
    """Flag the article's current published version as a mandatory read ("verplicht
    lezen"). `summary` becomes the note agents see; it defaults to the version's own "what
    changed". Idempotent: flagging an already mandatory version only updates the note.

    Used by the signals board when a signal is resolved by changing an article. Raises
    DomainError if the article is not published or the user may not maintain it.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not can_edit_article(user, article):
        raise DomainError(_("You may not maintain articles of this department."))
    if article.status != ArticleStatus.PUBLISHED or article.current_version_id is None:
        raise DomainError(_("Only a published article can be made a mandatory read."))
    note = " ".join((summary or "").split())[:300]
    version = ArticleVersion.objects.select_for_update().get(pk=article.current_version_id)
    update = []
    if not version.is_mandatory:
        version.is_mandatory = True
        version.mandatory_by = user
        version.mandatory_at = timezone.now()
        update += ["is_mandatory", "mandatory_by", "mandatory_at"]
    if note and note != version.mandatory_note:
        version.mandatory_note = note
        update.append("mandatory_note")
    if update:
        version.save(update_fields=update)
    return version


@transaction.atomic
def mandatory_read_confirm(*, user, version: ArticleVersion) -> ReadReceipt:
    """'Gelezen en begrepen' for one mandatory version. Confirming twice changes nothing."""
    if not version.is_mandatory:
        raise DomainError(_("This version is not a mandatory read."))
    if version.article.status != ArticleStatus.PUBLISHED:
        raise DomainError(_("This article is no longer published."))
    receipt, _created = ReadReceipt.objects.get_or_create(version=version, user=user)
    return receipt


# --- feedback --------------------------------------------------------------------------


@transaction.atomic
def feedback_create(*, user, article: Article, kind: str, note: str) -> ArticleFeedback:
    """An agent reports a problem with an article. It is addressed to the owner department;
    after commit an e-mail goes to the department's shared address."""
    if kind not in FeedbackKind.values:
        raise DomainError(_("Choose what is wrong with the article."), field="kind")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Describe what is wrong, unclear or outdated."), field="note")
    if article.status == ArticleStatus.DRAFT:
        raise DomainError(_("Feedback is given on published articles."))
    feedback = ArticleFeedback.objects.create(
        article=article, version=article.current_version, department=article.owner_department,
        kind=kind, note=note[:4000], created_by=user,
    )
    transaction.on_commit(lambda: _queue_feedback_notification(feedback.pk))
    return feedback


def _queue_feedback_notification(feedback_id: int) -> None:
    """After commit: the feedback is stored whatever happens here, so a broker outage must
    not turn the agent's request into an error page."""
    from .tasks import feedback_notify_task

    try:
        feedback_notify_task.delay(feedback_id)
    except Exception:  # noqa: BLE001 - logged; the department still sees it in its list
        logger.exception("could not queue feedback notification %s", feedback_id)


def feedback_notify(*, feedback: ArticleFeedback) -> bool:
    """E-mail the owner department's shared address about new feedback. Returns False when
    the department has no address (its members still see it in the editorial list)."""
    department = feedback.department
    if not department.email:
        return False
    url = settings.KCC_BASE_URL.rstrip("/") + reverse("knowledgebase:article_detail", args=[feedback.article_id])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Feedback on knowledge article: %(title)s") % {"title": feedback.article.title}
        body = _(
            "A KCC employee reports that the article \"%(title)s\" is %(kind)s.\n\n"
            "Note:\n%(note)s\n\nPlease respond in the knowledge base:\n%(url)s\n"
        ) % {"title": feedback.article.title, "kind": feedback.get_kind_display().lower(), "note": feedback.note, "url": url}
    send_mail(subject[:200], body, None, [department.email])
    return True


@transaction.atomic
def feedback_respond(*, user, feedback: ArticleFeedback, response: str) -> ArticleFeedback:
    """The owner department (or an editor) answers feedback; it becomes 'answered'."""
    response = (response or "").strip()
    if not response:
        raise DomainError(_("Write a response."), field="response")
    feedback = ArticleFeedback.objects.select_for_update().get(pk=feedback.pk)
    feedback.response = response[:4000]
    feedback.status = FeedbackStatus.ANSWERED
    feedback.responded_by = user
    feedback.responded_at = timezone.now()
    feedback.save(update_fields=["response", "status", "responded_by", "responded_at"])
    return feedback


# --- department guide ------------------------------------------------------------------

GUIDE_FIELDS = ("handles", "does_not_handle", "when_to_transfer", "when_to_callback")
DEPARTMENT_FIELDS = ("opening_hours", "reachability")


@transaction.atomic
def guide_update(*, user, department: Department, **fields) -> DepartmentGuide:
    """Update a department's 'wie doet wat' page, and its opening hours and reachability
    (which live on the Department, shared with the rest of the application)."""
    unknown = set(fields) - set(GUIDE_FIELDS) - set(DEPARTMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown guide fields: {sorted(unknown)}")
    if not can_edit_guide(user, department):
        raise DomainError(_("You may not maintain this department's guide."))
    guide, _created = DepartmentGuide.objects.select_for_update().get_or_create(department=department)
    changed = [f for f in GUIDE_FIELDS if f in fields and getattr(guide, f) != (fields[f] or "").strip()]
    for f in changed:
        setattr(guide, f, (fields[f] or "").strip())
    if changed:
        guide.updated_by = user
        guide.save(update_fields=[*changed, "updated_by", "updated_at"])
    dep_fields = {f: (fields[f] or "").strip() for f in DEPARTMENT_FIELDS if f in fields}
    if dep_fields:
        department_update(department=department, **dep_fields)
    return guide
