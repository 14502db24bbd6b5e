"""Settings of single sign-on: the login page, password login as break-glass, the system checks,
and the group mapping in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from kcc.core.constants import Role
from kcc.sso import checks
from kcc.sso.models import GroupMapping
from kcc.sso.services import claim_values

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _ids(messages):
    return sorted(m.id for m in messages)


def test_the_login_page_offers_the_organisation_account_only_when_it_is_on(settings, client):
    settings.KCC_OIDC_ENABLED = False
    html = client.get(reverse("core:login")).content.decode()
    assert "Inloggen met organisatieaccount" not in html
    assert 'name="password"' in html
    settings.KCC_OIDC_ENABLED = True
    html = client.get(reverse("core:login") + "?next=/klanten/").content.decode()
    assert "Inloggen met organisatieaccount" in html
    assert f'href="{reverse("sso:login")}?next=/klanten/"' in html
    assert 'name="password"' in html


def test_with_password_login_off_the_form_is_gone_and_a_password_no_longer_signs_in(settings, client, agent):
    settings.KCC_OIDC_ENABLED = True
    settings.KCC_PASSWORD_LOGIN_ENABLED = False
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "kcc.sso.backends.OidcBackend"]
    html = client.get(reverse("core:login")).content.decode()
    assert "Inloggen met organisatieaccount" in html
    assert 'name="password"' not in html
    response = client.post(reverse("core:login"), {"username": "agent", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_login_still_works_next_to_single_sign_on(settings, client, agent):
    settings.KCC_OIDC_ENABLED = True
    response = client.post(reverse("core:login"), {"username": "agent", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == agent.pk


def test_the_sign_in_pages_do_not_exist_while_single_sign_on_is_off(settings, client):
    settings.KCC_OIDC_ENABLED = False
    assert client.get(reverse("sso:login")).status_code == 404
    assert client.get(reverse("sso:callback"), {"code": "x", "state": "y"}).status_code == 404


def test_deploy_check_warns_when_nobody_can_sign_in(settings):
    settings.KCC_OIDC_ENABLED = False
    settings.KCC_PASSWORD_LOGIN_ENABLED = False
    assert _ids(checks.login_possible_check(None)) == ["sso.W001"]
    settings.KCC_PASSWORD_LOGIN_ENABLED = True
    assert checks.login_possible_check(None) == []


def test_checks_name_missing_provider_settings_and_addresses_without_tls(settings, sso):
    assert checks.oidc_settings_check(None) == []
    settings.OIDC_RP_CLIENT_ID = ""
    settings.KCC_OIDC_LOGOUT_ENDPOINT = ""
    found = checks.oidc_settings_check(None)
    assert _ids(found) == ["sso.E001", "sso.W002"]
    assert "KCC_OIDC_CLIENT_ID" in found[0].msg
    # The loopback provider speaks plain http: check --deploy says so for each address.
    assert set(_ids(checks.oidc_https_check(None))) == {"sso.W003"}


def test_check_deploy_is_clean_with_the_default_settings(settings, capsys):
    settings.KCC_OIDC_ENABLED = False
    settings.KCC_PASSWORD_LOGIN_ENABLED = True
    call_command("check", "--tag", "security", "--deploy", "--fail-level", "ERROR")
    assert "sso." not in capsys.readouterr().out


def test_a_mapping_gives_agents_and_team_leads_only_in_the_kcc_department(kcc_department, belastingen):
    with pytest.raises(ValidationError):
        GroupMapping(claim_value="x", department=belastingen, role=Role.AGENT).full_clean()
    GroupMapping(claim_value="x", department=kcc_department, role=Role.AGENT).full_clean()


def test_group_names_come_from_lists_strings_and_nested_claims():
    claims = {"groups": ["/kcc/agents", " ", 7], "roles": "kcc-admin", "realm_access": {"roles": ["teamlead"]}}
    assert claim_values(claims, ["groups", "roles", "realm_access.roles", "absent.claim"]) == {"/kcc/agents", "kcc-admin", "teamlead"}


def test_the_functional_admin_keeps_the_mapping_in_the_admin(client, admin_user, kcc_department):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:sso_groupmapping_add"),
        {"claim_value": "kcc-agents", "department": kcc_department.pk, "role": Role.AGENT},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert GroupMapping.objects.filter(claim_value="kcc-agents", role=Role.AGENT).exists()
    assert client.get(reverse("admin:sso_groupmapping_changelist")).status_code == 200
    assert client.get(reverse("admin:sso_identity_changelist")).status_code == 200


def test_staff_without_the_admin_role_cannot_change_the_mapping(client, agent):
    client.force_login(agent)
    assert client.get(reverse("admin:sso_groupmapping_changelist")).status_code == 302
    assert get_user_model().objects.filter(pk=agent.pk, is_staff=False).exists()
