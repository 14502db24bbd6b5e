import pytest
from django.urls import reverse
from django.utils import timezone

from channels import services
from channels.constants import Channel
from channels.models import Contact
from channels.services import contact_customer_link, customer_merge, register_merge_hook
from kcc.core.constants import AddressKind, LogAction
from kcc.core.exceptions import DomainError
from kcc.core.models import Customer, DigitalAddress, ProcessingLogEntry
from kcc.core.services import customer_address_add, customer_create
from tests.core.factories import CustomerFactory

from .factories import ContactFactory, MessageFactory

pytestmark = pytest.mark.django_db


def detail(contact):
    return reverse("channels:contact_detail", args=[contact.pk])


# --- link and create -----------------------------------------------------------------------


def test_agent_links_a_contact_to_a_customer_found_by_search(login, agent, customer):
    contact = ContactFactory()
    MessageFactory(contact=contact, sender_address="jan.nieuw@example.nl")
    client = login(agent)
    # The search is POSTed (no name in the URL); a postcode with number is a confident hit and
    # links the caller at once, announced in the aria-live region.
    response = client.post(reverse("channels:contact_identify", args=[contact.pk]), {"q": "1011AB 12"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Jan Jansen" in html and "Beller herkend" in html
    contact.refresh_from_db()
    assert contact.customer == customer
    response = client.post(reverse("channels:contact_customer_link", args=[contact.pk]), {"customer": customer.pk, "add_address": "on"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.customer == customer
    address = DigitalAddress.objects.get(customer=customer, kind=AddressKind.EMAIL, value="jan.nieuw@example.nl")
    assert address.verified_at is None  # added, but never verified by linking
    assert ProcessingLogEntry.objects.filter(customer=customer, action=LogAction.CHANGE).exists()


def test_linking_a_forged_customer_id_is_404(login, agent):
    contact = ContactFactory()
    assert login(agent).post(reverse("channels:contact_customer_link", args=[contact.pk]), {"customer": 999999}).status_code == 404
    contact.refresh_from_db()
    assert contact.customer is None


def test_unlinking_makes_the_contact_anonymous_again(login, agent, customer):
    contact = ContactFactory(customer=customer)
    login(agent).post(reverse("channels:contact_customer_link", args=[contact.pk]), {"customer": ""})
    contact.refresh_from_db()
    assert contact.customer is None


def test_agent_creates_a_customer_from_a_contact(login, agent):
    contact = ContactFactory(phone=True, caller_address="+31687654321")
    client = login(agent)
    html = client.get(reverse("channels:contact_customer_create", args=[contact.pk])).content.decode()
    assert 'value="06 87654321"' in html  # prefilled from the caller's number
    response = client.post(
        reverse("channels:contact_customer_create", args=[contact.pk]),
        {"first_name": "Fenna", "last_name": "Bos", "postcode": "1012 cd", "house_number": "4", "phone": "06-87654321", "email": ""},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.customer.full_name == "Fenna Bos"
    assert contact.customer.postcode == "1012CD"
    assert contact.customer.addresses.get(kind=AddressKind.PHONE).value == "+31687654321"


def test_create_customer_from_contact_shows_errors_and_keeps_input(login, agent):
    contact = ContactFactory()
    response = login(agent).post(reverse("channels:contact_customer_create", args=[contact.pk]), {"first_name": "Fenna", "last_name": "Bos", "postcode": "12"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Fenna" in html and "postcode" in html.lower()
    assert not Customer.objects.exists()


def test_unlinked_inbound_contact_suggests_customers_with_the_same_address(login, agent):
    verified = CustomerFactory(first_name="Anna", last_name="de Groot")
    customer_address_add(customer=verified, kind=AddressKind.EMAIL, value="gezin@example.nl", verified=True)
    unverified = CustomerFactory(first_name="Bert", last_name="de Groot")
    customer_address_add(customer=unverified, kind=AddressKind.EMAIL, value="gezin@example.nl")
    stranger = CustomerFactory(first_name="Carla", last_name="Vos")
    contact = ContactFactory()
    MessageFactory(contact=contact, sender_address="gezin@example.nl")
    html = login(agent).get(detail(contact)).content.decode()
    assert "Mogelijk deze klant" in html
    assert "Anna de Groot" in html and "Bert de Groot" in html and "Carla Vos" not in html
    assert "niet-geverifieerd adres" in html and "geverifieerd adres" in html
    assert stranger.pk  # only the address decides
    contact.refresh_from_db()
    assert contact.customer is None  # suggestions never link by themselves


def test_phone_contact_suggestions_use_the_caller_number(login, agent):
    match = CustomerFactory(first_name="Dirk", last_name="Mulder")
    customer_address_add(customer=match, kind=AddressKind.PHONE, value="0612345678")
    contact = ContactFactory(phone=True, caller_address="+31612345678")
    assert "Dirk Mulder" in login(agent).get(detail(contact)).content.decode()


def test_social_handle_is_added_as_a_social_address(agent):
    customer = CustomerFactory()
    contact = ContactFactory(channel=Channel.WHATSAPP)
    MessageFactory(contact=contact, channel=Channel.WHATSAPP, sender_address="+31611112222")
    contact_customer_link(user=agent, contact=contact, customer=customer, add_address=True)
    assert DigitalAddress.objects.filter(customer=customer, kind=AddressKind.SOCIAL, value="whatsapp:+31611112222").exists()


# --- merge ---------------------------------------------------------------------------------


@pytest.fixture
def duplicates(agent):
    target = customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678")
    source = customer_create(user=agent, first_name="J.", last_name="Jansen", postcode="1011AB", house_number=12, email="jan@example.nl", bsn="123456782")
    return source, target


def test_merge_moves_contacts_addresses_and_bsn_and_logs_both(teamlead, duplicates):
    source, target = duplicates
    moved = ContactFactory.create_batch(2, customer=source)
    kept = ContactFactory(customer=target)
    before = {c.pk: c.updated_at for c in moved}
    survivor = customer_merge(user=teamlead, source=source, target=target)
    assert survivor == target
    assert set(Contact.objects.filter(customer=target).values_list("pk", flat=True)) == {moved[0].pk, moved[1].pk, kept.pk}
    assert all(Contact.objects.get(pk=pk).updated_at > at for pk, at in before.items())
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into == target
    assert target.bsn == "123456782" and source.bsn == ""
    assert target.addresses.filter(kind=AddressKind.EMAIL, value="jan@example.nl", is_default=True).exists()
    assert target.addresses.filter(kind=AddressKind.PHONE, is_default=True).count() == 1
    for c in (source, target):
        assert ProcessingLogEntry.objects.filter(customer=c, action=LogAction.MERGE, user=teamlead).exists()


def test_merge_runs_the_registered_hooks_inside_the_transaction(teamlead, duplicates, monkeypatch):
    source, target = duplicates
    calls = []
    monkeypatch.setattr(services, "_merge_hooks", [])
    register_merge_hook(lambda *, user, source, target: calls.append((user, source.pk, target.pk)))
    customer_merge(user=teamlead, source=source, target=target)
    assert calls == [(teamlead, source.pk, target.pk)]


def test_a_failing_hook_aborts_the_whole_merge(teamlead, duplicates, monkeypatch):
    source, target = duplicates
    contact = ContactFactory(customer=source)

    def broken(*, user, source, target):
        raise DomainError("Terugbelverzoeken konden niet mee.")

    monkeypatch.setattr(services, "_merge_hooks", [broken])
    with pytest.raises(DomainError):
        customer_merge(user=teamlead, source=source, target=target)
    contact.refresh_from_db()
    source.refresh_from_db()
    assert contact.customer == source and source.merged_into is None


def test_merge_is_refused_for_different_bsns_and_for_agents(agent, teamlead):
    a = customer_create(user=agent, last_name="Jansen", bsn="123456782")
    b = customer_create(user=agent, last_name="Jansen", bsn="111222333")
    with pytest.raises(DomainError):
        customer_merge(user=teamlead, source=a, target=b)
    with pytest.raises(DomainError):
        customer_merge(user=agent, source=a, target=b)
    with pytest.raises(DomainError):
        customer_merge(user=teamlead, source=a, target=a)


def test_a_merged_customer_cannot_be_merged_again_and_earlier_merges_follow(teamlead, agent):
    a, b, c = (customer_create(user=agent, last_name=n) for n in ("A", "B", "C"))
    customer_merge(user=teamlead, source=a, target=b)
    with pytest.raises(DomainError):
        customer_merge(user=teamlead, source=a, target=c)
    customer_merge(user=teamlead, source=b, target=c)
    a.refresh_from_db()
    assert a.merged_into == c


def test_merge_page_flow_for_team_leads(login, teamlead, duplicates):
    source, target = duplicates
    ContactFactory(customer=source)
    client = login(teamlead)
    url = reverse("channels:customer_merge")
    # The search is POSTed: names and BSNs stay out of the URL and the access log.
    html = client.post(url, {"source": source.pk, "q": "jansen"}).content.decode()
    assert f"target={target.pk}" in html
    assert not Contact.objects.get().customer == target  # a search merges nothing
    old_link = client.get(f"{url}?source={source.pk}&q=jansen")
    assert old_link.status_code == 302 and "jansen" not in old_link["Location"]
    html = client.get(f"{url}?source={source.pk}&target={target.pk}").content.decode()
    assert "Resultaat controleren" in html
    # Without the confirmation step's "confirm", a POST only shows the result (test_merge.py).
    response = client.post(url, {"source": source.pk, "target": target.pk, "keep_first_name": "target", "confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:customer_detail", args=[target.pk])
    assert Contact.objects.get().customer == target


def test_merge_page_is_for_team_leads_only(login, agent, duplicates):
    source, target = duplicates
    assert login(agent).post(reverse("channels:customer_merge"), {"source": source.pk, "target": target.pk}).status_code == 403


# --- timeline ------------------------------------------------------------------------------


def test_customer_page_shows_contacts_on_every_channel_newest_first(login, agent, customer):
    now = timezone.now()
    old = ContactFactory(customer=customer, phone=True, closed_resolved=True, subject="Paspoort verlengen", started_at=now - timezone.timedelta(days=30))
    new = ContactFactory(customer=customer, channel=Channel.EMAIL, subject="Afvalpas kwijt", started_at=now - timezone.timedelta(days=1))
    ContactFactory(customer=CustomerFactory(), subject="Iemand anders")
    html = login(agent).get(reverse("core:customer_detail", args=[customer.pk])).content.decode()
    assert html.index("Afvalpas kwijt") < html.index("Paspoort verlengen")
    assert "Iemand anders" not in html
    assert reverse("channels:contact_detail", args=[old.pk]) in html and reverse("channels:contact_detail", args=[new.pk]) in html
    assert "Zelfstandig afgehandeld" in html


def test_back_office_timeline_shows_only_transferred_contacts(login, backoffice_belastingen, belastingen, customer):
    from .factories import TransferFactory

    visible = TransferFactory(to_department=belastingen, contact__customer=customer, contact__subject="WOZ-bezwaar").contact
    ContactFactory(customer=customer, subject="Geheim voor backoffice")
    html = login(backoffice_belastingen).get(reverse("core:customer_detail", args=[customer.pk])).content.decode()
    assert "WOZ-bezwaar" in html and reverse("channels:contact_detail", args=[visible.pk]) in html
    assert "Geheim voor backoffice" not in html


def test_team_leads_get_a_merge_link_on_the_customer_page(login, teamlead, agent, customer):
    url = reverse("core:customer_detail", args=[customer.pk])
    assert f"samenvoegen/?source={customer.pk}" in login(teamlead).get(url).content.decode()
    assert "samenvoegen" not in login(agent).get(url).content.decode()
