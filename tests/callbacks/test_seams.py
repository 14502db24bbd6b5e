"""The callbacks app's seams: no permissions for models it no longer has, and the close form's
initial callback fields come from the one default-phone selector."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from channels.constants import Channel, ContactStatus
from channels.models import Contact
from kcc.core.constants import Role
from kcc.core.roles import ROLE_PERMISSIONS
from kcc.core.services import customer_create

pytestmark = pytest.mark.django_db


def test_admin_role_grants_only_permissions_that_exist():
    """ClosureDay moved to core: the admin role gets core's closure-day permissions and none
    for a callbacks model that is gone."""
    granted = ROLE_PERMISSIONS[Role.ADMIN]
    assert {"core.add_closureday", "core.change_closureday", "core.delete_closureday", "core.view_closureday"} <= granted
    assert not {p for p in granted if p.startswith("callbacks.") and "closureday" in p}
    existing = {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}
    for role, permissions in ROLE_PERMISSIONS.items():
        assert permissions <= existing, (role, permissions - existing)


def test_close_initial_uses_the_default_phone_selector(agent, monkeypatch):
    from callbacks import selectors, services

    jan = customer_create(user=agent, first_name="Jan", last_name="Jansen", phone="06-12345678")
    contact = Contact.objects.create(channel=Channel.EMAIL, status=ContactStatus.OPEN, customer=jan, subject="Vraag", started_at=timezone.now())
    assert services.callback_close_initial(contact)["phone"] == selectors.customer_default_phone(jan) != ""
    monkeypatch.setattr(selectors, "customer_default_phone", lambda customer: "the selector's answer")
    assert services.callback_close_initial(contact)["phone"] == "the selector's answer"
    # The number the call came from still comes first.
    contact.caller_address = "+31201234567"
    assert services.callback_close_initial(contact)["phone"] != "the selector's answer"


def test_callback_close_uses_the_callers_phone_when_identified_after_the_form_was_shown(login, agent, belastingen):
    """Found walking the desk: a "Nieuw gesprek" caller identified by postcode after the close
    form was rendered left "Terugbelnummer" empty (422). The customer's default phone is used."""
    from django.urls import reverse

    from callbacks.models import CallbackRequest
    from channels.constants import Outcome
    from channels.desk import call_start

    jan = customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12, phone="06-12345678")
    contact = call_start(user=agent)
    Contact.objects.filter(pk=contact.pk).update(customer=jan)
    response = login(agent).post(reverse("channels:contact_close", args=[contact.pk]), {
        "outcome": Outcome.CALLBACK, "question": "Paspoort", "topic_department": belastingen.pk,
        "callback-target_department": belastingen.pk, "callback-phone": "", "callback-time_window": "morning", "callback-priority": "normal",
    })
    assert response.status_code == 302
    assert CallbackRequest.objects.get(source_contact=contact).phone == "+31612345678"


def test_callback_close_without_any_number_still_asks_for_one(login, agent, belastingen):
    from django.urls import reverse

    from callbacks.models import CallbackRequest
    from channels.constants import Outcome
    from channels.desk import call_start

    jan = customer_create(user=agent, first_name="Piet", last_name="Zonder", postcode="1011AB", house_number=14)
    contact = call_start(user=agent)
    Contact.objects.filter(pk=contact.pk).update(customer=jan)
    response = login(agent).post(reverse("channels:contact_close", args=[contact.pk]), {
        "outcome": Outcome.CALLBACK, "question": "Paspoort", "topic_department": belastingen.pk,
        "callback-target_department": belastingen.pk, "callback-phone": "", "callback-time_window": "morning", "callback-priority": "normal",
    })
    assert response.status_code == 422 and not CallbackRequest.objects.exists()
