"""The periodic-task schedule (Celery beat). Static: reviewed like any other code.

Each app adds its entries here; keep them sorted by app.
"""

from datetime import timedelta

from celery.schedules import crontab, schedule


class SettingInterval(schedule):
    """An interval read from a Django setting when beat runs. This module is imported by the
    settings themselves, so the value cannot be read here; beat asks for it later."""

    def __init__(self, setting: str, **kwargs):
        self.setting = setting
        # The placeholder is never read: `run_every` below asks the setting (default in base.py).
        super().__init__(run_every=timedelta(seconds=60), **kwargs)

    @property
    def run_every(self) -> timedelta:
        from django.conf import settings

        return timedelta(seconds=max(1, int(getattr(settings, self.setting))))

    @run_every.setter
    def run_every(self, value) -> None:
        """Ignored: the setting is the source of truth."""

    def __reduce__(self):
        return self.__class__, (self.setting,)

    def __repr__(self) -> str:
        return f"<SettingInterval {self.setting}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, SettingInterval) and other.setting == self.setting

    def __hash__(self) -> int:
        return hash(self.setting)


BEAT_SCHEDULE: dict = {
    "core-worker-heartbeat": {"task": "kcc.core.tasks.worker_heartbeat", "schedule": 60.0},
    # The one e-mail outbox (callbacks and signals): retry what is still pending after 5 minutes.
    "core-outbox-deliver-pending": {"task": "core.outbox_deliver_pending", "schedule": 600.0},
    # Callbacks: morning sweep (overdue, escalation, department digests).
    "callbacks-daily-sweep": {"task": "callbacks.daily_sweep", "schedule": crontab(hour=7, minute=0)},
    # Dashboard: the incremental metrics job (recomputes only the days touched since its last run).
    "dashboard-metrics-refresh": {
        "task": "dashboard.metrics_refresh",
        "schedule": SettingInterval("KCC_METRICS_INTERVAL_SECONDS"),
        # A run that could not start within an interval is superseded by the next one.
        "options": {"expires": 60},
    },
    # Inbox: IMAP polling (a no-op while KCC_IMAP_HOST is empty) and the sweep that processes
    # inbound payloads left pending by a crash between storing and processing.
    "inbox-imap-poll": {"task": "channels.imap_poll", "schedule": SettingInterval("KCC_IMAP_POLL_SECONDS")},
    "inbox-inbound-sweep": {"task": "channels.inbound_process_pending", "schedule": 300.0},
    # Inbox: replies to the resident/tenant portal still pending (adapter down): retried every 5 minutes.
    "inbox-portal-replies": {"task": "channels.portal_deliver_pending", "schedule": 300.0},
    # Signals: acknowledgement reminders and escalations (and retries of failed e-mails),
    # hourly during office hours on weekdays. Idempotent: running it twice sends nothing twice.
    "signals-ack-sweep": {"task": "signals.ack_sweep", "schedule": crontab(minute=5, hour="7-18", day_of_week="mon-fri")},
    # Open Klant outbox: items whose backoff is over, or whose job the broker lost.
    "openklant-deliver-due": {"task": "openklant.deliver_due", "schedule": 30.0},
    # Privacy: nightly retention (a destruction list for approval, or the deletion itself with
    # KCC_RETENTION_MODE=delete). Idempotent: a second run the same night changes nothing.
    "privacy-retention-nightly": {"task": "privacy.retention_nightly", "schedule": crontab(hour=2, minute=30)},
}
