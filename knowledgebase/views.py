from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kcc.core.access import role_required
from kcc.core.constants import Role
from kcc.core.exceptions import DomainError
from kcc.core.htmx import add_domain_error, is_fragment, render_htmx, safe_next

from .access import (
    EDIT_ROLES,
    READ_ROLES,
    access_article,
    access_feedback,
    access_guide_department,
    can_edit_any,
    can_edit_article,
    can_edit_guide,
)
from .constants import ArticleStatus
from .forms import (
    ArticleForm,
    ArticleSearchForm,
    FeedbackForm,
    FeedbackResponseForm,
    GuideForm,
    RequireReadingForm,
    ReviewForm,
)
from .models import ArticleVersion
from .rendering import render_markdown, version_diff
from .selectors import (
    article_browse,
    article_feedback_list,
    article_own_feedback_list,
    article_related,
    article_search,
    article_version_get,
    article_version_list,
    department_articles,
    department_guide_get,
    department_guide_list,
    draft_list,
    feedback_list,
    mandatory_coverage,
    mandatory_outstanding_list,
    review_overdue_list,
)
from .services import (
    article_archive,
    article_create,
    article_publish,
    article_require_reading,
    article_review_confirm,
    article_update,
    feedback_create,
    feedback_respond,
    guide_update,
    mandatory_read_confirm,
)

# --- search ----------------------------------------------------------------------------


@require_GET
@role_required(*READ_ROLES)
def search(request):
    """The knowledge base's one search box. htmx asks for the #results fragment while the
    agent types; without JavaScript the form submits as a normal GET."""
    form = ArticleSearchForm(request.GET or None)
    hits, browse, q = [], [], ""
    department = tag = None
    if form.is_bound:
        form.is_valid()  # invalid filters are ignored below, the text is always cleaned
        data = form.cleaned_data
        q = data.get("q", "")
        department, tag = data.get("department"), data.get("tag")
    if q:
        hits = article_search(user=request.user, q=q, department=department, tag=tag)
    else:
        browse = article_browse(user=request.user, department=department, tag=tag)
    context = {"form": form, "q": q, "hits": hits, "browse": browse, "department": department, "tag": tag, "can_edit": can_edit_any(request.user)}
    return render_htmx(request, "knowledgebase/search.html", context, part="results")


# --- article pages ---------------------------------------------------------------------


def _article_context(request, article, **overrides) -> dict:
    can_edit = can_edit_article(request.user, article)
    version = article.current_version
    outstanding = None
    if version is not None and article.status == ArticleStatus.PUBLISHED:
        outstanding = next((v for v in mandatory_outstanding_list(user=request.user) if v.article_id == article.pk), None)
    context = {
        "article": article,
        "version": version,
        "tags": list(article.tags.all()),
        "related": article_related(article=article),
        "can_edit": can_edit,
        "outstanding": outstanding,
        "feedback_form": FeedbackForm(),
        "feedback_items": article_feedback_list(article=article) if can_edit else [],
        "own_feedback": [] if can_edit else article_own_feedback_list(user=request.user, article=article),
        "review_form": ReviewForm() if can_edit else None,
        "require_form": RequireReadingForm() if can_edit else None,
    }
    context.update(overrides)
    return context


@require_GET
@role_required(*READ_ROLES)
def article_detail(request, pk):
    article = access_article(request.user, pk)
    return TemplateResponse(request, "knowledgebase/article_detail.html", _article_context(request, article))


@require_http_methods(["GET", "POST"])
@role_required(*EDIT_ROLES)
def article_create_view(request):
    if not can_edit_any(request.user):
        raise Http404
    form = ArticleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        try:
            article = article_create(user=request.user, **form.content())
            if action == "publish":
                article_publish(
                    user=request.user, article=article, summary=form.cleaned_data["summary"] or _("First version"),
                    mandatory=form.cleaned_data["mandatory"], mandatory_note=form.cleaned_data["mandatory_note"],
                )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Article published.") if action == "publish" else _("Draft saved."))
            return redirect("knowledgebase:article_detail", pk=article.pk)
    return TemplateResponse(request, "knowledgebase/article_form.html", {"form": form, "article": None}, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@role_required(*EDIT_ROLES)
def article_edit(request, pk):
    """Edit a draft (save or publish), or publish a new version of a published article
    (summary required). Editors outside the owner department get a 404."""
    article = access_article(request.user, pk, edit=True)
    form = ArticleForm(request.POST or None, user=request.user, article=article, initial=ArticleForm.initial_for(article))
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "publish")
        try:
            if action == "save" and article.status != ArticleStatus.PUBLISHED:
                article_update(user=request.user, article=article, **form.content())
                messages.success(request, _("Draft saved."))
            else:
                summary = form.cleaned_data["summary"]
                if not summary:
                    raise DomainError(_("Describe briefly what changed."), field="summary")
                version = article_publish(
                    user=request.user, article=article, summary=summary,
                    mandatory=form.cleaned_data["mandatory"], mandatory_note=form.cleaned_data["mandatory_note"],
                    **form.content(),
                )
                messages.success(request, _("Version %(number)s published.") % {"number": version.number})
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("knowledgebase:article_detail", pk=article.pk)
    return TemplateResponse(request, "knowledgebase/article_form.html", {"form": form, "article": article}, status=422 if form.errors else 200)


@require_POST
@role_required(*EDIT_ROLES)
def article_archive_view(request, pk):
    article = access_article(request.user, pk, edit=True)
    article_archive(user=request.user, article=article)
    messages.success(request, _("Article archived. It no longer appears in search."))
    return redirect("knowledgebase:article_detail", pk=article.pk)


@require_POST
@role_required(*EDIT_ROLES)
def article_review_view(request, pk):
    article = access_article(request.user, pk, edit=True)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            article_review_confirm(user=request.user, article=article, review_by=form.cleaned_data["review_by"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Review recorded; next review on %(date)s.") % {"date": date_format(form.cleaned_data["review_by"])})
    else:
        messages.error(request, _("Enter a valid date for the next review."))
    return redirect(safe_next(request, reverse("knowledgebase:article_detail", args=[article.pk])))


@require_POST
@role_required(*EDIT_ROLES)
def article_require_reading_view(request, pk):
    article = access_article(request.user, pk, edit=True)
    form = RequireReadingForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        version = article_require_reading(user=request.user, article=article, summary=note)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Version %(number)s is now a mandatory read for all agents.") % {"number": version.number})
    return redirect("knowledgebase:article_detail", pk=article.pk)


@require_GET
@role_required(*READ_ROLES)
def version_list(request, pk):
    article = access_article(request.user, pk)
    return TemplateResponse(request, "knowledgebase/version_list.html", {"article": article, "versions": article_version_list(article=article)})


@require_GET
@role_required(*READ_ROLES)
def version_detail(request, pk, number):
    article = access_article(request.user, pk)
    version, previous = article_version_get(article=article, number=number)
    context = {"article": article, "version": version, "previous": previous, "diff": version_diff(previous, version)}
    return TemplateResponse(request, "knowledgebase/version_detail.html", context)


# --- mandatory reads -------------------------------------------------------------------


def home_section_context(request) -> dict:
    items = mandatory_outstanding_list(user=request.user)
    return {"items": items[:20], "count": len(items)}


@require_POST
@role_required(*READ_ROLES)
def mandatory_confirm(request, version_pk):
    """'Gelezen en begrepen'. htmx: answers the updated home section (or article banner);
    without JavaScript: back to where the agent came from."""
    try:
        version = ArticleVersion.objects.select_related("article").get(pk=version_pk, is_mandatory=True, article__status=ArticleStatus.PUBLISHED)
    except (ArticleVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    try:
        mandatory_read_confirm(user=request.user, version=version)
    except DomainError as exc:
        messages.error(request, exc.message)
    if is_fragment(request):
        if request.POST.get("from") == "article":
            return TemplateResponse(request, "knowledgebase/article_detail.html#mandatory", {"article": version.article, "outstanding": None, "confirmed_version": version})
        response = TemplateResponse(request, "knowledgebase/home_mandatory.html", {"ctx": home_section_context(request), "confirmed": version})
        return response
    messages.success(request, _("Thank you: you confirmed \"%(title)s\" (version %(number)s).") % {"title": version.article.title, "number": version.number})
    return redirect(safe_next(request, reverse("core:home")))


@require_GET
@role_required(Role.TEAMLEAD, Role.EDITOR, Role.ADMIN)
def coverage(request):
    return TemplateResponse(request, "knowledgebase/coverage.html", {"coverage": mandatory_coverage()})


# --- feedback --------------------------------------------------------------------------


@require_POST
@role_required(*READ_ROLES)
def feedback_create_view(request, pk):
    article = access_article(request.user, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            feedback_create(user=request.user, article=article, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"])
        except DomainError as exc:
            add_domain_error(form, exc)
    if form.errors:
        if is_fragment(request):
            return TemplateResponse(request, "knowledgebase/article_detail.html#feedback_form", {"article": article, "feedback_form": form}, status=422)
        return TemplateResponse(request, "knowledgebase/article_detail.html", _article_context(request, article, feedback_form=form), status=422)
    if is_fragment(request):
        return TemplateResponse(request, "knowledgebase/article_detail.html#feedback_form", {"article": article, "feedback_form": FeedbackForm(), "feedback_sent": True})
    messages.success(request, _("Thank you. Your feedback was sent to %(department)s.") % {"department": article.owner_department.name})
    return redirect("knowledgebase:article_detail", pk=article.pk)


@require_POST
@role_required(*EDIT_ROLES)
def feedback_respond_view(request, pk):
    feedback = access_feedback(request.user, pk)
    form = FeedbackResponseForm(request.POST)
    if form.is_valid():
        try:
            feedback_respond(user=request.user, feedback=feedback, response=form.cleaned_data["response"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Response saved."))
    else:
        messages.error(request, _("Write a response."))
    return redirect(safe_next(request, reverse("knowledgebase:article_detail", args=[feedback.article_id])))


# --- editorial page --------------------------------------------------------------------


@require_GET
@role_required(*EDIT_ROLES)
def editorial(request):
    """Redactie: overdue reviews, drafts and feedback within the user's scope."""
    if not can_edit_any(request.user):
        raise Http404
    filterset, feedback = feedback_list(user=request.user, params=request.GET or None)
    context = {
        "overdue": review_overdue_list(user=request.user),
        "drafts": draft_list(user=request.user),
        "filterset": filterset,
        "feedback": feedback,
    }
    return render_htmx(request, "knowledgebase/editorial.html", context, part="feedback")


# --- department guide ------------------------------------------------------------------


@require_GET
@role_required(*READ_ROLES)
def guide_index(request):
    return TemplateResponse(request, "knowledgebase/guide_index.html", {"departments": department_guide_list()})


@require_GET
@role_required(*READ_ROLES)
def guide_detail(request, code):
    department = access_guide_department(request.user, code)
    guide = department_guide_get(department=department)
    sections = []
    if guide is not None:
        for attr, label in (
            ("handles", _("What it handles")),
            ("does_not_handle", _("What it does not handle")),
            ("when_to_transfer", _("When to transfer")),
            ("when_to_callback", _("When to make a callback request")),
        ):
            sections.append({"id": attr.replace("_", "-"), "label": label, "html": render_markdown(getattr(guide, attr))})
    context = {
        "department": department,
        "guide": guide,
        "sections": sections,
        "articles": department_articles(department=department),
        "can_edit": can_edit_guide(request.user, department),
    }
    return TemplateResponse(request, "knowledgebase/guide_detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.EDITOR, Role.MANAGER, Role.ADMIN)
def guide_edit(request, code):
    department = access_guide_department(request.user, code, edit=True)
    guide = department_guide_get(department=department)
    initial = {"opening_hours": department.opening_hours, "reachability": department.reachability}
    if guide is not None:
        initial.update({f: getattr(guide, f) for f in ("handles", "does_not_handle", "when_to_transfer", "when_to_callback")})
    form = GuideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            guide_update(user=request.user, department=department, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Department guide saved."))
            return redirect("knowledgebase:guide_detail", code=department.code)
    return TemplateResponse(request, "knowledgebase/guide_form.html", {"form": form, "department": department}, status=422 if form.errors else 200)

