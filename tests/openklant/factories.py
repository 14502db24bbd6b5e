"""A resident with BSN, e-mail and phone; a closed phone contact with a case, an answering
article and the agent; a callback from it with an attempt."""

from channels.constants import Channel, Direction
from channels.models import ContactArticle
from kcc.core.constants import AddressKind
from tests.callbacks.factories import AttemptFactory, CallbackFactory
from tests.channels.factories import ContactFactory
from tests.core.factories import CustomerFactory, DigitalAddressFactory
from tests.knowledgebase.factories import ArticleFactory

BSN = "999993653"
CASE_UUID = "095be615-a8ad-4c33-8e9c-c7612fbf6c9f"


def make_customer(**kwargs):
    customer = CustomerFactory(first_name="Suzanne", name_prefix="van", last_name="Moulin", bsn=BSN, **kwargs)
    DigitalAddressFactory(customer=customer, kind=AddressKind.EMAIL, value="suzanne@example.nl", is_default=True)
    DigitalAddressFactory(customer=customer, kind=AddressKind.PHONE, value="+31612345678", is_default=True)
    DigitalAddressFactory(customer=customer, kind=AddressKind.PHONE, value="+31201234567", is_default=False)
    return customer


def make_contact(*, customer, agent, **kwargs):
    contact = ContactFactory(
        customer=customer, closed_resolved=True, channel=Channel.PHONE, direction=Direction.INBOUND, closed_by=agent,
        subject="Vraag over de dakkapel", question="Wanneer wordt er besloten over mijn vergunning?",
        case_url=f"https://zaken.example.nl/zaken/api/v1/zaken/{CASE_UUID}", case_identification="ZAAK-2026-0042", **kwargs,
    )
    return contact


def link_article(contact, agent):
    article = ArticleFactory()
    return ContactArticle.objects.create(contact=contact, article=article, answered=True, marked_by=agent)


def make_callback(*, contact, **kwargs):
    return CallbackFactory(customer=contact.customer, source_contact=contact, note="Liefst na 14:00", **kwargs)


def make_attempt(*, callback, by, **kwargs):
    return AttemptFactory(callback=callback, by=by, note="Voicemail ingesproken", **kwargs)
