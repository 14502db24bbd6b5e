"""Under the housing-corporation profile no page of any role's navigation says "inwoner" or
"gemeente" (issue #15): the demo corporation is seeded (smaller), each demo role logs in, and
the visible text of its home page, every page in its navigation, and the detail pages an agent
opens most are scanned. The municipal profile keeps its words on the same pages."""

import dataclasses
import html.parser
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kcc.core import demo as core_demo
from kcc.core.terminology import CORPORATION

MUNICIPAL_WORDS = re.compile(r"inwoner|gemeente", re.IGNORECASE)
ROLES = ["agent", "teamleider", "backoffice", "manager", "redacteur", "beheerder", "privacy"]
# What a person perceives: text, and the attributes a screen reader or a tooltip reads out.
SPOKEN_ATTRIBUTES = ("alt", "title", "aria-label", "aria-description", "placeholder")


class VisibleText(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []
        self.nav_links: list[str] = []
        self.in_nav = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self.skip += 1
        if tag == "nav" and (attrs.get("id") == "main-nav" or self.in_nav):
            self.in_nav += 1
        if tag == "a" and self.in_nav and attrs.get("href"):
            self.nav_links.append(attrs["href"])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])
        self.parts += [attrs[a] for a in SPOKEN_ATTRIBUTES if attrs.get(a)]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skip:
            self.skip -= 1
        if tag == "nav" and self.in_nav:
            self.in_nav -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data.strip())


def visible(body: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(body)
    return parser


def _seed_small(monkeypatch):
    """The demo organisation of the current profile, at a tenth of its size (same seeders)."""
    from channels import demo as channels_demo

    for kind, org in list(core_demo.PROFILES.items()):
        monkeypatch.setitem(core_demo.PROFILES, kind, dataclasses.replace(org, customers=300))
    monkeypatch.setattr(channels_demo, "DAYS", 12)
    monkeypatch.setattr(channels_demo, "PER_WORKING_DAY", 20)
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())


def _detail_pages():
    """The pages an agent opens most, besides the navigation: a customer, a contact, a
    callback, a signal, an article and a department."""
    from callbacks.models import CallbackRequest
    from channels.models import Contact
    from kcc.core.models import Customer
    from knowledgebase.models import Article
    from signals.models import Signal

    customer = Customer.objects.filter(contacts__isnull=False).order_by("pk").first()
    return [
        f"/klanten/{customer.pk}/" if customer else None,
        _url("channels:contact_detail", Contact.objects.filter(customer=customer).order_by("pk").first()),
        _url("callbacks:detail", CallbackRequest.objects.order_by("pk").first()),
        _url("signals:detail", Signal.objects.order_by("pk").first()),
        _url("knowledgebase:article_detail", Article.objects.published().order_by("pk").first()),
    ]


def _department_page():
    """A back-office department's page with its reachability agreements (a team lead's view)."""
    from kcc.core.models import Department

    return _url("core:department_detail", Department.objects.exclude(is_kcc=True).order_by("pk").first())


def _url(name, obj):
    from django.urls import NoReverseMatch, reverse

    if obj is None:
        return None
    try:
        return reverse(name, args=[obj.pk])
    except NoReverseMatch:
        return None


def _walk(roles=ROLES, extra_for_agent=True, min_pages=40) -> dict[str, list[str]]:
    """{"username url": [municipal words found]} over every role's navigation."""
    User = get_user_model()
    found, visited = {}, 0
    for username in roles:
        client = Client()
        client.force_login(User.objects.get(username=username))
        home = client.get("/")
        assert home.status_code == 200, username
        links = visible(home.content.decode()).nav_links
        assert links, f"{username} has no navigation"
        pages = ["/", *links]
        if extra_for_agent and username == "agent":
            pages += [p for p in _detail_pages() if p]
        if extra_for_agent and username == "teamleider":
            pages.append(_department_page())
        for url in dict.fromkeys(pages):
            response = client.get(url)
            assert response.status_code == 200, f"{username} {url}: {response.status_code}"
            text = " | ".join(visible(response.content.decode()).parts)
            hits = [text[max(0, m.start() - 50): m.end() + 30] for m in MUNICIPAL_WORDS.finditer(text)]
            visited += 1
            if hits:
                found[f"{username} {url}"] = hits
    assert visited > min_pages
    return found


@pytest.mark.django_db
def test_no_page_of_any_role_says_inwoner_or_gemeente_under_the_corporation_profile(corporation_profile, monkeypatch):
    _seed_small(monkeypatch)
    assert core_demo.profile() is not None and corporation_profile == CORPORATION
    found = _walk()
    assert found == {}


@pytest.mark.django_db
def test_the_municipal_profile_keeps_its_words_on_the_same_pages(settings, monkeypatch):
    assert settings.KCC_ORGANISATION_KIND == "gemeente"
    _seed_small(monkeypatch)
    found = _walk(roles=["agent", "privacy"], extra_for_agent=False, min_pages=8)
    # The customer search and the privacy officer's pages speak of residents (inwoners).
    assert any("inwoner" in hit.lower() for hits in found.values() for hit in hits)
