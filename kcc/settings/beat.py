"""The periodic-task schedule (Celery beat). Static: reviewed like any other code.

Each app adds its entries here; keep them sorted by app.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    "core-worker-heartbeat": {"task": "kcc.core.tasks.worker_heartbeat", "schedule": 60.0},
    # Callbacks: morning sweep (overdue, escalation, department digests) and outbox retries.
    "callbacks-daily-sweep": {"task": "callbacks.daily_sweep", "schedule": crontab(hour=7, minute=0)},
    "callbacks-notification-retry": {"task": "callbacks.notification_send_pending", "schedule": 600.0},
    # Signals: acknowledgement reminders and escalations (and retries of failed e-mails),
    # hourly during office hours on weekdays. Idempotent: running it twice sends nothing twice.
    "signals-ack-sweep": {"task": "signals.ack_sweep", "schedule": crontab(minute=5, hour="7-18", day_of_week="mon-fri")},
}
