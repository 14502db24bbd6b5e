"""ISO-8601 durations for retention periods (``P1Y``, ``P6M``, ``P30D``, ``P2W``, ``P1Y6M``).

Only the date part is accepted: retention is counted in calendar days, months and years, and a
time part (``PT12H``) would suggest a precision that a nightly job does not have. Months and
years are calendar-aware: 31 March minus P1M is 28 (or 29) February, as a person would count.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_DURATION_RE = re.compile(r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?$")


@dataclass(frozen=True)
class Duration:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def __str__(self) -> str:
        parts = [(self.years, "Y"), (self.months, "M"), (self.weeks, "W"), (self.days, "D")]
        text = "".join(f"{n}{unit}" for n, unit in parts if n)
        return f"P{text or '0D'}"

    @property
    def is_zero(self) -> bool:
        return not (self.years or self.months or self.weeks or self.days)

    def before(self, moment: datetime) -> datetime:
        """The moment this duration before `moment` (calendar months and years)."""
        total_months = moment.year * 12 + (moment.month - 1) - (self.years * 12 + self.months)
        year, month = divmod(total_months, 12)
        month += 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        shifted = moment.replace(year=year, month=month, day=day)
        return shifted - timedelta(weeks=self.weeks, days=self.days)


def parse_duration(value: str) -> Duration:
    """Parse an ISO-8601 date duration; raise ValueError with a readable message otherwise."""
    text = (value or "").strip().upper()
    match = _DURATION_RE.match(text)
    if not match:
        raise ValueError(f"{value!r} is not an ISO-8601 duration such as P1Y, P6M, P2W or P30D")
    duration = Duration(**{k: int(v) for k, v in match.groupdict().items() if v})
    if duration.is_zero:
        raise ValueError(f"{value!r} is zero: a retention period must be longer than nothing")
    return duration
