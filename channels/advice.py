"""Transfer advice: where should this contact go, and why (docs/desk.md, "Transfer advice").

When the agent picks "Doorverbinden", ``transfer_advice`` ranks departments from three sources,
each with the reason shown to the agent:

* the **owner department of the articles linked** to the contact (the knowledge base says whose
  subject it is);
* the **department guide** ("wie doet wat"): the topic department itself, a line of its
  "does not handle" text that names another department for words in the question, and other
  departments whose "handles" text names a word of the question;
* the **transfer history**: earlier transfers of similar questions (PostgreSQL full text on
  subject + question, backed by a partial GIN index on transferred contacts; a token-overlap
  fallback on SQLite) and where they *should* have gone: the receiving department, unless it
  marked the transfer "niet voor ons", then the department it named.

Each advised department also shows whether it is reachable now (its live-transfer window from
``Department.reachability``, else ``opening_hours``; public holidays and closure days closed)
and its misroute rate over the last ``MISROUTE_WINDOW_DAYS``.

Everything is computed from what was known *before* ``at`` (default: now), so the bench can
replay history honestly (bench/advice.py). Fixed query count: ``ADVICE_QUERIES`` with a
contact (its linked articles, the departments with their guides, the history, the misroute
rates, the closure days), one fewer without.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kcc.core.models import Department
from kcc.core.workdays import WorkCalendar

from .models import ContactArticle, Transfer

ADVICE_LIMIT = 3
# Similar earlier transfers taken into account (best full-text rank first).
HISTORY_LIMIT = 30
# PostgreSQL: the newest similar transfers that are ranked (the rest is older news).
HISTORY_CANDIDATES = 300
# A match counts when its rank is at least this share of the best match's rank.
HISTORY_MIN_SHARE = 0.5
# SQLite fallback: the newest transfers compared in Python.
FALLBACK_SCAN = 3000
MISROUTE_WINDOW_DAYS = 90
ADVICE_QUERIES = 5

# Weights of the sources. The history outweighs the topic department: that is the point of
# learning from misroutes. A linked article is strong evidence of whose subject it is.
W_ARTICLE = 3.0
W_TOPIC = 1.0
W_GUIDE_REDIRECT = 2.0
W_GUIDE_HANDLES = 0.75
W_HISTORY = 4.0

_WORD_RE = re.compile(r"[^\W\d_]{3,}")
# Words too common in questions and guide texts to say anything about the department.
_STOP = frozenset(
    "aan als bij dat de den der des die dit door een en heb hebben het hij hoe ik in is je kan kan "
    "krijg krijgen maar met mijn moet naar niet nog of om onze ook op over te tot uit van voor wat "
    "wanneer waar wij wil worden wordt zijn zij ze zelf alle alles andere gemeente gemeentelijke "
    "vraag vragen inwoner inwoners graag nodig nieuwe nieuw".split()
)


def words(text: str) -> set[str]:
    """Lower-case words of three letters or more, without the common ones."""
    return {w for w in _WORD_RE.findall((text or "").lower()) if w not in _STOP}


def _related(a: str, b: str) -> bool:
    """Same word or one a prefix of the other, both at least five letters ("stoep" ~ "stoeptegel")."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 5 and long_.startswith(short)


def _matching(item_words: set[str], question: set[str]) -> list[str]:
    return sorted(w for w in item_words if len(w) >= 5 and any(_related(w, q) for q in question))


# --- reachability ------------------------------------------------------------------------

_DAY = {"ma": 0, "di": 1, "wo": 2, "do": 3, "vr": 4, "za": 5, "zo": 6}
_DAY_RE = r"(?:ma|di|wo|do|vr|za|zo)"
_WINDOW_RE = re.compile(
    rf"\b(?P<days>{_DAY_RE}(?:\s*(?:-|–|t/m|,|en)\s*{_DAY_RE})*)\b\.?\s+"
    r"(?P<start>\d{1,2})[:.](?P<start_m>\d{2})\s*(?:-|–|tot)\s*(?P<end>\d{1,2})[:.](?P<end_m>\d{2})",
    re.IGNORECASE,
)


def _days(spec: str) -> set[int]:
    result: set[int] = set()
    parts = re.split(r"\s*(?:,|en)\s*", spec.lower())
    for part in parts:
        ends = [d for d in re.split(r"\s*(?:-|–|t/m)\s*", part) if d in _DAY]
        if len(ends) == 2:
            a, b = _DAY[ends[0]], _DAY[ends[1]]
            result.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        elif ends:
            result.add(_DAY[ends[0]])
    return result


def parse_windows(text: str) -> list[tuple[int, time, time]]:
    """Weekly windows in a Dutch hours text: "ma-vr 9:00-12:00", "di en do 9:00-12:00",
    "ma, wo 13.00-16.00". Anything else is ignored (never an error)."""
    windows = []
    for m in _WINDOW_RE.finditer(text or ""):
        try:
            start = time(int(m["start"]), int(m["start_m"]))
            end = time(int(m["end"]), int(m["end_m"]))
        except ValueError:
            continue
        windows.extend((day, start, end) for day in sorted(_days(m["days"])))
    return windows


@dataclass(frozen=True)
class Reachability:
    state: str  # "open", "closed" or "unknown"
    text: str
    hours: str = ""

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def reachability_now(department: Department, *, now: datetime, calendar: WorkCalendar) -> Reachability:
    """Whether the KCC can transfer to the department at `now`: its live window from the
    reachability text, else from the opening hours; closed on public holidays and closure days."""
    source = department.reachability if parse_windows(department.reachability) else department.opening_hours
    windows = parse_windows(source)
    hours = department.opening_hours or department.reachability
    if not windows:
        return Reachability("unknown", _("hours unknown"), hours)
    local = timezone.localtime(now)
    if not calendar.is_working_day(local.date()) and local.weekday() < 5:
        return Reachability("closed", _("closed today (holiday or closure day)"), hours)
    clock = local.time()
    for day, start, end in windows:
        if day == local.weekday() and start <= clock < end:
            return Reachability("open", _("reachable now, until %(end)s") % {"end": end.strftime("%H:%M")}, hours)
    later = sorted(start for day, start, _end in windows if day == local.weekday() and start > clock)
    if later:
        return Reachability("closed", _("not reachable now; from %(start)s") % {"start": later[0].strftime("%H:%M")}, hours)
    return Reachability("closed", _("not reachable now"), hours)


# --- history -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Precedent:
    """An earlier transfer of a similar question, as it was known at the time of advice."""

    should_have: int  # department id it should have gone to
    misrouted_from: int | None  # the department that marked it "niet voor ons", if it did
    weight: float


def _pg_history(terms: list[str], *, at: datetime, exclude_contact_id: int | None) -> list[tuple]:
    # The newest HISTORY_CANDIDATES transfers that share a word with the question, from the
    # transfers' own full-text vector and its GIN index (migration 0009), then ranked. The
    # ORDER BY is an expression on purpose: with the plain column the planner may walk the
    # created_at index backwards, which is fast for a common word but reads the whole table for
    # a word it wrongly thinks common (263 ms for one that no transfer has, in the desk bench);
    # the bitmap scan costs at most ~45 ms there, for a word 29,000 of its transfers share.
    sql = """
        SELECT t.to_department_id, t.correct_department_id, t.not_for_us_at, ts_rank(t.search_vector, q.query) AS rank
        FROM (
            SELECT t.to_department_id, t.correct_department_id, t.not_for_us_at, t.search_vector, t.created_at
            FROM inbox_transfer t
            WHERE t.search_vector @@ to_tsquery('dutch'::regconfig, %(query)s)
              AND t.created_at < %(at)s AND t.contact_id <> %(exclude)s
            ORDER BY t.created_at + interval '0 seconds' DESC
            LIMIT %(candidates)s
        ) t
        CROSS JOIN (SELECT to_tsquery('dutch'::regconfig, %(query)s) AS query) q
        ORDER BY rank DESC, t.created_at DESC
        LIMIT %(limit)s
    """
    params = {"query": " | ".join(terms), "at": at, "exclude": exclude_contact_id or 0,
              "candidates": HISTORY_CANDIDATES, "limit": HISTORY_LIMIT}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _fallback_history(question: set[str], *, at: datetime, exclude_contact_id: int | None) -> list[tuple]:
    rows = (
        Transfer.objects.filter(created_at__lt=at)
        .exclude(contact_id=exclude_contact_id or 0)
        .order_by("-created_at")
        .values_list("to_department_id", "correct_department_id", "not_for_us_at", "contact__subject", "contact__question")[:FALLBACK_SCAN]
    )
    scored = []
    for to_dep, correct, marked_at, subject, text in rows:
        other = words(f"{subject} {text}")
        overlap = len(question & other)
        if overlap:
            scored.append((to_dep, correct, marked_at, overlap / len(question | other)))
    scored.sort(key=lambda r: -r[3])
    return scored[:HISTORY_LIMIT]


def similar_transfers(text: str, *, at: datetime, exclude_contact_id: int | None = None) -> list[Precedent]:
    """Earlier transfers of similar questions (one query), each with where it should have gone
    as known at `at`: a "niet voor ons" mark made later does not count yet."""
    question = words(text)
    if not question:
        return []
    if connection.vendor == "postgresql":
        rows = _pg_history(sorted(question)[:40], at=at, exclude_contact_id=exclude_contact_id)
    else:
        rows = _fallback_history(question, at=at, exclude_contact_id=exclude_contact_id)
    if not rows:
        return []
    best = max(r[3] for r in rows) or 1.0
    result = []
    for to_dep, correct, marked_at, rank in rows:
        share = rank / best
        if share < HISTORY_MIN_SHARE:
            continue
        known_misroute = marked_at is not None and marked_at < at and correct is not None
        result.append(Precedent(correct if known_misroute else to_dep, to_dep if known_misroute else None, share))
    return result


# --- the advice ----------------------------------------------------------------------------


@dataclass
class Advice:
    department: Department
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    reachability: Reachability | None = None
    transfers: int = 0  # transfers to it in the window
    misrouted: int = 0  # of which marked "niet voor ons"

    @property
    def misroute_rate(self) -> float | None:
        return self.misrouted / self.transfers if self.transfers else None

    @property
    def misroute_percent(self) -> int | None:
        rate = self.misroute_rate
        return None if rate is None else round(rate * 100)


def _guide_items(text: str) -> list[tuple[str, str | None]]:
    """Items of a guide text, each with the department named in brackets, if any:
    "Zwerfafval op straat (Openbare Ruimte), afvalstoffenheffing (Belastingen)"."""
    items = []
    for part in re.split(r"[,;\n]|\s+en\s+(?=[^()]*(?:\(|$))", text or ""):
        m = re.match(r"\s*(?P<item>[^()]*?)\s*(?:\((?P<dept>[^)]*)\))?\s*\.?\s*$", part)
        if m and m["item"].strip():
            items.append((m["item"].strip(), (m["dept"] or "").strip() or None))
    return items


def transfer_advice(
    *,
    text: str,
    topic_department_id: int | None,
    contact=None,
    at: datetime | None = None,
    now: datetime | None = None,
    limit: int = ADVICE_LIMIT,
) -> list[Advice]:
    """The departments to transfer to, best first, each with its reasons, reachability at
    `now` and misroute rate. `text` is the question as the agent has it now (subject, question,
    first message); `at` the moment of advice (history after it is not used)."""
    at = at or timezone.now()
    now = now or at
    departments = {
        d.pk: d for d in Department.objects.filter(is_active=True).select_related("guide").order_by("name")
    }
    kcc_ids = {pk for pk, d in departments.items() if d.is_kcc}
    by_name = {d.name.lower(): d for d in departments.values()}
    question = words(text)
    advice: dict[int, Advice] = {}

    def add(dep_id: int | None, score: float, reason: str) -> None:
        if dep_id is None or dep_id in kcc_ids or dep_id not in departments:
            return
        entry = advice.setdefault(dep_id, Advice(departments[dep_id]))
        entry.score += score
        entry.reasons.append(reason)

    # 1. The owner department of the articles linked to this contact.
    if contact is not None and contact.pk:
        links = ContactArticle.objects.filter(contact_id=contact.pk, created_at__lt=at).select_related("article")
        for link in links:
            add(link.article.owner_department_id, W_ARTICLE,
                _("Owner of the linked article “%(title)s”.") % {"title": link.article.title})

    # 2. The department guide: the topic department and what its guide redirects elsewhere.
    topic = departments.get(topic_department_id) if topic_department_id else None
    if topic is not None:
        add(topic.pk, W_TOPIC, _("Topic department of this question."))
        guide = getattr(topic, "guide", None)
        for item, named in _guide_items(guide.does_not_handle if guide else ""):
            target = by_name.get((named or "").lower())
            hits = _matching(words(item), question)
            if target is not None and target.pk != topic.pk and hits:
                add(target.pk, W_GUIDE_REDIRECT,
                    _("Who does what of %(topic)s: “%(item)s” belongs to %(department)s.")
                    % {"topic": topic.name, "item": item, "department": target.name})
    for dep in departments.values():
        guide = getattr(dep, "guide", None)
        if guide is None or dep.pk in kcc_ids:
            continue
        hits = [item for item, _named in _guide_items(guide.handles) if _matching(words(item), question)]
        if hits:
            add(dep.pk, W_GUIDE_HANDLES,
                _("Who does what: %(department)s handles “%(items)s”.") % {"department": dep.name, "items": ", ".join(hits[:3])})

    # 3. Where similar questions should have gone.
    precedents = similar_transfers(text, at=at, exclude_contact_id=getattr(contact, "pk", None))
    total = sum(p.weight for p in precedents)
    if total:
        per_dep: dict[int, list[Precedent]] = defaultdict(list)
        for p in precedents:
            per_dep[p.should_have].append(p)
        for dep_id, items in per_dep.items():
            share = sum(p.weight for p in items) / total
            misrouted = [p for p in items if p.misrouted_from is not None]
            reason = ngettext(
                "%(n)d of %(total)d similar questions belonged here.",
                "%(n)d of %(total)d similar questions belonged here.",
                len(items),
            ) % {"n": len(items), "total": len(precedents)}
            if misrouted:
                names = sorted({departments[p.misrouted_from].name for p in misrouted if p.misrouted_from in departments})
                reason += " " + ngettext(
                    "%(n)d of them was first transferred to %(from)s, which marked it “not for us”.",
                    "%(n)d of them were first transferred to %(from)s, which marked them “not for us”.",
                    len(misrouted),
                ) % {"n": len(misrouted), "from": ", ".join(names)}
            add(dep_id, W_HISTORY * share, reason)

    ranked = sorted(advice.values(), key=lambda a: (-a.score, a.department.name))[:limit]
    if not ranked:
        return []

    # Reachability and misroute rate of the advised departments.
    since = at - timedelta(days=MISROUTE_WINDOW_DAYS)
    rates = (
        Transfer.objects.filter(to_department_id__in=[a.department.pk for a in ranked], created_at__gte=since, created_at__lt=at)
        .values("to_department_id")
        .annotate(n=Count("pk"), mis=Count("pk", filter=Q(not_for_us_at__lt=at)))
    )
    by_dep = {r["to_department_id"]: r for r in rates}
    calendar = WorkCalendar()
    for entry in ranked:
        row = by_dep.get(entry.department.pk)
        if row:
            entry.transfers, entry.misrouted = row["n"], row["mis"]
        entry.reachability = reachability_now(entry.department, now=now, calendar=calendar)
    return ranked


def naive_advice(topic_department_id: int | None) -> int | None:
    """The baseline the advice is measured against: the topic department alone."""
    return topic_department_id
