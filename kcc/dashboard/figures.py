"""Turn summed facts into the figures of the metric definitions (rates, percentiles)."""

from dataclasses import dataclass

from .constants import (
    ACW_BUCKET_EDGES,
    ACW_BUCKET_FIELDS,
    HANDLE_BUCKET_EDGES,
    HANDLE_BUCKET_FIELDS,
)

COUNT_FIELDS = (
    "inbound", "closed", "base", "resolved", "resolved_after_consult", "transferred", "callback", "referred",
    "customer_will_call_back", "disconnected", "fcr", "fcr_adjusted", "transfers", "misroutes", "handle_count", "handle_sum",
    "acw_count", "acw_sum",
)
SUM_FIELDS = (*COUNT_FIELDS, *HANDLE_BUCKET_FIELDS, *ACW_BUCKET_FIELDS)
EXTREME_FIELDS = ("handle_min", "handle_max", "acw_min", "acw_max")


def ratio(numerator: int, denominator: int) -> float | None:
    """A share between 0 and 1, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def percentile_from_histogram(
    counts, q: float, lowest: int | None = None, highest: int | None = None, edges: tuple[int, ...] = HANDLE_BUCKET_EDGES
) -> float | None:
    """Estimate the q-quantile (0 < q < 1) of values binned by `edges` (the lower bucket edges).

    The rank r = q * n falls in some bucket; the values in it are taken to be spread evenly over
    the bucket, narrowed to the observed minimum and maximum when known. So the estimate is exact
    for a single value and within one bucket width otherwise.
    """
    total = sum(counts)
    if not total:
        return None
    rank = q * total
    cumulative = 0
    last = len(edges) - 1
    for index, count in enumerate(counts):
        if not count:
            continue
        if cumulative + count >= rank:
            lower = edges[index]
            upper = edges[index + 1] if index < last else (highest if highest is not None else lower)
            if lowest is not None:
                lower = max(lower, min(lowest, upper))
            if highest is not None:
                upper = min(upper, max(highest, lower))
            return lower + (rank - cumulative) / count * (upper - lower)
        cumulative += count
    return float(highest) if highest is not None else float(edges[last])


class Figures:
    """Summed contact facts of one group (a period, a department, ...). Every fact column is an
    attribute (fig.base, fig.fcr, fig.h00, ...)."""

    __slots__ = (*SUM_FIELDS, *EXTREME_FIELDS)

    def __init__(self, sums: dict | None = None, handle_min: int | None = None, handle_max: int | None = None,
                 acw_min: int | None = None, acw_max: int | None = None):
        sums = sums or {}
        for f in SUM_FIELDS:
            setattr(self, f, sums.get(f) or 0)
        self.handle_min, self.handle_max = handle_min, handle_max
        self.acw_min, self.acw_max = acw_min, acw_max

    @classmethod
    def from_row(cls, row: dict) -> "Figures":
        return cls(row, *(row.get(f) for f in EXTREME_FIELDS))

    @property
    def sums(self) -> dict:
        return {f: getattr(self, f) for f in SUM_FIELDS}

    def add(self, other: "Figures") -> "Figures":
        return Figures.total([self, other])

    @classmethod
    def total(cls, figures) -> "Figures":
        """The figures of several groups together."""
        figures = list(figures)
        sums = {f: sum(getattr(x, f) for x in figures) for f in SUM_FIELDS}
        extremes = []
        for f in EXTREME_FIELDS:
            values = [getattr(x, f) for x in figures if getattr(x, f) is not None]
            extremes.append((min if f.endswith("_min") else max)(values) if values else None)
        return cls(sums, *extremes)

    # The metric definitions (definitions.METRIC_DEFINITIONS), by key.
    @property
    def fcr_rate(self):
        return ratio(self.fcr, self.base)

    @property
    def fcr_adjusted_rate(self):
        return ratio(self.fcr_adjusted, self.base)

    @property
    def transfer_rate(self):
        return ratio(self.transferred, self.base)

    @property
    def misroute_rate(self):
        return ratio(self.misroutes, self.transfers)

    @property
    def callback_rate(self):
        return ratio(self.callback, self.base)

    @property
    def repeats(self) -> int:
        return self.fcr - self.fcr_adjusted

    def _histogram(self):
        return [getattr(self, f) for f in HANDLE_BUCKET_FIELDS]

    @property
    def handle_median(self):
        return percentile_from_histogram(self._histogram(), 0.5, self.handle_min, self.handle_max)

    @property
    def handle_p90(self):
        return percentile_from_histogram(self._histogram(), 0.9, self.handle_min, self.handle_max)

    @property
    def handle_mean(self):
        return ratio(self.handle_sum, self.handle_count)

    def _acw_histogram(self):
        return [getattr(self, f) for f in ACW_BUCKET_FIELDS]

    @property
    def acw_median(self):
        return percentile_from_histogram(self._acw_histogram(), 0.5, self.acw_min, self.acw_max, ACW_BUCKET_EDGES)

    @property
    def acw_p90(self):
        return percentile_from_histogram(self._acw_histogram(), 0.9, self.acw_min, self.acw_max, ACW_BUCKET_EDGES)

    @property
    def acw_mean(self):
        return ratio(self.acw_sum, self.acw_count)

    def value(self, key: str):
        return {
            "base": self.base,
            "fcr": self.fcr_rate,
            "fcr_adjusted": self.fcr_adjusted_rate,
            "transfer_rate": self.transfer_rate,
            "misroute_rate": self.misroute_rate,
            "callback_rate": self.callback_rate,
            "handle_median": self.handle_median,
            "handle_p90": self.handle_p90,
            "acw_median": self.acw_median,
            "acw_p90": self.acw_p90,
        }[key]


@dataclass
class CallbackFigures:
    """Summed callback facts. `pending` are open requests whose deadline has not passed yet:
    they are neither on time nor late, and stay out of the rate until they are."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    unreachable: int = 0
    open_overdue: int = 0
    pending: int = 0
    cancelled: int = 0

    @classmethod
    def from_row(cls, row: dict) -> "CallbackFigures":
        return cls(**{k: row.get(k) or 0 for k in ("due", "on_time", "late", "unreachable", "open_overdue", "pending", "cancelled")})

    @property
    def settled(self) -> int:
        """The denominator: requests whose deadline passed or that were handled already."""
        return self.on_time + self.late + self.open_overdue

    @property
    def on_time_rate(self):
        return ratio(self.on_time, self.settled)

    def value(self, key: str):
        return {"callback_on_time": self.on_time_rate}[key]
