"""Login throttling per username and client address, with a per-username ceiling."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Welkom-bij-het-KCC-2026"
OFFICE = "192.0.2.10"  # the KCC's one NAT address


def _login(client, username, password, address):
    return client.post(reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failures_from_one_address_lock_that_username_there_only(client, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "agent", "wrong-password", OFFICE)
    locked = _login(client, "agent", PASSWORD, OFFICE)
    assert locked.status_code == 429
    assert "geblokkeerd" in locked.content.decode()
    # An attacker elsewhere who knows the username cannot lock the agent out of the office:
    # the agent's own address is a different pair.
    assert _login(client, "agent", PASSWORD, "198.51.100.7").status_code == 302


def test_typos_of_the_whole_team_behind_one_office_address_lock_nobody_else(client, agent, agent2, teamlead, settings):
    # Every colleague mistypes just under the limit, all through the same NAT address: far more
    # failures from that address than the limit, and still nobody is locked out.
    for username in ("agent", "teamleider"):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert _login(client, username, "wrong-password", OFFICE).status_code == 200
    assert _login(client, "agent2", PASSWORD, OFFICE).status_code == 302
    client.logout()
    assert _login(client, "teamleider", PASSWORD, OFFICE).status_code == 302
    client.logout()
    # One agent locked at the office address does not lock a colleague there either.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "agent", "wrong-password", OFFICE)
    assert _login(client, "agent", PASSWORD, OFFICE).status_code == 429
    assert _login(client, "agent2", PASSWORD, OFFICE).status_code == 302


def test_a_username_attacked_from_many_addresses_hits_the_higher_ceiling(client, agent, agent2, settings):
    settings.KCC_LOGIN_USERNAME_FAILURE_LIMIT = 12
    below = settings.AXES_FAILURE_LIMIT - 1
    # 3 addresses x 4 failures = 12: no single pair reaches its limit, the username does.
    for n in range(3):
        for _ in range(below):
            _login(client, "agent", "wrong-password", f"203.0.113.{n + 1}")
    # Locked everywhere now, also from an address that never failed, and from the office.
    assert _login(client, "agent", PASSWORD, "203.0.113.200").status_code == 429
    assert _login(client, "agent", PASSWORD, OFFICE).status_code == 429
    # Other usernames are untouched.
    assert _login(client, "agent2", PASSWORD, OFFICE).status_code == 302


def test_below_the_ceiling_a_spread_attack_does_not_lock_the_username(client, agent, settings):
    settings.KCC_LOGIN_USERNAME_FAILURE_LIMIT = 12
    for n in range(2):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            _login(client, "agent", "wrong-password", f"203.0.113.{n + 1}")
    assert _login(client, "agent", PASSWORD, OFFICE).status_code == 302
