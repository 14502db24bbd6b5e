"""Fixtures of the single sign-on tests: the loopback OpenID provider (tests/sso/provider.py),
the relying party pointed at it, the group mapping, and a sign-in through the provider's pages."""

import pytest

from kcc.core.constants import Role
from kcc.sso.models import GroupMapping

from .provider import running_provider

RP_BASE = "http://testserver"  # Django's test client


@pytest.fixture(scope="session")
def oidc_provider():
    with running_provider(rp_base=RP_BASE) as provider:
        yield provider


@pytest.fixture
def sso(settings, oidc_provider):
    """Single sign-on on, against the loopback provider."""
    oidc_provider.configure(settings)
    return oidc_provider


@pytest.fixture
def group_mapping(kcc_department, belastingen):
    rows = [
        ("kcc-agents", kcc_department, Role.AGENT),
        ("kcc-teamleads", kcc_department, Role.TEAMLEAD),
        ("belastingen-backoffice", belastingen, Role.BACKOFFICE),
        ("belastingen-managers", belastingen, Role.MANAGER),
    ]
    return [GroupMapping.objects.create(claim_value=v, department=d, role=r) for v, d, r in rows]


@pytest.fixture
def sign_in(client, sso):
    """sign_in(login) signs the test client in through the provider's own login and consent
    pages; returns (the callback's response, the provider browser, the callback URL)."""

    def _sign_in(login, *, browser=None):
        browser = browser or sso.browser()
        start = client.get("/sso/inloggen/")
        assert start.status_code == 302, start
        callback = browser.authorize(start["Location"], login=login)
        assert callback.startswith(f"{RP_BASE}/sso/callback/"), callback
        return client.get(callback.removeprefix(RP_BASE)), browser, callback

    return _sign_in
