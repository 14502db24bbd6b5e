"""Views of the agent's inbox, contact screen, phone registration and received transfers.

Thin: parse the input (Form / FilterSet), call a selector or service, render. Every object is
fetched through an access helper (404 outside the user's scope, also for forged form fields).
"""

import hashlib
import logging
import unicodedata
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kcc.core.access import access_customer, check_all_in_scope, has_role, role_required
from kcc.core.constants import LogAction, Purpose, Role
from kcc.core.exceptions import DomainError
from kcc.core.forms import CustomerForm, CustomerSearchForm
from kcc.core.middleware import BACKGROUND_HEADER
from kcc.core.normalize import format_phone
from kcc.core.selectors import customer_list
from kcc.core.services import processing_log_record

from . import selectors
from .access import (
    access_attachment,
    access_contact,
    access_transfer,
    can_work_contacts,
    contact_scope,
)
from .constants import SOCIAL_CHANNELS, Channel, ContactStatus, DeliveryStatus, Direction, Outcome
from .forms import (
    ArticleLinkForm,
    AssignForm,
    CloseForm,
    LinkCustomerForm,
    MergeForm,
    NotForUsForm,
    RegisterCallForm,
    ReplyForm,
    started_token,
)
from .models import Contact, Message
from .panels import panels_for
from .services import (
    contact_addresses,
    contact_article_link,
    contact_assign,
    contact_claim,
    contact_close,
    contact_customer_create,
    contact_customer_link,
    contact_register_call,
    contact_reply,
    customer_merge,
    display_name,
    message_resend,
    transfer_mark_not_for_us,
)

logger = logging.getLogger(__name__)

KCC = (Role.AGENT, Role.TEAMLEAD)
READERS = (Role.AGENT, Role.TEAMLEAD, Role.BACKOFFICE, Role.MANAGER)
# Bump when the inbox rows change shape, so that cached ETags from an older release miss.
INBOX_TEMPLATE_VERSION = "1"


def _fragment(request, template: str, part: str) -> str:
    return f"{template}#{part}" if request.htmx and not request.htmx.boosted else template


def _vary(response):
    patch_vary_headers(response, ["HX-Request"])
    return response


def _add_domain_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def callback_url(contact: Contact) -> str | None:
    """The callback form of the callbacks app for this contact, once that app provides it."""
    try:
        return reverse("callbacks:create_from_contact", args=[contact.pk])
    except NoReverseMatch:
        return None


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
    raw = f"{INBOX_TEMPLATE_VERSION}|{request.user.pk}|{get_language()}|{params}|{state.total}|{last}|{minute}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _etag_matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return bool(header) and (header.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in header.split(",")])


# The inbox's free-text filter lives in the session, never in the URL: a resident's name typed
# there must not land in URLs, history or access logs. The other filters stay in the URL.
INBOX_Q_SESSION_KEY = "kcc_inbox_q"


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
    if _etag_matches(request, etag):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-store"
        return _vary(response)
    contacts, next_cursor = selectors.inbox_page(filterset, cursor=request.GET.get("after"))
    _log_customers(request, [c.customer for c in contacts], context="werkvoorraad")
    is_teamlead = has_role(request.user, Role.TEAMLEAD)
    base_query = request.GET.copy()
    base_query.pop("after", None)
    next_query = base_query.copy()
    if next_cursor:
        next_query["after"] = next_cursor
    is_poll = request.META.get(BACKGROUND_HEADER) == "1"
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
    response = TemplateResponse(request, _fragment(request, "channels/inbox.html", "results"), context)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-store"
    return _vary(response)


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
        return redirect(_safe_next(request, reverse("channels:inbox")))
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
    back = _safe_next(request, reverse("channels:inbox"))
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
    return contact.status != ContactStatus.CLOSED and (contact.channel == Channel.EMAIL or contact.channel in SOCIAL_CHANNELS)


def _panels(request, contact: Contact) -> list[dict]:
    """Panels other apps contribute. A failing panel must not take the agent's screen down."""
    try:
        return panels_for(request, contact)
    except Exception:  # noqa: BLE001 - logged; the contact screen still works without panels
        logger.exception("A contact panel failed for contact %s", contact.pk)
        return []


def _render_contact(request, contact: Contact, *, reply_form=None, close_form=None, status=200, customer_query=None):
    user = request.user
    can_work = can_work_contacts(user)
    thread = selectors.contact_messages(contact)
    is_open = contact.status != ContactStatus.CLOSED
    if can_work and is_open and contact.assigned_to_id == user.pk:
        unread = [m.pk for m in thread if m.direction == Direction.INBOUND and m.read_at is None]
        if unread:
            Message.objects.filter(pk__in=unread).update(read_at=timezone.now())
    history = selectors.customer_contact_list(user=user, customer=contact.customer, exclude=contact, limit=20) if contact.customer_id else []
    suggestions = selectors.customer_suggestions(contact=contact) if can_work and not contact.customer_id else []
    search_form, search_results, search_query = CustomerSearchForm(prefix="klant"), [], None
    if can_work and customer_query is not None:
        search_form = CustomerSearchForm({"klant-q": customer_query}, prefix="klant")
        if search_form.is_valid():
            search_query, search_results = customer_list(user=user, q=search_form.cleaned_data["q"], limit=10)
    if contact.customer_id:
        _log_customers(request, [contact.customer], action=LogAction.VIEW, context=f"klantcontact {contact.pk}")
    _log_customers(request, [*suggestions, *search_results], purpose=Purpose.IDENTIFY, context=f"klantcontact {contact.pk}")
    if can_work and is_open and close_form is None:
        close_form = CloseForm(initial={"question": contact.question, "topic_department": contact.topic_department_id, "notes": contact.notes}, contact=contact)
    if can_work and _can_reply(contact) and reply_form is None:
        reply_form = ReplyForm(initial={"text": _reply_greeting(request, contact)})
    context = {
        "contact": contact,
        "thread": thread,
        "transfers": selectors.contact_transfers(contact),
        "article_links": selectors.contact_article_links(contact),
        "conversation": selectors.conversation_contacts(user=user, contact=contact),
        "history": history,
        "suggestions": suggestions,
        "search_form": search_form,
        "search_results": search_results,
        "search_query": search_query,
        "link_form": LinkCustomerForm(),
        "can_work": can_work,
        "is_open": is_open,
        "holds_it": contact.assigned_to_id == user.pk,
        "is_teamlead": has_role(user, Role.TEAMLEAD),
        "reply_form": reply_form if can_work and _can_reply(contact) else None,
        "close_form": close_form if can_work and is_open else None,
        "articles": selectors.article_suggestions(user=user, contact=contact, messages=thread) if can_work and is_open else [],
        "panels": _panels(request, contact),
        "addresses": contact_addresses(contact),
        "caller_display": format_phone(contact.caller_address) if contact.caller_address else "",
        "register_call_url": (
            f"{reverse('channels:register_call')}?{urlencode({'call': contact.external_id})}"
            if can_work and is_open and contact.channel == Channel.PHONE and contact.external_id else ""
        ),
        "delivery_failed": DeliveryStatus.FAILED,
    }
    template = "channels/contact_detail.html"
    if request.htmx and not request.htmx.boosted and customer_query is not None:
        template += "#customer_results"
    return _vary(TemplateResponse(request, template, context, status=status))


@require_GET
@role_required(*READERS)
def contact_detail(request, pk):
    """The contact screen. KCC roles work on it; back-office staff read the contacts that were
    transferred to their department (404 for anything else)."""
    contact = access_contact(request.user, pk)
    return _render_contact(request, contact, customer_query=request.GET.get("klant-q"))


@require_POST
@role_required(*KCC)
def contact_reply_view(request, pk):
    contact = access_contact(request.user, pk, kcc_only=True)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            message = contact_reply(user=request.user, contact=contact, text=form.cleaned_data["text"])
        except DomainError as exc:
            _add_domain_error(form, exc)
        else:
            if message.channel == Channel.EMAIL:
                messages.success(request, _("Your e-mail reply has been sent to %(address)s.") % {"address": message.recipients})
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
                return redirect("channels:contact_detail", pk=contact.pk)
            form.add_domain_error(exc)
        else:
            messages.success(
                request, _("Contact #%(pk)d closed: %(outcome)s.") % {"pk": contact.pk, "outcome": contact.get_outcome_display()}
            )
            return redirect("channels:inbox")
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
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
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


def safe_filename(name: str) -> str:
    """A file name without path parts, control characters or characters that break headers."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*;\r\n')
    name = name.strip(" .")
    return name[:150] or _("attachment")


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
    response = FileResponse(handle, as_attachment=True, filename=safe_filename(attachment.filename), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- phone -----------------------------------------------------------------------------


# Session key carrying the caller search (number or name) to the registration page.
CALL_SEARCH_SESSION_KEY = "kcc_register_call_search"


def _call_results(request, q: str):
    query, results = customer_list(user=request.user, q=q, limit=10)
    _log_customers(request, results, purpose=Purpose.IDENTIFY, context="telefoongesprek")
    return query, results


@require_http_methods(["GET", "POST"])
@role_required(*KCC)
def register_call(request):
    """Register a phone call: identify the caller, record question, department, outcome and
    notes in one form. Screen-pop: ``?call=<call id>`` (telephony) or ``?phone=...``."""
    user = request.user
    selected, results, query = None, [], None
    call_contact, search_q = None, ""
    if request.method == "POST":
        form = RegisterCallForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                contact = contact_register_call(
                    user=user,
                    customer=d["customer"],
                    question=d["question"],
                    subject=d["subject"],
                    notes=d["notes"],
                    phone=d["phone"],
                    case_reference=d["case_reference"],
                    conversation_key=d["conversation"],
                    call_contact=d["call"],
                    started_at=d["started"],
                    **form.outcome_kwargs(),
                )
            except DomainError as exc:
                _add_domain_error(form, exc)
            else:
                messages.success(request, _("Call registered as contact #%(pk)d.") % {"pk": contact.pk})
                if request.POST.get("another"):
                    params = {"conversation": str(contact.conversation_key)}
                    if contact.customer_id:
                        params["customer"] = contact.customer_id
                    if contact.caller_address:
                        # The number goes through the session, never the URL (docs/privacy.md).
                        request.session[CALL_SEARCH_SESSION_KEY] = {"phone": format_phone(contact.caller_address), "q": ""}
                    return redirect(f"{reverse('channels:register_call')}?{urlencode(params)}")
                if contact.outcome == Outcome.CALLBACK and (url := callback_url(contact)):
                    return redirect(url)
                return redirect("channels:register_call")
        customer = form.cleaned_data.get("customer") if hasattr(form, "cleaned_data") else None
        if customer:
            selected, results = customer, [customer]
        call_contact = form.cleaned_data.get("call") if hasattr(form, "cleaned_data") else None
        status = 422
    else:
        # Screen-pop contract: ``?phone=`` (and the no-JavaScript ``?q=``) are accepted, but the
        # number or name moves into the session at once and the browser lands on a URL without
        # it: personal data stays out of URLs, history and logs (docs/privacy.md).
        if "phone" in request.GET or "q" in request.GET:
            request.session[CALL_SEARCH_SESSION_KEY] = {
                "phone": request.GET.get("phone", "").strip()[:40], "q": request.GET.get("q", "").strip()[:200],
            }
            clean = request.GET.copy()
            clean.pop("phone", None)
            clean.pop("q", None)
            return redirect(reverse("channels:register_call") + (f"?{clean.urlencode()}" if clean else ""))
        pending = request.session.pop(CALL_SEARCH_SESSION_KEY, None) or {}
        initial = {"started": started_token()}
        q = str(pending.get("q", ""))[:200]
        phone = str(pending.get("phone", ""))[:40]
        call_id = request.GET.get("call", "").strip()[:200]
        if call_id:
            call_contact = contact_scope(user).filter(channel=Channel.PHONE, external_id=call_id).select_related("customer").first()
            if call_contact is None:
                messages.warning(request, _("The call %(call)s is not known (yet). Register it by hand.") % {"call": call_id})
            elif call_contact.status == ContactStatus.CLOSED:
                messages.info(request, _("This call has already been registered as contact #%(pk)d.") % {"pk": call_contact.pk})
                call_contact = None
            else:
                from .ingestion import screen_pops_dismiss_for_call

                # The agent opened the registration screen: the screen-pop has done its job.
                screen_pops_dismiss_for_call(user=user, call_id=call_id)
                initial["call"] = call_contact.pk
                initial["started"] = started_token(call_contact.answered_at or call_contact.started_at)
                if call_contact.caller_address and not phone:
                    phone = format_phone(call_contact.caller_address)
                if call_contact.customer_id:
                    selected = call_contact.customer
        if phone:
            initial["phone"] = phone
            q = q or phone
        conversation = request.GET.get("conversation", "")
        if conversation:
            initial["conversation"] = conversation
        if request.GET.get("customer", "").isdigit():
            selected = access_customer(user, request.GET["customer"], purpose=Purpose.IDENTIFY, context="telefoongesprek")
        if q:
            query, results = _call_results(request, q)
            if selected is None and len(results) == 1 and query.kind in ("phone", "email", "postcode"):
                selected = results[0]
            if query.kind == "phone" and "phone" not in initial:
                # The agent searched the number on the phone's display: that is the caller's number.
                initial["phone"] = format_phone(query.value)
        if selected is not None and selected not in results:
            if call_contact is not None and selected == call_contact.customer:
                _log_customers(request, [selected], action=LogAction.VIEW, purpose=Purpose.IDENTIFY, context="telefoongesprek")
            results = [selected, *results]
        form = RegisterCallForm(initial=initial, user=user)
        status = 200
        search_q = q
    conversation_key = form["conversation"].value()
    earlier = []
    if conversation_key:
        earlier = list(
            contact_scope(user).filter(conversation_key=conversation_key).select_related("topic_department").order_by("started_at")[:10]
        ) if _is_uuid(conversation_key) else []
    context = {
        "form": form,
        "search_form": CustomerSearchForm(initial={"q": search_q}),
        "results": results,
        "query": query,
        "selected": selected,
        "call_contact": call_contact,
        "earlier": earlier,
        "transferred": Outcome.TRANSFERRED,
    }
    return TemplateResponse(request, "channels/register_call.html", context, status=status)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@require_POST
@role_required(*KCC)
def register_call_search(request):
    """The caller search of the registration screen, POSTed (the search text is personal data).
    htmx gets the results fragment; without JavaScript the text goes through the session to the
    registration page."""
    if not request.htmx:
        request.session[CALL_SEARCH_SESSION_KEY] = {
            "q": request.POST.get("q", "").strip()[:200], "phone": request.POST.get("phone", "").strip()[:40],
        }
        params = {k: request.POST[k][:200] for k in ("call", "conversation") if request.POST.get(k)}
        return redirect(reverse("channels:register_call") + (f"?{urlencode(params)}" if params else ""))
    form = CustomerSearchForm(request.POST or None)
    query, results, selected = None, [], None
    if form.is_valid() and form.cleaned_data["q"]:
        query, results = _call_results(request, form.cleaned_data["q"])
        if len(results) == 1 and query.kind in ("phone", "email", "postcode"):
            selected = results[0]
    response = TemplateResponse(
        request, "channels/register_call.html#caller_results", {"results": results, "query": query, "selected": selected}
    )
    return _vary(response)


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
    return _vary(TemplateResponse(request, _fragment(request, "channels/transfers_received.html", "results"), context))


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
            _add_domain_error(form, exc)
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
    """Team leads merge a duplicate customer (source) into the surviving one (target)."""
    data = request.POST if request.method == "POST" else request.GET
    source = target = None
    if str(data.get("source", "")).isdigit():
        source = access_customer(request.user, data["source"], purpose=Purpose.ADMINISTRATION, context="klanten samenvoegen")
    if str(data.get("target", "")).isdigit():
        target = access_customer(request.user, data["target"], purpose=Purpose.ADMINISTRATION, context="klanten samenvoegen")
    form = MergeForm(request.POST or None, initial={"source": source and source.pk, "target": target and target.pk})
    status = 200
    if request.method == "POST":
        if form.is_valid() and source is not None and target is not None:
            try:
                survivor = customer_merge(user=request.user, source=source, target=target)
            except DomainError as exc:
                _add_domain_error(form, exc)
            else:
                messages.success(
                    request, _("%(source)s has been merged into %(target)s.") % {"source": source.full_name, "target": survivor.full_name}
                )
                return redirect("core:customer_detail", pk=survivor.pk)
        else:
            form.add_error(None, _("Choose both customers."))
        status = 422
    search_form = CustomerSearchForm(request.GET if request.method == "GET" and request.GET.get("q") else None)
    results = []
    if source is not None and target is None and search_form.is_bound and search_form.is_valid():
        _query, results = customer_list(user=request.user, q=search_form.cleaned_data["q"], limit=10)
        results = [c for c in results if c.pk != source.pk]
        _log_customers(request, results, purpose=Purpose.ADMINISTRATION, context="klanten samenvoegen")
    counts = {}
    for c in (source, target):
        if c is not None:
            counts[c.pk] = Contact.objects.filter(customer=c).count()
    context = {
        "source": source,
        "target": target,
        "form": form,
        "search_form": search_form,
        "results": results,
        "source_contacts": counts.get(source.pk) if source else None,
        "target_contacts": counts.get(target.pk) if target else None,
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
    """Earlier contacts of the customer on every channel (within the viewer's scope)."""
    return {
        "contacts": selectors.customer_contact_list(user=request.user, customer=customer, limit=50),
        "customer": customer,
        "can_merge": has_role(request.user, Role.TEAMLEAD) and not customer.merged_into_id,
        "merge_url": f"{reverse('channels:customer_merge')}?{urlencode({'source': customer.pk})}",
    }
