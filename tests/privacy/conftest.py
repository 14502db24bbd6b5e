import hashlib
import shutil
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from callbacks.constants import AttemptResult, CallbackStatus
from callbacks.models import CallbackAttempt, CallbackRequest
from channels.constants import Channel, ContactStatus, InboundSource, InboundStatus, Outcome
from channels.models import Attachment, CallEvent, Contact, InboundRaw, Message, Transfer
from kcc.core.constants import AddressKind, Role
from kcc.core.models import Customer, DigitalAddress
from kcc.core.storage import private_storage
from tests.conftest import make_staff
from tests.core.factories import CustomerFactory
from tests.signals.factories import EvidenceFactory, SignalFactory


@pytest.fixture
def privacy_officer(kcc_department):
    return make_staff("privacy", kcc_department, Role.PRIVACY, first_name="Ingrid", last_name="Smit")


@pytest.fixture
def private_dir():
    name = f"test-{uuid.uuid4().hex}"
    yield name
    shutil.rmtree(Path(settings.KCC_PRIVATE_MEDIA_ROOT) / name, ignore_errors=True)


@dataclass
class Resident:
    customer: Customer
    email_contact: Contact
    phone_contact: Contact
    message: Message
    raw: InboundRaw
    attachment: Attachment
    callback: CallbackRequest
    evidence: object
    eml: bytes
    email: str
    phone: str


def make_eml(sender: str, subject: str, body: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: kcc@voorbeeldstad.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@mail.example.nl>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


@pytest.fixture
def make_resident(db, kcc_department, belastingen, private_dir):
    """A resident with one of everything: an e-mail contact with its raw mail and an attachment
    file, a phone call with its call event, a transfer, a callback with an attempt, and a signal
    link. `ended` is how long ago the contacts and callback were closed."""

    counter = {"n": 0}

    def build(*, first="Jan", last="Jansen", postcode="1011AB", house_number=12, bsn="", email="", phone="", ended=timedelta(days=1)):
        counter["n"] += 1
        n = counter["n"]
        email = email or f"{first.lower()}.{last.lower()}{n}@example.nl"
        phone = phone or f"+3161234{n:04d}"
        customer = CustomerFactory(first_name=first, last_name=last, postcode=postcode, house_number=house_number, street="Dorpsstraat", city="Voorbeeldstad", bsn=bsn)
        DigitalAddress.objects.create(customer=customer, kind=AddressKind.EMAIL, value=email, is_default=True)
        DigitalAddress.objects.create(customer=customer, kind=AddressKind.PHONE, value=phone, is_default=True)
        now = timezone.now()
        closed = now - ended
        body = f"Beste KCC, mijn naam is {first} {last}, ik woon op postcode {postcode}. Groet."
        email_contact = Contact.objects.create(
            channel=Channel.EMAIL, customer=customer, subject=f"Vraag van {first} {last}", question=body, notes=f"Belde {phone}",
            status=ContactStatus.CLOSED, outcome=Outcome.RESOLVED, started_at=closed - timedelta(hours=2),
            answered_at=closed - timedelta(hours=1), ended_at=closed, topic_department=belastingen,
        )
        eml = make_eml(f"{first} {last} <{email}>", f"Vraag van {first} {last}", body)
        raw = InboundRaw.objects.create(
            source=InboundSource.EMAIL_FILE, payload=eml, sha256=hashlib.sha256(eml).hexdigest(), status=InboundStatus.PROCESSED,
            meta={"path": f"{last}.eml"}, dedupe_key=f"test:{uuid.uuid4().hex}",
        )
        message = Message.objects.create(
            contact=email_contact, direction="inbound", channel=Channel.EMAIL, raw=raw, sender=f"{first} {last} <{email}>",
            sender_address=email, recipients="kcc@voorbeeldstad.example", subject=f"Vraag van {first} {last}", body_text=body, sent_at=closed - timedelta(hours=2),
        )
        data = f"%PDF-1.4 paspoort {first} {last}".encode()
        stored = private_storage().save(f"{private_dir}/paspoort-{last.lower()}-{n}.pdf", ContentFile(data))
        attachment = Attachment.objects.create(message=message, filename=f"paspoort-{last.lower()}.pdf", content_type="application/pdf", size=len(data), sha256="0" * 64, file=stored)
        phone_contact = Contact.objects.create(
            channel=Channel.PHONE, customer=customer, subject="Aanslag", question=f"{first} vraagt naar de aanslag",
            caller_address=phone, status=ContactStatus.CLOSED, outcome=Outcome.TRANSFERRED, started_at=closed - timedelta(minutes=10),
            answered_at=closed - timedelta(minutes=9), ended_at=closed, topic_department=belastingen, external_id=f"call-{uuid.uuid4().hex}",
        )
        Transfer.objects.create(contact=phone_contact, to_department=belastingen, reason=f"{first} {last} wil specialist")
        CallEvent.objects.create(contact=phone_contact, call_id=phone_contact.external_id, event="ringing", at=closed - timedelta(minutes=10), caller=phone)
        callback = CallbackRequest.objects.create(
            customer=customer, phone=phone, question=f"Terugbellen over aanslag van {first}", target_department=belastingen,
            deadline=timezone.localdate(closed), status=CallbackStatus.DONE, closed_at=closed, closed_on_time=True, outcome="Uitgelegd",
            source_contact=phone_contact, note=f"Let op: {first} is slechthorend",
        )
        CallbackAttempt.objects.create(callback=callback, result=AttemptResult.REACHED, note=f"{first} bereikt", at=closed)
        signal = SignalFactory(department=belastingen)
        evidence = EvidenceFactory(signal=signal, contact=email_contact, note=f"Ook {first} {last} klaagt")
        return Resident(customer, email_contact, phone_contact, message, raw, attachment, callback, evidence, eml, email, phone)

    return build
