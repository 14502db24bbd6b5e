"""Loopback doubles of the BRP, Zaken and Catalogi APIs (kcc/commonground/doubles.py), started
once per test session; every test gets them reset, pointed at by the settings, and fails when a
request or response broke the vendored specification."""

from datetime import UTC, date, datetime

import pytest
from django.core.cache import cache

from kcc.commonground.doubles import start_doubles
from kcc.commonground.fixtures import Fixtures, person

# Residents in the fixtures (all BSNs pass the elfproef).
SUZANNE = "999993653"  # two cases (one open, one closed), an address
GEHEIM = "999990019"  # geheimhouding persoonsgegevens
OVERLEDEN = "999991905"  # deceased
NO_CASES = "999992806"


def make_fixtures(*, base_zaken: str, base_catalogi: str) -> Fixtures:
    fx = Fixtures(base_zaken=base_zaken, base_catalogi=base_catalogi)
    fx.persons += [
        person(bsn=SUZANNE, first_name="Suzanne", last_name="Moulin", birth_date=date(1985, 3, 4), street="Damstraat", number=12,
               letter="A", postcode="1011AB", city="Voorbeeldstad"),
        person(bsn=GEHEIM, first_name="Gerrit", prefix="van", last_name="Geheim", birth_date=date(1970, 7, 1), street="Verborgenlaan", number=3,
               postcode="1012CD", city="Voorbeeldstad", confidential=True),
        person(bsn=OVERLEDEN, first_name="Otto", last_name="Overleden", birth_date=date(1930, 1, 2), street="Kerkstraat", number=1,
               postcode="1013EF", city="Voorbeeldstad", deceased=date(2025, 5, 6)),
        person(bsn=NO_CASES, first_name="Nina", last_name="Niets", birth_date=date(1999, 9, 9), street="Damstraat", number=14,
               postcode="1011AB", city="Voorbeeldstad"),
    ]
    permit = fx.add_zaaktype("Aanvraag omgevingsvergunning", ["Ontvangen", "In behandeling", "Besluit genomen"])
    melding = fx.add_zaaktype("Melding openbare ruimte", ["Ontvangen", "Afgehandeld"])
    utc = UTC
    fx.add_zaak(bsn=SUZANNE, identificatie="ZAAK-2026-0001", omschrijving="Melding losse stoeptegel", zaaktype=melding,
                startdatum=date(2026, 6, 1), einddatum_gepland=date(2026, 6, 30), einddatum=date(2026, 6, 10),
                status_history=[("Ontvangen", datetime(2026, 6, 1, 9, tzinfo=utc)), ("Afgehandeld", datetime(2026, 6, 10, 9, tzinfo=utc))])
    fx.add_zaak(bsn=SUZANNE, identificatie="ZAAK-2026-0042", omschrijving="Dakkapel Damstraat 12A", zaaktype=permit,
                startdatum=date(2026, 10, 1), einddatum_gepland=date(2026, 12, 1),
                status_history=[("Ontvangen", datetime(2026, 10, 1, 9, tzinfo=utc)), ("In behandeling", datetime(2026, 10, 5, 9, tzinfo=utc))])
    return fx


@pytest.fixture(autouse=True)
def _breakers_closed():
    """The circuit breakers live in the shared cache: no test inherits one another test opened."""
    from kcc.commonground import breaker

    for api in ("brp", "zaken", "catalogi"):
        breaker.succeeded(api)


@pytest.fixture(scope="session")
def doubles_session():
    doubles = start_doubles(make_fixtures)
    yield doubles
    for d in doubles.values():
        d.stop()


@pytest.fixture
def doubles(doubles_session, settings):
    """The doubles, reset, with the integration's settings pointing at them. A request or
    response that broke the spec fails the test at teardown."""
    for d in doubles_session.values():
        d.reset()
    settings.KCC_BRP_URL = doubles_session["brp"].url
    settings.KCC_ZAKEN_URL = doubles_session["zaken"].url
    settings.KCC_CATALOGI_URL = doubles_session["catalogi"].url
    settings.KCC_ZGW_CLIENT_ID = "kcc-test"
    settings.KCC_ZGW_SECRET = "test-secret-for-the-zgw-jwt-0123456789"  # noqa: S105
    settings.KCC_BRP_API_KEY = "brp-test-key"
    settings.KCC_BRP_PURPOSE = "KCC-dienstverlening"
    settings.KCC_BRP_PROCESSING = "Beantwoorden vraag inwoner"
    settings.KCC_COMMONGROUND_TIMEOUT = 1.0
    cache.clear()
    yield doubles_session
    violations = [v for d in doubles_session.values() for v in d.violations]
    assert violations == [], "a request or response broke the vendored OpenAPI specification"


@pytest.fixture
def brp(doubles):
    return doubles["brp"]


@pytest.fixture
def zaken(doubles):
    return doubles["zaken"]


@pytest.fixture
def catalogi(doubles):
    return doubles["catalogi"]
