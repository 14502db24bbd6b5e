"""The mapping of KCC objects to Klantinteracties resources, as pure functions from a local
object (and the UUIDs it points at) to a request body. docs/integrations.md has the table; every
field is covered by tests/openklant/test_mapping_contract.py.
"""

import re
from email.utils import parseaddr

from callbacks.constants import CLOSED_STATUSES, AttemptResult
from channels.constants import Channel, Direction, Outcome
from kcc.core.constants import AddressKind

from .constants import ACTOR_REGISTER, LANGUAGE_DUTCH, NUMBER_PREFIX, SyncKind

# kanaal is free text (max 50) in the spec; Open Klant and KISS use these Dutch words.
KANAAL = {
    Channel.PHONE: "telefoon",
    Channel.EMAIL: "e-mail",
    Channel.WHATSAPP: "whatsapp",
    Channel.FACEBOOK: "facebook",
    Channel.INSTAGRAM: "instagram",
    Channel.X: "x",
    Channel.WEBFORM: "contactformulier",
    Channel.COUNTER: "balie",
}
SOORT_DIGITAAL_ADRES = {AddressKind.EMAIL: "email", AddressKind.PHONE: "telefoonnummer", AddressKind.SOCIAL: "overig"}
CALLBACK_ACTION = "Terugbellen"
UUID_IN_URL = re.compile(r"/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?$")


def number(kind: str, pk: int) -> str:
    """The stable identifier of a local object in the register (``partij.nummer``,
    ``klantcontact.referentienummer``, ``internetaak.referentienummer``)."""
    return f"{NUMBER_PREFIX[kind]}{pk:09d}"


def ref(uuid) -> dict:
    return {"uuid": str(uuid)}


def _names(first: str, prefix: str, last: str) -> dict:
    return {"voornaam": first[:200], "voorvoegselAchternaam": prefix[:10], "achternaam": last[:200]}


# --- customer -------------------------------------------------------------------------------
def partij(customer) -> dict:
    return {
        "soortPartij": "persoon",
        "nummer": number(SyncKind.CUSTOMER, customer.pk),
        "indicatieActief": customer.merged_into_id is None,
        "voorkeurstaal": LANGUAGE_DUTCH,
        "partijIdentificatie": {"contactnaam": _names(customer.first_name, customer.name_prefix, customer.last_name)},
    }


def partij_identificator_bsn(bsn: str, partij_uuid) -> dict:
    return {
        "identificeerdePartij": ref(partij_uuid),
        "partijIdentificator": bsn_identificator(bsn),
    }


def bsn_identificator(bsn: str) -> dict:
    return {"codeObjecttype": "natuurlijk_persoon", "codeSoortObjectId": "bsn", "objectId": bsn, "codeRegister": "brp"}


def address_reference(address) -> str:
    return f"kcc-adres-{address.pk}"


def digitaal_adres(address, partij_uuid) -> dict:
    return {
        "verstrektDoorPartij": ref(partij_uuid),
        "adres": address.value[:80],
        "soortDigitaalAdres": SOORT_DIGITAAL_ADRES[address.kind],
        "isStandaardAdres": address.is_default,
        "omschrijving": str(address.get_kind_display())[:40],
        "referentie": address_reference(address),
        "verificatieDatum": address.verified_at.date().isoformat() if address.verified_at else None,
    }


def preferred_address(addresses):
    """The one address the party prefers: the default e-mail, else the default phone."""
    defaults = {a.kind: a for a in addresses if a.is_default}
    return defaults.get(AddressKind.EMAIL) or defaults.get(AddressKind.PHONE)


# --- contact --------------------------------------------------------------------------------
def contact_gelukt(contact) -> bool | None:
    """indicatieContactGelukt: an inbound contact came through unless it was cut off; an
    outbound contact without an outcome is unknown (null)."""
    if contact.outcome == Outcome.DISCONNECTED:
        return False
    if contact.direction == Direction.INBOUND or contact.outcome:
        return True
    return None


def klantcontact(contact) -> dict:
    return {
        "referentienummer": number(SyncKind.CONTACT, contact.pk),
        "kanaal": KANAAL.get(contact.channel, contact.channel)[:50],
        "onderwerp": (contact.subject or str(contact.get_channel_display()))[:200],
        "inhoud": contact.question[:1000],
        "taal": LANGUAGE_DUTCH,
        # Contacts of a customer whose processing is restricted are not sent at all (sync.py);
        # everything else the KCC records is ordinary, not confidential, information.
        "vertrouwelijk": False,
        "plaatsgevondenOp": contact.started_at.isoformat(),
        "indicatieContactGelukt": contact_gelukt(contact),
    }


def anonymous_name(contact) -> dict | None:
    """The name an anonymous caller or sender gave: the display name of the first inbound
    message (an e-mail's From), else nothing."""
    message = next((m for m in contact.messages.all() if m.direction == Direction.INBOUND and m.sender), None)
    if message is None:
        return None
    name = parseaddr(message.sender)[0].strip()
    return {"voornaam": "", "voorvoegselAchternaam": "", "achternaam": name[:200]} if name else None


def betrokkene(*, klantcontact_uuid, partij_uuid=None, contactnaam: dict | None = None, initiator: bool = True) -> dict:
    # A missing reference or name is left out, not sent as null: openapi-core refuses null for
    # the spec's nullable ``allOf`` references.
    body = {"hadKlantcontact": ref(klantcontact_uuid), "rol": "klant", "initiator": initiator}
    if partij_uuid:
        body["wasPartij"] = ref(partij_uuid)
    if contactnaam:
        body["contactnaam"] = contactnaam
    return body


def case_identificator(contact) -> dict | None:
    """The case as the Onderwerpobject: its UUID from the Zaken API URL, or the case number
    for an older contact that holds only a number."""
    if contact.case_url:
        match = UUID_IN_URL.search(contact.case_url)
        if match:
            return {"codeObjecttype": "zaak", "codeRegister": "openzaak", "codeSoortObjectId": "uuid", "objectId": match.group(1)}
    if contact.case_identification:
        return {"codeObjecttype": "zaak", "codeRegister": "openzaak", "codeSoortObjectId": "identificatie", "objectId": contact.case_identification[:200]}
    return None


def article_identificator(article) -> dict:
    return {"codeObjecttype": "kennisartikel", "codeRegister": "kcc-kennisbank", "codeSoortObjectId": "id", "objectId": str(article.pk)}


def task_identificator(task_uuid) -> dict:
    return {"codeObjecttype": "internetaak", "codeRegister": "openklant", "codeSoortObjectId": "uuid", "objectId": str(task_uuid)}


def onderwerpobject(*, klantcontact_uuid, identificator: dict) -> dict:
    return {"klantcontact": ref(klantcontact_uuid), "onderwerpobjectidentificator": identificator}


# --- actors ---------------------------------------------------------------------------------
def medewerker(user) -> dict:
    return {
        "soortActor": "medewerker",
        "naam": (user.get_full_name() or user.get_username())[:200],
        "indicatieActief": user.is_active,
        "actoridentificator": medewerker_identificator(user),
    }


def medewerker_identificator(user) -> dict:
    return {"codeObjecttype": "mdw", "codeRegister": ACTOR_REGISTER, "codeSoortObjectId": "gebruikersnaam", "objectId": user.get_username()[:200]}


def organisatorische_eenheid(department) -> dict:
    return {
        "soortActor": "organisatorische_eenheid",
        "naam": department.name[:200],
        "indicatieActief": department.is_active,
        "actoridentificator": department_identificator(department),
    }


def department_identificator(department) -> dict:
    return {"codeObjecttype": "afd", "codeRegister": ACTOR_REGISTER, "codeSoortObjectId": "code", "objectId": department.code[:200]}


def actor_klantcontact(*, actor_uuid, klantcontact_uuid) -> dict:
    return {"actor": ref(actor_uuid), "klantcontact": ref(klantcontact_uuid)}


# --- callback -------------------------------------------------------------------------------
def task_status(callback) -> str:
    return "verwerkt" if callback.status in CLOSED_STATUSES else "te_verwerken"


def interne_taak(callback, *, klantcontact_uuid, actor_uuids: list) -> dict:
    toelichting = "\n\n".join(x for x in (callback.question, callback.note) if x)
    return {
        "referentienummer": number(SyncKind.CALLBACK, callback.pk),
        "gevraagdeHandeling": CALLBACK_ACTION,
        "aanleidinggevendKlantcontact": ref(klantcontact_uuid),
        "toegewezenAanActoren": [ref(u) for u in actor_uuids],
        "toelichting": toelichting[:1000],
        "status": task_status(callback),
        "afgehandeldOp": callback.closed_at.isoformat() if callback.closed_at and task_status(callback) == "verwerkt" else None,
    }


def attempt_klantcontact(attempt) -> dict:
    return {
        "referentienummer": number(SyncKind.ATTEMPT, attempt.pk),
        "kanaal": KANAAL[Channel.PHONE],
        "onderwerp": f"{CALLBACK_ACTION}: {attempt.callback.question}"[:200],
        "inhoud": attempt.note[:1000],
        "taal": LANGUAGE_DUTCH,
        "vertrouwelijk": False,
        "plaatsgevondenOp": attempt.at.isoformat(),
        "indicatieContactGelukt": attempt.result == AttemptResult.REACHED,
    }
