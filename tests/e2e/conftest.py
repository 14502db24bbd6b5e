"""Browser tests: Playwright in Debian's Chromium against live_server, with axe-core.

Never `playwright install`: the browser is /usr/bin/chromium (bin/system-deps.sh installs it).
"""

import json
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("KCC_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "Welkom-bij-het-KCC-2026"

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps` (Debian package chromium).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


class AxeViolations(AssertionError):
    pass


def check_axe(page, *, context: str = "") -> None:
    """Inject axe-core into the page and fail on any WCAG 2.1 A/AA violation."""
    # evaluate() runs through the DevTools protocol, so the page's strict CSP (no inline
    # scripts) stays in force while axe is loaded.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    violations = result["violations"]
    if violations:
        summary = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in violations
        ]
        raise AxeViolations(f"axe found WCAG violations on {context or page.url}:\n{json.dumps(summary, indent=2)}")


@pytest.fixture
def axe():
    return check_axe


@pytest.fixture
def login_page(live_server):
    """login_page(page, username) logs in through the real login form."""

    def _login(page, username, password=PASSWORD):
        page.goto(f"{live_server.url}/inloggen/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state("networkidle")
        return page

    return _login
