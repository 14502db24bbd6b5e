from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from callbacks.models import CallbackActivity, CallbackAttempt, CallbackRequest
from channels.models import Attachment, CallEvent, Contact, InboundRaw, Message, Transfer
from kcc.core.constants import LogAction
from kcc.core.exceptions import DomainError
from kcc.core.models import Customer, DigitalAddress, ProcessingLogEntry
from kcc.dashboard.models import ContactFact
from kcc.dashboard.services import metrics_refresh
from kcc.privacy.services import (
    customer_erase,
    customer_restrict,
    customer_restriction_lift,
    legal_hold_set,
)
from signals.models import Evidence

pytestmark = pytest.mark.django_db


def all_text_of(resident) -> str:
    """Every stored value linked to the resident, as one string."""
    parts = []
    ids = [resident.customer.pk]
    for model, q in (
        (Customer, {"pk__in": ids}), (DigitalAddress, {"customer_id__in": ids}), (Contact, {"customer_id__in": ids}),
        (Message, {"contact__customer_id__in": ids}), (CallEvent, {"contact__customer_id__in": ids}),
        (Transfer, {"contact__customer_id__in": ids}), (CallbackRequest, {"pk": resident.callback.pk}),
        (CallbackAttempt, {"callback_id": resident.callback.pk}), (CallbackActivity, {"callback_id": resident.callback.pk}),
        (Evidence, {"pk": resident.evidence.pk}), (ProcessingLogEntry, {"customer_ref__in": ids}),
    ):
        parts.extend(str(v) for row in model.objects.filter(**q).values() for v in row.values())
    parts.extend(bytes(p).decode(errors="replace") for p in InboundRaw.objects.filter(pk=resident.raw.pk).values_list("payload", flat=True))
    return " ".join(parts)


def test_erasure_empties_every_personal_field_and_deletes_files(make_resident, privacy_officer, django_capture_on_commit_callbacks):
    resident = make_resident(bsn="123456782")
    CallbackActivity.objects.create(callback=resident.callback, kind="attempt", details={"result": "reached", "note": "Jan bereikt"})
    file_path = Path(settings.KCC_PRIVATE_MEDIA_ROOT) / resident.attachment.file.name
    before = all_text_of(resident)
    for value in ("Jansen", "123456782", resident.email, resident.phone, "1011AB", "Dorpsstraat", "slechthorend"):
        assert value in before

    with django_capture_on_commit_callbacks(execute=True):
        customer_erase(user=privacy_officer, customer=resident.customer)

    after = all_text_of(resident)
    for value in ("Jansen", "Jan ", "123456782", resident.email, resident.phone, resident.phone[3:], "1011AB", "Dorpsstraat", "slechthorend", "paspoort"):
        assert value not in after, value
    assert not file_path.exists()
    assert not Attachment.objects.filter(pk=resident.attachment.pk).exists()
    customer = Customer.objects.get(pk=resident.customer.pk)
    assert customer.erased_at is not None
    # The records stay as shells: the figures and the processing log keep their ids.
    assert Contact.objects.filter(customer=customer).count() == 2
    assert ProcessingLogEntry.objects.filter(customer_ref=customer.pk, action=LogAction.ERASE).exists()


def test_erasure_covers_the_whole_merge_chain(make_resident, privacy_officer):
    survivor = make_resident()
    duplicate = make_resident(first="Johannes", last="Jansen-Smit")
    Customer.objects.filter(pk=duplicate.customer.pk).update(merged_into=survivor.customer)

    customer_erase(user=privacy_officer, customer=duplicate.customer)

    for resident in (survivor, duplicate):
        c = Customer.objects.get(pk=resident.customer.pk)
        assert c.erased_at is not None and c.first_name == "" and c.postcode == ""
        assert not Message.objects.filter(contact__customer=c).exclude(body_text="").exists()


def test_erasure_leaves_a_look_alike_alone(make_resident, privacy_officer):
    resident = make_resident()
    twin = make_resident(postcode="9999ZZ", house_number=3)

    customer_erase(user=privacy_officer, customer=resident.customer)

    twin_customer = Customer.objects.get(pk=twin.customer.pk)
    assert twin_customer.last_name == "Jansen" and twin_customer.erased_at is None
    assert Message.objects.get(pk=twin.message.pk).body_text.startswith("Beste KCC")


def test_erasure_is_refused_under_legal_hold(make_resident, privacy_officer):
    resident = make_resident()
    legal_hold_set(user=privacy_officer, contact=resident.email_contact, reason="klacht 7")
    with pytest.raises(DomainError):
        customer_erase(user=privacy_officer, customer=resident.customer)
    assert Customer.objects.get(pk=resident.customer.pk).erased_at is None


def test_metric_facts_survive_erasure_even_when_the_day_is_recomputed(make_resident, privacy_officer):
    resident = make_resident()
    metrics_refresh()
    day = timezone.localdate(resident.email_contact.started_at)
    fields = ("channel", "inbound", "closed", "resolved", "transferred", "fcr", "fcr_adjusted", "handle_count", "handle_sum")
    before = sorted(ContactFact.objects.filter(day=day).values_list(*fields))

    customer_erase(user=privacy_officer, customer=resident.customer)
    # Another contact that day changes: the job recomputes the day from the erased rows.
    Contact.objects.filter(pk=resident.phone_contact.pk).update(updated_at=timezone.now())
    metrics_refresh()

    assert sorted(ContactFact.objects.filter(day=day).values_list(*fields)) == before


def test_restriction_hides_the_resident_and_their_records_from_staff(make_resident, privacy_officer, agent, teamlead, login):
    resident = make_resident()
    customer_restrict(user=privacy_officer, customer=resident.customer)

    client = login(agent)
    assert client.get(reverse("core:customer_detail", args=[resident.customer.pk])).status_code == 404
    assert client.get(reverse("channels:contact_detail", args=[resident.email_contact.pk])).status_code == 404
    assert login(teamlead).get(reverse("callbacks:detail", args=[resident.callback.pk])).status_code == 404
    # The privacy officer still sees everything.
    assert login(privacy_officer).get(reverse("privacy:customer_detail", args=[resident.customer.pk])).status_code == 200

    customer_restriction_lift(user=privacy_officer, customer=resident.customer)
    assert login(agent).get(reverse("core:customer_detail", args=[resident.customer.pk])).status_code == 200


def test_restriction_covers_merged_records(make_resident, privacy_officer, agent, login):
    survivor = make_resident()
    duplicate = make_resident(first="J.")
    Customer.objects.filter(pk=duplicate.customer.pk).update(merged_into=survivor.customer)

    customer_restrict(user=privacy_officer, customer=survivor.customer)

    assert login(agent).get(reverse("core:customer_detail", args=[duplicate.customer.pk])).status_code == 404
