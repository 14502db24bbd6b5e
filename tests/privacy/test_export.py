import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from kcc.core.constants import LogAction, Purpose
from kcc.core.models import Customer, ProcessingLogEntry
from kcc.privacy.services import customer_export_build

pytestmark = pytest.mark.django_db


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_export_holds_every_record_and_the_original_files(make_resident, privacy_officer):
    resident = make_resident(bsn="123456782")

    filename, content = customer_export_build(user=privacy_officer, customer=resident.customer)
    files = unzip(content)

    assert filename.startswith(f"inzage-klant-{resident.customer.pk}-")
    customer = json.loads(files["klant.json"])
    assert customer[0]["bsn"] == "123456782"
    assert {a["adres"] for a in customer[0]["digitale_adressen"]} == {resident.email, resident.phone}
    contacts = json.loads(files["klantcontacten.json"])
    assert {c["id"] for c in contacts} == {resident.email_contact.pk, resident.phone_contact.pk}
    email = next(c for c in contacts if c["id"] == resident.email_contact.pk)
    message = email["berichten"][0]
    assert files[message["origineel"]] == resident.eml
    assert files[message["bijlagen"][0]["bestand"]].startswith(b"%PDF-1.4 paspoort Jan Jansen")
    callbacks = json.loads(files["terugbelverzoeken.json"])
    assert callbacks[0]["telefoonnummer"] == resident.phone
    assert callbacks[0]["belpogingen"][0]["notitie"] == "Jan bereikt"
    signals = json.loads(files["signalen.json"])
    assert signals[0]["signaal"] == resident.evidence.signal_id
    assert "LEESMIJ.txt" in files


def test_export_contains_none_of_a_look_alike_residents_data(make_resident, privacy_officer):
    resident = make_resident(first="Jan", last="Jansen", postcode="1011AB", house_number=12)
    twin = make_resident(first="Jan", last="Jansen", postcode="9999ZZ", house_number=3, phone="+31687654321", email="jan.jansen.anders@example.nl")

    _name, content = customer_export_build(user=privacy_officer, customer=resident.customer)
    blob = b"".join(unzip(content).values())

    for marker in (b"9999ZZ", twin.phone.encode(), twin.email.encode(), str(twin.email_contact.pk).encode() + b",", twin.eml):
        assert marker not in blob
    contacts = json.loads(unzip(content)["klantcontacten.json"])
    assert {c["id"] for c in contacts} == {resident.email_contact.pk, resident.phone_contact.pk}
    callbacks = json.loads(unzip(content)["terugbelverzoeken.json"])
    assert [c["id"] for c in callbacks] == [resident.callback.pk]


def test_export_covers_the_merged_records_of_the_same_resident(make_resident, privacy_officer):
    survivor = make_resident()
    duplicate = make_resident(first="J.", last="Jansen")
    Customer.objects.filter(pk=duplicate.customer.pk).update(merged_into=survivor.customer)

    _name, content = customer_export_build(user=privacy_officer, customer=survivor.customer)

    contacts = json.loads(unzip(content)["klantcontacten.json"])
    assert {c["id"] for c in contacts} == {
        survivor.email_contact.pk, survivor.phone_contact.pk, duplicate.email_contact.pk, duplicate.phone_contact.pk,
    }


def test_export_is_logged_as_a_privacy_request(make_resident, privacy_officer):
    resident = make_resident()
    customer_export_build(user=privacy_officer, customer=resident.customer)
    assert ProcessingLogEntry.objects.filter(
        customer_ref=resident.customer.pk, action=LogAction.EXPORT, purpose=Purpose.PRIVACY_REQUEST, user=privacy_officer
    ).exists()


def test_export_view_downloads_a_zip_for_the_privacy_officer_only(make_resident, privacy_officer, agent, login):
    resident = make_resident()
    url = reverse("privacy:customer_export", args=[resident.customer.pk])

    assert login(agent).post(url).status_code == 403
    response = login(privacy_officer).post(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    assert "Jansen" not in response["Content-Disposition"]
    assert "klant.json" in unzip(response.content)


# --- the readable overview (overzicht.html) ------------------------------------------------


def _overview(content: bytes) -> str:
    return unzip(content)["overzicht.html"].decode("utf-8")


def test_overview_lists_the_residents_data_contacts_callbacks_and_processing_log(make_resident, privacy_officer):
    resident = make_resident(bsn="123456782")
    ProcessingLogEntry.objects.create(
        user=privacy_officer, username="agent-x", customer_ref=resident.customer.pk, action=LogAction.VIEW,
        purpose=Purpose.ANSWER_QUESTION, context="contact 4711",
    )

    _name, content = customer_export_build(user=privacy_officer, customer=resident.customer)
    html = _overview(content)

    assert html.startswith("<!DOCTYPE html>") and '<html lang="nl">' in html
    # The customer record and its addresses.
    for text in ("Jan", "Jansen", "Dorpsstraat", "1011AB", "Voorbeeldstad", "123456782", resident.email, resident.phone):
        assert text in html, text
    # Every contact, with the question, the message text, the attachment and the transfer.
    assert "Vraag van Jan Jansen" in html and "Jan vraagt naar de aanslag" in html
    assert "Beste KCC, mijn naam is Jan Jansen" in html
    assert "paspoort-jansen.pdf" in html and f"bijlagen/{resident.attachment.pk}-" in html
    assert "Jan Jansen wil specialist" in html
    # The callback with its attempt, the signal, and the processing log (the export itself too).
    assert "Terugbellen over aanslag van Jan" in html and "Jan bereikt" in html
    assert resident.evidence.signal.title in html and "Ook Jan Jansen klaagt" in html
    section = html.split('id="verwerkingen"')[1]
    with translation.override("nl"):
        assert str(LogAction.VIEW.label) in section and "contact 4711" in section
        assert str(LogAction.EXPORT.label) in section and "inzageverzoek" in section
        assert str(Purpose.ANSWER_QUESTION.label) in section


def test_overview_holds_no_other_residents_data(make_resident, privacy_officer):
    resident = make_resident(first="Jan", last="Jansen", postcode="1011AB")
    other = make_resident(first="Piet", last="Pietersen", postcode="9999ZZ", phone="+31687654321", email="piet@example.nl")

    html = _overview(customer_export_build(user=privacy_officer, customer=resident.customer)[1])

    for marker in ("Piet", "Pietersen", "9999ZZ", other.phone, other.email):
        assert marker not in html, marker
    assert "Jansen" in html


def test_overview_is_self_contained_and_escapes_what_residents_wrote(make_resident, privacy_officer):
    resident = make_resident()
    hostile = '<script src="https://evil.example/x.js"></script><img src="https://tracker.example/p.gif">'
    resident.email_contact.question = hostile
    resident.email_contact.save(update_fields=["question"])

    html = _overview(customer_export_build(user=privacy_officer, customer=resident.customer)[1])

    assert "<script" not in html and "<img" not in html
    assert "&lt;script src=&quot;https://evil.example/x.js&quot;&gt;" in html
    # Nothing to fetch: no scripts, style sheets, images or fonts from anywhere.
    for pattern in ('src="http', "src='http", 'href="http', "<link", "@import", "url("):
        assert pattern not in html, pattern
