"""Fault tests of the Open Klant sync: the register down for a while, 409 and 400 answers, a
timeout, and a worker killed between the register's answer and the local commit."""

import os
import signal
from datetime import timedelta

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from kcc.openklant.constants import SyncKind, SyncStatus
from kcc.openklant.models import RemoteObject, SyncItem
from kcc.openklant.services import Outcome, sync_deliver_due, sync_item_retry, sync_item_send

from .factories import make_attempt, make_callback, make_contact, make_customer

LATER = timedelta(hours=2)


def _assert_each_object_once(register):
    """Every create reached the register exactly once: no twins."""
    for collection in register.store:
        assert register.count(collection) == register.creates(collection), collection
    nummers = [p["nummer"] for p in register.objects("partijen")]
    assert len(nummers) == len(set(nummers))
    refs = [k["referentienummer"] for k in register.objects("klantcontacten")]
    assert len(refs) == len(set(refs))


@pytest.mark.django_db
def test_register_down_queue_grows_nothing_lost_each_item_delivered_once(register, agent):
    register.fault = "500"
    contact = make_contact(customer=make_customer(), agent=agent)
    assert sync_deliver_due() == {Outcome.DOWN: 1}  # stops at the first server error
    first = SyncItem.objects.filter(attempts=1).order_by("pk").first()
    assert first.status == SyncStatus.PENDING and first.error.startswith("server 500")
    assert first.next_attempt_at > timezone.now()
    # While it is down, work goes on and the queue grows.
    callback = make_callback(contact=contact)
    make_attempt(callback=callback, by=agent)
    queued = SyncItem.objects.filter(status=SyncStatus.PENDING).count()
    assert queued >= 7
    later = timezone.now() + timedelta(minutes=1)
    sync_deliver_due(now=later)
    assert SyncItem.objects.filter(status=SyncStatus.PENDING).count() == queued  # nothing lost
    # The register is back: everything arrives, once.
    register.fault = ""
    sync_deliver_due(now=timezone.now() + LATER)
    assert set(SyncItem.objects.values_list("status", flat=True)) == {SyncStatus.SENT}
    assert register.count("partijen") == 1
    assert register.count("klantcontacten") == 2  # the contact and the attempt
    assert register.count("internetaken") == 1
    _assert_each_object_once(register)
    # A second sweep sends nothing again.
    posts = len([r for r in register.requests if r["method"] == "POST"])
    sync_deliver_due(now=timezone.now() + LATER)
    assert len([r for r in register.requests if r["method"] == "POST"]) == posts


@pytest.mark.django_db
def test_timeout_is_retried_with_backoff(register, settings):
    settings.KCC_OPENKLANT_TIMEOUT = 0.3
    register.fault = "timeout"
    make_customer()
    [pk] = SyncItem.objects.values_list("pk", flat=True).order_by("pk")[:1]
    assert sync_item_send(pk=pk) == Outcome.DOWN
    item = SyncItem.objects.get(pk=pk)
    assert item.error == "timeout" and item.status == SyncStatus.PENDING
    first_delay = item.next_attempt_at - timezone.now()
    assert sync_item_send(pk=pk, now=item.next_attempt_at) == Outcome.DOWN
    item.refresh_from_db()
    assert item.attempts == 2
    assert item.next_attempt_at - timezone.now() > first_delay  # the backoff grows
    register.fault = ""
    register.release.set()
    from kcc.commonground import breaker

    breaker.succeeded("klantinteracties")  # LATER: the breaker's period is over too
    assert sync_item_send(pk=pk, now=timezone.now() + LATER) == Outcome.SENT
    _assert_each_object_once(register)


@pytest.mark.django_db
def test_conflict_409_is_retried_and_then_delivered_once(register, agent):
    make_contact(customer=make_customer(), agent=agent)
    register.fail("POST", "klantcontacten", 409)
    assert sync_deliver_due() == {Outcome.SENT: 1, Outcome.RETRY: 1}  # the customer, then the contact
    item = SyncItem.objects.get(kind=SyncKind.CONTACT)
    assert item.status == SyncStatus.PENDING and item.error.startswith("client 409")
    sync_deliver_due(now=timezone.now() + LATER)
    item.refresh_from_db()
    assert item.status == SyncStatus.SENT
    assert register.count("klantcontacten") == 1
    _assert_each_object_once(register)


@pytest.mark.django_db
def test_repeated_409_ends_in_the_failed_list(register, settings):
    settings.KCC_OPENKLANT_MAX_ATTEMPTS = 3
    make_customer()
    register.fail("POST", "partijen", 409, times=10)
    now = timezone.now()
    for _ in range(3):
        now += LATER
        sync_deliver_due(now=now)
    assert set(SyncItem.objects.values_list("status", "attempts")) == {(SyncStatus.FAILED, 3)}


@pytest.mark.django_db
def test_400_goes_to_the_failed_list_with_the_reason_and_is_not_retried(register, client, admin_user):
    customer = make_customer()
    register.fail("POST", "partijen", 400)
    assert sync_deliver_due() == {Outcome.FAILED: 1}  # the customer and its three addresses: one object
    assert set(SyncItem.objects.values_list("status", flat=True)) == {SyncStatus.FAILED}
    item = SyncItem.objects.order_by("pk").first()
    assert "client 400" in item.error and "Injected fault" in item.error
    sync_deliver_due(now=timezone.now() + timedelta(days=3))
    item.refresh_from_db()
    assert item.status == SyncStatus.FAILED and item.attempts == 1
    assert register.creates("partijen") == 0
    # The failed list, with the reason, for an administrator.
    client.force_login(admin_user)
    page = client.get(reverse("admin:openklant_syncitem_changelist") + "?status__exact=failed")
    assert page.status_code == 200
    assert "Injected fault" in page.content.decode()
    # Queued again after the cause was fixed: delivered.
    for pk in SyncItem.objects.values_list("pk", flat=True):
        sync_item_retry(pk=pk)
    assert sync_deliver_due() == {Outcome.SENT: 1}
    assert RemoteObject.objects.filter(key=f"partij:customer:{customer.pk}").exists()


@pytest.mark.django_db(transaction=True)
def test_worker_killed_between_remote_post_and_local_commit_duplicates_nothing(register, agent, settings):
    """A real SIGKILL of a forked worker while the register has created the klantcontact but
    not yet answered: the worker's transaction (mapping rows, item status) is lost, the remote
    objects are not. The next send finds them by their stable identifiers."""
    settings.KCC_OPENKLANT_URL = ""  # set up without sending after commit
    contact = make_contact(customer=make_customer(), agent=agent)
    settings.KCC_OPENKLANT_URL = register.url
    item = SyncItem.objects.create(kind=SyncKind.CONTACT, object_id=contact.pk)
    register.pause_on = ("POST", "klantcontacten")
    connections.close_all()  # the child opens its own database connection
    pid = os.fork()
    if pid == 0:  # the worker
        try:
            sync_item_send(pk=item.pk)
        finally:
            os._exit(0)
    try:
        assert register.paused.wait(20), "the worker never reached the klantcontact POST"
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    register.pause_on = None
    register.release.set()
    assert register.count("klantcontacten") == 1 and register.count("partijen") == 1
    item.refresh_from_db()
    assert item.status == SyncStatus.PENDING  # the kill rolled the worker's transaction back
    assert not RemoteObject.objects.exists()
    for _ in range(50):  # PostgreSQL notices the dead connection and frees the row lock
        if sync_item_send(pk=item.pk) != Outcome.BUSY:
            break
    item.refresh_from_db()
    assert item.status == SyncStatus.SENT
    assert register.count("klantcontacten") == 1
    assert register.count("partijen") == 1
    assert register.creates("klantcontacten") == 1 and register.creates("partijen") == 1
    assert RemoteObject.objects.filter(key=f"klantcontact:contact:{contact.pk}").exists()


@pytest.mark.django_db
def test_an_open_circuit_breaker_is_the_register_down_not_a_reason_to_give_up(register, settings):
    """After a timeout the shared breaker answers "open" at once for a while (the desk panel and
    the sync share it): the items wait and are retried, they never land in the failed list."""
    from kcc.commonground import breaker

    settings.KCC_OPENKLANT_MAX_ATTEMPTS = 2
    customer = make_customer()
    breaker.failed("klantinteracties")
    item = SyncItem.objects.filter(kind=SyncKind.CUSTOMER, object_id=customer.pk).first()
    for _ in range(4):
        assert sync_item_send(pk=item.pk, force=True) == Outcome.DOWN
    item.refresh_from_db()
    assert item.status == SyncStatus.PENDING and item.attempts == 4
    breaker.succeeded("klantinteracties")
    assert sync_item_send(pk=item.pk, force=True) == Outcome.SENT
    assert register.count("partijen") == 1
