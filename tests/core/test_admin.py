import pytest
from django.urls import reverse

from kcc.core.constants import Role
from kcc.core.models import Department, Membership

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_functional_admin_manages_departments_in_the_admin(login, admin_user):
    client = login(admin_user)
    response = client.post(
        reverse("admin:core_department_add"),
        {"name": "Sport", "code": "sport", "callback_norm_days": 3, "email": "", "phone": "", "opening_hours": "", "reachability": "", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Department.objects.get(code="sport").callback_norm_days == 3


def test_functional_admin_grants_a_role_and_the_group_follows(login, admin_user, belastingen):
    user = UserFactory(username="nieuw")
    client = login(admin_user)
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = {
        "username": "nieuw", "first_name": "Nieuwe", "last_name": "Collega", "email": "", "is_active": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0", "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-department": str(belastingen.pk), "memberships-0-role": Role.BACKOFFICE, "memberships-0-user": str(user.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.filter(user=user, department=belastingen, role=Role.BACKOFFICE).exists()
    assert list(user.groups.values_list("name", flat=True)) == [Role.BACKOFFICE]


def test_agents_cannot_use_the_admin(login, agent):
    response = login(agent).get(reverse("admin:core_department_changelist"))
    assert response.status_code == 302
    assert "/beheer/login/" in response["Location"]


def test_admin_never_shows_an_unmasked_bsn(client, customer, django_user_model):
    su = django_user_model.objects.create_superuser("root", "root@example.nl", "x-Welkom-2026-long")
    client.force_login(su)
    html = client.get(reverse("admin:core_customer_change", args=[customer.pk])).content.decode()
    assert "******782" in html
    assert "123456782" not in html
