"""Celery settings that keep jobs safe when workers die or Redis restarts."""

import ast
from pathlib import Path

from django.conf import settings

from kcc.celery import app

ROOT = Path(settings.BASE_DIR)

# Tasks reviewed as idempotent (state flags, unique keys, upserts): safe to run twice, so they
# acknowledge late. A new task must be reviewed and added here, or stay acks_late=False.
IDEMPOTENT_TASKS = {
    "channels.inbound_process_pending",
    "channels.email_acknowledge",
    # Only a pending reply is sent, under a row lock; a resend after a kill carries the same
    # webhook-id, so the portal drops the copy (channels/portal.py).
    "channels.portal_deliver",
    "channels.portal_deliver_pending",
    "callbacks.notification_send",
    "callbacks.notification_send_pending",
    "callbacks.daily_sweep",
    "signals.ack_sweep",
    "signals.notifications_deliver",
    "core.outbox_send",
    "core.outbox_deliver_pending",
    "dashboard.metrics_refresh",
    "privacy.retention_nightly",
    "openklant.send_item",
    "openklant.deliver_due",
}


def _project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_visibility_timeout_exceeds_every_time_limit_countdown_and_backoff():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    tasks = _project_tasks()
    longest = max([settings.CELERY_TASK_TIME_LIMIT] + [t.time_limit or 0 for t in tasks.values()])
    assert visibility > longest
    for task in tasks.values():
        if getattr(task, "retry_backoff", False):
            assert visibility > getattr(task, "retry_backoff_max", 600)
    # No call site schedules work further ahead than Redis keeps it invisible.
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "bench" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "countdown" and isinstance(node.value, ast.Constant):
                assert node.value.value < visibility, f"{path}: countdown {node.value.value}"


def test_only_reviewed_idempotent_tasks_acknowledge_late():
    late = {name for name, task in _project_tasks().items() if task.acks_late}
    assert late, "expected the reviewed tasks to acknowledge late"
    assert late <= IDEMPOTENT_TASKS


def test_a_worker_lost_mid_task_leaves_the_message_for_redelivery():
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert app.conf.task_reject_on_worker_lost is True


def test_tasks_use_json_and_ignore_results():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    for name, task in _project_tasks().items():
        assert task.ignore_result, name
