"""Right of access (inzageverzoek, AVG art. 15): everything the KCC holds about one resident, as
a ZIP of JSON files plus the original files, and the same data as a readable Dutch overview
(overzicht.html: one self-contained, escaped HTML file for the resident).

The resident is the customer record and its merge chain (the same person under several
records), never a look-alike: every row is selected by customer id, or through a contact of one
of those customers. Nothing is matched by name, address, phone number or e-mail address.
"""

import io
import json
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from callbacks.models import CallbackRequest
from channels.constants import InboundSource
from channels.models import Contact, Message
from kcc.core.constants import LogAction, Purpose
from kcc.core.files import sanitize_filename
from kcc.core.models import Customer, ProcessingLogEntry
from kcc.core.services import processing_log_record
from signals.models import Evidence

from ..selectors import customer_chain_ids

EMAIL_SOURCES = frozenset({InboundSource.EMAIL_FILE, InboundSource.IMAP, InboundSource.EMAIL_WEBHOOK})

README = """Inzage in uw gegevens bij het Klantcontactcentrum (KCC)
=======================================================

Dit archief bevat alle gegevens die het KCC over u bewaart, gemaakt op {made}.

overzicht.html          alles hieronder als leesbaar overzicht (openen in een webbrowser)
klant.json              uw klantgegevens (naam, adres, BSN, e-mailadressen, telefoonnummers)
klantcontacten.json     elk contact met het KCC: telefoon, e-mail, sociale media, balie,
                        met de berichten, doorverbindingen en gebruikte kennisartikelen
terugbelverzoeken.json  terugbelverzoeken met de belpogingen
signalen.json           signalen (knelpunten) waarbij een contact van u als voorbeeld dient
verwerkingen.json       wanneer uw gegevens zijn ingezien of gewijzigd, en waarom
originelen/             de oorspronkelijke e-mails die u stuurde (.eml)
bijlagen/               de bijlagen bij uw berichten
"""


def _dump(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def _customer_data(customers: Iterable[Customer]) -> list[dict]:
    return [
        {
            "klantnummer": c.pk,
            "voornaam": c.first_name,
            "tussenvoegsel": c.name_prefix,
            "achternaam": c.last_name,
            "geboortedatum": c.birth_date,
            "straat": c.street,
            "huisnummer": c.house_number,
            "toevoeging": c.house_number_addition,
            "postcode": c.postcode,
            "plaats": c.city,
            "bsn": c.bsn,
            "samengevoegd_met": c.merged_into_id,
            "aangemaakt": c.created_at,
            "gewijzigd": c.updated_at,
            "verwerking_beperkt_sinds": c.restricted_at,
            "gewist_op": c.erased_at,
            "digitale_adressen": [
                {"soort": a.get_kind_display(), "adres": a.value, "voorkeur": a.is_default, "bevestigd_op": a.verified_at}
                for a in c.addresses.all()
            ],
        }
        for c in customers
    ]


def _contacts_data(contacts, zf: zipfile.ZipFile) -> list[dict]:
    result = []
    for contact in contacts:
        messages = []
        for message in contact.messages.all():
            original = ""
            if message.raw_id and message.raw.source in EMAIL_SOURCES and message.raw.payload:
                original = f"originelen/bericht-{message.pk}.eml"
                zf.writestr(original, bytes(message.raw.payload))
            files = []
            for attachment in message.attachments.all():
                path = f"bijlagen/{attachment.pk}-{sanitize_filename(attachment.filename)}"
                try:
                    with attachment.file.open("rb") as fh:
                        zf.writestr(path, fh.read())
                except (OSError, ValueError):
                    path = ""  # the file is gone from storage; the metadata still tells what it was
                files.append(
                    {"naam": attachment.filename, "soort": attachment.content_type, "grootte": attachment.size, "sha256": attachment.sha256, "bestand": path}
                )
            messages.append(
                {
                    "id": message.pk, "richting": message.get_direction_display(), "kanaal": message.get_channel_display(),
                    "verzonden": message.sent_at, "van": message.sender, "aan": message.recipients, "onderwerp": message.subject,
                    "tekst": message.body_text, "origineel": original, "bijlagen": files,
                }
            )
        result.append(
            {
                "id": contact.pk,
                "klantnummer": contact.customer_id,
                "kanaal": contact.get_channel_display(),
                "richting": contact.get_direction_display(),
                "status": contact.get_status_display(),
                "onderwerp": contact.subject,
                "vraag": contact.question,
                "notities": contact.notes,
                "afdeling": contact.topic_department.name if contact.topic_department_id else "",
                "afhandeling": contact.get_outcome_display() if contact.outcome else "",
                "gestart": contact.started_at,
                "beantwoord": contact.answered_at,
                "beeindigd": contact.ended_at,
                "zaaknummer": contact.case_identification,
                "zaak_url": contact.case_url,
                "telefoonnummer": contact.caller_address,
                "berichten": messages,
                "doorverbindingen": [
                    {"naar_afdeling": t.to_department.name, "reden": t.reason, "op": t.created_at, "niet_voor_ons_op": t.not_for_us_at}
                    for t in contact.transfers.all()
                ],
                "kennisartikelen": [link.article.title for link in contact.article_links.all()],
            }
        )
    return result


def _callbacks_data(callbacks) -> list[dict]:
    return [
        {
            "id": cb.pk,
            "klantnummer": cb.customer_id,
            "naam_beller": cb.caller_name,
            "telefoonnummer": cb.phone,
            "vraag": cb.question,
            "afdeling": cb.target_department.name,
            "uiterste_datum": cb.deadline,
            "status": cb.get_status_display(),
            "aangemaakt": cb.created_at,
            "afgesloten": cb.closed_at,
            "resultaat": cb.outcome,
            "contact": cb.source_contact_id,
            "belpogingen": [{"op": a.at, "resultaat": a.get_result_display(), "notitie": a.note} for a in cb.attempts.all()],
        }
        for cb in callbacks
    ]


def _signals_data(evidence) -> list[dict]:
    return [
        {
            "signaal": e.signal_id, "titel": e.signal.title, "categorie": e.signal.get_category_display(),
            "status": e.signal.get_status_display(), "afdeling": e.signal.department.name,
            "contact": e.contact_id, "toegevoegd": e.added_at, "notitie": e.note,
        }
        for e in evidence
    ]


def _log_data(entries) -> list[dict]:
    return [{"op": e.at, "handeling": e.get_action_display(), "doel": e.get_purpose_display(), "waar": e.context} for e in entries]


def customer_export_build(*, user, customer: Customer) -> tuple[str, bytes]:
    """Build the export of `customer` and its merge chain. Returns (file name, ZIP bytes); the
    file name holds the customer number only. The export itself is logged (EXPORT,
    PRIVACY_REQUEST) before the data leaves."""
    ids = sorted(customer_chain_ids([customer.pk]))
    customers = list(Customer.objects.filter(pk__in=ids).prefetch_related("addresses").order_by("pk"))
    contacts = (
        Contact.objects.filter(customer_id__in=ids)
        .select_related("topic_department")
        .prefetch_related(
            "transfers__to_department",
            "article_links__article",
            Prefetch("messages", queryset=Message.objects.select_related("raw").prefetch_related("attachments").order_by("sent_at", "pk")),
        )
        .order_by("started_at", "pk")
    )
    contact_ids = Contact.objects.filter(customer_id__in=ids).values("pk")
    callbacks = (
        CallbackRequest.objects.filter(Q(customer_id__in=ids) | Q(source_contact_id__in=contact_ids))
        .select_related("target_department")
        .prefetch_related("attempts")
        .order_by("created_at", "pk")
    )
    evidence = Evidence.objects.filter(contact_id__in=contact_ids).select_related("signal__department").order_by("added_at", "pk")
    log = ProcessingLogEntry.objects.filter(customer_ref__in=ids).order_by("at", "pk")

    processing_log_record(user=user, customers=customers, action=LogAction.EXPORT, purpose=Purpose.PRIVACY_REQUEST, context="inzageverzoek")
    made = timezone.localtime()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("LEESMIJ.txt", README.format(made=made.strftime("%d-%m-%Y %H:%M")))
        data = {
            "customers": _customer_data(customers),
            "contacts": _contacts_data(contacts, zf),
            "callbacks": _callbacks_data(callbacks),
            "signals": _signals_data(evidence),
            "log": _log_data(log),
        }
        zf.writestr("klant.json", _dump(data["customers"]))
        zf.writestr("klantcontacten.json", _dump(data["contacts"]))
        zf.writestr("terugbelverzoeken.json", _dump(data["callbacks"]))
        zf.writestr("signalen.json", _dump(data["signals"]))
        zf.writestr("verwerkingen.json", _dump(data["log"]))
        # The same data, readable: rendered from exactly what the JSON files hold.
        with translation.override("nl"):
            overview = render_to_string(
                "privacy/access_overview.html", {**data, "made": made, "organisation": settings.KCC_ORGANISATION_NAME}
            )
        zf.writestr("overzicht.html", overview.encode("utf-8"))
    return f"inzage-klant-{customer.pk}-{made:%Y%m%d}.zip", buffer.getvalue()
