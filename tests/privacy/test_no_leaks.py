"""No personal data in URLs, logs or error reports (docs/privacy.md).

The main flows of an agent's day are driven through the test client while every log record of
every logger is captured at DEBUG and every URL is collected: request paths, redirect targets,
htmx URL headers and the href/action/hx-* attributes of every rendered page. The test
resident's BSN, phone number (in every notation), e-mail address, postcode and name must appear
in none of them.
"""

import logging
import re
from contextlib import contextmanager
from urllib.parse import unquote_plus

import pytest
from django.test import RequestFactory
from django.urls import reverse

from channels.models import Contact
from kcc.core.constants import AddressKind
from kcc.core.services import customer_address_add
from kcc.privacy.reporting import PersonalDataExceptionReporterFilter, PersonalDataLogFilter
from tests.channels.factories import ContactFactory
from tests.core.factories import CustomerFactory

pytestmark = pytest.mark.django_db

BSN = "123456782"
PHONES = ("+31612345678", "0612345678", "06-12345678", "06 12345678", "06 1234 5678", "0031612345678", "+31 6 1234 5678", "612345678")
EMAIL = "jantine.zwanenburg@example.nl"
POSTCODES = ("1011AB", "1011 AB", "1011ab")
NAMES = ("Zwanenburg", "Jantine")
SECRETS = (BSN, *PHONES, EMAIL, *POSTCODES, *NAMES)
URL_ATTR_RE = re.compile(r'(?:href|action|src|hx-get|hx-post|hx-put|hx-delete|hx-push-url|hx-replace-url|data-url)="([^"]*)"')


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name} {text}")


@contextmanager
def all_logging():
    handler = Capture()
    root = logging.getLogger()
    saved = [(root, root.level, root.propagate)]
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    # The request and server loggers and the project's own at DEBUG; other libraries' loggers keep
    # the levels the settings give them (unset ones inherit the root's DEBUG).
    for name in ["django.request", "django.server", "kcc", "channels", "callbacks", "signals", "knowledgebase"]:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate))
        logger.setLevel(logging.DEBUG)
        logger.propagate = True
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for logger, level, propagate in saved:
            logger.setLevel(level)
            logger.propagate = propagate


class UrlRecorder:
    def __init__(self, client):
        self.client = client
        self.urls: list[str] = []

    def _record(self, path, response, record_path=True):
        if record_path:
            self.urls.append(path)
        for header in ("Location", "HX-Redirect", "HX-Location", "HX-Push-Url", "HX-Replace-Url"):
            if response.has_header(header):
                self.urls.append(response[header])
        for redirect, _status in getattr(response, "redirect_chain", []):
            self.urls.append(redirect)
        if response.get("Content-Type", "").startswith("text/html"):
            self.urls.extend(URL_ATTR_RE.findall(response.content.decode()))
        return response

    def get(self, path, record_path=True, **kwargs):
        return self._record(path, self.client.get(path, **kwargs), record_path)

    def post(self, path, data=None, **kwargs):
        return self._record(path, self.client.post(path, data or {}, **kwargs))


def assert_clean(texts, where):
    for text in texts:
        if text.startswith(("tel:", "mailto:")):
            continue  # click-to-dial and mail links go to the agent's phone or mail program, never to a server
        plain = unquote_plus(text).lower()
        for secret in SECRETS:
            assert secret.lower() not in plain, f"{secret!r} appears in {where}: {text[:300]!r}"


@pytest.fixture
def resident(db):
    customer = CustomerFactory(first_name="Jantine", last_name="Zwanenburg", postcode="1011AB", house_number=7, bsn=BSN)
    customer_address_add(customer=customer, kind=AddressKind.PHONE, value="0612345678")
    customer_address_add(customer=customer, kind=AddressKind.EMAIL, value=EMAIL)
    return customer


def test_main_flows_leak_no_personal_data_into_urls_or_logs(login, agent, resident, belastingen):
    contact = ContactFactory(customer=resident, subject="Vraag over de aanslag", topic_department=belastingen)
    urls = UrlRecorder(login(agent))
    with all_logging() as logs:
        # Customer search, by every kind of query.
        for q in ("Zwanenburg", "Jantine Zwanenburg", "06-12345678", EMAIL, "1011 AB 7", BSN):
            urls.post(reverse("core:customer_search"), {"q": q})
            urls.post(reverse("core:customer_search"), {"q": q}, HTTP_HX_REQUEST="true")
        urls.get(reverse("core:customer_search"))
        # Customer detail and the BSN reveal.
        urls.get(reverse("core:customer_detail", args=[resident.pk]))
        urls.post(reverse("core:customer_bsn", args=[resident.pk]), HTTP_HX_REQUEST="true")
        # Register a call: screen-pop with the number, search by name, register with number and name.
        # (The telephony platform's screen-pop link carries the number by contract; the app
        # redirects it away at once, which is what is checked here.)
        response = urls.get(reverse("channels:register_call") + "?phone=%2B31612345678", record_path=False, follow=True)
        assert response.redirect_chain == [(reverse("channels:register_call"), 302)]
        urls.post(reverse("channels:register_call_search"), {"q": "Zwanenburg"}, HTTP_HX_REQUEST="true")
        urls.post(reverse("channels:register_call_search"), {"q": "06 12345678"}, follow=True)
        # Start the call (the desk), identify the caller, save question and notes, close.
        start = urls.post(reverse("channels:register_call"), follow=True)
        call = start.context["contact"]
        for q in ("Zwanenburg", "1011 AB 7", BSN):
            urls.post(reverse("channels:contact_identify", args=[call.pk]), {"q": q}, HTTP_HX_REQUEST="true")
        urls.post(
            reverse("channels:contact_notes", args=[call.pk]),
            {"question": "Jantine Zwanenburg vraagt naar de aanslag", "notes": "Jantine belde vanaf 06-12345678"}, HTTP_HX_REQUEST="true",
        )
        urls.post(reverse("channels:contact_sibling", args=[call.pk]), HTTP_HX_REQUEST="true")
        urls.post(reverse("channels:contact_close", args=[call.pk]), {"outcome": "resolved", "topic_department": belastingen.pk}, follow=True)
        # The merge search of team leads is POSTed too (checked in tests/channels/test_identity.py).
        # The contact screen.
        urls.get(reverse("channels:contact_detail", args=[contact.pk]))
        # Callback creation for an anonymous caller giving name and number.
        urls.post(
            reverse("callbacks:create"),
            {"caller_name": "Jantine Zwanenburg", "phone": "06 12345678", "question": "Wil bezwaar maken, postcode 1011 AB",
             "target_department": belastingen.pk, "priority": "normal", "time_window": "anytime"},
            follow=True,
        )
        # Raising a signal from the contact.
        urls.post(
            reverse("signals:create") + f"?contact={contact.pk}",
            {"title": "Aanslag onleesbaar", "description": "Inwoners snappen de aanslag niet.", "category": "process",
             "department": belastingen.pk, "impact": "medium", "contact": contact.pk, "note": "Jantine belde boos"},
            follow=True,
        )
        # Inbox filter with free text.
        urls.post(reverse("channels:inbox"), {"q": "Zwanenburg"}, follow=True)
        urls.post(reverse("channels:inbox"), {"q": "Zwanenburg"}, HTTP_HX_REQUEST="true")
        urls.get(reverse("channels:inbox"))
    # The flows really ran.
    assert Contact.objects.filter(customer=resident, channel="phone").exists()
    assert len(urls.urls) > 50
    assert_clean(urls.urls, "a URL")
    assert_clean(logs.lines, "the logs")


def test_error_reports_hide_personal_post_fields_and_frame_values():
    request = RequestFactory().post("/klanten/nieuw/?q=Zwanenburg", {"bsn": BSN, "last_name": "Zwanenburg", "phone": "0612345678", "email": EMAIL, "postcode": "1011AB", "question": "x"})
    request.user = None
    try:
        customer_name = "Jantine Zwanenburg"  # noqa: F841 - a local in the failing frame
        raise ValueError("boom")
    except ValueError:
        import sys

        from django.views.debug import get_exception_reporter_class

        reporter = get_exception_reporter_class(request)(request, *sys.exc_info())
        assert isinstance(reporter.filter, PersonalDataExceptionReporterFilter)
        text = reporter.get_traceback_text()
    for secret in (BSN, "Zwanenburg", "0612345678", EMAIL, "1011AB"):
        assert secret not in text


def test_the_default_filter_is_configured(settings):
    from django.views.debug import get_default_exception_reporter_filter

    assert isinstance(get_default_exception_reporter_filter(), PersonalDataExceptionReporterFilter)


def test_log_filter_redacts_what_a_database_error_quotes():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Key (bsn)=(%s) exists; mail %s, tel %s", (BSN, EMAIL, "06-12345678"), None)
    PersonalDataLogFilter().filter(record)
    message = record.getMessage()
    assert BSN not in message and EMAIL not in message and "12345678" not in message
