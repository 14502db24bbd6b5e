"""Article search: Dutch full-text search with trigram typo tolerance on PostgreSQL, a simpler
token search on SQLite, the same usage-aware ranking and highlighting on both.

Safety: user input never becomes tsquery syntax. The whole query goes through
``websearch_to_tsquery`` (which accepts any text), and the per-word prefix queries are built
only from letter/digit runs. Control characters are removed and the query is cut to
MAX_QUERY_CHARS, so any pasted text is a valid (perhaps empty) search.
"""

import difflib
import functools
import html
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

import nh3
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import BooleanField, Count, F, FloatField, Func, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kcc.core.normalize import fold_text

from .constants import MAX_QUERY_CHARS, USAGE_WINDOW_DAYS
from .models import Article

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TOKENS = 12
# Weights of ts_rank for D, C, B, A: body C, synonyms/tags B, title A.
RANK_WEIGHTS = [0.05, 0.25, 0.6, 1.0]
# Strength of the usage boost: score * (1 + USAGE_BOOST * ln(1 + uses in the window)).
USAGE_BOOST = 0.15
# Size of the full-text and trigram pre-selections that get the full (costlier) score.
PRESELECT = 200
# Suggestions scoring below this share of the best suggestion are left out.
SUGGEST_RELATIVE_FLOOR = 0.3


def clean_query(text: str) -> str:
    """Any input becomes a safe, bounded search string."""
    text = _CONTROL_RE.sub(" ", text or "")
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


def query_tokens(text: str) -> list[str]:
    """Folded letter/digit words of the query, deduplicated, in order."""
    seen, tokens = set(), []
    for token in _WORD_RE.findall(fold_text(text)):
        if token not in seen:
            seen.add(token)
            tokens.append(token)
    return tokens[:MAX_TOKENS]


_SUFFIXES = ("ingen", "heden", "ingen", "ing", "en", "es", "e", "s", "t")


def light_stem(word: str) -> str:
    """A deliberately light Dutch stemmer for the SQLite fallback and for highlighting
    (PostgreSQL uses the real Snowball stemmer): verhuizen/verhuizing -> verhuiz."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@dataclass
class SearchHit:
    article: Article
    score: float
    usage: int
    title_html: SafeString
    snippet_html: SafeString


# --- shared ----------------------------------------------------------------------------


def _usage_counts(article_ids: list[int]) -> dict[int, int]:
    """Contacts that used each article in the usage window (ContactArticle rows, reached
    through the reverse relation so that the knowledge base does not import the inbox)."""
    if not article_ids:
        return {}
    since = timezone.now() - timedelta(days=USAGE_WINDOW_DAYS)
    rows = (
        Article.objects.filter(pk__in=article_ids, contact_links__created_at__gte=since)
        .values("pk")
        .annotate(n=Count("contact_links"))
        .values_list("pk", "n")
    )
    return dict(rows)


def _apply_usage(scored: list[tuple[int, float]]) -> list[tuple[int, float, int]]:
    """Re-rank (article id, relevance) by recent usage; ties keep their relevance order."""
    usage = _usage_counts([pk for pk, _ in scored])
    result = [(pk, s * (1 + USAGE_BOOST * math.log1p(usage.get(pk, 0))), usage.get(pk, 0), i) for i, (pk, s) in enumerate(scored)]
    result.sort(key=lambda r: (-r[1], r[3]))
    return [(pk, s, u) for pk, s, u, _ in result]


def _load(qs: QuerySet, rows: list[tuple[int, float, int]], objects: dict | None) -> list[tuple[Article, float, int]]:
    """The Article objects of the final rows, in order (one query unless already loaded)."""
    if objects is None:
        objects = qs.select_related("owner_department", "current_version").in_bulk([pk for pk, _, _ in rows])
    return [(objects[pk], s, u) for pk, s, u in rows if pk in objects]


def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _matches(word_folded: str, tokens: list[str]) -> bool:
    return _matches_cached(word_folded, tuple(tokens))


@functools.lru_cache(maxsize=8192)
def _matches_cached(word: str, tokens: tuple[str, ...]) -> bool:
    """Does a word of the text match a query word: same stem prefix, or a near-miss typo
    (difflib, only for plausible pairs: it is the costly part of highlighting)."""
    for token in tokens:
        stem = light_stem(token)
        if len(stem) >= 3 and word.startswith(stem):
            return True
        if len(token) >= 2 and word == token:
            return True
        if len(token) >= 5 and len(word) >= 4 and word[0] == token[0] and abs(len(word) - len(token)) <= 2:
            matcher = difflib.SequenceMatcher(None, word, token)
            if matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
                return True
    return False


_SPLIT_RE = re.compile(r"([^\W_]+)", re.UNICODE)


def highlight(text: str, tokens: list[str]) -> SafeString:
    """Escape `text` and wrap the words that match the query in <mark>."""
    out = []
    for i, part in enumerate(_SPLIT_RE.split(text or "")):
        if i % 2 == 1 and _matches(_fold_word(part), tokens):
            out.append(f"<mark>{escape(part)}</mark>")
        else:
            out.append(escape(part))
    return mark_safe("".join(out))  # noqa: S308 - all parts escaped


def snippet(article: Article, tokens: list[str], width: int = 220) -> SafeString:
    """A piece of the question/answer around the first matching word, highlighted."""
    plain = html.unescape(nh3.clean(article.body_html or "", tags=set()))
    text = " ".join(f"{article.question} {plain}".split())
    if not text:
        return mark_safe("")  # noqa: S308
    start = 0
    for match in _SPLIT_RE.finditer(text):
        if _matches(_fold_word(match.group(1)), tokens):
            start = max(0, match.start() - width // 3)
            break
    piece = text[start : start + width]
    if start > 0:
        piece = "…" + piece[piece.find(" ") + 1 :] if " " in piece else "…" + piece
    if start + width < len(text):
        piece = piece[: piece.rfind(" ")] + " …" if " " in piece else piece + "…"
    return highlight(piece, tokens)


def _hits(rows: list[tuple[Article, float, int]], tokens: list[str]) -> list[SearchHit]:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([a for a, _, _ in rows], "tags")
    return [SearchHit(a, s, u, highlight(a.title, tokens), snippet(a, tokens)) for a, s, u in rows]


# --- PostgreSQL ------------------------------------------------------------------------


class WordSimilarMatch(Func):
    """``query <% text``: pg_trgm word similarity above pg_trgm.word_similarity_threshold
    (default 0.6),
    usable in WHERE with the GIN trigram index (the lookup exists only with
    django.contrib.postgres installed, which this project does not require)."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _prefix_query(tokens: list[str]):
    """OR of per-word queries, as prefix ('paspo:*') from three characters on, so that
    search-as-you-type matches half-typed words. Tokens are letter/digit runs only, so they
    cannot carry tsquery operators."""
    query = None
    for token in tokens:
        raw = f"{token}:*" if len(token) >= 3 else token
        part = SearchQuery(raw, search_type="raw", config="dutch")
        query = part if query is None else query | part
    return query


def _pg_search(qs: QuerySet, text: str, tokens: list[str], *, typo: bool, candidates: int):
    """Rank in two stages so that a common word ("aanvragen" occurs in most articles) stays
    fast. The short list is the union of: the best matches of any query word in title,
    synonyms or tags (few rows, ranked); articles containing all query words anywhere
    (unranked, capped); and trigram (typo) matches (capped). Only that list gets the full
    score. A body-only match of one word of a multi-word query can drop out: it would rank
    low anyway."""
    and_query = SearchQuery(text, search_type="websearch", config="dutch")
    or_query = _prefix_query(tokens)
    folded = " ".join(tokens)
    rank_and = SearchRank(F("search_vector"), and_query, weights=RANK_WEIGHTS)
    rank_or = SearchRank(F("search_vector"), or_query, weights=RANK_WEIGHTS)
    rank_head = SearchRank(F("head_vector"), or_query, weights=RANK_WEIGHTS)
    shortlist = qs.filter(head_vector=or_query).annotate(pre=rank_head).order_by("-pre", "pk").values("pk")[:PRESELECT]
    shortlist = shortlist.union(qs.filter(search_vector=and_query).values("pk")[:PRESELECT])
    score = Value(2.0) * rank_and + rank_or
    if typo and folded:
        trigram = qs.filter(WordSimilarMatch(Value(folded), F("search_text"))).values("pk")[:PRESELECT]
        shortlist = shortlist.union(trigram)
        score = score + Value(0.8) * Cast(TrigramWordSimilarity(Value(folded), "search_text"), FloatField())
    ranked = Article.objects.filter(pk__in=shortlist).annotate(score=score).order_by("-score", "pk").values_list("pk", "score")
    return [(pk, float(value)) for pk, value in ranked[:candidates]], None


# --- SQLite fallback -------------------------------------------------------------------


def _fallback_search(qs: QuerySet, tokens: list[str], *, typo: bool, candidates: int):
    stems = [light_stem(t) for t in tokens]
    if typo:
        stems = _correct_typos(qs, tokens, stems)
    condition = Q()
    for stem in stems:
        if len(stem) < 2:
            continue
        condition |= Q(search_text__contains=stem) | Q(question__icontains=stem) | Q(body__icontains=stem)
    if not condition:
        return [], {}
    scored, objects = [], {}
    for article in qs.filter(condition)[:500]:
        title = fold_text(article.title)
        meta = article.search_text
        body = fold_text(f"{article.question} {article.body}")
        score, matched = 0.0, 0
        for stem in stems:
            hit = 0.0
            if title.startswith(stem):
                hit = 1.5
            elif re.search(rf"\b{re.escape(stem)}", title):
                hit = 1.0
            elif stem in meta:
                hit = 0.6
            elif stem in body:
                hit = 0.25
            score += hit
            matched += hit > 0
        if matched == len(stems):
            score *= 2
        if score > 0:
            scored.append((article.pk, score))
            objects[article.pk] = article
    scored.sort(key=lambda r: (-r[1], objects[r[0]].title.lower(), r[0]))
    return scored[:candidates], objects


def _correct_typos(qs: QuerySet, tokens: list[str], stems: list[str]) -> list[str]:
    vocabulary = None
    corrected = []
    for token, stem in zip(tokens, stems, strict=True):
        if len(token) < 4 or qs.filter(Q(search_text__contains=stem) | Q(body__icontains=stem)).exists():
            corrected.append(stem)
            continue
        if vocabulary is None:
            words = set()
            for text in qs.values_list("search_text", flat=True)[:5000]:
                words.update(_WORD_RE.findall(text))
            vocabulary = sorted(words)
        close = difflib.get_close_matches(token, vocabulary, n=1, cutoff=0.75)
        corrected.append(light_stem(close[0]) if close else stem)
    return corrected


# --- entry point -----------------------------------------------------------------------


def _rank(qs: QuerySet, text: str, tokens: list[str], *, typo: bool, candidates: int):
    if connection.vendor == "postgresql":
        return _pg_search(qs, text, tokens, typo=typo, candidates=candidates)
    return _fallback_search(qs.select_related("owner_department", "current_version"), tokens, typo=typo, candidates=candidates)


def search_articles(qs: QuerySet, text: str, *, limit: int = 20, typo: bool = True) -> list[SearchHit]:
    """Rank the articles of `qs` (already filtered to what the user may see) for `text`.
    Queries: ranked candidate ids, their recent usage, the final rows, their tags."""
    text = clean_query(text)
    tokens = query_tokens(text)
    if not tokens:
        return []
    scored, objects = _rank(qs, text, tokens, typo=typo, candidates=max(limit * 3, 30))
    rows = _apply_usage(scored)[:limit]
    return _hits(_load(qs, rows, objects), tokens)


def suggest_articles(qs: QuerySet, text: str, *, limit: int = 5) -> list[Article]:
    """Articles for a free-text description (a contact's subject and question): any word
    counts, more matching words rank higher; no typo matching on long texts."""
    text = clean_query(text)
    tokens = query_tokens(text)
    if not tokens:
        return []
    scored, objects = _rank(qs, text, tokens, typo=len(tokens) <= 3, candidates=max(limit * 3, 15))
    ranked = _apply_usage(scored)
    if not ranked:
        return []
    # A long description matches many articles on one common word; keep only suggestions
    # that are reasonably close to the best one.
    floor = ranked[0][1] * SUGGEST_RELATIVE_FLOOR
    rows = [r for r in ranked[:limit] if r[1] >= floor]
    return [a for a, _, _ in _load(qs, rows, objects)]
