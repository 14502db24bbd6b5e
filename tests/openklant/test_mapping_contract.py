"""Contract tests of the mapping table in docs/integrations.md ("Open Klant"): every mapped
field, as the register (the spec-validating double) stored it."""

import pytest
from django.utils import timezone

from callbacks.constants import AttemptResult, CallbackStatus
from channels.constants import Outcome
from kcc.openklant.constants import SyncStatus
from kcc.openklant.models import RemoteObject, SyncItem
from kcc.openklant.services import sync_deliver_due
from tests.channels.factories import ContactFactory

from .factories import (
    BSN,
    CASE_UUID,
    link_article,
    make_attempt,
    make_callback,
    make_contact,
    make_customer,
)

pytestmark = pytest.mark.django_db


def _ref(obj, field):
    return obj[field]["uuid"] if obj.get(field) else None


def _deliver():
    sync_deliver_due()
    assert not SyncItem.objects.exclude(status=SyncStatus.SENT).exists(), list(SyncItem.objects.values("kind", "status", "error"))


def test_customer_becomes_persoon_with_bsn_identificator_and_digital_addresses(register):
    customer = make_customer()
    _deliver()
    [partij] = register.objects("partijen")
    assert partij["soortPartij"] == "persoon"
    assert partij["nummer"] == f"K{customer.pk:09d}"
    assert partij["indicatieActief"] is True
    assert partij["voorkeurstaal"] == "dut"
    assert partij["partijIdentificatie"]["contactnaam"] == {"voornaam": "Suzanne", "voorvoegselAchternaam": "van", "achternaam": "Moulin"}
    [ident] = register.objects("partij-identificatoren")
    assert ident["partijIdentificator"] == {"codeObjecttype": "natuurlijk_persoon", "codeSoortObjectId": "bsn", "objectId": BSN, "codeRegister": "brp"}
    assert _ref(ident, "identificeerdePartij") == partij["uuid"]
    addresses = {a["adres"]: a for a in register.objects("digitaleadressen")}
    assert set(addresses) == {"suzanne@example.nl", "+31612345678", "+31201234567"}
    assert addresses["suzanne@example.nl"]["soortDigitaalAdres"] == "email"
    assert addresses["+31612345678"]["soortDigitaalAdres"] == "telefoonnummer"
    assert addresses["+31612345678"]["isStandaardAdres"] is True
    assert addresses["+31201234567"]["isStandaardAdres"] is False
    assert all(_ref(a, "verstrektDoorPartij") == partij["uuid"] for a in addresses.values())
    assert {a["referentie"] for a in addresses.values()} == {f"kcc-adres-{a.pk}" for a in customer.addresses.all()}
    # The preferred address: the default e-mail.
    assert _ref(partij, "voorkeursDigitaalAdres") == addresses["suzanne@example.nl"]["uuid"]
    assert RemoteObject.objects.get(key=f"partij:customer:{customer.pk}").uuid.hex == partij["uuid"].replace("-", "")


def test_contact_becomes_klantcontact_with_betrokkene_onderwerpobjecten_and_actor(register, agent):
    contact = make_contact(customer=make_customer(), agent=agent)
    link = link_article(contact, agent)
    _deliver()
    [kc] = register.objects("klantcontacten")
    assert kc["referentienummer"] == f"C{contact.pk:09d}"
    assert kc["kanaal"] == "telefoon"
    assert kc["onderwerp"] == "Vraag over de dakkapel"
    assert kc["inhoud"] == "Wanneer wordt er besloten over mijn vergunning?"
    assert kc["taal"] == "dut"
    assert kc["vertrouwelijk"] is False
    assert kc["plaatsgevondenOp"] == contact.started_at.isoformat()
    assert kc["indicatieContactGelukt"] is True
    [partij] = register.objects("partijen")
    [betrokkene] = register.objects("betrokkenen")
    assert _ref(betrokkene, "hadKlantcontact") == kc["uuid"]
    assert _ref(betrokkene, "wasPartij") == partij["uuid"]
    assert betrokkene["rol"] == "klant" and betrokkene["initiator"] is True
    subjects = {o["onderwerpobjectidentificator"]["codeObjecttype"]: o for o in register.objects("onderwerpobjecten")}
    assert subjects["zaak"]["onderwerpobjectidentificator"] == {"codeObjecttype": "zaak", "codeRegister": "openzaak", "codeSoortObjectId": "uuid", "objectId": CASE_UUID}
    assert subjects["kennisartikel"]["onderwerpobjectidentificator"]["objectId"] == str(link.article_id)
    assert all(_ref(o, "klantcontact") == kc["uuid"] for o in subjects.values())
    [actor] = register.objects("actoren")
    assert actor["soortActor"] == "medewerker"
    assert actor["naam"] == agent.get_full_name()
    assert actor["actoridentificator"] == {"codeObjecttype": "mdw", "codeRegister": "kcc", "codeSoortObjectId": "gebruikersnaam", "objectId": agent.username}
    [ak] = register.objects("actorklantcontacten")
    assert (_ref(ak, "actor"), _ref(ak, "klantcontact")) == (actor["uuid"], kc["uuid"])


def test_anonymous_contact_has_only_a_contact_name(register, agent):
    from tests.channels.factories import MessageFactory

    contact = ContactFactory(customer=None, closed_resolved=True, outcome=Outcome.DISCONNECTED)
    MessageFactory(contact=contact, direction="inbound", sender="Bea Bezorgd <bea@example.nl>")
    _deliver()
    [kc] = register.objects("klantcontacten")
    assert kc["indicatieContactGelukt"] is False
    assert register.count("partijen") == 0
    [betrokkene] = register.objects("betrokkenen")
    assert betrokkene.get("wasPartij") is None
    assert betrokkene["contactnaam"]["achternaam"] == "Bea Bezorgd"


def test_callback_becomes_interne_taak_for_the_department_then_the_person(register, agent, agent2):
    contact = make_contact(customer=make_customer(), agent=agent)
    callback = make_callback(contact=contact)
    _deliver()
    [task] = register.objects("internetaken")
    kc = next(k for k in register.objects("klantcontacten") if k["referentienummer"] == f"C{contact.pk:09d}")
    assert task["referentienummer"] == f"T{callback.pk:09d}"
    assert task["gevraagdeHandeling"] == "Terugbellen"
    assert task["toelichting"] == f"{callback.question}\n\nLiefst na 14:00"
    assert task["status"] == "te_verwerken"
    assert task["toegewezenOp"]  # set by the register when assigned
    assert _ref(task, "aanleidinggevendKlantcontact") == kc["uuid"]
    [dept] = [a for a in register.objects("actoren") if a["soortActor"] == "organisatorische_eenheid"]
    assert dept["naam"] == callback.target_department.name
    assert dept["actoridentificator"]["objectId"] == callback.target_department.code
    assert [a["uuid"] for a in task["toegewezenAanActoren"]] == [dept["uuid"]]
    # Claimed by a colleague: the person as medewerker.
    callback.status, callback.claimed_by = CallbackStatus.CLAIMED, agent2
    callback.save()
    _deliver()
    [task] = register.objects("internetaken")
    person = next(a for a in register.objects("actoren") if a["actoridentificator"]["objectId"] == agent2.username)
    assert [a["uuid"] for a in task["toegewezenAanActoren"]] == [person["uuid"]]


def test_attempt_is_a_klantcontact_linked_to_the_task_and_done_sets_verwerkt(register, agent):
    contact = make_contact(customer=make_customer(), agent=agent)
    callback = make_callback(contact=contact)
    attempt = make_attempt(callback=callback, by=agent, result=AttemptResult.VOICEMAIL)
    reached = make_attempt(callback=callback, by=agent, result=AttemptResult.REACHED)
    _deliver()
    [task] = register.objects("internetaken")
    kcs = {k["referentienummer"]: k for k in register.objects("klantcontacten")}
    first, second = kcs[f"P{attempt.pk:09d}"], kcs[f"P{reached.pk:09d}"]
    assert first["indicatieContactGelukt"] is False and second["indicatieContactGelukt"] is True
    assert first["kanaal"] == "telefoon"
    assert first["inhoud"] == "Voicemail ingesproken"
    assert first["plaatsgevondenOp"] == attempt.at.isoformat()
    links = [o for o in register.objects("onderwerpobjecten") if o["onderwerpobjectidentificator"]["codeObjecttype"] == "internetaak"]
    assert {_ref(o, "klantcontact") for o in links} == {first["uuid"], second["uuid"]}
    assert {o["onderwerpobjectidentificator"]["objectId"] for o in links} == {task["uuid"]}
    callback.status, callback.closed_at = CallbackStatus.DONE, timezone.now()
    callback.save()
    _deliver()
    [task] = register.objects("internetaken")
    assert task["status"] == "verwerkt"
    assert task["afgehandeldOp"] == callback.closed_at.isoformat()
