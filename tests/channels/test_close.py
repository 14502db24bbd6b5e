import pytest
from django.urls import reverse

from channels.constants import ContactStatus, Outcome
from channels.models import Contact, Transfer
from channels.services import contact_claim, contact_close
from kcc.core.exceptions import DomainError

from .factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_close_sets_outcome_status_times_and_closer(agent, burgerzaken):
    contact = ContactFactory()
    before = contact.updated_at
    closed = contact_close(user=agent, contact=contact, outcome=Outcome.RESOLVED, question="Paspoort verlengen", topic_department=burgerzaken, notes="Afspraak gemaakt")
    closed.refresh_from_db()
    assert closed.status == ContactStatus.CLOSED
    assert closed.outcome == Outcome.RESOLVED
    assert closed.closed_by == agent
    assert closed.assigned_to == agent
    assert closed.ended_at is not None and closed.answered_at is not None
    assert closed.question == "Paspoort verlengen"
    assert closed.topic_department == burgerzaken
    assert closed.notes == "Afspraak gemaakt"
    assert closed.updated_at > before


def test_close_keeps_the_end_time_from_telephony(agent, burgerzaken):
    contact = ContactFactory(phone=True, status=ContactStatus.OPEN)
    ended = contact.started_at.replace(microsecond=0)
    Contact.objects.filter(pk=contact.pk).update(ended_at=ended)
    closed = contact_close(user=agent, contact=contact, outcome=Outcome.RESOLVED, topic_department=burgerzaken)
    assert closed.ended_at == ended


def test_transferred_needs_a_department_or_colleague(agent):
    contact = ContactFactory()
    with pytest.raises(DomainError) as exc:
        contact_close(user=agent, contact=contact, outcome=Outcome.TRANSFERRED, transfer_reason="Specialist nodig")
    assert exc.value.field == "transfer_to_department"
    assert Contact.objects.get(pk=contact.pk).status == ContactStatus.NEW


def test_transferred_needs_a_reason(agent, belastingen):
    contact = ContactFactory()
    with pytest.raises(DomainError) as exc:
        contact_close(user=agent, contact=contact, outcome=Outcome.TRANSFERRED, transfer_to_department=belastingen, transfer_reason="  ")
    assert exc.value.field == "transfer_reason"
    assert not Transfer.objects.exists()


def test_transferred_creates_the_transfer_and_sets_the_topic(agent, belastingen):
    contact = ContactFactory()
    contact_close(user=agent, contact=contact, outcome=Outcome.TRANSFERRED, transfer_to_department=belastingen, transfer_reason="Bezwaar WOZ")
    transfer = Transfer.objects.get(contact=contact)
    assert transfer.to_department == belastingen
    assert transfer.from_user == agent
    assert transfer.reason == "Bezwaar WOZ"
    assert Contact.objects.get(pk=contact.pk).topic_department == belastingen


def test_transfer_to_a_colleague_goes_to_the_colleagues_department(agent, backoffice_belastingen, belastingen):
    contact = ContactFactory()
    contact_close(user=agent, contact=contact, outcome=Outcome.TRANSFERRED, transfer_to_user=backoffice_belastingen, transfer_reason="Vraag over aanslag")
    transfer = Transfer.objects.get(contact=contact)
    assert transfer.to_user == backoffice_belastingen
    assert transfer.to_department == belastingen


def test_transfer_to_a_colleague_of_another_department_is_refused(agent, backoffice_belastingen, burgerzaken):
    contact = ContactFactory()
    with pytest.raises(DomainError) as exc:
        contact_close(
            user=agent, contact=contact, outcome=Outcome.TRANSFERRED, transfer_to_department=burgerzaken,
            transfer_to_user=backoffice_belastingen, transfer_reason="x",
        )
    assert exc.value.field == "transfer_to_user"


def test_a_closed_contact_cannot_be_closed_again(agent, burgerzaken):
    contact = ContactFactory()
    contact_close(user=agent, contact=contact, outcome=Outcome.RESOLVED, topic_department=burgerzaken)
    with pytest.raises(DomainError) as exc:
        contact_close(user=agent, contact=contact, outcome=Outcome.REFERRED)
    assert exc.value.code == "closed"
    assert Contact.objects.get(pk=contact.pk).outcome == Outcome.RESOLVED


def test_an_unknown_outcome_is_refused(agent):
    with pytest.raises(DomainError) as exc:
        contact_close(user=agent, contact=ContactFactory(), outcome="gezellig")
    assert exc.value.field == "outcome"


def test_only_the_owner_or_a_team_lead_may_close(agent, agent2, teamlead, burgerzaken):
    contact = ContactFactory()
    contact_claim(user=agent, contact_id=contact.pk)
    with pytest.raises(DomainError) as exc:
        contact_close(user=agent2, contact=contact, outcome=Outcome.RESOLVED, topic_department=burgerzaken)
    assert "Sanne de Vries" in exc.value.message
    assert contact_close(user=teamlead, contact=contact, outcome=Outcome.RESOLVED, topic_department=burgerzaken).closed_by == teamlead


def test_close_form_shows_dutch_errors_and_keeps_the_input(login, agent, belastingen):
    contact = ContactFactory()
    response = login(agent).post(
        reverse("channels:contact_close", args=[contact.pk]),
        {"outcome": Outcome.TRANSFERRED, "question": "Mijn aanslag klopt niet", "topic_department": belastingen.pk, "transfer_reason": ""},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Kies de afdeling of collega naar wie je hebt doorverbonden." in html
    assert "Geef de reden van het doorverbinden." in html
    assert "Mijn aanslag klopt niet" in html
    assert Contact.objects.get(pk=contact.pk).status == ContactStatus.NEW


def test_close_form_requires_a_topic_department_unless_disconnected(login, agent):
    client = login(agent)
    contact = ContactFactory()
    response = client.post(reverse("channels:contact_close", args=[contact.pk]), {"outcome": Outcome.RESOLVED})
    assert response.status_code == 422
    assert "Kies de afdeling waar de vraag over gaat." in response.content.decode()
    response = client.post(reverse("channels:contact_close", args=[contact.pk]), {"outcome": Outcome.DISCONNECTED})
    assert response.status_code == 302
    assert Contact.objects.get(pk=contact.pk).outcome == Outcome.DISCONNECTED


def test_close_view_with_transfer_creates_it_and_returns_to_the_closed_workspace(login, agent, belastingen):
    contact = ContactFactory()
    response = login(agent).post(
        reverse("channels:contact_close", args=[contact.pk]),
        {"outcome": Outcome.TRANSFERRED, "topic_department": belastingen.pk, "transfer_to_department": belastingen.pk, "transfer_reason": "WOZ-bezwaar"},
    )
    assert response.status_code == 302
    # The closed workspace offers "Volgende" (the next contact of the inbox filter).
    assert response["Location"] == reverse("channels:contact_detail", args=[contact.pk])
    assert Transfer.objects.filter(contact=contact, to_department=belastingen).exists()


def test_close_with_callback_without_its_fields_is_refused_and_keeps_the_contact_open(login, agent, burgerzaken):
    contact = ContactFactory()
    response = login(agent).post(
        reverse("channels:contact_close", args=[contact.pk]), {"outcome": Outcome.CALLBACK, "topic_department": burgerzaken.pk}
    )
    # The callback fields are part of the close form (tests/channels/test_close_one_step.py).
    assert response.status_code == 422
    assert Contact.objects.get(pk=contact.pk).status != ContactStatus.CLOSED


def test_back_office_cannot_close_a_contact_transferred_to_them(login, backoffice_belastingen, belastingen):
    from .factories import TransferFactory

    transfer = TransferFactory(to_department=belastingen)
    open_contact = ContactFactory()
    TransferFactory(contact=open_contact, to_department=belastingen)
    client = login(backoffice_belastingen)
    assert client.post(reverse("channels:contact_close", args=[open_contact.pk]), {"outcome": Outcome.RESOLVED}).status_code == 403
    assert client.get(reverse("channels:contact_detail", args=[transfer.contact.pk])).status_code == 200
