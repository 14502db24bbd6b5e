"""Closing with a callback in one step (issue 11, item 4): the outcome registry
(channels.outcomes), the handler that runs inside the close transaction, and the invariant that
no contact is ever closed as "callback" without its callback request."""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from callbacks.models import CallbackRequest
from channels import outcomes
from channels.constants import Channel, ContactStatus, Outcome
from channels.forms import CloseForm
from channels.models import Contact
from channels.services import contact_close
from kcc.core.exceptions import DomainError

pytestmark = pytest.mark.django_db


def open_contact(channel=Channel.PHONE, **fields):
    fields.setdefault("status", ContactStatus.OPEN)
    fields.setdefault("started_at", timezone.now())
    fields.setdefault("subject", "Aanslag")
    fields.setdefault("question", "Waarom is de aanslag hoger dan vorig jaar?")
    return Contact.objects.create(channel=channel, **fields)


def callback_post(department, **extra):
    return {
        "outcome": Outcome.CALLBACK, "question": "Uitleg over de aanslag", "topic_department": department.pk,
        "callback-target_department": department.pk, "callback-phone": "06-12345678", "callback-time_window": "morning",
        "callback-priority": "normal", "callback-caller_name": "Beller", **extra,
    }


def callback_data(department, **extra):
    return {"target_department": department, "phone": "0612345678", "time_window": "morning", "caller_name": "Beller", "question": "Uitleg", **extra}


def no_callback_less_contacts() -> bool:
    """The invariant, as a query: no closed contact with outcome "callback" lacks its callback."""
    return not Contact.objects.filter(status=ContactStatus.CLOSED, outcome=Outcome.CALLBACK, callbacks__isnull=True).exists()


@pytest.fixture
def temporary_extension():
    """Register an extension for one outcome during a test, then restore what was there."""
    saved = {}

    def _register(outcome, handler, form_class=None):
        from callbacks.forms import CloseWithCallbackForm

        saved.setdefault(outcome, outcomes.extension_for(outcome))
        outcomes.register_outcome(outcome, form_class=form_class or CloseWithCallbackForm, template="callbacks/_close_fields.html", handler=handler)

    yield _register
    for outcome, previous in saved.items():
        outcomes.unregister_outcome(outcome)
        if previous is not None:
            outcomes.register_outcome(outcome, form_class=previous.form_class, template=previous.template, handler=previous.handler, initial=previous.initial)


# --- the registry --------------------------------------------------------------------------


def test_callbacks_registers_its_fields_and_handler_for_the_callback_outcome():
    from callbacks.forms import CloseWithCallbackForm
    from callbacks.services import callback_close_handler

    extension = outcomes.extension_for(Outcome.CALLBACK)
    assert extension.form_class is CloseWithCallbackForm and extension.handler is callback_close_handler
    assert Outcome.CALLBACK in outcomes.HANDLER_REQUIRED


def test_registering_an_unknown_outcome_is_refused():
    with pytest.raises(ValueError):
        outcomes.register_outcome("bestaat-niet", form_class=object, template="x.html", handler=lambda **kw: None)


def test_channels_does_not_import_callbacks():
    import pathlib

    for path in pathlib.Path("channels").rglob("*.py"):
        text = path.read_text()
        assert "import callbacks" not in text and "from callbacks" not in text, path


def test_close_form_carries_the_registered_fields_with_the_callers_number(belastingen):
    contact = open_contact(caller_address="+31612345678", topic_department=belastingen)
    form = CloseForm(contact=contact)
    section = next(s for s in form.outcome_sections if s["outcome"] == Outcome.CALLBACK)
    assert section["form"].prefix == "callback"
    assert section["form"]["phone"].value() == "06 12345678"
    assert section["form"]["target_department"].value() == belastingen.pk


# --- the handler runs inside the close transaction ----------------------------------------------


def test_a_failing_handler_rolls_back_the_close(agent, burgerzaken, temporary_extension):
    def refuse(*, user, contact, data):
        assert Contact.objects.get(pk=contact.pk).status == ContactStatus.CLOSED  # inside the transaction
        raise DomainError("Weigering van de uitbreiding")

    temporary_extension(Outcome.REFERRED, refuse)
    contact = open_contact()
    with pytest.raises(DomainError, match="Weigering"):
        contact_close(user=agent, contact=contact, outcome=Outcome.REFERRED, topic_department=burgerzaken, outcome_data={})
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN and contact.outcome == ""


def test_a_handler_that_records_nothing_is_refused_for_a_required_outcome(agent, belastingen, temporary_extension):
    temporary_extension(Outcome.CALLBACK, lambda **kw: None)
    contact = open_contact()
    with pytest.raises(DomainError):
        contact_close(user=agent, contact=contact, outcome=Outcome.CALLBACK, topic_department=belastingen, outcome_data=callback_data(belastingen))
    assert Contact.objects.get(pk=contact.pk).status == ContactStatus.OPEN


def test_the_callback_handler_error_rolls_back_the_close(agent, belastingen):
    contact = open_contact()
    with pytest.raises(DomainError):
        contact_close(user=agent, contact=contact, outcome=Outcome.CALLBACK, topic_department=belastingen,
                      outcome_data=callback_data(belastingen, phone="12"))
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN and not CallbackRequest.objects.exists()


# --- the invariant -------------------------------------------------------------------------


def test_service_refuses_callback_without_its_data(agent, belastingen):
    contact = open_contact()
    with pytest.raises(DomainError) as exc:
        contact_close(user=agent, contact=contact, outcome=Outcome.CALLBACK, topic_department=belastingen)
    assert exc.value.field == "outcome"
    assert Contact.objects.get(pk=contact.pk).status == ContactStatus.OPEN
    assert no_callback_less_contacts()


def test_service_refuses_callback_when_no_app_registered_it(agent, belastingen):
    previous = outcomes.unregister_outcome(Outcome.CALLBACK)
    try:
        contact = open_contact()
        with pytest.raises(DomainError):
            contact_close(user=agent, contact=contact, outcome=Outcome.CALLBACK, topic_department=belastingen, outcome_data=callback_data(belastingen))
    finally:
        outcomes.register_outcome(Outcome.CALLBACK, form_class=previous.form_class, template=previous.template, handler=previous.handler, initial=previous.initial)
    assert no_callback_less_contacts()


def test_phone_call_cannot_close_as_callback_without_the_callback(login, agent, belastingen):
    """The phone flow as the desk works it: "Nieuw gesprek" (POST channels:call_start) opens the
    call, then the close form closes it -- never as a callback without its callback."""
    client = login(agent)
    client.post(reverse("channels:call_start"))
    contact = Contact.objects.get()
    close_url = reverse("channels:contact_close", args=[contact.pk])
    response = client.post(close_url, {"outcome": Outcome.CALLBACK, "question": "Terugbellen graag", "topic_department": belastingen.pk})
    assert response.status_code == 422
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN and not CallbackRequest.objects.exists()
    assert no_callback_less_contacts()
    response = client.post(close_url, callback_post(belastingen))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CLOSED and contact.outcome == Outcome.CALLBACK
    assert CallbackRequest.objects.get().source_contact_id == contact.pk
    assert no_callback_less_contacts()


def test_service_closes_and_makes_the_callback_together(agent, belastingen, customer):
    contact = open_contact(customer=customer)
    closed = contact_close(user=agent, contact=contact, outcome=Outcome.CALLBACK, topic_department=belastingen, outcome_data=callback_data(belastingen))
    callback = CallbackRequest.objects.get()
    assert closed.outcome_record == callback and callback.source_contact_id == contact.pk and callback.customer == customer
    assert callback.caller_name == ""  # a customer is known: no caller name
    assert no_callback_less_contacts()


def test_view_without_callback_fields_answers_422_and_keeps_everything(login, agent, belastingen):
    contact = open_contact(assigned_to=agent)
    response = login(agent).post(
        reverse("channels:contact_close", args=[contact.pk]),
        {"outcome": Outcome.CALLBACK, "question": "Mijn eigen woorden", "notes": "Notitie blijft", "topic_department": belastingen.pk,
         "callback-time_window": "afternoon"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Mijn eigen woorden" in html and "Notitie blijft" in html and 'value="afternoon" selected' in html
    assert "Afdeling die terugbelt" in html  # the missing field is named in the error summary
    assert Contact.objects.get(pk=contact.pk).status == ContactStatus.OPEN
    assert no_callback_less_contacts()


def test_view_closes_with_callback_in_one_post(login, agent, belastingen):
    contact = open_contact(assigned_to=agent)
    response = login(agent).post(reverse("channels:contact_close", args=[contact.pk]), callback_post(belastingen))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.status, contact.outcome) == (ContactStatus.CLOSED, Outcome.CALLBACK)
    callback = CallbackRequest.objects.get(source_contact=contact)
    assert (callback.target_department, callback.time_window, callback.phone) == (belastingen, "morning", "+31612345678")
    assert no_callback_less_contacts()


def test_form_posted_twice_makes_exactly_one_callback(login, agent, belastingen):
    contact = open_contact(assigned_to=agent)
    client = login(agent)
    url = reverse("channels:contact_close", args=[contact.pk])
    first = client.post(url, callback_post(belastingen))
    second = client.post(url, callback_post(belastingen))
    assert first.status_code == 302
    assert second.status_code == 302 and second["Location"] == reverse("channels:contact_detail", args=[contact.pk])
    assert CallbackRequest.objects.filter(source_contact=contact).count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "Dit contact was al afgesloten" in page


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_make_one_callback(agent, belastingen):
    """Two requests at once (double click, two tabs): the contact row lock serialises them."""
    contact = open_contact(assigned_to=agent)
    barrier = threading.Barrier(2)
    results = []

    def close():
        try:
            barrier.wait()
            contact_close(user=agent, contact=contact, outcome=Outcome.CALLBACK, topic_department=belastingen, outcome_data=callback_data(belastingen))
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=close) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["closed", "ok"]
    assert CallbackRequest.objects.filter(source_contact=contact).count() == 1
    assert no_callback_less_contacts()


# --- every channel ---------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.EMAIL, Channel.WHATSAPP])
def test_every_channel_closes_with_a_callback(login, agent, belastingen, customer, channel):
    contact = open_contact(channel=channel, customer=customer, assigned_to=agent)
    data = callback_post(belastingen)
    del data["callback-caller_name"]  # the customer is known
    response = login(agent).post(reverse("channels:contact_close", args=[contact.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    callback = CallbackRequest.objects.get(source_contact=contact)
    assert callback.customer == customer and callback.question == "Uitleg over de aanslag"
    assert Contact.objects.get(pk=contact.pk).outcome == Outcome.CALLBACK


def test_transfer_still_needs_its_target_and_reason(login, agent, belastingen):
    contact = open_contact(assigned_to=agent)
    client = login(agent)
    url = reverse("channels:contact_close", args=[contact.pk])
    response = client.post(url, {"outcome": Outcome.TRANSFERRED, "topic_department": belastingen.pk})
    assert response.status_code == 422
    response = client.post(url, {"outcome": Outcome.TRANSFERRED, "topic_department": belastingen.pk,
                                 "transfer_to_department": belastingen.pk, "transfer_reason": "Specialist nodig",
                                 "callback-phone": "onzin"})  # the other outcome's fields are ignored
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.outcome == Outcome.TRANSFERRED and contact.transfers.get().reason == "Specialist nodig"
    assert not CallbackRequest.objects.exists()


# --- deadline preview ------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 12, 4, 16, 59, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False)
def test_deadline_preview_counts_working_days(login, agent, belastingen):
    # Friday 4 December 2026, Belastingen calls back within 3 working days: Wednesday 9 December.
    response = login(agent).get(reverse("callbacks:deadline_preview"), {"callback-target_department": belastingen.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "9 dec 2026" in html and "3 werkdagen" in html and "Belastingen" in html
    from callbacks.selectors import callback_deadline_preview

    assert callback_deadline_preview(department=belastingen)["deadline"] == date(2026, 12, 9)


def test_deadline_preview_without_department_asks_for_one(login, agent):
    html = login(agent).get(reverse("callbacks:deadline_preview"), {"callback-target_department": "x"}).content.decode()
    assert "Kies de afdeling" in html


def test_deadline_preview_is_for_kcc_staff_only(login, backoffice_belastingen, belastingen):
    response = login(backoffice_belastingen).get(reverse("callbacks:deadline_preview"), {"callback-target_department": belastingen.pk})
    assert response.status_code == 403


def test_colleague_options_follow_the_prefixed_department(login, agent, belastingen, backoffice_belastingen, backoffice_burgerzaken):
    html = login(agent).get(reverse("callbacks:colleague_options"), {"callback-target_department": belastingen.pk}).content.decode()
    assert "Petra Jansen" in html and "Ahmed Bouali" not in html


def test_callback_department_is_the_topic_when_none_was_chosen(login, agent, belastingen):
    contact = open_contact(assigned_to=agent)
    data = callback_post(belastingen)
    data["topic_department"] = ""
    response = login(agent).post(reverse("channels:contact_close", args=[contact.pk]), data)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.topic_department == belastingen and CallbackRequest.objects.filter(source_contact=contact).exists()
