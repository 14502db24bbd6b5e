"""Shared fixtures: departments, staff per role, and the customer factory.

Role fixtures follow the glossary: `agent`, `teamlead`, `backoffice_belastingen`,
`manager_belastingen`, `editor`, `admin_user`, plus `backoffice_burgerzaken` for scoping tests.
"""

import os

import pytest

from kcc.core.constants import Role
from kcc.core.services import staff_role_grant

from .core.factories import CustomerFactory, DepartmentFactory, UserFactory

# Playwright runs an event loop in the test thread; Django's ORM calls from fixtures are safe
# there because they are not actually async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Welkom-bij-het-KCC-2026"


@pytest.fixture(params=["gemeente", "woningcorporatie"])
def organisation_kind(request, settings):
    """Runs the test under both organisation profiles (KCC_ORGANISATION_KIND, through
    override_settings); the value is the profile. See kcc/core/terminology.py."""
    settings.KCC_ORGANISATION_KIND = request.param
    if request.param == "woningcorporatie":
        settings.KCC_ORGANISATION_NAME = "Woonstichting Voorbeeldwonen"
    return request.param


@pytest.fixture
def corporation_profile(settings):
    """The housing-corporation profile (KCC_ORGANISATION_KIND=woningcorporatie)."""
    settings.KCC_ORGANISATION_KIND = "woningcorporatie"
    settings.KCC_ORGANISATION_NAME = "Woonstichting Voorbeeldwonen"
    return "woningcorporatie"


@pytest.fixture
def kcc_department(db):
    return DepartmentFactory(code="kcc", name="KCC", is_kcc=True, callback_norm_days=1)


@pytest.fixture
def belastingen(db):
    return DepartmentFactory(code="belastingen", name="Belastingen", callback_norm_days=3)


@pytest.fixture
def burgerzaken(db):
    return DepartmentFactory(code="burgerzaken", name="Burgerzaken", callback_norm_days=2)


def make_staff(username, department, role, **kwargs):
    user = UserFactory(username=username, **kwargs)
    staff_role_grant(user=user, department=department, role=role)
    return user


@pytest.fixture
def agent(kcc_department):
    return make_staff("agent", kcc_department, Role.AGENT, first_name="Sanne", last_name="de Vries")


@pytest.fixture
def agent2(kcc_department):
    return make_staff("agent2", kcc_department, Role.AGENT, first_name="Daan", last_name="Visser")


@pytest.fixture
def teamlead(kcc_department):
    return make_staff("teamleider", kcc_department, Role.TEAMLEAD, first_name="Mohammed", last_name="El Amrani")


@pytest.fixture
def backoffice_belastingen(belastingen):
    return make_staff("bo-belastingen", belastingen, Role.BACKOFFICE, first_name="Petra", last_name="Jansen")


@pytest.fixture
def backoffice_burgerzaken(burgerzaken):
    return make_staff("bo-burgerzaken", burgerzaken, Role.BACKOFFICE, first_name="Ahmed", last_name="Bouali")


@pytest.fixture
def manager_belastingen(belastingen):
    return make_staff("manager-belastingen", belastingen, Role.MANAGER, first_name="Joost", last_name="van Dijk")


@pytest.fixture
def editor(kcc_department):
    return make_staff("redacteur", kcc_department, Role.EDITOR, first_name="Fatima", last_name="Yilmaz")


@pytest.fixture
def admin_user(kcc_department):
    return make_staff("beheerder", kcc_department, Role.ADMIN, first_name="Kees", last_name="Bakker")


@pytest.fixture
def customer(db):
    return CustomerFactory(first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, bsn="123456782")


@pytest.fixture
def login(client):
    """login(user) logs the test client in and returns it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_collection_modifyitems(session, config, items):
    """Browser tests run last. Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session, and Django's sync code refuses to run under one
    (AsyncToSync: "You cannot use AsyncToSync in the same thread as an async event loop"). The
    browser walks of tests/commonground and tests/sso would otherwise run before tests/core."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
