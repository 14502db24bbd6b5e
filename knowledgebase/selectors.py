"""Read operations of the knowledge base.

Public API for other apps (others code against these names):
* ``article_suggest(*, user, text, limit=5) -> list[Article]``: published articles for a
  contact's subject and question (the contact screen);
* ``department_guide_url(department) -> str``: the 'wie doet wat' page of a department (the
  transfer and callback forms link to it).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from kcc.core.access import has_role
from kcc.core.constants import Role
from kcc.core.models import Department

from .access import READ_ROLES, article_edit_scope, feedback_scope
from .constants import ArticleStatus, FeedbackStatus
from .filters import FeedbackFilter
from .models import Article, ArticleFeedback, ArticleVersion, DepartmentGuide, ReadReceipt, Tag
from .search import SearchHit, search_articles, suggest_articles


def _published_for(user) -> QuerySet[Article]:
    if not has_role(user, *READ_ROLES):
        return Article.objects.none()
    return Article.objects.published()


# --- search ----------------------------------------------------------------------------


def article_search(*, user, q: str, department: Department | None = None, tag: Tag | None = None, limit: int = 20) -> list[SearchHit]:
    """Published articles matching `q`, best first (relevance, then recent usage), with
    highlighted title and snippet. Optionally within one department and/or tag."""
    qs = _published_for(user)
    if department is not None:
        qs = qs.filter(owner_department=department)
    if tag is not None:
        qs = qs.filter(tags=tag)
    return search_articles(qs, q, limit=limit)


def article_suggest(*, user, text: str, limit: int = 5) -> list[Article]:
    """Published articles that may answer a contact, from its subject and question."""
    return suggest_articles(_published_for(user), text, limit=limit)


def article_browse(*, user, department: Department | None = None, tag: Tag | None = None, limit: int = 50) -> list[Article]:
    """Without a search text: the published articles of a department or tag by title, or else
    the most recently changed ones."""
    qs = _published_for(user).select_related("owner_department", "current_version").prefetch_related("tags")
    if department is None and tag is None:
        return list(qs.order_by("-published_at", "-pk")[:limit])
    if department is not None:
        qs = qs.filter(owner_department=department)
    if tag is not None:
        qs = qs.filter(tags=tag)
    return list(qs.order_by("title", "pk")[:limit])


def tag_list() -> QuerySet[Tag]:
    """Tags in use on published articles."""
    return Tag.objects.filter(articles__status=ArticleStatus.PUBLISHED).distinct().order_by("name")


# --- article pages ---------------------------------------------------------------------


def article_related(*, article: Article) -> list[Article]:
    return list(article.related.published().select_related("owner_department").order_by("title"))


def article_version_list(*, article: Article) -> list[ArticleVersion]:
    return list(article.versions.select_related("published_by", "mandatory_by").order_by("-number"))


def article_version_get(*, article: Article, number) -> tuple[ArticleVersion, ArticleVersion | None]:
    """A version and the one before it (for the diff); Http404 if it does not exist."""
    from django.http import Http404

    try:
        number = int(number)
        version = article.versions.select_related("published_by", "owner_department").get(number=number)
    except (ArticleVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    previous = article.versions.filter(number__lt=number).order_by("-number").first()
    return version, previous


def article_feedback_list(*, article: Article) -> list[ArticleFeedback]:
    return list(article.feedback.select_related("created_by", "responded_by", "version").order_by("-created_at")[:50])


def article_own_feedback_list(*, user, article: Article) -> list[ArticleFeedback]:
    return list(article.feedback.filter(created_by=user).select_related("responded_by").order_by("-created_at")[:10])


# --- editorial ("redactie") ------------------------------------------------------------


def review_overdue_list(*, user, limit: int = 100) -> list[Article]:
    today = timezone.localdate()
    qs = article_edit_scope(user).review_overdue(today).select_related("owner_department")
    return list(qs.order_by("review_by", "pk")[:limit])


def draft_list(*, user, limit: int = 100) -> list[Article]:
    qs = article_edit_scope(user).filter(status=ArticleStatus.DRAFT).select_related("owner_department", "updated_by")
    return list(qs.order_by("-updated_at", "-pk")[:limit])


def feedback_list(*, user, params=None, limit: int = 100) -> tuple[FeedbackFilter, list[ArticleFeedback]]:
    """Feedback addressed to the user's departments (all of it for the central editors),
    filtered by status and department; open first, newest first."""
    base = feedback_scope(user).select_related("article", "department", "created_by", "responded_by")
    filterset = FeedbackFilter(params if params is not None else {"status": FeedbackStatus.OPEN}, queryset=base, user=user)
    qs = filterset.qs if filterset.is_valid() else base.none()
    return filterset, list(qs.order_by("-created_at", "-pk")[:limit])


# --- mandatory reads -------------------------------------------------------------------


def _latest_mandatory() -> QuerySet[ArticleVersion]:
    """Per published article, its newest mandatory version: a later mandatory version
    replaces an earlier one in the 'new and changed' list."""
    newer = ArticleVersion.objects.filter(article=OuterRef("article"), is_mandatory=True, number__gt=OuterRef("number"))
    return ArticleVersion.objects.filter(is_mandatory=True, article__status=ArticleStatus.PUBLISHED).filter(~Exists(newer))


def mandatory_outstanding_list(*, user, limit: int | None = None) -> list[ArticleVersion]:
    """The mandatory versions the user has not yet confirmed, newest flag first."""
    confirmed = ReadReceipt.objects.filter(version=OuterRef("pk"), user=user)
    qs = _latest_mandatory().filter(~Exists(confirmed)).select_related("article", "article__owner_department")
    qs = qs.order_by("-mandatory_at", "-pk")
    return list(qs[:limit] if limit else qs)


def active_agents() -> QuerySet:
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, memberships__role=Role.AGENT, memberships__department__is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@dataclass
class VersionCoverage:
    version: ArticleVersion
    confirmed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.confirmed / self.total) if self.total else 100


@dataclass
class PersonCoverage:
    user: object
    outstanding: list[ArticleVersion] = field(default_factory=list)
    confirmed: int = 0


@dataclass
class Coverage:
    versions: list[VersionCoverage]
    people: list[PersonCoverage]
    agent_count: int


def mandatory_coverage() -> Coverage:
    """Coverage of the current mandatory reads: per version the share of active agents who
    confirmed it, and per agent what is still outstanding (temps included). Three queries."""
    agents = list(active_agents())
    agent_ids = {a.pk for a in agents}
    versions = list(_latest_mandatory().select_related("article", "article__owner_department").order_by("-mandatory_at", "-pk"))
    receipts = set(
        ReadReceipt.objects.filter(version__in=[v.pk for v in versions], user_id__in=agent_ids).values_list("user_id", "version_id")
    )
    per_version = [
        VersionCoverage(v, sum(1 for a in agent_ids if (a, v.pk) in receipts), len(agent_ids)) for v in versions
    ]
    people = []
    for agent in agents:
        outstanding = [v for v in versions if (agent.pk, v.pk) not in receipts]
        people.append(PersonCoverage(agent, outstanding, len(versions) - len(outstanding)))
    people.sort(key=lambda p: (-len(p.outstanding), p.user.last_name.lower(), p.user.username))
    return Coverage(per_version, people, len(agents))


# --- department guide ------------------------------------------------------------------


def department_guide_list() -> list[Department]:
    """Active departments with their guide (if written), KCC first, then by name."""
    return list(
        Department.objects.filter(is_active=True)
        .prefetch_related(Prefetch("guide", queryset=DepartmentGuide.objects.all()))
        .order_by("-is_kcc", "name")
    )


def department_guide_get(*, department: Department) -> DepartmentGuide | None:
    return DepartmentGuide.objects.filter(department=department).select_related("updated_by").first()


def department_guide_url(department) -> str:
    """URL of the 'wie doet wat' page of `department` (a Department)."""
    return reverse("knowledgebase:guide_detail", args=[department.code])


def department_articles(*, department: Department, limit: int = 20) -> list[Article]:
    """Most used published articles of a department in the usage window, then by title."""
    since = timezone.now() - timedelta(days=90)
    qs = (
        Article.objects.published().filter(owner_department=department)
        .annotate(uses=Count("contact_links", filter=Q(contact_links__created_at__gte=since)))
    )
    return list(qs.order_by("-uses", "title")[:limit])
