"""Read operations of the signals board. Querysets come back with their joins applied; the
board and list apply the FilterSet here, so views never build queries."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Greatest, RowNumber
from django.http import Http404
from django.utils import timezone

from kcc.core.access import department_ids
from kcc.core.constants import Role
from kcc.core.models import Department
from kcc.core.normalize import fold_text
from knowledgebase.models import Article

from .access import sees_all_signals, signal_scope
from .constants import (
    BOARD_CLOSED_DAYS,
    BOARD_COLUMN_LIMIT,
    BOARD_COLUMNS,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    SIMILAR_DEFAULT_LIMIT,
    SIMILAR_MIN_SCORE,
    SignalStatus,
)
from .filters import SORT_DEFAULT, SignalFilter
from .models import Comment, Evidence, Signal, StatusChange, Supporter

# The default order of the board and the list ("most evidenced and oldest unanswered first"):
#   1. most evidence (linked contacts) first;
#   2. then signals the department has not answered yet (no response: status "new") before
#      answered ones;
#   3. then the oldest raised first;
#   4. then the lowest id, so that the order is stable.
PRIORITY_ORDER = ("-evidence_count", "-unanswered", "raised_at", "pk")
SORT_ORDERS = {
    SORT_DEFAULT: PRIORITY_ORDER,
    "newest": ("-raised_at", "-pk"),
    "oldest": ("raised_at", "pk"),
    "ack_due": ("ack_due", "-evidence_count", "pk"),
}


def signal_annotate(qs: QuerySet[Signal]) -> QuerySet[Signal]:
    """The 'unanswered' flag used by the default order. (The evidence count is a column,
    `Signal.evidence_count`, kept by the services: the board never counts rows.)"""
    return qs.annotate(
        unanswered=Case(When(responded_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()),
    )


def _list_base(user) -> QuerySet[Signal]:
    return signal_annotate(signal_scope(user).select_related("department", "owner"))


def signal_list(*, user, data=None, request=None, department_queryset=None) -> tuple[SignalFilter, QuerySet[Signal]]:
    """The list view: the user's signals filtered by `data` (request.GET) and sorted."""
    filterset = SignalFilter(data, queryset=_list_base(user), request=request, department_queryset=department_queryset)
    qs = filterset.qs if filterset.is_valid() else _list_base(user).filter(status__in=OPEN_STATUSES)
    sort = filterset.form.cleaned_data.get("sort") if filterset.is_valid() else SORT_DEFAULT
    return filterset, qs.order_by(*SORT_ORDERS.get(sort or SORT_DEFAULT, PRIORITY_ORDER))


@dataclass
class BoardColumn:
    status: str
    label: str
    count: int
    signals: list = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def more(self) -> int:
        return max(self.count - len(self.signals), 0)


def signal_board(*, user, data=None, request=None, department_queryset=None) -> tuple[SignalFilter, list[BoardColumn]]:
    """The column view: one column per status, each in priority order and capped at
    BOARD_COLUMN_LIMIT cards; closed columns only show the last BOARD_CLOSED_DAYS days.

    Two queries whatever the number of signals: the counts per status, and the cards (one
    window query, ROW_NUMBER() per status)."""
    data = data.copy() if data is not None else {}
    data["status"] = "all"
    data["sort"] = SORT_DEFAULT
    filterset = SignalFilter(data, queryset=_list_base(user), request=request, department_queryset=department_queryset)
    qs = filterset.qs if filterset.is_valid() else _list_base(user)
    since = timezone.now() - timedelta(days=BOARD_CLOSED_DAYS)
    qs = qs.filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since))
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    ranked = qs.annotate(
        rank=Window(RowNumber(), partition_by=[F("status")], order_by=[F("evidence_count").desc(), F("unanswered").desc(), F("raised_at").asc(), F("pk").asc()]),
    ).filter(rank__lte=BOARD_COLUMN_LIMIT).order_by(*PRIORITY_ORDER)
    columns = {s: BoardColumn(status=s, label=SignalStatus(s).label, count=counts.get(s, 0)) for s in BOARD_COLUMNS}
    for signal in ranked:
        columns[signal.status].signals.append(signal)
    return filterset, list(columns.values())


# --- similar signals ----------------------------------------------------------------------

# Words that say nothing about what a signal is about.
_STOPWORDS = frozenset(
    """
    de het een en of van in op te voor met aan bij door naar over uit om als dat die dit deze
    is zijn wordt worden werd was waren er niet geen wel ook nog al maar dan toch zo heel veel
    wij we ze zij hij het ik je jij u uw onze hun hen mijn na tot tegen zonder kan kunnen moet
    moeten wil willen komt komen gaat gaan heeft hebben had bij na wat wie waar hoe waarom
    """.split()
)
_WORD_RE = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> set[str]:
    """Folded words of 3+ letters minus stop words, cut to 6 letters as a crude Dutch stem
    ('aanslagen' and 'aanslag' meet)."""
    return {w[:6] for w in _WORD_RE.findall(fold_text(text)) if len(w) >= 3 and w not in _STOPWORDS}


def token_similarity(query: str, title: str, description: str = "") -> float:
    """Similarity without trigram support (SQLite): the larger of the word overlap with the
    title (Jaccard) and the share of the query's words found anywhere in the signal (x 0.8)."""
    q = _tokens(query)
    if not q:
        return 0.0
    t = _tokens(title)
    jaccard = len(q & t) / len(q | t) if t else 0.0
    coverage = len(q & (t | _tokens(description))) / len(q)
    return max(jaccard, 0.8 * coverage)


def _similarity_pg(qs: QuerySet[Signal], text: str) -> QuerySet[Signal]:
    """pg_trgm: the best of similarity(title, text), word_similarity(text, title) (the typed
    words appear in the title), word_similarity(title, text) (a short title inside a longer
    text) and 0.8 x word_similarity(text, description)."""

    def trgm(function, a, b):
        return Func(a, b, function=function, output_field=FloatField())

    typed = Value(text, output_field=CharField())
    return qs.annotate(
        text_score=Greatest(
            trgm("similarity", F("title"), typed),
            trgm("word_similarity", typed, F("title")),
            trgm("word_similarity", F("title"), typed),
            0.8 * trgm("word_similarity", typed, F("description")),
        )
    )


def _use_trigram() -> bool:
    return connection.vendor == "postgresql"


def signal_similar(
    *, text: str, department=None, category: str = "", limit: int = SIMILAR_DEFAULT_LIMIT, user=None, exclude_ids=(),
) -> list[Signal]:
    """Open signals that look like `text` (a title being typed, or a contact's subject).

    PostgreSQL: pg_trgm similarity and word similarity on title and description. Other
    databases: word overlap (`token_similarity`). A signal in the same department scores
    +0.15 and in the same category +0.05, but only signals whose text itself scores at least
    0.15 are considered. Returns at most `limit` signals, best first, each with `.score` and
    `.evidence_count`. With fewer than 3 letters of text, returns the department's open
    signals with the most evidence (score None)."""
    base = signal_scope(user) if user is not None else Signal.objects.all()
    base = signal_annotate(base.open().exclude(pk__in=list(exclude_ids)).select_related("department"))
    department_id = getattr(department, "pk", department)
    text = (text or "").strip()[:300]
    if len(re.sub(r"\W", "", text)) < 3:
        if not department_id:
            return []
        found = list(base.filter(department_id=department_id).order_by(*PRIORITY_ORDER)[:limit])
        for s in found:
            s.score = None
        return found

    def bonus(signal) -> float:
        return (0.15 if department_id and signal.department_id == int(department_id) else 0.0) + (
            0.05 if category and signal.category == category else 0.0
        )

    if _use_trigram():
        scored = _similarity_pg(base, text).filter(text_score__gte=0.15).annotate(
            total=F("text_score")
            + Case(When(department_id=department_id or 0, then=Value(0.15)), default=Value(0.0), output_field=FloatField())
            + Case(When(category=category or "", then=Value(0.05)), default=Value(0.0), output_field=FloatField())
        )
        candidates = list(scored.filter(total__gte=SIMILAR_MIN_SCORE).order_by("-total", "-evidence_count", "pk")[:limit])
        for s in candidates:
            s.score = float(s.total)
    else:
        candidates = []
        for s in base.order_by("-raised_at")[:1000]:
            text_score = token_similarity(text, s.title, s.description)
            if text_score >= 0.15:
                s.score = text_score + bonus(s)
                candidates.append(s)
    candidates = [s for s in candidates if s.score >= SIMILAR_MIN_SCORE]
    candidates.sort(key=lambda s: (-s.score, -s.evidence_count, s.pk))
    return candidates[:limit]


# --- one signal ---------------------------------------------------------------------------


@dataclass
class EvidenceRow:
    evidence: Evidence
    contact: object | None  # the Contact, only when inside the viewer's contact scope

    @property
    def visible(self) -> bool:
        return self.contact is not None


def evidence_for_viewer(*, user, signal: Signal) -> list[EvidenceRow]:
    """The signal's evidence as the user may see it. Contacts outside the user's contact scope
    (channels.access.contact_scope) are never loaded: they come back as rows without a
    contact, counted but anonymous. The caller logs the customers it shows."""
    from channels.access import contact_scope

    rows = list(signal.evidence.select_related("added_by").order_by("-added_at", "-pk"))
    ids = [r.contact_id for r in rows if r.contact_id]
    visible = {}
    if ids:
        visible = {c.pk: c for c in contact_scope(user).filter(pk__in=ids).select_related("customer", "topic_department")}
    return [EvidenceRow(evidence=r, contact=visible.get(r.contact_id)) for r in rows]


@dataclass
class CommentNode:
    comment: Comment
    depth: int
    children: list = field(default_factory=list)


def comment_tree(*, signal: Signal) -> list[CommentNode]:
    """All comments of the signal as a forest of threads (one query), oldest thread first."""
    nodes = {}
    roots = []
    comments = list(Comment.objects.filter(signal=signal).select_related("author").order_by("created_at", "pk"))
    for c in comments:
        nodes[c.pk] = CommentNode(comment=c, depth=0)
    for c in comments:
        node = nodes[c.pk]
        parent = nodes.get(c.parent_id)
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)

    def set_depth(node, depth):
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for root in roots:
        set_depth(root, 0)
    return roots


def status_change_list(*, signal: Signal) -> list[StatusChange]:
    return list(StatusChange.objects.filter(signal=signal).select_related("by").order_by("at", "pk"))


# --- home page, contact screen, customer timeline -------------------------------------------


def supported_outcomes(*, user, limit: int = 10) -> list[Supporter]:
    """Closed signals the user supported and has not seen the outcome of yet, newest first.
    Merged-away signals are left out: their supporters moved to the surviving signal."""
    return list(
        Supporter.objects.filter(
            user=user, seen_at__isnull=True, signal__status__in=CLOSED_STATUSES, signal__merged_into__isnull=True,
        )
        .select_related("signal", "signal__department", "signal__resolution_article")
        .order_by("-signal__closed_at", "-pk")[:limit]
    )


def last_responses(signal_ids) -> dict[int, StatusChange]:
    """The latest status change of each signal (one query)."""
    latest = {}
    for change in StatusChange.objects.filter(signal_id__in=list(signal_ids)).select_related("by").order_by("signal_id", "-at", "-pk"):
        latest.setdefault(change.signal_id, change)
    return latest


def department_pending(*, user, department_ids, limit: int = 20) -> list[Signal]:
    """Signals of these departments still waiting for their first response, most urgent first."""
    return list(
        signal_annotate(Signal.objects.for_departments(department_ids).awaiting_acknowledgement().select_related("department"))
        .order_by("ack_due", "-evidence_count", "pk")[:limit]
    )


def signals_overdue(*, limit: int = 20) -> list[Signal]:
    """New signals past their acknowledgement deadline, in every department (team leads)."""
    today = timezone.localdate()
    return list(
        signal_annotate(Signal.objects.ack_overdue(today).select_related("department")).order_by("ack_due", "pk")[:limit]
    )


def signals_for_contact(*, contact) -> list[Signal]:
    return list(
        signal_annotate(Signal.objects.filter(evidence__contact=contact).select_related("department")).order_by("-raised_at")
    )


def recent_contacts_for_agent(*, user, exclude_signal=None, limit: int = 10):
    """The agent's own most recent contacts, to link as evidence from a signal's page."""
    from channels.models import Contact

    qs = Contact.objects.filter(Q(assigned_to=user) | Q(closed_by=user)).select_related("topic_department")
    if exclude_signal is not None:
        qs = qs.exclude(signal_evidence__signal=exclude_signal)
    return list(qs.order_by("-started_at", "-pk")[:limit])


def filter_departments(*, user) -> QuerySet:
    """The departments a user may filter the board and list on: every active one for those who
    see all signals, else their own back-office and manager departments."""
    if sees_all_signals(user):
        return Department.objects.filter(is_active=True).order_by("name")
    return Department.objects.filter(pk__in=department_ids(user, Role.BACKOFFICE, Role.MANAGER)).order_by("name")


def resolution_article_choices(*, signal: Signal) -> QuerySet:
    """Published knowledge articles a department can link when resolving, its own first."""
    return (
        Article.objects.published().select_related("owner_department")
        .annotate(own=Case(When(owner_department_id=signal.department_id, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("own", "title")
    )


def evidence_get(*, signal: Signal, pk) -> Evidence:
    """One evidence row of `signal` (404 for another signal's or a malformed id)."""
    if not str(pk).isdigit():
        raise Http404
    try:
        return Evidence.objects.get(pk=pk, signal=signal)
    except Evidence.DoesNotExist:
        raise Http404 from None


def comment_parent_get(*, signal: Signal, pk: str) -> Comment | None:
    """The comment of `signal` a reply answers; None when no parent is given, 404 for a bad one."""
    pk = (pk or "").strip()
    if not pk:
        return None
    parent = Comment.objects.filter(pk=pk, signal=signal).first() if pk.isdigit() else None
    if parent is None:
        raise Http404
    return parent


def merge_candidates(*, user, source: Signal) -> tuple[list[Signal], list[int]]:
    """Open signals `source` can be merged into, the most similar first (then same department,
    department name, id), and the ids of the similar ones."""
    similar_ids = [s.pk for s in signal_similar(text=source.title, department=source.department_id, limit=8, user=user, exclude_ids=[source.pk])]
    candidates = list(signal_scope(user).open().exclude(pk=source.pk).select_related("department"))
    order = {pk: i for i, pk in enumerate(similar_ids)}
    candidates.sort(key=lambda s: (order.get(s.pk, len(order)), s.department_id != source.department_id, s.department.name, s.pk))
    return candidates, similar_ids
