"""Desk shortcuts (docs/desk.md, docs/keyboard.md): one contract (`data-shortcut="Alt+Shift+X"`),
no key used twice on the agent's contact workspace -- with the callbacks and signals panels
present -- and the keys the docs list are the keys the templates carry."""

import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from channels.constants import Channel
from channels.desk import call_start
from kcc.core.services import customer_create
from tests.callbacks.factories import CallbackFactory

from .factories import ContactFactory, MessageFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
SHORTCUT = re.compile(r'data-shortcut="([^"]+)"')
# Where the desk's shortcuts live: the workspace and its partials, the panels other apps put
# in it, the header's "Nieuw gesprek" and the screen-pop, and the forms that set them.
DESK_SOURCES = [
    *sorted((ROOT / "templates/channels").glob("_*.html")),
    *sorted((ROOT / "templates/channels/desk").glob("*.html")),
    ROOT / "templates/channels/contact_detail.html",
    ROOT / "templates/channels/transfer_advice.html",  # loaded into the close form (Alt+Shift+D)
    ROOT / "templates/callbacks/contact_panel.html",
    *sorted((ROOT / "templates/signals/panels").glob("*.html")),
]
FORM_SHORTCUT = re.compile(r'"data-shortcut"\]?\s*[:=]\s*"([^"]+)"|"data-shortcut":\s*"([^"]+)"')


def _docs_table_keys(path: str) -> set[str]:
    return set(re.findall(r"^\| (Alt\+Shift\+[A-Z]) \|", (ROOT / path).read_text(), re.M))


def _source_keys() -> set[str]:
    keys = set()
    for path in DESK_SOURCES:
        keys |= set(SHORTCUT.findall(path.read_text()))
    for match in FORM_SHORTCUT.finditer((ROOT / "channels/forms.py").read_text()):
        keys.add(match.group(1) or match.group(2))
    return keys


def _rendered_keys(html: str) -> list[str]:
    # The old form data-kcc-shortcut="s" meant Alt+Shift+S: count it as that key.
    legacy = ["Alt+Shift+" + key.upper() for key in re.findall(r'data-kcc-shortcut="([^"]+)"', html)]
    return SHORTCUT.findall(html) + legacy


@pytest.fixture
def jan(agent):
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678", email="jan@example.nl")


def _workspaces(agent, jan):
    CallbackFactory(customer=jan)
    phone = call_start(user=agent, customer=jan)
    email = ContactFactory(channel=Channel.EMAIL, customer=jan, claimed=True, assigned_to=agent)
    MessageFactory(contact=email)
    whatsapp = ContactFactory(channel=Channel.WHATSAPP, customer=jan, claimed=True, assigned_to=agent, caller_address="+31612345678")
    MessageFactory(contact=whatsapp, sender_address="+31612345678", sender="+31612345678")
    return {"phone": phone, "email": email, "whatsapp": whatsapp}


@pytest.mark.parametrize("channel", ["phone", "email", "whatsapp"])
def test_no_shortcut_is_used_twice_on_the_workspace(login, agent, jan, channel):
    contact = _workspaces(agent, jan)[channel]
    html = login(agent).get(reverse("channels:contact_detail", args=[contact.pk])).content.decode()
    assert 'data-testid="contact-panel-callbacks"' in html and 'data-testid="signal-panel"' in html
    keys = _rendered_keys(html)
    assert keys, "the workspace carries shortcuts"
    twice = {key: n for key, n in Counter(keys).items() if n > 1}
    assert not twice, f"shortcuts used twice: {twice}"
    # "Signaal melden" and "Notities opslaan" each have their own key.
    assert 'data-shortcut="Alt+Shift+M"' in html and 'data-shortcut="Alt+Shift+S"' in html


def test_desk_docs_list_exactly_the_keys_the_templates_carry():
    documented = _docs_table_keys("docs/desk.md")
    assert documented == _source_keys()


def test_keyboard_docs_name_only_keys_that_exist():
    carried = set()
    for path in list((ROOT / "templates").rglob("*.html")):
        carried |= set(SHORTCUT.findall(path.read_text()))
    for path in [*ROOT.glob("*/forms.py"), *ROOT.glob("kcc/*/forms.py")]:
        for match in FORM_SHORTCUT.finditer(path.read_text()):
            carried.add(match.group(1) or match.group(2))
    named = set(re.findall(r"Alt\+Shift\+[A-Z]\b", (ROOT / "docs/keyboard.md").read_text()))
    assert named and named <= carried


def test_no_legacy_shortcut_attribute_is_left():
    hits = []
    for pattern in ("templates/**/*.html", "*/forms.py", "kcc/**/*.py", "static/js/*.js"):
        for path in ROOT.glob(pattern):
            if "data-kcc-shortcut" in path.read_text():
                hits.append(str(path.relative_to(ROOT)))
    assert not hits
