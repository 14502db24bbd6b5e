"""What the dashboard pages show, built once and rendered twice: as HTML (tiles, charts with
their tables) and as CSV (any table). Every figure carries the link to the rows behind it."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from html import escape
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.dateformat import format as date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels.constants import Channel, Outcome

from .constants import Granularity, ReasonCategory
from .definitions import METRIC_DEFINITIONS, MetricDefinition
from .figures import CallbackFigures, Figures
from .forms import Period
from .selectors import FactFilter

NONE_KEY = "none"

# --- formatting --------------------------------------------------------------------------------
# A page formats a thousand numbers. Django's number_format and gettext look up the active
# language on every call; the separators and unit texts are looked up once per language instead.


@lru_cache(maxsize=16)
def _texts(language: str) -> dict:
    with translation.override(language):
        return {
            "decimal": formats.get_format("DECIMAL_SEPARATOR"),
            "thousands": formats.get_format("THOUSAND_SEPARATOR"),
            "s": _("%(s)d s"), "ms": _("%(m)d min %(s)02d s"), "hm": _("%(h)d h %(m)02d min"), "dh": _("%(d)d d %(h)d h"),
            "pt": _("pt"), "same": _("same as the previous period"),
            "higher": _("higher than the previous period"), "lower": _("lower than the previous period"),
        }


def _t() -> dict:
    return _texts(translation.get_language() or settings.LANGUAGE_CODE)


def _number(value, decimals: int, grouping: bool, texts: dict) -> str:
    text = f"{value:,.{decimals}f}" if grouping else f"{value:.{decimals}f}"
    return text.replace(",", "\x00").replace(".", texts["decimal"]).replace("\x00", texts["thousands"])


def fmt_int(value) -> str:
    return _number(value or 0, 0, True, _t())


def fmt_pct(value) -> str:
    if value is None:
        return "–"
    return _number(round(value * 100, 1), 1, False, _t()) + "%"


def fmt_duration(seconds) -> str:
    if seconds is None:
        return "–"
    seconds, t = int(round(seconds)), _t()
    if seconds < 60:
        return t["s"] % {"s": seconds}
    if seconds < 3600:
        return t["ms"] % {"m": seconds // 60, "s": seconds % 60}
    if seconds < 86400:
        return t["hm"] % {"h": seconds // 3600, "m": (seconds % 3600) // 60}
    return t["dh"] % {"d": seconds // 86400, "h": (seconds % 86400) // 3600}


def fmt_value(definition: MetricDefinition, value) -> str:
    if definition.kind == "rate":
        return fmt_pct(value)
    if definition.kind == "duration":
        return fmt_duration(value)
    return fmt_int(value)


@dataclass(frozen=True)
class Delta:
    text: str
    css: str  # "better" | "worse" | "same" | ""
    sr: str  # for screen readers: what the sign means


def delta(definition: MetricDefinition, current, previous) -> Delta:
    """The change against the previous period, coloured by whether it is an improvement."""
    if current is None or previous is None:
        return Delta("", "", "")
    t = _t()
    diff = current - previous
    if definition.kind == "rate":
        points = round(diff * 100, 1)
        text = _number(abs(points), 1, False, t) + " " + t["pt"]
        zero = points == 0
    elif definition.kind == "duration":
        text = fmt_duration(abs(diff))
        zero = round(diff) == 0
    else:
        text = fmt_int(abs(diff))
        zero = diff == 0
    if zero:
        return Delta("±0", "same", t["same"])
    sign = "+" if diff > 0 else "−"
    better = (diff > 0) == definition.higher_is_better
    return Delta(sign + text, "better" if better else "worse", t["higher"] if diff > 0 else t["lower"])


def period_label(period: Period) -> str:
    if period.start == period.end:
        return date_format(period.start, "j F Y")
    if period.start.year == period.end.year:
        return f"{date_format(period.start, 'j F')} – {date_format(period.end, 'j F Y')}"
    return f"{date_format(period.start, 'j F Y')} – {date_format(period.end, 'j F Y')}"


def bucket_label(start: date, granularity: str) -> str:
    if granularity == Granularity.WEEK:
        year, week, _day = start.isocalendar()
        return _("week %(week)d %(year)d") % {"week": week, "year": year}
    if granularity == Granularity.MONTH:
        return date_format(start, "F Y")
    return date_format(start, "D j M")


def bucket_period(start: date, granularity: str, within: Period) -> Period:
    """The days of one chart bucket, clipped to the chosen period."""
    if granularity == Granularity.WEEK:
        end = start + timedelta(days=6)
    elif granularity == Granularity.MONTH:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        end = start
    return Period(max(start, within.start), min(end, within.end))


def channel_label(value: str) -> str:
    try:
        return str(Channel(value).label)
    except ValueError:
        return value


# --- building blocks ---------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    href: str = ""
    numeric: bool = False
    css: str = ""
    sr: str = ""

    @property
    def csv(self) -> str:
        return self.text


@dataclass
class Table:
    key: str
    caption: str
    columns: list[tuple[str, bool]]  # (label, numeric)
    rows: list[list[Cell]]
    export_url: str = ""
    empty_text: str = ""

    def csv_rows(self):
        return [[c.csv for c in row] for row in self.rows]

    def body_html(self) -> str:
        """The <tr> rows. Built here rather than in the template: a page has a few thousand
        cells, and this is ten times faster than a template loop. Every value is escaped."""
        out = []
        for row in self.rows:
            cells = []
            for i, c in enumerate(row):
                text = escape(str(c.text))
                inner = f'<a class="utrecht-link" href="{escape(c.href)}">{text}</a>' if c.href else text
                if c.sr:
                    inner += f'<span class="kcc-visually-hidden"> ({escape(c.sr)})</span>'
                if i == 0:
                    cells.append(f'<th class="utrecht-table__header-cell" scope="row">{inner}</th>')
                else:
                    css = "utrecht-table__cell"
                    if c.numeric:
                        css += " utrecht-table__cell--numeric-data"
                    if c.css:
                        css += f" kcc-dash-delta--{escape(c.css)}"
                    cells.append(f'<td class="{css}">{inner}</td>')
            out.append('<tr class="utrecht-table__row">' + "".join(cells) + "</tr>")
        return mark_safe("\n".join(out))  # noqa: S308 - every dynamic part is escaped above


@dataclass
class Tile:
    definition: MetricDefinition
    text: str
    href: str = ""
    detail: str = ""
    detail_href: str = ""
    previous: str = ""
    delta: Delta | None = None
    target: str = ""
    target_met: bool | None = None


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "line" | "bar" | "stacked"
    unit: str  # "%" | "min" | ""
    labels: list[str]
    series: list[tuple[str, list]]
    table: Table
    target: float | None = None
    target_label: str = ""

    def data(self) -> dict:
        return {
            "kind": self.kind, "unit": self.unit, "labels": self.labels, "target": self.target, "targetLabel": self.target_label,
            "series": [{"label": label, "data": values} for label, values in self.series],
        }


@dataclass
class Report:
    tiles: list[Tile] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        for t in (*self.tables, *(c.table for c in self.charts)):
            if t.key == key:
                return t
        return None


_URL_SAFE = re.compile(r"^[A-Za-z0-9_.-]*$")


def _query(pairs) -> str:
    """A query string; the values here are dates, ids and codes, quoted only when they need it."""
    parts = []
    for key, value in pairs:
        text = str(value)
        parts.append(f"{key}={text if _URL_SAFE.match(text) else quote(text, safe='')}")
    return "&".join(parts)


class Links:
    """Drill-down and export URLs that keep the page's period and filters. A page builds
    hundreds of them, so the URLs are reversed once."""

    def __init__(self, page_url: str, query: dict, flt: FactFilter, period: Period):
        self.page_url, self.query, self.flt, self.period = page_url, query, flt, period
        self._contacts = reverse("dashboard:contacts")
        self._transfers = reverse("dashboard:transfers")
        self._callbacks = reverse("dashboard:callbacks")

    def _base(self, period: Period | None) -> list:
        p = period or self.period
        pairs = [("date_from", p.start.isoformat()), ("date_to", p.end.isoformat())]
        if self.flt.channel:
            pairs.append(("channel", self.flt.channel))
        return pairs

    def contacts(self, metric: str, *, period: Period | None = None, department=None, channel: str | None = None, agent=None) -> str:
        pairs = self._base(period)
        pairs.append(("metric", metric))
        dep = department if department is not None else self.flt.department
        if dep is not None:
            pairs.append(("department", dep))
        if channel:
            pairs = [p for p in pairs if p[0] != "channel"] + [("channel", channel)]
        ag = agent if agent is not None else self.flt.agent
        if ag is not None:
            pairs.append(("agent", ag))
        return f"{self._contacts}?{_query(pairs)}"

    def transfers(self, *, period: Period | None = None, misrouted=False, to_department=None, correct_department=None, reason="") -> str:
        pairs = self._base(period)
        if misrouted:
            pairs.append(("misrouted", "1"))
        if to_department is not None:
            pairs.append(("to_department", to_department))
        if correct_department is not None:
            pairs.append(("correct_department", correct_department))
        if reason:
            pairs.append(("reason", reason))
        if to_department is None and correct_department is None and self.flt.department is not None:
            pairs.append(("department", self.flt.department))  # the contacts' topic department
        return f"{self._transfers}?{_query(pairs)}"

    def callbacks(self, state: str, *, period: Period | None = None, department=None) -> str:
        p = period or self.period
        pairs = [("date_from", p.start.isoformat()), ("date_to", p.end.isoformat()), ("state", state)]
        dep = department if department is not None else self.flt.department
        if dep is not None:
            pairs.append(("department", dep))
        return f"{self._callbacks}?{_query(pairs)}"

    def export(self, table_key: str) -> str:
        return self.page_url + "?" + urlencode({**self.query, "export": table_key})


def _defn(key: str) -> MetricDefinition:
    return METRIC_DEFINITIONS[key]


# --- tiles -------------------------------------------------------------------------------------


def contact_tiles(cur: Figures, prev: Figures, links: Links, *, with_target: bool = True) -> list[Tile]:
    target = settings.KCC_FCR_TARGET

    def tile(key, href, detail="", detail_href=""):
        d = _defn(key)
        value, before = cur.value(key), prev.value(key)
        return Tile(d, fmt_value(d, value), href, detail, detail_href, fmt_value(d, before), delta(d, value, before))

    fcr = tile("fcr", links.contacts("fcr"), _("%(n)s of %(base)s contacts") % {"n": fmt_int(cur.fcr), "base": fmt_int(cur.base)})
    if with_target:
        fcr.target = fmt_pct(target)
        fcr.target_met = None if cur.fcr_rate is None else cur.fcr_rate >= target
    return [
        fcr,
        tile("fcr_adjusted", links.contacts("fcr_adjusted"), _("%(n)s repeat contacts") % {"n": fmt_int(cur.repeats)}, links.contacts("repeat")),
        tile("transfer_rate", links.contacts("transferred"), _("%(n)s of %(base)s contacts") % {"n": fmt_int(cur.transferred), "base": fmt_int(cur.base)}),
        tile("misroute_rate", links.transfers(misrouted=True), _("%(n)s of %(t)s transfers") % {"n": fmt_int(cur.misroutes), "t": fmt_int(cur.transfers)}, links.transfers()),
        tile("callback_rate", links.contacts("callback"), _("%(n)s of %(base)s contacts") % {"n": fmt_int(cur.callback), "base": fmt_int(cur.base)}),
        tile("handle_median", links.contacts("handled"), _("mean %(mean)s over %(n)s contacts") % {"mean": fmt_duration(cur.handle_mean), "n": fmt_int(cur.handle_count)}),
        tile("handle_p90", links.contacts("handled")),
        tile("acw_median", links.contacts("acw"), _("mean %(mean)s over %(n)s contacts") % {"mean": fmt_duration(cur.acw_mean), "n": fmt_int(cur.acw_count)}),
        tile("acw_p90", links.contacts("acw")),
        tile("base", links.contacts("base"), _("%(inbound)s inbound, %(d)s disconnected") % {"inbound": fmt_int(cur.inbound), "d": fmt_int(cur.disconnected)}, links.contacts("disconnected")),
    ]


def callback_tile(cur: CallbackFigures, prev: CallbackFigures, links: Links) -> Tile:
    d = _defn("callback_on_time")
    detail = _("%(n)s of %(m)s; %(p)s not yet due, %(c)s cancelled") % {
        "n": fmt_int(cur.on_time), "m": fmt_int(cur.settled), "p": fmt_int(cur.pending), "c": fmt_int(cur.cancelled),
    }
    return Tile(
        d, fmt_pct(cur.on_time_rate), links.callbacks("on_time"), detail, links.callbacks("due"),
        fmt_pct(prev.on_time_rate), delta(d, cur.on_time_rate, prev.on_time_rate),
    )


# --- tables ------------------------------------------------------------------------------------

BREAKDOWN_COLUMNS = [
    (gettext_lazy("Base"), True), (gettext_lazy("FCR"), True), (gettext_lazy("FCR vs previous period"), True),
    (gettext_lazy("Repeat-adjusted FCR"), True), (gettext_lazy("Transfer rate"), True), (gettext_lazy("Misroute rate"), True),
    (gettext_lazy("Callback rate"), True), (gettext_lazy("Handle time (median)"), True), (gettext_lazy("Handle time (p90)"), True),
    (gettext_lazy("After-call work (median)"), True), (gettext_lazy("After-call work (p90)"), True),
]


def _figure_cells(cur: Figures, prev: Figures, link) -> list[Cell]:
    """The standard figure columns; link(metric) gives the drill-down URL."""
    d = delta(_defn("fcr"), cur.fcr_rate, prev.fcr_rate)
    return [
        Cell(fmt_int(cur.base), link("base"), True),
        Cell(fmt_pct(cur.fcr_rate), link("fcr"), True),
        Cell(d.text or "–", "", True, d.css, d.sr),
        Cell(fmt_pct(cur.fcr_adjusted_rate), link("fcr_adjusted"), True),
        Cell(fmt_pct(cur.transfer_rate), link("transferred"), True),
        Cell(fmt_pct(cur.misroute_rate), link("misrouted"), True),
        Cell(fmt_pct(cur.callback_rate), link("callback"), True),
        Cell(fmt_duration(cur.handle_median), link("handled"), True),
        Cell(fmt_duration(cur.handle_p90), link("handled"), True),
        Cell(fmt_duration(cur.acw_median), link("acw"), True),
        Cell(fmt_duration(cur.acw_p90), link("acw"), True),
    ]


def breakdown_table(key, caption, first_column, rows, links: Links, *, label, link_kwargs, row_href=None) -> Table:
    """rows: (key, cur, prev); label(key) -> name; link_kwargs(key) -> kwargs for links.contacts."""
    body = []
    total_cur, total_prev = Figures.total(r[1] for r in rows), Figures.total(r[2] for r in rows)
    for k, cur, prev in sorted(rows, key=lambda r: (-r[1].base, str(label(r[0])))):
        kwargs = link_kwargs(k)
        body.append([Cell(str(label(k)), row_href(k) if row_href else ""), *_figure_cells(cur, prev, lambda m, kw=kwargs: links.contacts(m, **kw))])
    if body:
        body.append([Cell(_("Total")), *_figure_cells(total_cur, total_prev, lambda m: links.contacts(m))])
    return Table(key, caption, [(first_column, False), *BREAKDOWN_COLUMNS], body, links.export(key), _("No contacts in this period."))


def misroute_table(rows: list[dict], names: dict, links: Links, *, key="misroutes", caption=None) -> Table:
    body = []
    for r in rows:
        body.append([
            Cell(str(ReasonCategory(r["reason_category"]).label)),
            Cell(names.get(r["to_department"], "?")),
            Cell(names.get(r["correct_department"], "?")),
            Cell(fmt_int(r["n"]), links.transfers(misrouted=True, to_department=r["to_department"], correct_department=r["correct_department"], reason=r["reason_category"]), True),
        ])
    return Table(
        key, caption or _("Misroutes: from which reason to which wrong department, and where they should have gone"),
        [(_("Transfer reason"), False), (_("Transferred to (wrong)"), False), (_("Right department"), False), (_("Misroutes"), True)],
        body, links.export(key), _("No transfers were marked 'not for us' in this period."),
    )


CALLBACK_COLUMNS = [
    (gettext_lazy("Due (deadline passed or handled)"), True), (gettext_lazy("On time"), True), (gettext_lazy("Late"), True),
    (gettext_lazy("Open past deadline"), True), (gettext_lazy("Not yet due"), True), (gettext_lazy("Cancelled"), True),
    (gettext_lazy("Callbacks on time"), True), (gettext_lazy("On time vs previous period"), True),
]


def _callback_cells(cur: CallbackFigures, prev: CallbackFigures, link) -> list[Cell]:
    d = delta(_defn("callback_on_time"), cur.on_time_rate, prev.on_time_rate)
    return [
        Cell(fmt_int(cur.settled), link("due"), True),
        Cell(fmt_int(cur.on_time), link("on_time"), True),
        Cell(fmt_int(cur.late), link("late"), True),
        Cell(fmt_int(cur.open_overdue), link("open_overdue"), True),
        Cell(fmt_int(cur.pending), link("pending"), True),
        Cell(fmt_int(cur.cancelled), link("cancelled"), True),
        Cell(fmt_pct(cur.on_time_rate), link("on_time"), True),
        Cell(d.text or "–", "", True, d.css, d.sr),
    ]


def callback_department_table(rows, names: dict, links: Links) -> Table:
    body = []
    total_cur, total_prev = CallbackFigures(), CallbackFigures()
    for dep, cur, prev in sorted(rows, key=lambda r: names.get(r[0], "")):
        body.append([Cell(names.get(dep, "?")), *_callback_cells(cur, prev, lambda s, dep=dep: links.callbacks(s, department=dep))])
        total_cur = CallbackFigures(**{k: getattr(total_cur, k) + getattr(cur, k) for k in total_cur.__dataclass_fields__})
        total_prev = CallbackFigures(**{k: getattr(total_prev, k) + getattr(prev, k) for k in total_prev.__dataclass_fields__})
    if body:
        body.append([Cell(_("Total")), *_callback_cells(total_cur, total_prev, lambda s: links.callbacks(s))])
    return Table(
        "callbacks", _("Callbacks per department, by deadline"), [(_("Department"), False), *CALLBACK_COLUMNS], body,
        links.export("callbacks"), _("No callback deadlines in this period."),
    )


AGEING_LABELS = {
    "future": gettext_lazy("Deadline after today"),
    "today": gettext_lazy("Deadline today"),
    "late_1_2": gettext_lazy("1-2 days past deadline"),
    "late_3_7": gettext_lazy("3-7 days past deadline"),
    "late_8_plus": gettext_lazy("More than 7 days past deadline"),
}


# The drill-down lists take at most three years; open callbacks further away than this do not
# occur (the daily sweep escalates them long before).
OPEN_LOOKBACK = timedelta(days=1000)
OPEN_LOOKAHEAD = timedelta(days=90)


def ageing_table(ageing, links: Links, department_id: int, today: date) -> Table:
    body = []
    for key, n, first, last in ageing:
        period = Period(first or today - OPEN_LOOKBACK, last or today + OPEN_LOOKAHEAD)
        state = "pending" if key in ("future", "today") else "open_overdue"
        body.append([Cell(str(AGEING_LABELS[key])), Cell(fmt_int(n), links.callbacks(state, period=period, department=department_id), True)])
    return Table("ageing", _("Open callbacks by deadline (now)"), [(_("Deadline"), False), (_("Open callbacks"), True)], body, links.export("ageing"))


# --- charts ------------------------------------------------------------------------------------


def _series_value(value, unit: str):
    if value is None:
        return None
    if unit == "%":
        return round(value * 100, 1)
    if unit == "min":
        return round(value / 60, 1)
    return value


def contact_charts(trend, granularity: str, links: Links, *, with_target: bool = True, only=None) -> list[Chart]:
    labels = [bucket_label(start, granularity) for start, _f in trend]
    periods = [bucket_period(start, granularity, links.period) for start, _f in trend]
    period_col = (_("Period"), False)
    charts = []

    rows = [
        [Cell(labels[i]), Cell(fmt_int(f.base), links.contacts("base", period=periods[i]), True),
         Cell(fmt_pct(f.fcr_rate), links.contacts("fcr", period=periods[i]), True),
         Cell(fmt_pct(f.fcr_adjusted_rate), links.contacts("fcr_adjusted", period=periods[i]), True)]
        for i, (_s, f) in enumerate(trend)
    ]
    target = settings.KCC_FCR_TARGET
    charts.append(Chart(
        "fcr_trend", _("First-contact resolution"), "line", "%", labels,
        [(_("FCR"), [_series_value(f.fcr_rate, "%") for _s, f in trend]),
         (_("Repeat-adjusted FCR"), [_series_value(f.fcr_adjusted_rate, "%") for _s, f in trend])],
        Table("fcr_trend", _("First-contact resolution per period"), [period_col, (_("Base"), True), (_("FCR"), True), (_("Repeat-adjusted FCR"), True)], rows, links.export("fcr_trend")),
        target=round(target * 100, 1) if with_target else None, target_label=_("Target %(t)s") % {"t": fmt_pct(target)},
    ))

    outcomes = [
        ("resolved", Outcome.RESOLVED.label), ("resolved_after_consult", Outcome.RESOLVED_AFTER_CONSULT.label),
        ("transferred", Outcome.TRANSFERRED.label), ("callback", Outcome.CALLBACK.label), ("referred", Outcome.REFERRED.label),
        ("customer_will_call_back", Outcome.CUSTOMER_WILL_CALL_BACK.label), ("disconnected", Outcome.DISCONNECTED.label),
    ]
    rows = [
        [Cell(labels[i]), *[Cell(fmt_int(getattr(f, k)), links.contacts(k, period=periods[i]), True) for k, _l in outcomes]]
        for i, (_s, f) in enumerate(trend)
    ]
    charts.append(Chart(
        "outcomes_trend", _("Contacts by outcome"), "stacked", "", labels,
        [(str(label), [getattr(f, k) for _s, f in trend]) for k, label in outcomes],
        Table("outcomes_trend", _("Closed inbound contacts by outcome per period"), [period_col, *[(str(label), True) for _k, label in outcomes]], rows, links.export("outcomes_trend")),
    ))

    rows = [
        [Cell(labels[i]), Cell(fmt_pct(f.transfer_rate), links.contacts("transferred", period=periods[i]), True),
         Cell(fmt_pct(f.misroute_rate), links.transfers(period=periods[i], misrouted=True), True),
         Cell(fmt_pct(f.callback_rate), links.contacts("callback", period=periods[i]), True)]
        for i, (_s, f) in enumerate(trend)
    ]
    charts.append(Chart(
        "transfer_trend", _("Transfers, misroutes and callbacks"), "line", "%", labels,
        [(_("Transfer rate"), [_series_value(f.transfer_rate, "%") for _s, f in trend]),
         (_("Misroute rate"), [_series_value(f.misroute_rate, "%") for _s, f in trend]),
         (_("Callback rate"), [_series_value(f.callback_rate, "%") for _s, f in trend])],
        Table("transfer_trend", _("Transfer, misroute and callback rate per period"), [period_col, (_("Transfer rate"), True), (_("Misroute rate"), True), (_("Callback rate"), True)], rows, links.export("transfer_trend")),
    ))

    rows = [
        [Cell(labels[i]), Cell(fmt_int(f.handle_count), links.contacts("handled", period=periods[i]), True),
         Cell(fmt_duration(f.handle_median), "", True), Cell(fmt_duration(f.handle_p90), "", True),
         Cell(fmt_int(f.acw_count), links.contacts("acw", period=periods[i]), True),
         Cell(fmt_duration(f.acw_median), "", True), Cell(fmt_duration(f.acw_p90), "", True)]
        for i, (_s, f) in enumerate(trend)
    ]
    charts.append(Chart(
        "handle_trend", _("Handle time and after-call work"), "line", "min", labels,
        [(_("Handle time (median)"), [_series_value(f.handle_median, "min") for _s, f in trend]),
         (_("Handle time (p90)"), [_series_value(f.handle_p90, "min") for _s, f in trend]),
         (_("After-call work (median)"), [_series_value(f.acw_median, "min") for _s, f in trend]),
         (_("After-call work (p90)"), [_series_value(f.acw_p90, "min") for _s, f in trend])],
        Table("handle_trend", _("Handle time and after-call work per period"), [
            period_col, (_("Contacts with a handle time"), True), (_("Handle time (median)"), True), (_("Handle time (p90)"), True),
            (_("Contacts with after-call work"), True), (_("After-call work (median)"), True), (_("After-call work (p90)"), True),
        ], rows, links.export("handle_trend")),
    ))
    if only:
        charts = [c for c in charts if c.key in only]
    return charts


def callback_chart(trend, granularity: str, links: Links, department=None) -> Chart:
    labels = [bucket_label(start, granularity) for start, _f in trend]
    periods = [bucket_period(start, granularity, links.period) for start, _f in trend]
    rows = [
        [Cell(labels[i]), Cell(fmt_int(f.settled), links.callbacks("due", period=periods[i], department=department), True),
         Cell(fmt_int(f.on_time), links.callbacks("on_time", period=periods[i], department=department), True),
         Cell(fmt_int(f.late), links.callbacks("late", period=periods[i], department=department), True),
         Cell(fmt_int(f.open_overdue), links.callbacks("open_overdue", period=periods[i], department=department), True),
         Cell(fmt_pct(f.on_time_rate), "", True)]
        for i, (_s, f) in enumerate(trend)
    ]
    return Chart(
        "callback_trend", _("Callbacks on time, by deadline"), "bar", "%", labels,
        [(_("Callbacks on time"), [_series_value(f.on_time_rate, "%") for _s, f in trend])],
        Table(
            "callback_trend", _("Callbacks on time per period (by deadline)"),
            [(_("Period"), False), (_("Due"), True), (_("On time"), True), (_("Late"), True), (_("Open past deadline"), True), (_("Callbacks on time"), True)],
            rows, links.export("callback_trend"),
        ),
    )


def transfer_chart(trend, granularity: str, links: Links, department) -> Chart:
    labels = [bucket_label(start, granularity) for start, _r in trend]
    periods = [bucket_period(start, granularity, links.period) for start, _r in trend]
    rows = [
        [Cell(labels[i]), Cell(fmt_int(r["transfers"]), links.transfers(period=periods[i], to_department=department.pk), True),
         Cell(fmt_int(r["misroutes"]), links.transfers(period=periods[i], to_department=department.pk, misrouted=True), True),
         Cell(fmt_pct(r["misroutes"] / r["transfers"] if r["transfers"] else None), "", True)]
        for i, (_s, r) in enumerate(trend)
    ]
    return Chart(
        "incoming_trend", _("Incoming transfers and misroutes"), "bar", "", labels,
        [(_("Incoming transfers"), [r["transfers"] or 0 for _s, r in trend]), (_("Marked 'not for us'"), [r["misroutes"] or 0 for _s, r in trend])],
        Table(
            "incoming_trend", _("Incoming transfers per period"),
            [(_("Period"), False), (_("Incoming transfers"), True), (_("Marked 'not for us'"), True), (_("Misroute rate"), True)],
            rows, links.export("incoming_trend"),
        ),
    )


# --- pages -------------------------------------------------------------------------------------


def kcc_report(flt: FactFilter, period: Period, granularity: str, links: Links, *, today: date, see_agents: bool, agent_url=None, charts=True) -> Report:
    """The KCC view: headline tiles against target, trends, breakdowns, misroute matrix."""
    from . import selectors

    by_department = selectors.contact_breakdown(flt, period, "department")
    # The totals are the sum of the departments: one query less on every page view.
    cur, prev = Figures.total(r[1] for r in by_department), Figures.total(r[2] for r in by_department)
    cb_cur, cb_prev = selectors.callback_totals(flt, period, today)
    tiles = contact_tiles(cur, prev, links)
    tiles.insert(5, callback_tile(cb_cur, cb_prev, links))
    report = Report(tiles=tiles)
    if charts:
        trend = selectors.contact_trend(flt, period, granularity)
        report.charts = contact_charts(trend, granularity, links)
        report.charts.append(callback_chart(selectors.callback_trend(flt, period, granularity, today), granularity, links))
    names = selectors.department_names()
    report.tables.append(breakdown_table(
        "by_department", _("Figures per topic department"), _("Department"), by_department, links,
        label=lambda k: names.get(k, _("No department")) if k is not None else _("No department"),
        link_kwargs=lambda k: {"department": k if k is not None else NONE_KEY},
    ))
    report.tables.append(breakdown_table(
        "by_channel", _("Figures per channel"), _("Channel"), selectors.contact_breakdown(flt, period, "channel"), links,
        label=channel_label, link_kwargs=lambda k: {"channel": k},
    ))
    if see_agents:
        rows = selectors.contact_breakdown(flt, period, "agent")
        people = selectors.user_names(k for k, _c, _p in rows)
        report.tables.append(breakdown_table(
            "by_agent", _("Figures per agent"), _("Agent"), rows, links,
            label=lambda k: people.get(k, _("Unknown (removed account)")) if k is not None else _("No agent"),
            link_kwargs=lambda k: {"agent": k} if k is not None else {},
            row_href=(lambda k: agent_url(k) if k is not None else "") if agent_url else None,
        ))
    report.tables.append(misroute_table(selectors.misroute_matrix(flt, period), names, links))
    report.tables.append(callback_department_table(selectors.callback_breakdown(flt, period, today), names, links))
    return report


def agent_report(flt: FactFilter, period: Period, granularity: str, links: Links) -> Report:
    """One agent's own figures (the agent view, and a team lead looking at an agent)."""
    from . import selectors

    cur, prev = selectors.contact_totals(flt, period)
    report = Report(tiles=contact_tiles(cur, prev, links, with_target=True))
    report.charts = contact_charts(selectors.contact_trend(flt, period, granularity), granularity, links, only={"fcr_trend", "outcomes_trend", "handle_trend"})
    names = selectors.department_names()
    report.tables.append(breakdown_table(
        "by_channel", _("Figures per channel"), _("Channel"), selectors.contact_breakdown(flt, period, "channel"), links,
        label=channel_label, link_kwargs=lambda k: {"channel": k},
    ))
    report.tables.append(breakdown_table(
        "by_department", _("Figures per topic department"), _("Department"), selectors.contact_breakdown(flt, period, "department"), links,
        label=lambda k: names.get(k, _("No department")) if k is not None else _("No department"),
        link_kwargs=lambda k: {"department": k if k is not None else NONE_KEY},
    ))
    return report


def department_report(department, flt: FactFilter, period: Period, granularity: str, links: Links, *, today: date) -> Report:
    """A back-office department: its incoming transfers and misroutes, callbacks, and how the
    KCC answers questions about its subjects."""
    from . import selectors

    incoming = selectors.incoming_transfers(department, flt, period)
    cur_in, prev_in = incoming["current"], incoming["previous"]
    cb_cur, cb_prev = selectors.callback_totals(flt, period, today)
    ageing = selectors.callback_ageing(flt, today)
    open_overdue = sum(n for key, n, _f, _l in ageing if key.startswith("late"))
    contacts_cur, contacts_prev = selectors.contact_totals(flt, period)

    def count_tile(key, cur, prev, href, detail=""):
        d = _defn(key)
        return Tile(d, fmt_int(cur), href, detail, "", fmt_int(prev), delta(d, cur, prev))

    def rate(n, m):
        return n / m if m else None

    d_rate = _defn("incoming_misroute_rate")
    cur_rate, prev_rate = rate(cur_in["misroutes"], cur_in["incoming"]), rate(prev_in["misroutes"], prev_in["incoming"])
    tiles = [
        count_tile("incoming_transfers", cur_in["incoming"], prev_in["incoming"], links.transfers(to_department=department.pk)),
        Tile(
            d_rate, fmt_pct(cur_rate), links.transfers(to_department=department.pk, misrouted=True),
            _("%(n)s of %(t)s transfers") % {"n": fmt_int(cur_in["misroutes"]), "t": fmt_int(cur_in["incoming"])}, "",
            fmt_pct(prev_rate), delta(d_rate, cur_rate, prev_rate),
        ),
        count_tile("missed_transfers", cur_in["missed"], prev_in["missed"], links.transfers(correct_department=department.pk, misrouted=True)),
        callback_tile(cb_cur, cb_prev, links),
        Tile(_defn("open_overdue"), fmt_int(open_overdue), links.callbacks("open_overdue", period=Period(today - OPEN_LOOKBACK, today - timedelta(days=1)))),
    ]
    fcr = contact_tiles(contacts_cur, contacts_prev, links)[0]
    fcr.detail = _("%(n)s of %(base)s contacts about %(dep)s") % {"n": fmt_int(contacts_cur.fcr), "base": fmt_int(contacts_cur.base), "dep": department.name}
    tiles.append(fcr)
    report = Report(tiles=tiles)
    report.charts = [
        transfer_chart(selectors.transfer_trend(department, flt, period, granularity), granularity, links, department),
        callback_chart(selectors.callback_trend(flt, period, granularity, today), granularity, links, department=department.pk),
    ]
    names = selectors.department_names()
    matrix = selectors.misroute_matrix(flt, period)
    report.tables.append(misroute_table(
        [r for r in matrix if r["to_department"] == department.pk], names, links, key="misroutes_in",
        caption=_("Transfers to %(dep)s marked 'not for us', by reason and right department") % {"dep": department.name},
    ))
    report.tables.append(misroute_table(
        [r for r in matrix if r["correct_department"] == department.pk and r["to_department"] != department.pk], names, links, key="misroutes_missed",
        caption=_("Transfers that should have come to %(dep)s, by reason and where they went") % {"dep": department.name},
    ))
    report.tables.append(ageing_table(ageing, links, department.pk, today))
    return report
