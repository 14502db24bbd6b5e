"""The circuit breaker (kcc/commonground/breaker.py) against the real loopback BRP double in its
hanging mode: it opens after a timeout, answers at once while open (no request, no thread held
for the deadline), lets one probe through when the period is over, and closes on recovery."""

import threading
import time

import pytest
from django.urls import reverse

from channels.constants import ContactStatus
from kcc.commonground import breaker
from kcc.commonground.checks import check_timeout_below_give_up
from kcc.commonground.clients import ApiError, BrpClient
from kcc.commonground.constants import BRP_SEARCH_BSN
from kcc.core.services import customer_create
from tests.channels.factories import ContactFactory

from .conftest import SUZANNE

pytestmark = pytest.mark.django_db


def lookup():
    """One BRP lookup: (the ApiError kind or "ok", seconds it took)."""
    started = time.monotonic()
    try:
        BrpClient().personen(BRP_SEARCH_BSN, burgerservicenummer=[SUZANNE])
        kind = "ok"
    except ApiError as exc:
        kind = exc.kind
    return kind, time.monotonic() - started


@pytest.fixture
def hanging_brp(brp, settings):
    settings.KCC_COMMONGROUND_TIMEOUT = 0.4
    settings.KCC_COMMONGROUND_BREAKER_SECONDS = 0.8
    brp.fault = "timeout"
    return brp


def test_a_timeout_opens_the_breaker_and_later_lookups_answer_at_once_without_a_request(hanging_brp):
    kind, took = lookup()
    assert kind == "timeout" and took >= 0.35
    assert breaker.is_open("brp")
    sent = len(hanging_brp.requests)
    for _ in range(3):
        kind, took = lookup()
        assert kind == "open"
        assert took < 0.1  # no thread held for the 0.4 s deadline
    assert len(hanging_brp.requests) == sent  # the hanging BRP was not asked again


def test_after_the_period_one_probe_goes_through_while_the_others_still_answer_at_once(hanging_brp):
    lookup()
    time.sleep(0.85)
    probe = {}
    thread = threading.Thread(target=lambda: probe.update(result=lookup()))
    thread.start()
    time.sleep(0.1)  # the probe is on its way to the hanging BRP
    kind, took = lookup()
    assert kind == "open" and took < 0.1
    thread.join()
    assert probe["result"][0] == "timeout"
    assert breaker.is_open("brp")  # the failed probe opened it for another period


def test_a_successful_probe_closes_the_breaker(hanging_brp):
    lookup()
    assert lookup()[0] == "open"
    hanging_brp.fault = ""  # the BRP recovers
    assert lookup()[0] == "open"  # still inside the period: not asked yet
    time.sleep(0.85)
    assert lookup()[0] == "ok"  # the probe
    assert not breaker.is_open("brp")
    assert [lookup()[0] for _ in range(3)] == ["ok", "ok", "ok"]


def test_a_probe_that_gets_an_error_status_closes_the_breaker_too(hanging_brp):
    """The BRP answers again (a 500 is quick): no reason to hold panels back."""
    lookup()
    time.sleep(0.85)
    hanging_brp.fault = "500"
    assert lookup()[0] == "server"
    hanging_brp.fault = ""
    assert lookup()[0] == "ok"


def test_a_quick_error_does_not_open_the_breaker(brp):
    brp.fault = "500"
    assert lookup()[0] == "server"
    brp.fault = ""
    assert lookup()[0] == "ok"


def test_the_breaker_is_per_api(hanging_brp, zaken):
    from kcc.commonground.clients import ZakenClient

    lookup()
    assert breaker.is_open("brp") and not breaker.is_open("zaken")
    assert ZakenClient().zaken_for_bsn(SUZANNE)


def test_a_breaker_period_of_zero_turns_it_off(hanging_brp, settings):
    settings.KCC_COMMONGROUND_BREAKER_SECONDS = 0
    assert lookup()[0] == "timeout"
    assert lookup()[0] == "timeout"


def test_while_open_the_desk_panel_says_not_reachable_with_a_retry_at_once(hanging_brp, login, agent):
    customer = customer_create(user=agent, last_name="Moulin", bsn=SUZANNE)
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN, assigned_to=agent, customer=customer)
    client = login(agent)
    url = reverse("commonground:brp_panel", args=[contact.pk])
    first = client.post(url, HTTP_HX_REQUEST="true")
    assert "BRP niet bereikbaar" in first.content.decode()
    started = time.monotonic()
    again = client.post(url, HTTP_HX_REQUEST="true")
    assert time.monotonic() - started < 0.2
    html = again.content.decode()
    assert again.status_code == 200 and "BRP niet bereikbaar" in html and 'data-testid="brp-retry"' in html


@pytest.mark.parametrize(("seconds", "ok"), [(1.5, True), (1.79, True), (1.8, False), (2.5, False), (0, False)])
def test_the_server_deadline_must_end_before_the_panel_gives_up_in_the_browser(settings, seconds, ok):
    settings.KCC_COMMONGROUND_TIMEOUT = seconds
    errors = check_timeout_below_give_up(None)
    assert (errors == []) is ok
    if not ok:
        assert errors[0].id == "commonground.E001"
