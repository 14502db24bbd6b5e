"""The relying party refuses every ID token it should: wrong audience, wrong issuer, expired,
bad signature, and replayed state or nonce. Crafted tokens are signed with the loopback
provider's own key (or another one) and checked against its real JWKS endpoint; the flows go
through the real provider."""

import logging
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse

from kcc.sso.backends import OidcBackend

from .conftest import RP_BASE
from .provider import CLIENT_ID, KID

pytestmark = pytest.mark.django_db

NONCE = "n-0123456789"


@pytest.fixture
def claims(sso):
    now = int(time.time())
    return {"iss": sso.issuer, "sub": "sanne", "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": NONCE}


def _verify(token):
    return OidcBackend().verify_token(token, nonce=NONCE)


def test_a_correct_token_signed_by_the_provider_is_accepted(sso, claims):
    assert _verify(sso.sign(claims))["sub"] == "sanne"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"aud": "another-application"}, "InvalidAudienceError"),
        ({"aud": [CLIENT_ID, "another-application"]}, "azp"),
        ({"iss": "https://login.example.org/evil"}, "InvalidIssuerError"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "ExpiredSignatureError"),
        ({"iat": int(time.time()) + 3600}, "ImmatureSignatureError"),
        ({"exp": None}, "MissingRequiredClaimError"),
        ({"nonce": "n-from-another-sign-in"}, "Nonce"),
    ],
    ids=["wrong-audience", "several-audiences-without-azp", "wrong-issuer", "expired", "issued-in-the-future", "no-expiry", "other-nonce"],
)
def test_a_token_with_wrong_claims_is_refused(sso, claims, change, why):
    claims.update(change)
    claims = {k: v for k, v in claims.items() if v is not None}
    with pytest.raises(SuspiciousOperation, match=why):
        _verify(sso.sign(claims))


def test_a_token_signed_with_another_key_under_the_providers_key_id_is_refused(sso, claims):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SuspiciousOperation, match="InvalidSignatureError"):
        _verify(sso.sign(claims, key=forger, kid=KID))


def test_a_token_with_an_unknown_key_id_is_refused(sso, claims):
    with pytest.raises(SuspiciousOperation, match="JWKS"):
        _verify(sso.sign(claims, kid="unknown-key"))


def test_an_unsigned_or_symmetrically_signed_token_is_refused(sso, claims):
    with pytest.raises(SuspiciousOperation, match="JWKS|refused"):
        _verify(jwt.encode(claims, None, algorithm="none", headers={"kid": KID}))
    with pytest.raises(SuspiciousOperation, match="JWKS|refused"):
        _verify(jwt.encode(claims, "kcc-test-client-secret", algorithm="HS256", headers={"kid": KID}))


def test_a_tampered_token_is_refused(sso, claims):
    header, payload, signature = sso.sign(claims).split(".")
    other = sso.sign({**claims, "sub": "beheerder"}).split(".")[1]
    with pytest.raises(SuspiciousOperation):
        _verify(f"{header}.{other}.{signature}")


# --- through the whole flow --------------------------------------------------------------


def test_a_provider_with_another_issuer_than_configured_is_refused(settings, sign_in, group_mapping, client):
    settings.KCC_OIDC_ISSUER = "https://login.microsoftonline.com/other-tenant/v2.0"
    response, _, _ = sign_in("sanne")
    assert response.status_code == 400
    assert "Inloggen met je organisatieaccount is mislukt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_token_that_expired_before_it_reached_us_is_refused(sso, group_mapping, client, kcc_department):
    browser = sso.browser()
    callback = browser.authorize(client.get(reverse("sso:login"))["Location"], login="sanne")
    # The ID token lives an hour at this provider (ttl.IdToken): two hours later it is stale.
    with time_machine.travel(time.time() + 2 * 3600, tick=True):
        response = client.get(callback.removeprefix(RP_BASE))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_replayed_callback_state_is_refused(sign_in, group_mapping, client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("sanne")
    first, _, callback = sign_in("sanne")
    assert first.status_code == 302
    client.logout()
    replay = client.get(callback.removeprefix(RP_BASE))
    assert replay.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_callback_with_a_state_we_never_issued_is_refused(sso, client):
    client.get(reverse("sso:login"))  # a sign-in is under way, with its own state
    response = client.get(reverse("sso:callback"), {"code": "stolen-code", "state": "forged-state"})
    assert response.status_code == 400


def _two_sign_ins(sso, client):
    """Two sign-ins of one browser at the provider: the code of the first, the state of the second."""
    browser = sso.browser()
    first = browser.authorize(client.get(reverse("sso:login"))["Location"], login="sanne")
    second = browser.authorize(client.get(reverse("sso:login"))["Location"], login="sanne")
    return parse_qs(urlsplit(first).query)["code"][0], parse_qs(urlsplit(second).query)["state"][0]


def test_a_replayed_nonce_is_refused(settings, sso, group_mapping, client, caplog):
    """The code (and so the ID token and its nonce) of one sign-in, presented with the state of
    a second one: the nonce is not the second sign-in's. PKCE is off here, or the provider
    would refuse the code first (see the next test)."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("sanne")
    settings.OIDC_USE_PKCE = False
    code_of_first, state_of_second = _two_sign_ins(sso, client)
    with caplog.at_level(logging.WARNING, logger="kcc.sso"):
        response = client.get(reverse("sso:callback"), {"code": code_of_first, "state": state_of_second})
    assert response.status_code == 400
    assert "Nonce verification failed" in caplog.text
    assert "_auth_user_id" not in client.session


def test_with_pkce_a_code_of_another_sign_in_is_refused_by_the_provider(sso, group_mapping, client):
    code_of_first, state_of_second = _two_sign_ins(sso, client)
    response = client.get(reverse("sso:callback"), {"code": code_of_first, "state": state_of_second})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_user_cancelling_at_the_provider_gets_a_clear_page(sso, client):
    client.get(reverse("sso:login"))
    response = client.get(reverse("sso:callback"), {"error": "access_denied", "state": "whatever"})
    assert response.status_code == 400
    assert "Log opnieuw in" in response.content.decode()


def test_an_unreachable_provider_gives_a_clear_page_within_the_timeout(settings, sso, group_mapping, client):
    import socket

    browser = sso.browser()
    callback = browser.authorize(client.get(reverse("sso:login"))["Location"], login="sanne")
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{silent.getsockname()[1]}/token"
        settings.OIDC_TIMEOUT = 1
        started = time.monotonic()
        response = client.get(callback.removeprefix(RP_BASE))
    assert time.monotonic() - started < 5
    assert response.status_code == 502
    assert "De identiteitsprovider is niet bereikbaar" in response.content.decode()
