"""The periodic-task schedule (Celery beat). Static: reviewed like any other code."""

BEAT_SCHEDULE: dict = {}
