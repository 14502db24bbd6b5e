"""The loopback Klantinteracties register (kcc/openklant/doubles.py), started once per session;
every test gets it empty, pointed at by the settings, and fails when a request or response broke
the vendored specification."""

import pytest

from kcc.openklant.doubles import KlantinteractiesDouble


@pytest.fixture(scope="session")
def register_session():
    double = KlantinteractiesDouble().start()
    yield double
    double.stop()


@pytest.fixture
def register(register_session, settings):
    from kcc.commonground import breaker

    register_session.reset()
    breaker.succeeded("klantinteracties")  # the breaker lives in the shared cache
    settings.KCC_OPENKLANT_URL = register_session.url
    settings.KCC_OPENKLANT_TOKEN = register_session.token
    settings.KCC_OPENKLANT_TIMEOUT = 1.0
    settings.KCC_OPENKLANT_RETRY_SECONDS = 10
    yield register_session
    register_session.release.set()
    assert register_session.violations == [], "a request or response broke the vendored OpenAPI specification"
