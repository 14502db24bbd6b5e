import threading

import pytest
from django.db import connection
from django.urls import reverse

from channels.constants import ContactStatus
from channels.models import Contact
from channels.services import contact_assign, contact_claim
from kcc.core.exceptions import DomainError

from .factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_claim_takes_an_unassigned_contact_and_bumps_updated_at(agent):
    contact = ContactFactory()
    before = contact.updated_at
    claimed = contact_claim(user=agent, contact_id=contact.pk)
    assert claimed.assigned_to == agent
    assert claimed.status == ContactStatus.OPEN
    assert claimed.claimed_at is not None
    assert claimed.answered_at is not None
    assert claimed.updated_at > before


def test_second_claim_of_same_contact_is_refused_and_names_the_owner(agent, agent2):
    contact = ContactFactory()
    contact_claim(user=agent, contact_id=contact.pk)
    with pytest.raises(DomainError) as exc:
        contact_claim(user=agent2, contact_id=contact.pk)
    assert exc.value.code == "claimed"
    assert "Sanne de Vries" in exc.value.message
    assert Contact.objects.get(pk=contact.pk).assigned_to == agent


def test_claiming_your_own_contact_again_is_harmless(agent):
    contact = ContactFactory()
    contact_claim(user=agent, contact_id=contact.pk)
    assert contact_claim(user=agent, contact_id=contact.pk).assigned_to == agent


def test_a_closed_contact_cannot_be_claimed(agent):
    contact = ContactFactory(closed_resolved=True)
    with pytest.raises(DomainError) as exc:
        contact_claim(user=agent, contact_id=contact.pk)
    assert exc.value.code == "closed"


def test_back_office_cannot_claim(backoffice_belastingen):
    contact = ContactFactory()
    with pytest.raises(DomainError):
        contact_claim(user=backoffice_belastingen, contact_id=contact.pk)


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_have_exactly_one_winner(agent, agent2, teamlead):
    contact = ContactFactory()
    users = [agent, agent2, teamlead]
    barrier = threading.Barrier(len(users))
    results = {}

    def claim(user):
        try:
            barrier.wait()
            contact_claim(user=user, contact_id=contact.pk)
            results[user.username] = "won"
        except DomainError as exc:
            results[user.username] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    winners = [name for name, r in results.items() if r == "won"]
    assert len(winners) == 1, results
    owner = Contact.objects.select_related("assigned_to").get(pk=contact.pk).assigned_to
    assert owner.username == winners[0]
    owner_name = owner.get_full_name()
    losers = [r for name, r in results.items() if name != winners[0]]
    assert len(losers) == 2 and all(owner_name in r for r in losers)


def test_claim_view_opens_the_contact(login, agent):
    contact = ContactFactory()
    response = login(agent).post(reverse("channels:contact_claim", args=[contact.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("channels:contact_detail", args=[contact.pk])


def test_claim_view_tells_the_loser_who_has_it(login, agent, agent2):
    contact = ContactFactory()
    contact_claim(user=agent2, contact_id=contact.pk)
    client = login(agent)
    back = reverse("channels:inbox") + "?channel=email"
    response = client.post(reverse("channels:contact_claim", args=[contact.pk]), {"next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "Daan Visser heeft dit klantcontact al opgepakt." in response.content.decode()
    htmx = client.post(reverse("channels:contact_claim", args=[contact.pk]), HTTP_HX_REQUEST="true")
    assert htmx.status_code == 409
    body = htmx.content.decode()
    assert "Daan Visser" in body and "<html" not in body


def test_claim_view_refuses_an_unsafe_next_url(login, agent, agent2):
    contact = ContactFactory()
    contact_claim(user=agent2, contact_id=contact.pk)
    response = login(agent).post(reverse("channels:contact_claim", args=[contact.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("channels:inbox")


def test_back_office_cannot_claim_through_the_view(login, backoffice_belastingen):
    contact = ContactFactory()
    assert login(backoffice_belastingen).post(reverse("channels:contact_claim", args=[contact.pk])).status_code == 403


# --- assign ------------------------------------------------------------------------------


def test_team_lead_assigns_several_contacts_at_once(teamlead, agent2):
    contacts = ContactFactory.create_batch(3)
    count = contact_assign(user=teamlead, contact_ids=[c.pk for c in contacts], assignee=agent2)
    assert count == 3
    assert set(Contact.objects.filter(assigned_to=agent2).values_list("status", flat=True)) == {ContactStatus.OPEN}


def test_team_lead_returns_contacts_to_the_queue(teamlead, agent):
    contact = ContactFactory()
    contact_claim(user=agent, contact_id=contact.pk)
    contact_assign(user=teamlead, contact_ids=[contact.pk], assignee=None)
    contact.refresh_from_db()
    assert contact.assigned_to is None
    assert contact.status == ContactStatus.NEW


def test_agents_cannot_assign(agent, agent2):
    contact = ContactFactory()
    with pytest.raises(DomainError):
        contact_assign(user=agent, contact_ids=[contact.pk], assignee=agent2)


def test_contacts_cannot_be_assigned_to_back_office_staff(teamlead, backoffice_belastingen):
    contact = ContactFactory()
    with pytest.raises(DomainError) as exc:
        contact_assign(user=teamlead, contact_ids=[contact.pk], assignee=backoffice_belastingen)
    assert exc.value.field == "assignee"


def test_assign_refuses_the_whole_batch_when_one_is_closed(teamlead, agent):
    open_contact = ContactFactory()
    closed = ContactFactory(closed_resolved=True)
    with pytest.raises(DomainError):
        contact_assign(user=teamlead, contact_ids=[open_contact.pk, closed.pk], assignee=agent)
    open_contact.refresh_from_db()
    assert open_contact.assigned_to is None


def test_bulk_assign_form_assigns_and_returns_to_the_filtered_inbox(login, teamlead, agent2):
    contacts = ContactFactory.create_batch(2)
    back = reverse("channels:inbox") + "?channel=email"
    response = login(teamlead).post(
        reverse("channels:contact_assign"), {"contacts": [c.pk for c in contacts], "assignee": agent2.pk, "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    assert Contact.objects.filter(assigned_to=agent2).count() == 2


def test_bulk_assign_with_a_forged_contact_id_is_404(login, teamlead, agent2):
    contact = ContactFactory()
    response = login(teamlead).post(reverse("channels:contact_assign"), {"contacts": [contact.pk, 999999], "assignee": agent2.pk})
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.assigned_to is None


def test_bulk_assign_is_for_team_leads_only(login, agent, agent2):
    contact = ContactFactory()
    response = login(agent).post(reverse("channels:contact_assign"), {"contacts": [contact.pk], "assignee": agent2.pk})
    assert response.status_code == 403
