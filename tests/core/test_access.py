import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kcc.core.constants import LogAction, Purpose
from kcc.core.models import ProcessingLogEntry

pytestmark = pytest.mark.django_db


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def test_every_view_is_role_checked_or_explicitly_public():
    unmarked = [
        route for route, view in _walk(get_resolver().url_patterns)
        if not (getattr(view, "kcc_roles", None) or getattr(view, "kcc_public", False))
    ]
    assert unmarked == []


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_backoffice_gets_404_on_another_departments_page(login, backoffice_belastingen, belastingen, burgerzaken):
    client = login(backoffice_belastingen)
    assert client.get(reverse("core:department_detail", args=[belastingen.pk])).status_code == 200
    assert client.get(reverse("core:department_detail", args=[burgerzaken.pk])).status_code == 404


def test_only_the_departments_manager_may_change_its_reachability(login, backoffice_belastingen, manager_belastingen, belastingen):
    url = reverse("core:department_detail", args=[belastingen.pk])
    data = {"opening_hours": "ma-vr 9-12", "reachability": "Bel terug", "phone": "", "email": "b@example.nl"}
    assert login(backoffice_belastingen).post(url, data).status_code == 404
    belastingen.refresh_from_db()
    assert belastingen.reachability == ""
    response = login(manager_belastingen).post(url, data)
    assert response.status_code == 302
    belastingen.refresh_from_db()
    assert belastingen.reachability == "Bel terug"


def test_backoffice_cannot_open_a_customer_outside_its_work(login, backoffice_belastingen, customer):
    response = login(backoffice_belastingen).get(reverse("core:customer_detail", args=[customer.pk]))
    assert response.status_code == 404
    assert not ProcessingLogEntry.objects.filter(customer=customer).exists()


def test_role_without_access_to_a_page_gets_403(login, backoffice_belastingen):
    assert login(backoffice_belastingen).get(reverse("core:customer_search")).status_code == 403


def test_customer_view_is_written_to_the_processing_log(login, agent, customer):
    response = login(agent).get(reverse("core:customer_detail", args=[customer.pk]))
    assert response.status_code == 200
    entry = ProcessingLogEntry.objects.get(customer=customer)
    assert entry.user == agent
    assert entry.action == LogAction.VIEW
    assert entry.purpose == Purpose.ANSWER_QUESTION
    assert entry.customer_ref == customer.pk
    assert entry.request_id == response["X-Request-ID"]


def test_customer_page_shows_bsn_masked_only(login, agent, customer):
    html = login(agent).get(reverse("core:customer_detail", args=[customer.pk])).content.decode()
    assert "******782" in html
    assert "123456782" not in html


def test_bsn_reveal_requires_permission_and_is_logged(login, agent, customer):
    client = login(agent)
    response = client.post(reverse("core:customer_bsn", args=[customer.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "123456782" in response.content.decode()
    assert "<html" not in response.content.decode()  # only the fragment
    assert ProcessingLogEntry.objects.filter(customer=customer, action=LogAction.REVEAL_BSN, user=agent).count() == 1


def test_bsn_reveal_service_refuses_users_without_permission(backoffice_belastingen, customer):
    from django.core.exceptions import PermissionDenied

    from kcc.core.services import customer_bsn_reveal

    with pytest.raises(PermissionDenied):
        customer_bsn_reveal(user=backoffice_belastingen, customer=customer, purpose=Purpose.IDENTIFY)
    assert not ProcessingLogEntry.objects.filter(action=LogAction.REVEAL_BSN).exists()


def test_navigation_shows_only_what_the_role_may_use(login, agent, backoffice_belastingen):
    agent_html = login(agent).get(reverse("core:home")).content.decode()
    assert reverse("core:customer_search") in agent_html
    bo_html = login(backoffice_belastingen).get(reverse("core:home")).content.decode()
    assert reverse("core:customer_search") not in bo_html


def test_header_shows_user_name_and_role(login, agent):
    html = login(agent).get(reverse("core:home")).content.decode()
    assert "Sanne de Vries" in html
    assert "KCC-medewerker" in html
