import pytest
from django.urls import reverse

from channels.services import contact_claim

from .factories import ContactFactory

pytestmark = pytest.mark.django_db


def nav(client):
    html = client.get(reverse("core:home")).content.decode()
    return html[html.index('id="main-nav"'):html.index("</nav>")]


def test_navigation_items_per_role(login, agent, teamlead, backoffice_belastingen, manager_belastingen, editor):
    for user in (agent, teamlead):
        items = nav(login(user))
        assert "Werkvoorraad" in items and "Telefoongesprek" in items and "Doorverbonden naar ons" not in items
    for user in (backoffice_belastingen, manager_belastingen):
        items = nav(login(user))
        assert "Doorverbonden naar ons" in items and "Werkvoorraad" not in items
    assert "Werkvoorraad" not in nav(login(editor))


def test_home_shows_my_open_contacts(login, agent):
    for c in ContactFactory.create_batch(2):
        contact_claim(user=agent, contact_id=c.pk)
    ContactFactory()
    html = login(agent).get(reverse("core:home")).content.decode()
    assert "2 open klantcontacten staan op jouw naam" in html
    assert reverse("channels:inbox") + "?assigned=me" in html


def test_team_lead_home_shows_unassigned_count(login, teamlead):
    ContactFactory.create_batch(3)
    assert "3 klantcontacten wachten op een behandelaar" in login(teamlead).get(reverse("core:home")).content.decode()


def test_functional_admin_can_look_up_contacts_without_personal_data(login, admin_user, customer):
    contact = ContactFactory(customer=customer, question="Geheime vraag over mijn schulden")
    client = login(admin_user)
    assert client.get("/beheer/inbox/contact/").status_code == 200
    html = client.get(f"/beheer/inbox/contact/{contact.pk}/change/").content.decode()
    assert "Geheime vraag" not in html and customer.last_name not in html
    assert client.get("/beheer/inbox/contact/add/").status_code == 403
