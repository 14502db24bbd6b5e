import pytest
from django.utils import timezone

from kcc.core.constants import AddressKind, Role
from kcc.core.services import customer_address_add

from ..conftest import make_staff


@pytest.fixture
def backoffice2_belastingen(belastingen):
    return make_staff("bo2-belastingen", belastingen, Role.BACKOFFICE, first_name="Karin", last_name="Smit")


@pytest.fixture
def manager2_belastingen(belastingen):
    return make_staff("manager2-belastingen", belastingen, Role.MANAGER, first_name="Eva", last_name="de Boer")


@pytest.fixture
def resident(customer):
    """The shared customer with a phone number and an e-mail address."""
    customer_address_add(customer=customer, kind=AddressKind.PHONE, value="06-12345678", is_default=True)
    customer_address_add(customer=customer, kind=AddressKind.EMAIL, value="jan.jansen@example.nl", is_default=True)
    return customer


@pytest.fixture
def make_contact(db):
    """make_contact(**fields): an open inbound phone contact, as the inbox would create it."""
    from channels.constants import Channel, ContactStatus
    from channels.models import Contact

    def _make(**fields):
        fields.setdefault("channel", Channel.PHONE)
        fields.setdefault("status", ContactStatus.OPEN)
        fields.setdefault("started_at", timezone.now())
        fields.setdefault("subject", "Vraag over de aanslag")
        fields.setdefault("question", "Inwoner wil weten waarom de aanslag hoger is dan vorig jaar.")
        return Contact.objects.create(**fields)

    return _make


@pytest.fixture
def make_callback(agent, belastingen):
    """make_callback(**fields): a callback made through the service (deadline, log, e-mail)."""
    from callbacks.services import callback_create

    def _make(**fields):
        fields.setdefault("user", agent)
        fields.setdefault("target_department", belastingen)
        fields.setdefault("question", "Vraag over de WOZ-waarde")
        fields.setdefault("phone", "06-12345678")
        if "customer" not in fields:
            fields.setdefault("caller_name", "Anonieme beller")
        return callback_create(**fields)

    return _make
