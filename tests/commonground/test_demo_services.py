"""`manage.py run_demo_services`: the doubles as demo services for `make run`, answering for the
demo residents; never with production settings."""

import socket

import pytest
import requests
from django.core.management import CommandError, call_command

from kcc.commonground.fixtures import bsn_for, fixtures_for_residents
from kcc.core.services import customer_create

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_refuses_production_settings(settings):
    settings.SETTINGS_MODULE = "kcc.settings.prod"
    with pytest.raises(CommandError, match="production"):
        call_command("run_demo_services", "--once")


def test_refuses_a_non_loopback_url(settings):
    settings.KCC_BRP_URL = "https://brp.gemeente.example/haalcentraal/api/brp"
    with pytest.raises(CommandError, match="loopback"):
        call_command("run_demo_services", "--once")


def test_starts_on_the_configured_ports(settings, capsys):
    settings.KCC_BRP_URL = f"http://127.0.0.1:{free_port()}/haalcentraal/api/brp"
    settings.KCC_ZAKEN_URL = f"http://127.0.0.1:{free_port()}/zaken/api/v1"
    settings.KCC_CATALOGI_URL = f"http://127.0.0.1:{free_port()}/catalogi/api/v1"
    call_command("run_demo_services", "--once")
    out = capsys.readouterr().out
    assert settings.KCC_BRP_URL in out and settings.KCC_ZAKEN_URL in out
    with pytest.raises(requests.ConnectionError):  # stopped again after --once
        requests.post(f"{settings.KCC_BRP_URL}/personen", json={}, timeout=1)


def test_demo_fixtures_cover_every_resident_with_valid_data(agent):
    with_bsn = customer_create(user=agent, first_name="Anna", last_name="Bakker", street="Dorpsstraat", house_number=3, postcode="1234AB", city="Voorbeeldstad", bsn="999993653")
    without = customer_create(user=agent, first_name="Bert", last_name="Visser", street="Kade", house_number=8, house_number_addition="B", postcode="1234AC", city="Voorbeeldstad")
    residents = [{"pk": c.pk, **{f: getattr(c, f) for f in ("first_name", "name_prefix", "last_name", "birth_date", "street", "house_number", "house_number_addition", "postcode", "city", "bsn")}} for c in (with_bsn, without)]
    fx = fixtures_for_residents(residents, base_zaken="http://127.0.0.1:1/zaken/api/v1", base_catalogi="http://127.0.0.1:2/catalogi/api/v1")
    bsns = [p["burgerservicenummer"] for p in fx.persons]
    assert bsns == ["999993653", bsn_for(f"resident:{without.pk}")]
    assert fx.persons[1]["verblijfplaats"]["verblijfadres"]["huisletter"] == "B"
