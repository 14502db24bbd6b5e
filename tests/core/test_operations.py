"""BIO operations: de-activating staff ends their sessions at once, and the yearly access-rights
review export lists exactly a department's memberships, safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kcc.core.admin_ops import access_review_csv, csv_cell, user_deactivate
from kcc.core.constants import Role
from kcc.core.exceptions import DomainError
from kcc.core.services import staff_role_grant

from .factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Welkom-bij-het-KCC-2026"


def logged_in_client(user) -> Client:
    """A real login through the login form, as a browser does it."""
    client = Client()
    response = client.post(reverse("core:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def sessions_of(user) -> list[str]:
    return [s.session_key for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


# --- de-activation -------------------------------------------------------------------------


def test_deactivating_a_user_in_the_admin_logs_them_out_at_once(admin_user, agent, agent2):
    agent_browser = logged_in_client(agent)
    agent_other_tab = logged_in_client(agent)
    colleague_browser = logged_in_client(agent2)
    assert agent_browser.get(reverse("channels:inbox")).status_code == 200
    assert len(sessions_of(agent)) == 2

    admin_browser = logged_in_client(admin_user)
    response = admin_browser.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate_users", ACTION_CHECKBOX_NAME: [agent.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 gebruiker gedeactiveerd" in response.content.decode()

    agent.refresh_from_db()
    assert not agent.is_active
    assert sessions_of(agent) == []
    for browser in (agent_browser, agent_other_tab):
        page = browser.get(reverse("channels:inbox"))
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("core:login"))
    # Only the de-activated account is affected.
    assert len(sessions_of(agent2)) == 1
    assert colleague_browser.get(reverse("channels:inbox")).status_code == 200
    # A de-activated account cannot log in again.
    assert Client().post(reverse("core:login"), {"username": agent.username, "password": PASSWORD}).status_code == 200


def test_deactivation_is_recorded_in_the_admin_history(admin_user, agent):
    logged_in_client(agent)
    admin_browser = logged_in_client(admin_user)
    admin_browser.post(reverse("admin:auth_user_changelist"), {"action": "deactivate_users", ACTION_CHECKBOX_NAME: [agent.pk]})
    entry = LogEntry.objects.get(object_id=str(agent.pk))
    assert entry.user == admin_user
    assert entry.action_flag == CHANGE
    assert entry.get_change_message() == "Gedeactiveerd; 1 sessie beëindigd."


def test_unticking_active_in_the_user_form_also_ends_the_sessions(admin_user, agent):
    agent_browser = logged_in_client(agent)
    admin_browser = logged_in_client(admin_user)
    url = reverse("admin:auth_user_change", args=[agent.pk])
    data = {
        "username": agent.username, "first_name": agent.first_name, "last_name": agent.last_name, "email": agent.email,
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0", "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }
    # The agent's membership is an existing inline row: keep it.
    membership = agent.memberships.get()
    data.update({
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": str(membership.pk), "memberships-0-user": str(agent.pk),
        "memberships-0-department": str(membership.department_id), "memberships-0-role": membership.role,
    })
    response = admin_browser.post(url, data)  # "is_active" not sent: unticked
    assert response.status_code == 302, response.content.decode()[:3000]
    agent.refresh_from_db()
    assert not agent.is_active
    assert sessions_of(agent) == []
    assert agent_browser.get(reverse("channels:inbox")).status_code == 302
    assert LogEntry.objects.filter(object_id=str(agent.pk), change_message__startswith="Gedeactiveerd").exists()


def test_an_admin_cannot_deactivate_their_own_account(admin_user):
    admin_browser = logged_in_client(admin_user)
    response = admin_browser.post(
        reverse("admin:auth_user_changelist"), {"action": "deactivate_users", ACTION_CHECKBOX_NAME: [admin_user.pk]}, follow=True
    )
    assert "Je kunt je eigen account niet deactiveren." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert len(sessions_of(admin_user)) == 1


def test_a_functional_admin_cannot_deactivate_a_superuser(admin_user, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@voorbeeldstad.example", PASSWORD)
    with pytest.raises(DomainError):
        user_deactivate(user=root, by=admin_user)
    root.refresh_from_db()
    assert root.is_active


def test_agents_cannot_deactivate_anyone(agent, agent2):
    browser = logged_in_client(agent)
    response = browser.post(reverse("admin:auth_user_changelist"), {"action": "deactivate_users", ACTION_CHECKBOX_NAME: [agent2.pk]})
    assert response.status_code == 302
    assert "/beheer/login/" in response["Location"]
    agent2.refresh_from_db()
    assert agent2.is_active


def test_deactivating_again_changes_nothing_and_ends_no_other_sessions(admin_user, agent, agent2):
    logged_in_client(agent)
    logged_in_client(agent2)
    assert user_deactivate(user=agent, by=admin_user) == 1
    assert user_deactivate(user=agent, by=admin_user) == 0
    assert len(sessions_of(agent2)) == 1


# --- access review -------------------------------------------------------------------------


@pytest.fixture
def staff(kcc_department, belastingen, burgerzaken, agent, backoffice_belastingen, manager_belastingen, backoffice_burgerzaken):
    # Someone with roles in two departments, and a former colleague who is inactive.
    both = UserFactory(username="wisselaar", first_name="Wil", last_name="Wissel")
    staff_role_grant(user=both, department=belastingen, role=Role.BACKOFFICE)
    staff_role_grant(user=both, department=burgerzaken, role=Role.BACKOFFICE)
    former = UserFactory(username="oud-collega", first_name="Otto", last_name="Oud", is_active=False)
    staff_role_grant(user=former, department=belastingen, role=Role.BACKOFFICE)
    return {"both": both, "former": former}


def test_access_review_of_a_department_holds_exactly_its_memberships(staff, belastingen):
    rows = parse(access_review_csv(departments=[belastingen]))
    assert rows[0] == ["Afdeling", "Afdelingscode", "Gebruikersnaam", "Naam", "Rol", "Actief", "Laatst ingelogd", "Account aangemaakt"]
    body = rows[1:]
    assert {(r[0], r[2], r[4], r[5]) for r in body} == {
        ("Belastingen", "bo-belastingen", "Medewerker vakafdeling", "ja"),
        ("Belastingen", "manager-belastingen", "Afdelingsmanager", "ja"),
        ("Belastingen", "wisselaar", "Medewerker vakafdeling", "ja"),
        ("Belastingen", "oud-collega", "Medewerker vakafdeling", "nee"),
    }
    assert len(body) == 4
    assert {r[3] for r in body} >= {"Petra Jansen", "Otto Oud"}


def test_access_review_shows_last_login_and_date_joined(staff, belastingen, backoffice_belastingen):
    logged_in_client(backoffice_belastingen)
    rows = {r[2]: r for r in parse(access_review_csv(departments=[belastingen]))[1:]}
    assert rows["bo-belastingen"][6] != ""  # last login, local time
    assert rows["oud-collega"][6] == ""  # never logged in
    assert len(rows["oud-collega"][7]) == len("2026-01-01 09:00")


def test_access_review_command_writes_one_department_to_a_file(staff, tmp_path):
    target = tmp_path / "burgerzaken.csv"
    call_command("access_review", "--department", "burgerzaken", "--output", str(target))
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())  # spreadsheets detect UTF-8
    rows = parse(raw.decode("utf-8"))
    assert sorted(r[2] for r in rows[1:]) == ["bo-burgerzaken", "wisselaar"]


def test_access_review_command_without_department_lists_every_membership_and_accounts_without_role(staff, capsys, django_user_model):
    django_user_model.objects.create_superuser("root", "root@voorbeeldstad.example", PASSWORD)
    UserFactory(username="zonder-rol")
    call_command("access_review")
    rows = parse(capsys.readouterr().out)[1:]
    by_user = {}
    for r in rows:
        by_user.setdefault(r[2], []).append((r[1], r[4]))
    assert by_user["wisselaar"] == [("belastingen", "Medewerker vakafdeling"), ("burgerzaken", "Medewerker vakafdeling")]
    assert by_user["agent"] == [("kcc", "KCC-medewerker")]
    assert by_user["root"] == [("", "superuser")]
    assert by_user["zonder-rol"] == [("", "geen rol")]
    assert len(rows) == 7 + 2  # seven memberships, two active accounts without one


def test_access_review_command_refuses_an_unknown_department(staff):
    with pytest.raises(CommandError, match="Onbekende afdeling bestaat-niet"):
        call_command("access_review", "--department", "bestaat-niet")


def test_access_review_neutralises_csv_formula_injection(belastingen):
    evil = UserFactory(username="evil", first_name="=HYPERLINK(\"http://evil.example\",\"klik\")", last_name="+1")
    staff_role_grant(user=evil, department=belastingen, role=Role.BACKOFFICE)
    plus = UserFactory(username="@plus", first_name="-2+3", last_name="")
    staff_role_grant(user=plus, department=belastingen, role=Role.BACKOFFICE)
    bad_department = DepartmentFactory(code="evil", name="@SUM(1+1)*cmd|' /C calc'!A0")
    staff_role_grant(user=evil, department=bad_department, role=Role.MANAGER)
    rows = {(r[1], r[2]): r for r in parse(access_review_csv(departments=[belastingen, bad_department]))[1:]}
    assert rows[("belastingen", "evil")][3] == "'=HYPERLINK(\"http://evil.example\",\"klik\") +1"
    assert rows[("belastingen", "'@plus")][3] == "'-2+3"
    assert rows[("evil", "evil")][0] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    for prefix in ("=", "+", "-", "@", "\t", "\r", "  =", "＝"):
        assert csv_cell(prefix + "SUM(A1)").startswith("'")
    assert csv_cell("Jansen-de Vries") == "Jansen-de Vries"
    assert csv_cell("") == ""


def test_access_review_is_an_action_in_the_department_admin(staff, admin_user, belastingen, burgerzaken):
    admin_browser = logged_in_client(admin_user)
    response = admin_browser.post(
        reverse("admin:core_department_changelist"),
        {"action": "export_access_review", ACTION_CHECKBOX_NAME: [burgerzaken.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="toegangsrechten-burgerzaken-')
    rows = parse(response.content.decode("utf-8"))
    assert sorted(r[2] for r in rows[1:]) == ["bo-burgerzaken", "wisselaar"]
