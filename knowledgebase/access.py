"""Who may read and who may edit knowledge-base content.

* Every staff role reads published articles (and archived ones, with a warning).
* Editing ("redactie") is scoped by department:
  - editors (kennisredacteuren) whose membership is in the KCC department are the central
    editorial team and edit every department's articles;
  - other editors edit the articles of the departments they are members of, so an editor of
    Burgerzaken cannot publish a Belastingen article;
  - back-office staff and managers edit their own department's articles (the owner
    department maintains its content);
  - functional admins edit everything.
* Drafts are visible only to those who may edit them. Outside scope the answer is 404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from kcc.core.access import department_ids, has_role
from kcc.core.constants import Role
from kcc.core.models import Department

from .constants import ArticleStatus
from .models import Article, ArticleFeedback

EDIT_ROLES = (Role.EDITOR, Role.BACKOFFICE, Role.MANAGER, Role.ADMIN)
READ_ROLES = tuple(Role.values)


def edits_all_departments(user) -> bool:
    """Central editorial team: KCC editors and functional admins."""
    if has_role(user, Role.ADMIN):
        return True
    if not has_role(user, Role.EDITOR):
        return False
    cached = getattr(user, "_kb_edits_all", None)
    if cached is None:
        # Cached on the user object for the request, like the memberships themselves.
        cached = Department.objects.filter(is_kcc=True, pk__in=department_ids(user, Role.EDITOR)).exists()
        user._kb_edits_all = cached
    return cached


def edit_department_ids(user) -> set[int] | None:
    """Departments whose articles the user may edit; None means all."""
    if edits_all_departments(user):
        return None
    return department_ids(user, Role.EDITOR, Role.BACKOFFICE, Role.MANAGER)


def edit_department_scope(user) -> QuerySet[Department]:
    """Departments the user may choose as owner department (active ones)."""
    ids = edit_department_ids(user)
    qs = Department.objects.filter(is_active=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("-is_kcc", "name")


def can_edit_any(user) -> bool:
    ids = edit_department_ids(user)
    return ids is None or bool(ids)


def article_edit_scope(user) -> QuerySet[Article]:
    ids = edit_department_ids(user)
    if ids is None:
        return Article.objects.all()
    return Article.objects.filter(owner_department_id__in=ids)


def article_read_scope(user) -> QuerySet[Article]:
    """Published and archived articles for every staff member, plus drafts the user may edit."""
    if not has_role(user, *READ_ROLES):
        return Article.objects.none()
    visible = Q(status__in=[ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED])
    ids = edit_department_ids(user)
    if ids is None:
        return Article.objects.all()
    if ids:
        visible |= Q(owner_department_id__in=ids)
    return Article.objects.filter(visible)


def can_edit_article(user, article: Article) -> bool:
    ids = edit_department_ids(user)
    return ids is None or article.owner_department_id in ids


def access_article(user, pk, *, edit: bool = False, lock: bool = False) -> Article:
    """Fetch an article the user may read (or, with ``edit``, change); 404 otherwise."""
    qs = article_edit_scope(user) if edit else article_read_scope(user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.select_related("owner_department", "current_version").get(pk=pk)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def feedback_scope(user) -> QuerySet[ArticleFeedback]:
    """Feedback the user must see and may answer: all for the central editorial team, else the
    feedback addressed to the user's departments (editors, back office, managers)."""
    ids = edit_department_ids(user)
    if ids is None:
        return ArticleFeedback.objects.all()
    return ArticleFeedback.objects.filter(department_id__in=ids)


def access_feedback(user, pk, *, lock: bool = False) -> ArticleFeedback:
    qs = feedback_scope(user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.select_related("article", "department").get(pk=pk)
    except (ArticleFeedback.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_edit_guide(user, department: Department) -> bool:
    """The guide of a department is maintained by editors in scope and the department's
    manager."""
    if edits_all_departments(user):
        return True
    return department.pk in department_ids(user, Role.EDITOR, Role.MANAGER)


def access_guide_department(user, code: str, *, edit: bool = False) -> Department:
    try:
        department = Department.objects.get(code=code, is_active=True)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if edit and not can_edit_guide(user, department):
        raise Http404
    return department
