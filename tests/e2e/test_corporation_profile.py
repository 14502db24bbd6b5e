"""The housing-corporation profile in Chromium (issue #15): every demo role logs in through the
login form and opens every page of its navigation; each page is axe-clean, carries the
corporation's name and says "huurder", never "inwoner" or "gemeente". Screenshots of each
role's pages go to $KCC_SCREENSHOTS (default /tmp/shots-corp/) for a person to look at."""

import os
import re
from pathlib import Path

import pytest

from tests.core.test_terminology_pages import ROLES, _seed_small

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KCC_SCREENSHOTS", "/tmp/shots-corp"))
MUNICIPAL_WORDS = re.compile(r"inwoner|gemeente", re.IGNORECASE)


def _nav_links(page) -> list[str]:
    return page.locator("#main-nav a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_every_role_walks_the_corporation_profile_axe_clean(page, live_server, login_page, axe, corporation_profile, monkeypatch):
    _seed_small(monkeypatch)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    walked = 0
    for username in ROLES:
        page.context.clear_cookies()
        login_page(page, username)
        assert "Woonstichting Voorbeeldwonen" in page.locator("header").inner_text()
        links = list(dict.fromkeys(["/", *_nav_links(page)]))
        assert len(links) > 1, username
        for i, link in enumerate(links):
            page.goto(f"{live_server.url}{link}")
            page.wait_for_load_state("networkidle")
            text = page.locator("body").inner_text()
            assert not MUNICIPAL_WORDS.search(text), f"{username} {link}: {MUNICIPAL_WORDS.findall(text)}"
            axe(page, context=f"{username} {link}")
            page.screenshot(path=str(SHOTS / f"{username}-{i:02d}.png"))
            walked += 1
    assert walked > 30


def test_the_agent_sees_tenants_and_their_rental_unit(page, live_server, login_page, axe, corporation_profile, monkeypatch):
    from kcc.core.models import Customer

    _seed_small(monkeypatch)
    customer = Customer.objects.filter(contacts__isnull=False).order_by("pk").first()
    login_page(page, "agent")
    page.goto(f"{live_server.url}/klanten/{customer.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Verhuureenheid", exact=True).first.is_visible()
    assert customer.street in page.locator("main").inner_text()
    assert not MUNICIPAL_WORDS.search(page.locator("body").inner_text())
    axe(page, context="tenant")
    page.screenshot(path=str(SHOTS / "agent-tenant.png"), full_page=True)
    # The customer search (typed, keyboard only) lists tenants with their rental unit.
    page.goto(f"{live_server.url}/klanten/")
    page.wait_for_load_state("networkidle")
    page.locator("#id_q").focus()
    page.keyboard.type(f"{customer.postcode} {customer.house_number}")
    page.keyboard.press("Enter")
    page.locator("#customer-results table").wait_for()
    results = page.locator("#customer-results").inner_text()
    assert "Verhuureenheid" in results and customer.last_name in results
    assert not MUNICIPAL_WORDS.search(page.locator("body").inner_text())
    axe(page, context="customer search")
    page.screenshot(path=str(SHOTS / "agent-search.png"))
