"""Signing in with the organisation account through the real provider on loopback: claims become
the user, groups become roles per department, and everyone else gets no access."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kcc.core.constants import Role
from kcc.core.models import Membership
from kcc.sso.models import GroupMapping, Identity

from ..conftest import make_staff
from .conftest import RP_BASE

pytestmark = pytest.mark.django_db
User = get_user_model()


def _memberships(user):
    return set(Membership.objects.filter(user=user).values_list("department__code", "role"))


def test_agent_signs_in_through_the_providers_pages_and_gets_the_mapped_role(sign_in, group_mapping, kcc_department, client):
    user = make_staff("sanne", kcc_department, Role.EDITOR)  # a role the provider does not grant
    response, browser, _ = sign_in("sanne")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert browser.pages == ["login", "consent"]  # the provider's own pages were answered
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["_auth_user_backend"] == "kcc.sso.backends.OidcBackend"
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email) == ("Sanne", "de Vries", "sanne@voorbeeldstad.example")
    # The provider decides: the editor role it does not grant is gone, the mapped one is there.
    assert _memberships(user) == {("kcc", Role.AGENT)}
    assert set(user.groups.values_list("name", flat=True)) == {Role.AGENT}
    assert user.has_perm("core.view_bsn")
    identity = Identity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (client.session and identity.issuer, "sanne")
    html = client.get(reverse("core:home")).content.decode()
    assert "Sanne de Vries" in html
    assert "KCC-medewerker" in html


def test_groups_map_to_roles_in_several_departments_and_unmapped_groups_are_ignored(sign_in, group_mapping, belastingen, burgerzaken, client):
    user = User.objects.create_user("petra")
    response, _, _ = sign_in("petra")
    assert response.status_code == 302
    assert _memberships(user) == {("belastingen", Role.BACKOFFICE), ("belastingen", Role.MANAGER)}
    # The per-department scope applies to the signed-in user as to anyone.
    assert client.get(reverse("core:department_detail", args=[belastingen.pk])).status_code == 200
    assert client.get(reverse("core:department_detail", args=[burgerzaken.pk])).status_code == 404
    assert client.get(reverse("core:customer_search")).status_code == 403


def test_a_changed_mapping_changes_the_roles_at_the_next_sign_in(sign_in, group_mapping, kcc_department, client):
    user = User.objects.create_user("sanne")
    sign_in("sanne")
    assert _memberships(user) == {("kcc", Role.AGENT)}
    client.logout()
    GroupMapping.objects.filter(claim_value="kcc-agents").update(role=Role.TEAMLEAD)
    response, _, _ = sign_in("sanne")
    assert response.status_code == 302
    assert _memberships(user) == {("kcc", Role.TEAMLEAD)}


def test_unknown_groups_get_no_access_and_a_clear_page(sign_in, group_mapping, client):
    user = User.objects.create_user("ingrid")
    response, _, _ = sign_in("ingrid")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Je organisatieaccount geeft geen toegang tot het KCC" in html
    assert "functioneel beheerder" in html
    assert "_auth_user_id" not in client.session
    assert _memberships(user) == set()
    assert client.get(reverse("core:home")).status_code == 302


def test_a_linked_user_whose_groups_are_no_longer_mapped_loses_every_role(sign_in, group_mapping, client):
    user = User.objects.create_user("sanne")
    sign_in("sanne")
    client.logout()
    GroupMapping.objects.filter(claim_value="kcc-agents").delete()
    response, _, _ = sign_in("sanne")
    assert response.status_code == 403
    assert _memberships(user) == set()
    assert not user.groups.exists()


def test_no_groups_claim_at_all_gets_no_access(sign_in, group_mapping, client):
    response, _, _ = sign_in("zonder")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="zonder").exists()


def test_without_provisioning_an_unknown_account_is_refused_and_not_created(sign_in, group_mapping, client):
    response, _, _ = sign_in("kees")
    assert response.status_code == 403
    assert "Er is geen KCC-account voor je organisatieaccount" in response.content.decode()
    assert not User.objects.filter(username="kees").exists()


def test_just_in_time_provisioning_creates_the_account_with_its_role(settings, sign_in, group_mapping, client):
    settings.KCC_OIDC_CREATE_USERS = True
    response, _, _ = sign_in("mo")
    assert response.status_code == 302
    user = User.objects.get(username="mo")
    assert (user.first_name, user.last_name) == ("Mohammed", "El Amrani")
    assert not user.has_usable_password()
    assert _memberships(user) == {("kcc", Role.TEAMLEAD)}


def test_provisioning_never_creates_an_account_without_a_mapped_group(settings, sign_in, group_mapping):
    settings.KCC_OIDC_CREATE_USERS = True
    response, _, _ = sign_in("ingrid")
    assert response.status_code == 403
    assert not User.objects.filter(username="ingrid").exists()


def test_a_deactivated_account_is_refused(sign_in, group_mapping, client):
    User.objects.create_user("sanne", is_active=False)
    response, _, _ = sign_in("sanne")
    assert response.status_code == 403
    assert "gedeactiveerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_superuser_break_glass_account_never_signs_in_with_the_provider(sign_in, group_mapping, client):
    User.objects.create_superuser("beheerder", password="x" * 20)
    response, _, _ = sign_in("beheerder")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not Identity.objects.exists()


def test_an_account_linked_to_another_subject_is_not_taken_over_by_username(sign_in, group_mapping, client, oidc_provider):
    user = User.objects.create_user("sanne")
    Identity.objects.create(user=user, issuer=oidc_provider.issuer, subject="someone-else")
    response, _, _ = sign_in("sanne")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_linked_subject_signs_in_even_when_the_username_no_longer_matches(sign_in, group_mapping, client, oidc_provider):
    user = User.objects.create_user("s.devries")  # renamed in the KCC after the link was made
    Identity.objects.create(user=user, issuer=oidc_provider.issuer, subject="sanne")
    response, _, _ = sign_in("sanne")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def _callback_queries(client, sso, login, django_assert_num_queries, expected):
    """Only the callback (our view) is counted: the provider's pages are walked before."""
    start = client.get("/sso/inloggen/")
    callback = sso.browser().authorize(start["Location"], login=login)
    with django_assert_num_queries(expected):
        response = client.get(callback.removeprefix(RP_BASE))
    assert response.status_code == 302
    return response


def test_the_sign_in_callback_makes_a_fixed_number_of_queries(sign_in, group_mapping, client, sso, django_assert_num_queries):
    """A returning user whose roles did not change: the session (state and nonce), the login
    throttle (axes), the mappings of the groups, the identity with its user, the memberships,
    the last-login stamps, the cycled session and axes' access log (27 with the savepoints).
    Pinned so that a change in the role mapping (a query per group or department) shows here."""
    User.objects.create_user("petra")  # several groups, two of them mapped
    sign_in("petra")
    client.logout()
    _callback_queries(client, sso, "petra", django_assert_num_queries, 27)


def test_the_first_sign_in_callback_links_the_account_in_a_fixed_number_of_queries(group_mapping, client, sso, django_assert_num_queries):
    """The first sign-in also links the identity and grants two roles (with their Django groups)."""
    User.objects.create_user("petra")
    _callback_queries(client, sso, "petra", django_assert_num_queries, 51)
