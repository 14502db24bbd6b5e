"""The periodic-task schedule (Celery beat). Static: reviewed like any other code.

Each app adds its entries here; keep them sorted by app.
"""

BEAT_SCHEDULE: dict = {
    "core-worker-heartbeat": {"task": "kcc.core.tasks.worker_heartbeat", "schedule": 60.0},
}
