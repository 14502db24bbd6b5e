"""The caller search keeps every keystroke (bench/desk.py found `0652139998` kept as `065213`):
the box is outside what the search's htmx answer swaps, even while the server is slow."""

import re
import time

import pytest
from playwright.sync_api import expect

from channels import selectors
from channels.models import Contact
from kcc.core.services import customer_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_fast_during_a_slow_caller_search_keeps_every_character(page, live_server, login_page, agent, monkeypatch, axe):
    customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-52139998")
    real = selectors.caller_identify

    def slow_identify(**kwargs):  # runs in the live_server thread: every search answers late
        time.sleep(0.6)
        return real(**kwargs)

    monkeypatch.setattr(selectors, "caller_identify", slow_identify)
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, "agent")
    page.keyboard.press("Alt+Shift+N")  # "Nieuw gesprek"
    page.wait_for_url(re.compile(r"/inbox/contact/\d+/$"))
    box = page.locator("#id_caller_q")
    expect(box).to_be_focused()
    # pauses longer than the debounce: searches start and answer while typing goes on
    for ch in "0652139998":
        page.keyboard.type(ch)
        page.wait_for_timeout(170)
    expect(page.get_by_test_id("caller-announcement")).to_contain_text("Beller herkend: Jan Jansen", timeout=10000)
    expect(box).to_have_value("0652139998")
    expect(box).to_be_focused()
    expect(page.get_by_test_id("contact-customer")).to_have_text("Jan Jansen")
    assert Contact.objects.get().customer.last_name == "Jansen"
    axe(page, context="desk: caller found after fast typing")
