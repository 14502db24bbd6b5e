"""Fixed parameters of the metrics: time zone, repeat window, handle-time buckets, transfer-reason
categories, granularities and period presets. Changing any of them changes the figures: bump
METRICS_VERSION in definitions.py and record the change in docs/metrics.md."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

# Days are local dates in this zone (ARCHITECTURE "Metric definitions").
METRICS_TZ = ZoneInfo("Europe/Amsterdam")

# Repeat-adjusted FCR: a later inbound contact of the same customer about the same topic
# department on the same local day up to this many local days later makes an FCR contact a repeat.
REPEAT_WINDOW_DAYS = 7

# The incremental job reads rows whose updated_at is later than the previous run's start minus
# this overlap: a transaction that saved a contact just before that start may commit after it.
# Recomputing a few days twice is harmless (the job is idempotent); missing one is not.
WATERMARK_OVERLAP = timedelta(minutes=10)

# Days per transaction when recomputing: a crash loses at most one chunk, which the next run
# recomputes because the watermark only moves after every chunk is written.
CHUNK_DAYS = 31

# Handle-time histogram: lower edges in seconds of the buckets stored per fact (h00, h01, ...).
# The last bucket is open-ended. Fine where handle times usually fall (15 s up to 3 minutes,
# 30 s up to 6 minutes, 1 minute up to 12), coarse for e-mail that stays open for hours or days.
HANDLE_BUCKET_EDGES: tuple[int, ...] = (
    0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165, 180, 210, 240, 270, 300, 330, 360,
    420, 480, 540, 600, 660, 720, 840, 960, 1080, 1200, 1500, 1800, 2100, 2400, 3000, 3600,
    5400, 7200, 10800, 14400, 21600, 28800, 43200, 86400, 172800, 345600, 604800, 1209600,
)
HANDLE_BUCKETS = len(HANDLE_BUCKET_EDGES)
HANDLE_BUCKET_FIELDS: tuple[str, ...] = tuple(f"h{i:02d}" for i in range(HANDLE_BUCKETS))

# After-call work histogram (conversation ended -> contact closed): lower edges in seconds of the
# buckets a00, a01, ... Fine where wrap-up usually falls (10 s up to 1 minute, 15 s up to 2,
# 30 s up to 5, 1 minute up to 10), coarse beyond; the last bucket is open-ended.
ACW_BUCKET_EDGES: tuple[int, ...] = (
    0, 10, 20, 30, 40, 50, 60, 75, 90, 105, 120, 150, 180, 210, 240, 270, 300, 360, 420, 480, 540, 600,
    720, 900, 1200, 1800, 2700, 3600, 7200, 14400, 28800, 86400,
)
ACW_BUCKET_FIELDS: tuple[str, ...] = tuple(f"a{i:02d}" for i in range(len(ACW_BUCKET_EDGES)))


class ReasonCategory(models.TextChoices):
    """Category of a transfer's free-text reason, for the misroute matrix. The free text itself
    never goes into the facts: it may name the resident."""

    COMPLAINT = "complaint", _("Complaint or dissatisfaction")
    OBJECTION = "objection", _("Objection or appeal")
    PAYMENT = "payment", _("Payment, assessment or invoice")
    APPLICATION = "application", _("Application or permit")
    STATUS = "status", _("Status of a case or request")
    APPOINTMENT = "appointment", _("Appointment")
    REPORT = "report", _("Report of a problem")
    SPECIALIST = "specialist", _("Needs a specialist or colleague")
    OTHER = "other", _("Other")


# First matching category wins; matching is case-insensitive on substrings of the reason.
REASON_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (ReasonCategory.COMPLAINT, ("klacht", "ontevreden", "boos")),
    (ReasonCategory.OBJECTION, ("bezwaar", "beroep", "kwijtschelding")),
    (ReasonCategory.PAYMENT, ("betaal", "betaling", "aanslag", "factuur", "rekening", "incasso", "toeslag", "uitkering")),
    (ReasonCategory.APPLICATION, ("aanvra", "vergunning", "verhuizing", "inschrijving", "paspoort", "rijbewijs", "id-kaart", "identiteitskaart")),
    (ReasonCategory.STATUS, ("status", "stand van zaken", "voortgang", "dossier", "behandeling")),
    (ReasonCategory.APPOINTMENT, ("afspraak",)),
    (ReasonCategory.REPORT, ("melding", "storing", "kapot", "overlast", "afval", "container")),
    (ReasonCategory.SPECIALIST, ("specialist", "inhoudelijk", "consulent", "collega", "medewerker", "deskundig", "behandelaar")),
)


class Granularity(models.TextChoices):
    DAY = "day", _("Per day")
    WEEK = "week", _("Per week")
    MONTH = "month", _("Per month")


class Preset(models.TextChoices):
    TODAY = "today", _("Today")
    THIS_WEEK = "week", _("This week")
    LAST_30 = "30d", _("Last 30 days")
    THIS_MONTH = "month", _("This month")
    THIS_QUARTER = "quarter", _("This quarter")
    LAST_QUARTER = "last_quarter", _("Last quarter")


# Longest period one dashboard page may show, and the longest that may be shown per day.
MAX_PERIOD_DAYS = 3 * 366
MAX_DAILY_POINTS = 186

# The job's name in JobState.
JOB_METRICS = "metrics"

# Rows per page in the drill-down lists.
DRILLDOWN_PAGE_SIZE = 50
# Most rows in one CSV export of a drill-down list.
EXPORT_MAX_ROWS = 100_000
