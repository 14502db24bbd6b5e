"""Views of the agent's inbox, contact screen, phone registration and received transfers.

Thin: parse the input (Form / FilterSet), call a selector or service, render. Every object is
fetched through an access helper (404 outside the user's scope, also for forged form fields).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseLocation

from kcc.core.access import access_customer, check_all_in_scope, has_role, role_required
from kcc.core.constants import LogAction, Purpose, Role
from kcc.core.exceptions import DomainError
from kcc.core.files import sanitize_filename
from kcc.core.forms import CustomerForm, CustomerSearchForm
from kcc.core.htmx import (
    add_domain_error,
    etag_matches,
    fragment_template,
    is_fragment,
    make_etag,
    render_htmx,
    safe_next,
    vary_on_htmx,
)
from kcc.core.middleware import BACKGROUND_HEADER
from kcc.core.normalize import format_phone
from kcc.core.selectors import customer_list
from kcc.core.services import processing_log_record
from kcc.core.terminology import term

from . import selectors
from .access import (
    access_attachment,
    access_contact,
    access_transfer,
    can_work_contacts,
    contact_scope,
)
from .constants import SOCIAL_CHANNELS, Channel, ContactStatus, DeliveryStatus, Direction
from .desk import call_start, contact_sibling_start, contact_work_save, conversation_end
from .forms import (
    ArticleLinkForm,
    AssignForm,
    CloseForm,
    LinkCustomerForm,
    MergeForm,
    NotForUsForm,
    ReplyForm,
)
from .forms_customers import MergeChoiceForm
from .forms_desk import NotesForm
from .knowledge_panel import knowledge_panel_context
from .models import Contact, Message
from .panels import caller_line_context, panels_for
from .services import (
    contact_addresses,
    contact_article_link,
    contact_assign,
    contact_claim,
    contact_close,
    contact_customer_create,
    contact_customer_link,
    contact_reply,
    customer_merge,
    display_name,
    message_resend,
    transfer_mark_not_for_us,
    webform_reply_route,
)
from .timeline import contact_history

logger = logging.getLogger(__name__)

KCC = (Role.AGENT, Role.TEAMLEAD)
READERS = (Role.AGENT, Role.TEAMLEAD, Role.BACKOFFICE, Role.MANAGER)
# Bump when the inbox rows change shape, so that cached ETags from an older release miss.
INBOX_TEMPLATE_VERSION = "1"


def _log_customers(request, customers, *, action=LogAction.SEARCH, purpose=Purpose.ANSWER_QUESTION, context=""):
    unique = list({c.pk: c for c in customers if c is not None}.values())
    if unique:
        processing_log_record(user=request.user, customers=unique, action=action, purpose=purpose, context=context)


# --- inbox -----------------------------------------------------------------------------


def _inbox_etag(request, state: selectors.InboxState) -> str:
    """Changes when the filtered queue changes, when the user or filters change, and once a
    minute (so the waiting times shown stay fresh)."""
    params = sorted((k, v) for k, values in request.GET.lists() for v in values)
    params.append(("q", request.session.get(INBOX_Q_SESSION_KEY, "")))
    minute = int(timezone.now().timestamp() // 60)
    last = state.last_change.isoformat() if state.last_change else "-"
    return make_etag(INBOX_TEMPLATE_VERSION, request.user.pk, get_language(), params, state.total, last, minute)


# The inbox's free-text filter lives in the session, never in the URL: a resident's name typed
# there must not land in URLs, history or access logs. The other filters stay in the URL.
INBOX_Q_SESSION_KEY = "kcc_inbox_q"
# The inbox's other filters (no personal data), kept so that "Volgende" on the desk opens the
# next contact of the same filter.
INBOX_FILTER_SESSION_KEY = "kcc_inbox_filter"


def _inbox_url(query) -> str:
    return reverse("channels:inbox") + (f"?{query.urlencode()}" if query else "")


@require_http_methods(["GET", "POST"])
@role_required(*KCC)
def inbox(request):
    """The work queue across all channels. Polled every few seconds by htmx with
    X-KCC-Background (polls do not keep an idle session alive) and If-None-Match: when nothing
    changed the answer is a 304 after one aggregate query.

    The free-text search is POSTed and kept in the session (docs/privacy.md); an old link with
    ``?q=`` still works but is redirected at once to the URL without it."""
    if request.method == "POST" or "q" in request.GET:
        source = request.POST if request.method == "POST" else request.GET
        q = source.get("q", "").strip()[:100]
        if q:
            request.session[INBOX_Q_SESSION_KEY] = q
        else:
            request.session.pop(INBOX_Q_SESSION_KEY, None)
        if request.method == "GET" or not request.htmx:
            clean = request.GET.copy()
            clean.pop("q", None)
            clean.pop("after", None)
            return redirect(_inbox_url(clean))
    data = request.GET.copy()
    data.pop("q", None)
    if request.session.get(INBOX_Q_SESSION_KEY):
        data["q"] = request.session[INBOX_Q_SESSION_KEY]
    filterset = selectors.inbox_filterset(request=request, data=data)
    state = selectors.inbox_state(filterset)
    etag = _inbox_etag(request, state)
    if etag_matches(request, etag):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-store"
        return vary_on_htmx(response)
    contacts, next_cursor = selectors.inbox_page(filterset, cursor=request.GET.get("after"))
    _log_customers(request, [c.customer for c in contacts], context="werkvoorraad")
    is_teamlead = has_role(request.user, Role.TEAMLEAD)
    base_query = request.GET.copy()
    base_query.pop("after", None)
    next_query = base_query.copy()
    if next_cursor:
        next_query["after"] = next_cursor
    is_poll = request.META.get(BACKGROUND_HEADER) == "1"
    if not is_poll and request.session.get(INBOX_FILTER_SESSION_KEY, "") != base_query.urlencode():
        request.session[INBOX_FILTER_SESSION_KEY] = base_query.urlencode()
    context = {
        "filterset": filterset,
        "contacts": contacts,
        "state": state,
        "etag": etag,
        "now": timezone.now(),
        "is_first_page": not request.GET.get("after"),
        "next_url": f"?{next_query.urlencode()}" if next_cursor else "",
        "first_url": f"?{base_query.urlencode()}" if base_query else "?",
        "poll_url": f"{reverse('channels:inbox')}?{request.GET.urlencode()}",
        "poll_seconds": settings.KCC_INBOX_POLL_SECONDS,
        "is_teamlead": is_teamlead,
        "assign_form": AssignForm() if is_teamlead and not request.htmx else None,
        "return_url": request.get_full_path(),
        "is_poll": is_poll,
        "search_q": request.session.get(INBOX_Q_SESSION_KEY, ""),
        "filter_query": base_query.urlencode(),
    }
    response = TemplateResponse(request, fragment_template(request, "channels/inbox.html", "results"), context)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-store"
    return vary_on_htmx(response)


@require_POST
@role_required(*KCC)
def contact_claim_view(request, pk):
    contact = access_contact(request.user, pk, kcc_only=True)
    try:
        contact = contact_claim(user=request.user, contact_id=contact.pk)
    except DomainError as exc:
        if request.htmx:
            return TemplateResponse(request, "channels/contact_detail.html#claim_conflict", {"message": exc.message}, status=409)
        messages.error(request, exc.message)
        return redirect(safe_next(request, reverse("channels:inbox")))
    target = reverse("channels:contact_detail", args=[contact.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@require_POST
@role_required(Role.TEAMLEAD)
def contact_assign_view(request):
    form = AssignForm(request.POST)
    back = safe_next(request, reverse("channels:inbox"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["contacts"]
    check_all_in_scope(request.user, ids, contact_scope(request.user))
    assignee = form.cleaned_data["assignee"]
    try:
        count = contact_assign(user=request.user, contact_ids=ids, assignee=assignee)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if assignee is None:
        messages.success(request, ngettext("%(n)d contact returned to the queue.", "%(n)d contacts returned to the queue.", count) % {"n": count})
    else:
        messages.success(
            request,
            ngettext("%(n)d contact assigned to %(name)s.", "%(n)d contacts assigned to %(name)s.", count)
            % {"n": count, "name": display_name(assignee)},
        )
    return redirect(back)


# --- contact screen --------------------------------------------------------------------


def _reply_greeting(request, contact: Contact) -> str:
    name = contact.customer.full_name if contact.customer_id else ""
    greeting = _("Dear %(name)s,") % {"name": name} if name else _("Dear Sir or Madam,")
    closing = _("Kind regards,")
    org = _("Contact centre %(organisation)s") % {"organisation": settings.KCC_ORGANISATION_NAME}
    return f"{greeting}\n\n\n\n{closing}\n{request.user.first_name or display_name(request.user)}\n{org}"


def _can_reply(contact: Contact) -> bool:
    return contact.status != ContactStatus.CLOSED and (
        contact.channel in (Channel.EMAIL, Channel.WEBFORM) or contact.channel in SOCIAL_CHANNELS
    )


def _panels(request, contact: Contact) -> list[dict]:
    """Panels other apps contribute. A failing panel must not take the agent's screen down."""
    try:
        return panels_for(request, contact)
    except Exception:  # noqa: BLE001 - logged; the contact screen still works without panels
        logger.exception("A contact panel failed for contact %s", contact.pk)
        return []


def _render_contact(request, contact: Contact, *, reply_form=None, close_form=None, status=200, identification=None, identify_q=None,
                    keep_panels=False):
    """The desk: one two-pane workspace for a contact on any channel (docs/desk.md)."""
    user = request.user
    keep_panels = keep_panels and is_fragment(request)
    can_work = can_work_contacts(user)
    thread = selectors.contact_messages(contact)
    is_open = contact.status != ContactStatus.CLOSED
    if can_work and is_open and contact.assigned_to_id == user.pk:
        unread = [m.pk for m in thread if m.direction == Direction.INBOUND and m.read_at is None]
        if unread:
            Message.objects.filter(pk__in=unread).update(read_at=timezone.now())
    history = contact_history(user=user, customer=contact.customer, exclude=contact) if contact.customer_id and not keep_panels else []
    suggestions = selectors.customer_suggestions(contact=contact) if can_work and is_open and not contact.customer_id else []
    candidates = list(identification.candidates) if identification is not None else []
    if contact.customer_id:
        _log_customers(request, [contact.customer], action=LogAction.VIEW, context=f"klantcontact {contact.pk}")
    _log_customers(request, [*suggestions, *candidates], purpose=Purpose.IDENTIFY, context=f"klantcontact {contact.pk}")
    if can_work and is_open and close_form is None:
        close_form = CloseForm(initial={"question": contact.question, "topic_department": contact.topic_department_id, "notes": contact.notes}, contact=contact)
    if can_work and _can_reply(contact) and reply_form is None:
        reply_form = ReplyForm(initial={"text": _reply_greeting(request, contact)})
    works_here = can_work and is_open and (contact.assigned_to_id in (None, user.pk) or has_role(user, Role.TEAMLEAD))
    context = {
        "contact": contact,
        "thread": thread,
        "transfers": selectors.contact_transfers(contact),
        "conversation": selectors.conversation_summary(user=user, contact=contact),
        "history": history,
        "suggestions": suggestions,
        "identification": identification,
        "identify_q": identify_q or "",
        "candidates": candidates,
        "addresses": contact_addresses(contact),
        "can_work": can_work,
        "works_here": works_here,
        "is_open": is_open,
        "is_phone": contact.channel == Channel.PHONE,
        "holds_it": contact.assigned_to_id == user.pk,
        "is_teamlead": has_role(user, Role.TEAMLEAD),
        "reply_form": reply_form if can_work and _can_reply(contact) else None,
        # A web-form contact is answered the way the form asked: by e-mail or in the portal.
        "reply_route": webform_reply_route(contact) if contact.channel == Channel.WEBFORM else "",
        "close_form": close_form if can_work and is_open else None,
        # The knowledge pane rendered in the first response (no extra request, works without JS).
        "knowledge": knowledge_panel_context(request, contact) if can_work and not keep_panels else None,
        "panels": [] if keep_panels else _panels(request, contact),
        "keep_panels": keep_panels,
        "guide": selectors.topic_guide(contact),
        "caller_display": format_phone(contact.caller_address) if contact.caller_address else "",
        "next_url": f"{reverse('channels:contact_next')}?{urlencode({'na': contact.pk})}" if can_work and not is_open else "",
        "delivery_failed": DeliveryStatus.FAILED,
        "is_fragment": is_fragment(request),
    }
    return render_htmx(request, "channels/contact_detail.html", context, part="desk" if is_fragment(request) else None, status=status)


def _workspace(request, contact_pk: int, *, status=200, **kwargs):
    """The workspace after an htmx action: the whole desk (it replaces #desk), with the URL
    of the contact pushed into the history. ``keep_panels``: the action changed nothing the
    right pane shows (the knowledge pane, the customer's history and panels), so those are not
    read or rendered again: htmx keeps them (hx-preserve placeholders)."""
    contact = access_contact(request.user, contact_pk)
    response = _render_contact(request, contact, status=status, **kwargs)
    if is_fragment(request):
        response["HX-Push-Url"] = reverse("channels:contact_detail", args=[contact.pk])
    return response


@require_GET
@role_required(*READERS)
def contact_detail(request, pk):
    """The contact workspace. KCC roles work on it; back-office staff read the contacts that
    were transferred to their department (404 for anything else). An old link with a customer
    search in the URL (``?klant-q=``) is redirected without it: searches are POSTed."""
    contact = access_contact(request.user, pk)
    if "klant-q" in request.GET:
        return redirect("channels:contact_detail", pk=contact.pk)
    return _render_contact(request, contact)


@require_POST
@role_required(*KCC)
def contact_identify_view(request, pk):
    """Identify the caller (POSTed: the search text is personal data). One confident hit is
    linked to the contact at once and announced; several hits are offered as a list."""
    contact = access_contact(request.user, pk, kcc_only=True)
    form = CustomerSearchForm(request.POST)
    identification = None
    q = error = ""
    linked = False
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        identification = selectors.caller_identify(user=request.user, query=q)
        if identification.confident is not None and contact.status != ContactStatus.CLOSED and contact.customer_id != identification.confident.pk:
            try:
                contact = contact_customer_link(
                    user=request.user, contact=contact, customer=identification.confident,
                    caller_phone=q if identification.reason == "phone" else "",
                )
            except DomainError as exc:
                error = exc.message
            else:
                linked = True
    if is_fragment(request):
        return _caller_search_response(request, contact, identification=identification, linked=linked, error=error)
    if error:
        messages.error(request, error)
    contact = access_contact(request.user, contact.pk)
    return _render_contact(request, contact, identification=identification, identify_q=q)


def _caller_search_response(request, contact: Contact, *, identification, linked: bool, error: str):
    """The caller search's htmx answer, light: the results list and the announcement; only when
    the search linked a caller also the identified caller, the history and the caller's panels
    (out of band). The search box is not in it, so what the agent types meanwhile is kept."""
    user = request.user
    candidates = list(identification.candidates) if identification is not None and identification.confident is None else []
    _log_customers(request, candidates, purpose=Purpose.IDENTIFY, context=f"klantcontact {contact.pk}")
    context = {
        "contact": contact,
        "identification": identification,
        "candidates": candidates,
        "identify_error": error,
        "linked": linked,
        **caller_line_context(user, contact),
    }
    if candidates:
        context["addresses"] = contact_addresses(contact)
    if linked:
        _log_customers(request, [contact.customer], action=LogAction.VIEW, context=f"klantcontact {contact.pk}")
        context |= {
            "history": contact_history(user=user, customer=contact.customer, exclude=contact),
            "panels": _panels(request, contact),
            "is_phone": contact.channel == Channel.PHONE,
        }
    return render_htmx(request, "channels/desk/_caller_search.html", context)


@require_POST
@role_required(*KCC)
def contact_notes_view(request, pk):
    """Save the question and notes of an open contact without closing it (the desk saves them
    on change)."""
    contact = access_contact(request.user, pk, kcc_only=True)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return render_htmx(request, "channels/desk/_notes_status.html", {"form": form, "contact": contact}, status=422)
    try:
        contact = contact_work_save(user=request.user, contact=contact, notes=form.cleaned_data["notes"], question=form.cleaned_data["question"])
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render_htmx(request, "channels/desk/_notes_status.html", {"form": form, "contact": contact}, status=422)
    if is_fragment(request):
        return render_htmx(request, "channels/desk/_notes_status.html", {"form": form, "contact": contact, "saved_at": timezone.now()})
    messages.success(request, _("Notes saved."))
    return redirect("channels:contact_detail", pk=contact.pk)


@require_POST
@role_required(*KCC)
def contact_sibling_view(request, pk):
    """"Nog een vraag": a new question in the same conversation, worked in the same workspace
    (htmx swaps the desk and pushes the new contact's URL)."""
    contact = access_contact(request.user, pk, kcc_only=True)
    try:
        sibling = contact_sibling_start(user=request.user, contact=contact)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _workspace(request, contact.pk, status=409)
    messages.success(request, _("Another question in this conversation: contact #%(pk)d.") % {"pk": sibling.pk})
    url = reverse("channels:contact_detail", args=[sibling.pk])
    if is_fragment(request):
        # Post/redirect/get without leaving the page: htmx GETs the new question's desk into
        # #desk and pushes its URL (a real, refresh-safe GET; the POST only creates it).
        return HttpResponseLocation(url, target="#desk")
    return redirect(url)


@require_POST
@role_required(*KCC)
def contact_conversation_end_view(request, pk):
    """"Gesprek beëindigd": the conversation is over, the after-call work starts. Does not close."""
    contact = access_contact(request.user, pk, kcc_only=True)
    try:
        conversation_end(user=request.user, contact=contact)
    except DomainError as exc:
        messages.error(request, exc.message)
    if is_fragment(request):
        return _workspace(request, contact.pk)
    return redirect("channels:contact_detail", pk=contact.pk)


def inbox_filter_data(request) -> QueryDict:
    """The agent's current inbox filter: the query of the last inbox page (kept in the session,
    without the free text) plus the free text from the session."""
    data = QueryDict(request.session.get(INBOX_FILTER_SESSION_KEY, ""), mutable=True)
    data.pop("after", None)
    data.pop("q", None)
    if request.session.get(INBOX_Q_SESSION_KEY):
        data["q"] = request.session[INBOX_Q_SESSION_KEY]
    return data


@require_GET
@role_required(*KCC)
def contact_next(request):
    """"Volgende": open the next contact of the agent's inbox filter after ``?na=<contact id>``."""
    after = access_contact(request.user, request.GET.get("na", ""), kcc_only=True)
    following = selectors.inbox_next_contact(request=request, data=inbox_filter_data(request), after=after)
    if following is None:
        messages.info(request, _("There are no more contacts in your inbox filter."))
        return redirect(_inbox_url(QueryDict(request.session.get(INBOX_FILTER_SESSION_KEY, ""))))
    return redirect("channels:contact_detail", pk=following.pk)


@require_POST
@role_required(*KCC)
def contact_reply_view(request, pk):
    contact = access_contact(request.user, pk, kcc_only=True)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            message = contact_reply(user=request.user, contact=contact, text=form.cleaned_data["text"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if message.channel == Channel.EMAIL:
                messages.success(request, _("Your e-mail reply has been sent to %(address)s.") % {"address": message.recipients})
            elif message.channel == Channel.WEBFORM:
                messages.success(request, _("Your reply is being sent to the %(portal)s.") % {"portal": term("portal")})
            else:
                messages.success(request, _("Your reply has been sent."))
            return redirect(reverse("channels:contact_detail", args=[contact.pk]) + "#thread")
    contact.refresh_from_db()
    return _render_contact(request, contact, reply_form=form, status=422)


@require_POST
@role_required(*KCC)
def contact_close_view(request, pk):
    """Close the contact with its outcome in one POST and one transaction, including what the
    outcome's registered extension records (channels.outcomes: "callback" makes the callback
    request). Invalid input re-renders the form with everything kept (422). A second POST of
    the same form finds the contact closed: a clear message, nothing made twice."""
    contact = access_contact(request.user, pk, kcc_only=True)
    form = CloseForm(request.POST, contact=contact)
    if form.is_valid():
        try:
            contact = contact_close(
                user=request.user,
                contact=contact,
                notes=form.cleaned_data["notes"],
                question=form.cleaned_data["question"],
                outcome_data=form.outcome_data(),
                **form.outcome_kwargs(),
            )
        except DomainError as exc:
            if exc.code == "closed":
                messages.warning(request, _("This contact was already closed; nothing was changed."))
                return _workspace(request, contact.pk) if is_fragment(request) else redirect("channels:contact_detail", pk=contact.pk)
            form.add_domain_error(exc)
        else:
            messages.success(
                request, _("Contact #%(pk)d closed: %(outcome)s.") % {"pk": contact.pk, "outcome": contact.get_outcome_display()}
            )
            # The closed workspace offers "Volgende": the next contact of the same inbox filter.
            # With htmx the closed workspace replaces the open one (no second page load). The
            # right pane stays as it is unless the outcome made something it shows (a callback).
            if is_fragment(request):
                return _workspace(request, contact.pk, keep_panels=contact.outcome_record is None)
            return redirect("channels:contact_detail", pk=contact.pk)
    contact.refresh_from_db()
    return _render_contact(request, contact, close_form=form, status=422)


@require_POST
@role_required(*KCC)
def contact_customer_link_view(request, pk):
    contact = access_contact(request.user, pk, kcc_only=True)
    form = LinkCustomerForm(request.POST)
    if not form.is_valid():
        raise Http404
    customer = None
    if form.cleaned_data["customer"]:
        customer = access_customer(request.user, form.cleaned_data["customer"], purpose=Purpose.IDENTIFY, context=f"klantcontact {contact.pk}")
    try:
        contact_customer_link(user=request.user, contact=contact, customer=customer, add_address=form.cleaned_data["add_address"])
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
    else:
        if customer is None:
            messages.success(request, _("The contact is no longer linked to a customer."))
        else:
            messages.success(request, _("Contact linked to %(name)s.") % {"name": customer.full_name})
    return redirect("channels:contact_detail", pk=contact.pk)


@require_http_methods(["GET", "POST"])
@role_required(*KCC)
def contact_customer_create_view(request, pk):
    contact = access_contact(request.user, pk, kcc_only=True)
    initial = {}
    for kind, value in contact_addresses(contact):
        if kind == "email":
            initial["email"] = value
        elif kind == "phone":
            initial["phone"] = format_phone(value)
    form = CustomerForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.customer_fields()
        try:
            customer = contact_customer_create(
                user=request.user, contact=contact, email=data.pop("email"), phone=data.pop("phone"), **data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Customer %(name)s created and linked to the contact.") % {"name": customer.full_name})
            return redirect("channels:contact_detail", pk=contact.pk)
    return TemplateResponse(
        request, "channels/customer_from_contact.html", {"contact": contact, "form": form}, status=422 if form.errors else 200
    )


@require_POST
@role_required(*KCC)
def contact_article_link_view(request, pk):
    from knowledgebase.models import Article

    contact = access_contact(request.user, pk, kcc_only=True)
    form = ArticleLinkForm(request.POST)
    if not form.is_valid():
        raise Http404
    article = Article.objects.filter(pk=form.cleaned_data["article"]).first()
    if article is None:
        raise Http404
    try:
        contact_article_link(user=request.user, contact=contact, article=article)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Noted: '%(title)s' answered the question.") % {"title": article.title})
    return redirect(reverse("channels:contact_detail", args=[contact.pk]) + "#knowledge")


@require_POST
@role_required(*KCC)
def message_resend_view(request, pk):
    message = Message.objects.filter(pk=pk).only("pk", "contact_id").first()
    if message is None:
        raise Http404
    contact = access_contact(request.user, message.contact_id, kcc_only=True)
    try:
        message_resend(user=request.user, message=message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The reply is being sent again."))
    return redirect(reverse("channels:contact_detail", args=[contact.pk]) + "#thread")


# Content types a browser could execute or render as a page: always served as a download blob.
_ACTIVE_TYPES = ("text/html", "application/xhtml", "image/svg", "text/xml", "application/xml", "text/javascript", "application/javascript")


@require_GET
@role_required(*READERS)
def attachment_download(request, pk):
    attachment = access_attachment(request.user, pk)
    contact = attachment.message.contact
    if contact.customer_id:
        _log_customers(request, [contact.customer], action=LogAction.VIEW, context=f"bijlage {attachment.pk}")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    content_type = attachment.content_type or "application/octet-stream"
    if content_type.lower().startswith(_ACTIVE_TYPES) or "/" not in content_type:
        content_type = "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=sanitize_filename(attachment.filename, fallback=_("attachment")), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- phone -----------------------------------------------------------------------------


# Session key carrying the caller's number or a search text to the call that starts next.
CALL_SEARCH_SESSION_KEY = "kcc_register_call_search"


def _start_call(request):
    """Start (or pick up, with ``call``) a phone call; a number or search text carried in the
    session identifies the caller (one confident hit is linked)."""
    call = None
    call_id = request.POST.get("call", "").strip()
    if call_id:
        call = _telephony_call(request, call_id)
        if call is None:
            raise Http404
    pending = request.session.pop(CALL_SEARCH_SESSION_KEY, None) or {}
    phone, q = str(pending.get("phone", ""))[:40], str(pending.get("q", ""))[:200]
    customer = None
    if (q or phone) and not (call and call.customer_id):
        customer = selectors.caller_identify(user=request.user, query=q or phone).confident
    try:
        try:
            contact = call_start(user=request.user, phone=phone, customer=customer, call=call)
        except DomainError as exc:
            if exc.field != "phone":
                raise
            contact = call_start(user=request.user, customer=customer, call=call)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("channels:register_call")
    if contact.external_id:
        from .ingestion import screen_pops_dismiss_for_call

        # The agent took the call: the screen-pop has done its job.
        screen_pops_dismiss_for_call(user=request.user, call_id=contact.external_id)
    target = reverse("channels:contact_detail", args=[contact.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _telephony_call(request, call_id: str) -> Contact | None:
    return contact_scope(request.user).filter(channel=Channel.PHONE, external_id=call_id[:200]).first() if call_id else None


@require_POST
@role_required(*KCC)
def call_start_view(request):
    """"Nieuw gesprek" (header button, Alt+Shift+N): an open phone contact held by the agent,
    answered now, and its workspace. With ``call=<telephony call id>`` the screen-popped call
    is picked up instead."""
    return _start_call(request)


@require_http_methods(["GET", "POST"])
@role_required(*KCC)
def register_call(request):
    """The old registration screen's URL. GET offers to start the call (creates nothing); the
    POST starts it. Screen-pop links ``?call=<call id>`` open the call's workspace when the
    agent already has it (telephony ``answered``), else offer to pick it up; ``?phone=`` and
    ``?q=`` move into the session at once (no personal data in URLs, docs/privacy.md)."""
    if request.method == "POST":
        return _start_call(request)
    if "phone" in request.GET or "q" in request.GET:
        request.session[CALL_SEARCH_SESSION_KEY] = {
            "phone": request.GET.get("phone", "").strip()[:40], "q": request.GET.get("q", "").strip()[:200],
        }
        clean = request.GET.copy()
        clean.pop("phone", None)
        clean.pop("q", None)
        return redirect(reverse("channels:register_call") + (f"?{clean.urlencode()}" if clean else ""))
    call_id = request.GET.get("call", "").strip()[:200]
    call = _telephony_call(request, call_id)
    if call_id and call is None:
        messages.warning(request, _("The call %(call)s is not known (yet). Start the call by hand.") % {"call": call_id})
    elif call is not None and call.status == ContactStatus.CLOSED:
        messages.info(request, _("This call has already been closed as contact #%(pk)d.") % {"pk": call.pk})
        call = None
    elif call is not None and call.assigned_to_id == request.user.pk:
        return redirect("channels:contact_detail", pk=call.pk)
    return TemplateResponse(request, "channels/register_call.html", {"call": call})


@require_POST
@role_required(*KCC)
def register_call_search(request):
    """The old caller search of the registration screen: the text goes through the session to
    the call that starts next (never into the URL)."""
    request.session[CALL_SEARCH_SESSION_KEY] = {
        "q": request.POST.get("q", "").strip()[:200], "phone": request.POST.get("phone", "").strip()[:40],
    }
    params = {"call": request.POST["call"][:200]} if request.POST.get("call") else {}
    return redirect(reverse("channels:register_call") + (f"?{urlencode(params)}" if params else ""))


# --- transfers received ----------------------------------------------------------------


@require_GET
@role_required(Role.BACKOFFICE, Role.MANAGER)
def transfers_received(request):
    """Doorverbonden naar ons: transfers to the user's departments, newest first."""
    filterset = selectors.transfer_filterset(request=request, data=request.GET)
    transfers, next_cursor = selectors.transfer_page(filterset, cursor=request.GET.get("after"))
    _log_customers(request, [t.contact.customer for t in transfers], context="doorverbonden naar ons")
    query = request.GET.copy()
    query.pop("after", None)
    next_query = query.copy()
    if next_cursor:
        next_query["after"] = next_cursor
    context = {
        "filterset": filterset,
        "transfers": transfers,
        "next_url": f"?{next_query.urlencode()}" if next_cursor else "",
        "first_url": f"?{query.urlencode()}",
        "is_first_page": not request.GET.get("after"),
    }
    return vary_on_htmx(TemplateResponse(request, fragment_template(request, "channels/transfers_received.html", "results"), context))


@require_http_methods(["GET", "POST"])
@role_required(Role.BACKOFFICE, Role.MANAGER)
def transfer_not_for_us(request, pk):
    transfer = access_transfer(request.user, pk)
    form = NotForUsForm(request.POST or None, exclude_department=transfer.to_department)
    if transfer.not_for_us_at is not None:
        messages.info(request, _("This transfer has already been marked 'not for us'."))
        return redirect("channels:transfers_received")
    if request.method == "POST" and form.is_valid():
        try:
            transfer_mark_not_for_us(
                user=request.user, transfer=transfer, correct_department=form.cleaned_data["correct_department"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Marked 'not for us': it should have gone to %(department)s.") % {"department": form.cleaned_data["correct_department"]},
            )
            return redirect("channels:transfers_received")
    if transfer.contact.customer_id:
        _log_customers(request, [transfer.contact.customer], action=LogAction.VIEW, context=f"doorverbinding {transfer.pk}")
    return TemplateResponse(
        request, "channels/transfer_not_for_us.html", {"transfer": transfer, "form": form}, status=422 if form.errors else 200
    )


# --- customers -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.TEAMLEAD)
def customer_merge_view(request):
    """Team leads merge a duplicate customer (source) into the surviving one (target), in
    three steps: compare (numbers, the fields that differ, a radio per field for the value that
    survives), confirm (the resulting record, what moves), merge. A POST without ``confirm``
    only shows the confirmation: nothing is merged without it."""
    data = request.POST if request.method == "POST" else request.GET
    source = target = None
    if str(data.get("source", "")).isdigit():
        source = access_customer(request.user, data["source"], purpose=Purpose.ADMINISTRATION, context="klanten samenvoegen")
    if str(data.get("target", "")).isdigit():
        target = access_customer(request.user, data["target"], purpose=Purpose.ADMINISTRATION, context="klanten samenvoegen")
    # The search for the surviving record is POSTed (names and BSNs stay out of URLs and logs);
    # an old link with ``?q=`` is redirected without it.
    searching = request.method == "POST" and "q" in request.POST
    if request.method == "GET" and "q" in request.GET:
        clean = request.GET.copy()
        clean.pop("q")
        return redirect(f"{reverse('channels:customer_merge')}?{clean.urlencode()}")
    posted = request.method == "POST" and not searching
    form = MergeForm(request.POST if posted else None, initial={"source": source and source.pk, "target": target and target.pk})
    choices = None
    if source is not None and target is not None and source.pk != target.pk:
        choices = MergeChoiceForm(request.POST if posted else None, source=source, target=target)
    status, step = 200, "compare"
    if posted:
        if form.is_valid() and choices is not None and choices.is_valid():
            if choices.cleaned_data["confirm"]:
                try:
                    survivor = customer_merge(user=request.user, source=source, target=target, take_from_source=choices.take_from_source())
                except DomainError as exc:
                    add_domain_error(form, exc)
                    status = 422
                else:
                    messages.success(
                        request,
                        _("Customer #%(source)s has been merged into #%(target)s (%(name)s).") % {"source": source.pk, "target": survivor.pk, "name": survivor.full_name},
                    )
                    return redirect("core:customer_detail", pk=survivor.pk)
            else:
                step = "confirm"
        else:
            form.add_error(None, _("Choose both customers.") if choices is None else _("Choose which value stays for every field."))
            status = 422
    search_form = CustomerSearchForm(request.POST if searching else None)
    results = []
    if source is not None and target is None and search_form.is_bound and search_form.is_valid():
        _query, results = customer_list(user=request.user, q=search_form.cleaned_data["q"], limit=10)
        results = [c for c in results if c.pk != source.pk]
        _log_customers(request, results, purpose=Purpose.ADMINISTRATION, context="klanten samenvoegen")
    counts = selectors.customer_contact_counts([c.pk for c in (source, target) if c is not None])
    context = {
        "source": source,
        "target": target,
        "form": form,
        "choices": choices,
        "step": step,
        "preview": choices.preview() if step == "confirm" else None,
        "search_form": search_form,
        "results": results,
        "source_contacts": counts.get(source.pk, 0) if source else None,
        "target_contacts": counts.get(target.pk, 0) if target else None,
        "source_addresses": list(source.addresses.order_by("kind", "-is_default")) if source else [],
        "target_addresses": list(target.addresses.order_by("kind", "-is_default")) if target else [],
    }
    return TemplateResponse(request, "channels/customer_merge.html", context, status=status)


# --- registries (home section, customer timeline) ---------------------------------------


def home_section_context(request) -> dict:
    ctx = {"my_open": selectors.my_open_contacts_count(user=request.user)}
    if has_role(request.user, Role.TEAMLEAD):
        ctx["unassigned"] = selectors.unassigned_contacts_count()
    ctx["inbox_mine_url"] = f"{reverse('channels:inbox')}?assigned=me"
    ctx["inbox_unassigned_url"] = f"{reverse('channels:inbox')}?assigned=unassigned"
    return ctx


def customer_timeline_context(request, customer) -> dict:
    """The customer page's timeline: the first page of the one stream (views_customers)."""
    from .views_customers import timeline_context

    return timeline_context(request, customer, None)
