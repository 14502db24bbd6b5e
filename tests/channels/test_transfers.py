import pytest
from django.urls import reverse

from channels.models import Contact, Transfer
from channels.services import transfer_mark_not_for_us
from kcc.core.exceptions import DomainError
from tests.core.factories import CustomerFactory

from .factories import ContactFactory, TransferFactory

pytestmark = pytest.mark.django_db

LIST = "/inbox/doorverbonden/"


def mark_url(transfer):
    return reverse("channels:transfer_not_for_us", args=[transfer.pk])


def test_back_office_sees_only_transfers_to_their_department(login, backoffice_belastingen, belastingen, burgerzaken):
    ours = TransferFactory(to_department=belastingen, contact__subject="WOZ-bezwaar", contact__customer=CustomerFactory(last_name="Pietersen"))
    theirs = TransferFactory(to_department=burgerzaken, contact__subject="Paspoort verlengen")
    html = login(backoffice_belastingen).get(LIST).content.decode()
    assert "WOZ-bezwaar" in html and "Pietersen" in html
    assert "Paspoort verlengen" not in html
    assert mark_url(ours) in html and mark_url(theirs) not in html


def test_marking_not_for_us_records_who_when_and_the_right_department(login, backoffice_belastingen, belastingen, burgerzaken):
    transfer = TransferFactory(to_department=belastingen)
    before = Contact.objects.get(pk=transfer.contact_id).updated_at
    client = login(backoffice_belastingen)
    assert client.get(mark_url(transfer)).status_code == 200
    response = client.post(mark_url(transfer), {"correct_department": burgerzaken.pk, "note": "Gaat over een paspoort"})
    assert response.status_code == 302 and response["Location"] == LIST
    transfer.refresh_from_db()
    assert transfer.is_misrouted
    assert transfer.not_for_us_by == backoffice_belastingen
    assert transfer.correct_department == burgerzaken
    assert transfer.not_for_us_note == "Gaat over een paspoort"
    assert Contact.objects.get(pk=transfer.contact_id).updated_at > before
    html = client.get(LIST).content.decode()
    assert "niet voor ons" in html and "had naar Burgerzaken gemoeten" in html


def test_the_right_department_is_required_and_must_differ(login, backoffice_belastingen, belastingen):
    transfer = TransferFactory(to_department=belastingen)
    client = login(backoffice_belastingen)
    response = client.post(mark_url(transfer), {"correct_department": "", "note": "Mijn toelichting"})
    assert response.status_code == 422
    assert "Mijn toelichting" in response.content.decode()
    response = client.post(mark_url(transfer), {"correct_department": belastingen.pk})
    assert response.status_code == 422
    transfer.refresh_from_db()
    assert not transfer.is_misrouted


def test_another_departments_transfer_is_404_also_for_a_forged_post(login, backoffice_belastingen, burgerzaken, belastingen):
    theirs = TransferFactory(to_department=burgerzaken)
    client = login(backoffice_belastingen)
    assert client.get(mark_url(theirs)).status_code == 404
    assert client.post(mark_url(theirs), {"correct_department": belastingen.pk}).status_code == 404
    assert client.post(mark_url(theirs), {"correct_department": belastingen.pk}, HTTP_HX_REQUEST="true").status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_misrouted


def test_marking_twice_is_refused(backoffice_belastingen, belastingen, burgerzaken):
    transfer = TransferFactory(to_department=belastingen)
    transfer_mark_not_for_us(user=backoffice_belastingen, transfer=transfer, correct_department=burgerzaken)
    with pytest.raises(DomainError):
        transfer_mark_not_for_us(user=backoffice_belastingen, transfer=transfer, correct_department=burgerzaken)


def test_only_the_receiving_department_may_mark(backoffice_burgerzaken, belastingen, burgerzaken):
    transfer = TransferFactory(to_department=belastingen)
    with pytest.raises(DomainError):
        transfer_mark_not_for_us(user=backoffice_burgerzaken, transfer=transfer, correct_department=burgerzaken)


def test_managers_see_their_departments_transfers(login, manager_belastingen, belastingen):
    TransferFactory(to_department=belastingen, contact__subject="Kwijtschelding")
    assert "Kwijtschelding" in login(manager_belastingen).get(LIST).content.decode()


def test_agents_have_no_transfers_received_page(login, agent):
    assert login(agent).get(LIST).status_code == 403


def test_filter_on_marked_transfers(login, backoffice_belastingen, belastingen, burgerzaken):
    marked = TransferFactory(to_department=belastingen, contact__subject="Verkeerd doorverbonden")
    TransferFactory(to_department=belastingen, contact__subject="Terecht doorverbonden")
    transfer_mark_not_for_us(user=backoffice_belastingen, transfer=marked, correct_department=burgerzaken)
    client = login(backoffice_belastingen)
    html = client.get(LIST + "?state=not_for_us").content.decode()
    assert "Verkeerd doorverbonden" in html and "Terecht doorverbonden" not in html
    html = client.get(LIST + "?state=open").content.decode()
    assert "Verkeerd doorverbonden" not in html and "Terecht doorverbonden" in html


def test_transfers_page_pages_by_keyset(login, backoffice_belastingen, belastingen, monkeypatch):
    import re

    from channels import selectors

    monkeypatch.setattr(selectors, "TRANSFER_PAGE_SIZE", 2)
    made = [TransferFactory(to_department=belastingen, contact__subject=f"Doorverbinding {i}") for i in range(5)]
    client = login(backoffice_belastingen)
    seen, url = [], LIST
    for _ in range(4):
        html = client.get(url).content.decode()
        seen += [int(x) for x in re.findall(r'/inbox/doorverbonden/(\d+)/niet-voor-ons/', html)]
        nxt = re.search(r'rel="next" href="([^"]+)"', html)
        if not nxt:
            break
        url = LIST + nxt.group(1).replace("&amp;", "&")
    assert seen == [t.pk for t in reversed(made)]


def test_transfer_contact_opens_read_only_for_back_office_and_other_contacts_do_not(login, backoffice_belastingen, belastingen):
    transfer = TransferFactory(to_department=belastingen)
    other = ContactFactory()
    client = login(backoffice_belastingen)
    assert client.get(reverse("channels:contact_detail", args=[transfer.contact_id])).status_code == 200
    assert client.get(reverse("channels:contact_detail", args=[other.pk])).status_code == 404
    assert Transfer.objects.count() == 1
