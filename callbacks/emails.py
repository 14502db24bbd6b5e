"""Composing the callback e-mails (Dutch, plain text). Sending goes through the outbox
(core.OutboundEmail, through callbacks.services.notification_queue), never directly from here."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def absolute(url_name: str, *args) -> str:
    return settings.KCC_BASE_URL.rstrip("/") + reverse(url_name, args=args)


def _render(template: str, subject: str, context: dict) -> Mail:
    context = {
        "organisation": settings.KCC_ORGANISATION_NAME,
        "base_url": settings.KCC_BASE_URL.rstrip("/"),
        **context,
    }
    body = render_to_string(template, context)
    # Plain-text templates: collapse the blank lines the template tags leave behind.
    lines, blank = [], False
    for line in body.splitlines():
        stripped = line.rstrip()
        if not stripped:
            if not blank and lines:
                lines.append("")
            blank = True
            continue
        lines.append(stripped)
        blank = False
    return Mail(subject=subject[:255], body="\n".join(lines).strip() + "\n")


def assigned_mail(*, callback, to_colleague: bool, reason: str = "") -> Mail:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New callback request for %(department)s, deadline %(deadline)s") % {
            "department": callback.target_department.name,
            "deadline": date_format(callback.deadline),
        }
        return _render(
            "callbacks/email/assigned.txt",
            subject,
            {"callback": callback, "to_colleague": to_colleague, "reason": reason, "url": absolute("callbacks:detail", callback.pk)},
        )


def digest_mail(*, department, today, overdue: list, open_: list, calendar) -> Mail:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Callback requests %(department)s on %(date)s: %(open)s open, %(overdue)s overdue") % {
            "department": department.name,
            "date": date_format(today),
            "open": len(open_) + len(overdue),
            "overdue": len(overdue),
        }
        rows = [
            {"callback": c, "url": absolute("callbacks:detail", c.pk), "late": max(-calendar.time_left(c.deadline, today), 0)}
            for c in [*overdue, *open_]
        ]
        return _render(
            "callbacks/email/digest.txt",
            subject,
            {
                "department": department, "today": today, "overdue_rows": rows[: len(overdue)], "open_rows": rows[len(overdue):],
                "queue_url": absolute("callbacks:queue"),
            },
        )


def escalation_mail(*, department, callbacks: list, today, calendar) -> Mail:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Escalation: %(count)s overdue callback requests for %(department)s") % {
            "count": len(callbacks), "department": department.name,
        }
        rows = [
            {"callback": c, "url": absolute("callbacks:detail", c.pk), "late": -calendar.time_left(c.deadline, today)}
            for c in callbacks
        ]
        return _render(
            "callbacks/email/escalation.txt",
            subject,
            {"department": department, "rows": rows, "escalation_days": settings.KCC_CALLBACK_ESCALATION_DAYS},
        )


def resident_unreachable_mail(*, callback, attempts: int) -> Mail:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("We tried to call you back") + f" – {settings.KCC_ORGANISATION_NAME}"
        return _render(
            "callbacks/email/resident_unreachable.txt",
            subject,
            {"callback": callback, "attempts": attempts},
        )
