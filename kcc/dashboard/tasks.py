from celery import shared_task


@shared_task(name="dashboard.metrics_refresh", ignore_result=True, acks_late=True)
def metrics_refresh() -> None:
    """Incremental metrics run (beat, every KCC_METRICS_INTERVAL_SECONDS).

    Idempotent: every run recomputes whole day partitions from the source rows, so a duplicate
    or redelivered run (acks_late) changes nothing. Concurrent runs serialise per partition on
    the JobState row lock.
    """
    from .services import metrics_refresh as refresh

    refresh()
