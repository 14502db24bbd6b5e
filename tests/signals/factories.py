import factory
from django.db.models import F
from django.utils import timezone

from channels.constants import Channel, ContactStatus, Direction
from channels.models import Contact, Transfer
from kcc.core.workdays import WorkCalendar, local_date
from signals.constants import Impact, SignalCategory, SignalStatus
from signals.models import Evidence, Signal, StatusChange
from tests.core.factories import DepartmentFactory, UserFactory


class ContactFactory(factory.django.DjangoModelFactory):
    """A minimal klantcontact (signals only needs subject, question, department, time)."""

    class Meta:
        model = Contact

    channel = Channel.PHONE
    direction = Direction.INBOUND
    subject = factory.Sequence(lambda n: f"Vraag {n} over de aanslag")
    question = "De inwoner belt over de aanslag gemeentelijke belastingen."
    status = ContactStatus.NEW
    started_at = factory.LazyFunction(timezone.now)


class TransferFactory(factory.django.DjangoModelFactory):
    """Transferring a contact puts it in the receiving department's contact scope."""

    class Meta:
        model = Transfer

    contact = factory.SubFactory(ContactFactory)
    to_department = factory.SubFactory(DepartmentFactory)
    reason = "Specialist nodig"


class SignalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signal

    title = factory.Sequence(lambda n: f"Signaal {n}")
    description = "Inwoners lopen hier tegenaan."
    category = SignalCategory.PROCESS
    department = factory.SubFactory(DepartmentFactory)
    impact = Impact.MEDIUM
    raised_by = factory.SubFactory(UserFactory)
    raised_at = factory.LazyFunction(timezone.now)
    ack_due = factory.LazyAttribute(lambda o: WorkCalendar(closure_days=[]).add_working_days(local_date(o.raised_at), 3))
    status = SignalStatus.NEW

    class Params:
        acknowledged = factory.Trait(
            status=SignalStatus.ACKNOWLEDGED,
            responded_at=factory.LazyAttribute(lambda o: o.raised_at + timezone.timedelta(hours=4)),
            acknowledged_at=factory.LazyAttribute(lambda o: o.raised_at + timezone.timedelta(hours=4)),
        )
        in_progress = factory.Trait(
            status=SignalStatus.IN_PROGRESS,
            responded_at=factory.LazyAttribute(lambda o: o.raised_at + timezone.timedelta(hours=4)),
            acknowledged_at=factory.LazyAttribute(lambda o: o.raised_at + timezone.timedelta(hours=4)),
        )
        resolved = factory.Trait(
            status=SignalStatus.RESOLVED,
            responded_at=factory.LazyAttribute(lambda o: o.raised_at + timezone.timedelta(hours=4)),
            acknowledged_at=factory.LazyAttribute(lambda o: o.raised_at + timezone.timedelta(hours=4)),
            resolved_at=factory.LazyAttribute(lambda o: o.raised_at + timezone.timedelta(days=2)),
            closed_at=factory.LazyAttribute(lambda o: o.raised_at + timezone.timedelta(days=2)),
        )
        rejected = factory.Trait(
            status=SignalStatus.REJECTED,
            responded_at=factory.LazyAttribute(lambda o: o.raised_at + timezone.timedelta(hours=4)),
            closed_at=factory.LazyAttribute(lambda o: o.raised_at + timezone.timedelta(hours=4)),
        )


class EvidenceFactory(factory.django.DjangoModelFactory):
    """Evidence created directly; keeps the signal's counter right as the services do."""

    class Meta:
        model = Evidence

    signal = factory.SubFactory(SignalFactory)
    contact = factory.SubFactory(ContactFactory)
    added_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        evidence = super()._create(model_class, *args, **kwargs)
        Signal.objects.filter(pk=evidence.signal_id).update(evidence_count=F("evidence_count") + 1)
        evidence.signal.evidence_count += 1
        return evidence


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    signal = factory.SubFactory(SignalFactory)
    by = factory.SubFactory(UserFactory)
    from_status = SignalStatus.NEW
    to_status = SignalStatus.ACKNOWLEDGED
    response = "We pakken dit op."
