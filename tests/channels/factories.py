import factory
from django.utils import timezone

from channels.constants import Channel, ContactStatus, DeliveryStatus, Direction, Outcome
from channels.models import Contact, Message, Transfer


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    channel = Channel.EMAIL
    direction = Direction.INBOUND
    subject = factory.Sequence(lambda n: f"Vraag over de afvalpas {n}")
    question = ""
    status = ContactStatus.NEW
    started_at = factory.LazyFunction(timezone.now)

    class Params:
        phone = factory.Trait(channel=Channel.PHONE, caller_address="+31612345678")
        claimed = factory.Trait(status=ContactStatus.OPEN, claimed_at=factory.LazyFunction(timezone.now))
        closed_resolved = factory.Trait(
            status=ContactStatus.CLOSED,
            outcome=Outcome.RESOLVED,
            answered_at=factory.LazyAttribute(lambda o: o.started_at),
            ended_at=factory.LazyAttribute(lambda o: o.started_at + timezone.timedelta(minutes=4)),
        )
        transferred = factory.Trait(
            status=ContactStatus.CLOSED,
            outcome=Outcome.TRANSFERRED,
            answered_at=factory.LazyAttribute(lambda o: o.started_at),
            ended_at=factory.LazyAttribute(lambda o: o.started_at + timezone.timedelta(minutes=3)),
        )


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    contact = factory.SubFactory(ContactFactory)
    direction = Direction.INBOUND
    channel = factory.LazyAttribute(lambda o: o.contact.channel)
    sender = "Jan Jansen <jan.jansen@example.nl>"
    sender_address = "jan.jansen@example.nl"
    recipients = "kcc@voorbeeldstad.example"
    subject = factory.LazyAttribute(lambda o: o.contact.subject)
    message_id = factory.Sequence(lambda n: f"<bericht-{n}@mail.example.nl>")
    body_text = "Goedendag, mijn afvalpas is kwijt. Hoe kom ik aan een nieuwe?"
    sent_at = factory.LazyFunction(timezone.now)

    class Params:
        outbound = factory.Trait(direction=Direction.OUTBOUND, delivery_status=DeliveryStatus.SENT, sender_address="kcc@voorbeeldstad.example")


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer

    contact = factory.SubFactory(ContactFactory, transferred=True)
    reason = "Vraag over de aanslag, specialist nodig"
