"""The clients against the loopback doubles: contract-valid requests, data minimisation, the
protocol headers and authentication, and every failure path (timeout, 500, malformed JSON, an
empty result, 4xx, a response that breaks the spec)."""

import json
import time

import jwt
import pytest

from kcc.commonground.clients import ApiError, BrpClient, CatalogiClient, ZakenClient
from kcc.commonground.constants import (
    BRP_FIELDS,
    BRP_SEARCH_ADDRESS,
    BRP_SEARCH_BSN,
    BRP_SEARCH_NAME,
)

from .conftest import GEHEIM, SUZANNE


def test_brp_search_by_bsn_asks_only_the_minimal_fields(brp):
    found = BrpClient().personen(BRP_SEARCH_BSN, burgerservicenummer=[SUZANNE])
    assert found[0]["naam"]["volledigeNaam"] == "Suzanne Moulin"
    body = json.loads(brp.requests[-1]["body"])
    assert body["fields"] == list(BRP_FIELDS[BRP_SEARCH_BSN])
    # Nothing beyond name, birth date, address, deceased (+ the BSN that identifies).
    assert {f.split(".")[0] for f in body["fields"]} == {"burgerservicenummer", "naam", "geboorte", "verblijfplaats", "overlijden"}
    assert set(found[0]) <= {"burgerservicenummer", "naam", "geboorte", "verblijfplaats", "overlijden", "geheimhoudingPersoonsgegevens"}


def test_brp_search_by_surname_and_birth_date_and_by_postcode_and_number(brp):
    by_name = BrpClient().personen(BRP_SEARCH_NAME, geslachtsnaam="moulin", geboortedatum="1985-03-04")
    by_address = BrpClient().personen(BRP_SEARCH_ADDRESS, postcode="1011AB", huisnummer=12)
    assert [p["burgerservicenummer"] for p in by_name] == [SUZANNE]
    assert [p["burgerservicenummer"] for p in by_address] == [SUZANNE]
    assert "verblijfplaats" not in by_address[0]  # a search returns the limited person: address lines only
    assert json.loads(brp.requests[-1]["body"])["fields"] == list(BRP_FIELDS[BRP_SEARCH_ADDRESS])


def test_brp_protocol_headers_and_api_key_are_sent(brp, settings, agent):
    settings.KCC_BRP_PURPOSE_HEADER = "x-doelbinding"
    BrpClient(user=agent).personen(BRP_SEARCH_BSN, burgerservicenummer=[SUZANNE])
    headers = {k.lower(): v for k, v in brp.requests[-1]["headers"].items()}
    assert headers["x-api-key"] == "brp-test-key"
    assert headers["x-doelbinding"] == "KCC-dienstverlening"
    assert headers["x-verwerking"] == "Beantwoorden vraag inwoner"
    assert headers["x-gebruiker"] == "agent"


def test_brp_header_names_are_configurable_and_empty_values_are_left_out(brp, settings):
    settings.KCC_BRP_PURPOSE_HEADER = "X-Purpose"
    settings.KCC_BRP_PROCESSING = ""
    settings.KCC_BRP_API_KEY_HEADER = "Authorization-Key"
    BrpClient().personen(BRP_SEARCH_BSN, burgerservicenummer=[SUZANNE])
    headers = {k.lower(): v for k, v in brp.requests[-1]["headers"].items()}
    assert headers["x-purpose"] == "KCC-dienstverlening"
    assert "x-verwerking" not in headers
    assert headers["authorization-key"] == "brp-test-key"


def test_brp_client_certificate_is_used_when_configured(settings):
    settings.KCC_BRP_URL = "https://brp.example.nl/haalcentraal/api/brp"
    settings.KCC_BRP_CLIENT_CERT, settings.KCC_BRP_CLIENT_KEY = "/etc/kcc/brp.crt", "/etc/kcc/brp.key"
    assert BrpClient().send_kwargs() == {"cert": ("/etc/kcc/brp.crt", "/etc/kcc/brp.key")}
    settings.KCC_BRP_CLIENT_CERT = ""
    assert BrpClient().send_kwargs() == {}


def test_confidential_person_is_flagged_by_the_brp(brp):
    found = BrpClient().personen(BRP_SEARCH_BSN, burgerservicenummer=[GEHEIM])
    assert found[0]["geheimhoudingPersoonsgegevens"] is True


def test_zaken_search_sends_the_bsn_in_the_body_with_a_valid_zgw_jwt(zaken, settings):
    results = ZakenClient().zaken_for_bsn(SUZANNE)
    assert {z["identificatie"] for z in results} == {"ZAAK-2026-0001", "ZAAK-2026-0042"}
    req = zaken.requests[-1]
    assert req["path"].endswith("/zaken/_zoek") and SUZANNE not in req["path"] + req["query"]
    assert json.loads(req["body"]) == {"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": SUZANNE}
    token = req["headers"]["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, settings.KCC_ZGW_SECRET, algorithms=["HS256"])
    assert claims["client_id"] == claims["iss"] == "kcc-test"


def test_catalogi_zaaktype(catalogi):
    zaak = ZakenClient().zaken_for_bsn(SUZANNE)[0]
    assert CatalogiClient().get(zaak["zaaktype"])["omschrijving"] in {"Aanvraag omgevingsvergunning", "Melding openbare ruimte"}


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [("500", "server", 500), ("malformed", "contract", 200), ("contract", "contract", 200), ("400", "client", 400), ("403", "client", 403)],
)
def test_brp_failures_become_a_clear_api_error(brp, fault, kind, status):
    brp.fault = fault
    with pytest.raises(ApiError) as exc:
        BrpClient().personen(BRP_SEARCH_BSN, burgerservicenummer=[SUZANNE])
    assert (exc.value.kind, exc.value.status) == (kind, status)


def test_brp_timeout_gives_up_within_the_deadline(brp, settings):
    settings.KCC_COMMONGROUND_TIMEOUT = 0.5
    brp.fault = "timeout"
    started = time.monotonic()
    with pytest.raises(ApiError) as exc:
        BrpClient().personen(BRP_SEARCH_BSN, burgerservicenummer=[SUZANNE])
    assert exc.value.kind == "timeout"
    assert time.monotonic() - started < 1.0


def test_brp_unreachable(settings):
    settings.KCC_BRP_URL = "http://127.0.0.1:9/haalcentraal/api/brp"  # discard port: nothing listens
    with pytest.raises(ApiError) as exc:
        BrpClient().personen(BRP_SEARCH_BSN, burgerservicenummer=[SUZANNE])
    assert exc.value.kind == "unreachable"


def test_empty_results(brp, zaken):
    brp.fault = zaken.fault = "empty"
    assert BrpClient().personen(BRP_SEARCH_BSN, burgerservicenummer=[SUZANNE]) == []
    assert ZakenClient().zaken_for_bsn(SUZANNE) == []


def test_zaken_contract_violation_and_malformed_json(zaken):
    zaken.fault = "contract"
    with pytest.raises(ApiError) as exc:
        ZakenClient().zaken_for_bsn(SUZANNE)
    assert exc.value.kind == "contract"
    zaken.fault = "malformed"
    with pytest.raises(ApiError) as exc:
        ZakenClient().zaken_for_bsn(SUZANNE)
    assert exc.value.kind == "contract"


def test_our_own_request_is_checked_against_the_spec_before_sending(brp):
    with pytest.raises(ApiError) as exc:
        BrpClient().personen(BRP_SEARCH_BSN, burgerservicenummer=["12345"])  # not nine digits
    assert exc.value.kind == "request"
    assert brp.requests == []  # never sent


def test_urls_outside_the_configured_api_are_never_fetched(zaken):
    with pytest.raises(ApiError) as exc:
        ZakenClient().zaak("http://169.254.169.254/latest/meta-data/")
    assert exc.value.kind == "request"
    assert zaken.requests == []


def test_the_double_fails_a_request_that_breaks_the_spec(brp):
    import requests

    resp = requests.post(f"{brp.url}/personen", json={"type": "RaadpleegMetBurgerservicenummer"}, timeout=2)  # no fields
    assert resp.status_code == 400
    assert brp.violations
    brp.violations.clear()  # expected here; any other test with a violation fails
