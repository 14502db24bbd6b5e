"""Changes land in the Open Klant outbox in their own transaction; off by default."""

import pytest
from django.db import transaction

from kcc.openklant.constants import SyncKind, SyncStatus
from kcc.openklant.models import SyncItem
from kcc.openklant.services import sync_deliver_due
from tests.core.factories import CustomerFactory

from .factories import make_callback, make_contact, make_customer


@pytest.mark.django_db
def test_sync_is_off_by_default_and_queues_nothing(settings):
    assert settings.KCC_OPENKLANT_URL == ""
    CustomerFactory()
    assert not SyncItem.objects.exists()


@pytest.mark.django_db
def test_change_and_outbox_row_commit_or_roll_back_together(register):
    with pytest.raises(RuntimeError), transaction.atomic():
        CustomerFactory()
        assert SyncItem.objects.count() == 1
        raise RuntimeError
    assert not SyncItem.objects.exists()
    customer = CustomerFactory()
    assert list(SyncItem.objects.values_list("kind", "object_id")) == [(SyncKind.CUSTOMER, customer.pk)]


@pytest.mark.django_db
def test_open_contact_is_not_sent_until_closed(register, agent):
    from tests.channels.factories import ContactFactory

    ContactFactory(customer=None)
    assert not SyncItem.objects.filter(kind=SyncKind.CONTACT).exists()


@pytest.mark.django_db
def test_several_changes_of_one_object_cost_one_send(register, agent):
    customer = make_customer()
    customer.city = "Elders"
    customer.save()
    assert SyncItem.objects.filter(kind=SyncKind.CUSTOMER).count() > 3
    assert sync_deliver_due() == {"sent": 1}
    assert set(SyncItem.objects.values_list("status", flat=True)) == {SyncStatus.SENT}
    assert register.creates("partijen") == 1


@pytest.mark.django_db
def test_restricted_customer_is_not_sent(register, agent):
    from django.utils import timezone

    customer = make_customer(restricted_at=timezone.now())
    make_callback(contact=make_contact(customer=customer, agent=agent))
    sync_deliver_due()
    assert register.count("partijen") == register.count("klantcontacten") == register.count("internetaken") == 0
    assert set(SyncItem.objects.values_list("status", flat=True)) == {SyncStatus.SENT}


@pytest.mark.django_db(transaction=True)
def test_commit_hands_the_item_to_a_worker(register):
    """After commit the send task runs (eager in tests) and the party is in the register."""
    CustomerFactory(bsn="")
    assert register.count("partijen") == 1
    assert SyncItem.objects.get().status == SyncStatus.SENT


@pytest.mark.django_db
def test_when_off_the_hooks_add_no_query_to_the_desks_writes(settings, agent):
    """The desk's writes (caller identified and updated, contact closed) with the sync off run
    the same queries as without this app: the receivers read a setting, not the database. With
    the sync on the same writes do touch the outbox (what the check would catch)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from channels.services import contact_close
    from kcc.core.services import customer_address_add, customer_update
    from tests.channels.factories import ContactFactory

    def desk_writes():
        customer = CustomerFactory(bsn="")
        customer_update(user=agent, customer=customer, city="Elders")
        customer_address_add(customer=customer, kind="email", value=f"c{customer.pk}@example.nl")
        contact = ContactFactory(customer=customer, assigned_to=agent)
        contact_close(user=agent, contact=contact, outcome="resolved")

    def outbox_sql(on):
        settings.KCC_OPENKLANT_URL = "http://127.0.0.1:9/klantinteracties/api/v1" if on else ""
        with CaptureQueriesContext(connection) as queries:
            desk_writes()
        return [q["sql"] for q in queries if "openklant_" in q["sql"]]

    assert outbox_sql(on=False) == []
    assert outbox_sql(on=True) != []
