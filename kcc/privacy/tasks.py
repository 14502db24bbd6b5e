from celery import shared_task


@shared_task(name="privacy.retention_nightly", ignore_result=True, acks_late=True)
def retention_nightly():
    """Nightly retention: a destruction list for approval, or (KCC_RETENTION_MODE=delete) the
    deletion itself. Idempotent: a second run the same night deletes nothing more and makes no
    second list, so a redelivered message (acks_late) is harmless."""
    from .services import retention_nightly as run

    run()
