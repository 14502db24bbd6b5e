"""Pushing one local object to the Klantinteracties register, idempotently.

Every remote object is found in this order:
1. the mapping table (``RemoteObject``, the register's UUID per local key);
2. a lookup in the register by a stable identifier the KCC wrote into it (``partij.nummer``,
   the BSN identificator, ``klantcontact.referentienummer``, the digital address's
   ``referentie``, the actor's ``actoridentificator``, or the parent for a child object);
3. only then a POST.

The mapping row is written in the transaction of the outbox item. A worker killed after the
register answered the POST but before that commit loses the mapping row, never the remote
object: the next attempt finds it in step 2 and stores its UUID instead of creating a twin.
Root objects found in the mapping or the lookup are brought up to date with a PATCH.

Steps 2 and 3 run under a PostgreSQL advisory lock on the local key (until the item's commit):
two senders sharing a parent (the agent's actor, the party of two contacts of one customer;
several backfill processes, several Celery threads) cannot both miss it and both create it.
Keys are taken in the same order for every object of a kind, so they cannot deadlock.
"""

from __future__ import annotations

import zlib

from django.db import connection
from django.db.models import Prefetch

from callbacks.models import CallbackAttempt, CallbackRequest
from channels.models import Contact, ContactArticle, Message
from kcc.core.models import Customer

from . import mapping
from .client import KlantinteractiesClient
from .constants import SyncKind
from .models import RemoteObject


class Skip(Exception):
    """The object is not sent (erased, restricted, deleted); the item is closed with the reason."""


def key_lock(key: str) -> bool:
    """Hold an advisory lock on ``key`` until the transaction ends (PostgreSQL, inside a
    transaction); whether one was taken."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x4B4D, zlib.crc32(key.encode()) - 2**31])
    return True


class Pusher:
    def __init__(self, client: KlantinteractiesClient):
        self.client = client

    # --- the three steps ------------------------------------------------------------------------
    def ensure(self, key: str, collection: str, body: dict, *, lookup, match=None, update: bool = True) -> str:
        """The register's UUID of ``key``: from the mapping, else a lookup (one filter or a list
        of filters tried in turn), else a POST."""
        known = RemoteObject.objects.filter(key=key).first()
        if known is None and key_lock(key):
            known = RemoteObject.objects.filter(key=key).first()  # another sender made it meanwhile
        if known is not None:
            if update:
                self.client.update(collection, str(known.uuid), body)
            return str(known.uuid)
        found = None
        for params in [lookup] if isinstance(lookup, dict) else lookup:
            found = next((r for r in self.client.find(collection, params) if match is None or match(r)), None)
            if found is not None:
                break
        if found is not None:
            if update:
                self.client.update(collection, found["uuid"], body)
        else:
            found = self.client.create(collection, body)
        RemoteObject.objects.update_or_create(key=key, defaults={"uuid": found["uuid"], "url": found["url"]})
        return found["uuid"]

    # --- customer -------------------------------------------------------------------------------
    def customer(self, customer: Customer) -> str:
        if customer.erased_at or customer.restricted_at:
            raise Skip("customer erased or restricted")
        key = partij_key(customer.pk)
        body = mapping.partij(customer)
        lookups = [{"nummer": body["nummer"]}]
        if customer.bsn:
            # A party with this BSN from another channel is the same person: reuse it (and keep
            # the register's own number for it).
            lookups.insert(0, {"partijIdentificator__codeSoortObjectId": "bsn", "partijIdentificator__objectId": customer.bsn})
            if RemoteObject.objects.filter(key=key).exists() or self.client.find("partijen", lookups[0]):
                body.pop("nummer")
        partij_uuid = self.ensure(key, "partijen", body, lookup=lookups)
        if customer.bsn:
            self.ensure(
                f"partijidentificator:customer:{customer.pk}", "partij-identificatoren",
                mapping.partij_identificator_bsn(customer.bsn, partij_uuid),
                lookup={"partijIdentificatorCodeSoortObjectId": "bsn", "partijIdentificatorObjectId": customer.bsn},
                update=False,
            )
        addresses = list(customer.addresses.all())
        address_uuids = {}
        for address in addresses:
            address_uuids[address.pk] = self.ensure(
                f"digitaaladres:address:{address.pk}", "digitaleadressen", mapping.digitaal_adres(address, partij_uuid),
                lookup={"referentie": mapping.address_reference(address), "verstrektDoorPartij__uuid": partij_uuid},
            )
        preferred = mapping.preferred_address(addresses)
        if preferred is not None:
            self.client.update("partijen", partij_uuid, {
                "soortPartij": "persoon", "indicatieActief": body["indicatieActief"],
                "voorkeursDigitaalAdres": mapping.ref(address_uuids[preferred.pk]),
            })
        return partij_uuid

    def partij_of(self, customer: Customer) -> str:
        """The party of a contact or callback: sent in full only when it is not in the register
        yet (its own changes come as customer items)."""
        known = RemoteObject.objects.filter(key=partij_key(customer.pk)).values_list("uuid", flat=True).first()
        return str(known) if known else self.customer(customer)

    # --- actors ---------------------------------------------------------------------------------
    def medewerker(self, user) -> str:
        ident = mapping.medewerker_identificator(user)
        return self.ensure(
            f"actor:user:{user.pk}", "actoren", mapping.medewerker(user),
            lookup={"soortActor": "medewerker", "actoridentificatorCodeRegister": ident["codeRegister"], "actoridentificatorObjectId": ident["objectId"]},
            update=False,
        )

    def department(self, department) -> str:
        ident = mapping.department_identificator(department)
        return self.ensure(
            f"actor:department:{department.pk}", "actoren", mapping.organisatorische_eenheid(department),
            lookup={"soortActor": "organisatorische_eenheid", "actoridentificatorCodeRegister": ident["codeRegister"], "actoridentificatorObjectId": ident["objectId"]},
            update=False,
        )

    def actor_on(self, key: str, *, actor_uuid: str, klantcontact_uuid: str) -> None:
        self.ensure(
            key, "actorklantcontacten", mapping.actor_klantcontact(actor_uuid=actor_uuid, klantcontact_uuid=klantcontact_uuid),
            lookup={"klantcontact__uuid": klantcontact_uuid, "actor__uuid": actor_uuid}, update=False,
        )

    def subject(self, key: str, *, klantcontact_uuid: str, identificator: dict) -> None:
        self.ensure(
            key, "onderwerpobjecten", mapping.onderwerpobject(klantcontact_uuid=klantcontact_uuid, identificator=identificator),
            lookup={"klantcontact__uuid": klantcontact_uuid, "onderwerpobjectidentificatorObjectId": identificator["objectId"]},
            update=False,
        )

    # --- contact --------------------------------------------------------------------------------
    def contact(self, contact: Contact) -> str:
        customer = contact.customer
        if customer is not None and (customer.erased_at or customer.restricted_at):
            raise Skip("customer erased or restricted")
        partij_uuid = self.partij_of(customer) if customer is not None else None
        body = mapping.klantcontact(contact)
        kc = self.ensure(f"klantcontact:contact:{contact.pk}", "klantcontacten", body, lookup={"referentienummer": body["referentienummer"]})
        self.ensure(
            f"betrokkene:contact:{contact.pk}", "betrokkenen",
            mapping.betrokkene(
                klantcontact_uuid=kc, partij_uuid=partij_uuid,
                contactnaam=None if customer else mapping.anonymous_name(contact),
                initiator=contact.direction == "inbound",
            ),
            lookup={"hadKlantcontact__uuid": kc}, match=lambda r: r.get("rol") == "klant",
        )
        ident = mapping.case_identificator(contact)
        if ident is not None:
            self.subject(f"onderwerpobject:contact:{contact.pk}:case", klantcontact_uuid=kc, identificator=ident)
        for link in contact.article_links.all():
            if link.answered:
                self.subject(f"onderwerpobject:contactarticle:{link.pk}", klantcontact_uuid=kc, identificator=mapping.article_identificator(link.article))
        agent = contact.closed_by or contact.assigned_to
        if agent is not None:
            self.actor_on(f"actorklantcontact:contact:{contact.pk}:{agent.pk}", actor_uuid=self.medewerker(agent), klantcontact_uuid=kc)
        return kc

    # --- callback -------------------------------------------------------------------------------
    def callback(self, callback: CallbackRequest) -> str:
        if callback.customer is not None and (callback.customer.erased_at or callback.customer.restricted_at):
            raise Skip("customer erased or restricted")
        if callback.source_contact is None:
            raise Skip("callback without a contact")  # aanleidinggevendKlantcontact is required
        known = RemoteObject.objects.filter(key=f"klantcontact:contact:{callback.source_contact_id}").values_list("uuid", flat=True).first()
        kc = str(known) if known else self.contact(contact_for_sync(callback.source_contact_id))
        person = callback.claimed_by or callback.assigned_to
        actors = [self.medewerker(person)] if person else [self.department(callback.target_department)]
        body = mapping.interne_taak(callback, klantcontact_uuid=kc, actor_uuids=actors)
        return self.ensure(f"internetaak:callback:{callback.pk}", "internetaken", body, lookup={"referentienummer": body["referentienummer"]})

    def attempt(self, attempt: CallbackAttempt) -> str:
        callback = attempt.callback
        known = RemoteObject.objects.filter(key=f"internetaak:callback:{callback.pk}").values_list("uuid", flat=True).first()
        task = str(known) if known else self.callback(callback)
        body = mapping.attempt_klantcontact(attempt)
        kc = self.ensure(f"klantcontact:attempt:{attempt.pk}", "klantcontacten", body, lookup={"referentienummer": body["referentienummer"]})
        partij_uuid = self.partij_of(callback.customer) if callback.customer_id else None
        contactnaam = None if partij_uuid else {"voornaam": "", "voorvoegselAchternaam": "", "achternaam": callback.caller_name[:200]}
        self.ensure(
            f"betrokkene:attempt:{attempt.pk}", "betrokkenen",
            mapping.betrokkene(klantcontact_uuid=kc, partij_uuid=partij_uuid, contactnaam=contactnaam if callback.caller_name else None, initiator=False),
            lookup={"hadKlantcontact__uuid": kc}, match=lambda r: r.get("rol") == "klant",
        )
        self.subject(f"onderwerpobject:attempt:{attempt.pk}", klantcontact_uuid=kc, identificator=mapping.task_identificator(task))
        if attempt.by is not None:
            self.actor_on(f"actorklantcontact:attempt:{attempt.pk}", actor_uuid=self.medewerker(attempt.by), klantcontact_uuid=kc)
        return kc


def partij_key(customer_pk: int) -> str:
    return f"partij:customer:{customer_pk}"


def contact_for_sync(pk: int) -> Contact:
    return (
        Contact.objects.select_related("customer", "closed_by", "assigned_to")
        .prefetch_related(
            Prefetch("article_links", queryset=ContactArticle.objects.select_related("article")),
            Prefetch("messages", queryset=Message.objects.only("id", "contact_id", "direction", "sender", "sent_at").order_by("sent_at")),
        )
        .get(pk=pk)
    )


def push(kind: str, object_id: int, client: KlantinteractiesClient) -> str:
    """Send the current state of one local object; raises Skip when it is not sent."""
    pusher = Pusher(client)
    try:
        if kind == SyncKind.CUSTOMER:
            return pusher.customer(Customer.objects.get(pk=object_id))
        if kind == SyncKind.CONTACT:
            return pusher.contact(contact_for_sync(object_id))
        if kind == SyncKind.CALLBACK:
            return pusher.callback(CallbackRequest.objects.select_related(
                "customer", "claimed_by", "assigned_to", "target_department").get(pk=object_id))
        if kind == SyncKind.ATTEMPT:
            return pusher.attempt(CallbackAttempt.objects.select_related("callback__customer", "by").get(pk=object_id))
    except (Customer.DoesNotExist, Contact.DoesNotExist, CallbackRequest.DoesNotExist, CallbackAttempt.DoesNotExist) as exc:
        raise Skip("deleted locally") from exc
    raise Skip(f"unknown kind {kind!r}")
