import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_csp_header_is_strict(login, agent):
    response = login(agent).get(reverse("core:home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


def test_pages_contain_no_inline_scripts_or_styles(login, agent, customer):
    client = login(agent)
    for url in (reverse("core:home"), reverse("core:customer_detail", args=[customer.pk]), reverse("core:customer_search")):
        html = client.get(url).content.decode()
        assert "<script>" not in html
        assert "style=" not in html
        for chunk in html.split("<script")[1:]:
            assert "src=" in chunk.split(">")[0], f"inline script on {url}"


def test_htmx_requests_without_csrf_token_are_refused(agent, customer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(reverse("core:customer_bsn", args=[customer.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 403


def test_body_carries_csrf_header_for_htmx(login, agent):
    html = login(agent).get(reverse("core:home")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def _login_form(client, username, password):
    return client.post(reverse("core:login"), {"username": username, "password": password})


def test_login_is_throttled_per_username(client, agent, agent2, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login_form(client, "agent", "wrong-password")
    locked = _login_form(client, "agent", "Welkom-bij-het-KCC-2026")
    assert locked.status_code == 429
    assert "geblokkeerd" in locked.content.decode()
    # Same workstation (same IP), other username: not affected.
    other = _login_form(client, "agent2", "Welkom-bij-het-KCC-2026")
    assert other.status_code == 302


def test_wrong_password_gives_a_dutch_error(client, agent):
    response = _login_form(client, "agent", "nope")
    assert response.status_code == 200
    assert "Onbekende gebruikersnaam of onjuist wachtwoord" in response.content.decode()


def test_idle_session_is_logged_out(client, agent, settings):
    settings.KCC_SESSION_IDLE_SECONDS = 30 * 60
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False) as traveller:
        client.post(reverse("core:login"), {"username": "agent", "password": "Welkom-bij-het-KCC-2026"})
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(29 * 60)
        assert client.get(reverse("core:home")).status_code == 200  # activity resets the clock
        traveller.shift(29 * 60)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(31 * 60)
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:login"))
        # and the session is really gone
        assert client.get(reverse("core:home")).status_code == 302


def test_background_polls_do_not_keep_an_idle_session_alive(client, agent, settings):
    settings.KCC_SESSION_IDLE_SECONDS = 30 * 60
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False) as traveller:
        client.post(reverse("core:login"), {"username": "agent", "password": "Welkom-bij-het-KCC-2026"})
        for _ in range(3):
            traveller.shift(10 * 60)
            poll = client.get(reverse("core:home"), HTTP_X_KCC_BACKGROUND="1", HTTP_HX_REQUEST="true")
            assert poll.status_code == 200
        traveller.shift(2 * 60)
        response = client.get(reverse("core:home"), HTTP_HX_REQUEST="true")
        assert response.status_code == 401
        assert response["HX-Redirect"] == reverse("core:login")


def test_logout_requires_post(login, agent):
    client = login(agent)
    assert client.get(reverse("core:logout")).status_code == 405
    assert client.post(reverse("core:logout")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_health_endpoint_is_public(client):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
