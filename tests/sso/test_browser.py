"""Single sign-on in Chromium: through the provider's own login, consent and logout pages, and
back; our pages checked with axe. Screenshots in /tmp/shots-sso/."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.e2e.conftest import browser_context_args, browser_type_launch_args, check_axe  # noqa: F401  (fixtures)

from .provider import running_provider

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots-sso")


@pytest.fixture(scope="session")
def live_provider(live_server):
    with running_provider(rp_base=live_server.url) as provider:
        yield provider


@pytest.fixture
def sso_live(settings, live_provider):
    live_provider.configure(settings)
    return live_provider


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _sign_in_at_provider(page, login):
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("welkom")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_sign_in_through_the_provider_and_log_out_at_both_sides(page, live_server, sso_live, group_mapping):
    get_user_model().objects.create_user("sanne")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/inloggen/")
    check_axe(page, context="login page with single sign-on")
    _shot(page, "1-login")
    link = page.get_by_role("link", name="Inloggen met organisatieaccount")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{sso_live.issuer}/**")
    _sign_in_at_provider(page, "sanne")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("user-name").inner_text() == "Sanne de Vries"
    assert page.get_by_test_id("user-role").inner_text() == "KCC-medewerker"
    check_axe(page, context="home page after single sign-on")
    _shot(page, "2-home")

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{sso_live.issuer}/session/end**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/inloggen/")
    _shot(page, "3-logged-out")
    page.goto(f"{live_server.url}/")
    assert "/inloggen/" in page.url
    # The provider's session ended too: it asks for the login again.
    page.get_by_role("link", name="Inloggen met organisatieaccount").click()
    page.wait_for_url(f"{sso_live.issuer}/**")
    assert page.locator("input[name=login]").is_visible()


def test_an_unknown_group_sees_a_clear_dutch_page(page, live_server, sso_live, group_mapping):
    get_user_model().objects.create_user("ingrid")
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_role("link", name="Inloggen met organisatieaccount").click()
    page.wait_for_url(f"{sso_live.issuer}/**")
    _sign_in_at_provider(page, "ingrid")
    page.wait_for_url(f"{live_server.url}/sso/callback/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Je organisatieaccount geeft geen toegang tot het KCC"
    assert "functioneel beheerder" in page.get_by_test_id("sso-refused").inner_text()
    check_axe(page, context="no access page")
    _shot(page, "4-no-access")
    page.get_by_role("link", name="Terug naar de inlogpagina").click()
    page.wait_for_url(f"{live_server.url}/inloggen/")
