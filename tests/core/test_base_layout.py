"""templates/base.html: favicon, the staff density token layer after the theme, and the keyboard
dialogs for logged-in staff only."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_in_svg_with_ico_and_png_fallbacks(client):
    html = client.get(reverse("core:login")).content.decode()
    for name in ("favicon.svg", "favicon.ico", "favicon-180.png"):
        assert f"/static/{name}" in html
        assert finders.find(name), name
    assert finders.find("favicon.ico") and open(finders.find("favicon.ico"), "rb").read(4) == b"\x00\x00\x01\x00"


def test_staff_density_tokens_load_after_the_theme(login, agent):
    html = login(agent).get(reverse("core:home")).content.decode()
    assert "kcc-density-staff" in html.split("<head>")[0]
    assert html.index("vendor/voorbeeld-theme/theme.css") < html.index("css/tokens-staff.css") < html.index("css/app.css")


def test_keyboard_dialogs_and_palette_only_for_logged_in_staff(client, login, agent):
    anonymous = client.get(reverse("core:login")).content.decode()
    assert 'id="kcc-palette"' not in anonymous and "js/palette.js" not in anonymous
    html = login(agent).get(reverse("core:home")).content.decode()
    assert 'id="kcc-shortcuts"' in html and 'id="kcc-palette"' in html and "js/palette.js" in html
    assert "Druk op ? voor de sneltoetsen" in html
