"""manage.py openklant_backfill: pushes everything, shows progress, resumes after an interruption."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kcc.openklant.constants import SyncKind, SyncStatus
from kcc.openklant.models import BackfillCursor, SyncItem
from tests.core.factories import CustomerFactory

from .factories import make_attempt, make_callback, make_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing_data(register, settings, agent):
    """Data from before the sync was switched on (nothing queued)."""
    settings.KCC_OPENKLANT_URL = ""
    customers = [CustomerFactory() for _ in range(4)]
    contacts = [make_contact(customer=c, agent=agent) for c in customers]
    callback = make_callback(contact=contacts[0])
    make_attempt(callback=callback, by=agent)
    assert not SyncItem.objects.exists()
    settings.KCC_OPENKLANT_URL = register.url
    return customers, contacts


def test_backfill_pushes_everything_with_progress(register, existing_data):
    out = StringIO()
    call_command("openklant_backfill", stdout=out)
    assert register.count("partijen") == 4
    assert register.count("klantcontacten") == 5  # four contacts and the attempt
    assert register.count("internetaken") == 1
    assert "10/10 (100%)" in out.getvalue()
    assert set(SyncItem.objects.values_list("status", flat=True)) == {SyncStatus.SENT}
    # Running it again from the start creates nothing twice.
    call_command("openklant_backfill", "--restart", stdout=StringIO())
    assert register.count("partijen") == 4 and register.count("klantcontacten") == 5
    assert register.creates("partijen") == 4


def test_backfill_resumes_after_an_interruption(register, existing_data):
    call_command("openklant_backfill", "--kind", "customer", "--batch", "2", "--limit", "2", stdout=StringIO())
    assert register.count("partijen") == 2
    assert BackfillCursor.objects.get(kind=SyncKind.CUSTOMER).last_id == existing_data[0][1].pk
    call_command("openklant_backfill", stdout=StringIO())
    assert register.count("partijen") == 4
    assert register.creates("partijen") == 4
    assert register.count("internetaken") == 1


def test_backfill_stops_with_a_clear_message_when_the_register_is_down(register, existing_data):
    register.fault = "500"
    with pytest.raises(CommandError, match="does not answer"):
        call_command("openklant_backfill", "--batch", "2", stdout=StringIO())
    register.fault = ""
    call_command("openklant_backfill", stdout=StringIO())
    assert register.count("partijen") == 4 and register.creates("partijen") == 4


def test_backfill_refuses_when_the_sync_is_off(settings):
    settings.KCC_OPENKLANT_URL = ""
    with pytest.raises(CommandError, match="off"):
        call_command("openklant_backfill", stdout=StringIO())
