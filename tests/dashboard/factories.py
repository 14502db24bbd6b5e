"""Factories for the dashboard tests: contacts, transfers and callbacks with explicit times."""

from datetime import datetime, timedelta

import factory

from channels.constants import Channel, ContactStatus, Direction, Outcome
from channels.models import Contact, Transfer
from kcc.dashboard.constants import METRICS_TZ


def local(*args, fold: int = 0) -> datetime:
    """An aware Europe/Amsterdam datetime: local(2026, 3, 29, 1, 30)."""
    return datetime(*args, tzinfo=METRICS_TZ, fold=fold)


class ContactFactory(factory.django.DjangoModelFactory):
    """A closed inbound phone contact resolved by the KCC, answered after 30 s, 5 minutes long."""

    class Meta:
        model = Contact

    channel = Channel.PHONE
    direction = Direction.INBOUND
    status = ContactStatus.CLOSED
    outcome = Outcome.RESOLVED
    subject = factory.Sequence(lambda n: f"Vraag {n} over de afvalpas")
    question = "Hoe vraag ik een nieuwe afvalpas aan?"
    started_at = factory.LazyFunction(lambda: local(2026, 3, 10, 10, 0))
    answered_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(seconds=30) if o.started_at else None)
    ended_at = factory.LazyAttribute(lambda o: o.answered_at + timedelta(minutes=5) if o.answered_at else None)
    assigned_to = None
    closed_by = factory.LazyAttribute(lambda o: o.assigned_to)

    class Params:
        open = factory.Trait(status=ContactStatus.OPEN, outcome="", ended_at=None, closed_by=None)
        outbound = factory.Trait(direction=Direction.OUTBOUND)
        transferred = factory.Trait(outcome=Outcome.TRANSFERRED)
        disconnected = factory.Trait(outcome=Outcome.DISCONNECTED)


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer

    contact = factory.SubFactory(ContactFactory, transferred=True)
    reason = "Inhoudelijke vraag voor de specialist"


class CallbackFactory(factory.django.DjangoModelFactory):
    """An open callback request of an anonymous caller; traits for how it ended."""

    class Meta:
        model = "callbacks.CallbackRequest"

    caller_name = "Mevrouw De Boer"
    phone = "+31612345678"
    question = "Wil weten wanneer de aanslag komt."
    status = "open"
    closed_at = None

    class Params:
        done = factory.Trait(status="done")
        unreachable = factory.Trait(status="unreachable")
        cancelled = factory.Trait(status="cancelled")
