"""The periodic-task schedule (Celery beat). Static: reviewed like any other code.

Each app adds its entries here; keep them sorted by app.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    "core-worker-heartbeat": {"task": "kcc.core.tasks.worker_heartbeat", "schedule": 60.0},
    # Callbacks: morning sweep (overdue, escalation, department digests) and outbox retries.
    "callbacks-daily-sweep": {"task": "callbacks.daily_sweep", "schedule": crontab(hour=7, minute=0)},
    "callbacks-notification-retry": {"task": "callbacks.notification_send_pending", "schedule": 600.0},
}
