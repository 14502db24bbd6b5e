import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from channels.constants import Channel, ContactStatus, Outcome
from channels.forms import started_token
from channels.models import Contact, Transfer
from channels.services import contact_register_call
from kcc.core.constants import AddressKind, LogAction
from kcc.core.exceptions import DomainError
from kcc.core.models import ProcessingLogEntry
from kcc.core.services import customer_address_add, customer_create

from .factories import ContactFactory

pytestmark = pytest.mark.django_db

URL = "/inbox/telefoon/"


@pytest.fixture
def jan(agent):
    return customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678", email="jan@example.nl")


def post_data(**overrides):
    data = {"customer": "", "phone": "", "question": "Hoe verleng ik mijn paspoort?", "subject": "", "outcome": Outcome.RESOLVED, "notes": "", "started": started_token()}
    data.update(overrides)
    return data


def test_register_an_anonymous_call(login, agent, burgerzaken):
    response = login(agent).post(URL, post_data(topic_department=burgerzaken.pk, notes="Verwezen naar website"))
    assert response.status_code == 302 and response["Location"] == URL
    contact = Contact.objects.get()
    assert contact.channel == Channel.PHONE and contact.customer is None
    assert contact.status == ContactStatus.CLOSED and contact.outcome == Outcome.RESOLVED
    assert contact.subject == "Hoe verleng ik mijn paspoort?"
    assert contact.topic_department == burgerzaken and contact.notes == "Verwezen naar website"
    assert contact.assigned_to == agent and contact.closed_by == agent


def test_handle_time_runs_from_opening_the_screen_to_registering(login, agent, burgerzaken):
    with time_machine.travel("2026-03-02 10:00 +01:00", tick=False) as traveller:
        token = started_token()
        traveller.shift(95)
        login(agent).post(URL, post_data(topic_department=burgerzaken.pk, started=token))
    contact = Contact.objects.get()
    assert (contact.ended_at - contact.answered_at) == timedelta(seconds=95)
    assert contact.started_at == contact.answered_at


def test_a_tampered_start_time_is_ignored(login, agent, burgerzaken):
    login(agent).post(URL, post_data(topic_department=burgerzaken.pk, started="1234:forged"))
    contact = Contact.objects.get()
    assert contact.ended_at - contact.started_at < timedelta(seconds=5)


def test_register_a_call_for_a_known_customer_with_phone_in_any_notation(login, agent, jan, burgerzaken):
    login(agent).post(URL, post_data(customer=jan.pk, phone="+31 6 1234 5678", topic_department=burgerzaken.pk))
    contact = Contact.objects.get()
    assert contact.customer == jan and contact.caller_address == "+31612345678"
    assert ProcessingLogEntry.objects.filter(customer=jan, action=LogAction.CHANGE, context=f"telefoongesprek {contact.pk}").exists()


def test_a_forged_customer_id_is_a_validation_error(login, agent, burgerzaken):
    response = login(agent).post(URL, post_data(customer="999999", topic_department=burgerzaken.pk))
    assert response.status_code == 422
    assert "Kies de beller uit de zoekresultaten." in response.content.decode()
    assert not Contact.objects.exists()


def test_missing_question_and_bad_phone_give_dutch_errors_and_keep_input(login, agent, burgerzaken):
    response = login(agent).post(URL, post_data(question="", phone="12", notes="Mijn notitie", topic_department=burgerzaken.pk))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Dit veld is verplicht." in html
    assert "Mijn notitie" in html
    response = login(agent).post(URL, post_data(phone="12", topic_department=burgerzaken.pk))
    assert "Vul een geldig telefoonnummer in" in response.content.decode()
    assert not Contact.objects.exists()


def test_transferred_call_needs_target_and_reason(login, agent, belastingen):
    client = login(agent)
    response = client.post(URL, post_data(outcome=Outcome.TRANSFERRED, topic_department=belastingen.pk))
    assert response.status_code == 422
    assert not Contact.objects.exists()
    response = client.post(
        URL, post_data(outcome=Outcome.TRANSFERRED, topic_department=belastingen.pk, transfer_to_department=belastingen.pk, transfer_reason="Vraag over aanslag")
    )
    assert response.status_code == 302
    assert Transfer.objects.get().contact == Contact.objects.get()


def test_another_question_in_the_same_call_shares_the_conversation(login, agent, jan, burgerzaken, belastingen):
    client = login(agent)
    response = client.post(URL, post_data(customer=jan.pk, phone="0612345678", topic_department=burgerzaken.pk, another="1"))
    first = Contact.objects.get()
    assert response.status_code == 302
    follow_url = response["Location"]
    assert f"conversation={first.conversation_key}" in follow_url and f"customer={jan.pk}" in follow_url
    page = client.get(follow_url)
    html = page.content.decode()
    assert f'value="{first.conversation_key}"' in html
    assert re.search(rf'value="{jan.pk}"[^>]*checked', html)
    assert "Nog een vraag in hetzelfde gesprek" in html
    client.post(URL, post_data(customer=jan.pk, question="En mijn WOZ-waarde?", topic_department=belastingen.pk, conversation=str(first.conversation_key)))
    second = Contact.objects.exclude(pk=first.pk).get()
    assert second.conversation_key == first.conversation_key
    assert second.customer == jan


def test_phone_screen_pop_prefills_and_searches(login, agent, jan):
    response = login(agent).get(URL + "?phone=0031612345678", follow=True)
    assert response.redirect_chain == [(URL, 302)]  # the number leaves the URL at once
    html = response.content.decode()
    assert 'value="0031612345678"' in html
    assert re.search(rf'value="{jan.pk}"[^>]*checked', html)  # one match by phone: preselected
    assert ProcessingLogEntry.objects.filter(customer=jan, action=LogAction.SEARCH).exists()


def test_call_screen_pop_completes_the_telephony_contact(login, agent, jan, burgerzaken):
    started = timezone.now() - timedelta(minutes=3)
    call = ContactFactory(phone=True, external_id="call-77", caller_address="+31612345678", started_at=started, answered_at=started + timedelta(seconds=20))
    client = login(agent)
    html = client.get(URL + "?call=call-77").content.decode()
    assert f'name="call" value="{call.pk}"' in html
    assert 'name="phone" value="06 12345678"' in html
    assert re.search(rf'value="{jan.pk}"[^>]*checked', html)
    token = re.search(r'name="started" value="([^"]+)"', html).group(1)
    response = client.post(URL, post_data(call=call.pk, customer=jan.pk, phone="06-12345678", topic_department=burgerzaken.pk, started=token))
    assert response.status_code == 302
    assert Contact.objects.count() == 1
    call.refresh_from_db()
    assert call.status == ContactStatus.CLOSED and call.customer == jan and call.outcome == Outcome.RESOLVED
    assert call.answered_at == started + timedelta(seconds=20)
    again = client.get(URL + "?call=call-77").content.decode()
    assert "al geregistreerd" in again


def test_unknown_call_id_warns_and_still_offers_the_form(login, agent):
    html = login(agent).get(URL + "?call=onbekend-1").content.decode()
    assert "onbekend-1 is (nog) niet bekend" in html
    assert 'name="question"' in html


def test_registering_an_already_registered_call_is_refused(agent, burgerzaken):
    call = ContactFactory(phone=True, external_id="call-9")
    contact_register_call(user=agent, customer=None, question="Vraag", topic_department=burgerzaken, outcome=Outcome.RESOLVED, call_contact=call)
    with pytest.raises(DomainError):
        contact_register_call(user=agent, customer=None, question="Vraag", topic_department=burgerzaken, outcome=Outcome.RESOLVED, call_contact=call)


def test_registering_for_a_merged_customer_links_the_survivor(agent, jan, burgerzaken):
    duplicate = customer_create(user=agent, last_name="Jansen")
    duplicate.merged_into = jan
    duplicate.save(update_fields=["merged_into"])
    contact = contact_register_call(user=agent, customer=duplicate, question="Vraag", topic_department=burgerzaken, outcome=Outcome.RESOLVED)
    assert contact.customer == jan


def test_caller_search_fragment_finds_by_postcode_and_house_number(login, agent, jan):
    response = login(agent).post(reverse("channels:register_call_search"), {"q": "1011 ab 12"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Jan Jansen" in html
    assert re.search(rf'value="{jan.pk}"[^>]*checked', html)


def test_caller_search_by_name_does_not_preselect(login, agent, jan):
    customer_address_add(customer=jan, kind=AddressKind.EMAIL, value="jan2@example.nl")
    html = login(agent).post(reverse("channels:register_call_search"), {"q": "jansen"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Jan Jansen" in html
    assert re.search(r'id="caller-anonymous"[^>]*checked', html)


def test_the_screen_is_built_for_the_keyboard(login, agent):
    html = login(agent).get(URL).content.decode()
    assert re.search(r'id="id_q"[^>]*autofocus', html)
    for key in ("z", "v", "a", "u", "r", "n"):
        assert f'data-kcc-shortcut="{key}"' in html
    # Enter in the search box searches (its own form); the first button of the main form registers.
    assert 'form="caller-search"' in html
    main = html[html.index('action="/inbox/telefoon/" class="utrecht-form kcc-register-call"'):]
    first_button = re.search(r"<button[^>]*>", main).group(0)
    assert 'form="caller-search"' in first_button
    own_buttons = [b for b in re.findall(r"<button[^>]*>", main) if "caller-search" not in b]
    assert "another" not in own_buttons[0]


def test_register_call_is_for_kcc_roles(login, backoffice_belastingen):
    assert login(backoffice_belastingen).get(URL).status_code == 403


def test_searching_a_number_without_javascript_fills_the_callers_number(login, agent, jan):
    response = login(agent).post(reverse("channels:register_call_search"), {"q": "+31 6 1234 5678"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    html = response.content.decode()
    assert 'name="phone" value="06 12345678"' in html
    assert 'data-kcc-caller-phone="+31612345678"' in html


def test_call_screen_pop_for_a_known_caller_logs_the_customer_view(login, agent, jan):
    ContactFactory(phone=True, external_id="call-88", caller_address="+31699999999", customer=jan)
    html = login(agent).get(URL + "?call=call-88").content.decode()
    assert re.search(rf'value="{jan.pk}"[^>]*checked', html)
    assert ProcessingLogEntry.objects.filter(customer=jan, action=LogAction.VIEW, context="telefoongesprek").exists()
