import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_agent_logs_in_sees_dutch_home_page_and_logs_out(page, live_server, login_page, agent, axe):
    page.goto(f"{live_server.url}/inloggen/")
    axe(page, context="login page")
    login_page(page, "agent")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welkom")
    assert page.get_by_test_id("user-role").inner_text() == "KCC-medewerker"
    assert page.locator("html").get_attribute("lang") == "nl"
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    assert nav.get_by_role("link", name="Klanten").is_visible()
    axe(page, context="home page")
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{live_server.url}/inloggen/")
    page.goto(f"{live_server.url}/")
    assert "/inloggen/" in page.url


def test_skip_link_is_first_and_moves_focus_to_main(page, live_server, login_page, agent):
    login_page(page, "agent")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Direct naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
