"""Celery tasks of the knowledge base: thin, take ids, call one service."""

from celery import shared_task


@shared_task(ignore_result=True, acks_late=False)
def feedback_notify_task(feedback_id: int) -> None:
    """E-mail the owner department about new feedback. Not retried automatically: a lost
    e-mail is not lost feedback (it stays in the department's list); a retry could send twice."""
    from .models import ArticleFeedback
    from .services import feedback_notify

    feedback = ArticleFeedback.objects.select_related("article", "department").filter(pk=feedback_id).first()
    if feedback is not None:
        feedback_notify(feedback=feedback)
