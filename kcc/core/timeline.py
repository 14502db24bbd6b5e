"""The customer timeline: one chronological stream of everything about a resident.

Core imports no app, so each app registers a *source* from its AppConfig.ready()
(``register_source``): the inbox adds contacts (with a message snippet and the notes) and the
knowledge articles linked to them, callbacks adds callback requests with their attempts,
signals adds the signals the resident's contacts are evidence for.

Paging is keyset, newest first, on (time, source rank, id). A source answers one *window*:
at most ``limit`` of its entries that come after the cursor in that order, in a fixed number
of queries (``keyset_before`` builds the condition). The page is the first ``size`` entries of
the merged windows; since every source gave its own first ``size + 1``, the merged top
``size`` is exact and one more tells whether a next page exists. So a page costs the sum of
the sources' fixed query counts, however many contacts the resident has.
"""

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

PAGE_SIZE = 20  # entries render at about 1.5 ms each: 20 keep a page within 100 ms (docs/performance.md)


@dataclass(frozen=True)
class TimelineCursor:
    """The last entry shown: the next page continues after it."""

    at: datetime
    rank: int
    pk: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(f"{self.at.isoformat()}|{self.rank}|{self.pk}".encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str | None) -> "TimelineCursor | None":
        """None for a missing or mangled cursor, which simply means the first page."""
        if not value or len(value) > 200:
            return None
        try:
            at_text, rank_text, pk_text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split("|")
            at, rank, pk = parse_datetime(at_text), int(rank_text), int(pk_text)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        if at is None or at.tzinfo is None:
            return None
        return cls(at, rank, pk)


@dataclass
class TimelineEntry:
    """One item of the stream. ``obj`` is the app's own row, rendered by the source's template
    (as ``entry``); ``kind`` and ``rank`` are filled in from the source."""

    at: datetime
    pk: int
    obj: object
    kind: str = ""
    rank: int = 0
    template: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def sort_key(self):
        return (self.at, self.rank, self.pk)


# entries(user=, customer=, cursor=, limit=, light=) -> list[TimelineEntry], newest first.
EntriesFn = Callable[..., list[TimelineEntry]]
# actions(request, customer) -> list of {"label": ..., "url": ...}, e.g. "new callback request".
ActionsFn = Callable[..., list[dict]]


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    label: object
    entries: EntriesFn
    template: str
    rank: int
    actions: ActionsFn | None = None


_sources: dict[str, TimelineSource] = {}


def register_source(kind: str, *, label, entries: EntriesFn, template: str, rank: int, actions: ActionsFn | None = None) -> None:
    """Apps call this from AppConfig.ready(). ``rank`` orders entries with the same time (and
    must be unique); ``entries`` does its own scope checks (only what the user may see)."""
    if any(s.rank == rank and s.kind != kind for s in _sources.values()):
        raise ValueError(f"timeline rank {rank} is taken")
    _sources[kind] = TimelineSource(kind, label, entries, template, rank, actions)


def sources() -> list[TimelineSource]:
    """Registered sources, in rank order (the order of the kind filter)."""
    return sorted(_sources.values(), key=lambda s: s.rank)


def keyset_before(queryset: QuerySet, field_name: str, cursor: TimelineCursor | None, *, rank: int) -> QuerySet:
    """Rows of one source that come after ``cursor`` in the stream's order (newest first on
    (time, rank, id)), ordered so. The plain ``<=``/``<`` on the time lets PostgreSQL start the
    index scan at the cursor; the OR only breaks ties on the same timestamp."""
    if cursor is not None:
        if rank < cursor.rank:
            queryset = queryset.filter(**{f"{field_name}__lte": cursor.at})
        elif rank > cursor.rank:
            queryset = queryset.filter(**{f"{field_name}__lt": cursor.at})
        else:
            queryset = queryset.filter(
                Q(**{f"{field_name}__lte": cursor.at}), Q(**{f"{field_name}__lt": cursor.at}) | Q(**{field_name: cursor.at, "pk__lt": cursor.pk})
            )
    return queryset.order_by(f"-{field_name}", "-pk")


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: str | None
    kinds: list[str]


def timeline_page(*, user, customer, kinds=None, cursor: str | None = None, size: int = PAGE_SIZE, light: bool = False) -> TimelinePage:
    """One page of the customer's stream, newest first, of the chosen ``kinds`` (all when
    empty). A fixed number of queries: each chosen source answers one window."""
    chosen = [s for s in sources() if not kinds or s.kind in kinds]
    position = TimelineCursor.decode(cursor)
    merged: list[TimelineEntry] = []
    for source in chosen:
        for entry in source.entries(user=user, customer=customer, cursor=position, limit=size + 1, light=light):
            entry.kind, entry.rank, entry.template = source.kind, source.rank, source.template
            merged.append(entry)
    merged.sort(key=lambda e: e.sort_key, reverse=True)
    page = merged[:size]
    next_cursor = None
    if len(merged) > size:
        last = page[-1]
        next_cursor = TimelineCursor(last.at, last.rank, last.pk).encode()
    return TimelinePage(entries=page, next_cursor=next_cursor, kinds=[s.kind for s in chosen])
