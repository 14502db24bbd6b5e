"""Logging out, or the idle timeout, ends the session here and at the provider (RP-initiated
logout): the browser is sent to the provider's end_session_endpoint with client_id (no ID token
in the URL), the provider's own page confirms, and it sends the browser back to the login page."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kcc.core.middleware import IdleTimeoutMiddleware

from .conftest import RP_BASE

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(sign_in, group_mapping, client):
    get_user_model().objects.create_user("sanne")
    response, browser, _ = sign_in("sanne")
    assert response.status_code == 302
    assert browser.is_signed_in()
    return browser


def _end_at_provider(location, browser, sso):
    """Follow the redirect to the provider as the browser does, and confirm there."""
    url = urlsplit(location)
    assert f"{url.scheme}://{url.netloc}{url.path}" == sso.metadata["end_session_endpoint"]
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["client_id"] == "kcc"
    assert query["post_logout_redirect_uri"] == f"{RP_BASE}/inloggen/"
    # No ID token in the URL (personal data in browser history and access logs): client_id
    # identifies the relying party, and the provider asks the user to confirm instead.
    assert set(query) == {"client_id", "post_logout_redirect_uri"}
    back = browser.follow(location)
    assert back == f"{RP_BASE}/inloggen/"
    assert "logout" in browser.pages  # the provider's own confirmation page was answered


def test_logout_ends_the_session_here_and_at_the_provider(signed_in, client, sso):
    assert "oidc_id_token" not in client.session  # the ID token is not kept (no id_token_hint)
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "oidc_id_token" not in client.session
    _end_at_provider(response["Location"], signed_in, sso)
    assert not signed_in.is_signed_in()
    assert client.get(reverse("core:home")).status_code == 302


def test_the_idle_timeout_still_applies_and_ends_the_provider_session_too(signed_in, client, sso):
    session = client.session
    session[IdleTimeoutMiddleware.KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    _end_at_provider(response["Location"], signed_in, sso)
    assert not signed_in.is_signed_in()


def test_an_idle_htmx_request_is_sent_to_the_provider_logout(signed_in, client, sso):
    session = client.session
    session[IdleTimeoutMiddleware.KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("core:home"), HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(sso.metadata["end_session_endpoint"] + "?")


def test_a_password_session_logs_out_locally_as_before(sso, client, agent):
    client.force_login(agent)
    response = client.post(reverse("core:logout"))
    assert response["Location"] == reverse("core:login")


def test_without_a_logout_endpoint_the_logout_is_local_only(settings, signed_in, client):
    settings.KCC_OIDC_LOGOUT_ENDPOINT = ""
    response = client.post(reverse("core:logout"))
    assert response["Location"] == reverse("core:login")
    assert "_auth_user_id" not in client.session
