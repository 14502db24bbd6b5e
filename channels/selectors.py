"""Read operations of the inbox. Querysets come back with their joins applied; FilterSets are
applied here, never in views."""

import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime

from kcc.core.models import Customer, DigitalAddress

from .access import contact_scope, transfer_scope
from .filters import InboxFilter, TransferFilter
from .ingestion.text import reply_snippet
from .models import Contact, ContactArticle, Message, Transfer
from .services import contact_addresses

logger = logging.getLogger(__name__)

INBOX_PAGE_SIZE = 25
TRANSFER_PAGE_SIZE = 30

# --- keyset cursors --------------------------------------------------------------------


def cursor_encode(at: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def cursor_decode(value: str | None) -> tuple[datetime, int] | None:
    """The (timestamp, id) a page continues after; None for a missing or mangled cursor, which
    simply means the first page."""
    if not value or len(value) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        at_text, pk_text = raw.split("|", 1)
        at, pk = parse_datetime(at_text), int(pk_text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if at is None or at.tzinfo is None:
        return None
    return at, pk


def _keyset(queryset: QuerySet, field: str, cursor: tuple[datetime, int] | None, *, descending: bool) -> QuerySet:
    if cursor is not None:
        at, pk = cursor
        # The plain range condition (>= / <=) lets PostgreSQL start the index scan at the
        # cursor; the OR then only breaks ties on the same timestamp.
        if descending:
            queryset = queryset.filter(Q(**{f"{field}__lte": at}), Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": pk}))
        else:
            queryset = queryset.filter(Q(**{f"{field}__gte": at}), Q(**{f"{field}__gt": at}) | Q(**{field: at, "pk__gt": pk}))
    order = (f"-{field}", "-pk") if descending else (field, "pk")
    return queryset.order_by(*order)


# --- inbox -----------------------------------------------------------------------------


def inbox_filterset(*, request, data) -> InboxFilter:
    return InboxFilter(data or None, queryset=contact_scope(request.user).open(), request=request)


@dataclass(frozen=True)
class InboxState:
    """A cheap aggregate of the filtered queue: changes whenever a row enters, leaves or
    changes (every service bumps updated_at). Drives the ETag of the polling inbox."""

    total: int
    last_change: datetime | None


def inbox_state(filterset: InboxFilter) -> InboxState:
    row = filterset.qs.order_by().aggregate(total=Count("id"), last_change=Max("updated_at"))
    return InboxState(row["total"], row["last_change"])


def inbox_page(filterset: InboxFilter, *, cursor: str | None, size: int | None = None) -> tuple[list[Contact], str | None]:
    """One page of the queue in keyset order (oldest first unless sorted newest first): one
    query whatever the page size. Returns the rows and the cursor of the next page."""
    size = size or INBOX_PAGE_SIZE
    qs = filterset.qs.select_related("customer", "assigned_to", "topic_department")
    qs = _keyset(qs, "started_at", cursor_decode(cursor), descending=filterset.newest_first)
    rows = list(qs[: size + 1])
    next_cursor = cursor_encode(rows[size - 1].started_at, rows[size - 1].pk) if len(rows) > size else None
    return rows[:size], next_cursor


def inbox_next_contact(*, request, data, after: Contact) -> Contact | None:
    """"Volgende": the first contact of the agent's inbox filter (``data``: the inbox's query
    plus the session's free text) after closing ``after``: not ``after`` itself and not held by
    a colleague. One query on the queue index."""
    filterset = inbox_filterset(request=request, data=data)
    qs = filterset.qs.exclude(pk=after.pk).filter(Q(assigned_to__isnull=True) | Q(assigned_to=request.user))
    qs = _keyset(qs, "started_at", None, descending=filterset.newest_first)
    return qs.only("pk").first()


def my_open_contacts_count(*, user) -> int:
    return Contact.objects.open().filter(assigned_to=user).count()


def unassigned_contacts_count() -> int:
    return Contact.objects.open().filter(assigned_to__isnull=True).count()


# --- contact screen --------------------------------------------------------------------


def contact_messages(contact: Contact) -> list[Message]:
    return list(contact.messages.select_related("author", "form_submission").prefetch_related("attachments").order_by("sent_at", "id"))


def contact_transfers(contact: Contact) -> list[Transfer]:
    return list(
        contact.transfers.select_related("to_department", "to_user", "from_user", "correct_department", "not_for_us_by").order_by("created_at")
    )


def contact_article_links(contact: Contact) -> list[ContactArticle]:
    return list(contact.article_links.select_related("article", "marked_by").order_by("created_at"))


def conversation_summary(*, user, contact: Contact) -> list[Contact]:
    """Every question of the contact's conversation (call or thread), this one included, in
    order: the desk's "questions in this conversation" strip."""
    return list(
        contact_scope(user)
        .filter(conversation_key=contact.conversation_key)
        .only("pk", "subject", "status", "outcome", "started_at", "conversation_key")
        .order_by("started_at", "pk")[:20]
    )


def caller_identify(*, user, query: str):
    """Who is calling: ``kcc.core.identify.identify_caller`` within the user's customer scope
    (one confident hit, candidates). The view logs what it shows."""
    from kcc.core.identify import identify_caller

    return identify_caller(user=user, query=query, limit=8)


def topic_guide(contact: Contact) -> dict | None:
    """'Wie doet wat' for the contact's topic department: what it handles and when to transfer
    or make a callback request (rendered Markdown), and the link to the full guide. None
    without a topic department."""
    if not contact.topic_department_id:
        return None
    from knowledgebase.rendering import render_markdown
    from knowledgebase.selectors import department_guide_get, department_guide_url

    department = contact.topic_department
    guide = department_guide_get(department=department)
    sections = []
    if guide is not None:
        for attr in ("handles", "when_to_transfer", "when_to_callback"):
            html = render_markdown(getattr(guide, attr))
            if html:
                sections.append({"label": guide._meta.get_field(attr).verbose_name, "html": html})
    return {"department": department, "sections": sections, "url": department_guide_url(department)}


def customer_contact_counts(customer_ids) -> dict[int, int]:
    """Contacts per customer, for the merge screen (one grouped query)."""
    rows = Contact.objects.filter(customer_id__in=list(customer_ids)).order_by().values("customer_id").annotate(n=Count("pk"))
    return {row["customer_id"]: row["n"] for row in rows}


def customer_suggestions(*, contact: Contact, limit: int = 5) -> list[Customer]:
    """Customers with a digital address the resident used on this contact (verified or not).
    Suggestions only: the agent decides. Each carries ``matched_verified``."""
    pairs = contact_addresses(contact)
    if not pairs:
        return []
    match = Q()
    for kind, value in pairs:
        match |= Q(kind=kind, value=value)
    addresses = DigitalAddress.objects.filter(match)
    verified = addresses.filter(customer=OuterRef("pk"), verified_at__isnull=False)
    return list(
        Customer.objects.active()
        .filter(pk__in=addresses.values("customer_id"))
        .annotate(matched_verified=Exists(verified))
        .order_by("last_name", "first_name", "pk")[:limit]
    )


def article_suggestions(*, user, contact: Contact, messages: list[Message], limit: int = 5) -> list[dict]:
    """Knowledge-base suggestions for the contact's question, if the knowledge base offers
    ``knowledgebase.selectors.article_suggest``. Never breaks the contact screen."""
    try:
        from knowledgebase.selectors import article_suggest
    except (ImportError, AttributeError):
        return []
    first_inbound = next((m for m in messages if m.direction == "inbound" and m.body_text), None)
    # Only the new part of the e-mail: a quoted earlier answer would steer the suggestions
    # toward what was already answered.
    snippet = reply_snippet(first_inbound.body_text, max_length=1000) if first_inbound else ""
    text = " ".join(filter(None, [contact.subject, contact.question, snippet]))
    if not text.strip():
        return []
    try:
        articles = list(article_suggest(user=user, text=text, limit=limit))
    except Exception:  # noqa: BLE001 - suggestions are a help, the contact screen must still open
        logger.exception("article_suggest failed for contact %s", contact.pk)
        return []
    result = []
    for article in articles:
        try:
            url = reverse("knowledgebase:article_detail", args=[article.pk])
        except NoReverseMatch:
            url = ""
        result.append({"article": article, "url": url})
    return result


# --- transfers -------------------------------------------------------------------------


def transfer_filterset(*, request, data) -> TransferFilter:
    return TransferFilter(data or None, queryset=transfer_scope(request.user), request=request)


def transfer_page(filterset: TransferFilter, *, cursor: str | None, size: int | None = None) -> tuple[list[Transfer], str | None]:
    """Newest transfers first, keyset on (created_at, id)."""
    size = size or TRANSFER_PAGE_SIZE
    qs = filterset.qs.select_related(
        "contact", "contact__customer", "from_user", "to_user", "to_department", "correct_department", "not_for_us_by"
    )
    qs = _keyset(qs, "created_at", cursor_decode(cursor), descending=True)
    rows = list(qs[: size + 1])
    next_cursor = cursor_encode(rows[size - 1].created_at, rows[size - 1].pk) if len(rows) > size else None
    return rows[:size], next_cursor
