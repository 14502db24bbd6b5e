import pytest
from django.db.models import Count

from channels import demo
from channels.constants import SOCIAL_CHANNELS, Channel, ContactStatus, Outcome
from channels.models import Contact, Message, Transfer
from kcc.core import demo as core_demo

pytestmark = pytest.mark.django_db


def test_demo_seed_is_realistic_and_idempotent():
    lines = []
    core_demo.seed(lines.append)
    demo.seed(lines.append)
    closed = Contact.objects.filter(status=ContactStatus.CLOSED)
    total = closed.count()
    assert 2800 <= total <= 4300
    by_channel = dict(closed.values_list("channel").annotate(n=Count("id")))
    social = sum(n for ch, n in by_channel.items() if ch in SOCIAL_CHANNELS)
    assert 0.54 < by_channel[Channel.PHONE] / total < 0.66
    assert 0.25 < by_channel[Channel.EMAIL] / total < 0.36
    assert 0.06 < social / total < 0.14
    by_outcome = dict(closed.values_list("outcome").annotate(n=Count("id")))
    resolved = by_outcome[Outcome.RESOLVED] + by_outcome[Outcome.RESOLVED_AFTER_CONSULT]
    assert 0.52 < resolved / total < 0.62 and by_outcome[Outcome.RESOLVED_AFTER_CONSULT] > 0
    assert 0.25 < by_outcome[Outcome.TRANSFERRED] / total < 0.33
    assert 0.11 < by_outcome[Outcome.CALLBACK] / total < 0.17
    transfers = Transfer.objects.count()
    assert transfers == by_outcome[Outcome.TRANSFERRED]
    misrouted = Transfer.objects.filter(not_for_us_at__isnull=False)
    assert 0.14 < misrouted.count() / transfers < 0.26
    assert not misrouted.filter(correct_department__isnull=True).exists()
    # handle times of minutes, answered after started
    sample = list(closed.filter(channel=Channel.PHONE).values_list("started_at", "answered_at", "ended_at")[:200])
    assert all(s <= a < e and (e - a).total_seconds() < 3600 for s, a, e in sample)
    assert closed.filter(customer__isnull=True).exists() and closed.filter(customer__isnull=False).exists()
    assert set(closed.values_list("closed_by__username", flat=True)) <= set(demo.AGENT_USERNAMES)
    # unread e-mail and social messages wait in the inbox
    waiting = Contact.objects.filter(status=ContactStatus.NEW)
    assert waiting.filter(channel=Channel.EMAIL).exists() and waiting.exclude(channel=Channel.EMAIL).exists()
    assert Message.objects.filter(contact__in=waiting, read_at__isnull=True).count() == waiting.count()
    counts = (Contact.objects.count(), Message.objects.count(), Transfer.objects.count())
    demo.seed(lines.append)
    assert (Contact.objects.count(), Message.objects.count(), Transfer.objects.count()) == counts


def test_demo_web_forms_arrive_through_the_real_path_in_the_profile_s_words(organisation_kind):
    from channels import demo_webform
    from channels.models import FormSubmission

    lines = []
    demo_webform.seed(lines.append)
    forms = set(FormSubmission.objects.values_list("form_name", flat=True))
    assert ("Reparatieverzoek" in forms) == (organisation_kind == "woningcorporatie")
    assert Contact.objects.filter(channel=Channel.WEBFORM, status=ContactStatus.NEW).count() == 3
    assert FormSubmission.objects.filter(reply_route="portal").exists()
    demo_webform.seed(lines.append)
    assert Contact.objects.filter(channel=Channel.WEBFORM).count() == 3
